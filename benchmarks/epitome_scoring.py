"""EPITOME mechanism predictor (empathy/epitome.py): fit, cross-validation, blind check, medical domain check.

    python benchmarks/epitome_scoring.py --data /work/shared/data/epitome

One run, in this order:
1. Blind split: 20% of the seeker posts (grouped by sp_id, stratified by the three labels, seed BLIND_SEED),
   set aside before any tuning; their sp_ids are written to the results.
2. Dev: grouped 5-fold CV on the other 80% (the numbers the method was tuned on), with every component alone
   (to show what each earns), the sentence classifier against the rationale spans, and the average of the
   predictor with the old scorer (the blend suggested for ``score_empathy``).
3. Blind: fit on all of dev, score the blind 20% once.
4. The old scorer (``score_empathy(...).dimensions[dim].score``) and a keyword baseline on the same rows.
5. Refit on all 2,251 pairs and write the shipped weights (``empathy.epitome.fit``).
6. The shipped model on tests/data/scoring_validation.jsonl (medical replies, intended level 0-3): AUC of
   level >= 2 and Spearman per mechanism, and the overall score with the mechanisms blended in several ways.
7. CPU milliseconds per reply of ``predict_embedded`` (sentence embeddings given) and the weights' size.

Results: benchmarks/results/epitome_scoring.json. AUC is level >= 1 against level 0; Spearman is against 0-2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
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
from empathy.epitome import MECHANISMS, EpitomeExample, EpitomeModel

BLIND_SEED, CV_SEED, FOLDS = 20251122, 1, 5
RESULTS = ROOT / "benchmarks" / "results" / "epitome_scoring.json"
VALIDATION = ROOT / "tests" / "data" / "scoring_validation.jsonl"

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


@dataclass
class Metrics:
    auc: float
    spearman: float


@dataclass
class MethodMetrics:
    """Per-mechanism metrics of one method on one set of rows, and their mean."""

    per_mechanism: dict[str, Metrics]
    mean_auc: float = 0.0
    mean_spearman: float = 0.0

    def __post_init__(self):
        self.mean_auc = round(statistics.mean(m.auc for m in self.per_mechanism.values()), 4)
        self.mean_spearman = round(statistics.mean(m.spearman for m in self.per_mechanism.values()), 4)


def evaluate(examples: list[EpitomeExample], scores: dict[str, np.ndarray]) -> MethodMetrics:
    out = {}
    for m in MECHANISMS:
        levels = np.array([ex.levels[m] for ex in examples])
        out[m] = Metrics(round(float(roc_auc_score(levels >= 1, scores[m])), 4),
                         round(float(spearmanr(levels, scores[m]).correlation), 4))
    return MethodMetrics(out)


def blind_split(examples: list[EpitomeExample]) -> tuple[list[int], list[int]]:
    """(dev, blind) row indices: the first of five grouped, stratified folds is the blind part."""
    dev, blind = epitome._grouped_folds(examples, FOLDS, BLIND_SEED)[0]
    return sorted(dev.tolist()), sorted(blind.tolist())


def predict_rows(model: EpitomeModel, examples: list[EpitomeExample], vectors) -> tuple[dict, dict]:
    """Stacked probabilities and each component's logit, per mechanism, for ``examples``."""
    stacked = {m: np.zeros(len(examples)) for m in MECHANISMS}
    components = {c: {m: np.zeros(len(examples)) for m in MECHANISMS} for c in epitome.COMPONENTS}
    for i, ex in enumerate(examples):
        if not ex.spans:
            continue
        emb = np.stack([vectors[ex.reply[s:e]] for s, e in ex.spans])
        scores = model.predict_embedded(ex.reply, ex.spans, emb)
        logits = epitome._components(model, ex, vectors)
        for j, m in enumerate(MECHANISMS):
            stacked[m][i] = scores.probability(m)
            for k, c in enumerate(epitome.COMPONENTS):
                components[c][m][i] = logits[j, k]
    return stacked, components


