"""The empathy scorer's mechanisms against human labels: old and new scorers side by side, each design choice measured.

    python benchmarks/epitome_scoring.py --data /work/shared/data/epitome [--no-write-weights]

What is measured is what ``score_empathy(seeker_post, response_post).dimensions[d].score`` returns for the three
mechanisms (the product's own code: ``empathy.scoring.analyze_embedded`` and ``mechanism_scores`` with the model
of each fold), on EPITOME (AUC of level >= 1 against 0; Spearman against 0-2), and the overall score on the
project's medical validation set (tests/data/scoring_validation.jsonl: AUC of level >= 2, Spearman, means per
level, traps), in this order:

1. Blind split: 20 % of the seeker posts (grouped by sp_id, stratified by the three labels, seed BLIND_SEED),
   set aside before any tuning by the first EPITOME helper; their sp_ids are in the results. Not used to choose.
2. Dev: grouped 5-fold CV on the other 80 % for each training choice (EPITOME alone; with the medical replies
   built from empathy/data/scoring_sentences.tsv at weight 0.5 (shipped) or 1) and each way of reading a reply:
   ``shipped`` (stock phrases and repeats left out, lexical cues at MECHANISM_CUE), ``no_mask``, ``no_cues``,
   ``cues_0.3`` / ``cues_0.8``, ``sentence_pooling`` (noisy-OR of the kept sentences' probabilities instead of the
   reply-level model), and the old scorer (``old``: the sentence classifier's mechanism columns with the old credit
   rules, re-implemented here, as the scorer before this change computed them). Every training choice is also fitted
   on all of dev and scored on the validation set.
3. Blind: the shipped choice fitted on dev, scored on the blind 20 %, beside the old scorer, a keyword baseline,
   the EPITOME-only predictor as first shipped, and every training choice (for comparison, never for choosing;
   the medical weight 1 was measured here first, and the weight then lowered to 0.5 on dev CV alone).
4. Refit on all 2,251 pairs + the medical replies and write the shipped weights (``empathy.epitome.fit``).
5. The shipped scorer itself: ``score_empathy`` on the validation set, on 40 EPITOME pairs (it must agree with the
   path measured above), what stock openers and the framing bank's sentences add to curt drafts, and the CPU time
   of the mechanism model per reply (sentence embeddings given).

Results: benchmarks/results/epitome_scoring.json. Old-scorer numbers use the current sentence classifier (refitted
with the 107 medical sentences added in this change); the first EPITOME run's file has the scorer before it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_var, "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # the CPU is shared; scikit-learn's fits are small
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from empathy import epitome
from empathy import scoring as sc
from empathy.epitome import MECHANISMS, EpitomeExample, EpitomeModel
from empathy.files import read_jsonl
from empathy.sentence_labels import load_training_sentences

BLIND_SEED, CV_SEED, FOLDS = 20251122, 1, 5
RESULTS = ROOT / "benchmarks" / "results" / "epitome_scoring.json"
VALIDATION = ROOT / "tests" / "data" / "scoring_validation.jsonl"
TRAINING = {"epitome_only": None, "medical_w0.5": 0.5, "medical_w1": 1.0}
SHIPPED_TRAINING = "medical_w0.5"
assert TRAINING[SHIPPED_TRAINING] == epitome.MEDICAL_WEIGHT
READINGS = ("shipped", "no_mask", "no_cues", "cues_0.3", "cues_0.8", "sentence_pooling")

# A simple keyword baseline: count of distinct cues per mechanism, written from the EPITOME definitions.
KEYWORDS = {
    "emotional_reactions": [r"\bsorry\b", r"\bhugs?\b", r"<3|&lt;3", r"\bugh\b", r"\bsucks?\b", r"\bawful\b",
                            r"\bterrible\b", r"\bheart\b", r"\bfeel for you\b", r"\bso sad\b", r"\bhurts?\b"],
    "interpretations": [r"\bi understand\b", r"\bi know (?:how|what)\b", r"\bbeen there\b", r"\bsame here\b",
                        r"\bme too\b", r"\bi feel the same\b", r"\bi'?ve been\b", r"\bi went through\b",
                        r"\bwhen i was\b", r"\bmy experience\b", r"\bi used to\b", r"\bsounds like\b"],
    "explorations": [r"\?", r"\bwhat\b", r"\bhow\b", r"\bwhy\b", r"\btell me\b", r"\bdo you\b", r"\bhave you\b",
                     r"\bare you\b", r"\bwould you\b", r"\bcan you\b"],
}
_KEYWORD_RE = {m: [re.compile(p, re.IGNORECASE) for p in ps] for m, ps in KEYWORDS.items()}


def keyword_score(reply: str, mechanism: str) -> float:
    return float(sum(bool(p.search(reply)) for p in _KEYWORD_RE[mechanism]))


def evaluate(examples: list[EpitomeExample], scores: dict[str, np.ndarray]) -> dict:
    """AUC (level >= 1 vs 0) and Spearman (0-2) per mechanism, and their means."""
    out = {}
    for m in MECHANISMS:
        levels = np.array([ex.levels[m] for ex in examples])
        out[m] = {"auc": round(float(roc_auc_score(levels >= 1, scores[m])), 4),
                  "spearman": round(float(spearmanr(levels, scores[m]).correlation), 4)}
    return {"per_mechanism": out, "mean_auc": round(statistics.mean(v["auc"] for v in out.values()), 4),
            "min_auc": round(min(v["auc"] for v in out.values()), 4),
            "mean_spearman": round(statistics.mean(v["spearman"] for v in out.values()), 4)}


def blind_split(examples: list[EpitomeExample]) -> tuple[list[int], list[int]]:
    """(dev, blind) row indices: the first of five grouped, stratified folds is the blind part."""
    dev, blind = epitome.grouped_folds(examples, FOLDS, BLIND_SEED)[0]
    return sorted(dev.tolist()), sorted(blind.tolist())


# ---------------------------------------------------------------- reading a reply, the product's way


def analysis_of(reply: str, spans, vectors, model: EpitomeModel, patient_vector: np.ndarray | None = None):
    sentences = [reply[s:e] for s, e in spans]
    S = np.stack([vectors[t] for t in sentences]).astype(np.float32)
    p = np.zeros(S.shape[1], dtype=np.float32) if patient_vector is None else patient_vector
    return sc.analyze_embedded(list(spans), sentences, S, p, model=model)


def legacy_mechanisms(analysis, P: np.ndarray) -> dict[str, float]:
    """The scorer before this change: the sentence classifier's mechanism columns blended with the cues (0.75),
    stock phrases earning 30 % once, repeats nothing, interpretations and emotional reactions scaled by relevance to
    the patient's message (its embedding similarity), noisy-OR over sentences."""
    misses = {m: 1.0 for m in MECHANISMS}
    empties = 0
    for i, a in enumerate(analysis):
        lex = sc.lexical(a.text)
        credit = 0.0 if a.duplicate else 1.0
        if a.empty:
            credit *= sc.EMPTY_CREDIT if empties == 0 else 0.0
            empties += 1
        for j, m in enumerate(MECHANISMS):
            p = float(1.0 - (1.0 - P[i, sc.LABELS.index(m)]) * (1.0 - 0.75 * lex[m]))
            if p < sc.CARRY:
                continue
            c = credit
            if m == "interpretations":
                c *= float(np.clip((a.relevance - 0.05) / 0.3, 0.3, 1.0))
            elif m == "emotional_reactions":
                c *= float(np.clip((a.relevance - 0.1) / 0.3, 0.5, 1.0))
            misses[m] *= 1.0 - c * p
    return {m: round(1.0 - misses[m], 3) for m in MECHANISMS}


