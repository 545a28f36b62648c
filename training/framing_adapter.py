"""The shipped framing adapter, rebuilt with one command: ``python -m training.framing_adapter`` (or
``empathy train framing-adapter``).

1. SFT data: the product's framing prompt (empathy.prompts.framing_messages) for dev ChatDoctor drafts and every slot,
   each answered with a gate-accepted sentence about that patient (training.framing_data.build_targets).
2. SFT: a small LoRA (the last layers, TRL SFTTrainer through training.trainers.train), exported to GGUF.
3. DPO data: the SFT model's own framing attempts on other dev drafts, sampled through llama-cpp with the product's
   sampler; each attempt the product refuses (framing_guard or the gate) is a rejected reply, paired with accepted
   sentences for the same prompt.
4. DPO on top: the SFT LoRA is merged into the weights (the DPO reference) and a second LoRA trained on it; both are
   stacked into one GGUF adapter (export_gguf.stack_lora), written to empathy/data/adapters/framing.gguf.
5. Measured on blind drafts: the share of framing candidates the product accepts, base model
   (EMPATHY_TASK_ADAPTERS=none) against the shipped default, with the samples and a JSON report in
   benchmarks/results/.

Training uses only dev drafts; blind drafts are only sampled for the measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from empathy.files import read_jsonl
from empathy.models import ADAPTERS_DIR, embedded_model_path, task_adapters

from . import framing_data as fd
from .model_loading import cache_root

RESULTS = fd.ROOT / "benchmarks" / "results"


@dataclass
class FramingRunConfig:
    sft_drafts: int = 20  # dev drafts for SFT targets (x 3 slots); small because 2 shared CPU cores train it
    dpo_drafts: int = 20  # other dev drafts whose SFT-model attempts make the DPO pairs
    dpo_samples: int = 1  # attempts per (draft, slot)
    max_pairs: int = 48
    eval_drafts: int = 40  # blind drafts measured (x 3 slots)
    eval_samples: int = 1  # candidates per (blind draft, slot), as in the product's sampler
    sft_steps: int = 32  # 4 epochs of 57 records (the frozen-prefix cache makes epochs after the first cheap)
    dpo_steps: int = 24  # 2 epochs of 48 pairs
    batch_size: int = 8
    dpo_batch_size: int = 4
    lora_r: int = 8
    lora_alpha: int = 16
    lora_layers: int = 4
    sft_lr: float = 1e-3
    dpo_lr: float = 5e-4
    beta: float = 0.1
    sft_weight: float = 0.2  # NLL on the chosen side during DPO (keeps the sentences fluent)
    max_length: int = 384
    threads: int = 2  # torch threads for training
    llama_threads: int = 1  # llama-cpp threads for sampling
    seed: int = 0
    out: str = str(ADAPTERS_DIR / "framing.gguf")
    report: str = str(RESULTS / "train_framing.json")
    samples: str = str(RESULTS / "train_framing_samples.jsonl")
    work_dir: str = str(cache_root() / "framing-adapter")
    skip_eval: bool = False
    base_only: bool = False  # with --eval-only: measure (and cache) the base model only


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _losses(log_history: list[dict]) -> list[dict]:
    keep = ("step", "loss", "rewards/accuracies", "rewards/margins")
    return [{k: round(v, 4) if isinstance(v, float) else v for k, v in h.items() if k in keep}
            for h in log_history if "loss" in h]


def _run_summary(result) -> dict:
    return {"steps": result.steps, "seconds": result.seconds, "train_loss": result.train_loss, "data": result.data,
            "losses": _losses(result.log_history), "prefix_cache": result.prefix_cache}


def train_sft(records: list[dict], cfg: FramingRunConfig, work: Path):
    from .datasets import split_by_case
    from .trainers import SFTTrainConfig, train

    split = split_by_case(records, "sft", validation_fraction=0.05, seed=cfg.seed)
    config = SFTTrainConfig(run_name="framing-sft", output_dir=str(work / "sft"), max_steps=cfg.sft_steps,
                            batch_size=cfg.batch_size, learning_rate=cfg.sft_lr, lora_r=cfg.lora_r,
                            lora_alpha=cfg.lora_alpha, lora_layers=cfg.lora_layers, max_length=cfg.max_length,
                            threads=cfg.threads, seed=cfg.seed, save_steps=10_000, logging_steps=10)
    return train(split, config, models_dir=work)


def merge_sft(result, work: Path) -> tuple[Path, list]:
    """The SFT LoRA tensors (for the stacked export) and a plain folder with the LoRA merged in (the DPO base)."""
    from .export_gguf import lora_tensors

    trainer = result._trainer
    tensors = lora_tensors(trainer.model)
    merged = trainer.model.merge_and_unload()
    folder = work / "sft-merged"
    if folder.exists():
        shutil.rmtree(folder)
    merged.save_pretrained(str(folder))
    trainer.processing_class.save_pretrained(str(folder))
    return folder, tensors


def train_dpo(pairs: list[dict], base_folder: Path, cfg: FramingRunConfig, work: Path):
    from .datasets import split_by_case
    from .trainers import DPOTrainConfig, train

    split = split_by_case(pairs, "dpo", validation_fraction=0.05, seed=cfg.seed)
    config = DPOTrainConfig(base_model=str(base_folder), run_name="framing-dpo", output_dir=str(work / "dpo"),
                            max_steps=cfg.dpo_steps, batch_size=cfg.dpo_batch_size, learning_rate=cfg.dpo_lr,
                            lora_r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_layers=cfg.lora_layers,
                            max_length=cfg.max_length, threads=cfg.threads, seed=cfg.seed, beta=cfg.beta,
                            sft_weight=cfg.sft_weight, save_steps=10_000, logging_steps=10, export_gguf=False)
    return train(split, config, models_dir=work)


def llama_backend(adapter: Path | None, threads: int):
    """The embedded model through llama-cpp, as the app loads it, with or without a framing adapter."""
    from empathy.backends.llamacpp import LlamaCppBackend

    return LlamaCppBackend(threads=threads, task_adapters={"framing": adapter} if adapter else {})


def measure(backend, drafts: list[fd.Draft], k: int, seed: int, label: str) -> tuple[fd.Acceptance, list[dict]]:
    start = time.perf_counter()
    records = fd.sample_attempts(backend, drafts, k=k, seed=seed,
                                 progress=lambda i, n: _say(f"{label}: {i}/{n} drafts") if i % 10 == 0 else None)
    return fd.acceptance(records, time.perf_counter() - start), records


def run(cfg: FramingRunConfig) -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    start = time.perf_counter()
    work = Path(cfg.work_dir).expanduser()
    work.mkdir(parents=True, exist_ok=True)
    Path(cfg.out).parent.mkdir(parents=True, exist_ok=True)
    report: dict = {"config": asdict(cfg), "base_model": str(embedded_model_path())}
    dev = fd.ordered(fd.load_drafts("dev"), "framing-adapter")
    sft_set, dpo_set = dev[: cfg.sft_drafts], dev[cfg.sft_drafts: cfg.sft_drafts + cfg.dpo_drafts]
    drafts = {d.id: d for d in dev}

    _say(f"SFT targets for {len(sft_set)} dev drafts x {len(fd.SLOTS)} slots")
    t = time.perf_counter()
    targets, target_stats = fd.build_targets(sft_set)
    records = fd.sft_records(targets, drafts)
    (work / "sft.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    report["sft_data"] = {**target_stats, "drafts": len(sft_set), "seconds": round(time.perf_counter() - t, 1)}

    _say(f"SFT: {len(records)} records, {cfg.sft_steps} steps")
    sft = train_sft(records, cfg, work)
    report["sft"] = _run_summary(sft)
    sft_gguf = Path(sft.gguf_adapter)

    _say(f"DPO data: the SFT model's attempts on {len(dpo_set)} other dev drafts")
    t = time.perf_counter()
    dpo_targets, _ = fd.build_targets(dpo_set, per_slot=2)
    sft_acc, attempts = measure(llama_backend(sft_gguf, cfg.llama_threads), dpo_set, cfg.dpo_samples, cfg.seed + 1,
                                "SFT model on dev")
    pairs = fd.dpo_records(attempts, dpo_targets, drafts, chosen_per_rejected=1)[: cfg.max_pairs]
    (work / "dpo.jsonl").write_text("".join(json.dumps(r) + "\n" for r in pairs))
    (work / "dpo_attempts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in attempts))
    report["dpo_data"] = {"drafts": len(dpo_set), "attempts": len(attempts), "refused": sum(a["refused"] is not None for a in attempts),
                          "pairs": len(pairs), "seconds": round(time.perf_counter() - t, 1),
                          "sft_model_acceptance_dev": sft_acc.to_dict()}
    if len({p["case_id"] for p in pairs}) < 2:
        raise RuntimeError("the SFT model's attempts gave fewer than two drafts with a refused attempt; no DPO data")

    _say("merging the SFT LoRA (the DPO reference)")
    folder, sft_tensors = merge_sft(sft, work)
    del sft
    _say(f"DPO: {len(pairs)} pairs, {cfg.dpo_steps} steps")
    dpo = train_dpo(pairs, folder, cfg, work)
    report["dpo"] = _run_summary(dpo)

    from .export_gguf import lora_tensors, stack_lora, write_lora_gguf

    model = dpo._trainer.model
    config = model.config if hasattr(model, "config") else model.base_model.config
    exported = write_lora_gguf(stack_lora(sft_tensors, lora_tensors(model)), config, embedded_model_path(), cfg.out,
                               alpha=cfg.lora_alpha, name="framing-sft-dpo")
    report["adapter"] = {"path": os.path.relpath(cfg.out, fd.ROOT), "bytes": Path(cfg.out).stat().st_size,
                         "rank": exported.rank, "tensors": exported.tensors}
    del dpo, model
    _say(f"wrote {cfg.out} ({report['adapter']['bytes'] / 2**20:.1f} MB)")

    if not cfg.skip_eval:
        report["blind"] = evaluate(cfg)
    report["seconds_total"] = round(time.perf_counter() - start, 1)
    Path(cfg.report).write_text(json.dumps(report, indent=2) + "\n")
    _say(f"report: {cfg.report}")
    return report


def evaluate(cfg: FramingRunConfig) -> dict:
    """Base model against the shipped default on blind drafts: the same drafts, slots, prompts and seeds."""
    blind = fd.ordered(fd.load_drafts("blind"), "framing-eval")[: cfg.eval_drafts]
    shipped = task_adapters("", None).get("framing")  # what the app loads by default
    if shipped is None and not cfg.base_only:
        raise RuntimeError(f"no framing adapter in {ADAPTERS_DIR}")
    out = {"drafts": len(blind), "slots": list(fd.SLOTS), "samples_per_slot": cfg.eval_samples}
    rows = []
    for label, adapter in (("base", None), ("adapter", shipped))[: 1 if cfg.base_only else 2]:
        _say(f"blind: {label}")
        cached = Path(cfg.work_dir).expanduser() / f"blind-base-{len(blind)}x{cfg.eval_samples}-seed{cfg.seed}.jsonl"
        if label == "base" and cached.is_file():  # the base model does not change between runs
            records = read_jsonl(cached)
            acc = fd.acceptance(records)
            acc.seconds = None
        else:
            acc, records = measure(llama_backend(adapter, cfg.llama_threads), blind, cfg.eval_samples, cfg.seed + 7,
                                   f"blind {label}")
            if label == "base":
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text("".join(json.dumps(r) + "\n" for r in records))
        out[label] = acc.to_dict()
        rows += [{"model": label, **r} for r in records]
    Path(cfg.samples).write_text("".join(json.dumps(r) + "\n" for r in rows))
    return out


def parse_args(argv: list[str] | None = None) -> FramingRunConfig:
    cfg = FramingRunConfig()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, value in asdict(cfg).items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            ap.add_argument(flag, action="store_true", default=value)
        else:
            ap.add_argument(flag, type=type(value), default=value)
    ap.add_argument("--eval-only", action="store_true", help="Only measure the shipped adapter against the base.")
    args = vars(ap.parse_args(argv))
    eval_only = args.pop("eval_only")
    cfg = FramingRunConfig(**args)
    cfg._eval_only = eval_only  # type: ignore[attr-defined]
    return cfg


def main(argv: list[str] | None = None) -> None:
    cfg = parse_args(argv)
    if getattr(cfg, "_eval_only", False):  # measure again; the training part of an existing report is kept
        path = Path(cfg.report)
        report = json.loads(path.read_text()) if path.is_file() else {"config": asdict(cfg)}
        report["blind"] = evaluate(cfg)
        report["eval_config"] = {k: v for k, v in asdict(cfg).items() if k.startswith(("eval", "llama", "seed"))}
        path.write_text(json.dumps(report, indent=2) + "\n")
    else:
        report = run(cfg)
    blind = report.get("blind")
    if blind and "adapter" in blind:
        print(json.dumps({k: {"share": blind[k]["share"], "top_sentence_share": blind[k]["top_sentence_share"]}
                          for k in ("base", "adapter")}))


if __name__ == "__main__":
    main()