def sentence_auc(model: EpitomeModel, examples: list[EpitomeExample], vectors) -> dict[str, float]:
    """AUC of the sentence classifier against the rationale targets (how well the highlights are placed)."""
    probs, targets = [], {m: [] for m in MECHANISMS}
    for ex in examples:
        if ex.spans:
            emb = np.stack([vectors[ex.reply[s:e]] for s, e in ex.spans])
            probs.append(model.sentence_logits([ex.reply[s:e] for s, e in ex.spans], emb))
            for m in MECHANISMS:
                targets[m] += ex.sentence_targets[m]
    z = np.vstack(probs)
    return {m: round(float(roc_auc_score(targets[m], z[:, j])), 4) for j, m in enumerate(MECHANISMS)}


@dataclass
class CrossValidation:
    stacked: MethodMetrics
    components: dict[str, MethodMetrics]
    sentence_auc_vs_rationales: dict[str, float]
    fold_mean_auc: list[float] = field(default_factory=list)


def cross_validate(examples: list[EpitomeExample], vectors) -> tuple[CrossValidation, dict[str, np.ndarray]]:
    """Grouped 5-fold CV of the whole fit (stacker included); also returns the out-of-fold probabilities."""
    n = len(examples)
    stacked = {m: np.zeros(n) for m in MECHANISMS}
    components = {c: {m: np.zeros(n) for m in MECHANISMS} for c in epitome.COMPONENTS}
    fold_auc = []
    per_fold_sentence = []
    for train, test in epitome._grouped_folds(examples, FOLDS, CV_SEED):
        model = epitome.fit_model([examples[i] for i in train], vectors)
        test_rows = [examples[i] for i in test]
        s, c = predict_rows(model, test_rows, vectors)
        for m in MECHANISMS:
            stacked[m][test] = s[m]
            for name in epitome.COMPONENTS:
                components[name][m][test] = c[name][m]
        fold_auc.append(evaluate(test_rows, s).mean_auc)
        per_fold_sentence.append(sentence_auc(model, test_rows, vectors))
        print(f"  fold: mean AUC {fold_auc[-1]:.3f}", flush=True)
    return CrossValidation(
        stacked=evaluate(examples, stacked),
        components={name: evaluate(examples, components[name]) for name in epitome.COMPONENTS},
        sentence_auc_vs_rationales={m: round(statistics.mean(f[m] for f in per_fold_sentence), 4) for m in MECHANISMS},
        fold_mean_auc=fold_auc,
    ), stacked


def old_scorer_scores(pairs: list[tuple[str, str]]) -> list:
    """``score_empathy`` for every pair (sentences embedded in one batch first)."""
    from empathy.scoring import preload, score_empathy

    preload(pairs)
    return [score_empathy(p, r) for p, r in pairs]


# ---------------------------------------------------------------- the medical validation set


def _overall(old, mechanism_scores: dict[str, float]) -> float:
    """``score_empathy``'s overall with the three mechanism scores replaced (same weights and penalties)."""
    from empathy.scoring import FALSE_REASSURANCE_FACTOR, WEIGHTS

    dims = {d: s.score for d, s in old.dimensions.items()} | mechanism_scores
    overall = sum(WEIGHTS[d] * dims[d] for d in WEIGHTS)
    overall *= FALSE_REASSURANCE_FACTOR ** len(old.flag_spans.get("false_reassurance", []))
    return float(np.clip(overall, 0.0, 1.0))


