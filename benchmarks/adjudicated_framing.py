"""The checker's false alarms on framing that independent judges call clean, and what the judges found that was not.

Why: the written framing sets (benchmarks/data/heldout_*.json) and the blind perturbation pools label every framing
pair "clean" because their writers meant it so. Whether a pair really adds nothing a clinician must check is a
judgement; a false alarm on a pair that invents a detail about the patient is not false. So every clean-labelled
pair of the blind sets 1127-1134 and of the blind pools' framing and framed-paraphrase types was judged by helper
sessions playing a reviewing clinician (benchmarks/data/adjudicated/BRIEF.md): they saw the patient's message, the
original and the edited reply and the word diff, no checker code and no checker verdict, and labelled each pair
``clean`` or ``needs_check`` with a category. 1129-1134 had two judges each (Cohen's kappa below; 1131-1134 were
judged all clean by both of their judges, so kappa is undefined there and reported as 1.0).

Reported per set, on the blind split (numbers only, as for every blind set):
- **false alarm on judged clean**: the checker's ``needs_review`` on pairs every judge called clean;
- **detected, judged needs_check**: ``needs_review`` on pairs any judge flagged (mostly details about the patient
  that neither message nor draft supports: a child when the patient wrote about themselves, a name, a second
  question, a prior visit), by category.

    python benchmarks/adjudicated_framing.py
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld_facts as rf
import realworld_perturb as perturb

from empathy.facts import check_facts, warm

ADJUDICATED = rf.DATA / "adjudicated"
RESULTS = perturb.realworld.ROOT / "benchmarks" / "results" / "adjudicated_framing.json"


def judged_pairs(replies: list) -> dict[str, dict]:
    """Every pair a judge labelled, by pair id, rebuilt the way realworld_facts builds it."""
    pairs = [p for n in range(1127, 1138)
             for p in rf._written_set(rf.DATA / f"heldout_{n}.json", "blind", replies, True)]
    pairs += rf.with_patients(perturb.load_pairs("blind"), {r.id: r.patient for r in replies})
    return {p["id"]: p for p in pairs}


def kappa(a: list[bool], b: list[bool]) -> float:
    po = sum(x == y for x, y in zip(a, b)) / len(a)
    pa, pb = sum(a) / len(a), sum(b) / len(b)
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def evaluate(path: Path, pairs: dict[str, dict]) -> dict:
    labels = defaultdict(dict)  # pair id -> judge -> row
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels[row["pair_id"]][row["judge"]] = row
    judges = sorted({j for by in labels.values() for j in by})
    verdict = {}
    for pid in labels:
        p = pairs[pid]
        verdict[pid] = check_facts(p["original"], p["edited"], patient=p.get("patient")).needs_review
    clean = [pid for pid, by in labels.items() if all(r["label"] == "clean" for r in by.values())]
    flagged = [pid for pid in labels if pid not in clean]
    by_category = defaultdict(lambda: [0, 0])
    for pid in flagged:
        cats = {r["category"] for r in labels[pid].values() if r["label"] == "needs_check"}
        for c in cats:
            by_category[c][0] += 1
            by_category[c][1] += verdict[pid]
    out = {"n": len(labels), "judges": len(judges),
           "false_alarm_as_written": round(sum(verdict.values()) / len(labels), 3),
           "judged_clean": len(clean),
           "false_alarm_on_judged_clean": round(sum(verdict[p] for p in clean) / max(1, len(clean)), 3),
           "judged_needs_check": len(flagged),
           "detected_judged_needs_check": round(sum(verdict[p] for p in flagged) / max(1, len(flagged)), 3),
           "needs_check_by_category": {c: {"n": n, "detected": round(d / n, 3)}
                                       for c, (n, d) in sorted(by_category.items())}}
    if len(judges) == 2:
        ids = sorted(labels)
        out["kappa"] = round(kappa(*[[labels[i][j]["label"] == "clean" for i in ids] for j in judges]), 2)
    return out


def main() -> None:
    os.environ.setdefault("EMPATHY_THREADS", "1")
    replies = perturb.realworld.load(None)
    pairs = judged_pairs(replies)
    files = sorted(ADJUDICATED.glob("*.jsonl"))
    needed = {json.loads(line)["pair_id"] for f in files for line in f.read_text(encoding="utf-8").splitlines()}
    warm([(pairs[i]["original"], pairs[i]["edited"]) for i in needed])
    results = {f.stem: evaluate(f, pairs) for f in files}
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print("| set | n | judges | kappa | FA as written | judged clean | FA on judged clean | judged needs_check "
          "| detected |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(f"| {name} | {r['n']} | {r['judges']} | {r.get('kappa', '-')} | {r['false_alarm_as_written']:.3f} | "
              f"{r['judged_clean']} | {r['false_alarm_on_judged_clean']:.3f} | {r['judged_needs_check']} | "
              f"{r['detected_judged_needs_check']:.2f} |")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
