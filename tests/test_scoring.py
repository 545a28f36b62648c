"""Empathy scoring: graded validation set (Spearman, AUC), empty-phrase and false-reassurance traps, spans."""

import json
from pathlib import Path

import pytest

from empathy.files import read_jsonl
from empathy.scoring import EMPATHY_DIMENSIONS as DIMENSIONS
from empathy.scoring import load_training_sentences, preload, score_empathy
from empathy.text import split_sentences

DATA = Path(__file__).parent / "data" / "scoring_validation.jsonl"
PATIENT = "I've been so anxious waiting for my biopsy results that I can't sleep. When will they be ready?"


def _rows():
    return read_jsonl(DATA)


@pytest.fixture(scope="module")
def scored():
    rows = _rows()
    preload([(r["patient"], r["reply"]) for r in rows])
    return rows, [score_empathy(r["patient"], r["reply"]) for r in rows]


def _norm(s):
    return " ".join(s.lower().split())


def test_validation_set_is_large_graded_and_separate_from_training():
    rows = _rows()
    assert len(rows) >= 150
    assert {r["level"] for r in rows} == {0, 1, 2, 3}
    kinds = {r["kind"] for r in rows}
    assert {"graded", "empty_trap", "false_reassurance_trap"} <= kinds
    texts, labels = load_training_sentences()
    # Stock phrases ("Thanks for reaching out.") are the same everywhere; every other sentence must differ.
    training = {_norm(t) for t, ls in zip(texts, labels) if "empty" not in ls}
    validation = {_norm(r["reply"][s:e]) for r in rows for s, e in split_sentences(r["reply"])}
    assert not training & validation, training & validation


def test_spearman_and_auc_on_validation_set(scored):
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    rows, scores = scored
    levels = [r["level"] for r in rows]
    overall = [s.overall for s in scores]
    rho = spearmanr(levels, overall).correlation
    auc = roc_auc_score([lv >= 2 for lv in levels], overall)
    assert rho >= 0.7, rho  # measured 0.84 (README)
    assert auc >= 0.85, auc  # measured 0.98


def test_traps_never_score_as_high_as_the_warm_reply(scored):
    rows, scores = scored
    warm = {r["scenario"]: s.overall for r, s in zip(rows, scores) if r["kind"] == "graded" and r["level"] == 3}
    for r, s in zip(rows, scores):
        if r["kind"].endswith("_trap"):
            assert s.overall < warm[r["scenario"]], r["id"]
            expected = "empty_phrases" if r["kind"] == "empty_trap" else "false_reassurance"
            assert expected in s.flags, (r["id"], s.flags)


def test_levels_are_ordered_on_average(scored):
    rows, scores = scored
    means = []
    for level in range(4):
        values = [s.overall for r, s in zip(rows, scores) if r["kind"] == "graded" and r["level"] == level]
        means.append(sum(values) / len(values))
    assert means == sorted(means) and means[3] - means[0] > 0.4, means


def test_repeating_i_understand_earns_nothing_more():
    once = score_empathy(PATIENT, "I understand. Results take 3-5 days.")
    many = score_empathy(PATIENT, "I understand. I understand. I understand. I understand. Results take 3-5 days.")
    assert many.overall <= once.overall
    assert "empty_phrases" in many.flags and "repetition" in many.flags


def test_false_reassurance_lowers_an_otherwise_warm_reply():
    warm = ("I'm so sorry the waiting is keeping you up at night; it's completely understandable to feel anxious. "
            "Results usually come back in 3-5 days, and I'll call you as soon as they arrive.")
    false = warm + " There is nothing to worry about, I promise it's not cancer."
    a, b = score_empathy(PATIENT, warm), score_empathy(PATIENT, false)
    assert b.overall < a.overall
    assert "false_reassurance" in b.flags and "false_reassurance" not in a.flags
    start = false.index("There is nothing")
    assert any(s <= start < e for s, e in b.flag_spans["false_reassurance"])


def test_dimensions_and_spans_point_at_the_right_sentences():
    reply = ("Results take 3-5 days. I'm so sorry the wait is keeping you up at night. "
             "How are you holding up in the meantime? You are not alone in this.")
    result = score_empathy(PATIENT, reply)
    assert set(result.dimensions) == set(DIMENSIONS)
    assert 0.0 <= result.overall <= 1.0
    carried = {d: [reply[s:e] for s, e in v.spans] for d, v in result.dimensions.items()}
    assert carried["emotional_reactions"] == ["I'm so sorry the wait is keeping you up at night."]
    assert "How are you holding up in the meantime?" in carried["explorations"]
    assert "You are not alone in this." in carried["comforting"]
    assert all("Results take" not in s for spans in carried.values() for s in spans)
    d = result.to_dict()
    json.dumps(d)
    assert set(d["dimensions"]) == set(DIMENSIONS) and d["overall"] == result.overall


