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


# --- the sentence gate on the model's own words (issue 10 part 2) and the flow per model ---------------------------

@pytest.mark.parametrize("added,reason", [
    ("I've been so scared about my PSA, doctor.", "patient_voice"),
    ("The patient is frightened about the result.", "third_person"),
    ("I have kept the original message as it was.", "meta_talk"),
    ('"I hear how frightening this is.', "quote"),
    ("My dear, I hear you.", "vocative"),
])
def test_a_clean_warmer_rewrite_with_a_wrong_voice_sentence_is_refused(added, reason):
    """Facts intact and warmer, yet one added sentence is not the clinician speaking: never shown as clean."""
    def reply(messages, options):
        return f"{added} {WARM}{DRAFT}" if not _is_framing_prompt(messages) else "Nothing to worry about."

    r = edit_reply(PATIENT, DRAFT, 1, backend=ScriptedBackend(reply_fn=reply))
    first, retry = r.attempts[0], r.attempts[1]
    assert first["refused"] and retry["refused"]
    if first["clean"]:  # the checker passed it (the reworked checker also refuses some as new claims): the gate did not
        assert reason in {g["reason"] for g in first["gate"]} and added in first["reason"]
    assert r.path == "framed-bank" and not r.needs_review and added not in r.text
    assert all(g["ok"] for g in r.gate)


def test_every_shown_edit_has_gate_verdicts_for_its_added_sentences():
    r = edit_reply(PATIENT, DRAFT, 3, backend=ScriptedBackend(replies=["Nothing to worry about."]))
    assert len(r.gate) == 3 and all(g["ok"] for g in r.gate)
    framed = r.attempts[-1]
    assert framed["path"] == "framed-bank" and not framed["refused"]
    assert {o["slot"] for o in framed["options"]} == {"open", "validate", "close"}
    assert all(c["refused"] for c in framed["candidates"])  # the model's framing all refused, each with a reason
    assert {c["slot"] for c in framed["chosen"]} == {"open", "validate", "close"}


def test_bare_embedded_model_is_not_asked_to_rewrite_a_capable_one_is():
    from empathy.models import EMBEDDED_ID

    lines = []
    bare = ScriptedBackend(replies=[WARM + DRAFT], model_id=EMBEDDED_ID)
    r = edit_reply(PATIENT, DRAFT, 2, backend=bare, on_progress=lines.append)
    assert not bare.calls and r.path == "framed-bank" and [a["path"] for a in r.attempts] == ["framed-bank"]
    assert not any(line.startswith(("First try", "Retry")) for line in lines) and lines[0].startswith("Framing")
    assert lines[-1].startswith("Done: checked")
    capable = ScriptedBackend(replies=[WARM + DRAFT], model_id="llama-3.2-3b")
    lines = []
    r = edit_reply(PATIENT, DRAFT, 2, backend=capable, on_progress=lines.append)
    assert r.path == "first-try" and len(capable.calls) == 1
    assert lines[:3] == ["First try: the model is editing the draft", "First try: checking the facts",
                         "First try: checking the voice of 1 added sentence(s)"]
    forced = ScriptedBackend(replies=[WARM + DRAFT], model_id=EMBEDDED_ID)
    assert edit_reply(PATIENT, DRAFT, 2, backend=forced, rewrite=True).path == "first-try"


def test_progress_says_why_a_try_was_refused():
    lines = []
    edit_reply(PATIENT, DRAFT, 1, backend=ScriptedBackend(replies=["Your PSA is 5.0."]), retries=1, on_progress=lines.append)
    refused = [line for line in lines if "refused" in line]
    assert refused and "missing fact" in refused[0]
    assert any(line.startswith("Framing:") for line in lines)


@pytest.mark.parametrize("raw,voice", [
    ("I'm sorry you are scared. Your PSA is 4.2 and we will repeat it.\n\nBest regards,\n[Your Name]", False),
    ("Doctor, I'm so scared about my PSA. What should I do?", True),
    ("The patient is worried about cancer. Repeat the PSA.", True),
])
def test_generated_reply_is_signed_by_nobody_and_flagged_when_not_the_clinician(raw, voice):
    g = generate_reply(PATIENT, 1, backend=ScriptedBackend(replies=[raw]))
    assert "[Your Name]" not in g.text and "regards" not in g.text.lower()
    assert ("not_clinician_voice" in g.flags) == voice and g.needs_review
    assert bool([v for v in g.gate if not v["ok"]]) == voice
    assert g.attempts[0]["refused"] == voice


# --- the real embedded model: each failure class the gate exists for, where the model produces it ----------------

@pytest.mark.model
def test_real_model_rewrites_are_gated_before_they_can_be_shown(llama_backend):
    """With rewrites forced on, no accepted first try or retry carries a refused sentence, and every refusal says why."""
    for i, (patient, draft, level) in enumerate(REAL[:2]):
        r = edit_reply(patient, draft, level, backend=llama_backend, seed=i, rewrite=True, candidates=1)
        for a in r.attempts:
            assert a["refused"] == bool(a["reason"])
            if a["path"] in ("first-try", "retry") and not a["refused"]:
                assert not a["gate"] and r.path == a["path"]
        assert all(g["ok"] for g in r.gate) or (r.needs_review and "not_clinician_voice" in r.flags)


@pytest.mark.model
def test_real_model_framing_candidates_are_gated(llama_backend):
    """The embedded model's own framing sentences: whatever it writes, only gated sentences reach the edit."""
    patient, draft, _ = REAL[0]
    f = framing.framed_edit(patient, draft, 3, backend=llama_backend, seed=3, candidates=2)
    assert len(f.candidates) == 6
    chosen_model = [c for c in f.chosen if c["source"] == "model"]
    for c in f.candidates:
        assert c["refused"] is None or isinstance(c["refused"], str)
    for c in chosen_model:
        assert c["text"] in f.text and next(x for x in f.candidates if x["text"] == c["text"])["gate"]["ok"]
    rep = check_facts(draft, f.text)
    assert rep.recall == 1.0 and not rep.unsupported


@pytest.mark.model
def test_real_model_generated_reply_flag_matches_its_gate(llama_backend):
    g = generate_reply("I'm scared about my PSA result. Is it cancer?", 2, backend=llama_backend, seed=1)
    refused = [v for v in g.gate if not v["ok"]]
    assert ("not_clinician_voice" in g.flags) == bool(refused or not g.text.strip())
    assert not re.search(r"\[[^\]]*name[^\]]*\]", g.text, re.I)
