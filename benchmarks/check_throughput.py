"""Throughput of ``empathy check --jsonl`` on 1,000 pairs (pairs per second after load), and the time of one
``check_facts`` call on real 60-120-word drafts (milliseconds per pair, the hot path of verified editing).

The pairs are the 470 hand-made pairs of tests/data/facts_pairs.jsonl, cycled; every cycle shifts
each integer in both texts by the cycle number, so no two pairs share their fact texts (no cache wins).
Load time is measured with a one-pair run of the same command and subtracted.

``--real N``: N ChatDoctor dev replies of 60-120 words, each checked against three edits the product
produces or must catch (the draft framed by empathy sentences, a paraphrase, the draft with a sentence
dropped; dev wording pools of benchmarks/realworld_perturb.py), one ``check_facts`` call at a time in this
process with every cache cleared before each call (extraction and sentence embeddings: no text is seen twice),
the embedding model loaded beforehand. Wall and CPU milliseconds (``all_cpu``: process time, steadier when
other jobs share the cores).

    python benchmarks/check_throughput.py [--n 1000] [--real 60]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from empathy.files import read_jsonl

ROOT = Path(__file__).resolve().parents[1]


def make_pairs(n: int) -> list[dict]:
    rows = read_jsonl(ROOT / "tests" / "data" / "facts_pairs.jsonl")
    out = []
    for k in range(n):
        r, cycle = rows[k % len(rows)], k // len(rows)

        def shift(text: str) -> str:
            return re.sub(r"\b(\d+)\b(?!\.\d)", lambda m: str(int(m.group(1)) + cycle), text) if cycle else text

        out.append({"id": f"{k}", "original": shift(r["original"]), "edited": shift(r["edited"])})
    return out


def run(rows: list[dict]) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in rows))
    try:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c",
                               "from empathy.cli import cli; cli()", "check", "--jsonl", fh.name],
                              capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        seconds = time.perf_counter() - start
    finally:
        os.unlink(fh.name)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == len(rows) and not any("error" in x for x in lines), proc.stderr[-500:]
    return seconds


def real_pairs(n: int) -> list[tuple[str, str, str]]:
    """(kind, draft, edit) for ``n`` dev ChatDoctor replies of 60-120 words (never the blind split)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import random

    import realworld_perturb as perturb

    replies = [r for r in perturb.realworld.load(None) if r.split == "dev" and 60 <= len(r.reply.split()) <= 120
               and perturb.usable(r)]
    random.Random(0).shuffle(replies)
    out = []
    for r in replies[:n]:
        for kind, maker in (("framing", perturb.p_framing), ("paraphrase", perturb.p_paraphrase),
                            ("dropped_sentence", perturb.p_dropped_sentence)):
            pair = maker(r, perturb.DEV, perturb._rng(r.id, kind))
            if pair is not None:
                out.append((kind, pair.original, pair.edited))
    return out


def time_real(n: int) -> dict:
    """Milliseconds per check_facts call on real drafts, caches cleared before every call."""
    import importlib
    import statistics

    from empathy import embeddings
    from empathy.facts import check_facts

    os.environ.setdefault("EMPATHY_THREADS", "1")
    pairs = real_pairs(n)
    check_facts(pairs[0][1], pairs[1][2])  # load the vocabulary and the embedding model
    embeddings.embed(["warm up"])
    times: dict[str, list[float]] = {}
    cpu_ms: list[float] = []  # CPU time of this process: steadier than wall time on shared cores
    for kind, original, edited in pairs:
        for module, name in (("extract", "_extract_facts_cached"), ("content", "content_words"), ("content", "stem")):
            try:
                getattr(importlib.import_module(f"empathy.facts.{module}"), name).cache_clear()
            except (ImportError, AttributeError):
                pass  # an older checker without that cache
        embeddings._cache.clear()
        start, cpu = time.perf_counter(), time.process_time()
        check_facts(original, edited)
        times.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
    every = [t for ts in times.values() for t in ts]
    summary = {k: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "mean_ms": round(statistics.mean(v), 1),
                   "max_ms": round(max(v), 1)} for k, v in times.items()}
    summary["all"] = {"n": len(every), "p50_ms": round(statistics.median(every), 1),
                      "mean_ms": round(statistics.mean(every), 1), "max_ms": round(max(every), 1)}
    summary["all_cpu"] = {"n": len(cpu_ms), "p50_ms": round(statistics.median(cpu_ms), 1),
                          "mean_ms": round(statistics.mean(cpu_ms), 1), "max_ms": round(max(cpu_ms), 1)}
    words = [len(o.split()) for _, o, _ in pairs]
    return {"drafts": len({o for _, o, _ in pairs}), "draft_words_mean": round(sum(words) / len(words), 1), "ms": summary}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--real", type=int, default=0, help="time check_facts on N real 60-120-word drafts instead")
    args = ap.parse_args()
    if args.real:
        print(json.dumps(time_real(args.real)))
        return
    rows = make_pairs(args.n)
    load = run(rows[1:2])  # a paraphrase: loads the vocabulary and the embedding model
    total = run(rows)
    rate = len(rows) / max(1e-9, total - load)
    print(json.dumps({"pairs": len(rows), "load_seconds": round(load, 2), "total_seconds": round(total, 2),
                      "pairs_per_second_after_load": round(rate, 1), "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
