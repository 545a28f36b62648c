"""The fact checker on perturbed real-style physician replies: detection per error type, false alarms per clean type.

Why: the checker was tuned on hand-written pairs (tests/data/facts_pairs.jsonl) where it detects 0.98-1.00 of
the errors; the ChatDoctor replies are longer, diagnosis-heavy and full of drug and test names no small
vocabulary knows. The pairs of benchmarks/realworld_perturb.py (written independently of the checker, with a
blind half of every wording pool) measure how it does there.

For every pair the checker runs as the product runs it (``empathy.facts.check_facts(original, edited)``):

- **detected**: an error pair gets ``needs_review`` (what the product acts on);
- **typed**: the error pair carries the flag of its own type (swapped_drug: new_medication; changed_diagnosis:
  new_claim; dropped_sentence: missing_fact; negation: negation_flip; ...);
- **false alarm**: a clean pair (framing, paraphrase, framed_paraphrase) gets ``needs_review``;
- **identity**: each original checked against itself (must never need review).

Results per split go to benchmarks/results/realworld_facts.json, per-pair verdicts of the dev split to
benchmarks/results/realworld_facts_dev_pairs.jsonl. Misses and false alarms are listed for the dev split only:
checker developers must not see or tune on blind examples.

    python benchmarks/realworld_facts.py                   # dev and blind
    python benchmarks/realworld_facts.py --split dev --show 5   # print 5 dev misses / false alarms per type
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld_perturb as perturb

RESULTS = perturb.realworld.ROOT / "benchmarks" / "results" / "realworld_facts.json"
DEV_PAIRS = RESULTS.with_name("realworld_facts_dev_pairs.jsonl")  # per-pair verdicts, dev split only
EXPECTED_FLAG = {"dropped_sentence": "missing_fact", "negation": "negation_flip", "changed_value": "changed_value",
                 "swapped_drug": "new_medication", "changed_diagnosis": "new_claim", "added_drug": "new_medication",
                 "added_test": "new_test", "added_advice": "new_recommendation",
                 "false_reassurance": "false_reassurance"}


@dataclass
class TypeStats:
    n: int = 0
    flagged: int = 0  # needs_review: detection for error types, false alarm for clean ones
    typed: int = 0
    flags: Counter = field(default_factory=Counter)
    by_subtype: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # subtype -> [n, flagged]
    examples: list = field(default_factory=list)  # misses (errors) or false alarms (clean)

    def summary(self, clean: bool, with_examples: bool) -> dict:
        out = {"n": self.n, ("false_alarm" if clean else "detected"): round(self.flagged / max(1, self.n), 3)}
        if not clean:
            out["typed"] = round(self.typed / max(1, self.n), 3)
        out["by_subtype"] = {k: {"n": v[0], ("false_alarm" if clean else "detected"): round(v[1] / max(1, v[0]), 3)}
                             for k, v in sorted(self.by_subtype.items()) if k}
        out["flags"] = dict(self.flags.most_common())
        if with_examples:
            out["examples"] = self.examples
        return out


def evaluate(pairs: list[dict], keep_examples: bool, per_pair: list | None = None) -> dict:
    from empathy.facts import check_facts, warm

    warm([(p["original"], p["edited"]) for p in pairs])
    stats: dict[str, TypeStats] = defaultdict(TypeStats)
    t0 = time.perf_counter()
    for p in pairs:
        # the message is passed only when known, so this script also measures a checker from before the parameter
        rep = check_facts(p["original"], p["edited"], **({"patient": p["patient"]} if p.get("patient") else {}))
        st = stats[p["type"]]
        clean = p["expect"] == "clean"
        st.n += 1
        st.flagged += rep.needs_review
        for sub in set(p.get("subtype", "").split("+")):  # paraphrase: one count per rule family used
            st.by_subtype[sub][0] += 1
            st.by_subtype[sub][1] += rep.needs_review
        for f in rep.flags:
            st.flags[f] += 1
        typed = not clean and (EXPECTED_FLAG[p["type"]] in rep.flags if p["type"] in EXPECTED_FLAG else rep.needs_review)
        if per_pair is not None:
            per_pair.append({"id": p["id"], "type": p["type"], "subtype": p.get("subtype", ""), "expect": p["expect"],
                             "needs_review": rep.needs_review, "flags": rep.flags, "note": p["note"],
                             "why": [m.reason for m in rep.missing + rep.changed + rep.unsupported][:4]})
        st.typed += typed
        bad = rep.needs_review if clean else not rep.needs_review
        if keep_examples and (bad or (not clean and not typed)):
            st.examples.append({"id": p["id"], "note": p["note"], "flags": rep.flags, "needs_review": rep.needs_review,
                                "why": [m.reason for m in rep.missing + rep.changed + rep.unsupported][:4]})
    seconds = time.perf_counter() - t0
    originals = list(dict.fromkeys(p["original"] for p in pairs))
    identity = sum(check_facts(o, o).needs_review for o in originals)
    out = {"pairs": len(pairs), "seconds_per_pair": round(seconds / max(1, len(pairs)), 4),
           "identity_false_alarm": round(identity / max(1, len(originals)), 3), "types": {}}
    for kind in TYPES:
        if kind in stats:
            out["types"][kind] = stats[kind].summary(kind in CLEAN_TYPES, keep_examples)
    errs = [stats[k] for k in perturb.ERROR_TYPES if k in stats]
    cleans = [stats[k] for k in CLEAN_TYPES if k in stats]
    out["detected_all_errors"] = round(sum(s.flagged for s in errs) / max(1, sum(s.n for s in errs)), 3)
    out["false_alarm_all_clean"] = round(sum(s.flagged for s in cleans) / max(1, sum(s.n for s in cleans)), 3)
    return out


# Clean framing the checker's authors did not write: the sentence gate's labelled clinician-voice sentences
# (tests/data/gate_sentences.jsonl, gate dev split: "stock_line" from every source, "ok" from written / bank / EPITOME
# framing), one per pair, before or after its own draft. A third of the sentences (by hash) is held out.
GATE_SENTENCES = perturb.realworld.ROOT / "tests" / "data" / "gate_sentences.jsonl"
# Framing written by a separate session that never saw the checker (2026-11-23), measured once, on blind replies:
# 120 clean sentences (openers, closers, templates about the patient's symptom) and 30 that wrap a claim, advice or
# false reassurance in empathic words (must be flagged).
HELDOUT_FRAMING = perturb.realworld.ROOT / "benchmarks" / "data" / "framing_heldout.json"
# Two more sets by separate writers who never saw the checker (2026-11-23), in one format: pools of framing to open,
# close, reflect the patient's complaint ({symptom}) or connect two sentences; framings that wrap a claim; false
# reassurance; and value edits of single replies ("two weeks" -> "two months", "upper" -> "lower"). The dev set
# (framing_dev2.json, dev replies) may be read and tuned on; half of its clean pools (by hash) trains the claim model
# (benchmarks/build_claim_model.py), so only the other half is measured here. The blind sets (blind replies) are only
# run: heldout_1123.json was written before the claim model was retrained on framing_train3.json, heldout_1124.json
# after, by a writer who saw neither the checker nor the training sentences, and heldout_1125.json after the rules
# were tuned on what 1124's numbers showed (closers), run once at the end. Blind subtypes carry the set's name.
# Once all three had been run, their false alarms were read and tuned on (2026-11-23, the claim model's guarded tier):
# from then on they are development sets that happen to sit on blind replies, and heldout_1126.json, written by a
# fourth writer who saw no checker code and no other set, is the blind one (run once, at the end).
# 1126 was read and tuned on in turn (sign-offs, the fine-tuned claim head; 2026-11-23, sixth session): the blind sets
# are now heldout_1127.json (a family physician's voice) and heldout_1128.json (a hospital specialist's, partly
# British), each by a writer who saw no checker code and no other set; run three times at the end of that round
# (fine-tuned claim head, dropped; final claim model; final checker), read as numbers only, nothing tuned on them.
# Seventh session: heldout_1129.json (a US pediatric practice) and heldout_1130.json (an Irish GP and an Australian
# telehealth doctor), by two more writers who saw no checker code and no other set, copied in unread, run at the end;
# the claim model was retrained on three other writers' sentences (framing_train4.json), and 1123-1126 were read.
# Eighth session: independent judges labelled every framing pair of 1127-1130 (benchmarks/adjudicated_framing.py);
# the invented-detail check (empathy/facts/details.py) was built from what they found in 1129/1130 and its hits and
# misses there, and its false alarms on 1127/1128, were read. heldout_1131.json (a Canadian internal medicine clinic)
# and heldout_1132.json (UK urgent care and US telehealth), by two more writers told that framing must fit any
# patient, were copied in unread, judged (all 880 labels clean), and run once at the end.
# Ninth session: the claim model became a kernel SVM trained with the framing of 1123-1130 (dev sets, never 1131+);
# 1131/1132 were run a second time, as numbers. heldout_1133.json (a New Zealand general practice and a US academic
# hospital's specialty clinics) and heldout_1134.json (a South African GP, an Indian teleconsultation service and a
# US community health centre's nurses), by two more writers under the same brief, copied in unread, judged by two
# judges each (all 880 labels clean) and run once at the end.
# Tenth session: 1131-1134 were read and tuned on. heldout_1135.json (an Irish general practice and a Canadian walk-in
# clinic), by one more writer, copied in unread, judged by two judges (all 440 labels clean) and run once at the end.
# Eleventh session: 1131-1134 joined the claim model's training framing; rules were tuned on 1123-1134 (not on 1135,
# run a second time, as numbers). heldout_1136.json (a US Veterans Affairs primary care team and a Singapore
# polyclinic) and heldout_1137.json (a rural New Zealand practice and a South African family practice), by two more
# writers, copied in unread and judged by two judges each (1136: 435 of 440 labels clean; 1137: all 440). Both were
# run mid-session; 1136's misses were then read (a development set from here on), 1137 was never read. Both ran again
# at the end.
DATA = perturb.realworld.ROOT / "benchmarks" / "data"
WRITTEN = {"dev": [DATA / "framing_dev2.json"],
           "blind": [DATA / f"heldout_{n}.json" for n in range(1123, 1138)]}
WRITTEN_TYPES = ("written_framing", "written_wrapped_claim", "written_reassurance", "written_value")
CLEAN_TYPES = perturb.CLEAN_TYPES + ("gate_framing", "heldout_framing", "written_framing")
TYPES = perturb.TYPES + ("gate_framing", "heldout_framing", "heldout_wrapped_claim") + WRITTEN_TYPES
EXPECTED_FLAG.update({"written_reassurance": "false_reassurance", "written_value": "changed_value",
                      "written_wrapped_claim": "new_claim"})


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


def gate_framing_pairs(split: str, blind_ids: set[str]) -> list[dict]:
    """dev: two thirds of the sentences; blind: the other third. Drafts from the ChatDoctor blind split are left
    out of both (the gate used its own split)."""
    rows = [r for r in perturb.realworld.read_jsonl(GATE_SENTENCES) if "label" in r and r["split"] == "dev"]
    out = []
    for r in rows:
        if not (r["label"] == "stock_line" or (r["label"] == "ok" and r["source"] in ("written", "bank", "epitome"))):
            continue
        if r["draft_id"] in blind_ids or (_hash(r["text"]) % 3 == 2) != (split == "blind"):
            continue
        where = "before" if _hash(r["text"] + r["draft_id"]) % 2 else "after"
        edited = f"{r['text']} {r['draft']}" if where == "before" else f"{r['draft']} {r['text']}"
        out.append({"id": f"{r['draft_id']}:gate:{_hash(r['text'])}", "type": "gate_framing", "subtype": r["label"],
                    "expect": "clean", "original": r["draft"], "edited": edited, "patient": r["patient"],
                    "note": f"{where}: {r['text']}"})
    return out


def _reply_for(i: int, key: str, template: str, rows: list, with_symptom: list):
    """The i-th reply in turn, and the template with the patient's symptom filled in for a concern template."""
    among = with_symptom if key == "concern" else rows
    r = among[i % len(among)]
    if key == "concern":
        sym = perturb.patient_symptom(r.patient)
        template = template.format(symptom=sym, Symptom=sym[:1].upper() + sym[1:])
    return r, template


