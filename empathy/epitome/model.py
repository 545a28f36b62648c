"""The EPITOME mechanism model at run time: weights, features and prediction (numpy only, no fitting)."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np

from ..embeddings import embed
from ..text import split_sentences

MECHANISMS = ("emotional_reactions", "interpretations", "explorations")
WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "data" / "epitome_weights.npz"
FORMAT_VERSION = 1
EMBED_DIM = 384
# The components a reply's stacked logit is made of, in the order of the stacker's coefficients.
COMPONENTS = ("reply_words", "reply_embedding", "best_sentence")
# A sentence is highlighted for a mechanism from this probability on.
SENTENCE_CARRIES = 0.5

_TOKEN = re.compile(r"\b\w+\b|[?!]")

def terms(text: str) -> list[str]:
    """Lower-cased words, "?" and "!", and their bigrams: the TF-IDF vocabulary's units (fit and run time)."""
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in pairwise(words)]


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class SentenceScore:
    """One sentence of the reply and the probability that it carries each mechanism."""

    span: tuple[int, int]  # character offsets in the reply
    probabilities: dict[str, float]

    def carries(self, mechanism: str) -> bool:
        return self.probabilities[mechanism] >= SENTENCE_CARRIES


@dataclass
class MechanismScore:
    probability: float  # P(an annotator marks the mechanism present, level >= 1)
    spans: list[tuple[int, int]] = field(default_factory=list)  # sentences that carry it


@dataclass
class EpitomeScores:
    mechanisms: dict[str, MechanismScore]
    sentences: list[SentenceScore]

    def probability(self, mechanism: str) -> float:
        return self.mechanisms[mechanism].probability

    def to_dict(self) -> dict:
        return {
            "mechanisms": {m: {"probability": s.probability, "spans": [list(x) for x in s.spans]}
                           for m, s in self.mechanisms.items()},
            "sentences": [{"span": list(s.span), "probabilities": dict(s.probabilities)} for s in self.sentences],
        }


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


# ---------------------------------------------------------------- the run-time model


