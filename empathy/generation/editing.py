"""Edit a physician's draft for empathy, or generate a reply from scratch, with a real model.

Verified editing: ``edit_reply`` checks its own output and shows only what was checked. With a model that can
rewrite (any model but the bare embedded SmolLM2-135M, or ``rewrite=True``), path ``first-try`` is the model's edit
when it keeps every fact, adds none, every sentence it adds passes the sentence gate (the clinician's voice, on topic)
and the empathy scorer rates it warmer than the draft; ``retry`` asks again with the facts listed as must-keep. Else,
and by default with the embedded 135M model (whose rewrites were clean 1 time in 90 on real-style drafts and lost a
fact both times they were accepted), the edit is **framed**: the physician's sentences verbatim with sentences about
this patient around them (empathy.generation.framing), ``framed`` when a model-written sentence was chosen,
``framed-bank`` when templates and the curated bank supplied them. An edit that still fails the checker or the gate
carries ``needs_review``. ``generate_reply`` writes from the message alone; its sentences go through the gate too and a
reply not in the clinician's voice is flagged ``not_clinician_voice``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

from ..backends import Backend, GenerationOptions, get_backend
from ..config import Settings
from ..facts import check_facts
from ..inputs import clean_text
from ..models import EMBEDDED_ID
from ..prompts import edit_messages, generate_messages, level_number
from ..scoring import score_empathy
from .cleanup import STOP, clean_generated_text, clean_model_text
from .framing import framed_edit, framing_emotions
from .gate import added_sentences, gate_added, gate_many, split_sentences


@dataclass
class ReplyResult:
    """What a model wrote, and how: enough to log it, show it and reproduce it."""

    text: str
    model: str
    prompt: str
    level: int
    kind: str  # "edit" or "generate"
    path: str = "first-try"  # which route produced the text (verified editing adds others)
    seconds: float = 0.0
    first_token_seconds: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    raw_text: str = ""  # the model's words before clean-up
    flags: list[str] = field(default_factory=list)
    check: dict | None = None  # fact-check report against the draft, when one was made
    needs_review: bool = False  # a clinician must look: facts missing or unsupported content, or nothing to check against
    attempts: list[dict] = field(default_factory=list)  # each try: path, text, recall, precision, flags, clean,
    # refused (bool), reason (why, in words), gate (the refused sentences' verdicts); framing tries add candidates
    gate: list[dict] = field(default_factory=list)  # verdicts on the sentences of ``text`` the draft does not contain

    def to_dict(self) -> dict:
        return asdict(self)


def _options(level: int, draft: str | None, seed: int | None, temperature: float | None) -> GenerationOptions:
    # Budget tokens from the draft: an edit should stay near the draft's length (length risk).
    # (The embedded model wrote ~3.5x the physician's words when given more room; ~1.3x plus framing is enough.)
    budget = 320 if draft is None else min(512, 40 + int(len(draft) / 3.2) + 25 * level)
    return GenerationOptions(max_tokens=budget, temperature=0.3 if temperature is None else temperature, seed=seed, stop=STOP)


def _run(backend: Backend, messages, options, on_text=None, **meta) -> ReplyResult:
    completion = backend.complete(messages, options, on_text=on_text)
    return ReplyResult(
        text=clean_model_text(completion.text),
        raw_text=completion.text,
        model=completion.model,
        seconds=completion.seconds,
        first_token_seconds=completion.first_token_seconds,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        **meta,
    )


def edit_once(patient: str, draft: str, level: int | str = 1, prompt: str = "refined", *, backend: Backend | None = None,
              seed: int | None = 0, temperature: float | None = None, emotions=None, must_keep=None,
              on_text: Callable[[str], None] | None = None) -> ReplyResult:
    """One model call: the physician's draft rewritten at ``level``; no checking."""
    patient = clean_text(patient, "patient message")
    draft = clean_text(draft, "physician draft")
    level = level_number(level)
    backend = backend or get_backend(Settings.from_env())
    messages = edit_messages(patient, draft, level, prompt, emotions=emotions, must_keep=must_keep)
    return _run(backend, messages, _options(level, draft, seed, temperature), on_text,
                prompt=f"edit-{prompt}", level=level, kind="edit")


def _is_clean(report) -> bool:
    """What may be shown without review: every fact kept, nothing unsupported."""
    return report.recall == 1.0 and not report.unsupported and not report.changed and not report.needs_review


def _review_flags(report) -> list[str]:
    return [f for f in report.flags if f != "short_original"] + (["short_original"] if "short_original" in report.flags else [])


def _problems(report) -> str:
    """The fact checker's objections, in a few words ("" when clean)."""
    return ", ".join(f for f in report.flags if f != "short_original").replace("_", " ") if not _is_clean(report) else ""


