"""Do edits at higher empathy levels score higher? Originals vs level-1 vs level-3 edits, real embedded model.

    python benchmarks/empathy_levels.py [--n 18] [--threads 2] [--verified] [--out runs/empathy_levels.jsonl]

Drafts: the curt (level-0) physician replies of tests/data/scoring_validation.jsonl, one per scenario.
Each draft is edited at level 1 and at level 3 on the embedded SmolLM2-135M GGUF, either with ``edit_once``
(one raw model call, no verification) or, with ``--verified``, with ``edit_reply`` (checked and repaired: what
a clinician is shown), and every text is scored with ``score_empathy``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from empathy.files import read_jsonl

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def drafts(n: int) -> list[dict]:
    rows = read_jsonl(ROOT / "tests/data/scoring_validation.jsonl")
    return [r for r in rows if r["kind"] == "graded" and r["level"] == 0][:n]


def run(n: int = 18, threads: int = 2, levels=(1, 3), seed: int = 0, out: str | None = None, verified: bool = False) -> dict:
    from empathy.backends import get_backend
    from empathy.config import Settings
    from empathy.generation import edit_once, edit_reply
    from empathy.scoring import score_empathy, warm_up

    warm_up()
    backend = get_backend(Settings(backend="llama-cpp", threads=threads))
    rows = []
    start = time.perf_counter()
    for d in drafts(n):
        row = {"id": d["scenario"], "original": score_empathy(d["patient"], d["reply"]).overall}
        for level in levels:
            edit_fn = edit_reply if verified else edit_once  # what a clinician sees, or one raw model call
            edit = edit_fn(d["patient"], d["reply"], level, backend=backend, seed=seed)
            row[f"level{level}"] = score_empathy(d["patient"], edit.text).overall
            row[f"text{level}"] = edit.text
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if not k.startswith("text")}), flush=True)
    keys = ["original"] + [f"level{lv}" for lv in levels]
    summary = {
        "n": len(rows),
        "edits": "verified (edit_reply)" if verified else "raw (edit_once)",
        "means": {k: round(statistics.mean(r[k] for r in rows), 3) for k in keys},
        "share_l3_gt_l1": round(sum(r[f"level{levels[-1]}"] > r[f"level{levels[0]}"] for r in rows) / len(rows), 3),
        "share_l1_gt_original": round(sum(r[f"level{levels[0]}"] > r["original"] for r in rows) / len(rows), 3),
        "share_l3_gt_original": round(sum(r[f"level{levels[-1]}"] > r["original"] for r in rows) / len(rows), 3),
        "seconds": round(time.perf_counter() - start, 1),
    }
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r) + "\n")
    return summary


def rescore(path: str, levels=(1, 3)) -> dict:
    """Score the texts saved by an earlier run (``--out``) again with the current scorer, without the model."""
    from empathy.scoring import score_empathy

    patients = {d["scenario"]: d for d in drafts(1000)}
    rows = read_jsonl(Path(path))
    for r in rows:
        d = patients[r["id"]]
        r["original"] = score_empathy(d["patient"], d["reply"]).overall
        for level in levels:
            r[f"level{level}"] = score_empathy(d["patient"], r[f"text{level}"]).overall
    keys = ["original"] + [f"level{lv}" for lv in levels]
    return {
        "n": len(rows),
        "means": {k: round(statistics.mean(r[k] for r in rows), 3) for k in keys},
        "share_l3_gt_l1": round(sum(r[f"level{levels[-1]}"] > r[f"level{levels[0]}"] for r in rows) / len(rows), 3),
        "share_l1_gt_original": round(sum(r[f"level{levels[0]}"] > r["original"] for r in rows) / len(rows), 3),
        "share_l3_gt_original": round(sum(r[f"level{levels[-1]}"] > r["original"] for r in rows) / len(rows), 3),
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=18)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", help="save every edit (JSONL) for --rescore")
    ap.add_argument("--verified", action="store_true", help="score the checked and repaired edits (edit_reply)")
    ap.add_argument("--rescore", metavar="JSONL", help="only re-score the edits saved by an earlier --out")
    args = ap.parse_args()
    if args.rescore:
        print(json.dumps(rescore(args.rescore), indent=2))
    else:
        print(json.dumps(run(args.n, args.threads, seed=args.seed, out=args.out, verified=args.verified), indent=2))
