"""Verified editing with the embedded model on physician drafts: which path each edit took, and how
the first tries compare with the returned edits (fact recall and precision against the draft).

Drafts: the hand-written drafts of tests/data/facts_make_pairs.py (8 specialties and more, short and
long), levels cycling 1, 2, 3. Results go to benchmarks/results/verified_editing.jsonl (one line per
draft, written as it goes) and a summary to benchmarks/results/verified_editing_summary.json.

    python benchmarks/verified_editing.py [--n 32] [--candidates 3]
    python benchmarks/verified_editing.py --generate 10   # direct generation checked against the drafts
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results"


# Longer drafts (the pair set is mostly short portal replies).
LONG_DRAFTS = [
    {"id": "xlong-onc", "patient": "I finished radiation last month and I'm terrified the cancer is still there. What did the scan show?",
     "draft": "Your PET scan from Tuesday shows no remaining activity in the prostate bed, which means the radiation worked as we hoped. "
              "Your PSA is now 0.1, down from 6.8 before treatment. Continue leuprolide injections every 3 months until March. "
              "Hot flashes are a common side effect; if they keep you up at night, we can try venlafaxine 37.5 mg daily. "
              "We will check your PSA again in 3 months and then every 6 months for 2 years."},
    {"id": "xlong-card", "patient": "I'm so frustrated. I've been short of breath for weeks and nobody is telling me anything.",
     "draft": "Your echocardiogram shows that your heart is pumping at 35%, which is lower than normal, and this is called heart failure. "
              "Start furosemide 40 mg every morning and weigh yourself daily. "
              "If your weight goes up by more than 3 pounds in 2 days, call the clinic. "
              "Limit salt to 2 grams a day and fluids to 2 liters a day. "
              "I have referred you to cardiology, and their office will call you within 1 week."},
    {"id": "xlong-endo", "patient": "I'm embarrassed to say I haven't been taking my insulin regularly. My sugars are all over the place.",
     "draft": "Thank you for telling me. Your A1c is 9.4%. Let's simplify your routine: take insulin glargine 24 units once a day at the same time each evening, "
              "and stop the mealtime insulin for now. Check your sugar before breakfast and at bedtime. "
              "If your sugar is below 70, eat 15 grams of fast sugar and recheck in 15 minutes. "
              "I'd like you to meet with our diabetes educator next week, and we will repeat the A1c in 3 months."},
    {"id": "xlong-gi", "patient": "My stomach pain is back and I don't trust that the last doctor looked properly.",
     "draft": "Your blood tests show a normal liver and pancreas, and your H. pylori breath test was positive. "
              "This infection can cause ulcers and the pain you describe. "
              "Take omeprazole 20 mg, amoxicillin 1000 mg and clarithromycin 500 mg, each twice a day for 14 days. "
              "Avoid ibuprofen and alcohol during treatment. "
              "We will repeat the breath test 4 weeks after you finish, and if the pain continues, I will refer you for an endoscopy."},
    {"id": "xlong-peds", "patient": "My daughter's asthma is getting worse and I'm scared every night.",
     "draft": "Her peak flow readings show her asthma is not well controlled. "
              "Increase her budesonide inhaler to 2 puffs twice a day with the spacer, and keep albuterol for symptoms, up to 4 puffs every 4 hours. "
              "Please use the written asthma action plan I attached. "
              "If she struggles to speak, her lips look blue, or albuterol does not help for 20 minutes, call 911. "
              "We will see her in clinic in 2 weeks."},
]


def drafts(n: int) -> list[dict]:
    sys.path.insert(0, str(ROOT / "tests" / "data"))
    from facts_make_pairs import DRAFTS

    # interleave splits and specialties so a partial run is still varied
    out = [{"id": d["id"], "patient": d["patient"], "draft": " ".join(d["s"])} for d in DRAFTS]
    short = [d for d in out if len(d["draft"]) < 230]
    long = [d for d in out if len(d["draft"]) >= 230] + LONG_DRAFTS
    mixed = []
    while short or long:
        if long:
            mixed.append(long.pop(0))
        for _ in range(2):
            if short:
                mixed.append(short.pop(0))
    return mixed[:n]


def summarize(rows: list[dict]) -> dict:
    n = len(rows)
    paths = Counter(r["path"] for r in rows)
    mean = lambda key: round(sum(r[key] for r in rows) / max(1, n), 4)  # noqa: E731
    return {
        "drafts": n,
        "paths": dict(paths),
        "path_share": {k: round(v / n, 3) for k, v in paths.items()},
        "first_try_recall": mean("first_recall"), "first_try_precision": mean("first_precision"),
        "first_try_clean": round(sum(r["first_clean"] for r in rows) / max(1, n), 3),
        "returned_recall": mean("recall"), "returned_precision": mean("precision"),
        "returned_clean_or_flagged": all(r["clean"] or r["needs_review"] for r in rows),
        "needs_review": sum(r["needs_review"] for r in rows),
        "short_drafts": sum(len(r["draft"]) < 230 for r in rows),
        "mean_seconds": round(sum(r["seconds"] for r in rows) / max(1, n), 1),
        "mean_words_draft": round(sum(len(r["draft"].split()) for r in rows) / max(1, n), 1),
        "mean_words_returned": round(sum(len(r["text"].split()) for r in rows) / max(1, n), 1),
        "mean_words_first_try": round(sum(len(r["first_text"].split()) for r in rows) / max(1, n), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--candidates", type=int, default=3)
    ap.add_argument("--generate", type=int, default=0, help="instead: generate replies for this many drafts and check them")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from empathy.backends import get_backend
    from empathy.config import Settings
    from empathy.generation import edit_reply

    backend = get_backend(Settings.from_env())
    OUT.mkdir(exist_ok=True)
    if args.generate:
        return generation(backend, args.generate)
    rows = []
    with open(OUT / "verified_editing.jsonl", "w") as fh:
        for i, d in enumerate(drafts(args.n)):
            level = 1 + i % 3
            start = time.perf_counter()
            r = edit_reply(d["patient"], d["draft"], level, backend=backend, seed=i, candidates=args.candidates)
            first = r.attempts[0]
            row = {"id": d["id"], "level": level, "draft": d["draft"], "path": r.path, "text": r.text,
                   "recall": r.check["recall"], "precision": r.check["precision"], "flags": r.flags,
                   "needs_review": r.needs_review, "clean": r.attempts[-1]["clean"] if r.attempts else False,
                   "first_text": first["text"], "first_recall": first["recall"], "first_precision": first["precision"],
                   "first_clean": first["clean"], "first_flags": first["flags"], "attempts": len(r.attempts),
                   "seconds": round(time.perf_counter() - start, 1)}
            rows.append(row)
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            print(f"{i + 1:2d} {d['id']:9s} L{level} {r.path:12s} first R{first['recall']:.2f} P{first['precision']:.2f} -> "
                  f"R{row['recall']:.2f} P{row['precision']:.2f} review={r.needs_review} {row['seconds']}s", flush=True)
    summary = summarize(rows)
    (OUT / "verified_editing_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


def generation(backend, n: int) -> None:
    """What direct generation loses: replies from the patient's message alone, checked against the drafts."""
    from empathy.generation import generate_reply

    rows = []
    for i, d in enumerate(drafts(n)):
        level = 1 + i % 3
        r = generate_reply(d["patient"], level, backend=backend, seed=i, draft=d["draft"])
        rows.append({"id": d["id"], "level": level, "recall": r.check["recall"], "precision": r.check["precision"],
                     "flags": r.flags, "text": r.text, "words": len(r.text.split()), "draft_words": len(d["draft"].split())})
        print(f"{i + 1:2d} {d['id']:9s} L{level} R{rows[-1]['recall']:.2f} P{rows[-1]['precision']:.2f} {r.flags}", flush=True)
    k = max(1, len(rows))
    summary = {"drafts": len(rows), "recall": round(sum(r["recall"] for r in rows) / k, 4),
               "precision": round(sum(r["precision"] for r in rows) / k, 4),
               "needs_review": sum(1 for r in rows if set(r["flags"]) - {"short_original"}),
               "mean_words": round(sum(r["words"] for r in rows) / k, 1), "mean_draft_words": round(sum(r["draft_words"] for r in rows) / k, 1)}
    (OUT / "generation_check.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (OUT / "generation_check_summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
