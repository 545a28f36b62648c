"""End to end: the product's verified editing on real-style physician drafts (blind ChatDoctor replies).

Why: verified editing was measured on short hand-written drafts (benchmarks/verified_editing.py); the
ChatDoctor replies are longer and full of names no small vocabulary knows. This runs ``edit_reply`` (the
embedded SmolLM2-135M GGUF, product defaults, ``EMPATHY_THREADS=1``) on N blind drafts at levels 1, 2 and 3 and
reports, for the returned edits:

- **clean share**: ``needs_review`` false (what the product would show without a warning);
- **fact loss, measured without the checker** (two plain definitions):
  *strict*: some content sentence of the draft (one naming a diagnosis, test, drug, procedure or advice, by the
  patterns of realworld_perturb.py) is not in the edit verbatim (whitespace and case folded);
  *terms*: some name or number of the draft is not in the edit: capitalised words after the first word of a
  sentence, medical nouns (tests, procedures, diseases, drug suffixes), numbers, drug names and the diagnosis;
- **added sentences**: sentences of the edit that are not sentences of the draft, and automatic wrong-voice flags
  on them (patient voice, third person, vocative, quote marks, meta talk, fragment); hand labels are in
  benchmarks/results/realworld_edit_labels.jsonl;
- paths (``result.path``), seconds per edit (p50, mean; wall clock, model already loaded), the most common
  opening sentence and its share.

- **added clinical terms**: names and numbers (the finders of *terms*) of the edit that the draft does not contain,
  and of those the ones the patient's message does not contain either (framing may hand back the patient's own words);
- **empathy**: ``empathy.scoring.score_empathy`` of the draft and of the edit (gain, share warmer), per level; the
  held-out judge (benchmarks/empathy_judge.py, branch ``score``) reads the same jsonl;
- **gate**: the product's verdicts on the added sentences (``result.gate``), and which template or source wrote them.

Every output with its draft goes to benchmarks/results/realworld_edit.jsonl (written as it goes; ``--resume``
skips rows already there), the summary to benchmarks/results/realworld_edit_summary.json. The run before the
framing rework (90 hand labels) is kept as realworld_edit_v1*.

    EMPATHY_THREADS=1 python benchmarks/realworld_edit.py [--n 30] [--levels 1 2 3] [--resume] [--rewrite] [--candidates K]
    python benchmarks/realworld_edit.py --summarize        # recompute the summary from the jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld
import realworld_perturb as perturb

RESULTS = realworld.ROOT / "benchmarks" / "results"
OUT = RESULTS / "realworld_edit.jsonl"
SUMMARY = RESULTS / "realworld_edit_summary.json"
LABELS = RESULTS / "realworld_edit_labels.jsonl"


def pick_drafts(n: int, data: str | None = None, lo: int = 60, hi: int = 120) -> list[realworld.Reply]:
    """N blind replies of lo-hi words (then the nearest lengths if too few), in sha256-of-id order."""
    rows = [r for r in realworld.load(data, split="blind") if perturb.usable(r)]
    key = lambda r: hashlib.sha256(f"edit/{r.id}".encode()).hexdigest()
    inside = sorted([r for r in rows if lo <= len(r.reply.split()) <= hi], key=key)
    if len(inside) >= n:
        return inside[:n]
    near = sorted([r for r in rows if r not in inside], key=lambda r: min(abs(len(r.reply.split()) - lo),
                                                                            abs(len(r.reply.split()) - hi)))
    return inside + near[:n - len(inside)]


# ------------------------------------------------------------------ independent measures
def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def sentence_texts(text: str) -> list[str]:
    return [text[s:e].strip() for s, e in perturb.sentences(text)]


def content_sentences(draft: str) -> list[str]:
    return [s for s in sentence_texts(draft) if perturb.info_kind(s) or perturb.has_medical_entity(s)]


_OPENERS = {"Based", "Given", "Yes", "Well", "Okay", "Ok", "Alright", "Sure", "I", "It", "We", "You", "This", "These"}


def draft_terms(draft: str) -> set[str]:
    """Names and numbers of the draft: capitalised words not first in their sentence, medical nouns, numbers,
    drug names and the first diagnosis (the finders of realworld_perturb.py)."""
    terms = set()
    for sent in sentence_texts(draft):
        words = re.findall(r"[A-Za-z][A-Za-z0-9\-]*|\d+(?:\.\d+)?", sent)
        for w in words[1:]:
            if w[0].isupper() and w not in _OPENERS and len(w) > 1:
                terms.add(w)
        terms.update(m.group(0) for m in perturb.MED_NOUNS.finditer(sent))
        terms.update(re.findall(r"\b\d+(?:\.\d+)?\b", sent))
        terms.update(name.split(" (")[0] for _, _, name in perturb.find_drugs(sent))
    dx = perturb.find_diagnosis(draft)
    if dx:
        terms.add(dx[2])
    return terms


def added_terms(draft: str, edit: str, patient: str = "") -> dict:
    """Names and numbers of the edit that are not in the draft; ``not_in_message``: nor in the patient's message."""
    def present(term: str, text: str) -> bool:
        return bool(re.search(rf"(?<![\w-]){re.escape(term.lower())}(?![\w-])", _fold(text)))

    new = sorted(t for t in draft_terms(edit) if not present(t, draft))
    return {"new_terms": new, "not_in_message": [t for t in new if not present(t, patient)]}