def medical_check(model: EpitomeModel) -> dict:
    """The shipped model on the project's validation replies, next to the old dimensions, and blends."""
    from empathy.scoring import _embed, analyze_reply, score_empathy
    from empathy.text import split_sentences

    rows = [json.loads(line) for line in VALIDATION.read_text().splitlines() if line.strip()]
    levels = np.array([r["level"] for r in rows])
    pairs = [(r["patient"], r["reply"]) for r in rows]
    old = old_scorer_scores(pairs)
    new = []
    for patient, reply in pairs:
        spans = split_sentences(reply)
        new.append(model.predict_embedded(reply, spans, _embed([reply[s:e] for s, e in spans])))

    def metrics(values) -> Metrics:
        return Metrics(round(float(roc_auc_score(levels >= 2, values)), 4),
                       round(float(spearmanr(levels, values).correlation), 4))

    out: dict = {"rows": len(rows), "epitome": {}, "old": {}}
    for m in MECHANISMS:
        out["epitome"][m] = asdict(metrics([s.probability(m) for s in new]))
        out["old"][m] = asdict(metrics([o.dimensions[m].score for o in old]))
    out["epitome"]["mean_of_three"] = asdict(metrics([np.mean([s.probability(m) for m in MECHANISMS]) for s in new]))
    out["old"]["mean_of_three"] = asdict(metrics([np.mean([o.dimensions[m].score for m in MECHANISMS]) for o in old]))
    out["old"]["overall"] = asdict(metrics([o.overall for o in old]))
    # Per level means show where the Reddit-trained mechanisms disagree with the intended levels.
    out["epitome_mean_probability_by_level"] = {
        m: {str(lv): round(float(np.mean([s.probability(m) for s, L in zip(new, levels) if L == lv])), 3)
            for lv in range(4)} for m in MECHANISMS}

    # Blends: reply-level (the three dimension scores replaced or averaged, overall recomputed) ...
    reproduced = max(abs(_overall(o, {}) - o.overall) for o in old)  # 0 unless the stock-phrase cap applied
    blends = {
        "reply_replace": [_overall(o, {m: s.probability(m) for m in MECHANISMS}) for o, s in zip(old, new)],
        "reply_average": [_overall(o, {m: (s.probability(m) + o.dimensions[m].score) / 2 for m in MECHANISMS})
                          for o, s in zip(old, new)],
    }
    # ... and sentence-level: the epitome sentence probabilities fed through score_empathy's own credit rules
    # (stock phrases, repeats, relevance to the patient), replacing or averaged with the old probabilities.
    for name, mix in (("sentence_replace", lambda old_p, new_p: new_p),
                      ("sentence_average", lambda old_p, new_p: (old_p + new_p) / 2)):
        values = []
        for (patient, reply), s in zip(pairs, new):
            analysis = analyze_reply(patient, reply)
            for a, sent in zip(analysis, s.sentences):
                for m in MECHANISMS:
                    a.probs[m] = float(mix(a.probs[m], sent.probabilities[m]))
            values.append(score_empathy(patient, reply, analysis=analysis).overall)
        blends[name] = values
    out["overall_blends"] = {name: asdict(metrics(v)) for name, v in blends.items()}
    out["overall_recomputation_max_error"] = round(float(reproduced), 4)
    return out


