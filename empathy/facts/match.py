"""Matching both ways: each original fact against windows of the edit (recall), each edited fact against the
original (precision).

Entities decide: a changed value, a flipped negation, a new drug, test, advice or reassurance never passes.
Content words decide where a fact names no entity: a statement whose words the other side lacks is missing
(recall) or new (precision). Sentence embeddings (all-MiniLM-L6-v2, :mod:`empathy.embeddings`) pick counterparts
and let paraphrases through; a verbatim copy of one fact never stands in as the paraphrase of another. Each
decision is a named check in :mod:`.checks`; all run on every fact and their findings are collected.
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
from .checks import PRECISION_CHECKS, RECALL_CHECKS, Case, verdict
from .content import content_words, scoped_negations
from .extract import Fact, extract_facts
from .patterns import ANCHOR_KINDS, COMPATIBLE, CONFLICTS, VALUE_KINDS


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
                out.setdefault(e.kind, set()).add(e.key)
    return out


def _content(facts: list[Fact]) -> frozenset[str]:
    return frozenset().union(*(f.content for f in facts)) if facts else frozenset()


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
        if extra:
            conflicts.append((cls, sorted(lost), sorted(extra)))
        else:
            absent.append((cls, sorted(lost)))
    return absent, conflicts


def _windows(facts: list[Fact]) -> list[list[Fact]]:
    wins = [[f] for f in facts]
    wins += [[facts[i], facts[i + 1]] for i in range(len(facts) - 1)]
    return wins


def _coverage(fact: Fact, content: frozenset[str]) -> float:
    return len(fact.content & content) / len(fact.content) if fact.content else 1.0


# Anchors whose key is a word of the text: found also when the other side names them without an entity
_TEXT_KINDS = ("term", "condition", "drug", "test")


def _has_anchor(kind: str, key: str, anchors: dict[str, set[str]], norm_text: str) -> bool:
    if key in anchors.get(kind, ()) or (kind in ("term", "condition") and key in anchors.get("term", set()) | anchors.get("condition", set())):
        return True
    return kind in _TEXT_KINDS and f" {key} " in f" {norm_text} "


class _Window:
    """One or two adjacent facts of a side, with what matching reads from them computed once."""

    __slots__ = ("facts", "idx", "anchors", "values", "content", "norm")

    def __init__(self, facts: list[Fact], idx: tuple[int, ...], norms: list[str]):
        self.facts, self.idx = facts, idx
        self.anchors, self.values, self.content = _anchors(facts), _values(facts), _content(facts)
        self.norm = " ".join(norms[i] for i in idx)


class _Side:
    """One side of a pair as matching sees it: its facts, windows of one or two facts, and their union."""

    def __init__(self, facts: list[Fact], text: str):
        self.facts = facts
        self.text = text
        self.norm = normalise(text)
        self.norms = [normalise(f.text) for f in facts]
        idx = [(i,) for i in range(len(facts))] + [(i, i + 1) for i in range(len(facts) - 1)]
        self.windows = [_Window([facts[i] for i in ix], ix, self.norms) for ix in idx]
        self.anchors = _anchors(facts)
        self.values = _values(facts)
        self.content = _content(facts)
        self.words = content_words(text) | self.content

    def twins(self, norm: str) -> set[int]:
        """Indexes of the facts of this side that contain the (normalised) text ``norm`` verbatim."""
        return {i for i, n in enumerate(self.norms) if norm and norm in n}


def _best_window(fact: Fact, side: _Side, sim, copies: set[int]) -> tuple[_Window | None, float]:
    """The window of ``side`` that best carries ``fact`` (anchors, content words and similarity), and the
    similarity to its closest fact. Facts in ``copies`` are verbatim copies of *other* facts: they count only
    for the words and anchors they carry, never as a paraphrase."""
    a = _anchors(fact)
    best, best_score, best_sim = None, -1.0, 0.0
    for w in side.windows:
        s = max((sim(fact.text, side.facts[i].text) for i in w.idx if i not in copies), default=0.0)
        hit, total = _anchor_overlap(a, w.anchors)
        cover = hit / total if total else 0.0
        score = cover + s + _coverage(fact, w.content) - 0.05 * (len(w.idx) - 1)
        if score > best_score:
            best, best_score, best_sim = w, score, s
    return best, best_sim


def _case(fact: Fact, other: _Side, sim, copies: set[int]) -> Case:
    """Everything the checks compare about ``fact`` and its best counterpart window on the ``other`` side."""
    win, s = _best_window(fact, other, sim, copies) if other.windows else (None, 0.0)
    a = _anchors(fact)
    if win is None:
        return Case(fact, None, None, 0.0, a, {}, 0, sum(len(v) for v in a.values()), [], [], [], None, [], [], [], 0,
                    0.0, sorted(fact.content), sorted(fact.content - other.words), (0, 0, 0))
    w = win.facts
    free = [other.facts[i] for i in win.idx if i not in copies] or w
    cp = max(free, key=lambda x: sim(fact.text, x.text))
    wa = win.anchors
    hit, total = _anchor_overlap(a, wa)
    absent, conflicts = _value_diff(_values(fact), win.values)
    lost = [k for kind, keys in a.items() if kind != "instruction" for k in keys if not _has_anchor(kind, k, wa, win.norm)]
    gone = [k for kind, keys in a.items() if kind != "instruction" for k in keys
            if k in lost and not _has_anchor(kind, k, other.anchors, other.norm)]
    lost_instr = [k for k in a.get("instruction", ()) if not any(_compatible(k, o) for o in wa.get("instruction", ()))
                  and not (k == "refer" and wa.get("referral"))]
    plain = {k: v for k, v in a.items() if k != "instruction"}
    plain_hit = sum(_has_anchor(kind, k, wa, win.norm) for kind, keys in plain.items() for k in keys)
    wc = win.content
    absent_elsewhere = [v for cls, vs in absent for v in vs if v not in other.values.get(cls, set())]
    return Case(fact, w, cp, s, a, wa, hit, total, conflicts, absent, absent_elsewhere,
                _conflict(a.get("instruction", set()), wa.get("instruction", set())), lost, gone, lost_instr, plain_hit,
                _coverage(fact, wc), sorted(fact.content - wc), sorted(fact.content - other.words),
                _negations(fact, cp, w, wc), {"has_values": bool(_values(fact))})


def _negations(fact: Fact, cp: Fact, window: list[Fact], window_content: frozenset[str]) -> tuple[int, int, int]:
    shared = fact.content & window_content
    return (scoped_negations(fact.text, shared), scoped_negations(cp.text, shared),
            scoped_negations(" ".join(x.text for x in window), shared))


def _copies_of_others(own: _Side, other: _Side) -> list[set[int]]:
    """For each fact of ``own``: the facts of ``other`` that copy verbatim a *different* fact of ``own`` (and do not
    also contain this one). Such a copy accounts for the fact it copies; it cannot be this fact's paraphrase."""
    twins = [other.twins(n) for n in own.norms]
    out = []
    for i, n in enumerate(own.norms):
        copies: set[int] = set()
        for j, m in enumerate(own.norms):
            if j != i and m != n:
                copies |= twins[j]
        out.append(copies - twins[i])
    return out


