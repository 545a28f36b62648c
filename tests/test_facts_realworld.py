"""Fact checker on real-style physician replies (ChatDoctor dev rows in tests/data/chatdoctor_sample.jsonl): the
failure classes of issue 10 — sentences with no vocabulary entity, out-of-vocabulary diagnoses, negation flips
without entities, new entity-free advice and claims — and the clean framings that must stay clean."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from empathy.facts import check_facts, extract_entities, extract_facts, vocabulary
from empathy.facts.checks import PRECISION_CHECKS, RECALL_CHECKS, verdict

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = {r["id"]: r for r in (json.loads(x) for x in (ROOT / "tests/data/chatdoctor_sample.jsonl").read_text().splitlines() if x)}


def reply(rid: str) -> str:
    return SAMPLE[rid]["reply"]


def drop(text: str, sentence: str) -> str:
    assert sentence in text, sentence
    return re.sub(r"\s+", " ", text.replace(sentence, "")).strip()


def flagged(original: str, edited: str, flag: str) -> bool:
    rep = check_facts(original, edited)
    return rep.needs_review and flag in rep.flags


# --- sentences whose diagnosis no vocabulary names -------------------------------------------------------

def test_medical_terms_outside_the_vocabulary_are_found():
    assert {"cholesteatoma", "hydrocele", "dislocation", "trichiasis"} <= vocabulary().terms  # ICD-10-CM words
    assert "symptom" not in vocabulary().terms and "stressful" not in vocabulary().terms  # everyday English
    keys = {(e.kind, e.key) for e in extract_entities("You may have trichiasis or a cholesteatoma; we may do a "
                                                      "tracheoscopy and start Rosuvastatin.")}
    assert ("term", "trichiasis") in keys or ("condition", "trichiasis") in keys
    assert ("condition", "cholesteatoma") in keys  # -oma
    assert ("test", "tracheoscopy") in keys  # -scopy
    assert ("drug", "rosuvastatin") in keys


@pytest.mark.parametrize("rid,sentence", [
    ("gm1132", "You may have trichiasis, which causes the lashes to grow inward towards the eye, leading to irritation, pain, and occasional discharge."),
    ("gm1180", "Based on your symptoms, you may be suffering from Scleritis."),
    ("gm1675", "It seems like you have a stenosis of the tear duct."),
    ("gm1281", "Based on your symptoms, it sounds like you may have brachial neuritis, also known as Parsonage-Turner syndrome."),
])
def test_dropped_out_of_vocabulary_diagnosis_is_missing(rid, sentence):
    assert flagged(reply(rid), drop(reply(rid), sentence), "missing_fact")


def test_dropped_diagnosis_with_added_advice_is_caught():
    """The first real failure: an edit lost "dislocation of the knee" and added advice, and passed."""
    draft = ("Based on your symptoms, it sounds like you may have a dislocation of the knee. We will need to take an "
             "x-ray to confirm and see whether the bones are aligned.")
    edit = ("I'm so sorry you're in this much pain. We will need to take an x-ray to confirm and see whether the bones "
            "are aligned. Try to stay off your feet as much as you can.")
    rep = check_facts(draft, edit)
    assert rep.needs_review and "missing_fact" in rep.flags and "new_recommendation" in rep.flags
    assert any("dislocation" in m.fact.text for m in rep.missing)


@pytest.mark.parametrize("rid,sentence", [
    ("gm1693", "We will need to run some tests to confirm the diagnosis."),
    ("gm1120", "We can run some tests to confirm the diagnosis and then start the treatment."),
    ("gm1132", "We'll conduct some tests to confirm it."),
    ("gm640", "You should also avoid touching or picking at the wound to prevent further irritation."),
])
def test_dropped_sentence_without_entities_is_missing(rid, sentence):
    facts, _ = extract_facts(sentence)
    assert facts and facts[0].content  # a fact by its content words
    assert flagged(reply(rid), drop(reply(rid), sentence), "missing_fact")


# --- negation and modality flips without entities --------------------------------------------------------

@pytest.mark.parametrize("rid,old,new", [
    ("gm1693", "We will need to run", "We will not need to run"),
    ("gm1120", "We can run some tests", "We cannot run some tests"),
    ("gm727", "can also lead to acne", "cannot also lead to acne"),
    ("gm1398", "I recommend that we run some tests", "I do not recommend that we run some tests"),
    ("gm640", "You should also avoid touching", "You should not avoid touching"),
    ("gm1491", "It is likely due to", "It is not likely due to"),
    ("gm1180", "I suggest we run some tests", "I don't suggest we run some tests"),
])
def test_negation_flip_is_caught(rid, old, new):
    original = reply(rid)
    assert old in original
    assert flagged(original, original.replace(old, new, 1), "negation_flip")


def test_split_or_merged_sentences_keep_their_negation_apart():
    """A clause split off with a comma ("..., and a chlamydia test to rule out an STD") does not negate its
    neighbour when a paraphrase drops the comma."""
    o = ("Furthermore, it would be best to conduct an ultrasonography to check on your physical health, and a "
         "chlamydia test to rule out the possibility of a sexually transmitted disease.")
    e = o.replace("health, and", "health and").replace("conduct", "carry out")
    assert not check_facts(o, e).needs_review


# --- new advice and claims that name no entity ------------------------------------------------------------

@pytest.mark.parametrize("added", [
    "Please remember there's no shame in seeking medical help.",
    "Try to get plenty of rest.",
    "Go easy on yourself over the next few days.",
    "Make sure someone close to you knows what's going on.",
    "Be gentle with yourself this week.",
])
def test_new_entity_free_advice_is_unsupported(added):
    original = reply("gm1675")
    assert flagged(original, original + " " + added, "new_recommendation")


@pytest.mark.parametrize("added", [
    "It tends to run in families.",
    "Stress can make this worse.",
    "It is not contagious.",
    "Most people recover completely.",
])
def test_new_entity_free_claim_is_unsupported(added):
    original = reply("gm1432")
    rep = check_facts(original, original + " " + added)
    assert rep.needs_review and rep.unsupported and rep.unsupported[0].fact.text == added


# --- clean framing and paraphrase stay clean --------------------------------------------------------------

FRAMINGS = [
    ("Blood in the urine is frightening to see, and I understand why you're worried.", "Waiting for results is hard."),
    ("It makes sense to feel concerned about seizures.", "Please let me know if you have any questions."),
    ("I'm sorry you've been dealing with abnormal involuntary movements; that sounds hard.",
     "You don't have to figure this out on your own."),
    ("Knee pain can be really unsettling, and I understand why you're worried.", "I'm here to support you through each step."),
    ("Thank you for telling me about these symptoms; I know it isn't easy to put them into words.",
     "Please feel free to ask me anything that is on your mind."),
    ("I can only imagine how exhausting this has been.", "I hope you feel better soon."),
]


@pytest.mark.parametrize("rid", ["gm497", "gm558", "gm1120", "gm1675", "gm799", "gm2074"])
@pytest.mark.parametrize("before,after", FRAMINGS)
def test_framed_reply_is_clean(rid, before, after):
    original = reply(rid)
    rep = check_facts(original, f"{before} {original} {after}")
    assert not rep.needs_review and rep.recall == 1.0 and rep.precision == 1.0, (rep.flags, [m.reason for m in rep.unsupported])
    assert not extract_facts(before)[0] and not extract_facts(after)[0]


def test_named_concern_is_framing_but_an_asserted_diagnosis_is_not():
    assert not extract_facts("It makes sense to feel concerned about seizures.")[0]
    assert not extract_facts("Chest pain sounds really frightening.")[0]
    assert extract_facts("I'm sorry to hear you have a migraine.")[0]
    assert extract_facts("I understand you're worried, but you may have a hydrocele.")[0]


# Offers and commitments the embedded model wrote (sentence-gate dev labels, stock_line): they name nothing new.
OFFERS = [
    "I'm just glad I could help.",
    "I'll be in touch soon to coordinate the next steps.",
    "I'm always available for support whenever you need it.",
    "I'm here to support you every step of the way, and I'll do everything possible to help you get the right treatment.",
    "I'd like to discuss it further with you so that we can find a suitable treatment plan for you.",
    "If there are any concerns or questions, please do not hesitate to reach out.",
]


@pytest.mark.parametrize("offer", OFFERS)
def test_offers_and_commitments_are_clean(offer):
    original = reply("gm497")
    rep = check_facts(original, f"{original} {offer}")
    assert not rep.needs_review, (rep.flags, [m.reason for m in rep.unsupported])


def test_an_offer_with_a_clinical_claim_is_not_an_offer():
    original = reply("gm497")
    for added in ("I'll be in touch soon to coordinate the next steps; this usually heals without treatment.",
                  "I'm here to help, and we will also need a chest X-ray."):
        assert check_facts(original, f"{original} {added}").needs_review, added


RULES = [(r"\bWe will\b", "We'll"), (r"\bBased on your symptoms,", "Given your symptoms,"), (r"\bIt sounds like\b", "It seems like"),
         (r"\bI would recommend\b", "my recommendation is"), (r"\bsuch as\b", "like"), (r", and\b", " and"),
         (r"\bconduct\b", "carry out"), (r"\bAdditionally, ", "Also, ")]


@pytest.mark.parametrize("rid", sorted(SAMPLE))
def test_rule_paraphrases_of_real_replies_are_clean(rid):
    original = reply(rid)
    edited = original
    for pat, repl in RULES:
        edited = re.sub(pat, repl, edited)
    assert not check_facts(original, edited).needs_review
    assert not check_facts(original, original).needs_review


# --- the checks are order-independent ---------------------------------------------------------------------

def test_findings_do_not_depend_on_the_order_of_the_checks():
    from empathy.facts.match import _case, _copies_of_others, _precision_extra, _Side, _Similarity

    original = reply("gm497")
    edits = [original.replace("We will need", "We will not need"), drop(original, "Based on your symptoms, you may have mononucleosis."),
             original + " Please start taking Augmentin once a day.", original.replace("complete blood count", "thyroid panel")]
    for edited in edits:
        of, ef = extract_facts(original)[0], extract_facts(edited)[0]
        sim = _Similarity([f.text for f in of + ef])
        own, other = _Side(of, original), _Side(ef, edited)
        copies = _copies_of_others(own, other)
        for i, f in enumerate(of):
            c = _case(f, other, sim, copies[i])
            assert verdict([k(c) for k in RECALL_CHECKS]) == verdict([k(c) for k in reversed(RECALL_CHECKS)])
        back = _Side(of, original)
        for f in ef:
            c = _case(f, back, sim, set())
            c.extra.update(_precision_extra(c, back, sim))
            assert verdict([k(c) for k in PRECISION_CHECKS]) == verdict([k(c) for k in reversed(PRECISION_CHECKS)])


# --- the real-world benchmark's dev split (benchmarks/realworld_facts.py; the blind split is never read here) ---

def test_realworld_dev_detection_and_false_alarms():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import realworld_facts
    import realworld_perturb

    res = realworld_facts.evaluate(realworld_perturb.load_pairs("dev"), keep_examples=False)
    for kind in realworld_perturb.ERROR_TYPES:
        assert res["types"][kind]["detected"] >= 0.97, (kind, res["types"][kind])
    for kind in realworld_perturb.CLEAN_TYPES:
        assert res["types"][kind]["false_alarm"] <= 0.05, (kind, res["types"][kind])
    assert res["identity_false_alarm"] == 0.0
