"""The app's callbacks without a browser (scripted model for speed), accounts, escaping, start-up imports.

The same flows run in headless Chromium with the real embedded model in test_browser_app.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from empathy.app import render
from empathy.app.accounts import load_accounts, parse_accounts
from empathy.app.ui import App, who
from empathy.backends import ScriptedBackend
from empathy.config import Settings
from empathy.errors import InputError
from empathy.store import Store

PATIENT = "I'm scared about my PSA of 4.2. <script>alert(1)</script> - Maria Okafor"
DRAFT = "Your PSA is 4.2. Repeat the PSA test in 3 months."


class Req:
    def __init__(self, username=None):
        self.username = username


@pytest.fixture
def app(tmp_path):
    store = Store(tmp_path / "app.db")
    a = App(Settings(db=str(tmp_path / "app.db"), models_dir=str(tmp_path / "models")), store)
    edit = "I understand this is frightening. Your PSA is 4.2. Repeat the PSA test in 3 months. <img src=x onerror=alert(1)>"
    generated = "Dear patient, a PSA of 4.2 is nothing to worry about. Start finasteride 5 mg daily."
    # calls that show the model the draft (edit tries) get the edit; the rest (generation, framing) the generated text,
    # so the test does not depend on how many calls an edit makes
    backend = ScriptedBackend(reply_fn=lambda messages, options: edit if any(
        "Repeat the PSA test" in m["content"] for m in messages) else generated)
    a.backend = lambda model_id=None: backend
    yield a
    store.close()


def _compose(app, **kw):
    args = dict(patient=PATIENT, draft=DRAFT, level=2, model_id="default", name="dr-a", request=Req())
    args.update(kw)
    return list(app.compose(**args))


def test_compose_shows_progress_then_stores_reviewed_replies(app):
    updates = _compose(app, draft=DRAFT + " <b>Call</b> if you have a fever.")
    assert len(updates) >= 4
    # while the model works the edit card shows which try and what the checker does, never the unchecked text
    assert any("First try: the model is editing the draft" in u[2] for u in updates[:-1])
    assert any("Step 1 of 3: editing your draft" in u[6] for u in updates[:-1])
    assert not any("I understand this is frightening" in u[2] + u[3] for u in updates[:-1])
    emo, original, edit, generate, accept_text, ids, status = updates[-1]
    assert "Saved as case" in status
    assert set(ids) == {"case", "original", "edit", "generate"}
    assert "fact recall" in edit and "precision" in edit and "empathy" in generate
    assert "<img" not in edit and "<img" not in original and "<script>" not in emo
    assert "&lt;b&gt;" in original  # the draft's markup is shown as text
    rows = {r["kind"]: r for r in app.store.replies(ids["case"])}
    assert accept_text == rows["edit"]["text"]  # "accept with my changes" starts from the edit
    assert rows["edit"]["fact_report"]["recall"] is not None and rows["edit"]["level"] == 2
    assert rows["generate"]["scores"]["overall"] is not None
    assert "Okafor" not in app.store.case(ids["case"])["patient"]
    # the generated reply invents a drug: flagged for review
    gen = rows["generate"]["fact_report"]
    assert gen["needs_review"] and "new_medication" in gen["flags"]


def test_compose_without_draft_generates_only_and_bad_input_is_refused(app):
    updates = _compose(app, draft="")
    ids = updates[-1][5]
    assert set(ids) == {"case", "generate"}
    # a bad input is said where the action is (no exception into Gradio: no "Error" badges left behind)
    *_, status = _compose(app, patient="   ")[-1]
    assert "ee-error" in status and "patient message is empty" in status
    assert app.store.count("cases") == 1


def test_judge_rate_accept_are_attributed(app):
    ids = _compose(app)[-1][5]
    msg = app.judge(ids, "Edited (A) vs original (B)", "A better", "Equally good", None, "dr-a", Req())
    assert msg.startswith("Saved 2 judgment(s) by dr-a")
    # a logged-in user wins over the typed name
    app.judge(ids, "Edited (A) vs generated (B)", None, None, "B better", "typed", Req("alice"))
    rows = app.store.query("select a.name, j.choice, j.dimension, j.reply_a, j.reply_b from judgments j "
                           "join annotators a on a.id = j.annotator_id order by j.id")
    assert [(r["name"], r["choice"], r["dimension"]) for r in rows] == [
        ("dr-a", "a", "empathy"), ("dr-a", "tie", "accuracy"), ("alice", "b", "overall")]
    assert (rows[0]["reply_a"], rows[0]["reply_b"]) == (ids["edit"], ids["original"])
    assert app.judge(ids, "Edited (A) vs original (B)", "A better", None, None, "", Req()).startswith("⚠ type your name")
    assert app.judge({}, "Edited (A) vs original (B)", "A better", None, None, "dr-a", Req()).startswith("⚠")
    assert app.judge(ids, "Edited (A) vs original (B)", None, None, None, "dr-a", Req()).startswith("⚠")
    assert "thumbs down" in app.rate(ids, "generate", -1, "dr-a", Req())  # words: no emoji font needed
    assert app.accept(ids, "edit", "  ", "dr-a", Req()).startswith("⚠")
    assert app.accept(ids, "edit", "Your PSA is 4.2; repeat it in 3 months. I know this is hard.", "dr-a",
                      Req()).startswith("Accepted")
    assert app.store.count("judgments") == 3 and app.store.count("ratings") == 1
    assert app.store.count("accepted_edits") == 1
    assert len(app.store.dpo_records()) == 2  # the overall judgment and the accepted edit


def test_annotation_flow_reveals_escaped_model_names(app, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps({"patient": "Knee pain <b>bad</b>", "draft": "Ice it.",
                                 "replies": [{"text": "Sorry. Ice it.", "model": "<script>m</script>", "level": 1}]}))
    assert app.import_batch(None, str(batch)).startswith("Imported 1 cases")
    patient, a, b, pair, progress, reveal = app.next_pair("ann", Req())
    assert "&lt;b&gt;bad&lt;/b&gt;" in patient and progress == "0 of 1 pairs judged"
    status, reveal = app.vote(pair, "A better", None, "B better", "ann", Req())
    assert status.startswith("Saved 2") and "&lt;script&gt;m&lt;/script&gt;" in reveal and "<script>" not in reveal
    assert app.next_pair("ann", Req())[4].startswith("All pairs judged")
    summary, rates, plot, kappa, progress = app.dashboard("overall")
    assert "2 judgments" in summary and len(rates) == 2 and list(plot.columns) == ["label", "win_rate"]
    assert app.api_judgment("api-user", pair["a"], pair["b"], "tie", "overall", Req()) > 0


def test_render_escapes_everything():
    html = render.mark_spans("<b>x</b> dose 5 mg", [(9, 18, "ee-fact-kept")])
    assert "<b>" not in html and "&lt;b&gt;" in html and '<mark class="ee-fact-kept">dose 5 mg</mark>' in html
    assert "<script>" not in render.card("<script>", render.text_html("<script>"))
    assert "<img" not in render.emotion_html({"emotions": ["<img src=x>"], "scores": {}, "crisis": True,
                                              "crisis_guidance": "<img src=y>"})
    assert "crisis" in render.flags_html(["crisis_language"])


def test_accounts(tmp_path):
    assert parse_accounts("alice:pw1\n# comment\nbob:pw:with:colons\n", "f") == [("alice", "pw1"), ("bob", "pw:with:colons")]
    f = tmp_path / "users.txt"
    f.write_text("carol:secret\n")
    assert load_accounts(str(f), env={}) == [("carol", "secret")]
    assert load_accounts(None, env={"EMPATHY_USERS": "a:1,b:2"}) == [("a", "1"), ("b", "2")]
    assert load_accounts(None, env={}) is None
    with pytest.raises(InputError):
        load_accounts(str(tmp_path / "missing.txt"), env={})
    with pytest.raises(InputError):
        parse_accounts("nocolon\n", "f")
    assert who("typed", Req("logged")) == "logged"
    with pytest.raises(InputError):
        who(" ", None)


def test_start_up_loads_the_model_but_not_torch_or_training(tmp_path):
    code = (
        "import sys; from empathy.config import Settings; from empathy.app.ui import build_app;"
        f"build_app(Settings.from_env(db={str(tmp_path / 's.db')!r}, threads=1));"
        "import json; print(json.dumps(sorted(m for m in ('torch','transformers','trl','peft','datasets',"
        "'sentence_transformers','sklearn') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_tradeoff_curve_has_one_point_per_level(app):
    df, table = app.tradeoff(PATIENT, DRAFT, "default")
    assert list(df["level"]) == ["0", "1", "2", "3"]
    assert df["fact precision"].between(0, 1).all() and df["empathy"].between(0, 1).all()


def test_tradeoff_with_crisis_language_calls_no_level_safe(app):
    *steps, (status, plot, table) = list(app.tradeoff_steps(
        PATIENT + " Some nights I think about ending my life.", DRAFT, "default"))
    assert any("(1 of 4)" in s[0] for s in steps) and "<svg" in plot
    assert "suicide or self-harm" in status and "every level" in status
    assert table.count("Needs review") == 4 and "Safe to send" not in table


def test_model_picker_lists_embedded_model_and_adapters_with_run_descriptions(app, tmp_path):
    from empathy.models import EMBEDDED_ID

    choices = app.model_choices()
    assert choices[0][1] == EMBEDDED_ID
    run = app.store.add_training_run("dpo", EMBEDDED_ID, {})
    adapter = tmp_path / "models" / "dpo-1.gguf"
    adapter.parent.mkdir()
    import empathy.models as models

    real = models.gguf_type
    models.gguf_type = lambda p: "adapter" if p.name == "dpo-1.gguf" else real(p)
    try:
        adapter.write_bytes(b"GGUF\x03\x00\x00\x00")
        app.store.update_training_run(run, status="done", adapter_path=str(adapter))
        labels = dict((v, k) for k, v in app.model_choices())
    finally:
        models.gguf_type = real
    assert f"{EMBEDDED_ID}+dpo-1" in labels and "dpo run 1, done" in labels[f"{EMBEDDED_ID}+dpo-1"]


def test_a_failing_checker_loses_no_reply(app, monkeypatch):
    import empathy.app.session

    def broken(*a, **k):
        raise RuntimeError("scorer exploded")

    monkeypatch.setattr(empathy.app.session, "review_reply", broken)
    emo, original, edit, generate, accept_text, ids, status = _compose(app)[-1]
    assert "checking failed" in status and "scorer exploded" in edit
    assert {r["kind"] for r in app.store.replies(ids["case"])} == {"original", "edit", "generate"}


def test_repeated_compose_is_one_case_and_states_it(app):
    first = _compose(app)[-1]
    again = _compose(app)[-1]
    assert first[5]["case"] == again[5]["case"] and app.store.count("cases") == 1
    assert "already a case" in again[6]
    assert app.store.count("replies") <= 5  # the draft once; a reply written again is the same row


def test_every_flag_has_plain_words_and_a_not_clinician_voice_reply_is_not_safe():
    from empathy.app.review import ReplyReview
    from empathy.app.words import FLAG_TEXT, verdict
    from empathy.facts import FLAGS

    for flag in (*FLAGS, "empty_phrases", "false_reassurance", "repetition", "crisis_language", "no_physician_draft",
                 "not_clinician_voice"):
        assert flag in FLAG_TEXT and "_" not in FLAG_TEXT[flag]
    review = ReplyReview(kind="generate", text="Thanks, doctor! [Your Name]", empathy=0.4, empathy_band="medium",
                         dimensions={"emotional_reactions": 0.7, "explorations": 0.0},
                         flags=["not_clinician_voice", "no_physician_draft"], needs_review=True)
    html = render.card("Generated", render.text_html(review.text), review,
                       attempts=[{"path": "first-try", "text": "I am the patient <b>", "clean": False,
                                  "flags": ["not_clinician_voice"], "reason": "speaks as the patient"},
                                 {"path": "first-try", "text": review.text, "clean": True}], path="first-try")
    assert "Not safe to send: not written as the clinician" in html
    assert "emotional_reactions" not in html.split('title="')[0] and "warmth and concern" in html
    assert "<details" in html and "refused" in html and "speaks as the patient" in html and "&lt;b&gt;" in html
    assert verdict([]).text == "Safe to send after a read."
    assert verdict(["crisis_language"]).level == "review"
    assert verdict(["repetition", "short_original"]).level == "ok"


def test_plots_fit_the_data_and_labels_do_not_overlap():
    import re

    from empathy.app import plots

    points = [{"level": 0, "precision": 1.0, "empathy": 0.05}, {"level": 1, "precision": 1.0, "empathy": 0.31},
              {"level": 2, "precision": 1.0, "empathy": 0.31}, {"level": 3, "precision": 0.93, "empathy": 0.34}]
    svg = plots.tradeoff_svg(points)
    cx = [float(x) for x in re.findall(r"<circle cx='([\d.]+)'", svg)]
    assert len(cx) == 3 and "Levels 1, 2" in svg  # the two identical points share one label
    assert max(cx) < 640 - 150 - 10 and min(cx) > 64 + 10  # inside the plot area, not on its edge
    labels = [(float(x), float(y), t) for x, y, t in re.findall(r"<text x='([\d.]+)' y='([\d.]+)' fill='#1f2328'>([^<]+)<", svg)]
    for i, (x1, y1, t1) in enumerate(labels):
        for x2, y2, t2 in labels[i + 1:]:
            assert abs(y1 - y2) >= 14 or x1 + 7.2 * len(t1) <= x2 or x2 + 7.2 * len(t2) <= x1, (t1, t2)
    # points a few pixels apart (0.30 and 0.31 on a 0.1-0.45 axis) would hide each other: one dot, both levels named
    near = [{"level": 0, "precision": 1.0, "empathy": 0.11}, {"level": 1, "precision": 1.0, "empathy": 0.30},
            {"level": 2, "precision": 1.0, "empathy": 0.31}, {"level": 3, "precision": 0.8, "empathy": 0.45}]
    svg = plots.tradeoff_svg(near)
    assert svg.count("<circle") == 3 and "Levels 1, 2" in svg and "Level 2: empathy 0.31" in svg
    bars = plots.bars_svg([{"label": "LLM edit, level 2", "sublabel": "<script>x</script> a very long model name for "
                            "the dashboard", "value": 0.62, "n": 12}, {"label": "Physician's draft", "value": 0.2, "n": 12}])
    assert "<script>" not in bars and "&lt;script&gt;" in bars and "…" in bars and "0.62 " in bars
    assert "(12 comparisons)" in bars


def test_long_actions_report_progress_with_counts(app, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(json.dumps({"patient": f"Knee pain {i}, worse at night.", "draft": f"Ice it, {i}."})
                               for i in range(12)))
    steps = list(app.import_steps(None, str(batch)))
    assert steps[0].startswith("…") and any(s.startswith("… Row 10 read: 10 new case(s)") for s in steps)
    assert steps[-1].startswith("Imported 12 cases")
    assert app.import_batch(None, str(batch)).startswith("Imported 0 cases and 0 replies; 12 row(s) matched")
    assert list(app.import_steps(None, ""))[-1].startswith("⚠")
    app.store.db.execute("delete from replies where case_id > 2")  # two cases left to fill: keep the test short
    app.store.db.execute("delete from cases where id > 2")
    app.store.db.commit()
    lines = list(app.fill(1, "default"))
    assert any(line.startswith("… Case 1 of 2 (edit): First try") for line in lines)
    assert any("Case 2 of 2 (check)" in line for line in lines) and lines[-1].startswith("Wrote replies for 2 case(s)")
