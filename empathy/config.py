"""Settings from CLI flags and ``EMPATHY_*`` environment variables (flags win)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import EmpathyError

BACKENDS = ("llama-cpp", "transformers", "openai")


def default_db_path() -> str:
    return str(Path.home() / ".empathy-editor" / "empathy.db")


@dataclass(frozen=True)
class Settings:
    backend: str = "llama-cpp"
    model: str | None = None  # GGUF path, HF folder, or server model name; None: embedded SmolLM2
    adapter: str | None = None  # LoRA adapter GGUF (llama-cpp backend)
    threads: int | None = None
    n_ctx: int = 2048
    db: str = ""
    base_url: str = "http://127.0.0.1:8080/v1"  # openai backend
    api_key: str | None = None
    models_dir: str = ""  # extra GGUF files and trained adapters for the app's model picker
    seed: int = 0
    # LoRA adapters that serve one task only (e.g. writing framing sentences), enabled for that task's calls:
    # "" = the adapters shipped for the embedded model (empathy/data/adapters), "none" = none.
    task_adapters: str = ""

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise EmpathyError(f"unknown backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "Settings":
        """Read ``EMPATHY_BACKEND``, ``EMPATHY_MODEL``, ... then apply non-None overrides."""
        env = os.environ if env is None else env
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f"EMPATHY_{f.name.upper()}")
            if raw in (None, ""):
                continue
            if f.name in ("threads", "n_ctx", "seed"):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise EmpathyError(f"EMPATHY_{f.name.upper()} must be an integer, got {raw!r}") from None
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        if not settings.db:
            settings = replace(settings, db=default_db_path())
        if not settings.models_dir:
            settings = replace(settings, models_dir=str(Path(settings.db).parent / "models"))
        return settings
