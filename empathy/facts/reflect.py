"""Reflection: a feeling sentence that names what the patient wrote is framing, not a new claim.

"Two days of fever in a little one is worrying" adds nothing the physician must vouch for when the patient wrote
"my 3-year-old has had a fever for two days"; the same sentence after a message about a rash would invent a fever.
So a statement the original does not make is still supported when it acknowledges feelings and every clinical word,
entity and value in it comes from the patient's own message. Advice, drugs, doses, reassurance and negated
statements never pass this way: the patient's message cannot vouch for those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import WORD
from .claims import reads_as_framing
from .content import CONVERSATION, EMOTION, STOP, SUPPORT, content_words, feeling, has_emotion, imperative, stem
from .extract import Fact, extract_entities

_VALUES = frozenset({"time", "duration", "number", "measure", "frequency", "side"})  # must match the patient's value
# Entity kinds a reflection may carry when the patient's message names them.
REFLECTABLE = frozenset({"condition", "symptom", "term", "finding", "test"}) | _VALUES
# Acknowledging what the patient did or said ("It's good that you are asking", "you were right to write").
_ACKNOWLEDGE = re.compile(
    r"\b(?:thank(?:s| you) for|glad (?:that )?you|good (?:that|thing) you|right to|you did the right thing|"
    r"you (?:mentioned|described|wrote|said|told me|noticed|shared)|(?:I|we) take (?:this|it|what)|"
    r"takes? courage|(?:your|the) effort)\b", re.I)


@dataclass(frozen=True)
class PatientMessage:
    """What the patient wrote, as the checker compares it: entity keys and content stems."""

    keys: frozenset[str]
    words: frozenset[str]


# Lay words and the clinical words a patient may have used for the same thing.
_LAY = {"belly": "abdomin", "tummy": "abdomin", "stomach": "abdomin", "poop": "stool", "pee": "urin", "peeing": "urin",
        "throw": "vomit", "puke": "vomit", "tired": "fatigu", "exhausted": "fatigu", "sleep": "insomnia"}
_LAY_STEMS = frozenset(stem(w) for w in _LAY)
_NOT_MASKED = STOP | EMOTION | SUPPORT | CONVERSATION  # words that keep their place when the patient's are masked


def _key(key: str) -> str:
    return " ".join(stem(w) for w in key.split())


def _lay(text: str) -> set[str]:
    """The clinical stems of the lay words in ``text`` ("belly" -> "abdomin")."""
    return {_LAY[w] for w in WORD.findall(text.lower()) if w in _LAY}


def _words(text: str) -> frozenset[str]:
    return content_words(text) | {stem(w) for w in WORD.findall(text)} | _lay(text)


@lru_cache(maxsize=256)
def read_patient(text: str) -> PatientMessage:
    return PatientMessage(frozenset(_key(e.key) for e in extract_entities(text)), _words(text))


def reflects_patient(fact: Fact, sentence: str, patient: PatientMessage, original: list[Fact]) -> bool:
    """Is ``fact`` (a clause of ``sentence``) an acknowledgement of the patient's own words (module docstring)?"""
    if fact.advice or fact.negated or imperative(fact.text) in ("advice", "cognition"):
        return False
    if not (has_emotion(sentence) or _ACKNOWLEDGE.search(sentence) or _framing_when_masked(sentence, patient)):
        return False
    if not names_only_known(fact, patient, original):
        return False
    original_words = {w for f in original for w in f.content}
    novel = content_words(feeling(fact.text)) - original_words - EMOTION - SUPPORT - CONVERSATION
    return novel - _LAY_STEMS <= patient.words and _lay(fact.text) <= patient.words | original_words


def names_only_known(fact: Fact, patient: PatientMessage, original: list[Fact]) -> bool:
    """Every entity of ``fact`` is of a kind a reflection may carry and named by the patient or the original."""
    original_keys = {_key(k) for f in original for k in f.keys()}
    for e in fact.entities:
        key = _key(e.key)
        named = key in patient.keys | original_keys or (e.kind not in _VALUES and set(key.split()) <= patient.words)
        if e.kind not in REFLECTABLE or not named:
            return False
    return True


def mask_patient_words(text: str, patient: PatientMessage) -> str:
    """``text`` with the patient's own content words replaced by "this" ("Dealing with this of this is taking a lot
    out of you"): what is left is how the sentence speaks, not what it names."""
    return WORD.sub(lambda m: "this" if stem(m.group(0)) in patient.words - _NOT_MASKED else m.group(0), text)


def _framing_when_masked(sentence: str, patient: PatientMessage) -> bool:
    return reads_as_framing([mask_patient_words(sentence, patient)])[0]
