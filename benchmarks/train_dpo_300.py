"""Benchmark: 300+ preference pairs built by ``empathy build-data``, DPO on the embedded SmolLM2, before/after.

    python benchmarks/train_dpo_300.py [WORKDIR] [--dialogues 330] [--epochs 6] [--lora-layers 8] [--steps N]
    python benchmarks/train_dpo_300.py --ood-only ADAPTER.gguf [--repeat-penalty 1.0]

1. writes a synthetic corpus (``benchmarks/train_corpus.py``) and runs ``empathy build-data`` on it (mode ``split``:
   half ER, half EQ+SR; ``template`` rewriter, deterministic; every rewrite fact-checked);
2. ``empathy train dpo``'s pipeline on the pairs: 90/10 split by case, 6 epochs, LoRA on the last 8 layers, DPO +
   an NLL term on the chosen reply, reference log-probs precomputed once, frozen-prefix cache;
3. held-out preference accuracy before (base log-prob preference) and after (implicit reward accuracy), the
   served (llama-cpp + GGUF adapter) edits' fact recall on 20 held-out cases, and the same on 41 drafts from
   outside the corpus (the curt drafts of tests/data/scoring_validation.jsonl).

Prints one JSON summary and writes it to WORKDIR/summary.json. Numbers go in the README (## Retraining).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from empathy.files import read_jsonl

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir", nargs="?", default="/tmp/empathy-train-bench")
    ap.add_argument("--dialogues", type=int, default=330)
    ap.add_argument("--steps", type=int, default=-1)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--lora-layers", type=int, default=8)
    ap.add_argument("--eval-cases", type=int, default=20)
    ap.add_argument("--epochs", type=float, default=6.0)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--sft-weight", type=float, default=1.0)
    ap.add_argument("--repeat-penalty", type=float, help="for --ood-only (default: the product's)")
    ap.add_argument("--ood-only", metavar="ADAPTER_GGUF", help="only the out-of-corpus edits of an existing adapter")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    if args.ood_only:
        from empathy.models import embedded_model_path

        print(json.dumps(out_of_corpus_edits(str(embedded_model_path()), args.ood_only, args.repeat_penalty), indent=2))
        return 0
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    from benchmarks.train_corpus import make_corpus

    corpus = work / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in make_corpus(args.dialogues)))
    pairs = work / "pairs.jsonl"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "empathy", "build-data", str(corpus), "--out", str(pairs), "--mode", "split",
                    "--rewriter", "template", "--prompt", "simple", "--level", "2"], check=True)
    build_seconds = time.perf_counter() - t0
    n_pairs = sum(1 for _ in pairs.open())

    from empathy.config import Settings
    from training.pipeline import run_training
    from training.trainers import DPOTrainConfig

    settings = Settings(db=str(work / "empathy.db"), models_dir=str(work / "models"), threads=2)
    config = DPOTrainConfig(epochs=args.epochs, max_steps=args.steps, batch_size=args.batch_size,
                            learning_rate=args.lr, lora_layers=args.lora_layers, max_length=320, beta=0.1,
                            sft_weight=args.sft_weight,
                            validation_fraction=0.1, run_name=f"dpo300-{time.strftime('%H%M%S')}", logging_steps=5,
                            save_steps=1000)
    import resource

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t1 = time.perf_counter()
    phases = {}

    def progress(fraction, message):
        phases.setdefault(message.split(" ")[0], round(time.perf_counter() - t1, 1))
        print(f"[{fraction * 100:5.1f}%] {message} ({time.perf_counter() - t1:.0f} s)", file=sys.stderr, flush=True)

    result = run_training("dpo", config, settings=settings, data=str(pairs), evaluate=True,
                          max_generate=args.eval_cases, progress=progress)
    total = time.perf_counter() - t1
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    ev = result.evaluation
    summary = {
        "pairs_built": n_pairs, "build_seconds": round(build_seconds, 1), "data": result.data,
        "steps": result.steps, "train_loop_seconds": result.seconds, "steps_per_second": result.steps_per_second,
        "run_seconds_total": round(total, 1), "eval_seconds": ev.get("seconds"),
        # On a shared machine wall time says more about the neighbours than about the run: CPU seconds do not.
        "run_cpu_seconds": round(cpu_seconds, 1), "cpu_cores_used_on_average": round(cpu_seconds / total, 2),
        "seconds_to_first_step": phases.get("step"), "phases": phases,
        "preference": ev.get("preference"), "edits": {k: v for k, v in ev.get("edits", {}).items() if k != "examples"},
        "prefix_cache": result.prefix_cache, "config": {k: result.config[k] for k in (
            "batch_size", "learning_rate", "lora_layers", "lora_r", "max_length", "beta", "sft_weight", "bf16", "epochs")},
        "load_average": os.getloadavg(), "adapter": result.gguf_adapter,
        "out_of_corpus_edits": out_of_corpus_edits(result.base_gguf, result.gguf_adapter),
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return 0


def out_of_corpus_edits(base_gguf: str, adapter: str, repeat_penalty: float | None = None) -> dict:
    """Served edits of drafts unlike the training corpus: the 41 curt drafts of the scoring validation set (other
    conditions, no drug template), same prompt as training. Does the adapter copy facts, or only the corpus?"""
    from empathy.prompts import edit_messages
    from training.evaluate import served_edit_metrics

    rows = read_jsonl(ROOT / "tests/data/scoring_validation.jsonl")
    warm = {r["scenario"]: r["reply"] for r in rows if r["kind"] == "graded" and r["level"] == 2}
    records = [{"prompt": edit_messages(r["patient"], r["reply"], 2, prompt="simple"), "patient": r["patient"],
                "draft": r["reply"], "chosen": warm.get(r["scenario"], "")}
               for r in rows if r["kind"] == "graded" and r["level"] == 0]
    t0 = time.perf_counter()
    result = served_edit_metrics(base_gguf, adapter, records, max_cases=len(records), threads=2,
                                 repeat_penalty=repeat_penalty)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