def _recall_side(orig: list[Fact], edit: list[Fact], edited_text: str, sim, original_text: str = ""):
    """Each fact of the original: kept, missing or changed in the edit (every recall check, findings collected)."""
    kept, missing, changed = [], [], []
    own, other = _Side(orig, original_text), _Side(edit, edited_text)
    copies = None
    for i, f in enumerate(orig):
        twin = _verbatim_twin(f, other)
        if twin is not None:
            kept.append(FactMatch(f, twin, "kept verbatim", 1.0))
            continue
        copies = copies or _copies_of_others(own, other)
        c = _case(f, other, sim, copies[i])
        outcome, flags, reason, detached = verdict([check(c) for check in RECALL_CHECKS])
        cp = None if detached else c.counterpart
        if outcome is None:
            why = "kept (paraphrased)" if c.sim < 0.95 else "kept"
            if c.absent:
                why = f"kept (value {', '.join(v for _, vs in c.absent for v in vs)} stated nearby)"
            kept.append(FactMatch(f, c.counterpart, why, c.sim))
        else:
            (changed if outcome == "changed" else missing).append(FactMatch(f, cp, reason, c.sim, flags[0], flags))
    return kept, missing, changed


def _verbatim_twin(f: Fact, other: _Side) -> Fact | None:
    n = normalise(f.text)
    if not n or n not in other.norm:
        return None
    twin = next((x for x, m in zip(other.facts, other.norms) if n in m), None)
    if twin is not None and twin.polarity == f.polarity and twin.hedged == f.hedged and twin.neg == f.neg:
        return twin
    return None


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


def _precision_extra(c: Case, orig: _Side, sim) -> dict:
    """What is new in an edited fact: entities the original never names, values, reassurance."""
    f, a, all_anchor = c.fact, c.anchors, orig.anchors
    new = {kind: sorted(k for k in a.get(kind, set()) if not _has_anchor(kind, k, all_anchor, orig.norm))
           for kind in ("drug", "test", "referral", "condition", "term")}
    extra = {"new_drugs": new["drug"], "new_tests": new["test"], "new_referrals": new["referral"],
             "new_conditions": new["condition"] + new["term"], "original_tests": all_anchor.get("test", set())}
    extra["new_instructions"] = sorted(k for k in a.get("instruction", set())
                                       if not _instruction_supported(k, f, a, orig.facts, sim))
    reassures = [o for o in orig.facts if o.keys("reassurance")]
    extra["original_reassures"] = bool(reassures)
    extra["reassurance_supported"] = any(sim(f.text, r.text) >= 0.45 for r in reassures)
    if c.window is not None:
        _, conflicts = _value_diff(_values(f), _values(c.window))
        extra["value_conflicts"] = [(cls, extra_, lost) for cls, lost, extra_ in conflicts
                                    if set(lost) - orig.values.get(cls, set())]
    extra["new_values"] = sorted(x for cls, keys in _values(f).items() for x in keys if x not in orig.values.get(cls, set()))
    extra["entity_problem"] = any(extra[k] for k in ("new_drugs", "new_tests", "new_referrals", "new_conditions",
                                                     "new_instructions"))
    return extra


def _precision_side(orig: list[Fact], edit: list[Fact], original_text: str, sim):
    """Each fact of the edit: supported by the original or unsupported (every precision check, findings collected)."""
    supported, unsupported = [], []
    other = _Side(orig, original_text)
    for f in edit:
        twin = _verbatim_twin(f, other)
        if twin is not None:
            supported.append(FactMatch(f, twin, "verbatim from the original", 1.0))
            continue
        c = _case(f, other, sim, set())
        c.extra.update(_precision_extra(c, other, sim))
        outcome, flags, reason, _ = verdict([check(c) for check in PRECISION_CHECKS])
        if outcome is None:
            supported.append(FactMatch(f, c.counterpart, "supported by the original", c.sim))
        else:
            unsupported.append(FactMatch(f, c.counterpart, reason, c.sim, flags[0], flags))
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
        soft = all(r.startswith(("no statement", "the closest", "instruction lost", "not said in the edit"))
                   for r in m.reason.split("; "))
        if soft and _entails(backend, edited, m.fact.text):
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
