"""A held-out empathy judge for edits: is the edit more empathic than the physician's draft, and by how much?

    python benchmarks/empathy_judge.py benchmarks/results/verified_editing.jsonl [more.jsonl ...] [--write]
    python benchmarks/empathy_judge.py --check          # the judge's own accuracy (grouped CV, validation set)

Issue 11 accepts edits when "the judge of a held-out empathy model rates >= 95 % of edits more empathic than the
draft, mean gain at least twice today's". The graders' judge is a model we do not have; this is a proxy built to be
independent of the product's scorer (``empathy.scoring``), so that edits tuned against the scorer do not grade
themselves:

* other features: character n-grams (2-5, within word boundaries) of the whole reply, TF-IDF; no MiniLM
  embeddings, no word lists, no sentence splitting, no stock-phrase rules;
* other medical data: ``benchmarks/data/judge_medical_sentences.tsv`` (written for the judge alone, levels 0-2),
  not ``empathy/data/scoring_sentences.tsv``; EPITOME (all 2,251 pairs, all three mechanisms) is shared, as it is
  the only human-labelled empathy data we have;
* one model family: plain logistic regressions, fitted at start (seconds), deterministic.

The judge's score of a reply is the mean of five probabilities: an annotator marking each EPITOME mechanism
(emotional reactions, interpretations, explorations) present, and the medical model's P(level >= 1) and
P(level = 2). The medical model learns from replies made of one labelled sentence and one to three sentences of
plain information (the level of the reply is its sentence's), so it reads whole replies as the EPITOME part does.
``judge(patient, draft, edit)`` is score(edit) - score(draft); "more empathic" means a gain above 0 (also reported
above ``MARGIN``, the tie margin of ``empathy.ranking``). It does not read the patient's message: neither model
gained from it.

EPITOME: Sharma, Miner, Atkins & Althoff (2020), EMNLP; Copyright 2019-2020 University of Washington (see
empathy/data/EPITOME-LICENSE.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np

from empathy.files import read_jsonl

EPITOME_DIR = Path(os.environ.get("EPITOME_DATA", "/work/shared/data/epitome"))
if not EPITOME_DIR.is_dir():
    EPITOME_DIR = ROOT.parent / "shared" / "data" / "epitome"
MEDICAL = ROOT / "benchmarks" / "data" / "judge_medical_sentences.tsv"
RESULTS = ROOT / "benchmarks" / "results"
MARGIN = 0.05
SEED = 7
C = 4.0


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True, min_df=2,
                           max_features=200_000)


def read_medical(path: Path = MEDICAL) -> tuple[list[str], list[int]]:
    texts, levels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            level, text = line.split("\t", 1)
            texts.append(text.strip())
            levels.append(int(level))
    return texts, levels


def medical_replies(texts: list[str], levels: list[int], seed: int = SEED) -> tuple[list[str], list[int], list[int]]:
    """(replies, levels, groups): each sentence alone and in two replies with 1-3 level-0 information sentences."""
    rng = np.random.default_rng(seed)
    info = [t for t, lv in zip(texts, levels) if lv == 0]
    replies, out_levels, groups = [], [], []
    for i, (text, level) in enumerate(zip(texts, levels)):
        replies.append(text)
        out_levels.append(level)
        groups.append(i)
        for _ in range(2):
            others = [info[j] for j in rng.choice(len(info), size=int(rng.integers(1, 4)), replace=False) if info[j] != text]
            replies.append(" ".join([text] + others if rng.random() < 0.6 else others + [text]))
            out_levels.append(level)
            groups.append(i)
    return replies, out_levels, groups


@dataclass
class Judge:
    """Fitted vectorizer and logistic regressions (scikit-learn objects; this is a benchmark, not the product)."""

    vectorizer: object
    models: list  # (name, LogisticRegression)

    def scores(self, replies: list[str]) -> np.ndarray:
        X = self.vectorizer.transform([r or "" for r in replies])
        return np.mean([m.predict_proba(X)[:, 1] for _, m in self.models], axis=0)

    def parts(self, reply: str) -> dict[str, float]:
        X = self.vectorizer.transform([reply or ""])
        return {name: round(float(m.predict_proba(X)[0, 1]), 4) for name, m in self.models}


def fit_judge(epitome_rows: list[tuple[str, dict[str, int]]], medical: tuple[list[str], list[int]]) -> Judge:
    """One vectorizer over both corpora; three EPITOME mechanism models and two medical level models."""
    from sklearn.linear_model import LogisticRegression

    replies, levels, _ = medical_replies(*medical)
    vectorizer = _vectorizer().fit([r for r, _ in epitome_rows] + replies)
    X_e = vectorizer.transform([r for r, _ in epitome_rows])
    X_m = vectorizer.transform(replies)
    models = []
    for m in ("emotional_reactions", "interpretations", "explorations"):
        y = np.array([lv[m] >= 1 for _, lv in epitome_rows], dtype=int)
        models.append((m, LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(X_e, y)))
    for name, threshold in (("medical_any", 1), ("medical_strong", 2)):
        y = np.array([lv >= threshold for lv in levels], dtype=int)
        models.append((name, LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(X_m, y)))
    return Judge(vectorizer, models)


def load_epitome() -> list[tuple[str, dict[str, int], str]]:
    """(response, levels, seeker post id) for every EPITOME pair (the CSVs are read by the product's loader)."""
    from empathy.epitome import load_examples

    return [(ex.reply, ex.levels, ex.sp_id) for ex in load_examples(EPITOME_DIR)]


@lru_cache(maxsize=1)
def get_judge() -> Judge:
    return fit_judge([(r, lv) for r, lv, _ in load_epitome()], read_medical())


def judge(patient: str, draft: str, edit: str) -> float:
    """How much more empathic ``edit`` is than ``draft`` in the judge's score (in [-1, 1]; > 0 means more)."""
    a, b = get_judge().scores([draft, edit])
    return float(b - a)


@dataclass
class EditSummary:
    file: str
    edits: int
    more_empathic: float  # share with gain > 0
    more_empathic_by_margin: float  # share with gain > MARGIN
    mean_gain: float
    median_gain: float
    mean_draft: float
    mean_edit: float
    unchanged: int  # edits identical to the draft (gain 0, counted as not more empathic)


def _patients_of_verified_editing() -> dict[str, str]:
    """verified_editing.jsonl has no patient field; its drafts (and messages) come from the benchmark's list."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from verified_editing import drafts

    return {d["id"]: d["patient"] for d in drafts(10_000)}


def read_edits(path: Path) -> list[dict]:
    """The edits of a JSONL file; a line that is not an object with a draft and a text is an error (ValueError)."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}: line {n} is not JSON ({e.msg})") from None
            if not isinstance(rows[-1], dict):
                raise ValueError(f"{path}: line {n} is not a JSON object")
    if any("patient" not in r for r in rows):
        patients = _patients_of_verified_editing()
        for r in rows:
            r.setdefault("patient", patients.get(r.get("id"), ""))
    bad = [i + 1 for i, r in enumerate(rows) if not isinstance(r.get("draft"), str) or not isinstance(r.get("text"), str)]
    if bad:
        raise ValueError(f"{path}: edits {bad[:5]} lack a draft or a text")
    if not rows:
        raise ValueError(f"{path}: no edits")
    return rows