def fact_loss(draft: str, edit: str) -> dict:
    folded = _fold(edit)
    lost_sentences = [s for s in content_sentences(draft) if _fold(s) not in folded]
    lost_terms = sorted(t for t in draft_terms(draft) if not re.search(rf"(?<![\w-]){re.escape(t.lower())}(?![\w-])", folded))
    return {"lost_sentences": lost_sentences, "lost_terms": lost_terms,
            "loses_strict": bool(lost_sentences), "loses_terms": bool(lost_terms)}


WRONG_VOICE = {
    "patient_voice": re.compile(r"\b(?:my doctor|doctor,|I(?:'ve| have) been (?:experiencing|having|feeling)|I(?:'m| am) (?:worried|scared|afraid) (?:about|that) (?:my|I)|my symptoms|what could (?:it|this) be|what should I do)\b", re.IGNORECASE),
    "third_person": re.compile(r"\b(?:the patient|patient's|he|she|his|her|him|they are experiencing|the physician|the doctor)\b", re.IGNORECASE),
    "vocative": re.compile(r"^(?:dear|hi|hello|hey)\b|^\w+,\s|\b(?:dear (?:patient|friend|sir|madam))\b", re.IGNORECASE),
    "quote": re.compile(r"[\"“”]|'''"),
    "meta_talk": re.compile(r"\b(?:here(?:'s| is) (?:the|a|my|an)|rewrit\w+|revised|edited|the draft|this reply|this response|"
                            r"empath\w+|as an ai|language model|I can(?:not|'t)? (?:write|help with)|sentence|message:)\b", re.IGNORECASE),
}


def added_sentences(draft: str, edit: str) -> list[str]:
    folded = _fold(draft)
    return [s for s in sentence_texts(edit) if _fold(s) not in folded]


def voice_flags(sentence: str) -> list[str]:
    out = [k for k, rx in WRONG_VOICE.items() if rx.search(sentence)]
    if len(sentence.split()) < 4 or not re.search(r"[.!?]['\")]*$", sentence.strip()):
        out.append("fragment")
    return out


# --------------------------------------------------------------------------------- run
@dataclass
class Row:
    id: str
    level: int
    patient: str
    draft: str
    draft_words: int
    text: str
    path: str
    needs_review: bool
    flags: list[str]
    seconds: float
    model_seconds: float
    attempts: list[dict]
    gate: list[dict] = field(default_factory=list)  # the product's verdicts on the added sentences
    chosen: list[dict] = field(default_factory=list)  # framing: slot, source, template id per sentence
    empathy_draft: float = 0.0
    empathy_edit: float = 0.0
    fact_loss: dict = field(default_factory=dict)
    added: list[dict] = field(default_factory=list)  # [{"sentence", "auto_flags"}]
    opener: str = ""


def analyse(row: dict) -> dict:
    row["fact_loss"] = fact_loss(row["draft"], row["text"])
    row["added_terms"] = added_terms(row["draft"], row["text"], row["patient"])
    row["added"] = [{"sentence": s, "auto_flags": voice_flags(s)} for s in added_sentences(row["draft"], row["text"])]
    first = sentence_texts(row["text"])
    row["opener"] = first[0] if first else ""
    return row


