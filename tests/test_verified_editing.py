"""Verified editing: every path (first try, retry, framed, framed-bank) with a scripted model, the
framing bank and guard, and a small run with the real embedded model."""

from __future__ import annotations

import re

import pytest

from empathy import prompts
from empathy.backends import ScriptedBackend
from empathy.facts import check_facts, extract_facts
from empathy.generation import edit_reply, framing, generate_reply
from empathy.generation.concern import extract_concern
from empathy.generation.templates import applicable, fill

PATIENT = "Is my PSA going up? I'm scared it's cancer."
DRAFT = "Your PSA is 4.2. Continue tamsulosin 0.4 mg daily. Repeat PSA in 3 months."


def _is_framing_prompt(messages) -> bool:
    return messages[0]["content"].startswith(prompts.FRAMING_SYSTEM[:30])


WARM = "I can hear how frightening this is, and I am sorry you are worried. "


def test_clean_first_try_is_kept():
    b = ScriptedBackend(replies=[WARM + DRAFT])
    r = edit_reply(PATIENT, DRAFT, 1, backend=b)
    assert r.path == "first-try" and not r.needs_review and len(b.calls) == 1
    assert r.check["recall"] == 1.0 and r.flags == ["short_original"] and r.attempts[0]["clean"]


def test_lost_fact_triggers_retry_with_must_keep_facts():
    def reply(messages, options):
        return WARM + DRAFT if "must keep" in messages[1]["content"] else "I understand. Your PSA will be checked."

    b = ScriptedBackend(reply_fn=reply)
    r = edit_reply(PATIENT, DRAFT, 1, backend=b)
    assert r.path == "retry" and not r.needs_review
    retry_prompt = b.calls[1][0][1]["content"]
    assert "Continue tamsulosin 0.4 mg daily." in retry_prompt
    assert [a["path"] for a in r.attempts] == ["first-try", "retry"] and not r.attempts[0]["clean"]


def test_failing_model_falls_back_to_bank_framing():
    b = ScriptedBackend(replies=["Dr. Smith says this is nothing to worry about, skip the tamsulosin."])
    r = edit_reply(PATIENT, DRAFT, 2, backend=b)
    assert r.path == "framed-bank" and not r.needs_review
    assert DRAFT in r.text and r.text != DRAFT  # the physician's sentences verbatim, framing around them
    rep = check_facts(DRAFT, r.text)
    assert rep.recall == 1.0 and not rep.unsupported
    # chosen by the patient's emotion: a curated sentence (template for this patient, or the bank) that names the fear
    concern = extract_concern(PATIENT)
    curated = {fill(t, concern) for t in applicable(concern, "open")} | set(framing.OPENERS["fear"])
    opener = r.text.split(DRAFT)[0].strip()
    assert opener in curated and re.search(r"scared|frighten|afraid", opener)


def test_model_framing_is_used_when_clean_and_better(monkeypatch):
    opener, closer = "I can only imagine how frightening this feels right now.", "I am here for you every step of the way."

    def reply(messages, options):
        if _is_framing_prompt(messages):
            return opener if "acknowledges" in messages[1]["content"] else closer
        return "Your PSA is 5.0, nothing to worry about."

    monkeypatch.setattr(framing, "_score", lambda patient, text: 0.9 if opener in text else 0.1)
    r = edit_reply(PATIENT, DRAFT, 2, backend=ScriptedBackend(reply_fn=reply))
    assert r.path == "framed" and r.text == f"{opener} {DRAFT} {closer}" and not r.needs_review


def test_model_framing_with_clinical_content_is_refused(monkeypatch):
    monkeypatch.setattr(framing, "_score", lambda patient, text: 1.0)  # even a high score cannot rescue it
    f = framing.framed_edit(PATIENT, DRAFT, 1, backend=ScriptedBackend(replies=["Your PSA of 4.2 is completely normal, Dr. Lee says."]))
    assert f.path == "framed-bank" and all(c["refused"] for c in f.candidates)


def test_on_text_streams_the_first_try():
    seen = []
    edit_reply(PATIENT, DRAFT, 1, backend=ScriptedBackend(replies=[DRAFT]), on_text=seen.append)
    assert len(seen) > 3 and seen[-1].strip() == DRAFT and all(len(a) <= len(b) for a, b in zip(seen, seen[1:]))


def test_clean_but_not_warmer_edit_is_framed():
    r = edit_reply(PATIENT, DRAFT, 1, backend=ScriptedBackend(replies=[DRAFT]), retries=0)
    assert r.path.startswith("framed") and r.attempts[0]["clean"] and DRAFT in r.text and r.text != DRAFT


