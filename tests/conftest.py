"""Shared fixtures: the real embedded model (loaded once), offline hubs, temporary databases."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def llama_backend():
    """The embedded SmolLM2 GGUF through llama-cpp, shared by every test that needs a real model."""
    from empathy.backends import get_backend
    from empathy.config import Settings

    return get_backend(Settings(backend="llama-cpp", threads=2))


@pytest.fixture
def isolated_env(tmp_path, monkeypatch):
    """No EMPATHY_* settings leak in from the developer's shell; the database lives in tmp_path."""
    for key in list(os.environ):
        if key.startswith("EMPATHY_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("EMPATHY_DB", str(tmp_path / "empathy.db"))
    return tmp_path
