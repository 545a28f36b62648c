"""Fact checker: extraction, both directions of support, flags, and the hand-made pair set."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from empathy.errors import InputError
from empathy.facts import FLAGS, check_facts, extract_facts, vocabulary

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

PSA = "Your PSA is 4.2. Continue tamsulosin 0.4 mg daily. Repeat PSA in 3 months."


def test_vocabulary_loads_real_drug_and_icd_names():
    v = vocabulary()
    assert v.phrases["flomax"] == ("drug", "tamsulosin")  # brand -> generic (DrugBank/MeSH via drug-named-entity-recognition)
    assert v.phrases["gout"][0] == "condition"  # ICD-10-CM
    assert v.phrases["mri"][0] == "test"
    assert "anxiety" not in v.phrases  # a patient's feeling is not a diagnosis in a reply


def test_empathy_sentences_are_not_facts():
    facts, other = extract_facts("I'm so sorry you're going through this. Your PSA is 4.2. We're here for you.")
    assert [f.text for f in facts] == ["Your PSA is 4.2."]
    assert len(other) == 2


def test_entities_are_normalised():
    facts, _ = extract_facts("Take three tablets twice daily for two weeks. Dose is 0.4mg.")
    keys = {(e.kind, e.key) for f in facts for e in f.entities}
    assert ("dose", "3 tablet") in keys and ("frequency", "2/day") in keys and ("duration", "2 week") in keys
    assert ("dose", "0.4 mg") in keys


def test_clauses_split_into_atomic_facts():
    facts, _ = extract_facts("Continue tamsulosin 0.4 mg daily and repeat the PSA in 3 months.")
    assert len(facts) == 2


def test_identical_and_framed_edits_are_clean():
    for edited in (PSA, "I know this is worrying. " + PSA + " Please reach out with any questions."):
        r = check_facts(PSA, edited)
        assert r.recall == 1.0 and r.precision == 1.0 and not r.needs_review
        assert r.flags == ["short_original"]


def test_paraphrase_is_kept():
    r = check_facts(PSA, "Your PSA came back at 4.2. Please keep taking tamsulosin 0.4 mg every day, and we will recheck the PSA in three months.")
    assert r.recall == 1.0 and r.precision == 1.0 and not r.needs_review


@pytest.mark.parametrize("edited,flag", [
    ("Thank you for reaching out. I understand your concerns about your PSA.", "missing_fact"),
    ("Your PSA is 4.2. Continue tamsulosin 0.8 mg daily. Repeat PSA in 3 months.", "changed_value"),
    ("Your PSA is 4.2. Stop tamsulosin. Repeat PSA in 3 months.", "negation_flip"),
    (PSA + " Also start finasteride 5 mg daily.", "new_medication"),
    (PSA + " We will also get an MRI.", "new_test"),
    (PSA + " Try to exercise for 30 minutes a day.", "new_recommendation"),
    (PSA + " This is nothing to worry about.", "false_reassurance"),
])
def test_each_error_is_flagged(edited, flag):
    r = check_facts(PSA, edited)
    assert flag in r.flags and r.needs_review


def test_spans_point_into_both_texts():
    edited = "I hear you. Your PSA is 4.2. Continue tamsulosin 0.8 mg daily. Repeat PSA in 3 months."
    r = check_facts(PSA, edited)
    (m,) = r.changed
    assert PSA[m.fact.start:m.fact.end] == m.fact.text
    assert edited[m.counterpart.start:m.counterpart.end] == m.counterpart.text
    d = r.to_dict()
    json.dumps(d)
    assert d["changed"][0]["counterpart"] == "Continue tamsulosin 0.8 mg daily."
    assert set(d["flags"]) <= set(FLAGS)


def test_no_facts_means_full_scores():
    r = check_facts("Thanks for your note!", "Thank you so much for your kind note!")
    assert r.recall == 1.0 and r.precision == 1.0 and r.original_facts == [] and r.edited_facts == []


def test_low_precision_and_short_original():
    r = check_facts(PSA, PSA + " Start aspirin 81 mg daily. Get an MRI.")
    assert "low_precision" in r.flags and r.precision < 0.9 and "short_original" in r.flags
    long = PSA + " " + "Your kidney function and blood count were normal at your visit last week, and your blood pressure was 122/78." * 2
    assert "short_original" not in check_facts(long, long).flags


def test_bad_input_is_refused():
    with pytest.raises(InputError):
        check_facts(None, "x")
    with pytest.raises(InputError):
        check_facts("a", "b", mode="nope")
    with pytest.raises(InputError):
        check_facts(PSA, PSA, mode="llm")  # needs a backend


def test_llm_mode_rescues_paraphrase_but_not_new_drug():
    from empathy.backends import ScriptedBackend

    yes = ScriptedBackend(replies=["yes"])
    r = check_facts(PSA, PSA + " Also start finasteride 5 mg daily.", mode="llm", backend=yes)
    assert "new_medication" in r.flags  # a new entity is never rescued by the model
    r = check_facts("Please rest your knee and keep it elevated.", "Resting the knee helps.", mode="llm", backend=yes)
    assert r.mode == "llm"


# --- the hand-made pair set (tests/data/facts_pairs.jsonl; benchmarks/facts_detection.py prints the table)

def test_pair_set_detection_and_false_alarms():
    from facts_detection import evaluate, load

    rows = load("all")
    assert len(rows) >= 200
    res = evaluate(rows)
    for kind in ("dropped_fact", "changed_value", "negation_flip", "added_drug", "added_test", "added_advice", "false_reassurance"):
        assert res[kind]["rate"] >= 0.95, (kind, res[kind])
    assert res["false_alarm"] <= 0.05
    blind = evaluate(load("blind"))  # written after tuning: a looser bar, reported in the README
    assert blind["false_alarm"] <= 0.10
    assert min(blind[k]["rate"] for k in ("added_drug", "added_test", "changed_value", "false_reassurance")) >= 0.85
