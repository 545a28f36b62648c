"""Throughput of ``empathy check --jsonl`` on 1,000 pairs (pairs per second after load).

The pairs are the 470 hand-made pairs of tests/data/facts_pairs.jsonl, cycled; every cycle shifts
each integer in both texts by the cycle number, so no two pairs share their fact texts (no cache wins).
Load time is measured with a one-pair run of the same command and subtracted.

    python benchmarks/check_throughput.py [--n 1000]
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

ROOT = Path(__file__).resolve().parents[1]


def make_pairs(n: int) -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "facts_pairs.jsonl").read_text().splitlines() if line.strip()]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()
    rows = make_pairs(args.n)
    load = run(rows[1:2])  # a paraphrase: loads the vocabulary and the embedding model
    total = run(rows)
    rate = len(rows) / max(1e-9, total - load)
    print(json.dumps({"pairs": len(rows), "load_seconds": round(load, 2), "total_seconds": round(total, 2),
                      "pairs_per_second_after_load": round(rate, 1), "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
