"""Fit empathy/data/claim_model.npz: does a sentence state something clinical, or is it framing (empathy.facts.claims)?

Training sentences, none from a blind set and none written by the checker's authors for the checker:
- clinical (1): statements of real doctors' replies (ChatDoctor dev split, every fact the checker extracts, with
  or without an entity: "Stress can make this worse" is a claim), and the sentence gate's ``clinical_claim`` labels (gate dev split, ChatDoctor-dev drafts, the two thirds
  of sentences the gate_framing benchmark does not hold out);
- framing (0): EPITOME emotional-reaction and interpretation rationales (Reddit peer support, Sharma et al. 2020; spans with advice,
  reassurance, questions or professional help left out), the gate's ``stock_line`` labels (same two thirds), the
  sentences of the ChatDoctor dev replies that carry no fact ("I understand your concern"), the product's framing
  bank and filled templates, and the first half (by hash) of the dev framing pools of benchmarks/data/framing_dev2.json
  (its other half and its wrapped claims stay out: they measure), and the framing pools of
  benchmarks/data/framing_train3.json (written for training only), the framing pools of framing_train4.json (three
  more writers, for training only) and the clean framing of the written sets heldout_1123-1134 (twelve writers; blind
  once, development sets since: 1131-1134 joined in the eleventh session), without the sentences of pairs an
  independent judge flagged.

The claim head is an RBF-kernel SVM (C=4). Leaving each of the eight written sets out in turn (2026-11-23), at the
same recall of clinical statements, the shipped logistic regression read 16 % of a left-out writer's framing as
clinical; refitted with the eight sets, 11 %; an SVM, 7 %; the SVM with framing_train4 too, 2-6 % per written set
(9-12 % per training-only writer). With the twelve sets (eleventh session) the per-set share is 0-15 %, and on the
development sets (all dev pools and written sets) written framing false alarms fell from 0.079 to 0.064 with no
detection lost. Its decision is mapped to a probability by a logistic fitted on the cross-validated decisions.

A second head reads reassurance (reassurance_rows); its threshold lets 1 % of the other rows through.

The threshold keeps 98 % of the cross-validated clinical rows that the model may judge at it (``model_tier``
"plain": no hard entity, advice, negation or hedge) above it. Setting it on full statements only (no questions,
fragments or transcript lines) raised it to 0.24 and cut false alarms on unseen framing by a third, but let 13 of 80
added advice sentences of the blind perturbation pools through: it stays on all rows. Guarded statements (hedged, or
advice about the correspondence) are cleared only below half the threshold, and below every cross-validated clinical
statement of that tier; the report gives how many would be cleared.

    python benchmarks/build_claim_model.py            # cross-validate, fit, write the weights
    python benchmarks/build_claim_model.py --cv-only
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld  # noqa: E402

from empathy.embeddings import embed  # noqa: E402
from empathy.facts.claims import DATA, ClaimModel, model_tier  # noqa: E402
from empathy.facts.content import imperative  # noqa: E402
from empathy.facts.extract import extract_facts  # noqa: E402
from empathy.generation.bank import bank_sentences  # noqa: E402
from empathy.generation.templates import TEMPLATES  # noqa: E402
from empathy.text import REASSURANCE  # noqa: E402

ROOT = realworld.ROOT
GATE = ROOT / "tests" / "data" / "gate_sentences.jsonl"
EPITOME = [Path("/work/shared/data/epitome") / f"{name}.csv" for name in ("emotional-reactions", "interpretations")]
DEV_FRAMING = ROOT / "benchmarks" / "data" / "framing_dev2.json"
TRAIN = ROOT / "benchmarks" / "data" / "framing_train3.json"  # written for training only, by a helper session
TRAIN4 = ROOT / "benchmarks" / "data" / "framing_train4.json"  # three more writers, for training only
WRITTEN_SETS = range(1123, 1135)  # blind once, read and tuned on since: development sets now
RECALL = 0.98
GUARDED_SHARE = 0.5  # guarded statements are framing only below half the threshold
_META = re.compile(r"^\W*(?:note|patient|doctor)\b:?|\bconversation\b", re.I)
# EPITOME spans that advise, reassure, ask or talk about professional help are not framing a clinician could add.
_NOT_FRAMING = re.compile(r"\b(?:should|try|better|need to|have to|must|go to|see a|talk to|get help|fuck|shit|"
                          r"therapist|counsel|medic|doctor|pills?|drugs?)\b|\?", re.I)
_FILL = {"What": "The headaches", "what": "the headaches", "dur": " for two weeks", "feeling": "worried",
         "key": "your results", "person": "your son", "topic": "your results"}


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def gate(blind_ids: set[str]) -> list[tuple[str, int, str]]:
    rows = [r for r in realworld.read_jsonl(GATE) if r.get("split") == "dev" and r.get("label")]
    out = []
    for r in rows:
        if r["draft_id"] in blind_ids or _hash(r["text"]) % 3 == 2:  # the gate_framing benchmark's held-out third
            continue
        if r["label"] in ("clinical_claim", "stock_line"):
            out.append((r["text"], int(r["label"] == "clinical_claim"), "gate_" + r["label"]))
    return out


def chatdoctor(replies: list, n_replies: int = 600) -> list[tuple[str, int, str]]:
    dev = sorted((r for r in replies if r.split == "dev"), key=lambda r: _hash(r.id))[:n_replies]
    out = []
    for r in dev:
        facts, other = extract_facts(r.reply)
        out += [(f.text, 1, "chatdoctor_fact" if f.entities else "chatdoctor_plain_fact") for f in facts]
        out += [(r.reply[s:e].strip(), 0, "chatdoctor_other") for s, e in other if len(r.reply[s:e].split()) >= 3]
    return out


def epitome() -> list[tuple[str, int, str]]:
    out = []
    for path in EPITOME:
        with path.open(encoding="utf-8", errors="replace") as f:
            for row in csv.DictReader(f):
                if row["level"] not in ("1", "2"):
                    continue
                for span in (s.strip() for s in row["rationales"].split("|")):
                    if 4 <= len(span.split()) <= 20 and imperative(span) != "advice" and not REASSURANCE.search(span) \
                            and not _NOT_FRAMING.search(span):
                        out.append((span, 0, "epitome_" + path.stem))
    return out


def product_framing() -> list[tuple[str, int, str]]:
    def fill(t: str) -> str:
        for k, v in _FILL.items():
            t = t.replace("{" + k + "}", v)
        return t
    return [(t, 0, "bank") for t in bank_sentences()] + [(fill(t.text), 0, "template") for t in TEMPLATES]


def dev_framing_half() -> list[tuple[str, int, str]]:
    if not DEV_FRAMING.is_file():
        return []
    pools = json.loads(DEV_FRAMING.read_text(encoding="utf-8"))
    out = []
    for key in ("generic_open", "generic_close", "concern", "middle"):
        for t in pools.get(key, []):
            if _hash(t) % 2 == 0:
                out.append((t.format(symptom="the headaches", Symptom="The headaches"), 0, "dev2_" + key))
                if key == "concern":
                    out.append((t.format(symptom="this", Symptom="This"), 0, "dev2_concern_masked"))
    return out


_SYMPTOMS = ("the headaches", "chest pain", "the rash", "back pain", "the dizziness", "a cough that won't shift",
             "the swelling", "stomach cramps", "the tiredness", "pain in your knee")


def written_for_training() -> list[tuple[str, int, str]]:
    """framing_train3.json, written for training only by a helper session from a brief: clinician-style framing (0),
    each concern template twice, with a symptom and with "this" (what the checker reads once the patient's words are
    masked). Its warm clinical statements are left out: at 98 % recall of them the threshold fell so low that
    framing the model had never seen was read as clinical twice as often (dev2 held-out half), for 0.84 -> 0.97 of
    wrapped claims that the rules mostly catch anyway."""
    if not TRAIN.is_file():
        return []
    pools = json.loads(TRAIN.read_text(encoding="utf-8"))
    return [row for key in ("open", "close", "concern", "middle", "feeling_not_reassure")
            for row in _framing_rows(pools.get(key, []), "train3_" + key, key == "concern")]


def written_sets(replies: list) -> list[tuple[str, int, str]]:
    """The clean framing of the written sets that are development sets now (heldout_1123-1134: twelve writers, each a
    different clinic's voice), without the sentences of pairs an independent judge flagged (an invented detail about
    the patient); concern templates with a symptom and with "this", as for the training sets."""
    import realworld_facts as rf

    out = []
    for n in WRITTEN_SETS:
        path = rf.DATA / f"heldout_{n}.json"
        judged = rf.DATA / "adjudicated" / f"heldout_{n}.jsonl"
        lines = judged.read_text(encoding="utf-8").splitlines() if judged.is_file() else []
        labels = [json.loads(line) for line in lines]
        flagged = {row["pair_id"] for row in labels if row["label"] == "needs_check"}
        bad = {p["note"] for p in rf._written_set(path, "blind", replies, True) if p["id"] in flagged}
        pools = json.loads(path.read_text(encoding="utf-8"))
        for key in ("generic_open", "generic_close", "middle", "concern"):
            out += _framing_rows(pools.get(key, []), f"w{n}_{key}", key == "concern", skip=bad)
    return out


def written_for_training_4() -> list[tuple[str, int, str]]:
    """framing_train4.json: three more writers' framing, written for training only (their warm clinical statements and
    reassurances are left out, as for framing_train3)."""
    if not TRAIN4.is_file():
        return []
    out = []
    for name, pools in json.loads(TRAIN4.read_text(encoding="utf-8"))["writers"].items():
        for key in ("open", "close", "concern", "middle", "negated_framing", "feeling_not_reassure"):
            out += _framing_rows(pools.get(key, []), f"train4_{key}", key == "concern")
    return out


def _framing_rows(texts: list[str], source: str, concern: bool, skip: set[str] = frozenset()):
    """Framing rows (label 0); a concern template with a symptom, and again with "this" (the patient's words masked)."""
    out = []
    for i, t in enumerate(texts):
        sym = _SYMPTOMS[i % len(_SYMPTOMS)]
        filled = t.format(symptom=sym, Symptom=sym[:1].upper() + sym[1:]) if concern else t
        if any(_fits(t, note) for note in skip):
            continue
        out.append((filled, 0, source))
        if concern:
            out.append((t.format(symptom="this", Symptom="This"), 0, source + "_masked"))
    return out


def _fits(template: str, note: str) -> bool:
    """Whether a pair's sentence is this template, whatever symptom filled it."""
    pattern = re.escape(template).replace(r"\{symptom\}", ".+").replace(r"\{Symptom\}", ".+")
    return re.fullmatch(pattern, note) is not None


def reassurance_rows(rows: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The reassurance head: reassuring sentences (the dev perturbation pool, the gate's dev sentences that the rules
    read as reassurance, the first half of the dev set's false-reassurance pool) against every training row."""
    import realworld_perturb

    yes = [(t, "pool") for t in realworld_perturb.pools_for("dev").reassurance]
    yes += [(r["text"], "gate") for r in realworld.read_jsonl(GATE) if r.get("split") == "dev" and "text" in r
            and REASSURANCE.search(r["text"])]
    if DEV_FRAMING.is_file():
        pools = json.loads(DEV_FRAMING.read_text(encoding="utf-8"))
        yes += [(t, "dev2") for t in pools.get("false_reassurance", []) if _hash(t) % 2 == 0]
    if TRAIN.is_file():
        yes += [(t, "train3") for t in json.loads(TRAIN.read_text(encoding="utf-8")).get("reassure", [])]
    positive = {t for t, _ in yes}
    return [(t, 1, "reassure_" + s) for t, s in yes] + [(t, 0, s) for t, _, s in rows if t not in positive
                                                         and not REASSURANCE.search(t)]


def training_rows() -> list[tuple[str, int, str]]:
    replies = realworld.load(None)
    blind = {r.id for r in replies if r.split == "blind"}
    rows = gate(blind) + chatdoctor(replies) + epitome() + product_framing() + dev_framing_half() + written_for_training()
    rows += written_sets(replies) + written_for_training_4()
    return list({t: (t, y, s) for t, y, s in rows if t}.values())  # one row per text


def statement(text: str) -> bool:
    """A sentence an edit could add as a statement: no question, fragment or meta-line of a transcript."""
    text = text.strip()
    return len(text.split()) >= 4 and not text.endswith("?") and not _META.search(text)


def judged(rows, tier: str = "plain") -> np.ndarray:
    """Which clinical statements the model would be asked about in the product at a tier (thresholds are set on
    these)."""
    mask = []
    for t, y, _ in rows:
        if y != 1 or (tier == "guarded" and not statement(t)):
            mask.append(False)
            continue
        facts, _ = extract_facts(t)
        mask.append(any(model_tier(f, ["new_claim"]) == tier for f in facts))
    return np.array(mask, dtype=bool)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--c", type=float, default=4.0, help="the SVM's C (the reassurance head keeps C=2)")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.svm import SVC

    rows = training_rows()
    random.Random(0).shuffle(rows)
    x = embed([t for t, _, _ in rows])
    y = np.array([label for _, label, _ in rows])
    gamma = 1.0 / (x.shape[1] * x.var())  # scikit-learn's "scale"
    svm = SVC(C=args.c, kernel="rbf", gamma=gamma, class_weight="balanced")
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    d = cross_val_predict(svm, x, y, cv=folds, method="decision_function")
    platt = LogisticRegression(C=1e6, max_iter=5000).fit(d[:, None], y)  # decision -> probability
    scale, offset = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    p = 1.0 / (1.0 + np.exp(-(scale * d + offset)))
    mask = judged(rows)
    threshold = float(np.quantile(p[mask], 1 - RECALL)) if mask.any() else 0.5
    guarded = judged(rows, "guarded") & ~mask
    # guarded statements are cleared only well below the threshold, where no cross-validated clinical statement of
    # that tier fell
    guarded_threshold = min(threshold * GUARDED_SHARE, float(p[guarded].min()) * 0.9) if guarded.any() else 0.0
    sources = sorted({s for _, _, s in rows})
    report = {"rows": len(rows), "clinical": int(y.sum()), "judged_clinical": int(mask.sum()),
              "cv_auc": round(float(roc_auc_score(y, p)), 4), "threshold": round(threshold, 4),
              "guarded_clinical": int(guarded.sum()), "guarded_threshold": round(guarded_threshold, 4),
              "guarded_cv_cleared": int(np.sum(p[guarded] < guarded_threshold)),
              "cv_share_read_as_clinical": {s: round(float(np.mean([q >= threshold for q, (_, _, src) in zip(p, rows)
                                                                     if src == s])), 3) for s in sources},
              "n": {s: sum(src == s for _, _, src in rows) for s in sources}}
    print(json.dumps(report, indent=1))
    # reassurance head: threshold at the 98th percentile of cross-validated non-reassuring rows (2 % false alarms)
    r_rows = reassurance_rows(rows)
    rx = embed([t for t, _, _ in r_rows])
    ry = np.array([label for _, label, _ in r_rows])
    r_fit = LogisticRegression(C=2.0, max_iter=5000, class_weight="balanced")
    rp = cross_val_predict(r_fit, rx, ry, cv=StratifiedKFold(5, shuffle=True, random_state=0), method="predict_proba")[:, 1]
    r_threshold = float(np.quantile(rp[ry == 0], 0.98))
    report["reassurance"] = {"rows": len(r_rows), "reassuring": int(ry.sum()), "cv_auc": round(float(roc_auc_score(ry, rp)), 4),
                             "threshold": round(r_threshold, 4),
                             "cv_recall": round(float(np.mean(rp[ry == 1] >= r_threshold)), 3)}
    print(json.dumps(report["reassurance"], indent=1))
    if not args.cv_only:
        model = svm.fit(x, y)
        r_model = r_fit.fit(rx, ry)
        ClaimModel(x[model.support_], model.dual_coef_[0], float(gamma), float(model.intercept_[0]), scale,
                   offset, threshold, r_model.coef_[0], float(r_model.intercept_[0]), r_threshold,
                   guarded_threshold).save(DATA)
        (ROOT / "benchmarks" / "results" / "claim_model.json").write_text(json.dumps(report, indent=1) + "\n")
        print(f"wrote {DATA}", file=sys.stderr)


if __name__ == "__main__":
    main()