def test_verify_false_returns_the_raw_first_try():
    r = edit_reply(PATIENT, DRAFT, 1, backend=ScriptedBackend(replies=["Nothing to worry about."]), verify=False)
    assert r.path == "first-try" and r.check is None


def test_generation_is_checked_against_the_draft():
    b = ScriptedBackend(replies=["Your PSA is fine, nothing to worry about."])
    g = generate_reply(PATIENT, 1, backend=b, draft=DRAFT)
    assert g.needs_review and "missing_fact" in g.flags and "false_reassurance" in g.flags and g.check["recall"] < 1
    g = generate_reply(PATIENT, 1, backend=b)
    assert g.needs_review and g.flags == ["no_physician_draft"] and g.check is None


@pytest.mark.parametrize("level,shape", [(0, (0, 0)), (1, (1, 0)), (2, (1, 1)), (3, (2, 1))])
def test_level_sets_how_much_framing(level, shape):
    before, after = framing.bank_framing(["anxiety", "sadness"], level, seed=1)
    assert (len(before), len(after)) == shape
    if level == 3:
        assert before[1] in framing.OPENERS["sadness"]


def test_bank_is_clean_framing():
    sentences = [s for pool in framing.OPENERS.values() for s in pool] + framing.VALIDATIONS + framing.CLOSERS
    for s in sentences:
        assert extract_facts(s)[0] == [], s
    drafts = [DRAFT, "Your knee x-ray shows no fracture. Take ibuprofen 400 mg every 8 hours with food for up to 10 days."]
    for d in drafts:
        for emotion in framing.OPENERS:
            for seed in range(3):
                before, after = framing.bank_framing([emotion], 3, seed)
                rep = check_facts(d, framing._assemble(before, d, after))
                assert rep.recall == 1.0 and not rep.unsupported and not rep.needs_review


@pytest.mark.parametrize("sentence", [
    "Dr. Patel and I are here for you.", "Your test results look good.", "There is nothing to worry about.",
    "I can write a warm sentence for you.", "You should rest and drink water.", "I'm sorry, I can't assist you with that.", "I hear you I hear you I hear you I hear you.",
])
def test_guard_refuses_unsafe_framing(sentence):
    assert framing.framing_guard(sentence) is not None


def test_guard_accepts_plain_acknowledgement():
    assert framing.framing_guard("I can hear how hard this has been for you.") is None


# --- the real embedded model (SmolLM2-135M through llama-cpp): small subset of benchmarks/verified_editing.py

REAL = [
    ("My blood pressure readings at home have been high. Should I be worried?",
     "Your home readings average 150/95, which is above your goal. Increase lisinopril to 20 mg once a day.", 1),
    ("My knee still hurts after the fall. Is it broken?", "Your knee x-ray shows no fracture. Start physical therapy next week.", 3),
    ("I've been so dizzy since starting the new pill. Should I stop it?",
     "Dizziness is a known side effect of amlodipine. Lower the dose to 5 mg daily. Stand up slowly and drink plenty of fluids. "
     "Check your blood pressure every morning for 2 weeks. If you faint, go to the emergency room right away.", 2),
]


@pytest.mark.model
def test_real_model_edits_are_clean_or_flagged():
    from empathy.backends import get_backend
    from empathy.config import Settings

    # one llama thread: on a shared 2-core machine two threads ran 5-10x slower
    backend = get_backend(Settings(backend="llama-cpp", threads=1))
    for i, (patient, draft, level) in enumerate(REAL):
        r = edit_reply(patient, draft, level, backend=backend, seed=i, candidates=2)
        rep = check_facts(draft, r.text)
        clean = rep.recall == 1.0 and not rep.unsupported and not rep.needs_review
        assert clean or r.needs_review, (r.path, r.text)
        assert r.path in ("first-try", "retry", "framed", "framed-bank")
        if r.path.startswith("framed"):
            assert draft in r.text
        assert r.text.strip()


@pytest.mark.model
def test_real_model_edits_get_warmer_with_level():
    """Issue 4: verified edits at level 3 score above level 1, which scores above the draft (means, 3 drafts)."""
    from empathy.backends import get_backend
    from empathy.config import Settings
    from empathy.scoring import score_empathy

    backend = get_backend(Settings(backend="llama-cpp", threads=1))
    means = {0: [], 1: [], 3: []}
    for i, (patient, draft, _) in enumerate(REAL[:3]):
        means[0].append(score_empathy(patient, draft).overall)
        for level in (1, 3):
            text = edit_reply(patient, draft, level, backend=backend, seed=i, candidates=2).text
            means[level].append(score_empathy(patient, text).overall)
    mean = {k: sum(v) / len(v) for k, v in means.items()}
    assert mean[3] > mean[1] > mean[0], mean
