"""Matching both ways: each original fact against windows of the edit (recall), each edited fact against the
original (precision).

Entities decide: a changed value, a flipped negation, a new drug, test, advice or reassurance never passes.
Sentence embeddings (all-MiniLM-L6-v2, :mod:`empathy.embeddings`) pick counterparts and let paraphrases through.
An optional LLM re-check (``mode="llm"``) may rescue a paraphrase the rules missed, never a changed value or a new
entity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..backends import GenerationOptions
from ..embeddings import embed
from ..errors import InputError
from ..prompts import ENTAIL
from ..text import WORD, normalise
from .extract import Fact, extract_facts
from .patterns import ANCHOR_KINDS, COMPATIBLE, CONFLICTS, LAB_TESTS, VALUE_KINDS


@dataclass
class FactMatch:
    """A fact, its counterpart on the other side (if any), and why it was judged as it was."""

    fact: Fact
    counterpart: Fact | None
    reason: str
    similarity: float = 0.0
    flag: str | None = None
    flags: list[str] = field(default_factory=list)  # every problem found (flag is the first)

    def __post_init__(self):
        if self.flag and not self.flags:
            self.flags = [self.flag]

    def to_dict(self) -> dict:
        return {"fact": self.fact.text, "start": self.fact.start, "end": self.fact.end,
                "counterpart": self.counterpart.text if self.counterpart else None,
                "counterpart_start": self.counterpart.start if self.counterpart else None,
                "counterpart_end": self.counterpart.end if self.counterpart else None,
                "reason": self.reason, "similarity": round(float(self.similarity), 3), "flag": self.flag,
                "flags": list(self.flags)}



class _Similarity:
    """Cosine similarity between fact texts: sentence embeddings, or word overlap if they cannot load."""

    def __init__(self, texts: list[str]):
        self.index = {t: i for i, t in enumerate(dict.fromkeys(texts))}
        self.vectors = None
        self.loaded = False

    def __call__(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        if not self.loaded:  # embed only when a decision needs it: verbatim facts never do
            self.vectors = _embed(list(self.index)) if self.index else None
            self.loaded = True
        if self.vectors is None:
            return _overlap(a, b)
        return float(self.vectors[self.index[a]] @ self.vectors[self.index[b]])


_EMBEDDINGS_FAILED: list[bool] = []  # remembered: without the model the checker uses word overlap


def _embed(texts: list[str]) -> np.ndarray | None:
    if _EMBEDDINGS_FAILED:
        return None
    try:
        return embed(texts)
    except Exception:  # noqa: BLE001 - the checker still works on word overlap without the model
        _EMBEDDINGS_FAILED.append(True)
        return None


def warm(pairs: list[tuple[str, str]], batch_size: int = 256) -> None:
    """Embed the facts of many pairs in large batches (much faster than one pair at a time); used by --jsonl."""
    texts: list[str] = []
    for original, edited in pairs:
        if not (isinstance(original, str) and isinstance(edited, str)):
            continue
        facts = extract_facts(original)[0] + extract_facts(edited)[0]
        on, en = normalise(original), normalise(edited)
        # a pair whose facts all appear verbatim on the other side never needs an embedding
        if any(normalise(f.text) not in on or normalise(f.text) not in en for f in facts):
            texts.extend(f.text for f in facts)
    if len(texts) < 2:
        return
    todo = list(dict.fromkeys(texts))
    for i in range(0, len(todo), batch_size):
        if _embed(todo[i:i + batch_size]) is None:
            return


def _overlap(a: str, b: str) -> float:
    wa, wb = set(WORD.findall(a.lower())), set(WORD.findall(b.lower()))
    return len(wa & wb) / max(1, len(wa | wb)) ** 0.5 / max(1, min(len(wa), len(wb))) ** 0.5





def _compatible(a: str, b: str) -> bool:
    """Can advice ``b`` stand for advice ``a``? Unnamed advice ("make sure...") is covered by any advice, not the reverse."""
    return a == b or a == "advice" or any(a in g and b in g for g in COMPATIBLE)


def _conflict(a: set[str], b: set[str]) -> tuple[str, str] | None:
    for x, y in CONFLICTS:
        if x in a and y in b and y not in a and x not in b:
            return x, y
        if y in a and x in b and x not in a and y not in b:
            return y, x
    return None


def _anchors(f: Fact | list[Fact]) -> dict[str, set[str]]:
    facts = f if isinstance(f, list) else [f]
    out: dict[str, set[str]] = {}
    for fact in facts:
        for e in fact.entities:
            if e.kind in ANCHOR_KINDS and e.kind != "reassurance":
                out.setdefault(e.kind, set()).add(e.key)
    return out


def _values(f: Fact | list[Fact]) -> dict[str, set[str]]:
    facts = f if isinstance(f, list) else [f]
    out: dict[str, set[str]] = {}
    for fact in facts:
        for e in fact.entities:
            if e.kind in VALUE_KINDS:
                cls = e.kind
                out.setdefault(cls, set()).add(e.key)
    return out


def _anchor_overlap(a: dict[str, set[str]], b: dict[str, set[str]]) -> tuple[int, int]:
    """(anchors of a found in b, anchors of a); instructions match compatible groups."""
    total = hit = 0
    for kind, keys in a.items():
        for k in keys:
            total += 1
            if kind == "instruction":
                hit += any(_compatible(k, o) for o in b.get("instruction", ()))
            else:
                hit += k in b.get(kind, ())
    return hit, total


def _value_diff(a: dict[str, set[str]], b: dict[str, set[str]]):
    """Values of ``a`` absent from ``b``, and conflicting pairs (same class, different value)."""
    absent, conflicts = [], []
    for cls, keys in a.items():
        other = b.get(cls, set())
        lost = keys - other
        if not lost:
            continue
        extra = other - keys
        if extra and cls != "finding":
            conflicts.append((cls, sorted(lost), sorted(extra)))
        elif extra and cls == "finding":
            conflicts.append((cls, sorted(lost), sorted(extra)))
        else:
            absent.append((cls, sorted(lost)))
    return absent, conflicts


def _windows(facts: list[Fact]) -> list[list[Fact]]:
    wins = [[f] for f in facts]
    wins += [[facts[i], facts[i + 1]] for i in range(len(facts) - 1)]
    return wins


def _best_window(fact: Fact, windows: list[list[Fact]], sim) -> tuple[list[Fact] | None, float, float]:
    a = _anchors(fact)
    best, best_score, best_sim = None, -1.0, 0.0
    for w in windows:
        s = max(sim(fact.text, x.text) for x in w)
        hit, total = _anchor_overlap(a, _anchors(w))
        cover = hit / total if total else 0.0
        score = cover + s - 0.05 * (len(w) - 1)
        if score > best_score:
            best, best_score, best_sim = w, score, s
    return best, best_score, best_sim


def _closest(fact: Fact, window: list[Fact], sim) -> Fact:
    return max(window, key=lambda x: sim(fact.text, x.text))


def _describe_values(conflicts) -> str:
    return "; ".join(f"{cls} {', '.join(lost)} became {', '.join(extra)}" for cls, lost, extra in conflicts)


def _recall_side(orig: list[Fact], edit: list[Fact], edited_text: str, sim):
    kept, missing, changed = [], [], []
    windows = _windows(edit)
    edited_norm = normalise(edited_text)
    edit_all_anchor = _anchors(edit)
    edit_all_values = _values(edit)
    for f in orig:
        if normalise(f.text) and normalise(f.text) in edited_norm:
            twin = next((x for x in edit if normalise(f.text) in normalise(x.text)), None)
            if twin is not None and twin.polarity == f.polarity and twin.hedged == f.hedged:
                kept.append(FactMatch(f, twin, "kept verbatim", 1.0))
                continue
        if not windows:
            missing.append(FactMatch(f, None, "the edit has no clinical content", 0.0, "missing_fact"))
            continue
        w, score, s = _best_window(f, windows, sim)
        a = _anchors(f)
        wa = _anchors(w)
        hit, total = _anchor_overlap(a, wa)
        cp = _closest(f, w, sim)
        vals_f, vals_w = _values(f), _values(w)
        absent, conflicts = _value_diff(vals_f, vals_w)
        instr_conflict = _conflict(a.get("instruction", set()), wa.get("instruction", set()))
        lost_anchor = [k for kind, keys in a.items() if kind != "instruction" for k in keys if k not in wa.get(kind, ())]
        lost_instr = [k for k in a.get("instruction", ()) if not any(_compatible(k, o) for o in wa.get("instruction", ()))
                      and not (k == "refer" and wa.get("referral"))]
        plain = {k: v for k, v in a.items() if k != "instruction"}
        plain_hit, _ = _anchor_overlap(plain, wa)
        related = plain_hit > 0 or (not plain and hit > 0) or s >= 0.6
        if not related:
            missing.append(FactMatch(f, None, "no statement in the edit carries this fact", s, "missing_fact"))
            continue
        negation = f.polarity != cp.polarity and (not lost_anchor)
        if conflicts:
            changed.append(FactMatch(f, cp, "changed value: " + _describe_values(conflicts), s, "changed_value"))
        elif instr_conflict:
            changed.append(FactMatch(f, cp, f"instruction reversed: {instr_conflict[0]} became {instr_conflict[1]}", s, "negation_flip"))
        elif lost_instr and s < 0.6:
            missing.append(FactMatch(f, cp, f"instruction lost: {', '.join(lost_instr)}", s, "missing_fact"))
        elif negation and (s < 0.93 or hit == total):
            which = "negated" if cp.negated else "no longer negated"
            changed.append(FactMatch(f, cp, f"negation flipped: the statement is {which} in the edit", s, "negation_flip"))
        elif lost_anchor:
            gone = [k for k in lost_anchor if not any(k in keys for keys in edit_all_anchor.values())]
            reason = f"lost: {', '.join(sorted(lost_anchor))}" + (" (absent from the edit)" if gone else "")
            missing.append(FactMatch(f, cp if not gone else None, reason, s, "missing_fact"))
        elif absent:
            lost_vals = [v for _, vs in absent for v in vs]
            gone = [v for cls, vs in absent for v in vs if v not in edit_all_values.get(cls, set())]
            if gone:
                missing.append(FactMatch(f, cp, f"value dropped: {', '.join(gone)}", s, "missing_fact"))
            else:
                kept.append(FactMatch(f, cp, f"kept (value {', '.join(lost_vals)} stated nearby)", s))
        elif s < 0.35:
            missing.append(FactMatch(f, cp, "the closest statement in the edit says something else", s, "missing_fact"))
        else:
            kept.append(FactMatch(f, cp, "kept (paraphrased)" if s < 0.95 else "kept", s))
    return kept, missing, changed


def _instruction_supported(group: str, fact: Fact, anchors: dict, orig: list[Fact], sim) -> bool:
    """Advice is supported by a similar original statement giving compatible advice, or by a close paraphrase of one."""
    others = {k: v for k, v in anchors.items() if k != "instruction"}
    for o in orig:
        s = sim(fact.text, o.text)
        if s >= 0.45 and any(_compatible(group, x) for x in o.keys("instruction")):
            return True
        if s >= 0.7 and len(anchors.get("instruction", ())) == 1:
            oa = _anchors(o)
            if all(keys <= oa.get(kind, set()) for kind, keys in others.items()):
                return True
    return False


def _precision_side(orig: list[Fact], edit: list[Fact], original_text: str, sim):
    supported, unsupported = [], []
    orig_norm = normalise(original_text)
    all_anchor = _anchors(orig)
    all_values = _values(orig)
    orig_reassures = [f for f in orig if f.keys("reassurance")]
    windows = _windows(orig)
    for f in edit:
        if normalise(f.text) and normalise(f.text) in orig_norm:
            twin = next((x for x in orig if normalise(f.text) in normalise(x.text)), None)
            if twin is not None and twin.polarity == f.polarity and twin.hedged == f.hedged:
                supported.append(FactMatch(f, twin, "verbatim from the original", 1.0))
                continue
        a, v = _anchors(f), _values(f)
        w, _, s = _best_window(f, windows, sim) if windows else (None, 0.0, 0.0)
        cp = _closest(f, w, sim) if w else None
        problems: list[tuple[str, str]] = []
        new_drugs = sorted(a.get("drug", set()) - all_anchor.get("drug", set()))
        if new_drugs:
            problems.append(("new_medication", f"new medication: {', '.join(new_drugs)}"))
        new_tests = sorted(a.get("test", set()) - all_anchor.get("test", set()))
        if new_tests == ["blood test"] and all_anchor.get("test", set()) & LAB_TESTS:
            new_tests = []  # "your labs" referring to lab results the original gives
        if new_tests:
            problems.append(("new_test", f"new test or procedure: {', '.join(new_tests)}"))
        new_refs = sorted(a.get("referral", set()) - all_anchor.get("referral", set()))
        if new_refs:
            problems.append(("new_recommendation", f"new referral: {', '.join(new_refs)}"))
        new_instr = sorted(k for k in a.get("instruction", set()) if not _instruction_supported(k, f, a, orig, sim))
        if new_instr:
            problems.append(("new_recommendation", f"new advice: {', '.join(new_instr)}"))
        if f.keys("reassurance"):
            ok = any(sim(f.text, r.text) >= 0.45 for r in orig_reassures) if orig_reassures else False
            if not ok:
                problems.append(("false_reassurance", "reassurance the original does not give"))
        new_conditions = sorted(a.get("condition", set()) - all_anchor.get("condition", set()))
        if new_conditions:
            problems.append(("new_claim", f"new diagnosis: {', '.join(new_conditions)}"))
        if w is not None and not problems:
            absent, conflicts = _value_diff(v, _values(w))
            conflicts = [c for c in conflicts if set(c[1]) - all_values.get(c[0], set())]
            if conflicts:
                problems.append(("changed_value", "changed value: " + _describe_values(
                    [(cls, extra, lost) for cls, lost, extra in conflicts])))
            instr_conflict = _conflict(a.get("instruction", set()), _anchors(w).get("instruction", set()))
            if instr_conflict and not problems:
                problems.append(("negation_flip", f"instruction reversed: {instr_conflict[1]} became {instr_conflict[0]}"))
        if not problems:
            new_vals = sorted(x for cls, keys in v.items() for x in keys if x not in all_values.get(cls, set()))
            if new_vals:
                problems.append(("new_claim", f"value not in the original: {', '.join(new_vals)}"))
        if not problems and cp is not None:
            hit, total = _anchor_overlap(a, _anchors(cp))
            if f.polarity != cp.polarity and hit and s < 0.93 and not (f.keys("reassurance") and orig_reassures):
                problems.append(("negation_flip", "negation differs from the original statement"))
        if problems:
            unsupported.append(FactMatch(f, cp, "; ".join(p[1] for p in problems), s, problems[0][0],
                                         list(dict.fromkeys(p[0] for p in problems))))
        else:
            supported.append(FactMatch(f, cp, "supported by the original", s))
    return supported, unsupported



def _entails(backend, premise: str, statement: str) -> bool:
    messages = ENTAIL.messages(premise=premise, statement=statement)
    text = backend.complete(messages, GenerationOptions(max_tokens=3, temperature=0.0, seed=0)).text
    return text.strip().lower().startswith("yes")


def _llm_rejudge(backend, original, edited, kept, missing, supported, unsupported):
    """Let a capable model rescue paraphrases the rules missed; never a changed value or a new entity."""
    if backend is None:
        raise InputError("mode='llm' needs a backend (configure a capable model)")
    still_missing = []
    for m in missing:
        if m.reason.startswith(("no statement", "the closest", "instruction lost")) and _entails(backend, edited, m.fact.text):
            kept.append(FactMatch(m.fact, m.counterpart, "kept (model entailment)", m.similarity))
        else:
            still_missing.append(m)
    still_unsupported = []
    for m in unsupported:
        soft = m.flags in (["new_recommendation"], ["negation_flip"], ["new_claim"])
        if soft and _entails(backend, original, m.fact.text):
            supported.append(FactMatch(m.fact, m.counterpart, "supported (model entailment)", m.similarity))
        else:
            still_unsupported.append(m)
    return kept, still_missing, supported, still_unsupported
