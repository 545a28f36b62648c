"""Patient emotion and crisis detection, measured on a labelled set of messages."""

import json
from pathlib import Path

import pytest

from empathy.emotion import EMOTIONS, detect_emotions
from empathy.files import read_jsonl

DATA = Path(__file__).parent / "data" / "emotion_messages.jsonl"


def _rows():
    return read_jsonl(DATA)


def test_labelled_set_covers_every_category():
    rows = _rows()
    assert len(rows) >= 60
    labels = {label for r in rows for label in r["labels"]}
    assert set(EMOTIONS) | {"none"} <= labels


def test_accuracy_on_labelled_set():
    rows = _rows()
    correct = sum(detect_emotions(r["message"]).emotions[0] in r["labels"] for r in rows)
    accuracy = correct / len(rows)
    assert accuracy >= 0.85, accuracy  # measured 0.99 (README, Empathy scoring)


def test_crisis_flag_on_labelled_set():
    rows = _rows()
    for r in rows:
        result = detect_emotions(r["message"])
        assert result.crisis == r.get("crisis", False), r["id"]
        if result.crisis:
            assert "988" in result.crisis_guidance and "emergency" in result.crisis_guidance
            assert result.spans["crisis"]


def test_spans_point_at_cue_words():
    message = "I'm terrified about the biopsy and honestly a bit embarrassed to ask."
    result = detect_emotions(message)
    assert result.emotions[:2] == ["fear", "embarrassment"]
    assert [message[s:e].lower() for s, e in result.spans["fear"]] == ["terrified"]
    assert [message[s:e].lower() for s, e in result.spans["embarrassment"]] == ["embarrassed"]
    assert result.scores["fear"] >= result.scores["embarrassment"] > 0


def test_neutral_and_negated_messages_show_none():
    assert detect_emotions("Please refill my atorvastatin 20 mg.").emotions == ["none"]
    assert detect_emotions("I'm not worried at all, just need the form signed.").emotions == ["none"]
    assert detect_emotions("").emotions == ["none"]


def test_to_dict_is_json_ready():
    d = detect_emotions("I want to end my life").to_dict()
    json.dumps(d)
    assert d["crisis"] is True and d["emotions"][0] == "sadness"
    assert set(d["scores"]) == set(EMOTIONS)


@pytest.mark.parametrize("message", [
    "I keep thinking about killing myself.",
    "Everyone would be better off without me.",
    "I took a handful of my pills last night on purpose.",
])
def test_crisis_language_is_flagged(message):
    assert detect_emotions(message).crisis


def test_accuracy_on_held_out_set():
    """Written after the cue lists were frozen, and never used to tune them (27/28 when written)."""
    rows = read_jsonl(DATA.parent / "emotion_heldout.jsonl")
    assert len(rows) >= 24
    accuracy = sum(detect_emotions(r["message"]).emotions[0] in r["labels"] for r in rows) / len(rows)
    assert accuracy >= 0.8, accuracy
