"""The empathy score of a reply: six dimensions with the sentences that carry them, an overall, and warnings.

Emotional reactions, interpretations and explorations are the reply-level probabilities of the EPITOME model
(``empathy.epitome``: learned from the human labels of EPITOME and from the project's medical sentences), read on
the reply without its stock phrases and repeats; validation, comforting and reassuring come from the sentence
classifier (``classifier.py``) blended with lexical cues (``cues.py``), with credit rules: a stock line earns
little once and nothing after, near-duplicates count once, false reassurance earns no reassurance and lowers the
overall, and sympathy counts fully only when it is about this patient's message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import epitome
from ..emotion import detect_emotions
from ..text import HEDGE, split_sentences
from .classifier import SentenceClassifier, embed_sentences
from .cues import EMPATHY_DIMENSIONS, LABELS, MECHANISMS, lexical

# Weight of each dimension in the overall score (sums to 1).
WEIGHTS = {
    "emotional_reactions": 0.20,
    "interpretations": 0.18,
    "explorations": 0.12,
    "validation": 0.20,
    "comforting": 0.15,
    "reassuring": 0.15,
}
# A sentence carries a dimension when its probability reaches this.
CARRY = 0.5
# What a stock phrase earns the first time (then nothing), and the overall factor per false reassurance.
EMPTY_CREDIT = 0.3
FALSE_REASSURANCE_FACTOR = 0.65
DUPLICATE_SIMILARITY = 0.9
# The mechanisms' lexical cues ("it sounds like", "I'm so sorry", an open question) raise the learned probability
# this much (noisy-OR with the kept sentences' strongest cue): clinical phrasings EPITOME's Reddit replies lack.
# Grouped CV on EPITOME: unchanged AUC; validation set: higher (benchmarks/epitome_scoring.py).
MECHANISM_CUE = 0.5
# EPITOME counts warmth ("You are not alone in this.") as an emotional reaction and "it's normal to feel this way"
# as an interpretation; the scores keep that reading, but a sentence the product's own dimension claims more
# strongly is highlighted there alone.
SIBLING = {"emotional_reactions": "comforting", "interpretations": "validation"}
SPECIFIC = ("validation",)  # sympathy about *this* patient's situation counts more than a stock line
SPECIFIC_FROM, SPECIFIC_FLOOR = 0.1, 0.5


@dataclass
class DimensionScore:
    score: float
    spans: list[tuple[int, int]] = field(default_factory=list)  # character spans in the reply

    def to_dict(self) -> dict:
        return {"score": self.score, "spans": [list(s) for s in self.spans]}


@dataclass
class EmpathyScore:
    """The overall empathy in [0, 1], six dimensions with the sentences that carry them, and warnings."""

    overall: float
    dimensions: dict[str, DimensionScore]
    flags: list[str] = field(default_factory=list)  # "empty_phrases", "false_reassurance", "repetition"
    flag_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    patient_emotions: list[str] = field(default_factory=list)

    @property
    def band(self) -> str:
        """A word for the overall score (low, medium, high): what the app shows beside the number."""
        return "low" if self.overall < 0.25 else "medium" if self.overall < 0.5 else "high"

    def to_dict(self) -> dict:
        return {
            "overall": self.overall,
            "band": self.band,
            "dimensions": {k: v.to_dict() for k, v in self.dimensions.items()},
            "flags": list(self.flags),
            "flag_spans": {k: [list(s) for s in v] for k, v in self.flag_spans.items()},
            "patient_emotions": list(self.patient_emotions),
        }


@dataclass
class SentenceAnalysis:
    """One sentence of a reply: where it is, what it carries, and how much it is about the patient."""

    span: tuple[int, int]
    text: str
    probs: dict[str, float]  # per label in ``LABELS``: classifier (EPITOME sentence model for the mechanisms) + cues
    relevance: float  # cosine similarity to the patient's message
    duplicate: bool = False  # a near-repeat of an earlier sentence
    empty: bool = False  # a stock phrase
    false_reassurance: bool = False
    embedding: np.ndarray | None = field(default=None, repr=False, compare=False)  # MiniLM, unit length

    def carries(self, label: str) -> bool:
        return self.probs[label] >= CARRY

    @property
    def stock(self) -> bool:
        """Left out of the mechanisms' reply-level reading: a stock phrase or a repeat."""
        return self.empty or self.duplicate


