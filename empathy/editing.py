"""Edit a physician's draft for empathy, or generate a reply from scratch, with a real model."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .backends import Backend, GenerationOptions, get_backend
from .config import Settings
from .inputs import clean_text
from .prompts import edit_messages, generate_messages, level_number


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

    def to_dict(self) -> dict:
        return asdict(self)


_PREAMBLE = re.compile(
    r"^\s*(?:(?:here(?:'s| is) (?:the |a |my )?(?:rewritten|revised|edited|updated)[^:\n]*|rewritten reply|revised reply|edited reply|reply|response)\s*:\s*)",
    re.IGNORECASE,
)


def clean_model_text(text: str) -> str:
    """Strip preambles, wrapping quotes and tags, and cut a repetition loop at its first repeat."""
    text = _PREAMBLE.sub("", text.strip())
    text = re.sub(r"</?(?:patient|reply|response)>", "", text, flags=re.IGNORECASE).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return cut_repetition(text)


def cut_repetition(text: str) -> str:
    """Keep sentences until one repeats an earlier one (small models loop)."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    seen: set[str] = set()
    kept = []
    for s in sentences:
        key = re.sub(r"\W+", " ", s.lower()).strip()
        if key and key in seen:
            break
        seen.add(key)
        kept.append(s)
    return " ".join(kept).strip()


def _options(level: int, draft: str | None, seed: int | None, temperature: float | None) -> GenerationOptions:
    # Budget tokens from the draft: an edit should stay near the draft's length (length risk).
    budget = 320 if draft is None else min(512, 60 + int(len(draft) / 2.2) + 40 * level)
    return GenerationOptions(max_tokens=budget, temperature=0.3 if temperature is None else temperature, seed=seed)


def _run(backend: Backend, messages, options, **meta) -> ReplyResult:
    completion = backend.complete(messages, options)
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
              seed: int | None = 0, temperature: float | None = None, emotions=None, must_keep=None) -> ReplyResult:
    """One model call: the physician's draft rewritten at ``level``; no checking."""
    patient = clean_text(patient, "patient message")
    draft = clean_text(draft, "physician draft")
    level = level_number(level)
    backend = backend or get_backend(Settings.from_env())
    messages = edit_messages(patient, draft, level, prompt, emotions=emotions, must_keep=must_keep)
    return _run(backend, messages, _options(level, draft, seed, temperature), prompt=f"edit-{prompt}", level=level, kind="edit")


def edit_reply(patient: str, draft: str, level: int | str = 1, prompt: str = "refined", *, backend: Backend | None = None,
               seed: int | None = 0, temperature: float | None = None) -> ReplyResult:
    """The physician's draft edited for empathy at ``level`` (0 none ... 3 extreme)."""
    return edit_once(patient, draft, level, prompt, backend=backend, seed=seed, temperature=temperature)


def generate_reply(patient: str, level: int | str = 1, *, backend: Backend | None = None, seed: int | None = 0,
                   temperature: float | None = None) -> ReplyResult:
    """A reply written from the patient's message alone (what the editing paper compares against)."""
    patient = clean_text(patient, "patient message")
    level = level_number(level)
    backend = backend or get_backend(Settings.from_env())
    return _run(backend, generate_messages(patient, level), _options(level, None, seed, temperature),
                prompt="generate", level=level, kind="generate")
