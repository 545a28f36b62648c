"""Framed edits: the physician's sentences verbatim, with short framing about this patient around them.

Small models drop facts and invent content when they rewrite a reply, so a framed edit does not let anything touch the
medicine: it keeps every sentence of the draft as written and adds one sentence before (level 1), a closing sentence
(level 2) and a validating sentence (level 3). Each slot gets candidates from three sources:

- **templates** (:mod:`.templates`) filled with the patient's own concern (:mod:`.concern`): the symptoms, results,
  wait or person they wrote about and the feeling they expressed; a few per case, picked by a stable rotation;
- **the model** (``samples`` per slot, the ``FRAMING`` prompt; a framing adapter serves these calls when the backend
  has one): first sentence only, refused by ``framing_guard`` (clinical words, advice, reassurance, names ...);
- **the curated bank** (:mod:`.bank`), only when a slot has nothing else.

Every candidate must pass the sentence gate (:mod:`.gate`: the clinician's voice, on topic) and must not name a feeling
the patient did not express; the empathy scorer picks the best per slot (a model sentence wins ties), no two chosen
sentences say nearly the same thing, and the assembled edit must pass the fact checker, else the offending sentence
is dropped and the next candidate tried.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from ..backends import GenerationOptions
from ..facts import check_facts, extract_facts
from ..prompts import framing_messages
from ..ranking import TIE_MARGIN
from ..scoring import score_empathy
from ..text import REASSURANCE, first_sentence
from .bank import CLOSERS, LEVEL_SHAPE, OPENERS, VALIDATIONS
from .cleanup import clean_model_text
from .concern import Concern, extract_concern
from .gate import gate_many, language
from .templates import template_candidates

# Words no model-written framing sentence may carry: clinical content, advice, or anything a model invents.
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
# Feeling words: a framing sentence may name one only when the patient expressed a feeling.
_FEELING = re.compile(r"\b(?:scared|afraid|frightened|frightening|fear\w*|terrified|worr\w+|anxious|anxiety|nervous|"
                      r"stress\w*|frustrat\w+|embarrass\w+|ashamed|sad|sadness|upset|down|depressed|lonely|grief|"
                      r"feelings?|emotions?|overwhelm\w*|distress\w*|unsettling|concern(?:s|ed)?)\b", re.IGNORECASE)
SLOT_ORDER = {1: ("open",), 2: ("open", "close"), 3: ("open", "validate", "close")}
TEMPLATES_PER_SLOT = 3  # how many templates compete per slot (the diversity rule: see templates.template_candidates)
SAMPLE_TOKENS = 40
# Only the first sentence is used: generation stops at its end (the 135M model otherwise always ran to SAMPLE_TOKENS,
# most of the seconds of a framing call).
SENTENCE_END = (". ", "! ", "? ", ".\n", "!\n", "?\n", "\n\n")


@dataclass
class FramedEdit:
    text: str
    path: str  # "framed" (a model-written sentence was chosen) or "framed-bank" (templates and the curated bank only)
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    emotions: list[str] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)  # every model candidate and why it was kept or refused
    options: list[dict] = field(default_factory=list)  # every template and bank sentence considered, with its verdict
    concern: dict = field(default_factory=dict)
    chosen: list[dict] = field(default_factory=list)  # per slot: slot, text, source, id, score
    note: str = ""  # why the edit has less framing than its level asks for, if it does
    seconds: float = 0.0
    prompt_tokens: int = 0  # spent on all candidates, kept or refused
    completion_tokens: int = 0


def framing_emotions(patient: str) -> list[str]:
    """The patient's emotions that framing has sentences for (strongest first), or ["none"]."""
    emotions = [e for e in extract_concern(patient).emotions if e in OPENERS]
    return emotions or ["none"]


def framing_guard(sentence: str) -> str | None:
    """Why a model-written framing sentence is refused, or None when it is clean framing."""
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


def unexpressed_feeling(sentence: str, concern: Concern) -> bool:
    """The sentence names a feeling although the patient expressed none."""
    return not concern.emotions and bool(_FEELING.search(sentence))


def first_framing_sentence(text: str) -> str:
    """What a framing call yields: the first sentence of the cleaned model text."""
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


def _bank_options(slot: str, concern: Concern, seed: int) -> list[str]:
    primary = concern.emotions[0] if concern.emotions and concern.emotions[0] in OPENERS else "none"
    pool = {"open": OPENERS[primary], "validate": VALIDATIONS, "close": CLOSERS}[slot]
    rotated = pool[seed % len(pool):] + pool[:seed % len(pool)]
    return [s for s in rotated if not unexpressed_feeling(s, concern)]