def run(drafts: list[realworld.Reply], levels: list[int], resume: bool, **flow) -> None:
    try:
        from empathy import edit_reply
    except ImportError:  # the library is being reorganised; the module path is the fallback
        from empathy.generation import edit_reply
    done = set()
    if resume and OUT.exists():
        done = {(r["id"], r["level"]) for r in realworld.read_jsonl(OUT)}
    elif OUT.exists():
        OUT.unlink()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    from empathy.scoring import score_empathy

    # load the model and the checker once, outside the timings
    edit_reply("I have a headache.", "Take ibuprofen 400 mg if needed.", level=1, **flow)
    for d in drafts:
        for level in levels:
            if (d.id, level) in done:
                continue
            t0 = time.perf_counter()
            res = edit_reply(d.patient, d.reply, level=level, **flow)
            wall = time.perf_counter() - t0
            row = Row(d.id, level, d.patient, d.reply, len(d.reply.split()), res.text, res.path, res.needs_review,
                      list(res.flags), round(wall, 2), round(res.seconds, 2),
                      [{k: a.get(k) for k in ("path", "text", "recall", "precision", "flags", "clean", "refused", "reason",
                                              "gate", "candidates")} for a in res.attempts],
                      gate=list(res.gate), chosen=list(res.attempts[-1].get("chosen", [])),
                      empathy_draft=round(score_empathy(d.patient, d.reply).overall, 4),
                      empathy_edit=round(score_empathy(d.patient, res.text).overall, 4))
            out = analyse(asdict(row))
            with OUT.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
            print(f"{d.id} L{level} {res.path:12s} review={res.needs_review!s:5s} {wall:6.1f}s "
                  f"lost={out['fact_loss']['loses_strict']} added={len(out['added'])}", flush=True)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))] if xs else 0.0


