"""End to end in headless Chromium (Playwright) against ``python app.py`` on localhost with the embedded model, at
1024 px.

One real session, each step checked on the page and then in SQLite: an error and its message (it stays, and no
"Error" badges), a case with crisis language and markup (<script>, <img onerror>) in the patient's message (banner,
progress but no unchecked text while the model works, a verdict per reply), a vote and a revote, thumbs up then down,
accepting twice, the same case composed again, a blind pair voted again after the reveal, the dashboard. The markup
shows as text everywhere and no script runs.

``EMPATHY_SCREENSHOTS=assets`` also runs the level comparison and writes the README's screenshots there
(compose.png, tradeoff.png, dashboard.png); by default nothing is written outside the test's folder.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from app_server import ROOT, AppServer  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
XSS = '<script>window.__xss = 1</script> <img src=x onerror="window.__xss = 2">'
PATIENT = (f"Hi Dr. Lindqvist, my PSA went from 3.9 to 4.2 and I'm really scared it means cancer. {XSS} "
           "Some nights I think about ending my life. What should I do? - Maria Okafor, 555-201-3344")
DRAFT = ("Your PSA is 4.2, up from 3.9. This can happen with an enlarged prostate or infection. "
         "Repeat the PSA test in 3 months. Continue tamsulosin 0.4 mg daily. <b>Call</b> if you have fever.")
MY_VERSION = ("I understand how worrying a rising PSA feels. Your PSA is 4.2, up from 3.9. This can happen with an "
              "enlarged prostate or infection. Repeat the PSA test in 3 months. Continue tamsulosin 0.4 mg daily. "
              "Call if you have fever.")
MY_SECOND_VERSION = MY_VERSION + " Please call me today so we can talk."
LONG = 600_000  # ms: the embedded model on a busy shared 2-core CPU (a first edit took 280-360 s), first call loads the scorer too
BUTTONS = ("go", "refresh-models", "vote", "thumbs-up", "thumbs-down", "accept")  # and the Annotate tab's, below
# Every change of the edit card while the model works, to show that no unchecked text reached it.
WATCH_EDIT_CARD = """() => {
  window.__editCard = [];
  const card = document.querySelector('#card-edit');
  new MutationObserver(() => window.__editCard.push(card.innerText)).observe(card, {subtree: true, childList: true,
                                                                                  characterData: true});
}"""


def _no_injection(page, where: str):
    assert page.evaluate("window.__xss") is None, f"script ran ({where})"
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0, f"img element created ({where})"


def _no_error_badges(page, where: str):
    """Gradio marks every output of a callback that raised with an "Error" badge; ours never raise."""
    assert page.get_by_text("Error", exact=True).count() == 0, f"Gradio error badges ({where})"


@pytest.mark.browser
@pytest.mark.model
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (apt-get install chromium)")
def test_clinician_and_annotator_session_in_chromium(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("EMPATHY_SCREENSHOTS") or tmp_path)
    shots = shots if shots.is_absolute() else ROOT / shots
    shots.mkdir(parents=True, exist_ok=True)
    db = tmp_path / "e2e.db"
    server = AppServer(db)
    con = sqlite3.connect(db, timeout=30)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1024, "height": 1000})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(server.url)
            for button in BUTTONS:  # words on every button: no emoji font needed to read them
                label = page.locator(f"#{button}").inner_text()
                assert sum(c.isalpha() for c in label) >= 4, (button, label)

            # an error says what to fix where it happened, stays, and leaves no "Error" badges
            page.locator("#go").click()
            expect(page.locator("#status [role=alert]")).to_contain_text("patient message is empty", timeout=30_000)
            page.locator("#vote").click()
            expect(page.locator("#judge-status [role=alert]")).to_contain_text("type your name", timeout=30_000)
            time.sleep(3)
            expect(page.locator("#status [role=alert]")).to_contain_text("patient message is empty")
            _no_error_badges(page, "after errors")
            assert q("select count(*) from cases") == [(0,)] and q("select count(*) from judgments") == [(0,)]

            # a case with crisis language: progress while the model works, then checked replies with verdicts
            page.locator("#who input, #who textarea").first.fill("dr-e2e")
            page.locator("#patient textarea").fill(PATIENT)
            page.locator("#draft textarea").fill(DRAFT)
            page.evaluate(WATCH_EDIT_CARD)
            page.locator("#go").click()
            expect(page.locator("#status")).to_contain_text("Step 1 of 3", timeout=60_000)  # the error is gone
            assert page.locator("#status [role=alert]").count() == 0
            expect(page.locator("#status")).to_contain_text("Saved as case", timeout=LONG)
            banner = page.locator("#emotion .ee-banner")
            expect(banner).to_contain_text("Crisis language")
            expect(banner).to_contain_text("988")
            assert banner.bounding_box()["y"] < page.locator("#card-edit").bounding_box()["y"]  # top of the case
            edit_text = q("select text from replies where kind = 'edit'")[0][0]
            seen = page.evaluate("window.__editCard")
            while_working = [t for t in seen if "Needs review" not in t and "Safe to send" not in t
                             and "Not safe" not in t]
            # progress lines only (the embedded model frames its draft: "Framing: ..."; a fast step may not be drawn)
            assert while_working
            assert not any(edit_text[:60] in t for t in while_working), "unchecked text shown while the model worked"
            for card in ("#card-edit", "#card-generate"):
                verdict = page.locator(f"{card} .ee-verdict").inner_text()
                assert verdict.startswith(("Safe to send after a read", "Needs review", "Not safe to send")), verdict
                assert "suicide or self-harm" in verdict or verdict.startswith("Not safe")
            facts = ":is(mark, .fact-kept, .fact-missing, .fact-changed, .fact-unsupported)"
            assert page.locator(f"#card-original {facts}").count() >= 3
            assert page.locator(f"#card-edit {facts}").count() >= 1
            edit_card = page.locator("#card-edit").inner_text()
            assert "fact recall" in edit_card and "Warmth (empathy score)" in edit_card
            assert "emotional_reactions" not in edit_card and "short original" not in edit_card
            assert "Attempts:" in edit_card  # collapsed view of every try
            assert "afraid" in page.locator("#emotion").inner_text()
            assert "<b>Call</b>" in page.locator("#card-original").inner_text()  # the draft's markup is text
            assert page.locator("#card-original b:text('Call')").count() == 0
            _no_injection(page, "compose")
            _no_error_badges(page, "compose")
            page.evaluate("window.scrollTo(0, 0)")
            bottom = max(_page_y(page, c, bottom=True) for c in ("#card-original", "#card-edit", "#card-generate"))
            page.screenshot(path=str(shots / "compose.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1024, "height": bottom + 16})
            (patient,) = q("select patient from cases")[0]
            assert "<script>window.__xss = 1</script>" in patient  # stored as text
            assert "Okafor" not in patient and "555-201-3344" not in patient and "Lindqvist" not in patient  # scrubbed
            assert sorted(k for (k,) in q("select kind from replies")) == ["edit", "generate", "original"]
            assert '"recall"' in q("select fact_report from replies where kind = 'edit'")[0][0]

            # a three-way vote, then a revote: one judgment per pair and dimension, the old vote archived
            page.locator("#vote-empathy").get_by_text("A better").click()
            page.locator("#vote-accuracy").get_by_text("Equally good").click()
            page.locator("#vote-overall").get_by_text("A better").click()
            page.locator("#vote").click()
            expect(page.locator("#judge-status")).to_contain_text("Saved 3 judgment(s) by dr-e2e", timeout=30_000)
            page.locator("#vote-overall").get_by_text("B better").click()
            page.locator("#vote").click()
            expect(page.locator("#judge-status")).to_contain_text("1 replaced your earlier vote", timeout=30_000)
            judged = "select j.choice, j.dimension from judgments j join annotators a on a.id = j.annotator_id order by j.id"
            assert q(judged) == [("a", "empathy"), ("tie", "accuracy"), ("b", "overall")]
            assert q("select choice, dimension from judgment_revisions") == [("a", "overall")]

            # thumbs up, then down: one rating
            page.locator("#thumbs-up").click()
            expect(page.locator("#judge-status")).to_contain_text("Saved thumbs up", timeout=30_000)
            page.locator("#thumbs-down").click()
            expect(page.locator("#judge-status")).to_contain_text("replaces your thumbs up", timeout=30_000)
            assert q("select value from ratings") == [(-1,)] and q("select value from rating_revisions") == [(1,)]

            # accept with my changes, twice: one accepted edit holding the second version
            page.locator("#accept-text textarea").fill(MY_VERSION)
            page.locator("#accept").click()
            expect(page.locator("#accept-status")).to_contain_text("Accepted your version", timeout=30_000)
            page.locator("#accept-text textarea").fill(MY_SECOND_VERSION)
            page.locator("#accept").click()
            expect(page.locator("#accept-status")).to_contain_text("replaces your earlier accepted version",
                                                                   timeout=30_000)
            assert q("select r.text from accepted_edits e join replies r on r.id = e.accepted_reply_id") == [
                (MY_SECOND_VERSION,)]
            assert q("select text from accepted_edit_revisions") == [(MY_VERSION,)]
            assert q("select count(*) from replies where kind = 'accepted'") == [(1,)]

            # the same message and draft again: the same case, its replies added to it (or the same rows)
            page.locator("#go").click()
            expect(page.locator("#status")).to_contain_text("already", timeout=60_000)
            expect(page.locator("#status")).to_contain_text("Saved as case 1", timeout=LONG)
            assert q("select count(*) from cases") == [(1,)]
            assert q("select count(*) from replies where kind = 'original'") == [(1,)]

            # a blind pair: vote, see the models, vote again; progress counts pairs, not votes
            page.get_by_role("tab", name="Annotate").click()
            for button in ("import", "fill", "next-pair", "ann-vote"):
                assert sum(c.isalpha() for c in page.locator(f"#{button}").inner_text()) >= 4, button
            page.locator("#next-pair").click()
            expect(page.locator("#ann-patient")).to_contain_text("<script>window.__xss = 1</script>", timeout=30_000)
            assert '<img src=x onerror="window.__xss = 2">' in page.locator("#ann-patient").inner_text()
            expect(page.locator("#progress")).to_contain_text("1 of ")  # one pair judged in compose
            _no_injection(page, "annotate")
            page.locator("#ann-overall").get_by_text("A better").click()
            page.locator("#ann-vote").click()
            expect(page.locator("#reveal")).to_contain_text("A was", timeout=30_000)
            page.locator("#ann-overall").get_by_text("Equally good").click()
            page.locator("#ann-vote").click()
            expect(page.locator("#ann-status")).to_contain_text("1 replaced your earlier vote", timeout=30_000)
            page.locator("#next-pair").click()
            expect(page.locator("#progress")).to_contain_text("2 of ", timeout=30_000)
            assert page.locator("#ann-overall input:checked").count() == 0  # the next pair starts with no vote
            assert q("select count(*) from judgments") == [(4,)] and q("select count(*) from judgment_revisions") == [(2,)]

            # the dashboard: counts, a readable plot, agreement explained
            page.get_by_role("tab", name="Dashboard").click()
            page.locator("#refresh").click()
            expect(page.locator("#summary")).to_contain_text("4 judgments", timeout=30_000)
            expect(page.locator("#rates-plot svg.ee-plot")).to_be_visible()
            assert "Physician's draft" in page.locator("#rates-plot").inner_text()
            assert "What it means" in page.locator("#kappa").inner_text()
            _no_injection(page, "dashboard")
            _no_error_badges(page, "dashboard")
            if os.environ.get("EMPATHY_SCREENSHOTS"):
                _tradeoff_and_dashboard_screenshots(page, shots, expect)
            browser.close()
    finally:
        server.stop()
    assert dialogs == []
    assert q("pragma integrity_check") == [("ok",)]
    con.close()


def _tradeoff_and_dashboard_screenshots(page, shots: Path, expect):
    """The README's pictures: the dashboard as it is, the level comparison of this case (four more edits)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
    page.get_by_role("tab", name="Compose").click()
    page.get_by_text("Compare the empathy levels for this case").click()
    page.locator("#curve").click()
    expect(page.locator("#curve-status")).to_contain_text("Done", timeout=3 * LONG)  # four edits
    expect(page.locator("#curve-plot svg.ee-plot")).to_be_visible()
    assert "Safe to send" not in page.locator("#curve-table").inner_text()  # crisis language: every level to review
    title = page.get_by_text("Compare the empathy levels for this case")
    top = title.evaluate("e => e.getBoundingClientRect().top + window.scrollY") - 12  # the section's title
    bottom = _page_y(page, "#curve-table", bottom=True) + 16
    page.screenshot(path=str(shots / "tradeoff.png"), full_page=True,
                    clip={"x": 0, "y": top, "width": 1024, "height": bottom - top})


def _page_y(page, selector: str, *, bottom: bool = False) -> float:
    """An element's top (or bottom) in page coordinates, as a full-page screenshot's clip wants them."""
    return page.evaluate("([s, b]) => { const r = document.querySelector(s).getBoundingClientRect();"
                         " return (b ? r.bottom : r.top) + window.scrollY; }", [selector, bottom])