def _embed(texts: list[str]) -> np.ndarray:
    return embed_sentences(texts)


def preload(pairs: list[tuple[str, str]]) -> None:
    """Embed the sentences of many (patient, reply) pairs in one batch (faster than one reply at a time)."""
    texts = []
    for patient, reply in pairs:
        texts.append((patient or "").strip() or ".")
        texts += [reply[s:e] for s, e in split_sentences(reply or "")]
    if texts:
        _embed(texts)


def warm_up() -> None:
    """Load the embedding model and both classifiers now rather than on the first score."""
    SentenceClassifier.get()
    epitome.get_model()
    _embed(["Warm-up sentence."])


def analyze_reply(patient: str, reply: str) -> list[SentenceAnalysis]:
    """Per-sentence labels for ``reply``; shared by the empathy score and the communication-quality report."""
    reply = reply or ""
    spans = split_sentences(reply)
    if not spans:
        return []
    sentences = [reply[s:e] for s, e in spans]
    X = _embed(sentences + [(patient or "").strip() or "."])
    return analyze_embedded(spans, sentences, X[:-1], X[-1])


def analyze_embedded(spans: list[tuple[int, int]], sentences: list[str], S: np.ndarray, patient_vector: np.ndarray,
                     model: epitome.EpitomeModel | None = None) -> list[SentenceAnalysis]:
    """``analyze_reply`` for sentences already embedded (``S``, one unit row each; the patient's message as
    ``patient_vector``); ``model`` replaces the shipped EPITOME weights (benchmarks fit their own)."""
    P = SentenceClassifier.get().predict(S)
    model = model or epitome.get_model()
    mechanism_p = 1.0 / (1.0 + np.exp(-np.clip(model.sentence_logits(sentences, np.asarray(S, dtype=np.float64)), -30, 30)))
    relevance = S @ patient_vector
    out = []
    for i, (span, sentence) in enumerate(zip(spans, sentences)):
        lex = lexical(sentence)
        probs = {label: float(1.0 - (1.0 - P[i, j]) * (1.0 - 0.75 * lex[label])) for j, label in enumerate(LABELS)}
        probs.update({m: float(1.0 - (1.0 - mechanism_p[i, j]) * (1.0 - MECHANISM_CUE * lex[m]))
                      for j, m in enumerate(MECHANISMS)})
        duplicate = bool(i and float(np.max(S[:i] @ S[i])) >= DUPLICATE_SIMILARITY)
        empty = bool(lex["empty"] or (P[i, LABELS.index("empty")] >= 0.7 and len(sentence.split()) <= 5
                                      and not any(lex[d] for d in EMPATHY_DIMENSIONS)))
        false = bool(lex["false_reassurance"]
                     or (P[i, LABELS.index("false_reassurance")] >= 0.8 and not HEDGE.search(sentence)))
        out.append(SentenceAnalysis(span, sentence, probs, float(relevance[i]), duplicate, empty, false, S[i]))
    return out