def heldout_framing_pairs(replies: list) -> list[dict]:
    """The held-out framing set around blind replies (one sentence per reply, in turn)."""
    pool = json.loads(HELDOUT_FRAMING.read_text(encoding="utf-8"))
    rows = sorted((r for r in replies if r.split == "blind" and perturb.usable(r)), key=lambda r: _hash(r.id))
    with_symptom = [r for r in rows if perturb.patient_symptom(r.patient)]
    out = []
    items = [("open", t) for t in pool["generic_open"]] + [("close", t) for t in pool["generic_close"]] + \
            [("concern", t) for t in pool["concern"]] + [("wrapped", t) for t in pool["not_clean"]]
    for i, (sub, t) in enumerate(items):
        r, t = _reply_for(i, sub, t, rows, with_symptom)
        edited = f"{r.reply} {t}" if sub == "close" or (sub == "wrapped" and i % 2) else f"{t} {r.reply}"
        kind = "heldout_wrapped_claim" if sub == "wrapped" else "heldout_framing"
        out.append({"id": f"{r.id}:heldout:{i}", "type": kind, "subtype": sub, "expect": "error" if sub == "wrapped" else "clean",
                    "original": r.reply, "edited": edited, "patient": r.patient, "note": t})
    return out


def written_pairs(split: str, replies: list) -> list[dict]:
    """The pools of every set of WRITTEN[split] around replies of the same split (one sentence per reply, in turn),
    and their value edits of named replies."""
    paths = [p for p in WRITTEN[split] if p.is_file()]
    return [pair for path in paths for pair in _written_set(path, split, replies, len(paths) > 1)]