def read(analysis, model: EpitomeModel, reading: str) -> dict[str, float]:
    """The three mechanism scores of one analysed reply under ``reading``."""
    if not analysis:
        return {m: 0.0 for m in MECHANISMS}
    if reading == "shipped":
        dims = sc.mechanism_scores(analysis, model)
    elif reading == "no_mask":
        dims = sc.mechanism_scores([dataclasses.replace(a, empty=False, duplicate=False) for a in analysis], model)
    elif reading == "no_cues":
        dims = sc.mechanism_scores(analysis, model, cue_weight=0.0)
    elif reading.startswith("cues_"):
        dims = sc.mechanism_scores(analysis, model, cue_weight=float(reading[5:]))
    elif reading == "sentence_pooling":
        kept = [a for a in analysis if not a.stock]
        return {m: 1.0 - float(np.prod([1.0 - a.probs[m] for a in kept])) for m in MECHANISMS}
    else:
        raise ValueError(reading)
    return {m: dims[m].score for m in MECHANISMS}


def medical_examples(weight: float | None) -> list[EpitomeExample]:
    return epitome.medical_examples(*load_training_sentences(), weight=weight) if weight else []


def cached_embeddings(texts: list[str], path: Path) -> dict[str, np.ndarray]:
    """MiniLM embeddings of ``texts`` kept in ``path`` (the 2,186 seeker posts take minutes on shared cores)."""
    cached: dict[str, np.ndarray] = {}
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            cached = dict(zip(data["texts"].tobytes().decode("utf-8").split("\x00"), data["vectors"]))
    missing = sorted(set(texts) - set(cached))
    if missing:
        cached.update(zip(missing, sc.embed_sentences(missing)))
        keys = sorted(cached)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            np.savez(f, texts=np.frombuffer("\x00".join(keys).encode("utf-8"), dtype=np.uint8),
                     vectors=np.stack([cached[k] for k in keys]).astype(np.float32))
    return cached


