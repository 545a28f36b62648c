"""SFT, DPO and KTO with TRL and LoRA (PEFT), on the embedded GGUF rebuilt as a plain model or any local HF model.

One config dataclass per method, in the style of TRL. Defaults are chosen for a laptop CPU (LoRA on the last
layers only, frozen-prefix caching, reference log-probs computed once, short sequences, 2 threads) and switch to
GPU-friendly values when CUDA is present. Every run writes checkpoints (resumable), a PEFT adapter, a GGUF
adapter for llama-cpp in the models folder, and a row in the store's ``training_runs``.

Several GPUs: ``accelerate launch -m empathy train dpo ...`` (TRL trainers run on accelerate).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from empathy.errors import EmpathyError, InputError

from .datasets import Split, to_hf_dataset
from .export_gguf import export_lora_gguf
from .model_loading import load_model, resolve_base
from .prefix_cache import FrozenPrefixCache

ProgressFn = Callable[[float, str], None]


def option(default, help: str, *, flag: str | None = None, ui: bool = False):
    """A config field that says how it appears on the command line (``empathy train``) and in the Retrain tab."""
    return field(default=default, metadata={"help": help, "flag": flag, "ui": ui})


@dataclass
class TrainConfig:
    """Options shared by every method. ``None`` means: pick a default for this machine (CPU or GPU)."""

    base_model: str | None = option(None, "GGUF file or HF folder to train (default: the embedded SmolLM2 GGUF).")
    output_dir: str | None = option(None, "Checkpoints and adapter (default MODELS_DIR/runs/RUN_NAME).")
    run_name: str | None = option(None, "Name of the run (default: method and time).")
    epochs: float = option(1.0, "Passes over the training data.", ui=True)
    max_steps: int = option(-1, "Stop after this many steps (> 0 overrides --epochs).", flag="--steps", ui=True)
    batch_size: int = option(4, "Examples per step.", ui=True)
    grad_accum: int = option(1, "Steps to accumulate before an update.")
    learning_rate: float = option(1e-3, "Learning rate.", flag="--lr", ui=True)
    warmup_ratio: float = option(0.05, "Fraction of steps with a rising learning rate.")
    lora_r: int = option(8, "LoRA rank.")
    lora_alpha: int = option(16, "LoRA alpha.")
    lora_dropout: float = option(0.0, "LoRA dropout.")
    target_modules: tuple[str, ...] = option(("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
                                             "Comma-separated LoRA target modules.", flag="--targets")
    lora_layers: int | None = option(None, "LoRA on the last N layers (default 8 on CPU, all on GPU; 0 = all).", ui=True)
    prefix_cache: bool | None = option(None, "Cache the frozen lower layers' output (default: on when LoRA skips layers).")
    max_length: int = option(512, "Longest prompt + reply in tokens.")
    threads: int | None = option(2, "CPU threads (the command line takes --threads from the model settings).")
    seed: int = option(0, "Random seed.")
    logging_steps: int = option(5, "Log every N steps.")
    save_steps: int = option(50, "Checkpoint every N steps.")
    save_total_limit: int = option(2, "Checkpoints kept.")
    resume: bool | str = option(False, "Resume from the latest checkpoint in --output-dir.")
    validation_fraction: float = option(0.1, "Fraction of cases held out.", flag="--validation")
    export_gguf: bool = option(True, "Export the GGUF adapter for llama-cpp.", flag="--export")
    bf16: bool | None = option(None, "bf16 autocast (default: where the hardware has bf16).")

    method = "base"

    def resolved(self) -> "TrainConfig":
        """A copy with machine-dependent defaults filled in."""
        import torch

        c = copy.copy(self)
        cuda = torch.cuda.is_available()
        if c.lora_layers is None:
            c.lora_layers = 0 if cuda else 8
        if c.bf16 is None:
            c.bf16 = bool(torch.cuda.is_bf16_supported()) if cuda else cpu_has_bf16()
        if c.prefix_cache is None:
            c.prefix_cache = c.lora_layers > 0
        return c

    def to_dict(self) -> dict:
        d = asdict(self)
        d["method"] = self.method
        d["target_modules"] = list(self.target_modules)
        return d

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        names = {f.name for f in fields(cls)}
        unknown = set(values) - names - {"method"}
        if unknown:
            raise InputError(f"unknown {cls.method} option(s): {', '.join(sorted(unknown))}")
        values = {k: v for k, v in values.items() if k in names}
        if "target_modules" in values and isinstance(values["target_modules"], str):
            values["target_modules"] = tuple(m.strip() for m in values["target_modules"].split(",") if m.strip())
        return cls(**values)


@dataclass
class DPOTrainConfig(TrainConfig):
    beta: float = option(0.1, "How far the model may move from the reference (DPO beta).")
    loss_type: str = option("sigmoid", "TRL's DPO loss type.")
    sft_weight: float = option(0.0, "Weight of an added NLL term on the chosen reply (keeps the model fluent).")
    precompute_ref_log_probs: bool = option(True, "Compute the reference log-probs once, before training.")
    method = "dpo"


@dataclass
class KTOTrainConfig(TrainConfig):
    beta: float = option(0.1, "How far the model may move from the reference (KTO beta).")
    desirable_weight: float = option(1.0, "Weight of thumbs-up examples.")
    undesirable_weight: float = option(1.0, "Weight of thumbs-down examples.")
    precompute_ref_log_probs: bool = option(True, "Compute the reference log-probs once, before training.")
    method = "kto"


@dataclass
class SFTTrainConfig(TrainConfig):
    learning_rate: float = option(5e-4, "Learning rate.", flag="--lr", ui=True)
    method = "sft"


CONFIGS = {"sft": SFTTrainConfig, "dpo": DPOTrainConfig, "kto": KTOTrainConfig}


@dataclass
class RunResult:
    method: str
    run_name: str
    output_dir: str
    adapter_dir: str
    gguf_adapter: str | None
    base_model: str
    base_gguf: str | None
    steps: int
    seconds: float
    steps_per_second: float
    train_loss: float | None
    data: dict
    config: dict
    run_id: int | None = None
    log_history: list = field(default_factory=list)
    prefix_cache: dict | None = None
    evaluation: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _progress_callback(progress: ProgressFn | None):
    from transformers import TrainerCallback

    class Progress(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if progress and state.max_steps:
                progress(state.global_step / state.max_steps, f"step {state.global_step}/{state.max_steps}")

    return Progress()


def _trl_args(config: TrainConfig, output_dir: Path, n_train: int):
    """The TRL config object for ``config.method``."""
    common = dict(
        output_dir=str(output_dir),
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        learning_rate=config.learning_rate,
        lr_scheduler_type="linear",
        warmup_steps=max(0, int(config.warmup_ratio * _planned_steps(config, n_train))),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        logging_steps=config.logging_steps,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        report_to="none",
        seed=config.seed,
        bf16=config.bf16,
        fp16=False,
        gradient_checkpointing=False,  # recomputing activations costs more time than a 135M model's memory
        dataloader_num_workers=0,
        max_length=config.max_length,
        remove_unused_columns=False,
        use_cpu=not _cuda(),
    )
    if config.method == "dpo":
        from trl import DPOConfig

        loss_type, weights = [config.loss_type], None
        if config.sft_weight > 0:
            loss_type, weights = [config.loss_type, "sft"], [1.0, config.sft_weight]
        return DPOConfig(**common, beta=config.beta, loss_type=loss_type, loss_weights=weights,
                         precompute_ref_log_probs=config.precompute_ref_log_probs,
                         precompute_ref_batch_size=max(8, 2 * config.batch_size))
    if config.method == "kto":
        from trl import KTOConfig

        return KTOConfig(**common, beta=config.beta, desirable_weight=config.desirable_weight,
                         undesirable_weight=config.undesirable_weight,
                         precompute_ref_log_probs=config.precompute_ref_log_probs,
                         precompute_ref_batch_size=max(8, 2 * config.batch_size))
    from trl import SFTConfig

    return SFTConfig(**common, completion_only_loss=True, packing=False)


def cpu_has_bf16() -> bool:
    """CPUs with native bf16 matrix instructions (AVX512-BF16, AMX) run bf16 autocast about twice as fast."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _planned_steps(config: TrainConfig, n_train: int) -> int:
    if config.max_steps and config.max_steps > 0:
        return config.max_steps
    per_epoch = max(1, -(-n_train // (config.batch_size * config.grad_accum)))
    return max(1, int(per_epoch * config.epochs + 0.999))


def lora_config(config: TrainConfig, n_layers: int):
    from peft import LoraConfig

    layers = None
    if config.lora_layers and config.lora_layers < n_layers:
        layers = list(range(n_layers - config.lora_layers, n_layers))
    return LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=list(config.target_modules), layers_to_transform=layers, bias="none",
                      task_type="CAUSAL_LM")


def default_run_name(method: str) -> str:
    return f"{method}-{time.strftime('%Y%m%d-%H%M%S')}"


def train(split: Split, config: TrainConfig, *, models_dir: str | Path, store=None,
          progress: ProgressFn | None = None, evaluate_fn: Callable | None = None) -> RunResult:
    """Train a LoRA on ``split.train`` with ``config.method``; export and register it. See the module docstring."""
    if split.method != config.method:
        raise InputError(f"{config.method} training needs {config.method} records, got {split.method}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    config = config.resolved()
    run_name = config.run_name or default_run_name(config.method)
    models_dir = Path(models_dir).expanduser()
    output_dir = Path(config.output_dir).expanduser() if config.output_dir else models_dir / "runs" / run_name
    output_dir.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda f, m: None)
    report(0.0, "loading the base model")
    base = resolve_base(config.base_model)
    tok, model = load_model(base, threads=config.threads)
    torch.manual_seed(config.seed)

    run_id = None
    is_main = int(os.environ.get("RANK", "0")) == 0
    if store is not None and is_main:
        run_id = store.add_training_run(config.method, base.id, {**config.to_dict(), "run_name": run_name,
                                                                  "data": split.summary(), "output_dir": str(output_dir)})
    try:
        result = _train(split, config, base, tok, model, run_name, output_dir, models_dir, report, export_lora_gguf)
        result.run_id = run_id
        if evaluate_fn is not None and is_main:
            report(0.95, "evaluating against the base model")
            evaluate_fn(result)
        if store is not None and is_main:
            store.update_training_run(run_id, status="done", adapter_path=result.gguf_adapter or result.adapter_dir,
                                      metrics=_run_metrics(result), finished_at=_now())
            if result.gguf_adapter:
                store.add_model(f"{base.id}+{run_name}", str(base.gguf), adapter=result.gguf_adapter, run_id=run_id,
                                description=f"{config.method.upper()} LoRA trained on {len(split.train)} records")
        report(1.0, "done")
        return result
    except BaseException as e:
        if store is not None and run_id is not None:
            try:
                store.update_training_run(run_id, status="failed", finished_at=_now(),
                                          metrics={"error": f"{type(e).__name__}: {e}"[:500]})
            except Exception:
                pass
        raise


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _run_metrics(result: RunResult) -> dict:
    keep = ("steps", "seconds", "steps_per_second", "train_loss", "data", "gguf_adapter", "adapter_dir", "prefix_cache")
    out = {k: getattr(result, k) for k in keep}
    report = Path(result.output_dir) / "eval_report.json"
    if report.is_file():
        out["eval"] = json.loads(report.read_text())
    return out


def _train(split, config, base, tok, model, run_name, output_dir, models_dir, report, export_lora_gguf) -> RunResult:
    n_layers = model.config.num_hidden_layers
    # Length-sorted so that the reference precompute's batches carry little padding (training still shuffles).
    train_ds = to_hf_dataset(sorted(split.train, key=_record_length), config.method)
    args = _trl_args(config, output_dir, len(split.train))
    trainer_cls = _trainer_class(config.method)
    callbacks = [_progress_callback(lambda f, m: report(0.05 + 0.9 * f, m))]
    cache = None
    if config.prefix_cache and config.lora_layers and config.lora_layers < n_layers:
        # Installed before the trainer exists so that TRL's reference precompute (in its __init__) fills it.
        cache = FrozenPrefixCache(model, n_layers - config.lora_layers, check_frozen=False)
    report(0.03, "preparing data" + (" and reference log-probs" if getattr(config, "precompute_ref_log_probs", False) else ""))
    with compact_lm_head():
        trainer = trainer_cls(model=model, args=args, train_dataset=train_ds, processing_class=tok,
                              peft_config=lora_config(config, n_layers), callbacks=callbacks)
    if cache is not None:
        cache.verify()
    resume = config.resume
    if resume is True:
        from transformers.trainer_utils import get_last_checkpoint

        resume = get_last_checkpoint(str(output_dir)) or None
    report(0.05, "training")
    start = time.perf_counter()
    try:
        with compact_lm_head():
            output = trainer.train(resume_from_checkpoint=resume or None)
    finally:
        cache_stats = None
        if cache is not None:
            cache_stats = {"hits": cache.hits, "misses": cache.misses, "mb": round(cache.bytes / 2**20, 1),
                           "frozen_layers": cache.n_frozen}
            cache.remove()
    seconds = time.perf_counter() - start
    adapter_dir = output_dir / "adapter"
    trainer.save_model(str(adapter_dir))
    tok.save_pretrained(str(adapter_dir))
    gguf_path = None
    if config.export_gguf and base.gguf is not None:
        report(0.95, "exporting the GGUF adapter")
        gguf_path = Path(models_dir) / f"{run_name}.gguf"
        export_lora_gguf(trainer.model, base.gguf, gguf_path, name=run_name)
    steps = trainer.state.global_step
    result = RunResult(
        method=config.method, run_name=run_name, output_dir=str(output_dir), adapter_dir=str(adapter_dir),
        gguf_adapter=str(gguf_path) if gguf_path else None, base_model=base.id,
        base_gguf=str(base.gguf) if base.gguf else None, steps=steps, seconds=round(seconds, 2),
        steps_per_second=round(steps / seconds, 4) if seconds > 0 else 0.0,
        train_loss=getattr(output, "training_loss", None), data=split.summary(), config=config.to_dict(),
        log_history=list(trainer.state.log_history), prefix_cache=cache_stats,
    )
    result._trainer = trainer  # for evaluation in the same process (not serialized)
    (output_dir / "run.json").write_text(json.dumps(result.to_dict(), indent=2, default=str))
    (output_dir / "validation.jsonl").write_text("".join(json.dumps(r) + "\n" for r in split.validation))
    return result


@contextlib.contextmanager
def compact_lm_head():
    """Score only the completion positions through the output head on every device.

    TRL's fused LM head scores every position except on Triton devices (to keep tile shapes fixed for compilers);
    on a CPU that spends most of the head's time (49k-word vocabulary) on prompt tokens whose labels are ignored.
    The compact path is plain torch, so we turn it on for the duration of training.
    """
    try:
        import trl.trainer.utils as trl_utils
    except ImportError:  # pragma: no cover
        yield
        return
    original = getattr(trl_utils, "_use_triton", None)
    if original is None:
        yield
        return
    trl_utils._use_triton = lambda device: True
    try:
        yield
    finally:
        trl_utils._use_triton = original


def _record_length(record: dict) -> int:
    texts = [m["content"] for m in record["prompt"]] + [record.get(k, "") for k in ("chosen", "rejected", "completion")]
    return sum(len(t) for t in texts if isinstance(t, str))


def _trainer_class(method: str):
    if method == "dpo":
        from trl import DPOTrainer

        return DPOTrainer
    if method == "kto":
        from trl import KTOTrainer

        return KTOTrainer
    from trl import SFTTrainer

    return SFTTrainer


class TrainingError(EmpathyError):
    """A run that could not start or finish for a reason the user can fix."""
