"""Framing about this patient (issue 11 part 2): the concern read from the message, the templates it fills, and the
rules the chosen sentences follow (gate, no unexpressed feeling, no clinical term of their own, varied across edits)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from empathy.backends import ScriptedBackend
from empathy.facts import check_facts
from empathy.files import read_jsonl
from empathy.generation import edit_reply
from empathy.generation.concern import _CLINICAL, extract_concern
from empathy.generation.framing import _FEELING, framed_edit
from empathy.generation.gate import rule_reason
from empathy.generation.templates import (
    TEMPLATES,
    applicable,
    fill,
    template_candidates,
)

SAMPLE = Path(__file__).parent / "data" / "chatdoctor_sample.jsonl"
VALIDATION = Path(__file__).parent / "data" / "scoring_validation.jsonl"


def _messages() -> list[tuple[str, str]]:
    """(patient, draft) pairs of two kinds: ChatDoctor-style symptom lists and hand-written portal messages."""
    rows = read_jsonl(SAMPLE)
    out = [(r["patient"], r["reply"]) for r in rows]
    seen = set()
    for line in VALIDATION.read_text().splitlines():
        r = json.loads(line)
        if r.get("patient") and r["patient"] not in seen and r.get("level") == 0:
            seen.add(r["patient"])
            out.append((r["patient"], r["reply"]))
    return out


@pytest.mark.parametrize("message,symptoms,feeling,person", [
    ("Doctor, I have been experiencing severe headache and nausea for the past couple of days. I also feel dizzy.",
     ["headache", "nausea"], None, None),
    ("Doctor, I am experiencing painful urination and I also have pain in my testicles.", ["painful urination"], None,
     None),  # an intimate part is not named (_CLINICAL)
    ("I've been so anxious waiting for my PSA results that I can't sleep.", ["trouble sleeping"], "anxious", None),
    ("My 3-year-old has had a fever of 102 for two days. I'm worried. Should we come in?", ["fever"], "worried", "child"),
    ("My wife died two months ago and I can't sleep or eat.", ["trouble sleeping"], None, None),  # no "your wife" framing
    ("My knee still hurts after the fall. Is it broken?", ["pain in your knee"], None, None),
    ("Doctor, I think I might have Kaposi sarcoma.", [], None, None),
])
def test_concern_reads_the_patients_own_words(message, symptoms, feeling, person):
    c = extract_concern(message)
    text = " ".join(c.symptoms)
    assert all(s in text for s in symptoms), c.symptoms
    if not symptoms:
        assert c.symptoms == [], c.symptoms
    assert not _CLINICAL.search(text), c.symptoms  # never a diagnosis, test, drug, number or intimate part
    if feeling:
        assert c.feeling == feeling
    assert c.person == person


def test_a_feeling_is_named_only_when_the_patient_expressed_one():
    calm = extract_concern("Doctor, I have been experiencing knee pain and swelling for a few weeks. What could it be?")
    assert calm.emotions == [] and calm.feeling is None
    for slot in ("open", "validate", "close"):
        for t in applicable(calm, slot):
            assert not _FEELING.search(fill(t, calm)), t.id
    scared = extract_concern("I found a new dark mole on my back and I'm scared it's melanoma.")
    assert any("scared" in fill(t, scared) for t in applicable(scared, "open"))


def test_every_template_is_clean_framing_in_the_clinicians_voice():
    """Filled for varied messages, every template passes the gate's rules and the fact checker finds no new claim."""
    used = set()
    for patient, draft in _messages()[:30]:
        c = extract_concern(patient)
        for slot in ("open", "validate", "close"):
            for t in applicable(c, slot):
                used.add(t.id)
                sentence = fill(t, c)
                assert rule_reason(sentence, patient=patient, draft=draft) is None, (t.id, sentence)
                rep = check_facts(draft, f"{sentence} {draft}")
                assert rep.recall == 1.0 and not rep.changed, (t.id, sentence, rep.flags)
                assert re.fullmatch(r"[A-Z][^\[\]{}\"<>]*[.!?]", sentence), sentence
    assert len(used) >= 0.6 * len(TEMPLATES), sorted({t.id for t in TEMPLATES} - used)