def cpu_ms_per_reply(weights: Path) -> dict:
    """CPU time of loading ``weights`` and of ``predict_embedded`` on the validation replies, sentence embeddings
    precomputed (what the predictor adds to ``score_empathy``, which embeds the sentences anyway)."""
    from empathy.scoring import _embed
    from empathy.text import split_sentences

    t = time.process_time()
    model = EpitomeModel.load(weights)
    load_ms = (time.process_time() - t) * 1000

    rows = [json.loads(line) for line in VALIDATION.read_text().splitlines() if line.strip()]
    prepared = []
    for r in rows:
        spans = split_sentences(r["reply"])
        prepared.append((r["reply"], spans, _embed([r["reply"][s:e] for s, e in spans])))
    times, typical = [], []
    for _ in range(3):
        for reply, spans, emb in prepared:
            t = time.process_time()
            model.predict_embedded(reply, spans, emb)
            ms = (time.process_time() - t) * 1000
            times.append(ms)
            if 3 <= len(spans) <= 6:
                typical.append(ms)
    return {"mean_ms": round(statistics.mean(times), 2), "p95_ms": round(sorted(times)[int(0.95 * len(times))], 2),
            "mean_ms_3_to_6_sentences": round(statistics.mean(typical), 2),
            "load_weights_ms": round(load_ms, 1)}


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
    vectors = epitome.embed_sentences(examples, args.cache)
    dev_idx, blind_idx = blind_split(examples)
    dev, blind = [examples[i] for i in dev_idx], [examples[i] for i in blind_idx]
    print(f"{len(examples)} pairs: dev {len(dev)}, blind {len(blind)}", flush=True)

    print("dev: grouped 5-fold CV", flush=True)
    cv, dev_probabilities = cross_validate(dev, vectors)
    print("blind: fit on dev, score blind", flush=True)
    blind_model = epitome.fit_model(dev, vectors)
    blind_scores, blind_components = predict_rows(blind_model, blind, vectors)

    print("old scorer and keywords", flush=True)
    old = old_scorer_scores([(ex.seeker, ex.reply) for ex in examples])
    old_scores = {m: np.array([o.dimensions[m].score for o in old]) for m in MECHANISMS}
    keyword_scores = {m: np.array([keyword_score(ex.reply, m) for ex in examples]) for m in MECHANISMS}

    def rows_of(scores, idx):
        return {m: scores[m][idx] for m in MECHANISMS}

    def average_with_old(probabilities, idx):
        """(epitome + old) / 2: the blend suggested for score_empathy, measured on EPITOME too."""
        return {m: (probabilities[m] + old_scores[m][idx]) / 2 for m in MECHANISMS}

    print("final fit on all pairs", flush=True)
    out_path = epitome.WEIGHTS_FILE if not args.no_write_weights else Path("/tmp/epitome_weights_check.npz")
    final = epitome.fit(args.data, out_path, args.cache)

    results = {
        "data_sha256": epitome.data_sha256(args.data),
        "pairs": len(examples),
        "blind_split": {"seed": BLIND_SEED, "method": "StratifiedGroupKFold(5, shuffle=True) by sp_id on the "
                        "ER/IP/EX >= 1 labels, first fold", "dev_pairs": len(dev), "blind_pairs": len(blind),
                        "blind_sp_ids": sorted({ex.sp_id for ex in blind})},
        "dev_cv": {
            "epitome": asdict(cv.stacked),
            "components_alone": {k: asdict(v) for k, v in cv.components.items()},
            "sentence_auc_vs_rationales": cv.sentence_auc_vs_rationales,
            "fold_mean_auc": cv.fold_mean_auc,
            "old_scorer": asdict(evaluate(dev, rows_of(old_scores, dev_idx))),
            "keywords": asdict(evaluate(dev, rows_of(keyword_scores, dev_idx))),
            "average_with_old_scorer": asdict(evaluate(dev, average_with_old(dev_probabilities, dev_idx))),
        },
        "blind": {
            "epitome": asdict(evaluate(blind, blind_scores)),
            "components_alone": {k: asdict(evaluate(blind, v)) for k, v in blind_components.items()},
            "sentence_auc_vs_rationales": sentence_auc(blind_model, blind, vectors),
            "old_scorer": asdict(evaluate(blind, rows_of(old_scores, blind_idx))),
            "keywords": asdict(evaluate(blind, rows_of(keyword_scores, blind_idx))),
            "average_with_old_scorer": asdict(evaluate(blind, average_with_old(blind_scores, blind_idx))),
        },
        "all_pairs_old_scorer": asdict(evaluate(examples, old_scores)),
        "all_pairs_keywords": asdict(evaluate(examples, keyword_scores)),
        "shipped_weights": {"path": str(out_path.relative_to(ROOT)) if out_path.is_relative_to(ROOT) else str(out_path),
                            "bytes": out_path.stat().st_size, "terms": len(final.vocabulary),
                            "stack_coef": {m: [round(float(x), 3) for x in final.stack_coef[j]]
                                           for j, m in enumerate(MECHANISMS)}},
        "medical_validation": medical_check(final),
        "cpu_ms_per_reply": cpu_ms_per_reply(out_path),
        "cpu_count": os.cpu_count(),
        "minutes": round((time.time() - started) / 60, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    res = main()
    brief = {k: res[k] for k in ("dev_cv", "blind")}
    for part in brief.values():
        part.pop("components_alone", None)
    print(json.dumps(brief | {"medical_validation": res["medical_validation"], "cpu_ms_per_reply": res["cpu_ms_per_reply"],
                              "shipped_weights": res["shipped_weights"]}, indent=1))