def _attempt(path: str, text: str, report, *, refused: str | None, gate: list | None = None, **extra) -> dict:
    return {"path": path, "text": text, "recall": report.recall, "precision": report.precision, "flags": list(report.flags),
            "clean": _is_clean(report), "refused": refused is not None, "reason": refused or "",
            "gate": [v.to_dict() for v in (gate or []) if not v.ok], **extra}


def _judge_rewrite(patient: str, draft: str, text: str, level: int, progress, label: str) -> tuple[object, list, str | None]:
    """Check a model rewrite: facts, then the voice of every sentence it adds, then warmth. Returns the fact report,
    the gate verdicts and why it is refused (None: it may be shown)."""
    progress(f"{label}: checking the facts")
    report = check_facts(draft, text, patient=patient)
    if not text.strip():
        return report, [], "empty or only an echo of the prompt"
    if not _is_clean(report):
        return report, [], _problems(report) or "the fact check failed"
    added = added_sentences(text, draft)
    progress(f"{label}: checking the voice of {len(added)} added sentence(s)")
    verdicts = gate_many(added, patient=patient, draft=draft)
    refused = [v for v in verdicts if not v.ok]
    if refused:
        return report, verdicts, "not the clinician's voice: " + "; ".join(f"{v.reason} ({v.sentence})" for v in refused[:3])
    if level > 0 and score_empathy(patient, text).overall <= score_empathy(patient, draft).overall:
        return report, verdicts, "not warmer than the draft"
    return report, verdicts, None


def _policy(backend: Backend, rewrite: bool | None, candidates: int | None) -> tuple[bool, int]:
    """Whether to ask for rewrites, and how many model framing sentences per slot. The bare embedded 135M model gets
    neither by default: its rewrites almost never pass and its framing sentences almost never pass the gate (measured in
    benchmarks/results/edit_latency*.json). The shipped framing adapter triples how often its sentences pass, but read
    on blind drafts about a third of the sentences it gets chosen are still odd ("I'm here to help you with anything,
    asking questions."), so the embedded model frames with templates unless ``candidates`` asks for model framing,
    which the adapter then serves (benchmarks/README.md, "Framing adapter")."""
    model_id = getattr(backend, "model_id", "") or ""
    embedded = model_id == EMBEDDED_ID
    rewrite = (not embedded) if rewrite is None else rewrite
    samples = candidates if candidates is not None else (0 if embedded else 1)
    return rewrite, samples