def summarize(path: Path, rows: list[dict]) -> tuple[EditSummary, list[float]]:
    scores = get_judge().scores([r["draft"] for r in rows] + [r["text"] for r in rows])
    draft, edit = scores[: len(rows)], scores[len(rows):]
    gains = (edit - draft).tolist()
    return EditSummary(
        file=str(path), edits=len(rows),
        more_empathic=round(float(np.mean([g > 0 for g in gains])), 4),
        more_empathic_by_margin=round(float(np.mean([g > MARGIN for g in gains])), 4),
        mean_gain=round(float(np.mean(gains)), 4), median_gain=round(float(np.median(gains)), 4),
        mean_draft=round(float(draft.mean()), 4), mean_edit=round(float(edit.mean()), 4),
        unchanged=sum(r["text"].strip() == r["draft"].strip() for r in rows),
    ), gains


def check() -> dict:
    """The judge's own accuracy: grouped 5-fold CV on EPITOME (by seeker post) and on the medical sentences (by
    sentence), and, never trained on, the project's validation set (AUC of level >= 2, Spearman with the level)."""
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    rows = load_epitome()
    medical = read_medical()
    groups = np.array([g for _, _, g in rows])
    mechanisms = ("emotional_reactions", "interpretations", "explorations")
    oof = np.zeros((len(rows), 3))
    med_texts, med_levels = medical
    med_oof = np.zeros(len(med_texts))
    splits = list(GroupKFold(n_splits=5).split(np.zeros(len(rows)), groups=groups))
    med_folds = np.arange(len(med_texts)) % 5
    for k, (train, test) in enumerate(splits):
        keep = med_folds != k
        j = fit_judge([(rows[i][0], rows[i][1]) for i in train],
                      ([t for t, f in zip(med_texts, keep) if f], [lv for lv, f in zip(med_levels, keep) if f]))
        X = j.vectorizer.transform([rows[i][0] for i in test])
        for c, (_, model) in enumerate(j.models[:3]):
            oof[test, c] = model.predict_proba(X)[:, 1]
        idx = np.where(~keep)[0]
        med_oof[idx] = j.scores([med_texts[i] for i in idx])
    out = {"epitome_grouped_cv_auc": {m: round(float(roc_auc_score([r[1][m] >= 1 for r in rows], oof[:, c])), 4)
                                      for c, m in enumerate(mechanisms)},
           "medical_sentences_cv": {"auc_level_ge_1": round(float(roc_auc_score(np.array(med_levels) >= 1, med_oof)), 4),
                                    "spearman": round(float(spearmanr(med_levels, med_oof).correlation), 4)}}
    validation = read_jsonl(ROOT / "tests/data/scoring_validation.jsonl")
    s = get_judge().scores([r["reply"] for r in validation])
    levels = np.array([r["level"] for r in validation])
    graded = np.array([r["kind"] == "graded" for r in validation])
    out["validation_set"] = {"auc_level_ge_2": round(float(roc_auc_score(levels >= 2, s)), 4),
                             "spearman": round(float(spearmanr(levels, s).correlation), 4),
                             "mean_by_level": [round(float(s[graded & (levels == lv)].mean()), 3) for lv in range(4)]}
    stock = "Thank you for your message."
    draft = "Your biopsy results will be ready in 3 to 5 days."
    out["probes"] = {t: round(judge("", draft, f"{t} {draft}"), 4) for t in (
        stock, "I understand.", "I can hear how frightening this wait has been for you.",
        "How are you holding up while you wait?")}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help='JSONL of edits: {"patient", "draft", "text"} per line')
    parser.add_argument("--check", action="store_true", help="the judge's own accuracy")
    parser.add_argument("--write", action="store_true", help="save the summaries to benchmarks/results/judge_edits.json")
    args = parser.parse_args(argv)
    if not args.files and not args.check:
        parser.error("name a JSONL of edits, or --check")
    try:
        edits = {path: read_edits(path) for path in args.files}
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out: dict = {}
    if args.check:
        out["judge_check"] = check()
        print(json.dumps(out["judge_check"], indent=1))
    summaries = []
    for path, rows in edits.items():
        summary, gains = summarize(path, rows)
        summaries.append(asdict(summary))
        print(f"{path}: {summary.edits} edits, more empathic than the draft {summary.more_empathic:.1%} "
              f"(by > {MARGIN}: {summary.more_empathic_by_margin:.1%}), mean gain {summary.mean_gain:+.4f} "
              f"(median {summary.median_gain:+.4f}; draft {summary.mean_draft:.3f} -> edit {summary.mean_edit:.3f})")
    if args.write:
        out["edits"] = summaries
        out["margin"] = MARGIN
        (RESULTS / "judge_edits.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
