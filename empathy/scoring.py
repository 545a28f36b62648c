"""How empathetic a reply to a patient is, and which sentences make it so.

Six dimensions: the three communication mechanisms of the standard text-empathy framework
(emotional reactions, interpretations, explorations), validation, and the comforting and reassuring
qualities the medical-dialogue papers measure. Each sentence of the reply is embedded with
all-MiniLM-L6-v2 and classified by small logistic regressions fitted at first use on the training
sentences in ``empathy/data/scoring_sentences.tsv``, blended with lexical cues. Runs on CPU, no LLM.

It refuses to reward empty phrases: a stock line ("I understand.") earns little once and nothing
when repeated, near-duplicate sentences count once, and false reassurance ("nothing to worry about")
earns no reassurance and lowers the overall score.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .embeddings import embed
from .emotion import detect_emotions
from .text import HEDGE, REASSURANCE, split_sentences

EMPATHY_DIMENSIONS = ("emotional_reactions", "interpretations", "explorations", "validation", "comforting", "reassuring")
# "info": information, instructions, plans (training sentences labelled none or reassuring).
LABELS = EMPATHY_DIMENSIONS + ("empty", "false_reassurance", "info")

# Weight of each dimension in the overall score (sums to 1).
WEIGHTS = {
    "emotional_reactions": 0.20,
    "interpretations": 0.18,
    "explorations": 0.12,
    "validation": 0.20,
    "comforting": 0.15,
    "reassuring": 0.15,
}
# A sentence carries a dimension when its blended probability reaches this.
CARRY = 0.5
# What a stock phrase earns the first time (then nothing), and the overall factor per false reassurance.
EMPTY_CREDIT = 0.3
FALSE_REASSURANCE_FACTOR = 0.65
DUPLICATE_SIMILARITY = 0.9
SPECIFIC = ("emotional_reactions", "validation")
SPECIFIC_FROM, SPECIFIC_FLOOR = 0.1, 0.5

DATA = Path(__file__).parent / "data" / "scoring_sentences.tsv"
WEIGHTS_FILE = Path(__file__).parent / "data" / "scoring_weights.json"

_I = r"(?:i'?m|i am|we'?re|we are)"
_CUES: dict[str, list[str]] = {
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
    "empty": [
        r"^\s*(?:ok(?:ay)?|noted|understood|i see|sorry|thanks?(?: you)?|got it(?:,? thanks?)?|"
        r"i (?:understand|hear you|acknowledge)(?: your (?:concern|message|frustration|feelings?|worry))?(?:,? i understand)*|"
        r"i understand how you feel|thank you for (?:your|the) (?:message|note|question)|thanks for (?:reaching out|writing|your message)|"
        r"we (?:appreciate|value) your (?:patience|feedback|message))\s*[.!]*\s*$",
    ],
}
_CUE_RE = {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in _CUES.items()}
_CUE_RE["false_reassurance"] = [REASSURANCE]  # one lexicon of false reassurance, shared with the fact checker


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


def _lexical(sentence: str) -> dict[str, float]:
    out = {}
    for label in LABELS:
        out[label] = 1.0 if any(p.search(sentence) for p in _CUE_RE.get(label, ())) else 0.0
    if out["false_reassurance"] and HEDGE.search(sentence):
        out["false_reassurance"] = 0.0
    return out


class _Classifier:
    """One logistic regression per label on sentence embeddings.

    The fitted weights ship in ``data/scoring_weights.json`` (40 KB) with the SHA-256 of the training
    sentences; if the sentences change, the classifier is refitted at first use (a few seconds) instead.
    Regenerate the file with ``python -m empathy.scoring``.
    """

    _lock = threading.Lock()
    _instance: "_Classifier | None" = None

    def __init__(self, W: np.ndarray, b: np.ndarray, fitted_now: bool = False):
        self.W, self.b, self.fitted_now = W, b, fitted_now

    @classmethod
    def fit(cls) -> "_Classifier":
        from sklearn.linear_model import LogisticRegression

        texts, labels = load_training_sentences()
        X = _embed(texts)
        W, b = [], []
        for label in LABELS:
            if label == "info":
                y = np.array([not ls or ls == {"reassuring"} for ls in labels], dtype=int)
            else:
                y = np.array([label in ls for ls in labels], dtype=int)
            model = LogisticRegression(C=2.0, class_weight="balanced", max_iter=500)
            model.fit(X, y)
            W.append(model.coef_[0])
            b.append(model.intercept_[0])
        return cls(np.stack(W), np.array(b), fitted_now=True)

    @classmethod
    def load(cls) -> "_Classifier | None":
        """The shipped weights, if they were fitted on the current training sentences and labels."""
        try:
            saved = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if saved.get("data_sha256") != training_sha256() or saved.get("labels") != list(LABELS):
            return None
        return cls(np.array(saved["coef"], dtype=np.float32), np.array(saved["intercept"], dtype=np.float32))

    def save(self) -> None:
        WEIGHTS_FILE.write_text(json.dumps({
            "data_sha256": training_sha256(),
            "embedding_model": "all-MiniLM-L6-v2",
            "labels": list(LABELS),
            "coef": [[round(float(x), 6) for x in row] for row in self.W],
            "intercept": [round(float(x), 6) for x in self.b],
        }) + "\n", encoding="utf-8")

    @classmethod
    def get(cls) -> "_Classifier":
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls.load() or cls.fit()
            return cls._instance

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probabilities, one row per sentence, one column per label in ``LABELS``."""
        return 1.0 / (1.0 + np.exp(-(X @ self.W.T + self.b)))


