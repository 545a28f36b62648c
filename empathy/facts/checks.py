"""The checks of fact matching, one small named function each.

Every check reads a *case* (one fact, its best counterpart on the other side, and what was measured about the
two) and returns a :class:`Finding` or None. All checks of a side run on every case and their findings are
collected, so no check depends on another having run first; :func:`verdict` turns the findings into kept /
missing / changed (recall) or supported / unsupported (precision).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .content import CONVERSATION, EMOTION, SUPPORT, content_words, imperative, medical, words
from .extract import Fact
from .patterns import LAB_TESTS
from .qualifiers import qualifier_change

# Which flag names a finding first when a fact has several (most specific first).
FLAG_ORDER = ("changed_value", "negation_flip", "new_medication", "new_test", "new_recommendation", "false_reassurance",
              "new_claim", "missing_fact")


@dataclass
class Finding:
    outcome: str  # recall: "changed" | "missing"; precision: "unsupported"
    flag: str
    reason: str
    detached: bool = False  # the counterpart does not carry this fact at all (reported without one)


@dataclass
class Case:
    """One fact and its best counterpart window on the other side, with everything the checks compare."""

    fact: Fact
    window: list[Fact] | None
    counterpart: Fact | None  # the window's fact closest to ``fact``
    sim: float  # embedding similarity to the counterpart (0 when the window only copies other facts)
    anchors: dict[str, set[str]]
    window_anchors: dict[str, set[str]]
    hit: int  # anchors of ``fact`` found in the window
    total: int
    conflicts: list  # values of the same class that differ: [(class, lost, new)]
    absent: list  # values of ``fact`` the window lacks: [(class, lost)]
    absent_elsewhere: list[str]  # ... and that the whole other side lacks too
    instruction_conflict: tuple[str, str] | None
    lost_anchors: list[str]  # drugs, tests, diagnoses, terms ... of ``fact`` the window lacks
    gone_anchors: list[str]  # ... that the whole other side lacks
    lost_instructions: list[str]
    plain_hit: int  # non-instruction anchors found
    coverage: float  # share of the fact's content words the window has
    lost_words: list[str]
    novel_words: list[str]  # content words the whole other side never uses
    negations: tuple[int, int, int]  # negation cues bearing on the words both share: fact, counterpart, window
    extra: dict = field(default_factory=dict)  # side-specific measurements (precision: new entities)

    @property
    def related(self) -> bool:
        """The window talks about this fact at all: shares an anchor, most of its words, or reads alike."""
        plain = {k: v for k, v in self.anchors.items() if k != "instruction"}
        return (self.plain_hit > 0 or (not plain and self.hit > 0) or self.sim >= 0.6
                or (self.coverage >= 0.6 and bool(self.fact.content)))

    @property
    def entities_carried(self) -> bool:
        """The fact names entities or values and the window carries every one of them, unchanged."""
        has = bool(self.anchors) or bool(self.absent) or bool(self.conflicts) or self.extra.get("has_values", False)
        return has and self.hit == self.total and not self.lost_anchors and not self.conflicts and not self.absent

    @property
    def same_statement(self) -> bool:
        """The counterpart says the same thing in (nearly) the same words: a place where a flipped negation shows."""
        return self.counterpart is not None and self.coverage >= 0.6 and not self.lost_anchors


def _describe(conflicts) -> str:
    return "; ".join(f"{cls} {', '.join(lost)} became {', '.join(extra)}" for cls, lost, extra in conflicts)


def _negation_differs(c: Case) -> bool:
    """The fact and its counterpart differ in negation: the polarity flag, or the count of negation cues that bear
    on the words both share (over the whole window, so a statement split in two is compared as one)."""
    f, cp = c.fact, c.counterpart
    if cp is None:
        return False
    polarity = _polarity_differs(c) and (c.sim < 0.93 or c.hit == c.total)
    return polarity or (_count_differs(c) and c.same_statement)


def _count_differs(c: Case) -> bool:
    """Negation cues on the shared words differ from the counterpart and from the whole window."""
    n_fact, n_cp, n_window = c.negations
    return n_fact != n_cp and n_fact != n_window


def _polarity_differs(c: Case) -> bool:
    """A changed condition ("if it continues" / "if it gets better"), or a negated statement whose counterpart is
    not, where the negation bears on words both share (not on a clause only one side has)."""
    f, cp = c.fact, c.counterpart
    return f.persist != cp.persist or (f.negated != cp.negated and _count_differs(c))


# ------------------------------------------------------------------------------------------- recall checks

def unrelated(c: Case) -> Finding | None:
    if c.window is None:
        return Finding("missing", "missing_fact", "the edit has no clinical content", detached=True)
    if not c.related:
        return Finding("missing", "missing_fact", "no statement in the edit carries this fact", detached=True)
    return None


def changed_value(c: Case) -> Finding | None:
    if c.window is not None and c.related and c.conflicts:
        return Finding("changed", "changed_value", "changed value: " + _describe(c.conflicts))
    return None


def qualifier_changed(c: Case) -> Finding | None:
    """The same statement graded otherwise: "often causes ringing" -> "rarely causes ringing"."""
    if c.window is None or c.counterpart is None or not (c.sim >= 0.6 or c.coverage >= 0.6):
        return None
    changes = qualifier_change(c.fact.text, c.counterpart.text, " ".join(f.text for f in c.window))
    if changes:
        return Finding("changed", "changed_value", "changed qualifier: " + ", ".join(
            f"{a} became {b}" for _, a, b in changes))
    return None


# Words that open a noun phrase: what follows names a thing or a quality of one, not an action.
_NOUN_PHRASE = frozenset("""a an the of your my his her their our this that these those in on at for with from by
some any no very more less most""".split())
_ADJECTIVE = re.compile(r"\w{3,}(?:ful|less|ous|ive|al|ic|ary|ory|ant|ent|able|ible)$")


def word_swapped(c: Case) -> Finding | None:
    """The same statement with one or two words swapped for others the original never uses there ("a fracture of the
    skull" -> "of the jaw", "painful ulcers" -> "painless ulcers", "a comprehensive eye exam" -> "a brief eye exam"):
    no scale lists every word a value can be said in. Feeling and conversation words are no value."""
    if c.window is None or c.counterpart is None or c.coverage < 0.6:
        return None
    before, after = [w.lower() for w in words(c.fact.text)], [w.lower() for w in words(c.counterpart.text)]
    kept, soft = content_words(c.counterpart.text), EMOTION | SUPPORT | CONVERSATION
    for op, i1, i2, j1, j2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op != "replace" or i2 - i1 > 2 or j2 - j1 > 2:
            continue
        if not (i1 and before[i1 - 1] in _NOUN_PHRASE) and not _ADJECTIVE.search(before[i1]):
            continue  # a verb reworded ("The culture shows" -> "confirms", "start" -> "begin") is a paraphrase
        lost = content_words(" ".join(before[i1:i2])) - kept - soft
        new = content_words(" ".join(after[j1:j2])) - c.fact.content - soft
        if lost and new:
            return Finding("changed", "changed_value",
                           f"changed word: {' '.join(before[i1:i2])} became {' '.join(after[j1:j2])}")
    return None


def instruction_reversed(c: Case) -> Finding | None:
    if c.window is not None and c.related and c.instruction_conflict:
        a, b = c.instruction_conflict
        return Finding("changed", "negation_flip", f"instruction reversed: {a} became {b}")
    return None


def instruction_lost(c: Case) -> Finding | None:
    if c.window is not None and c.related and c.lost_instructions and c.sim < 0.6:
        return Finding("missing", "missing_fact", f"instruction lost: {', '.join(c.lost_instructions)}")
    return None


def negation_flipped(c: Case) -> Finding | None:
    if c.window is not None and c.related and not c.lost_anchors and _negation_differs(c):
        which = "negated" if c.negations[1] > c.negations[0] or (c.counterpart.negated and not c.fact.negated) \
            else "no longer negated"
        return Finding("changed", "negation_flip", f"negation flipped: the statement is {which} in the edit")
    return None


def anchor_lost(c: Case) -> Finding | None:
    if c.window is not None and c.related and c.lost_anchors:
        reason = f"lost: {', '.join(sorted(c.lost_anchors))}" + (" (absent from the edit)" if c.gone_anchors else "")
        return Finding("missing", "missing_fact", reason, detached=bool(c.gone_anchors))
    return None


def value_dropped(c: Case) -> Finding | None:
    if c.window is not None and c.related and c.absent_elsewhere:
        return Finding("missing", "missing_fact", f"value dropped: {', '.join(c.absent_elsewhere)}")
    return None


def says_something_else(c: Case) -> Finding | None:
    """A counterpart that shares an anchor but reads nothing alike (and no value of the fact is stated nearby)."""
    if c.window is not None and c.related and not c.absent and c.sim < 0.35 and c.coverage < 0.75:
        return Finding("missing", "missing_fact", "the closest statement in the edit says something else")
    return None


def content_lost(c: Case) -> Finding | None:
    """The words of the fact are not in the edit: a sentence with no entity (or whose entities are repeated
    elsewhere) was dropped or rewritten into something else."""
    if c.window is None or not c.related or not c.fact.content:
        return None
    if _content_carried(c):
        return None
    return Finding("missing", "missing_fact", f"not said in the edit: {', '.join(c.lost_words[:6])}")


def _content_carried(c: Case) -> bool:
    """Most of the words are there, or enough of them and the counterpart reads alike, or every entity and value
    is there and it reads somewhat alike (a paraphrase: "Your PSA came back at 4.2" / "Your PSA is 4.2")."""
    if c.coverage >= 0.75 or (c.coverage >= 0.5 and c.sim >= 0.75) or c.sim >= 0.88:
        return True
    return c.entities_carried and c.sim >= 0.6 and not c.extra.get("entity_problem")


RECALL_CHECKS = (unrelated, changed_value, qualifier_changed, word_swapped, instruction_reversed, instruction_lost,
                 negation_flipped, anchor_lost, value_dropped, says_something_else, content_lost)


# ---------------------------------------------------------------------------------------- precision checks

def new_medication(c: Case) -> Finding | None:
    new = c.extra.get("new_drugs")
    return Finding("unsupported", "new_medication", f"new medication: {', '.join(new)}") if new else None


def new_test(c: Case) -> Finding | None:
    new = list(c.extra.get("new_tests", []))
    if new == ["blood test"] and c.extra.get("original_tests", set()) & LAB_TESTS:
        new = []  # "your labs" referring to lab results the original gives
    return Finding("unsupported", "new_test", f"new test or procedure: {', '.join(new)}") if new else None


def new_referral(c: Case) -> Finding | None:
    new = c.extra.get("new_referrals")
    return Finding("unsupported", "new_recommendation", f"new referral: {', '.join(new)}") if new else None


# Instruction groups that generic offers match ("I could help", "the next steps", "get the right treatment").
_GENERIC_INSTRUCTIONS = {"advice", "plan", "get-test"}


def _offer_only(c: Case) -> bool:
    """An offer or commitment that names nothing specific ("I'm just glad I could help", "I'll be in touch soon to
    coordinate the next steps", "I'll provide more information about your condition"): not an imperative, no
    entity but generic instruction groups, no value, and every new word an offer, support or feeling word."""
    if c.extra.get("has_values") or imperative(c.fact.text) == "advice":
        return False
    if any(k != "instruction" for k in c.anchors) or not c.anchors.get("instruction", set()) <= _GENERIC_INSTRUCTIONS:
        return False
    return not set(c.novel_words) - CONVERSATION - SUPPORT - EMOTION


def new_advice(c: Case) -> Finding | None:
    new = c.extra.get("new_instructions")
    if new and _offer_only(c):
        return None
    return Finding("unsupported", "new_recommendation", f"new advice: {', '.join(new)}") if new else None


def false_reassurance(c: Case) -> Finding | None:
    if c.fact.keys("reassurance") and not c.extra.get("reassurance_supported"):
        return Finding("unsupported", "false_reassurance", "reassurance the original does not give")
    return None


def new_diagnosis(c: Case) -> Finding | None:
    new = c.extra.get("new_conditions")
    return Finding("unsupported", "new_claim", f"new diagnosis or medical term: {', '.join(new)}") if new else None


def changed_value_p(c: Case) -> Finding | None:
    conflicts = c.extra.get("value_conflicts")
    if conflicts:
        return Finding("unsupported", "changed_value", "changed value: " + _describe(conflicts))
    return None


def instruction_reversed_p(c: Case) -> Finding | None:
    if c.window is not None and c.instruction_conflict:
        a, b = c.instruction_conflict
        return Finding("unsupported", "negation_flip", f"instruction reversed: {b} became {a}")
    return None


def new_value(c: Case) -> Finding | None:
    new = c.extra.get("new_values")
    if new and not c.extra.get("value_conflicts"):
        return Finding("unsupported", "new_claim", f"value not in the original: {', '.join(new)}")
    return None


def negation_differs(c: Case) -> Finding | None:
    if c.counterpart is None or c.lost_anchors or (c.fact.keys("reassurance") and c.extra.get("original_reassures")):
        return None
    f, cp = c.fact, c.counterpart
    polarity = _polarity_differs(c) and c.hit and c.sim < 0.93
    if polarity or (_count_differs(c) and c.same_statement):
        return Finding("unsupported", "negation_flip", "negation differs from the original statement")
    return None


def new_content(c: Case) -> Finding | None:
    """A statement whose words the original does not have: new advice, or a new claim that names no entity but uses
    medical words ("Please remember there's no shame in seeking medical help.", "It tends to run in families.")."""
    f = c.fact
    if not f.content or not c.novel_words:
        return None
    if _content_carried(c):
        return None
    if not f.advice and not c.anchors and not c.extra.get("has_values") and not medical(c.novel_words):
        return None  # only everyday words ("Your message tells me how much this has bothered you"): conversation
    if _offer_only(c):
        return None
    flag = "new_recommendation" if f.advice else "new_claim"
    what = "advice" if f.advice else "statement"
    return Finding("unsupported", flag, f"new {what} the original does not make: {', '.join(c.novel_words[:6])}")


PRECISION_CHECKS = (new_medication, new_test, new_referral, new_advice, false_reassurance, new_diagnosis,
                    changed_value_p, instruction_reversed_p, new_value, negation_differs, new_content)


def verdict(findings: list[Finding]) -> tuple[str | None, list[str], str, bool]:
    """(outcome, flags in order, reason, detached) from all findings of one fact; outcome None means kept /
    supported. Changed beats missing: a fact that is both changed and partly lost is reported as changed."""
    found = sorted((f for f in findings if f is not None), key=lambda f: (FLAG_ORDER.index(f.flag), f.reason))
    if not found:
        return None, [], "", False
    outcome = "changed" if any(f.outcome == "changed" for f in found) else found[0].outcome
    flags = sorted(dict.fromkeys(f.flag for f in found), key=FLAG_ORDER.index)
    main = [f for f in found if f.outcome == outcome]
    reason = "; ".join(dict.fromkeys(f.reason for f in main))
    detached = outcome == "missing" and any(f.detached for f in main)
    return outcome, flags, reason, detached
