"""Measure the sentence gate (empathy.generation.gate) on the labelled sentences of tests/data/gate_sentences.jsonl.

Dev: rules alone, and rules plus the classifier cross-validated by draft (GroupKFold, 5 folds, each
fold's classifier fitted on the other four); the threshold is chosen here on dev CV only (the
lowest, i.e. most refusing, one whose false refusals on ``ok`` stay within --max-fr). Blind: the classifier fitted on all
of dev with that threshold (what ``python -m empathy.generation.gate fit`` ships), scored once. Per bad class:
recall (share refused); for ``ok``: false refusals; ``stock_line`` and ``clinical_claim`` reported
apart. Also the relevance signal (cosine to the patient's message) and speed.

    python benchmarks/gate_eval.py [--max-fr 0.08] [--ship]   # --ship writes the classifier weights
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "results" / "gate.json"

from empathy.generation import gate  # noqa: E402

CLASSES = ("ok", "stock_line", "clinical_claim") + gate.BAD


def table(rows: list[dict], refused: list[bool]) -> dict:
    """Per label: n and the share refused (recall for the bad classes, false refusals for ok)."""
    by = defaultdict(list)
    for r, x in zip(rows, refused):
        by[r["label"]].append(x)
    out = {label: {"n": len(by[label]), "refused": round(float(np.mean(by[label])), 3) if by[label] else None} for label in CLASSES}
    bad = [x for r, x in zip(rows, refused) if r["label"] in gate.BAD]
    out["_all_bad"] = {"n": len(bad), "refused": round(float(np.mean(bad)), 3) if bad else None}
    for who, model in (("model", True), ("human", False)):  # ok written by the model itself, or by people (written, bank, EPITOME)
        xs = [x for r, x in zip(rows, refused) if r["label"] == "ok" and r["source"].startswith("model") == model]
        out[f"_ok_{who}_written"] = {"n": len(xs), "refused": round(float(np.mean(xs)), 3) if xs else None}
    return out


def by_source(rows: list[dict], refused: list[bool]) -> dict:
    """Per source (framing candidates, edits, first tries, generation, people): how many sentences were bad, how many
    bad ones passed, how many ok ones were refused."""
    out = {}
    for r, x in zip(rows, refused):
        src = r["source"].rsplit("-L", 1)[0]
        d = out.setdefault(src, {"n": 0, "bad": 0, "bad_passed": 0, "ok": 0, "ok_refused": 0})
        d["n"] += 1
        d["bad"] += r["label"] in gate.BAD
        d["bad_passed"] += r["label"] in gate.BAD and not x
        d["ok"] += r["label"] == "ok"
        d["ok_refused"] += r["label"] == "ok" and bool(x)
    return out


def by_text(rows: list[dict], refused: list[bool]) -> dict:
    """Whole model texts (benchmarks/results/gate_raw.jsonl), as an edit is shown or not: a text passes when every
    added sentence passes. Counts texts with a bad sentence that still pass, and texts of only good sentences refused."""
    raw = ROOT / "benchmarks" / "results" / "gate_raw.jsonl"
    if not raw.exists():
        return {}
    verdict = {(r["draft_id"], r["text"]): (r["label"], x) for r, x in zip(rows, refused)}
    out = {}
    for rec in map(json.loads, raw.open()):
        sents = [verdict.get((rec["draft_id"], t)) for t in gate.added_sentences(rec["text"], rec["draft"])]
        if not sents or None in sents:
            continue
        kind = {"open": "framing", "close": "framing"}.get(rec["kind"], "first-try" if rec.get("emotions") else rec["kind"])
        d = out.setdefault(kind, {"texts": 0, "with_bad": 0, "with_bad_passed": 0, "all_good": 0, "all_good_refused": 0})
        bad = any(lab in gate.BAD for lab, _ in sents)
        passed = not any(x for _, x in sents)
        d["texts"] += 1
        d["with_bad"] += bad
        d["with_bad_passed"] += bad and passed
        d["all_good"] += all(lab in gate.PASSING for lab, _ in sents)
        d["all_good_refused"] += all(lab in gate.PASSING for lab, _ in sents) and not passed
    return out


def misses(rows, refused, reasons, k=20) -> dict:
    """Examples the gate gets wrong: bad sentences passed, ok sentences refused (with the reason)."""
    passed = [f"[{r['label']}] {r['text']}" for r, x in zip(rows, refused) if r["label"] in gate.BAD and not x]
    false = [f"[{why}] {r['text']}" for r, x, why in zip(rows, refused, reasons) if r["label"] == "ok" and x]
    return {"bad_passed": passed[:k], "ok_refused": false[:k]}


def cv_scores(rows: list[dict], x: np.ndarray, folds: int = 5) -> np.ndarray:
    """Out-of-fold classifier scores for every row, grouped by draft (no draft in its own training folds)."""
    from sklearn.model_selection import GroupKFold

    keep = np.array([r["label"] in gate.VOICE_OK + gate.BAD for r in rows])
    y = np.array([r["label"] in gate.BAD for r in rows], dtype=int)
    texts = [r["text"] for r in rows]
    groups = np.array([r["draft_id"] for r in rows])
    scores = np.zeros(len(rows))
    for tr, te in GroupKFold(n_splits=folds).split(x, y, groups):
        tr = tr[keep[tr]]
        model = gate.Classifier.fit(x[tr], [texts[i] for i in tr], y[tr])
        scores[te] = model.score(x[te], [texts[i] for i in te])
    return scores


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(score of a random positive > a random negative)."""
    if not len(pos) or not len(neg):
        return float("nan")
    return float(((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-fr", type=float, default=0.08, help="largest false-refusal rate on dev ok (CV) the threshold may cost")
    ap.add_argument("--ship", action="store_true", help="write empathy/data/gate_classifier.npz (fit on all dev)")
    args = ap.parse_args()

    dev, blind = gate.load_labels(split="dev"), gate.load_labels(split="blind")
    result = {"counts": {"dev": dict(Counter(r["label"] for r in dev)), "blind": dict(Counter(r["label"] for r in blind))}}

    def rules(rows):
        reasons = [gate.rule_reason(r["text"], patient=r["patient"], draft=r.get("draft", "")) for r in rows]
        return [x is not None for x in reasons], reasons

    dev_ref, dev_why = rules(dev)
    result["dev_rules"] = table(dev, dev_ref)
    result["dev_rules_reasons"] = dict(Counter(w for w in dev_why if w))

    t = time.perf_counter()
    xd = gate.features([r["text"] for r in dev], [r["patient"] for r in dev], [r.get("draft", "") for r in dev])
    xb = gate.features([r["text"] for r in blind], [r["patient"] for r in blind], [r.get("draft", "") for r in blind])
    embed_s = time.perf_counter() - t

    # relevance: cosine to the patient's message (first feature after the embedding), ok against off_topic
    cos = xd[:, 384]
    labels = np.array([r["label"] for r in dev])
    result["dev_relevance_auc_ok_vs_off_topic"] = round(auc(cos[labels == "ok"], cos[labels == "off_topic"]), 3)
    result["dev_relevance_mean_cos"] = {lab: round(float(cos[labels == lab].mean()), 3) for lab in CLASSES if (labels == lab).any()}

    scores = cv_scores(dev, xd)
    ok = labels == "ok"
    best = 1.0
    for th in np.arange(0.99, 0.04, -0.01):
        refused = np.array(dev_ref) | (scores >= th)
        if refused[ok].mean() <= args.max_fr:
            best = round(float(th), 2)
    dev_all = list(np.array(dev_ref) | (scores >= best))
    dev_all_why = [w or ("classifier" if s >= best else None) for w, s in zip(dev_why, scores)]
    result["threshold"] = round(best, 2)
    result["dev_cv_rules_plus_classifier"] = table(dev, dev_all)
    result["dev_cv_classifier_auc"] = round(auc(scores[np.isin(labels, gate.BAD)], scores[np.isin(labels, gate.VOICE_OK)]), 3)
    result["dev_misses"] = misses(dev, dev_all, dev_all_why)
    result["dev_cv_by_source"] = by_source(dev, dev_all)
    result["dev_cv_by_text"] = by_text(dev, dev_all)

    # blind: rules, then the classifier fitted on all dev at the dev-chosen threshold
    rows, y = gate.training_set(dev)
    keep = np.array([r["label"] in gate.VOICE_OK + gate.BAD for r in dev])
    model = gate.Classifier.fit(xd[keep], [r["text"] for r in rows], y, threshold=best)
    bl_ref, bl_why = rules(blind)
    bl_scores = model.score(xb, [r["text"] for r in blind])
    bl_all = list(np.array(bl_ref) | (bl_scores >= best))
    result["blind_rules"] = table(blind, bl_ref)
    result["blind_rules_plus_classifier"] = table(blind, bl_all)
    result["blind_classifier_auc"] = round(auc(bl_scores[np.isin(bl_labels := np.array([r["label"] for r in blind]), gate.BAD)],
                                               bl_scores[np.isin(bl_labels, gate.VOICE_OK)]), 3)
    result["blind_by_source"] = by_source(blind, bl_all)
    result["blind_by_text"] = by_text(blind, bl_all)
    result["blind_misses"] = misses(blind, bl_all, [w or ("classifier" if s >= best else None) for w, s in zip(bl_why, bl_scores)])

    if args.ship:
        model.save()
        gate.classifier.cache_clear()

    # speed: rules per sentence; the whole gate per call (one model text: its sentences, patient and draft embedded)
    sample = blind or dev
    t = time.perf_counter()
    for r in sample:
        gate.rule_reason(r["text"], patient=r["patient"], draft=r.get("draft", ""))
    rules_ms = (time.perf_counter() - t) * 1000 / len(sample)
    by_draft = defaultdict(list)
    for r in sample:
        by_draft[r["draft_id"]].append(r)
    calls = list(by_draft.values())[:40]
    gate.gate_many(["Warm-up sentence."], patient="x", draft="y")
    first = again = 0.0
    for group in calls:  # first call: patient and draft new too; again: same draft (as retry and framing), new sentences
        patient, draft = group[0]["patient"] + " ", group[0].get("draft", "") + " "
        t = time.perf_counter()
        gate.gate_many([r["text"] + " " for r in group], patient=patient, draft=draft)
        first += time.perf_counter() - t
        t = time.perf_counter()
        gate.gate_many([r["text"] + "  " for r in group], patient=patient, draft=draft)
        again += time.perf_counter() - t
    n = sum(len(g) for g in calls)
    result["speed"] = {"rules_ms_per_sentence": round(rules_ms, 3), "gate_ms_per_sentence_first_call": round(first * 1000 / n, 1),
                       "gate_ms_per_sentence_same_draft_again": round(again * 1000 / n, 1),
                       "gate_ms_per_call_first": round(first * 1000 / len(calls), 1), "calls": len(calls), "sentences": n,
                       "feature_extraction_s_all_labelled": round(embed_s, 1),
                       "load_average_1min": round(os.getloadavg()[0], 1),
                       "note": "texts changed by a space so no embedding is cached; 2 CPU cores shared with other jobs"}
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    for key in ("dev_rules", "dev_cv_rules_plus_classifier", "blind_rules", "blind_rules_plus_classifier"):
        print(key, {k: (v["n"], v["refused"]) for k, v in result[key].items()})
    print("threshold", best, "speed", result["speed"])


if __name__ == "__main__":
    main()
