"""One call from data to a served adapter: what ``empathy train`` and the Retrain tab run.

Data is validated and split *before* anything is written, so bad data changes nothing (no run row, no files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from empathy.config import Settings
from empathy.errors import InputError
from empathy.store import Store

from .datasets import dpo_to_kto, dpo_to_sft, read_jsonl_records, records_from_store, split_by_case
from .evaluate import evaluate_model
from .trainers import CONFIGS, TrainConfig, train


def load_records(method: str, *, data: str | None = None, store=None, dimension: str = "overall") -> list[dict]:
    """Records for ``method`` from a JSONL file (DPO pairs are converted for KTO/SFT) or from the store."""
    if data:
        records = read_jsonl_records(data)
        if method != "dpo" and all("chosen" in r and "rejected" in r for r in records):
            records = dpo_to_kto(records) if method == "kto" else dpo_to_sft(records)
        return records
    if store is None:
        raise InputError("give a data file (--data) or a store (--db)")
    return records_from_store(store, method, dimension)


def run_training(method: str, config: TrainConfig | None = None, *, settings=None, data: str | None = None,
                 dimension: str = "overall", evaluate: bool = True, max_generate: int = 20,
                 progress: Callable[[float, str], None] | None = None, store=None):
    """Train, export, evaluate and register a run; returns the ``RunResult`` (with ``.evaluation``)."""
    if method not in CONFIGS:
        raise InputError(f"unknown training method {method!r}; use sft, dpo or kto")
    settings = settings or Settings.from_env()
    config = config or CONFIGS[method]()
    if config.method != method:
        raise InputError(f"a {config.method} config cannot run {method}")
    own_store = False
    if store is None and settings.db and (Path(settings.db).exists() or not data):
        if not data and not Path(settings.db).exists():
            raise InputError(f"no database at {settings.db}: collect judgments in the app first, or give --data FILE")
        store = Store(settings.db)
        own_store = True
    try:
        records = load_records(method, data=data, store=store, dimension=dimension)
        split = split_by_case(records, method, validation_fraction=config.validation_fraction, seed=config.seed)

        def evaluate_fn(result):
            if not evaluate:
                return

            trainer = result._trainer
            result.evaluation = (evaluate_model(
                trainer.model, trainer.processing_class, split.validation, method, base_gguf=result.base_gguf,
                adapter_gguf=result.gguf_adapter, max_generate=max_generate, log_history=result.log_history,
                out_dir=result.output_dir, threads=config.threads or 2,
                progress=(lambda f, m: progress(0.95 + 0.04 * f, m)) if progress else None))
            (Path(result.output_dir) / "run.json").write_text(__import__("json").dumps(result.to_dict(), indent=2, default=str))

        result = train(split, config, models_dir=settings.models_dir, store=store, progress=progress,
                       evaluate_fn=evaluate_fn)
        return result
    finally:
        if own_store:
            store.close()
