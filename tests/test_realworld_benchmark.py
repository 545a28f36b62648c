"""The real-world benchmark's own machinery (benchmarks/realworld*.py) on the 40-row ChatDoctor sample: the split,
the perturbations and the independence of the dev and blind wording pools. No model, no fact checker."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import realworld
import realworld_perturb as perturb

SAMPLE = ROOT / "tests" / "data" / "chatdoctor_sample.jsonl"


@pytest.fixture(scope="module")
def replies():
    return realworld.load(SAMPLE)


@pytest.fixture(scope="module")
def pairs(replies):
    return perturb.make_pairs(replies, "dev", per_type=40)


def test_split_is_saved_disjoint_and_matches_the_hash():
    data = json.loads(realworld.SPLIT_FILE.read_text())
    dev, blind = set(data["dev"]), set(data["blind"])
    assert dev and blind and not dev & blind
    assert 0.65 < len(dev) / (len(dev) + len(blind)) < 0.75
    for i in list(dev)[:200]:
        assert realworld.split_of(i) == "dev"
    for i in list(blind)[:200]:
        assert realworld.split_of(i) == "blind"


def test_sample_is_dev_only(replies):
    assert len(replies) == 40
    assert {r.split for r in replies} == {"dev"}


def test_every_type_is_made_and_pairs_are_well_formed(pairs):
    kinds = {p.type for p in pairs}
    assert kinds == set(perturb.TYPES)
    for p in pairs:
        assert p.edited != p.original
        assert p.expect == ("clean" if p.type in perturb.CLEAN_TYPES else "error")
        assert p.split == "dev" and p.note


def test_generation_is_deterministic(replies, pairs):
    again = perturb.make_pairs(replies, "dev", per_type=40)
    assert [p.to_dict() for p in again] == [p.to_dict() for p in pairs]


def test_clean_pairs_keep_every_name_and_number(pairs):
    """A paraphrase may reword, never drop a capitalised name (drug, test, diagnosis) or a number."""
    for p in pairs:
        if p.type != "paraphrase":
            continue
        names = set(re.findall(r"(?<![.!?] )(?<!^)\b[A-Z][a-zA-Z0-9\-]{2,}|\d+", p.original)) - {"Based", "Given"}
        for name in names:
            assert name in p.edited, (p.id, name)


def test_framing_keeps_the_reply_verbatim(pairs):
    for p in pairs:
        if p.type == "framing":
            assert p.original in p.edited


def test_negation_adds_a_negation(pairs):
    neg = re.compile(r"\b(?:not|no|n't|cannot|unlikely|against)\b|n't\b", re.IGNORECASE)
    for p in pairs:
        if p.type == "negation":
            assert len(neg.findall(p.edited)) > len(neg.findall(p.original)), p.id


def test_dropped_sentence_drops_exactly_one_sentence(pairs):
    for p in pairs:
        if p.type == "dropped_sentence":
            assert len(perturb.sentences(p.edited)) == len(perturb.sentences(p.original)) - 1


def test_blind_pools_are_written_separately():
    from realworld_pools_blind import BLIND

    dev = perturb.DEV
    for name in ("framing_open", "framing_close", "concern", "drugs", "added_drug", "tests", "added_test",
                 "advice_entity", "advice_plain", "reassurance", "conditions"):
        shared = set(getattr(dev, name)) & set(getattr(BLIND, name))
        assert not shared, (name, shared)
    assert not {r[1:] for r in dev.paraphrase} & {r[1:] for r in BLIND.paraphrase}
    assert not {r[1:] for r in dev.negation} & {r[1:] for r in BLIND.negation}
    assert {r[0] for r in dev.negation} <= {r[0] for r in BLIND.negation} | {"may"}


def test_finders_on_known_replies():
    assert perturb.find_diagnosis("Based on your symptoms, it seems like you may have a herniated disk.")[2] == "herniated disk"
    drugs = [d[2] for d in perturb.find_drugs("You will need to take Cefaclor (Ceclor), Lisinopril and famotidine.")]
    assert drugs == ["Cefaclor (Ceclor)", "Lisinopril", "famotidine"]
    assert [m.group(0) for m in perturb.find_values("Come back for a follow-up appointment in two weeks.")] == ["two weeks"]
    assert perturb.patient_symptom("Doctor, I've been experiencing knee pain and swelling.") == "knee pain"