def training_sha256(path: Path = DATA) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_training_sentences(path: Path = DATA) -> tuple[list[str], list[set[str]]]:
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        tags, text = line.split("\t", 1)
        texts.append(text.strip())
        labels.append({t.strip() for t in tags.split(",")} - {"none"})
    return texts, labels


def _embed(texts: list[str]) -> np.ndarray:
    return embed(texts, batch_size=32)


def preload(pairs: list[tuple[str, str]]) -> None:
    """Embed the sentences of many (patient, reply) pairs in one batch (faster than one reply at a time)."""
    texts = []
    for patient, reply in pairs:
        texts.append((patient or "").strip() or ".")
        texts += [reply[s:e] for s, e in split_sentences(reply or "")]
    if texts:
        _embed(texts)


def warm_up() -> None:
    """Load the embedding model and the classifier now rather than on the first score."""
    _Classifier.get()
    _embed(["Warm-up sentence."])


@dataclass
class SentenceAnalysis:
    """One sentence of a reply: where it is, what it carries, and how much it is about the patient."""

    span: tuple[int, int]
    text: str
    probs: dict[str, float]  # blended classifier + lexical probability per label in ``LABELS``
    relevance: float  # cosine similarity to the patient's message
    duplicate: bool = False  # a near-repeat of an earlier sentence
    empty: bool = False  # a stock phrase
    false_reassurance: bool = False

    def carries(self, label: str) -> bool:
        return self.probs[label] >= CARRY


def analyze_reply(patient: str, reply: str) -> list[SentenceAnalysis]:
    """Per-sentence labels for ``reply``; shared by the empathy score and the communication-quality report."""
    reply = reply or ""
    spans = split_sentences(reply)
    if not spans:
        return []
    sentences = [reply[s:e] for s, e in spans]
    X = _embed(sentences + [(patient or "").strip() or "."])
    S, p_vec = X[:-1], X[-1]
    P = _Classifier.get().predict(S)
    relevance = S @ p_vec
    out = []
    for i, (span, sentence) in enumerate(zip(spans, sentences)):
        lex = _lexical(sentence)
        probs = {label: float(1.0 - (1.0 - P[i, j]) * (1.0 - 0.75 * lex[label])) for j, label in enumerate(LABELS)}
        duplicate = bool(i and float(np.max(S[:i] @ S[i])) >= DUPLICATE_SIMILARITY)
        empty = bool(lex["empty"] or (P[i, LABELS.index("empty")] >= 0.7 and len(sentence.split()) <= 5
                                      and not any(lex[d] for d in EMPATHY_DIMENSIONS)))
        false = bool(lex["false_reassurance"]
                     or (P[i, LABELS.index("false_reassurance")] >= 0.8 and not HEDGE.search(sentence)))
        out.append(SentenceAnalysis(span, sentence, probs, float(relevance[i]), duplicate, empty, false))
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
        for d in EMPATHY_DIMENSIONS:
            p = a.probs[d]
            if p < CARRY:
                continue
            c = credit
            if a.false_reassurance and d in ("reassuring", "comforting", "validation"):
                c = 0.0
            if d == "interpretations":  # reflecting the patient's words, not a generic line
                c *= float(np.clip((a.relevance - 0.05) / 0.3, 0.3, 1.0))
            elif d in SPECIFIC:  # sympathy about *this* patient's situation counts more than a stock line
                c *= float(np.clip((a.relevance - SPECIFIC_FROM) / 0.3, SPECIFIC_FLOOR, 1.0))
            if c <= 0:
                continue
            misses[d] *= 1.0 - c * p
            dims[d].spans.append(span)

    for d in EMPATHY_DIMENSIONS:
        dims[d].score = round(float(1.0 - misses[d]), 3)
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


if __name__ == "__main__":  # python -m empathy.scoring: refit on the training sentences and ship the weights
    fitted = _Classifier.fit()
    fitted.save()
    print(f"wrote {WEIGHTS_FILE} ({len(LABELS)} labels, {len(load_training_sentences()[0])} sentences)")