def same_weights(a: EpitomeModel, b: EpitomeModel) -> bool:
    """The same vocabulary and arrays (the .npz bytes differ by the zip entries' timestamps)."""
    return a.vocabulary == b.vocabulary and all(np.array_equal(getattr(a, n), getattr(b, n)) for n in EpitomeModel._ARRAYS)


def embed_missing(vectors: dict[str, np.ndarray], texts) -> None:
    missing = sorted({t for t in texts if t not in vectors})
    if missing:
        vectors.update(zip(missing, sc.embed_sentences(missing).astype(np.float64)))


# ---------------------------------------------------------------- EPITOME: grouped CV and blind


def cross_validate(dev: list[EpitomeExample], vectors, extra: list[EpitomeExample]) -> dict[str, dict[str, np.ndarray]]:
    """Out-of-fold mechanism scores of every reading for ``dev`` (grouped 5-fold; ``extra`` in every training fold)."""
    scores = {r: {m: np.zeros(len(dev)) for m in MECHANISMS} for r in READINGS}
    for k, (train, test) in enumerate(epitome.grouped_folds(dev, FOLDS, CV_SEED)):
        model = epitome.fit_model([dev[i] for i in train] + extra, vectors)
        for i in test:
            analysis = analysis_of(dev[i].reply, dev[i].spans, vectors, model)
            for r in READINGS:
                for m, v in read(analysis, model, r).items():
                    scores[r][m][i] = v
        print(f"    fold {k + 1}/{FOLDS}", flush=True)
    return scores


# ---------------------------------------------------------------- the medical validation set


def validation_rows() -> list[dict]:
    return read_jsonl(VALIDATION)


def overall_with(score: sc.EmpathyScore, mechanisms: dict[str, float], n_sentences: int, n_empty: int) -> float:
    """``score_empathy``'s overall with the three mechanism scores replaced (same weights, penalty and cap)."""
    dims = {d: s.score for d, s in score.dimensions.items()} | mechanisms
    overall = sum(sc.WEIGHTS[d] * dims[d] for d in sc.WEIGHTS)
    overall *= sc.FALSE_REASSURANCE_FACTOR ** len(score.flag_spans.get("false_reassurance", []))
    if n_empty and n_empty == n_sentences:
        overall = min(overall, 0.1)
    return round(float(np.clip(overall, 0.0, 1.0)), 3)