def summarize(rows: list[dict]) -> dict:
    rows = [analyse(r) for r in rows]
    n = len(rows)
    words = sorted({r["id"]: r["draft_words"] for r in rows}.values())
    secs = [r["seconds"] for r in rows]
    openers = Counter(r["opener"] for r in rows)
    sentences = Counter(a["sentence"] for r in rows for a in {x["sentence"]: x for x in r["added"]}.values())
    top_sentence = sentences.most_common(1)[0] if sentences else None
    templates = Counter(c.get("id") for r in rows for c in r.get("chosen", []) if c.get("source") == "template")
    auto = Counter(f for r in rows for a in r["added"] for f in a["auto_flags"])
    wrong = [r for r in rows if any(set(a["auto_flags"]) - {"fragment"} for a in r["added"])]
    out = {
        "edits": n, "drafts": len(words),
        "draft_words": {"min": words[0], "p25": pct(words, .25), "median": pct(words, .5), "p75": pct(words, .75),
                        "max": words[-1]} if words else {},
        "clean_share": round(sum(not r["needs_review"] for r in rows) / max(1, n), 3),
        "loses_fact_strict": round(sum(r["fact_loss"]["loses_strict"] for r in rows) / max(1, n), 3),
        "loses_fact_terms": round(sum(r["fact_loss"]["loses_terms"] for r in rows) / max(1, n), 3),
        "clean_but_loses_fact_strict": sum(r["fact_loss"]["loses_strict"] and not r["needs_review"] for r in rows),
        "with_added_sentence": round(sum(bool(r["added"]) for r in rows) / max(1, n), 3),
        "wrong_voice_auto": round(len(wrong) / max(1, n), 3),
        "auto_flags": dict(auto.most_common()),
        "paths": dict(Counter(r["path"] for r in rows).most_common()),
        "seconds_p50": round(statistics.median(secs), 2) if secs else 0,
        "seconds_mean": round(statistics.mean(secs), 2) if secs else 0,
        "adds_term": round(sum(bool(r["added_terms"]["new_terms"]) for r in rows) / max(1, n), 3),
        "adds_term_not_in_message": round(sum(bool(r["added_terms"]["not_in_message"]) for r in rows) / max(1, n), 3),
        "gate_refused_shown": sum(not g["ok"] for r in rows for g in r.get("gate", [])),
        "top_sentence": top_sentence[0] if top_sentence else "",
        "top_sentence_share": round(top_sentence[1] / max(1, n), 3) if top_sentence else 0,
        "top_template_share": round(templates.most_common(1)[0][1] / max(1, n), 3) if templates else 0,
        "sources": dict(Counter(c.get("source") for r in rows for c in r.get("chosen", [])).most_common()),
        "empathy_draft_mean": round(statistics.mean(r.get("empathy_draft", 0) for r in rows), 4) if rows else 0,
        "empathy_edit_mean": round(statistics.mean(r.get("empathy_edit", 0) for r in rows), 4) if rows else 0,
        "empathy_gain_mean": round(statistics.mean(r.get("empathy_edit", 0) - r.get("empathy_draft", 0) for r in rows), 4) if rows else 0,
        "empathy_warmer_share": round(sum(r.get("empathy_edit", 0) > r.get("empathy_draft", 0) for r in rows) / max(1, n), 3),
        "top_opener": openers.most_common(1)[0][0] if openers else "",
        "top_opener_share": round(openers.most_common(1)[0][1] / max(1, n), 3) if openers else 0,
        "openers": openers.most_common(5),
        "by_level": {},
    }
    for level in sorted({r["level"] for r in rows}):
        lr = [r for r in rows if r["level"] == level]
        out["by_level"][level] = {
            "n": len(lr), "clean_share": round(sum(not r["needs_review"] for r in lr) / len(lr), 3),
            "loses_fact_strict": round(sum(r["fact_loss"]["loses_strict"] for r in lr) / len(lr), 3),
            "paths": dict(Counter(r["path"] for r in lr).most_common()),
            "loses_terms": round(sum(r["fact_loss"]["loses_terms"] for r in lr) / len(lr), 3),
            "adds_term": round(sum(bool(r["added_terms"]["new_terms"]) for r in lr) / len(lr), 3),
            "adds_term_not_in_message": round(sum(bool(r["added_terms"]["not_in_message"]) for r in lr) / len(lr), 3),
            "wrong_voice_auto": round(sum(any(set(a["auto_flags"]) - {"fragment"} for a in r["added"]) for r in lr) / len(lr), 3),
            "fragment_auto": round(sum(any("fragment" in a["auto_flags"] for a in r["added"]) for r in lr) / len(lr), 3),
            "empathy_gain_mean": round(statistics.mean(r.get("empathy_edit", 0) - r.get("empathy_draft", 0) for r in lr), 4),
            "empathy_warmer_share": round(sum(r.get("empathy_edit", 0) > r.get("empathy_draft", 0) for r in lr) / len(lr), 3),
            "seconds_p50": round(statistics.median(r["seconds"] for r in lr), 2)}
    if LABELS.exists():
        shown = {(r["id"], r["level"]): [a["sentence"] for a in r["added"]] for r in rows}
        labels = [lab for lab in realworld.read_jsonl(LABELS) if shown.get((lab["id"], lab["level"])) == lab.get("added")]
        out["hand_labels_stale"] = len(realworld.read_jsonl(LABELS)) - len(labels)  # labels of outputs no longer there
    if LABELS.exists() and labels:
        voice = {"patient_voice", "third_person", "vocative", "quote", "meta_talk"}
        out["hand_labels"] = {
            "n": len(labels), "counts": dict(Counter(lab["label"] for lab in labels).most_common()),
            "ok_share": round(sum(lab["label"] == "ok" for lab in labels) / len(labels), 3),
            "wrong_voice_share": round(sum(bool(voice & {lab["label"], *lab.get("also", [])}) for lab in labels) / len(labels), 3),
            "lost_fact": sum("lost_fact" in {lab["label"], *lab.get("also", [])} for lab in labels),
            "new_fact": sum("new_fact" in {lab["label"], *lab.get("also", [])} for lab in labels)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=30, help="blind drafts (each edited at every level)")
    ap.add_argument("--levels", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--data", default=None)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--summarize", action="store_true", help="only recompute the summary from the jsonl")
    ap.add_argument("--rewrite", action="store_true", help="ask the model to rewrite first (off for the embedded model)")
    ap.add_argument("--candidates", type=int, default=None, help="model framing sentences per slot (default: the product's)")
    args = ap.parse_args()
    os.environ.setdefault("EMPATHY_THREADS", "1")
    if not args.summarize:
        drafts = pick_drafts(args.n, args.data)
        flow = {"candidates": args.candidates} | ({"rewrite": True} if args.rewrite else {})
        run(drafts, args.levels, args.resume, **flow)
    summary = summarize(realworld.read_jsonl(OUT))
    SUMMARY.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "openers"}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