def test_curt_reply_scores_low_and_empty_reply_zero():
    assert score_empathy(PATIENT, "Results in 3-5 days.").overall < 0.2
    assert score_empathy(PATIENT, "").overall == 0.0


def test_split_sentences_keeps_offsets_and_abbreviations():
    text = "Dr. Smith said 2.5 mg daily. OK!\nNext line? Yes"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Dr. Smith said 2.5 mg daily.", "OK!", "Next line?", "Yes"]


def test_cli_score_jsonl_one_line_per_input(tmp_path):
    import subprocess
    import sys

    warm = "I'm so sorry the wait is keeping you up at night. Results take 3-5 days. How are you holding up?"
    lines = [
        json.dumps({"id": "warm", "patient": PATIENT, "reply": warm}),
        "{not json",
        json.dumps({"id": "curt", "patient": PATIENT, "reply": "Results take 3-5 days."}),
        json.dumps({"id": "empty", "patient": PATIENT, "reply": "  "}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "empathy", "score", "--jsonl", str(src)], capture_output=True, timeout=300)
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert proc.returncode == 1  # some lines failed
    assert [o["id"] for o in out] == ["warm", 2, "curt", "empty"]
    assert "error" in out[1] and "empty" in out[3]["error"]
    warm_out, curt_out = out[0], out[2]
    assert warm_out["empathy"] > curt_out["empathy"]
    assert set(warm_out["dimensions"]) == set(DIMENSIONS)
    assert {"readability", "politeness", "dbt", "dbt_adherence"} <= set(warm_out["quality"])
    s, e = warm_out["dimensions"]["emotional_reactions"]["spans"][0]
    assert warm[s:e] == "I'm so sorry the wait is keeping you up at night."
    assert warm_out["patient_emotion"]["emotions"][0] == "anxiety"

    proc = subprocess.run([sys.executable, "-m", "empathy", "score", "--patient", PATIENT], capture_output=True, timeout=300)
    err = proc.stderr.decode().strip().splitlines()
    assert proc.returncode == 1 and len(err) == 1 and err[0].startswith("Error: --reply is required"), err


def test_shipped_weights_match_the_training_sentences():
    """The weights in empathy/data were fitted on the current sentences; refitting gives the same classifier."""
    import numpy as np

    from empathy.scoring import LABELS, SentenceClassifier, embed_sentences

    shipped = SentenceClassifier.load()
    assert shipped is not None, "empathy/data/scoring_weights.json is stale: run python -m empathy.scoring"
    refit = SentenceClassifier.fit()
    X = embed_sentences([r["reply"] for r in _rows()[:40]])
    a, b = shipped.predict(X), refit.predict(X)
    assert a.shape == (40, len(LABELS))
    assert np.abs(a - b).max() < 0.02


DRAFTS = [
    ("I'm scared about what the scan will show.", "Your CT scan is booked for Tuesday at 9 am. Do not eat for 4 hours before."),
    ("My knee still hurts after the surgery.", "Swelling can last 6 weeks. Keep doing the exercises twice a day."),
    ("Can I get a refill?", "The refill was sent to your pharmacy. Take one tablet daily."),
]


@pytest.mark.parametrize("opener", ["Thank you for your message.", "Thank you for reaching out to me about this.",
                                    "I appreciate you keeping me updated.", "Thanks for your question.", "I understand."])
def test_a_stock_opener_buys_no_empathy(opener):
    """Framing picks the sentences the scorer rates highest: a stock line must not beat real empathy."""
    for patient, draft in DRAFTS:
        plain, opened = score_empathy(patient, draft), score_empathy(patient, f"{opener} {draft}")
        assert opened.overall <= plain.overall + 0.01, (opener, plain.overall, opened.overall)
        assert "empty_phrases" in opened.flags
        for d in ("emotional_reactions", "interpretations", "explorations"):
            assert opened.dimensions[d].score <= plain.dimensions[d].score + 0.01, (opener, d)
        specific = score_empathy(patient, f"That must be so frightening, and I'm sorry you're dealing with it. {draft}")
        assert specific.overall > opened.overall + 0.1


def test_mechanisms_read_clinical_phrasings():
    """The EPITOME model alone gave "That must be so frightening." 0.07 emotional reactions; with the medical
    replies in training (and the cues) it is an emotional reaction, a reflection is an interpretation, and an
    open question an exploration, each with its sentence highlighted."""
    patient, draft = DRAFTS[0]
    cases = {
        "emotional_reactions": "That must be so frightening.",
        "interpretations": "It sounds like not knowing what the scan will find is the hardest part for you.",
        "explorations": "How have you been coping while you wait?",
    }
    plain = score_empathy(patient, draft)
    for dim, sentence in cases.items():
        reply = f"{sentence} {draft}"
        result = score_empathy(patient, reply)
        assert result.dimensions[dim].score >= 0.5 > plain.dimensions[dim].score, (dim, result.dimensions[dim].score)
        assert [reply[s:e] for s, e in result.dimensions[dim].spans] == [sentence]
