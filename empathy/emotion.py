"""Which negative emotions a patient's message shows, and whether it contains crisis language.

Lexical cues with weights, so every detection points at the words that carry it (the UI highlights
them, the edit prompt names the emotion). The categories are the five negative emotions of the
"Balancing knowledge and comfort" paper (fear, anxiety, embarrassment, frustration, distrust) plus
sadness. Crisis language (suicide, self-harm) is checked separately and always wins attention: a
message can be about a rash and still say "I don't want to be here anymore".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

EMOTIONS = ("fear", "anxiety", "embarrassment", "frustration", "distrust", "sadness")

# An emotion is reported when its evidence (sum of cue weights) reaches this; one strong cue suffices.
THRESHOLD = 0.55

CRISIS_GUIDANCE = (
    "Possible suicide or self-harm risk. Do not wait for a routine reply: contact the patient now "
    "(phone, not portal), assess immediate safety, and follow your clinic's crisis protocol. If there is "
    "immediate danger, call emergency services (911 in the US). Give the patient the 988 Suicide & Crisis "
    "Lifeline (call or text 988 in the US) or the local crisis line."
)

_W = r"(?:\w+\s+){0,3}?"  # up to three filler words

# (pattern, weight). Weight ~1: the word alone names the emotion; ~0.5: a hint that needs company.
_CUES: dict[str, list[tuple[str, float]]] = {
    "fear": [
        (r"\b(?:scared|afraid|frightened|terrified|petrified|fearful|horrified)\b", 1.0),
        (r"\bfear(?:s|ing|ed)?\b", 1.0),
        (r"\b(?:scary|scariest|frightening|terrifying)\b", 0.9),
        (r"\bpanic(?:king|ked|ky)?\b", 0.8),
        (r"\bfreak(?:ing|ed)? out\b", 0.8),
        (r"\b(?:am i|i'?m|i am) (?:going to|gonna) die\b", 1.0),
        (r"\b(?:die|dying|death)\b", 0.5),
        (r"\bwhat if (?:it'?s|it is|this is) (?:cancer|serious|something (?:bad|serious)|a tumou?r)\b", 0.9),
        (r"\b(?:is|could) (?:it|this) (?:be )?(?:cancer|a tumou?r|fatal|deadly)\b", 0.7),
        (r"\bworst(?:[- ]case)?\b", 0.4),
        (r"\bdread(?:ing|ed)?\b", 0.8),
        (r"\bshaking\b", 0.4),
    ],
    "anxiety": [
        (r"\b(?:anxious|anxiety|nervous|uneasy|jittery|restless)\b", 1.0),
        (r"\bworr(?:y|ied|ies|ying|isome)\b", 0.8),
        (r"\bstress(?:ed|ful|ing)?\b", 0.7),
        (r"\bon edge\b", 0.9),
        (r"\b(?:can'?t|cannot|couldn'?t|unable to) (?:stop (?:thinking|worrying|checking)|sleep|relax|focus)\b", 0.8),
        (r"\b(?:keep|kept) (?:thinking|checking|googling|reading)\b", 0.6),
        (r"\b(?:overthinking|obsessing|racing thoughts)\b", 0.8),
        (r"\b(?:concerned|concern)\b", 0.5),
        (r"\b(?:waiting|wait) (?:for|on) (?:the )?(?:results?|biopsy|scan|call)\b", 0.4),
        (r"\bhaven'?t (?:slept|been sleeping)\b", 0.5),
        (r"\btense\b", 0.6),
    ],
    "embarrassment": [
        (r"\bembarrass(?:ed|ing|ment)\b", 1.0),
        (r"\b(?:ashamed|shameful|humiliat\w*|mortified)\b", 1.0),
        (r"\bshame\b", 0.9),
        (r"\bawkward\b", 0.8),
        (r"\b(?:silly|stupid|dumb|weird|strange|odd) question\b", 0.7),
        (r"\b(?:feel|felt|sound|look) (?:so )?(?:stupid|silly|dumb|ridiculous)\b", 0.8),
        (r"\b(?:too )?shy\b", 0.6),
        (r"\b(?:hard|difficult|uncomfortable) (?:for me )?to (?:talk|ask|bring (?:this|it) up|mention)\b", 0.8),
        (r"\b(?:tmi|too much information)\b", 0.8),
        (r"\bprivate (?:issue|problem|area|matter)\b", 0.5),
        (r"\bsorry to (?:bother|ask)\b", 0.3),
        (r"\bdon'?t (?:want|like) (?:anyone|people|my \w+) to (?:know|see|find out)\b", 0.7),
    ],
    "frustration": [
        (r"\bfrustrat(?:ed|ing|ion)\b", 1.0),
        (r"\b(?:fed up|sick (?:and tired )?of|tired of|had enough)\b", 0.9),
        (r"\b(?:annoyed|annoying|irritated|angry|furious|mad)\b", 0.9),
        (r"\b(?:ridiculous|unacceptable|absurd)\b", 0.8),
        (r"\b(?:nobody|no one|no-one) (?:has )?(?:called|answered|got back|gets back|replied|responded|helps?|listens?)\b", 0.8),
        (r"\b(?:still|yet) (?:haven'?t|hasn'?t|no|not)\b", 0.4),
        (r"\b(?:third|fourth|fifth|several|many|multiple|\d+) (?:times?|calls|messages|weeks|months)\b", 0.4),
        (r"\b(?:again and again|over and over|every time)\b", 0.5),
        (r"\bon hold\b", 0.5),
        (r"\b(?:nothing|none of (?:it|this|them)) (?:is )?(?:working|works|helped|helps)\b", 0.6),
        (r"\bwaste of (?:my |our )?(?:time|money)\b", 0.8),
        (r"!{2,}", 0.4),
    ],
    "distrust": [
        (r"\b(?:don'?t|do not|can'?t|cannot|no longer) (?:really )?(?:trust|believe)\b", 1.0),
        (r"\b(?:distrust|mistrust|skeptical|sceptical|suspicious)\b", 1.0),
        (r"\bsecond opinion\b", 0.8),
        (r"\b(?:are|were) you (?:really )?(?:sure|certain)\b", 0.6),
        (r"\bhow (?:do|can) i (?:know|be sure)\b", 0.6),
        (r"\b(?:misdiagnos\w*|wrong diagnosis|got it wrong|missed it)\b", 0.8),
        (r"\b(?:hiding|not telling me|lying|lied|cover(?:ing)? up)\b", 0.9),
        (r"\b(?:brushed (?:me )?off|dismissed|doesn'?t listen|don'?t listen|didn'?t listen|not listening)\b", 0.7),
        (r"\b(?:big pharma|drug companies|kickbacks?|just (?:want|trying) to (?:sell|make money))\b", 0.9),
        (r"\b(?:really|actually) (?:necessary|needed)\b", 0.5),
        (r"\b(?:read|saw|found) (?:online|on (?:the )?(?:internet|google|facebook|reddit))\b", 0.4),
        (r"\bdoubt(?:s|ful)?\b", 0.7),
    ],
    "sadness": [
        (r"\b(?:sad|sadness|unhappy|miserable|heartbroken|devastated|depressed|depressing|hopeless|grief|grieving)\b", 1.0),
        (r"\b(?:cry|crying|cried|tears)\b", 0.9),
        (r"\b(?:lonely|alone|isolated)\b", 0.7),
        (r"\b(?:feel(?:ing)?|been) (?:so |really |very )?(?:down|low|empty|numb|lost)\b", 0.9),
        (r"\b(?:passed away|lost my|died last|death of my|funeral)\b", 0.8),
        (r"\b(?:my|our) (?:\w+ )?\w+ (?:died|passed)\b", 0.9),
        (r"\b(?:no|lost all) (?:energy|motivation|interest)\b", 0.6),
        (r"\bcan'?t enjoy\b", 0.7),
        (r"\bwhat'?s the point\b", 0.6),
        (r"\b(?:giving|give) up\b", 0.5),
    ],
}

# Suicide and self-harm. Deliberately broad: a false alarm costs a phone call, a miss can cost a life.
_CRISIS = [
    r"\bsuicid\w*",
    r"\b(?:kill|hang|hurt|harm|cut|shoot|poison)(?:ing|s)? (?:my ?self|myself)\b",
    r"\bcutting (?:my ?self|myself|my (?:arms?|wrists?|legs?))\b",
    r"\bself[- ]?harm\w*",
    r"\bend (?:my|it) (?:life|all)\b|\bend it all\b|\bending (?:my life|it all)\b",
    r"\btake my (?:own )?life\b",
    r"\b(?:want|wish|wanted|wishing) (?:to|i (?:was|were|could)) (?:die|be dead|not wake up|disappear)\b",
    r"\b(?:want|wish|wanted) to die\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\b(?:no|not any) (?:reason|point) (?:to|in) (?:live|living|go(?:ing)? on)\b",
    r"\bdon'?t want to (?:live|be alive|be here anymore|wake up|go on)\b",
    r"\b(?:take|taking|took|swallow(?:ed|ing)?) (?:all|a (?:bunch|handful) of) (?:my |the |of my )?(?:pills|tablets|meds|medications?)\b",
    r"\boverdos(?:e|ing) on purpose\b",
    r"\bcan'?t go on\b",
]

_COMPILED = {e: [(re.compile(p, re.IGNORECASE), w) for p, w in cues] for e, cues in _CUES.items()}
_CRISIS_RE = [re.compile(p, re.IGNORECASE) for p in _CRISIS]

# "not worried", "no longer scared": a negated cue counts for little.
_NEGATION = re.compile(r"\b(?:not|no longer|never|isn'?t|aren'?t|wasn'?t|don'?t|doesn'?t|without)\s+(?:\w+\s+)?$", re.IGNORECASE)


@dataclass
class EmotionResult:
    """The emotions found (strongest first, or ["none"]), their scores in [0, 1], crisis flag, cue spans."""

    emotions: list[str]
    scores: dict[str, float]
    crisis: bool = False
    crisis_guidance: str | None = None
    # Character spans of the cue words in the message, by emotion (and "crisis").
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return self.emotions[0]

    def to_dict(self) -> dict:
        return {
            "emotions": list(self.emotions),
            "scores": dict(self.scores),
            "crisis": self.crisis,
            "crisis_guidance": self.crisis_guidance,
            "spans": {k: [list(s) for s in v] for k, v in self.spans.items()},
        }


def _negated(message: str, start: int) -> bool:
    return bool(_NEGATION.search(message[max(0, start - 25):start]))


def detect_emotions(message: str) -> EmotionResult:
    """Negative emotions in a patient's message, with the words that show them. Pure and fast (regex only)."""
    message = message or ""
    evidence: dict[str, float] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for emotion, cues in _COMPILED.items():
        total = 0.0
        for pattern, weight in cues:
            for m in pattern.finditer(message):
                w = weight * (0.2 if _negated(message, m.start()) else 1.0)
                total += w
                if w >= 0.3:
                    spans.setdefault(emotion, []).append((m.start(), m.end()))
        evidence[emotion] = total
    scores = {e: round(1.0 - math.exp(-1.25 * evidence[e]), 3) for e in EMOTIONS}
    cut = 1.0 - math.exp(-1.25 * THRESHOLD)
    found = sorted((e for e in EMOTIONS if scores[e] >= cut), key=lambda e: -scores[e])

    crisis_spans = [(m.start(), m.end()) for r in _CRISIS_RE for m in r.finditer(message)]
    crisis = bool(crisis_spans)
    if crisis:
        spans["crisis"] = sorted(crisis_spans)
        if "sadness" not in found:
            found.append("sadness")
            scores["sadness"] = max(scores["sadness"], round(cut, 3))
    for k in spans:
        spans[k] = sorted(set(spans[k]))
    return EmotionResult(
        emotions=found or ["none"],
        scores=scores,
        crisis=crisis,
        crisis_guidance=CRISIS_GUIDANCE if crisis else None,
        spans=spans,
    )
