"""Framed edits: the physician's sentences verbatim, with short empathetic framing around them.

The fallback of verified editing. Small models drop facts and invent content when they rewrite a
reply, so a framed edit does not let the model touch the medicine at all: it keeps every sentence
of the draft as written and adds only one or two sentences before (and, at higher levels, one
after) that acknowledge the patient's feelings. The framing is chosen by the patient's emotion
and the empathy level. Model-written framing is sampled several times and each candidate must
pass the fact checker and a strict guard (no names, no clinical terms, no advice, no reassurance,
no numbers, no repetition); the empathy scorer keeps the best. When no candidate passes, the
curated bank below supplies the framing, so every draft gets a clean, warmer edit.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from ..backends import GenerationOptions
from ..emotion import detect_emotions
from ..facts import check_facts, extract_facts
from ..prompts import FRAMING_CLOSE, FRAMING_OPEN
from ..scoring import score_empathy
from ..text import REASSURANCE, first_sentence
from .cleanup import clean_model_text

# Curated framing: no clinical content, no reassurance, no promises, no names. Keyed by emotion.
OPENERS: dict[str, list[str]] = {
    "fear": [
        "I can hear how frightening this has been for you.",
        "It makes sense that this feels scary, and I'm glad you reached out.",
        "Thank you for telling me how afraid you have been; that takes courage.",
    ],
    "anxiety": [
        "I can tell how much this has been weighing on you.",
        "Waiting and wondering can be really hard, and your concern makes complete sense.",
        "Thank you for sharing your worries with me; I understand why this is on your mind.",
    ],
    "embarrassment": [
        "Thank you for trusting me with something so personal.",
        "I'm glad you felt able to bring this up with me; it is an important thing to ask about.",
        "Please know there is never anything embarrassing about asking me these questions.",
    ],
    "frustration": [
        "I'm sorry this has been so frustrating for you.",
        "I understand how exhausting it is to keep dealing with this.",
        "Your frustration is completely understandable, and I appreciate your patience.",
    ],
    "distrust": [
        "I appreciate you telling me your concerns openly.",
        "Your questions are important, and I want to be as clear with you as I can.",
        "Thank you for being honest with me about how you feel; I take your concerns seriously.",
    ],
    "sadness": [
        "I'm so sorry you are going through this.",
        "I can hear how hard this has been for you, and I'm sorry.",
        "Thank you for sharing this with me; it sounds like a really difficult time.",
    ],
    "none": [
        "Thank you for your message.",
        "Thank you for reaching out to me about this.",
        "I appreciate you keeping me updated.",
    ],
}
# A second, validating sentence for the highest level.
VALIDATIONS: list[str] = [
    "Your feelings about this are completely valid.",
    "It is natural to have a lot of feelings about this, and they matter.",
    "You are doing the right thing by staying in touch with me.",
]
CLOSERS: list[str] = [
    "Please let me know if you have any questions.",
    "I'm here to support you, so please reach out with any questions.",
    "We are here for you, and you are not alone in this.",
    "Please don't hesitate to send me a message if anything is unclear.",
]

LEVEL_SHAPE = {0: (0, 0), 1: (1, 0), 2: (1, 1), 3: (2, 1)}  # (sentences before, sentences after)

# Words no framing sentence may carry: clinical content, advice, or anything a model invents.
_FORBIDDEN = re.compile(
    r"\d|\b(?:dr|doctor|physician|nurse|medic\w*|medicine|drug|dose|pill|test\w*|result\w*|scan|treat\w*|diagnos\w*|symptom\w*|"
    r"condition|disease|cancer|tumou?r|infection|surgery|procedure|prescri\w*|therapy|health|healthy|recover\w*|cure\w*|heal\w*|"
    r"appointment|visit|clinic|hospital|emergency|follow|should|must|need to|make sure|try to|recommend\w*|suggest\w*|advise|"
    r"promise|guarantee|sure|certain|definitely|nothing|fine|okay|ok|normal|serious|worry|risk|safe|sincerely|regards|"
    r"best wishes|warmly|signed|dear|hi|hello|name|sentence|write|writing|wrote|reply|response|patient|rewrite|output|"
    r"warm|lighthearted|message|text|assistant|assist|beat|fight|win|strong|ai|model|language|unable|cannot|can't|can not|"
    r"sorry, i|apologi[sz]e|inappropriate|policy|provide|loss|lost|passed|passing|condolences?|story|journey|battle|suffering|"
    r"taking care)\b|[@#<>\[\]{}:;]",
    re.IGNORECASE)


@dataclass
class FramedEdit:
    text: str
    path: str  # "framed" (model-written framing, checked clean) or "framed-bank" (curated sentences)
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    emotions: list[str] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)  # every model candidate and why it was kept or refused
    seconds: float = 0.0
    prompt_tokens: int = 0  # spent on all candidates, kept or refused
    completion_tokens: int = 0


def framing_emotions(patient: str) -> list[str]:
    """The patient's emotions that framing has sentences for (strongest first), or ["none"]."""
    emotions = [e for e in detect_emotions(patient).emotions if e in OPENERS]
    return emotions or ["none"]


