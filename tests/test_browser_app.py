"""End to end in headless Chromium (Playwright) against ``python app.py`` on localhost with the embedded model.

Paste a case (with <script> and <img onerror> in the patient message), edit and generate, see highlights, cast a
three-way vote, rate, accept an edit, judge a blind pair, read the dashboard, then find every row in SQLite.
Also saves the compose-tab screenshot used in the README (assets/compose.png).
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from app_server import ROOT, AppServer  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
XSS = '<script>window.__xss = 1</script> <img src=x onerror="window.__xss = 2">'
PATIENT = (f"Hi Dr. Lindqvist, my PSA went from 3.9 to 4.2 and I'm really scared it means cancer. {XSS} "
           "What should I do? - Maria Okafor, 555-201-3344")
DRAFT = ("Your PSA is 4.2, up from 3.9. This can happen with an enlarged prostate or infection. "
         "Repeat the PSA test in 3 months. Continue tamsulosin 0.4 mg daily. <b>Call</b> if you have fever.")
MY_VERSION = ("I understand how worrying a rising PSA feels. Your PSA is 4.2, up from 3.9. This can happen with an "
              "enlarged prostate or infection. Repeat the PSA test in 3 months. Continue tamsulosin 0.4 mg daily. "
              "Call if you have fever.")
LONG = 300_000  # ms: the embedded model on a busy 2-core CPU, first call loads the scorer too


def _no_injection(page, where: str):
    assert page.evaluate("window.__xss") is None, f"script ran ({where})"
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0, f"img element created ({where})"


@pytest.mark.browser
@pytest.mark.model
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_compose_judge_accept_annotate_in_chromium(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    db = tmp_path / "e2e.db"
    server = AppServer(db)
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(server.url)
            page.locator("#who input, #who textarea").first.fill("dr-e2e")
            page.locator("#patient textarea").fill(PATIENT)
            page.locator("#draft textarea").fill(DRAFT)
            page.locator("#go").click()
            # the edit streams into its card while the model writes
            expect(page.locator("#card-edit")).to_contain_text("writing…", timeout=LONG)
            expect(page.locator("#status")).to_contain_text("Saved as case", timeout=LONG)
            # highlights and metrics
            facts = ":is(mark, .fact-kept, .fact-missing, .fact-changed, .fact-unsupported)"
            assert page.locator(f"#card-original {facts}").count() >= 3
            assert page.locator(f"#card-edit {facts}").count() >= 1
            assert "fact recall" in page.locator("#card-edit").inner_text()
            assert "empathy" in page.locator("#card-generate").inner_text()
            assert "fear" in page.locator("#emotion").inner_text()
            # the draft's markup is text, not HTML
            assert "<b>Call</b>" in page.locator("#card-original").inner_text()
            assert page.locator("#card-original b:text('Call')").count() == 0
            _no_injection(page, "compose")
            page.evaluate("window.scrollTo(0, 0)")
            (ROOT / "assets").mkdir(exist_ok=True)
            page.screenshot(path=str(ROOT / "assets" / "compose.png"), full_page=False)
            # three-way vote on edited vs original
            page.locator("#vote-empathy").get_by_text("A better").click()
            page.locator("#vote-accuracy").get_by_text("Equally good").click()
            page.locator("#vote-overall").get_by_text("A better").click()
            page.locator("#vote").click()
            expect(page.locator("#judge-status")).to_contain_text("Saved 3 judgment(s) by dr-e2e", timeout=30_000)
            page.locator("#thumbs-down").click()
            expect(page.locator("#judge-status")).to_contain_text("👎", timeout=30_000)
            # accept with my changes
            page.locator("#accept-text textarea").fill(MY_VERSION)
            page.locator("#accept").click()
            expect(page.locator("#accept-status")).to_contain_text("Accepted your version", timeout=30_000)
            # annotation: a blind pair of this case; the patient message shows as plain text there too
            page.get_by_role("tab", name="Annotate").click()
            page.locator("#next-pair").click()
            expect(page.locator("#ann-patient")).to_contain_text("<script>window.__xss = 1</script>", timeout=30_000)
            assert '<img src=x onerror="window.__xss = 2">' in page.locator("#ann-patient").inner_text()
            expect(page.locator("#progress")).to_contain_text("1 of 3 pairs judged")  # judged in compose
            _no_injection(page, "annotate")
            page.locator("#ann-empathy").get_by_text("B better").click()
            page.locator("#ann-overall").get_by_text("Equally good").click()
            page.locator("#ann-vote").click()
            expect(page.locator("#reveal")).to_contain_text("A was", timeout=30_000)
            page.locator("#next-pair").click()  # the next pair starts with no vote selected
            expect(page.locator("#progress")).to_contain_text("2 of 3 pairs judged", timeout=30_000)  # 1 from compose
            assert page.locator("#ann-empathy input:checked").count() == 0
            # dashboard
            page.get_by_role("tab", name="Dashboard").click()
            page.locator("#refresh").click()
            expect(page.locator("#summary")).to_contain_text("5 judgments", timeout=30_000)
            _no_injection(page, "dashboard")
            browser.close()
    finally:
        server.stop()
    assert dialogs == []
    con = sqlite3.connect(db)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    (patient,) = q("select patient from cases")[0:1][0]
    assert "<script>window.__xss = 1</script>" in patient  # stored as text
    assert "Okafor" not in patient and "555-201-3344" not in patient and "Lindqvist" not in patient  # scrubbed
    kinds = sorted(k for (k,) in q("select kind from replies"))
    assert kinds == ["accepted", "edit", "generate", "original"]
    judgments = q("select a.name, j.choice, j.dimension from judgments j join annotators a on a.id = j.annotator_id "
                  "order by j.id")
    assert judgments[:3] == [("dr-e2e", "a", "empathy"), ("dr-e2e", "tie", "accuracy"), ("dr-e2e", "a", "overall")]
    assert len(judgments) == 5
    assert q("select value from ratings") == [(-1,)]
    (accepted,) = q("select r.text from accepted_edits e join replies r on r.id = e.accepted_reply_id")[0:1][0:1][0]
    assert accepted == MY_VERSION
    fact_report = q("select fact_report from replies where kind = 'edit'")[0][0]
    assert '"recall"' in fact_report
    assert q("pragma integrity_check") == [("ok",)]
