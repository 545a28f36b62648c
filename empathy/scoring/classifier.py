"""The scorer's sentence classifier: one logistic regression per label on MiniLM sentence embeddings.

Fitted on the project's labelled medical sentences (``empathy.sentence_labels``). It decides validation,
comforting and reassuring (blended with the lexical cues), and finds stock phrases, false reassurance and plain
information; the three mechanisms come from the EPITOME model instead (``empathy.epitome``).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

from ..embeddings import embed
from ..sentence_labels import SENTENCES_FILE as DATA
from ..sentence_labels import load_training_sentences, training_sha256
from .cues import LABELS

WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "data" / "scoring_weights.json"

__all__ = ["DATA", "WEIGHTS_FILE", "SentenceClassifier", "embed_sentences", "load_training_sentences", "training_sha256"]


def embed_sentences(texts: list[str]) -> np.ndarray:
    return embed(texts, batch_size=32)


class SentenceClassifier:
    """One logistic regression per label in ``LABELS``.

    The fitted weights ship in ``data/scoring_weights.json`` (40 KB) with the SHA-256 of the training
    sentences; if the sentences change, the classifier is refitted at first use (a few seconds) instead.
    Regenerate the file with ``python -m empathy.scoring``.
    """

    _lock = threading.Lock()
    _instance: "SentenceClassifier | None" = None

    def __init__(self, W: np.ndarray, b: np.ndarray, fitted_now: bool = False):
        self.W, self.b, self.fitted_now = W, b, fitted_now

    @classmethod
    def fit(cls) -> "SentenceClassifier":
        from sklearn.linear_model import LogisticRegression

        texts, labels = load_training_sentences()
        X = embed_sentences(texts)
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
    def load(cls) -> "SentenceClassifier | None":
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
    def get(cls) -> "SentenceClassifier":
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls.load() or cls.fit()
            return cls._instance

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probabilities, one row per sentence, one column per label in ``LABELS``."""
        return 1.0 / (1.0 + np.exp(-(X @ self.W.T + self.b)))