def _written_set(path: Path, split: str, replies: list, named: bool) -> list[dict]:
    pool = json.loads(path.read_text(encoding="utf-8"))
    rows = sorted((r for r in replies if r.split == split and perturb.usable(r)), key=lambda r: _hash(r.id))
    with_symptom = [r for r in rows if perturb.patient_symptom(r.patient)]
    by_id = {r.id: r for r in replies}
    tag = f"{path.stem}:" if named else ""
    kinds = {"generic_open": "written_framing", "generic_close": "written_framing", "concern": "written_framing",
             "middle": "written_framing", "not_clean": "written_wrapped_claim", "false_reassurance": "written_reassurance"}
    out = []
    items = [(key, t) for key in kinds for t in pool.get(key, [])
             if not (split == "dev" and kinds[key] == "written_framing" and _hash(t) % 2 == 0)]  # trained on
    for i, (key, t) in enumerate(items):
        r, t = _reply_for(i, key, t, rows, with_symptom)
        if key == "middle":
            first = perturb.sentences(r.reply)[0][1]
            edited = f"{r.reply[:first].rstrip()} {t} {r.reply[first:].lstrip()}"
        elif key == "generic_close" or (key not in ("generic_open", "concern") and i % 2):
            edited = f"{r.reply} {t}"
        else:
            edited = f"{t} {r.reply}"
        kind = kinds[key]
        out.append({"id": f"{r.id}:{tag}written:{i}", "type": kind, "subtype": tag + key, "patient": r.patient,
                    "expect": "clean" if kind == "written_framing" else "error", "original": r.reply, "edited": edited,
                    "note": t})
    for j, v in enumerate(pool.get("value_edits", [])):
        r = by_id.get(v["id"])
        if r is None or r.reply.count(v["from"]) != 1:
            continue
        out.append({"id": f"{r.id}:{tag}written_value:{j}", "type": "written_value", "subtype": tag + v.get("kind", ""),
                    "patient": r.patient, "expect": "error", "original": r.reply,
                    "edited": r.reply.replace(v["from"], v["to"]), "note": f"{v['from']} -> {v['to']}"})
    return out


