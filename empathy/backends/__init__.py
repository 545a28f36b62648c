"""Model backends behind one interface, each loaded once per process and reused."""

from __future__ import annotations

import threading

from ..config import Settings
from ..models import task_adapters
from .base import Backend, Completion, GenerationOptions, ScriptedBackend
from .hf import TransformersBackend
from .llamacpp import LlamaCppBackend
from .openai import OpenAIBackend

__all__ = ["Backend", "Completion", "GenerationOptions", "ScriptedBackend", "get_backend", "clear_backends"]

_cache: dict[tuple, Backend] = {}
_cache_lock = threading.Lock()


def _key(s: Settings) -> tuple:
    return (s.backend, s.model, s.adapter, s.threads, s.n_ctx, s.base_url, s.seed, s.task_adapters)


def get_backend(settings: Settings | None = None) -> Backend:
    """The backend these settings describe, loading its model on first use only."""
    settings = settings or Settings.from_env()
    key = _key(settings)
    with _cache_lock:
        backend = _cache.get(key)
        if backend is None:
            backend = _load(settings)
            _cache[key] = backend
        return backend


def _load(s: Settings) -> Backend:
    if s.backend == "llama-cpp":
        return LlamaCppBackend(s.model, adapter=s.adapter, threads=s.threads, n_ctx=s.n_ctx, seed=s.seed,
                               task_adapters=task_adapters(s.task_adapters, s.model))
    if s.backend == "transformers":
        return TransformersBackend(s.model, threads=s.threads)

    return OpenAIBackend(s.base_url, model=s.model, api_key=s.api_key)


def clear_backends() -> None:
    with _cache_lock:
        _cache.clear()