def _score(patient: str, text: str) -> float:
    return score_empathy(patient, text).overall


def _words(s: str) -> set[str]:
    return set(re.findall(r"[a-z']+", s.lower())) - {"i", "you", "the", "a", "and", "to", "of", "your", "is", "this", "i'm"}


_PHRASES = ("i'm glad", "i'm sorry", "thank you", "any questions", "makes sense", "natural to", "i'm here", "i can",
            "reach", "write back", "wrote to me", "write to me")  # "reach": reaching out / reached out / reach out


def _similar(a: str, b: str, concern: Concern | None = None) -> bool:
    """Two framing sentences that would read as repetition: mostly the same words, the same stock phrase, or both
    naming the patient's symptoms (one mention is listening, two is a form)."""
    wa, wb = _words(a), _words(b)
    if wa and wb and len(wa & wb) / min(len(wa), len(wb)) >= 0.6:
        return True
    la, lb = a.lower(), b.lower()
    if any(p in la and p in lb for p in _PHRASES):
        return True
    return bool(concern and concern.symptoms and any(x in la and x in lb for x in concern.symptoms))


def _sample(backend, patient: str, slot: str, concern: Concern, k: int, seed: int, spent: dict, tried: list[dict]) -> list[dict]:
    """``k`` model sentences for ``slot``; each tried one is recorded with why it was refused (None: passed the guard)."""
    feelings = ", ".join(concern.emotions) or "none stated"
    inputs = {"slot": slot, "concern": concern.summary(), "feelings": feelings}
    messages = framing_messages(patient, slot, inputs["concern"], feelings)
    out = []
    for i in range(k):
        opts = GenerationOptions(max_tokens=SAMPLE_TOKENS, temperature=0.8, seed=seed * 101 + i + 1 + 17 * len(tried),
                                 repeat_penalty=1.3, task="framing", stop=SENTENCE_END)
        try:
            done = backend.complete(messages, opts)
        except Exception as e:  # noqa: BLE001 - a failing model only means the templates are used
            tried.append({"slot": slot, "text": "", "refused": f"model error: {type(e).__name__}", "prompt": "frame",
                          "inputs": inputs})
            break
        spent["prompt"] += done.prompt_tokens
        spent["completion"] += done.completion_tokens
        raw = done.text.rstrip()
        core = raw.rstrip("\"'").rstrip()
        if done.finish_reason == "stop" and core and core[-1] not in ".!?":  # cut at a stop: the end mark was eaten
            raw = core + "."
        sentence = first_framing_sentence(raw)
        why = framing_guard(sentence) if sentence else "empty"
        if why is None and unexpressed_feeling(sentence, concern):
            why = "names a feeling the patient did not express"
        record = {"slot": slot, "text": sentence, "raw": done.text, "refused": why, "prompt": "frame", "inputs": inputs,
                  "source": "model"}
        tried.append(record)
        if why is None and all(sentence != o["text"] for o in out):
            out.append(record)
    return out