def with_patients(pairs: list[dict], replies: dict[str, str]) -> list[dict]:
    """Each pair with the patient's message of its reply (the product checks an edit knowing the message)."""
    return [{**p, "patient": replies.get(p["id"].split(":")[0])} for p in pairs]


def table(results: dict) -> str:
    splits = list(results["splits"])
    head = "| type | " + " | ".join(f"{s} n | {s} detected / typed" for s in splits) + " |"
    lines = [head, "|" + " --- |" * (1 + 2 * len(splits))]
    for kind in TYPES:
        cells = []
        for s in splits:
            t = results["splits"][s]["types"].get(kind)
            if not t:
                cells += ["0", "-"]
            elif kind in CLEAN_TYPES:
                cells += [str(t["n"]), f"false alarm {t['false_alarm']:.2f}"]
            else:
                cells += [str(t["n"]), f"{t['detected']:.2f} / {t['typed']:.2f}"]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    for label, key in (("all errors detected", "detected_all_errors"), ("all clean: false alarms", "false_alarm_all_clean"),
                       ("identity (original vs itself): false alarms", "identity_false_alarm")):
        lines.append(f"| {label} | " + " | ".join(f"{results['splits'][s]['pairs'] if key == 'detected_all_errors' else ''} | "
                                                   f"{results['splits'][s][key]:.3f}" for s in splits) + " |")
    subs = []
    for s in splits:
        for kind, t in results["splits"][s]["types"].items():
            for sub, v in t["by_subtype"].items():
                rate = v.get("detected", v.get("false_alarm"))
                subs.append(f"{s:5s} {kind:18s} {sub:22s} n={v['n']:3d} {'detected' if 'detected' in v else 'false alarm'} {rate:.2f}")
    return "\n".join(lines) + "\n\nby subtype:\n" + "\n".join(subs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("dev", "blind", "both"), default="both")
    ap.add_argument("--regenerate", action="store_true", help="rebuild the pairs from --data first")
    ap.add_argument("--data", default=None, help="replies jsonl for --regenerate (default: the shared ChatDoctor file)")
    ap.add_argument("--show", type=int, default=0, help="print up to N dev misses / false alarms per type")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--no-patient", action="store_true",
                    help="check without the patient's message (as check_facts(original, edited) alone does)")
    args = ap.parse_args()
    os.environ.setdefault("EMPATHY_THREADS", "1")
    try:
        import torch

        torch.set_num_threads(int(os.environ["EMPATHY_THREADS"]))
    except ImportError:
        pass
    splits = ["dev", "blind"] if args.split == "both" else [args.split]
    replies = perturb.realworld.load(args.data)
    if args.regenerate:
        for s in splits:
            perturb.write(perturb.make_pairs(replies, s, 120 if s == "dev" else 80), perturb.pairs_path(s))
    patients = {r.id: r.patient for r in replies}
    blind_ids = {r.id for r in replies if r.split == "blind"}
    results = {"checker": "empathy.facts.check_facts (rules mode)", "patient_message": not args.no_patient, "splits": {}}
    for s in splits:
        per_pair = [] if s == "dev" else None  # blind: numbers only
        pairs = with_patients(perturb.load_pairs(s), patients) + gate_framing_pairs(s, blind_ids) + written_pairs(s, replies)
        if s == "blind":
            pairs += heldout_framing_pairs(replies)
        if args.no_patient:
            pairs = [{**p, "patient": None} for p in pairs]
        results["splits"][s] = evaluate(pairs, keep_examples=(s == "dev"), per_pair=per_pair)
        if per_pair is not None and not args.no_patient:  # the pairs as the product checks them
            DEV_PAIRS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in per_pair))
    out = Path(args.out)
    if out.exists() and args.split != "both":  # keep the other split's numbers
        old = json.loads(out.read_text())
        old.get("splits", {}).update(results["splits"])
        results["splits"] = {k: old["splits"][k] for k in ("dev", "blind") if k in old["splits"]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    print(f"\nwrote {out}")
    if args.show and "dev" in results["splits"]:
        for kind, t in results["splits"]["dev"]["types"].items():
            for ex in t.get("examples", [])[:args.show]:
                print(f"[dev {kind}] {ex['id']} flags={ex['flags']} :: {ex['note'][:160]}")


if __name__ == "__main__":
    main()