def mechanism_scores(sentences: list[SentenceAnalysis], model: epitome.EpitomeModel | None = None,
                     cue_weight: float = MECHANISM_CUE) -> dict[str, DimensionScore]:
    """The EPITOME model's reply-level probability of each mechanism, read without stock phrases and repeats, raised
    by the mechanism's lexical cues (``cue_weight``; benchmarks compare other weights and EPITOME ``model``s).

    Spans: the kept sentences whose own probability reaches ``CARRY`` and that no sibling dimension claims more
    strongly (``SIBLING``); the most likely one when the reply carries the mechanism but no sentence is left.
    """
    keep = [not a.stock for a in sentences]
    out = {m: DimensionScore(0.0, []) for m in MECHANISMS}
    if not any(keep):
        return out
    kept = [a for a in sentences if not a.stock]
    text = " ".join(a.text for a in kept)
    spans, offset = [], 0
    for a in kept:  # spans in ``text``: the model reads only the words, so the joined text reads as the reply
        spans.append((offset, offset + len(a.text)))
        offset += len(a.text) + 1
    if any(a.embedding is None for a in kept):
        embeddings = _embed([a.text for a in kept])
    else:
        embeddings = np.stack([a.embedding for a in kept])
    scores = (model or epitome.get_model()).predict_embedded(text, spans, embeddings)
    for m in MECHANISMS:
        cue = max(lexical(a.text)[m] for a in kept)
        p = 1.0 - (1.0 - scores.probability(m)) * (1.0 - cue_weight * cue)
        sibling = SIBLING.get(m)
        carried = [a.span for a in kept if a.probs[m] >= CARRY and not (sibling and a.probs[sibling] > a.probs[m])]
        if p >= CARRY and not carried:
            carried = [max(kept, key=lambda a: a.probs[m]).span]
        out[m] = DimensionScore(round(float(p), 3), carried)
    return out


def score_empathy(patient: str, reply: str, *, analysis: list[SentenceAnalysis] | None = None) -> EmpathyScore:
    """Score ``reply`` (to ``patient``'s message) for empathy; spans are character offsets in ``reply``."""
    patient = patient or ""
    dims = {d: DimensionScore(0.0, []) for d in EMPATHY_DIMENSIONS}
    emotions = [e for e in detect_emotions(patient).emotions if e != "none"]
    sentences = analysis if analysis is not None else analyze_reply(patient, reply)
    if not sentences:
        return EmpathyScore(0.0, dims, patient_emotions=emotions)

    misses = {d: 1.0 for d in EMPATHY_DIMENSIONS}
    flags: dict[str, list[tuple[int, int]]] = {}
    empties_seen = 0
    false_reassurances = 0
    for a in sentences:
        span = a.span
        credit = 1.0
        if a.duplicate:
            credit = 0.0
            flags.setdefault("repetition", []).append(span)
        if a.empty:
            credit *= EMPTY_CREDIT if empties_seen == 0 else 0.0
            empties_seen += 1
            flags.setdefault("empty_phrases", []).append(span)
        if a.false_reassurance:
            false_reassurances += 1
            flags.setdefault("false_reassurance", []).append(span)
        for d in EMPATHY_DIMENSIONS[3:]:  # the mechanisms are read on the whole reply below
            p = a.probs[d]
            if p < CARRY:
                continue
            c = credit
            if a.false_reassurance and d in ("reassuring", "comforting", "validation"):
                c = 0.0
            if d in SPECIFIC:
                c *= float(np.clip((a.relevance - SPECIFIC_FROM) / 0.3, SPECIFIC_FLOOR, 1.0))
            if c <= 0:
                continue
            misses[d] *= 1.0 - c * p
            dims[d].spans.append(span)

    for d in EMPATHY_DIMENSIONS[3:]:
        dims[d].score = round(float(1.0 - misses[d]), 3)
    dims.update(mechanism_scores(sentences))
    overall = sum(WEIGHTS[d] * dims[d].score for d in EMPATHY_DIMENSIONS)
    overall *= FALSE_REASSURANCE_FACTOR ** false_reassurances
    # Empathy with nothing else: a reply made only of stock phrases is not an answer.
    if empties_seen and empties_seen == len(sentences):
        overall = min(overall, 0.1)
    flag_names = [f for f in ("false_reassurance", "empty_phrases", "repetition") if f in flags]
    return EmpathyScore(
        overall=round(float(np.clip(overall, 0.0, 1.0)), 3),
        dimensions=dims,
        flags=flag_names,
        flag_spans=flags,
        patient_emotions=emotions,
    )
