"""Seconds to a verified edit of a 60-120-word draft, per flow, and what each model call buys.

``edit_reply`` on ChatDoctor drafts of 60-120 words (``--split dev`` to choose the flow, ``blind`` to report it) at
levels 1-3 with the embedded SmolLM2-135M (``EMPATHY_THREADS``, default 1), the model loaded and warmed outside the
timings. Flows (``--flows``):

- ``default``: what the product does with the bare embedded model (framing from templates and the bank, no model call);
- ``model-framing``: plus one model-written candidate per framing slot (``candidates=1``);
- ``rewrite``: plus the first try and the retry (``rewrite=True``), as with a capable model.

Per flow: p50 / mean / p90 seconds per edit (wall clock), paths, model calls, and the share of model framing candidates
that passed the guard and the gate and of those chosen; rewrite tries accepted. The load average (1 min) is read before
and after each flow and reported with it: the machine is shared, so quote numbers with their load.

    EMPATHY_THREADS=1 python benchmarks/edit_latency.py [--split blind] [--n 20] [--flows default model-framing rewrite]

Writes benchmarks/results/edit_latency_<split>.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld  # noqa: E402

RESULTS = realworld.ROOT / "benchmarks" / "results"
FLOWS = {"default": {}, "model-framing": {"candidates": 1}, "rewrite": {"candidates": 1, "rewrite": True}}


def drafts(split: str, n: int, lo: int = 60, hi: int = 120) -> list[realworld.Reply]:
    rows = [r for r in realworld.load(split=split) if lo <= len(r.reply.split()) <= hi]
    return sorted(rows, key=lambda r: hashlib.sha256(f"latency/{r.id}".encode()).hexdigest())[:n]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, round(q * (len(xs) - 1)))], 2) if xs else 0.0


def run_flow(name: str, kwargs: dict, cases: list, backend, levels: list[int]) -> dict:
    from empathy.generation import edit_reply

    calls = {"n": 0}
    inner = backend.complete

    def counting(messages, options=None, **kw):
        calls["n"] += 1
        return inner(messages, options, **kw) if options is not None else inner(messages, **kw)

    backend.complete = counting
    secs, paths, model_cands = [], Counter(), Counter()
    rewrites = Counter()
    load_before = os.getloadavg()[0]
    try:
        for d in cases:
            for level in levels:
                t = time.perf_counter()
                r = edit_reply(d.patient, d.reply, level, backend=backend, **kwargs)
                secs.append(time.perf_counter() - t)
                paths[r.path] += 1
                for a in r.attempts:
                    if a["path"] in ("first-try", "retry"):
                        rewrites[("accepted" if not a["refused"] else "refused")] += 1
                    for c in a.get("candidates", []):
                        model_cands["tried"] += 1
                        model_cands["passed guard"] += c.get("refused") is None or str(c.get("refused")).startswith(("gate", "fact"))
                        model_cands["passed gate"] += c.get("refused") is None
                        model_cands["chosen"] += bool(c.get("chosen"))
    finally:
        backend.complete = inner
    return {"flow": name, "kwargs": kwargs, "edits": len(secs), "seconds_p50": pct(secs, .5),
            "seconds_mean": round(statistics.mean(secs), 2), "seconds_p90": pct(secs, .9), "seconds_max": round(max(secs), 2),
            "paths": dict(paths), "model_calls_per_edit": round(calls["n"] / max(1, len(secs)), 2),
            "model_framing_candidates": dict(model_cands), "rewrite_tries": dict(rewrites),
            "load_1min_before": round(load_before, 2), "load_1min_after": round(os.getloadavg()[0], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="blind", choices=["dev", "blind"])
    ap.add_argument("--n", type=int, default=20, help="drafts (each edited at every level)")
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--flows", nargs="+", default=list(FLOWS), choices=list(FLOWS))
    args = ap.parse_args()
    os.environ.setdefault("EMPATHY_THREADS", "1")
    from empathy.backends import get_backend
    from empathy.config import Settings
    from empathy.generation import edit_reply

    backend = get_backend(Settings.from_env())
    t = time.perf_counter()
    edit_reply("I have a headache.", "Take ibuprofen 400 mg if needed.", level=2, backend=backend, rewrite=True, candidates=1)
    warm = time.perf_counter() - t
    cases = drafts(args.split, args.n)
    words = sorted(len(d.reply.split()) for d in cases)
    out = {"split": args.split, "drafts": len(cases), "levels": args.levels, "draft_words": [words[0], words[len(words) // 2], words[-1]],
           "threads": os.environ.get("EMPATHY_THREADS"), "cpus": os.cpu_count(), "warm_up_seconds": round(warm, 1), "flows": []}
    for name in args.flows:
        res = run_flow(name, FLOWS[name], cases, backend, args.levels)
        out["flows"].append(res)
        print(json.dumps(res), flush=True)
    path = RESULTS / f"edit_latency_{args.split}.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"-> {path}")


if __name__ == "__main__":
    main()
