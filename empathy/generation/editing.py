"""Edit a physician's draft for empathy, or generate a reply from scratch, with a real model.

Verified editing: ``edit_reply`` checks its own output with the fact checker (empathy.facts) and
repairs it. Path ``first-try`` is the model's edit when it keeps every fact, adds none and the
empathy scorer rates it warmer than the draft;
``retry`` asks again with the facts it lost listed as must-keep; ``framed`` keeps the physician's
sentences verbatim with model-written framing that the checker confirmed; ``framed-bank`` does
the same with curated framing sentences (empathy.framing) when the model's framing fails. An edit
that still fails carries ``needs_review``. ``generate_reply`` is checked against the draft when
one is given, to show what generation loses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

from ..backends import Backend, GenerationOptions, get_backend
from ..config import Settings
from ..facts import check_facts
from ..inputs import clean_text
from ..prompts import edit_messages, generate_messages, level_number
from ..scoring import score_empathy
from .cleanup import STOP, clean_model_text
from .framing import framed_edit, framing_emotions


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
    attempts: list[dict] = field(default_factory=list)  # each try: path, text, recall, precision, flags

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


def _acceptable(patient: str, draft: str, text: str, report, level: int) -> bool:
    """A model edit worth showing: clean (``_is_clean``), not empty, and, above level 0, warmer than the draft."""
    if not (_is_clean(report) and text.strip()):
        return False
    if level == 0:
        return True
    return score_empathy(patient, text).overall > score_empathy(patient, draft).overall


def _is_clean(report) -> bool:
    """What may be shown without review: every fact kept, nothing unsupported."""
    return report.recall == 1.0 and not report.unsupported and not report.changed and not report.needs_review


def _attempt(path: str, text: str, report) -> dict:
    return {"path": path, "text": text, "recall": report.recall, "precision": report.precision, "flags": list(report.flags),
            "clean": _is_clean(report)}


def _refusal(report) -> str:
    """Why a model edit was not shown, in a few words."""
    problems = [f for f in report.flags if f != "short_original"]
    return ", ".join(problems).replace("_", " ") if problems else "not warmer than the draft"


def _review_flags(report) -> list[str]:
    return [f for f in report.flags if f != "short_original"] + (["short_original"] if "short_original" in report.flags else [])


def edit_reply(patient: str, draft: str, level: int | str = 1, prompt: str = "refined", *, backend: Backend | None = None,
               seed: int | None = 0, temperature: float | None = None, verify: bool = True, retries: int = 1,
               candidates: int = 3, on_text: Callable[[str], None] | None = None,
               on_progress: Callable[[str], None] | None = None) -> ReplyResult:
    """The physician's draft edited for empathy at ``level`` (0 none ... 3 extreme), checked and repaired.

    With ``verify`` (the default) the result keeps every fact of the draft and adds no clinical
    content, or it carries ``needs_review``; ``path`` says which route produced it. ``on_progress`` receives a
    line for people ("First try: checking the facts") at each step; ``on_text`` the raw text of the first try as
    the model writes it (unchecked: for comparisons, never for a view that shows replies as safe).
    """
    progress = on_progress or (lambda message: None)
    patient = clean_text(patient, "patient message")
    draft = clean_text(draft, "physician draft")
    level = level_number(level)
    backend = backend or get_backend(Settings.from_env())
    emotions = [e for e in framing_emotions(patient) if e != "none"] or None
    progress("First try: the model is editing the draft")
    first = edit_once(patient, draft, level, prompt, backend=backend, seed=seed, temperature=temperature,
                      emotions=emotions, on_text=on_text)
    if not verify:
        return first
    progress("First try: checking the facts")
    report = check_facts(draft, first.text)
    attempts = [_attempt("first-try", first.text, report)]
    result, path = first, "first-try"
    total = first.seconds
    spent = [first.prompt_tokens, first.completion_tokens]  # every model call counts, kept or not
    tries = 0
    ok = _acceptable(patient, draft, first.text, report, level)
    attempts[0]["warmer"] = ok or None
    while not ok and tries < retries:
        tries += 1
        must_keep = [f.text for f in report.original_facts] if report.original_facts else None
        progress(f"Retry {tries}: the first try was refused ({_refusal(report)}); asking again with the facts to keep")
        retry = edit_once(patient, draft, level, prompt, backend=backend, seed=(seed or 0) + 1000 * tries,
                          temperature=temperature, emotions=emotions, must_keep=must_keep)
        total += retry.seconds
        spent[0] += retry.prompt_tokens
        spent[1] += retry.completion_tokens
        report = check_facts(draft, retry.text)
        attempts.append(_attempt("retry", retry.text, report))
        if _acceptable(patient, draft, retry.text, report, level):
            result, path, ok = retry, "retry", True
            break
    if not ok:
        progress("Framing: keeping your draft word for word and writing sentences around it")
        framed = framed_edit(patient, draft, level, backend=backend, seed=seed or 0, candidates=candidates,
                             emotions=emotions)
        total += framed.seconds
        spent[0] += framed.prompt_tokens
        spent[1] += framed.completion_tokens
        report = check_facts(draft, framed.text)
        attempts.append(_attempt(framed.path, framed.text, report))
        result = ReplyResult(text=framed.text, model=first.model, prompt=f"frame-{prompt}", level=level, kind="edit",
                             raw_text=" | ".join(c["text"] for c in framed.candidates))
        path = framed.path
    result.path = path
    result.seconds = total
    result.prompt_tokens, result.completion_tokens = spent
    result.check = report.to_dict()
    result.flags = _review_flags(report)
    result.needs_review = not _is_clean(report)
    result.attempts = attempts
    return result


def generate_reply(patient: str, level: int | str = 1, *, backend: Backend | None = None, seed: int | None = 0,
                   temperature: float | None = None, draft: str | None = None,
                   on_text: Callable[[str], None] | None = None) -> ReplyResult:
    """A reply written from the patient's message alone (what the editing paper compares against).

    With ``draft`` the reply is fact-checked against the physician's draft (what generation loses).
    Without one nothing can vouch for its medicine: it always needs review.
    """
    patient = clean_text(patient, "patient message")
    level = level_number(level)
    backend = backend or get_backend(Settings.from_env())
    result = _run(backend, generate_messages(patient, level), _options(level, None, seed, temperature), on_text,
                  prompt="generate", level=level, kind="generate")
    if draft is not None:
        report = check_facts(clean_text(draft, "physician draft"), result.text)
        result.check = report.to_dict()
        result.flags = _review_flags(report)
        result.needs_review = not _is_clean(report)
    else:
        result.flags = ["no_physician_draft"]
        result.needs_review = True
    return result