def edit_reply(patient: str, draft: str, level: int | str = 1, prompt: str = "refined", *, backend: Backend | None = None,
               seed: int | None = 0, temperature: float | None = None, verify: bool = True, retries: int = 1,
               candidates: int | None = None, rewrite: bool | None = None, on_text: Callable[[str], None] | None = None,
               on_progress: Callable[[str], None] | None = None) -> ReplyResult:
    """The physician's draft edited for empathy at ``level`` (0 none ... 3 extreme), checked and repaired.

    With ``verify`` (the default) the result keeps every fact of the draft, adds no clinical content and every
    sentence it adds passes the sentence gate, or it carries ``needs_review``; ``path`` says which route produced it
    and ``attempts`` every try with why it was refused. ``rewrite`` (None: not for the bare embedded model) asks the
    model to rewrite first; ``candidates`` is the number of model framing sentences per slot (None: 0 for the bare
    embedded model, else 1). ``on_progress`` receives a line for people at each step; ``on_text`` the raw text of the
    first try as the model writes it (unchecked: for comparisons, never for a view that shows replies as safe).
    """
    progress = on_progress or (lambda message: None)
    patient = clean_text(patient, "patient message")
    draft = clean_text(draft, "physician draft")
    level = level_number(level)
    backend = backend or get_backend(Settings.from_env())
    emotions = [e for e in framing_emotions(patient) if e != "none"] or None
    use_rewrite, samples = _policy(backend, rewrite, candidates)
    if not verify:
        progress("The model is editing the draft (not checked)")
        return edit_once(patient, draft, level, prompt, backend=backend, seed=seed, temperature=temperature,
                         emotions=emotions, on_text=on_text)
    attempts: list[dict] = []
    total = 0.0
    spent = [0, 0]  # every model call counts, kept or not
    result = None
    report = None
    if use_rewrite and level > 0:
        for tries in range(retries + 1):
            label = "First try" if tries == 0 else f"Retry {tries}"
            must_keep = None
            if tries:
                must_keep = [f.text for f in report.original_facts] if report is not None and report.original_facts else None
                progress(f"{label}: the first try was refused ({attempts[-1]['reason']}); asking again with the facts to keep")
            else:
                progress(f"{label}: the model is editing the draft")
            reply = edit_once(patient, draft, level, prompt, backend=backend, seed=(seed or 0) + 1000 * tries,
                              temperature=temperature, emotions=emotions, must_keep=must_keep,
                              on_text=on_text if tries == 0 else None)
            total += reply.seconds
            spent[0] += reply.prompt_tokens
            spent[1] += reply.completion_tokens
            report, verdicts, why = _judge_rewrite(patient, draft, reply.text, level, progress, label)
            path = "first-try" if tries == 0 else "retry"
            attempts.append(_attempt(path, reply.text, report, refused=why, gate=verdicts))
            if why is None:
                progress(f"{label}: accepted (facts kept, voice checked, warmer than the draft)")
                result, result.path, final_report = reply, path, report
                break
            progress(f"{label}: refused ({why})")
    if result is None:
        progress("Framing: keeping your draft word for word and writing sentences about this patient around it")
        framed = framed_edit(patient, draft, level, backend=backend, seed=seed or 0, candidates=samples,
                             emotions=emotions, progress=progress)
        total += framed.seconds
        spent[0] += framed.prompt_tokens
        spent[1] += framed.completion_tokens
        final_report = check_facts(draft, framed.text, patient=patient)
        attempts.append(_attempt(framed.path, framed.text, final_report,
                                 refused=None if _is_clean(final_report) else _problems(final_report),
                                 candidates=framed.candidates, options=framed.options, chosen=framed.chosen,
                                 concern=framed.concern, note=framed.note))
        result = ReplyResult(text=framed.text, model=getattr(backend, "model_id", ""), prompt=f"frame-{prompt}", level=level,
                             kind="edit", raw_text=" | ".join(c["text"] for c in framed.candidates), path=framed.path)
    # What is shown is checked once more as a whole: facts, and the voice of every sentence not in the draft.
    verdicts = gate_added(result.text, patient=patient, draft=draft)
    result.gate = [v.to_dict() for v in verdicts]
    refused = [v for v in verdicts if not v.ok]
    result.seconds = total
    result.prompt_tokens, result.completion_tokens = spent
    result.check = final_report.to_dict()
    result.flags = _review_flags(final_report) + (["not_clinician_voice"] if refused else [])
    result.needs_review = not _is_clean(final_report) or bool(refused)
    result.attempts = attempts
    progress("Done: " + ("needs review (" + ", ".join(result.flags) + ")" if result.needs_review else f"checked ({result.path})"))
    return result


def generate_reply(patient: str, level: int | str = 1, *, backend: Backend | None = None, seed: int | None = 0,
                   temperature: float | None = None, draft: str | None = None,
                   on_text: Callable[[str], None] | None = None) -> ReplyResult:
    """A reply written from the patient's message alone (what the editing paper compares against).

    With ``draft`` the reply is fact-checked against the physician's draft (what generation loses).
    Without one nothing can vouch for its medicine: it always needs review. Sign-offs and placeholder signatures are
    stripped; every sentence then goes through the sentence gate, and a reply with a sentence in the patient's voice,
    about "the patient", quoted, meta-talk or a placeholder is flagged ``not_clinician_voice`` (``gate`` says which).
    """
    patient = clean_text(patient, "patient message")
    level = level_number(level)
    backend = backend or get_backend(Settings.from_env())
    result = _run(backend, generate_messages(patient, level), _options(level, None, seed, temperature), on_text,
                  prompt="generate", level=level, kind="generate")
    result.text = clean_generated_text(result.raw_text)
    checked_draft = clean_text(draft, "physician draft") if draft is not None else None
    # The gate's rules only: its classifier learned sentences added to a draft (their relevance to it), not whole replies.
    verdicts = gate_many(split_sentences(result.text), patient=patient, draft=checked_draft or "", use_classifier=False)
    result.gate = [v.to_dict() for v in verdicts]
    voice = ["not_clinician_voice"] if any(not v.ok for v in verdicts) or not result.text.strip() else []
    if checked_draft is not None:
        report = check_facts(checked_draft, result.text, patient=patient)
        result.check = report.to_dict()
        result.flags = voice + _review_flags(report)
        result.needs_review = not _is_clean(report) or bool(voice)
    else:
        result.flags = voice + ["no_physician_draft"]
        result.needs_review = True
    refused = [v for v in verdicts if not v.ok]
    result.attempts = [{"path": "generate", "text": result.text, "refused": bool(voice), "flags": list(result.flags),
                        "clean": not result.needs_review, "reason": "; ".join(f"{v.reason} ({v.sentence})" for v in refused[:3])
                        or ("empty" if not result.text.strip() else ""), "gate": [v.to_dict() for v in refused]}]
    return result
