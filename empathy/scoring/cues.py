"""Lexical cues of the empathy scorer: what each label looks like in words, per sentence.

The sentence classifier (``classifier.py``) is blended with these for validation, comforting and reassuring;
the ``empty`` cues find stock phrases ("Thank you for your message.") and the false-reassurance lexicon is
shared with the fact checker. The mechanism cues stay for the classifier's blend and the ranking's reasons;
the mechanism dimensions themselves come from the EPITOME model (``empathy.epitome``).
"""

from __future__ import annotations

import re

from ..text import HEDGE, REASSURANCE

EMPATHY_DIMENSIONS = ("emotional_reactions", "interpretations", "explorations", "validation", "comforting", "reassuring")
MECHANISMS = EMPATHY_DIMENSIONS[:3]
# "info": information, instructions, plans (training sentences labelled none or reassuring).
LABELS = EMPATHY_DIMENSIONS + ("empty", "false_reassurance", "info")

_I = r"(?:i'?m|i am|we'?re|we are)"
CUES: dict[str, list[str]] = {
    "emotional_reactions": [
        rf"\b{_I} (?:so |very |really |truly |deeply |terribly )?sorry\b",
        r"\bsorry (?:to hear|that you|you(?:'re| are| have|'ve))\b",
        r"\bmy heart goes out\b|\bcondolences\b|\bi feel for you\b",
        r"\b(?:that|this|it) (?:sounds|must (?:be|have been|feel)) (?:\w+ )?(?:hard|difficult|scary|frightening|tough|painful|stressful|upsetting|overwhelming|exhausting|awful|terrible|distressing|lonely|frustrating|worrying|unsettling)\b",
        r"\bi can (?:only )?imagine\b",
        r"\b(?:how|what an?) (?:awful|hard|difficult|frightening|scary|painful|stressful|upsetting)\b",
    ],
    "interpretations": [
        r"\bit (?:sounds|seems|looks) (?:like|as (?:though|if)|that)\b",
        r"\bi can (?:see|tell|hear) (?:that|how|why)\b",
        r"\byou (?:mentioned|described|wrote|said|noticed)\b",
        r"\bif i understand\b|\bi get the sense\b|\bi hear that\b|\bfrom what you (?:describe|wrote|said|shared)\b",
        r"\bi (?:can )?understand (?:that|how|why) (?:the|this|your|you)\b",
    ],
    "explorations": [
        r"^(?:how|what|when|where|which|who|can you|could you|would you|do you|did you|have you|is there|are there|are you|has)\b[^?]*\?",
        r"\btell me (?:more|about)\b|\bi'?d (?:like|love) to (?:hear|know)\b|\bi'?m curious\b",
    ],
    "validation": [
        r"\b(?:completely |perfectly |totally |very |entirely )?(?:understandable|normal|natural|okay|ok|reasonable|fine|common) (?:to|that you) (?:feel|be|have|want|worry|ask|need)\b",
        r"\bmakes? (?:perfect |complete |total )?sense\b",
        r"\banyone (?:in your|would)\b|\b(?:many|most|lots of) (?:patients|people) (?:feel|felt|worry|have the same)\b(?! (?:pressure|pain|better|a pinch|nothing)\b)",
        r"\byou (?:did|were|are doing) (?:exactly )?(?:the )?right\b",
        r"\b(?:feelings?|concerns?|questions?|frustration|worries|fears?) (?:is|are) (?:valid|important|justified|understandable|reasonable|legitimate)\b",
        r"\bnothing (?:silly|wrong|embarrassing|to be (?:ashamed|embarrassed))\b|\bnever a bother\b|\bof course you\b",
    ],
    "comforting": [
        r"\bnot alone\b|\btogether\b|\bevery step\b|\bby your side\b|\bbeside you\b",
        rf"\b(?:{_I}|i'?ll|we'?ll|i will|we will) (?:be )?(?:here|with you|there) (?:for|to|with)\b",
        rf"\b{_I} here\b",
        r"\b(?:reach out|don'?t hesitate|any ?time|call (?:us|me) (?:if|whenever|any))\b",
        r"\b(?:take (?:good )?care|be gentle with yourself|thinking of you|wishing you)\b",
        r"\b(?:we|i)(?:'ll| will) (?:support|look after|take care of|help) you\b",
    ],
    "reassuring": [
        r"\bgood news\b|\bencouraging\b|\breassuring\b|\bon track\b|\bright direction\b",
        r"\b(?:is|are|was|were|came back|looks?|looked) (?:completely |entirely )?(?:normal|benign|healthy|stable|clear|fine)\b",
        r"\b(?:very |highly )?treatable\b|\bcaught (?:it|this) early\b|\bno signs? of\b|\bhealing well\b",
        r"\b(?:usually|often|typically|generally|tends? to|most (?:people|patients))\b[^.?!]*\b(?:better|resolve|clear|pass|fade|settle|recover|improve|go away|normal)\w*",
        r"\b(?:common|expected|routine|uncommon|rare)\b",
    ],
    "empty": [  # a whole sentence of courtesy or acknowledgement with nothing about this patient
        r"^\s*(?:ok(?:ay)?|noted|understood|i see|sorry|thanks?(?: you)?|got it(?:,? thanks?)?|hope this helps|"
        r"i (?:understand|hear you|acknowledge)(?: your (?:concern|message|frustration|feelings?|worry))?(?:,? i understand)*|"
        r"i understand how you feel|"
        r"(?:thank you|thanks) for (?:your|the) (?:message|note|question|email|update|inquiry)|"
        r"(?:thank you|thanks) for (?:reaching out|writing|getting in touch|contacting (?:me|us|the (?:clinic|office)))"
        r"(?: to (?:me|us))?(?: about this)?|"
        r"(?:thank you|thanks) for letting (?:me|us) know|"
        r"(?:i|we) (?:have )?(?:appreciate|received|value) (?:your (?:patience|feedback|message|note|question)|you keeping (?:me|us) (?:updated|posted))|"
        r"your message has been received)\s*[.!]*\s*$",
    ],
}
_CUE_RE = {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in CUES.items()}
_CUE_RE["false_reassurance"] = [REASSURANCE]  # one lexicon of false reassurance, shared with the fact checker


def lexical(sentence: str) -> dict[str, float]:
    """1.0 for each label in ``LABELS`` whose cues the sentence matches, else 0.0 (hedged reassurance is not false)."""
    out = {label: 1.0 if any(p.search(sentence) for p in _CUE_RE.get(label, ())) else 0.0 for label in LABELS}
    if out["false_reassurance"] and HEDGE.search(sentence):
        out["false_reassurance"] = 0.0
    return out
