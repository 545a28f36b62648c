"""Reference metrics from maintained libraries: sacrebleu, rouge-score, nltk n-grams."""

import pytest

from empathy.errors import EmpathyError
from empathy.metrics import bleu, corpus_bleu, distinct_n, reference_metrics, rouge

REF = "Take amoxicillin 500 mg three times a day for seven days."


def test_bleu_identical_and_disjoint():
    assert bleu(REF, REF) == pytest.approx(100.0)
    assert bleu("The weather is sunny in Paris today.", REF) < 10
    partial = bleu("I'm sorry you're unwell. Take amoxicillin 500 mg three times a day for seven days.", REF)
    assert 20 < partial < 100


def test_corpus_bleu_matches_sacrebleu_and_checks_lengths():
    import sacrebleu

    hyps, refs = [REF, "Rest and drink fluids."], [REF, "Drink fluids and rest."]
    assert corpus_bleu(hyps, refs) == pytest.approx(round(sacrebleu.corpus_bleu(hyps, [refs]).score, 2))
    with pytest.raises(EmpathyError):
        corpus_bleu(hyps, refs[:1])


def test_rouge_scores():
    r = rouge(REF, REF)
    assert r == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    r = rouge("Take amoxicillin for seven days.", REF)
    assert 0 < r["rouge2"] < r["rouge1"] < 1
    assert r["rougeL"] <= r["rouge1"]


def test_distinct_n():
    assert distinct_n("a b c d", 1) == 1.0
    assert distinct_n("I understand. I understand. I understand.", 1) == pytest.approx(3 / 9, abs=1e-4)
    assert distinct_n(["the same", "the same"], 2) == 0.5
    assert distinct_n("", 2) == 0.0
    with pytest.raises(EmpathyError):
        distinct_n("x", 0)


def test_reference_metrics_bundle():
    m = reference_metrics("I'm sorry you're unwell. " + REF, REF).to_dict()
    assert set(m) == {"bleu", "rouge1", "rouge2", "rougeL", "distinct1", "distinct2"}
    assert m["rouge1"] > 0.7 and 0 < m["distinct2"] <= 1