def validation_metrics(rows: list[dict], overall: list[float], mechanisms: dict[str, list[float]] | None = None) -> dict:
    levels = np.array([r["level"] for r in rows])
    ov = np.array(overall)
    graded = np.array([r["kind"] == "graded" for r in rows])
    warm = {r["scenario"]: v for r, v in zip(rows, ov) if r["kind"] == "graded" and r["level"] == 3}
    out = {
        "auc_level_ge_2": round(float(roc_auc_score(levels >= 2, ov)), 4),
        "spearman": round(float(spearmanr(levels, ov).correlation), 4),
        "spearman_graded": round(float(spearmanr(levels[graded], ov[graded]).correlation), 4),
        "mean_by_level": [round(float(ov[graded & (levels == lv)].mean()), 3) for lv in range(4)],
        "traps_at_or_above_their_warm_reply": [r["id"] for r, v in zip(rows, ov)
                                               if r["kind"].endswith("_trap") and v >= warm[r["scenario"]]],
    }
    if mechanisms:
        out["mechanism_auc_level_ge_2"] = {m: round(float(roc_auc_score(levels >= 2, v)), 4) for m, v in mechanisms.items()}
        out["mechanism_mean_by_level"] = {m: [round(float(np.mean(np.array(v)[graded & (levels == lv)])), 3)
                                              for lv in range(4)] for m, v in mechanisms.items()}
    return out


def validation_check(model: EpitomeModel, rows, vectors, base_scores, patient_vectors) -> dict:
    """Every reading (and the old scorer) on the validation set with ``model``: overall and mechanism metrics."""
    results = {}
    per_reading = {r: ([], {m: [] for m in MECHANISMS}) for r in READINGS + ("old",)}
    P_all = sc.SentenceClassifier.get()
    for row, base, pv in zip(rows, base_scores, patient_vectors):
        spans = epitome.split_sentences(row["reply"])
        analysis = analysis_of(row["reply"], spans, vectors, model, pv)
        n_empty = sum(a.empty for a in analysis)
        for r in READINGS + ("old",):
            if r == "old":
                mech = legacy_mechanisms(analysis, P_all.predict(np.stack([a.embedding for a in analysis])))
            else:
                mech = read(analysis, model, r)
            per_reading[r][0].append(overall_with(base, mech, len(analysis), n_empty))
            for m in MECHANISMS:
                per_reading[r][1][m].append(mech[m])
    for r, (overall, mech) in per_reading.items():
        results[r] = validation_metrics(rows, overall, mech)
    return results


# ---------------------------------------------------------------- the shipped scorer itself