def framed_edit(patient: str, draft: str, level: int = 1, *, backend=None, seed: int = 0, candidates: int = 3,
                emotions: list[str] | None = None, progress=None) -> FramedEdit:
    """The draft verbatim with framing about this patient (see the module docstring). ``candidates``: model samples
    per slot (0: templates and bank only)."""
    start = time.perf_counter()
    say = progress or (lambda message: None)
    spent = {"prompt": 0, "completion": 0}
    concern = extract_concern(patient)
    if emotions:  # the caller's emotion reading wins (framing_emotions of the same message, usually)
        concern.emotions = [e for e in emotions if e != "none"] or concern.emotions
    slots = SLOT_ORDER.get(level, ())
    tried: list[dict] = []
    options: list[dict] = []
    if not slots:
        return FramedEdit(text=draft.strip(), path="framed-bank", emotions=concern.emotions or ["none"],
                          concern=concern.to_dict(), seconds=time.perf_counter() - start)
    english = language(draft) in (None, "en")
    key = f"{patient}\x00{draft}\x00{seed}"
    per_slot: dict[str, list[dict]] = {}
    if backend is not None and candidates > 0:
        say(f"Framing: the model is writing {candidates * len(slots)} candidate sentence(s) about this patient")
    for slot in slots:
        model = _sample(backend, patient, slot, concern, candidates, seed, spent, tried) if backend is not None and candidates > 0 else []
        templates = [{"slot": slot, "text": text, "source": "template", "id": t.id}
                     for t, text in template_candidates(concern, slot, key, TEMPLATES_PER_SLOT)] if english else []
        bank = [{"slot": slot, "text": text, "source": "bank", "id": "bank"} for text in _bank_options(slot, concern, seed)] \
            if english else []
        per_slot[slot] = model + templates + bank
    # One gate call for every sentence (embedded together).
    pool = [o for slot in slots for o in per_slot[slot]]
    say(f"Framing: checking the voice of {len(pool)} candidate sentence(s)")
    for o, v in zip(pool, gate_many([o["text"] for o in pool], patient=patient, draft=draft)):
        o["gate"] = v.to_dict()
        if not v.ok:
            o["refused"] = f"gate: {v.reason}"
        elif unexpressed_feeling(o["text"], concern):
            o["refused"] = "names a feeling the patient did not express"
        else:
            o.setdefault("refused", None)
    options.extend(o for o in pool if o["source"] != "model")
    # Greedy choice per slot, best empathy score first; the fact checker has the last word on the assembled edit.
    say("Framing: choosing the warmest sentences and checking the facts of the framed edit")
    banned: set[str] = set()
    report = None
    for _ in range(4):
        chosen: dict[str, dict] = {}
        for slot in slots:
            usable = [o for o in per_slot[slot] if o["refused"] is None and o["text"] not in banned]
            # the bank only when nothing written for this patient is left
            specific = [o for o in usable if o["source"] != "bank"]
            usable = specific or usable[:1]
            others = [c["text"] for c in chosen.values()]
            usable = [o for o in usable if not any(_similar(o["text"], t, concern) for t in others)] or usable
            if not usable:
                continue
            if len(usable) > 1:
                for o in usable:
                    before, after = _split(slots, {**chosen, slot: o})
                    o["score"] = round(_score(patient, _assemble(before, draft, after)), 4)
                # within the scorer's tie margin of the best, the first in order wins (a model sentence, then the
                # case's rotation): otherwise one template the scorer happens to like closes most edits
                best = max(o["score"] for o in usable)
                usable = [o for o in usable if o["score"] >= best - TIE_MARGIN]
            chosen[slot] = usable[0]
        before, after = _split(slots, chosen)
        text = _assemble(before, draft, after)
        report = check_facts(draft, text, patient=patient)
        if report.recall == 1.0 and not report.unsupported and not report.changed:
            break
        problems = [(_fact_text(u), list(getattr(u, "flags", []) or [])) for u in report.unsupported + report.changed]
        bad = [c for c in chosen.values() if any(t and (t in c["text"] or c["text"] in t) for t, _ in problems)]
        for c in bad or list(chosen.values()):
            c["refused"] = "fact check: " + (", ".join(sorted({f for _, fl in problems for f in fl})) or "unsupported")
            banned.add(c["text"])
    else:  # nothing passed the checker four times: the draft alone is the safe edit
        chosen, before, after, text = {}, [], [], draft.strip()
    for o in pool:
        o["chosen"] = any(o is c for c in chosen.values())
    path = "framed" if any(c["source"] == "model" for c in chosen.values()) else "framed-bank"
    note = ""
    if len(chosen) < len(slots):
        note = "no framing sentence in the draft's language" if not english else "fewer framing sentences than the level asks"
    return FramedEdit(text=text, path=path, before=before, after=after, emotions=concern.emotions or ["none"],
                      candidates=tried, options=options, concern=concern.to_dict(),
                      chosen=[{k: c.get(k) for k in ("slot", "text", "source", "id", "score")} for c in chosen.values()],
                      note=note, seconds=time.perf_counter() - start,
                      prompt_tokens=spent["prompt"], completion_tokens=spent["completion"])


def _fact_text(match) -> str:
    """The edited text a fact-check finding points at (a match of the fact checker, whatever its shape)."""
    fact = getattr(match, "fact", match)
    return getattr(fact, "text", "") or ""


def _split(slots: tuple[str, ...], chosen: dict[str, dict]) -> tuple[list[str], list[str]]:
    """Sentences before the draft (open, then validate) and after it (close)."""
    before = [chosen[s]["text"] for s in ("open", "validate") if s in chosen and s in slots]
    after = [chosen["close"]["text"]] if "close" in chosen and "close" in slots else []
    return before, after
