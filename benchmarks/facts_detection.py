"""Detection rate per error type and false-alarm rate on clean pairs, for tests/data/facts_pairs.jsonl.

    python benchmarks/facts_detection.py [--split dev|heldout|all] [--show-misses]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from empathy.files import read_jsonl

PAIRS = Path(__file__).resolve().parents[1] / "tests" / "data" / "facts_pairs.jsonl"
EXPECTED_FLAG = {"dropped_fact": "missing_fact", "changed_value": "changed_value", "negation_flip": "negation_flip",
                 "added_drug": "new_medication", "added_test": "new_test", "added_advice": "new_recommendation",
                 "false_reassurance": "false_reassurance"}


def load(split: str = "all") -> list[dict]:
    rows = read_jsonl(PAIRS)
    return [r for r in rows if split == "all" or r["split"] == split]


def evaluate(rows: list[dict]) -> dict:
    """Per type: n, detected (needs_review), typed (expected flag present); clean: false alarms."""
    from empathy.facts import check_facts, warm

    warm([(r["original"], r["edited"]) for r in rows])
    stats = defaultdict(lambda: {"n": 0, "detected": 0, "typed": 0, "misses": []})
    for r in rows:
        rep = check_facts(r["original"], r["edited"])
        st = stats[r["type"]]
        st["n"] += 1
        if r["clean"]:
            st["detected"] += rep.needs_review  # a false alarm
            if rep.needs_review:
                st["misses"].append((r["id"], rep.flags, [m.reason for m in rep.missing + rep.changed + rep.unsupported]))
        else:
            st["detected"] += rep.needs_review
            st["typed"] += EXPECTED_FLAG[r["type"]] in rep.flags
            if EXPECTED_FLAG[r["type"]] not in rep.flags:
                st["misses"].append((r["id"], rep.flags, [m.reason for m in rep.missing + rep.changed + rep.unsupported]))
    out = {}
    for kind, st in stats.items():
        out[kind] = {"n": st["n"], "rate": st["detected"] / st["n"], "typed": st["typed"] / st["n"], "misses": st["misses"]}
    clean = [k for k in out if k in ("framing", "paraphrase", "framed_paraphrase")]
    n_clean = sum(out[k]["n"] for k in clean)
    out["false_alarm"] = sum(out[k]["rate"] * out[k]["n"] for k in clean) / max(1, n_clean)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="all")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    for split in (["dev", "heldout", "blind", "all"] if args.split == "all" else [args.split]):
        res = evaluate(load(split))
        print(f"\n== {split}: false alarms on clean pairs {res['false_alarm']:.3f}")
        for kind, st in sorted((k, v) for k, v in res.items() if k != "false_alarm"):
            label = "false alarm" if kind in ("framing", "paraphrase", "framed_paraphrase") else "detected"
            print(f"{kind:18s} n={st['n']:3d} {label}={st['rate']:.3f} typed={st['typed']:.3f}")
            if args.show_misses and split != "all":
                for m in st["misses"]:
                    print("    ", m)


if __name__ == "__main__":
    main()