def framing_guard(sentence: str) -> str | None:
    """Why a framing sentence is refused, or None when it is clean framing."""
    s = sentence.strip()
    words = s.split()
    if not 3 <= len(words) <= 28:
        return "length"
    if _FORBIDDEN.search(s):
        return "clinical, advice, reassurance or signature word"
    if REASSURANCE.search(s):
        return "reassurance"
    if extract_facts(s)[0]:
        return "clinical content"
    if any(w[:1].isupper() and w.strip(",.!'\"") not in ("I", "I'm", "I've", "I'll", "I'd") for w in words[1:]):
        return "possible name"
    if "?" in s:
        return "question"
    low = [w.lower().strip(",.!") for w in words]
    if max(low.count(w) for w in set(low)) > 3:
        return "repetition"
    return None


def _first_sentence(text: str) -> str:
    return first_sentence(clean_model_text(text).strip().strip('"').strip())


def _assemble(before: list[str], draft: str, after: list[str]) -> str:
    """Framing around the draft, the draft untouched (whitespace at its ends only)."""
    parts = [" ".join(before).strip(), draft.strip(), " ".join(after).strip()]
    return " ".join(p for p in parts if p)


def _pick(pool: list[str], seed: int, exclude: set[str] = frozenset()) -> str:
    options = [s for s in pool if s not in exclude] or pool
    return options[seed % len(options)]


def bank_framing(emotions: list[str], level: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Curated framing for the strongest emotion (a second emotion gives the second sentence at level 3)."""
    n_before, n_after = LEVEL_SHAPE[level]
    primary = emotions[0] if emotions and emotions[0] in OPENERS else "none"
    before: list[str] = []
    if n_before:
        before.append(_pick(OPENERS[primary], seed))
    if n_before > 1:
        second = emotions[1] if len(emotions) > 1 and emotions[1] in OPENERS else None
        before.append(_pick(OPENERS[second], seed, set(before)) if second else _pick(VALIDATIONS, seed))
    after = [_pick(CLOSERS, seed)] if n_after else []
    return before, after


def _score(patient: str, text: str) -> float:
    return score_empathy(patient, text).overall


def framed_edit(patient: str, draft: str, level: int = 1, *, backend=None, seed: int = 0, candidates: int = 3,
                emotions: list[str] | None = None) -> FramedEdit:
    """The draft verbatim with framing: model-written when a candidate passes every check, else from the bank."""
    start = time.perf_counter()
    spent = {"prompt": 0, "completion": 0}  # tokens of every candidate, kept or refused
    emotions = emotions or framing_emotions(patient)
    n_before, n_after = LEVEL_SHAPE[level]
    bank_before, bank_after = bank_framing(emotions, level, seed)
    tried: list[dict] = []

    def sample(prompt, k: int) -> list[str]:
        good = []
        felt = ", ".join(e for e in emotions if e != "none") or "unsure"
        for i in range(k):
            messages = prompt.messages(patient=patient, emotions=felt)
            opts = GenerationOptions(max_tokens=48, temperature=0.8, seed=(seed or 0) * 101 + i + 1, repeat_penalty=1.3)
            try:
                done = backend.complete(messages, opts)
                raw = done.text
                spent["prompt"] += done.prompt_tokens
                spent["completion"] += done.completion_tokens
            except Exception as e:  # noqa: BLE001 - a failing model only means the bank is used
                tried.append({"text": "", "refused": f"model error: {type(e).__name__}"})
                break
            sentence = _first_sentence(raw)
            why = framing_guard(sentence)
            tried.append({"text": sentence, "refused": why})
            if why is None and sentence not in good:
                good.append(sentence)
        return good

    before, after, path = list(bank_before), list(bank_after), "framed-bank"
    # The curated framing competes too: a model candidate is kept only if the scorer rates it higher.
    bank_score = _score(patient, _assemble(bank_before, draft, bank_after))
    if backend is not None and level > 0 and candidates > 0:
        openers = sample(FRAMING_OPEN, candidates) if n_before else []
        closers = sample(FRAMING_CLOSE, max(1, candidates - 1)) if n_after else []
        # an opener alone can win when no closer passes: the bank closer fills in
        if n_after and not closers and openers:
            closers = list(bank_after)
        if (openers or not n_before) and (closers or not n_after):
            options = []
            for o in openers or [None]:
                for c in closers or [None]:
                    b = ([o] + bank_before[1:]) if o else []
                    a = [c] if c else []
                    text = _assemble(b, draft, a)
                    rep = check_facts(draft, text)
                    if rep.recall == 1.0 and not rep.unsupported:
                        options.append((_score(patient, text), b, a))
            if options:
                options.sort(key=lambda x: -x[0])
                best, b, a = options[0]
                for o in tried:
                    o.setdefault("score", None)
                if best > bank_score:
                    before, after, path = b, a, "framed"
    return FramedEdit(text=_assemble(before, draft, after), path=path, before=before, after=after, emotions=emotions,
                      candidates=tried, seconds=time.perf_counter() - start,
                      prompt_tokens=spent["prompt"], completion_tokens=spent["completion"])