@dataclass
class EpitomeModel:
    """Weights of the three components and the stacker, one row per mechanism (order of ``MECHANISMS``)."""

    vocabulary: list[str]
    idf_reply: np.ndarray  # (V,) inverse document frequency over replies
    idf_sentence: np.ndarray  # (V,) over sentences
    words_coef: np.ndarray  # (3, V)
    words_bias: np.ndarray  # (3,)
    embedding_coef: np.ndarray  # (3, 2 * EMBED_DIM): mean then max of the sentence embeddings
    embedding_bias: np.ndarray
    sentence_embedding_coef: np.ndarray  # (3, EMBED_DIM)
    sentence_words_coef: np.ndarray  # (3, V)
    sentence_bias: np.ndarray
    stack_coef: np.ndarray  # (3, len(COMPONENTS))
    stack_bias: np.ndarray
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index = {t: i for i, t in enumerate(self.vocabulary)}

    def check_shapes(self) -> None:
        v, m = len(self.vocabulary), len(MECHANISMS)
        expected = {
            "idf_reply": (v,), "idf_sentence": (v,), "words_coef": (m, v), "words_bias": (m,),
            "embedding_coef": (m, 2 * EMBED_DIM), "embedding_bias": (m,),
            "sentence_embedding_coef": (m, EMBED_DIM), "sentence_words_coef": (m, v), "sentence_bias": (m,),
            "stack_coef": (m, len(COMPONENTS)), "stack_bias": (m,),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"epitome weights: {name} has shape {getattr(self, name).shape}, expected {shape}")

    # -- features

    def _tfidf(self, text: str, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sparse l2-normalised sublinear TF-IDF (the same as scikit-learn's TfidfVectorizer): indices, values."""
        counts = Counter(i for i in map(self._index.get, terms(text)) if i is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * idf[idx]
        return idx, values / np.linalg.norm(values)

    def sentence_logits(self, sentences: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        """(n_sentences, 3) logits of the rationale-trained sentence classifier."""
        z = embeddings @ self.sentence_embedding_coef.T + self.sentence_bias
        for row, text in enumerate(sentences):
            idx, values = self._tfidf(text, self.idf_sentence)
            z[row] += self.sentence_words_coef[:, idx] @ values
        return z

    def component_logits(self, reply: str, embeddings: np.ndarray, sentence_logits: np.ndarray) -> np.ndarray:
        """(3, len(COMPONENTS)) logits of each component for each mechanism."""
        idx, values = self._tfidf(reply, self.idf_reply)
        words = self.words_coef[:, idx] @ values + self.words_bias
        pooled = np.concatenate([embeddings.mean(axis=0), embeddings.max(axis=0)])
        embedding = self.embedding_coef @ pooled + self.embedding_bias
        return np.stack([words, embedding, sentence_logits.max(axis=0)], axis=1)

    # -- prediction

    def predict_embedded(self, reply: str, spans: Sequence[tuple[int, int]], embeddings: np.ndarray,
                         keep: Sequence[bool] | None = None) -> EpitomeScores:
        """Scores from the reply's sentence spans and their unit-normalised MiniLM embeddings (one row each).

        ``keep`` masks sentences out of the reply-level prediction (the empathy scorer drops stock phrases and
        repeats, so that "Thank you for your message." cannot buy an emotional reaction): the reply is read as
        its kept sentences alone, and a masked sentence carries no span. Every sentence keeps its probabilities.
        """
        embeddings = np.asarray(embeddings, dtype=np.float64).reshape(len(spans), EMBED_DIM)
        if not len(spans):
            return EpitomeScores({m: MechanismScore(0.0) for m in MECHANISMS}, [])
        keep = np.ones(len(spans), dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
        texts = [reply[s:e] for s, e in spans]
        sentence_z = self.sentence_logits(texts, embeddings)
        sentence_p = _sigmoid(sentence_z)
        sentences = [SentenceScore(tuple(span), {m: round(float(sentence_p[i, j]), 4) for j, m in enumerate(MECHANISMS)})
                     for i, span in enumerate(spans)]
        if not keep.any():
            return EpitomeScores({m: MechanismScore(0.0) for m in MECHANISMS}, sentences)
        kept_text = reply if keep.all() else " ".join(t for t, k in zip(texts, keep) if k)
        stacked = (self.component_logits(kept_text, embeddings[keep], sentence_z[keep]) * self.stack_coef).sum(axis=1) \
            + self.stack_bias
        reply_p = _sigmoid(stacked)
        mechanisms = {m: MechanismScore(round(float(reply_p[j]), 4),
                                        [s.span for s, k in zip(sentences, keep) if k and s.carries(m)])
                      for j, m in enumerate(MECHANISMS)}
        return EpitomeScores(mechanisms, sentences)

    # -- storage: one compressed .npz of plain arrays (loaded with allow_pickle=False)

    _ARRAYS = ("idf_reply", "idf_sentence", "words_coef", "words_bias", "embedding_coef", "embedding_bias",
               "sentence_embedding_coef", "sentence_words_coef", "sentence_bias", "stack_coef", "stack_bias")

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        def text(s: str) -> np.ndarray:
            return np.frombuffer(s.encode("utf-8"), dtype=np.uint8)

        arrays = {name: getattr(self, name).astype(np.float32) for name in self._ARRAYS}
        meta = dict(self.meta, format_version=FORMAT_VERSION, mechanisms=list(MECHANISMS), components=list(COMPONENTS))
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:  # a file object, so numpy does not append ".npz" to the name
            np.savez_compressed(f, vocabulary=text("\n".join(self.vocabulary)), meta=text(json.dumps(meta, sort_keys=True)),
                                **arrays)

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> EpitomeModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            if meta.get("format_version") != FORMAT_VERSION or meta.get("mechanisms") != list(MECHANISMS) \
                    or meta.get("components") != list(COMPONENTS):
                raise ValueError(f"{path}: epitome weights of another format ({meta.get('format_version')}); "
                                 "refit with python -m empathy.epitome fit")
            vocabulary = data["vocabulary"].tobytes().decode("utf-8").split("\n")
            model = cls(vocabulary, **{name: data[name].astype(np.float64) for name in cls._ARRAYS}, meta=meta)
        model.check_shapes()
        return model


_lock = threading.Lock()
_model: EpitomeModel | None = None


def get_model() -> EpitomeModel:
    """The shipped model, loaded once per process (a few milliseconds)."""
    global _model
    with _lock:
        if _model is None:
            _model = EpitomeModel.load(WEIGHTS_FILE)
        return _model


def predict_embedded(reply: str, spans: Sequence[tuple[int, int]], sentence_embeddings: np.ndarray) -> EpitomeScores:
    """For callers that already split and embedded the reply (``empathy.scoring.analyze_reply`` does both)."""
    return get_model().predict_embedded(reply, spans, sentence_embeddings)


def predict(seeker: str, reply: str) -> EpitomeScores:
    """Scores for one reply. ``seeker`` (the patient's message) is accepted for symmetry with ``score_empathy``;
    the current weights do not use it: seeker-reply features (product, cosine) gained 0.000-0.003 AUC in
    development cross-validation, not worth a second input."""
    return predict_batch([(seeker, reply)])[0]


def predict_batch(pairs: Sequence[tuple[str, str]]) -> list[EpitomeScores]:
    """Scores for many (seeker, reply) pairs, embedding all their sentences in one batch."""
    replies = [reply or "" for _, reply in pairs]
    spans = [split_sentences(r) for r in replies]
    embeddings = _embed([r[s:e] for r, sp in zip(replies, spans) for s, e in sp])
    out, start = [], 0
    for reply, sp in zip(replies, spans):
        out.append(get_model().predict_embedded(reply, sp, embeddings[start:start + len(sp)]))
        start += len(sp)
    return out


def _embed(texts: list[str]) -> np.ndarray:
    """Unit-normalised MiniLM embeddings (the shared cache of :mod:`empathy.embeddings`)."""
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    return embed(texts)


def reset_model() -> None:
    """Forget the loaded weights, so the next ``get_model`` reads the file again (after a refit)."""
    global _model
    with _lock:
        _model = None