def test_rotation_varies_the_competing_templates_from_case_to_case():
    c = extract_concern("Doctor, I have been experiencing back pain and fatigue lately.")
    picks = {tuple(t.id for t, _ in template_candidates(c, "open", f"case {i}")) for i in range(20)}
    assert len(picks) >= 8


def test_no_sentence_opens_more_than_a_fifth_of_varied_edits():
    """The diversity rule over a batch (templates and bank only, as with the bare embedded model)."""
    backend = ScriptedBackend(replies=["unused"], model_id="smollm2-135m-instruct-q4_1")
    sentences, first, n = Counter(), Counter(), 0
    for patient, draft in _messages()[:40]:
        for level in (1, 2, 3):
            r = edit_reply(patient, draft, level, backend=backend)
            assert not backend.calls  # the bare embedded model is not asked to rewrite or frame
            assert not r.needs_review and draft.strip() in r.text
            n += 1
            added = [g["sentence"] for g in r.gate]
            sentences.update(set(added))
            first[added[0] if added else ""] += 1
    top, count = sentences.most_common(1)[0]
    assert count / n <= 0.2, (top, count, n)
    assert first.most_common(1)[0][1] / n <= 0.2, first.most_common(3)


def test_framing_in_another_language_is_not_english_boilerplate():
    draft = "La diabetes tipo 2 se controla bien con metformina 500 mg dos veces al día. Revisaremos su HbA1c en tres meses."
    f = framed_edit("Estoy muy preocupada por mi diabetes.", draft, 2, backend=None)
    assert f.text == draft and f.before == [] and f.after == [] and "language" in f.note


@pytest.mark.parametrize("message,expected,not_expected", [
    ("Hi doctor, I've been experiencing swelling and pain in my salivary gland.", "pain in your salivary gland", None),
    ("Doctor, I have been experiencing severe pain in my upper right abdomen, and after several tests I was told it is "
     "gallstones.", "pain in your upper right abdomen", None),
    ("Doctor, I have a rash in the folds of my skin.", "rash", "folds of"),  # no body word: the place is left out
])
def test_a_place_after_a_symptom_is_whole_or_left_out(message, expected, not_expected):
    """Cutting the place after one word read as a fragment ("the pain in your upper right")."""
    c = extract_concern(message)
    assert expected in c.symptoms, c.symptoms
    for s in c.symptoms:
        assert not re.search(r"\byour (?:left|right|upper|lower|salivary)$", s), s
        assert not_expected is None or not_expected not in s


def test_a_voiced_feeling_competes_first_in_the_opening_slot():
    c = extract_concern("Doctor, I have been feeling down and depressed for a long time. I wake up every morning "
                        "feeling sad and anxious. I feel like I am always in a low mood.")
    assert c.feeling and c.symptoms  # both a feeling and a complaint: the feeling is what they wrote about first
    for i in range(10):
        first = template_candidates(c, "open", f"case {i}")[0][0]
        assert "feeling" in first.needs, first.id


def test_questions_are_praised_only_when_the_patient_asked_one():
    told = extract_concern("Doctor, I have been experiencing severe pain in my lower back for weeks now.")
    asked = extract_concern("Doctor, I have been experiencing severe pain in my lower back. What could be causing it?")
    assert told.asked is None and asked.asked
    said = [fill(t, told) for t in applicable(told, "validate")]
    assert said and not any("question" in s for s in said), said
    assert any("question" in fill(t, asked) for t in applicable(asked, "validate"))


def test_the_person_they_write_about_is_found_after_i_think():
    assert extract_concern("Hi doctor, I think my newborn baby has jaundice, his skin looks yellowish.").person == "baby"
    assert extract_concern("Doctor, I think my leg is broken.").person is None


def test_two_framing_sentences_do_not_both_reach_out():
    from empathy.generation.framing import _similar
    assert _similar("I appreciate you reaching out to me about this.",
                    "I'm glad you reached out, and I'm here if you have more questions.")
    assert not _similar("I'm sorry you've been dealing with the pain in your back.",
                        "We can talk through any of this whenever you like.")