def shipped_checks(examples: list[EpitomeExample], rows: list[dict]) -> dict:
    """``score_empathy`` as shipped: validation set, agreement with the measured path, stock phrases, CPU time."""
    from empathy.generation.framing import CLOSERS, OPENERS, VALIDATIONS

    epitome.reset_model()  # read the weights just written
    model = epitome.get_model()
    sc.preload([(r["patient"], r["reply"]) for r in rows])
    scored = [sc.score_empathy(r["patient"], r["reply"]) for r in rows]
    out: dict = {"validation": validation_metrics(
        rows, [s.overall for s in scored], {m: [s.dimensions[m].score for s in scored] for m in MECHANISMS})}
    out["validation"]["traps_flagged"] = all(
        ("empty_phrases" if r["kind"] == "empty_trap" else "false_reassurance") in s.flags
        for r, s in zip(rows, scored) if r["kind"].endswith("_trap"))

    # The graders call score_empathy(seeker, response) on EPITOME; the path measured above must give the same.
    sample = examples[::56][:40]
    vectors = {}
    worst = 0.0
    for ex in sample:
        direct = sc.score_empathy(ex.seeker, ex.reply)
        embed_missing(vectors, [ex.reply[s:e] for s, e in ex.spans])
        path = read(analysis_of(ex.reply, ex.spans, vectors, model), model, "shipped")
        worst = max([worst] + [abs(direct.dimensions[m].score - path[m]) for m in MECHANISMS])
    out["score_empathy_vs_measured_path_max_difference"] = round(worst, 4)

    # A stock opener must not buy empathy: what each framing-bank sentence adds to the 41 curt drafts.
    curt = [r for r in rows if r["kind"] == "graded" and r["level"] == 0]
    base = np.array([sc.score_empathy(r["patient"], r["reply"]).overall for r in curt])
    gains = {}
    for kind, pool in (("opener", [s for v in OPENERS.values() for s in v]), ("validation", VALIDATIONS),
                       ("closer", CLOSERS)):
        for sentence in pool:
            texts = [f"{r['reply']} {sentence}" if kind == "closer" else f"{sentence} {r['reply']}" for r in curt]
            new = np.array([sc.score_empathy(r["patient"], t).overall for r, t in zip(curt, texts)])
            gains[f"{kind}: {sentence}"] = round(float((new - base).mean()), 3)
    out["mean_gain_on_curt_drafts"] = gains

    prepared = []
    for r in rows:
        spans = epitome.split_sentences(r["reply"])
        prepared.append((r["reply"], spans, sc.embed_sentences([r["reply"][s:e] for s, e in spans])))
    times = []
    for _ in range(3):
        for reply, spans, emb in prepared:
            t = time.process_time()
            model.predict_embedded(reply, spans, emb)
            times.append((time.process_time() - t) * 1000)
    out["mechanism_model_cpu_ms_per_reply"] = {"mean": round(statistics.mean(times), 2),
                                               "p95": round(sorted(times)[int(0.95 * len(times))], 2)}
    out["weights_bytes"] = epitome.WEIGHTS_FILE.stat().st_size
    return out


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/epitome"))
    parser.add_argument("--cache", type=Path, default=epitome.default_cache())
    parser.add_argument("--no-write-weights", action="store_true", help="evaluate only; leave the shipped weights")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    started = time.time()
    examples = epitome.load_examples(args.data)
    extras = {name: medical_examples(w) for name, w in TRAINING.items()}
    vectors = epitome.embed_sentences(examples + extras["medical_w1"], args.cache)
    rows = validation_rows()
    embed_missing(vectors, [r["reply"][s:e] for r in rows for s, e in epitome.split_sentences(r["reply"])])
    patient_vectors = sc.embed_sentences([r["patient"].strip() or "." for r in rows])
    sc.preload([(r["patient"], r["reply"]) for r in rows])
    base_scores = [sc.score_empathy(r["patient"], r["reply"]) for r in rows]  # validation, comforting, reassuring
    dev_idx, blind_idx = blind_split(examples)
    dev, blind = [examples[i] for i in dev_idx], [examples[i] for i in blind_idx]
    print(f"{len(examples)} pairs: dev {len(dev)}, blind {len(blind)}; medical replies {len(extras['medical_w1'])}",
          flush=True)

    # The old scorer needs the seeker posts' embeddings (relevance); read it once for every pair.
    print("old scorer on every pair (seeker posts embedded)", flush=True)
    seekers = cached_embeddings([ex.seeker.strip() or "." for ex in examples],
                                args.cache.with_name("epitome_seeker_embeddings.npz"))
    shipped_now = epitome.get_model()
    classifier = sc.SentenceClassifier.get()
    old = {m: np.zeros(len(examples)) for m in MECHANISMS}
    for i, ex in enumerate(examples):
        if ex.spans:
            a = analysis_of(ex.reply, ex.spans, vectors, shipped_now, seekers[ex.seeker.strip() or "."].astype(np.float32))
            for m, v in legacy_mechanisms(a, classifier.predict(np.stack([x.embedding for x in a]))).items():
                old[m][i] = v
    keywords = {m: np.array([keyword_score(ex.reply, m) for ex in examples]) for m in MECHANISMS}

    def rows_of(scores, idx):
        return {m: scores[m][idx] for m in MECHANISMS}

    dev_cv, validation, models = {}, {}, {}
    for name, extra in extras.items():
        print(f"dev CV: {name}", flush=True)
        cv = cross_validate(dev, vectors, extra)
        dev_cv[name] = {r: evaluate(dev, cv[r]) for r in READINGS}
        print(f"  shipped reading: {dev_cv[name]['shipped']['per_mechanism']}", flush=True)
        model = epitome.fit_model(dev + extra, vectors)
        validation[name] = validation_check(model, rows, vectors, base_scores, patient_vectors)
        print(f"  validation overall AUC {validation[name]['shipped']['auc_level_ge_2']}, "
              f"Spearman {validation[name]['shipped']['spearman']}", flush=True)
        models[name] = model

    print("blind: fit on dev, score the blind 20 % once", flush=True)

    def blind_scores(model, reading):
        out = {m: np.zeros(len(blind)) for m in MECHANISMS}
        for i, ex in enumerate(blind):
            for m, v in read(analysis_of(ex.reply, ex.spans, vectors, model), model, reading).items():
                out[m][i] = v
        return out

    def first_predictor(ex):  # the EPITOME-only predictor as first shipped: the whole reply, no cues
        emb = np.stack([vectors[ex.reply[s:e]] for s, e in ex.spans])
        return first_model.predict_embedded(ex.reply, ex.spans, emb)

    first_model = models["epitome_only"]
    first = [first_predictor(ex) for ex in blind]
    blind_results = {
        "new_scorer": evaluate(blind, blind_scores(models[SHIPPED_TRAINING], "shipped")),
        # Every training choice, reported and not chosen by: medical_w1 was measured here first (ER 0.848), then
        # the weight was lowered to 0.5 on dev CV alone.
        "new_scorer_by_training": {name: evaluate(blind, blind_scores(m, "shipped")) for name, m in models.items()},
        "old_scorer": evaluate(blind, rows_of(old, blind_idx)),
        "keywords": evaluate(blind, rows_of(keywords, blind_idx)),
        "epitome_only_predictor_as_first_shipped": evaluate(blind, {m: np.array([f.probability(m) for f in first])
                                                                    for m in MECHANISMS}),
    }
    print(f"  new {blind_results['new_scorer']['per_mechanism']}", flush=True)

    print("final fit on all pairs and the medical replies", flush=True)
    out_path = epitome.WEIGHTS_FILE if not args.no_write_weights else Path("/tmp/epitome_weights_check.npz")
    before = EpitomeModel.load(epitome.WEIGHTS_FILE)
    final = epitome.fit(args.data, out_path, args.cache)
    reproduced = same_weights(before, EpitomeModel.load(out_path))

    results = {
        "data_sha256": epitome.data_sha256(args.data),
        "pairs": len(examples),
        "medical_replies": {name: len(x) for name, x in extras.items()},
        "blind_split": {"seed": BLIND_SEED, "method": "StratifiedGroupKFold(5, shuffle=True) by sp_id on the "
                        "ER/IP/EX >= 1 labels, first fold", "dev_pairs": len(dev), "blind_pairs": len(blind),
                        "blind_sp_ids": sorted({ex.sp_id for ex in blind})},
        "shipped_choice": {"training": SHIPPED_TRAINING, "reading": "shipped", "mechanism_cue": sc.MECHANISM_CUE},
        "dev_cv": {"by_training_and_reading": dev_cv,
                   "old_scorer": evaluate(dev, rows_of(old, dev_idx)),
                   "keywords": evaluate(dev, rows_of(keywords, dev_idx))},
        "validation_overall_by_training_and_reading": validation,
        "blind": blind_results,
        "all_pairs_old_scorer": evaluate(examples, old),
        "shipped_weights": {"path": str(out_path.relative_to(ROOT)) if out_path.is_relative_to(ROOT) else str(out_path),
                            "bytes": out_path.stat().st_size, "terms": len(final.vocabulary),
                            "medical_examples": final.meta["medical_examples"],
                            "identical_to_the_weights_before_this_run": reproduced,
                            "stack_coef": {m: [round(float(x), 3) for x in final.stack_coef[j]]
                                           for j, m in enumerate(MECHANISMS)}},
    }
    if not args.no_write_weights:
        results["shipped_scorer"] = shipped_checks(examples, rows)
    results["cpu_count"] = os.cpu_count()
    results["minutes"] = round((time.time() - started) / 60, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    res = main()
    brief = {
        "dev_cv_shipped_reading": {k: {"mean_auc": v["shipped"]["mean_auc"], "min_auc": v["shipped"]["min_auc"],
                                       "per_mechanism_auc": {m: x["auc"] for m, x in v["shipped"]["per_mechanism"].items()}}
                                   for k, v in res["dev_cv"]["by_training_and_reading"].items()},
        "blind": {k: {"mean_auc": v["mean_auc"], "per_mechanism_auc": {m: x["auc"] for m, x in v["per_mechanism"].items()}}
                  for k, v in res["blind"].items() if "mean_auc" in v},
        "validation_shipped": res.get("shipped_scorer", {}).get("validation"),
        "weights_reproduced": res["shipped_weights"]["identical_to_the_weights_before_this_run"],
    }
    print(json.dumps(brief, indent=1))
