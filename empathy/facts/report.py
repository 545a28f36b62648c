"""The fact report: recall and precision of clinical facts between a physician's original and an edit, with every
kept, missing, changed and unsupported fact, and the review flags (the editing paper's MedFactChecking).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from ..text import HEDGE, split_sentences
from .extract import Fact, courtesy, extract_facts
from .match import FactMatch, _llm_rejudge, _precision_side, _recall_side, _Similarity
from .claims import RULE_TIERS, model_tier, reads_as_framing, reassures
from .content import speaks_to_feelings
from .details import invented_details
from .reflect import mask_patient_words, names_only_known, read_patient, reflects_patient

SHORT_ORIGINAL_CHARS = 230  # editing paper: short originals are most at risk of invented content
LOW_PRECISION = 0.90  # editing paper: precision below this goes to review
FLAGS = ("missing_fact", "changed_value", "negation_flip", "new_medication", "new_test", "new_recommendation",
         "false_reassurance", "new_claim", "invented_detail", "short_original", "low_precision")
REVIEW_FLAGS = set(FLAGS) - {"short_original"}


@dataclass
class FactReport:
    original: str
    edited: str
    recall: float
    precision: float
    original_facts: list[Fact]
    edited_facts: list[Fact]
    kept: list[FactMatch]
    missing: list[FactMatch]
    changed: list[FactMatch]
    unsupported: list[FactMatch]
    supported: list[FactMatch]
    flags: list[str]
    needs_review: bool
    mode: str = "rules"
    original_other: list[tuple[int, int]] = field(default_factory=list)  # sentences with no clinical content
    edited_other: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "original": self.original, "edited": self.edited,
            "recall": round(self.recall, 4), "precision": round(self.precision, 4),
            "flags": list(self.flags), "needs_review": self.needs_review, "mode": self.mode,
            "original_facts": [f.to_dict() for f in self.original_facts],
            "edited_facts": [f.to_dict() for f in self.edited_facts],
            "kept": [m.to_dict() for m in self.kept], "missing": [m.to_dict() for m in self.missing],
            "changed": [m.to_dict() for m in self.changed], "unsupported": [m.to_dict() for m in self.unsupported],
            "supported": [m.to_dict() for m in self.supported],
            "original_other": [list(s) for s in self.original_other], "edited_other": [list(s) for s in self.edited_other],
        }




def check_facts(original: str, edited: str, *, patient: str | None = None, mode: str = "rules",
                backend=None) -> FactReport:
    """Recall and precision of clinical facts between a physician's original and an edited reply.

    ``patient``: the patient's message, when known. A feeling sentence that names only what the patient wrote
    ("I'm sorry the fever has lasted two days") is then framing, not a new claim (:mod:`.reflect`)."""
    if not isinstance(original, str) or not isinstance(edited, str) or not isinstance(patient, (str, type(None))):
        raise InputError("check_facts needs two texts (and the patient's message as text, if given)")
    if mode not in ("rules", "llm"):
        raise InputError(f"unknown fact-check mode {mode!r}; use rules or llm")
    orig_facts, orig_other = extract_facts(original)
    edit_facts, edit_other = extract_facts(edited)
    sim = _Similarity([f.text for f in orig_facts + edit_facts])
    kept, missing, changed = _recall_side(orig_facts, edit_facts, edited, sim, original)
    supported, unsupported = _precision_side(orig_facts, edit_facts, original, sim)
    # what the original states, reworded, is not reassurance the edit added ("No further treatment is needed" ->
    # "You won't need any further treatment"): statements supported with an entity, and those that keep a fact
    restated = [m.fact for m in supported if m.fact.entities] + [m.counterpart for m in kept if m.counterpart]
    message = read_patient(patient) if patient and patient.strip() else None
    if message:
        supported, unsupported = _reflections(orig_facts, edited, message, supported, unsupported)
    supported, unsupported = _framing(edited, supported, unsupported, orig_facts, message)
    supported, unsupported = _reassurance(original, edited, supported, unsupported, restated)
    if message:
        supported, unsupported = _details(original, edited, patient, supported, unsupported)
    if mode == "llm":
        kept, missing, supported, unsupported = _llm_rejudge(backend, original, edited, kept, missing, supported, unsupported)
    recall = len(kept) / len(orig_facts) if orig_facts else 1.0
    precision = len(supported) / len(edit_facts) if edit_facts else 1.0
    flags: list[str] = []
    for m in missing + changed + unsupported:
        flags.extend(m.flags)
    if len(original.strip()) < SHORT_ORIGINAL_CHARS:
        flags.append("short_original")
    if precision < LOW_PRECISION:
        flags.append("low_precision")
    flags = [f for f in FLAGS if f in set(flags)]
    return FactReport(
        original=original, edited=edited, recall=recall, precision=precision,
        original_facts=orig_facts, edited_facts=edit_facts, kept=kept, missing=missing, changed=changed,
        unsupported=unsupported, supported=supported, flags=flags,
        needs_review=bool(set(flags) & REVIEW_FLAGS), mode=mode, original_other=orig_other, edited_other=edit_other)


# What a reflection of the patient's message may have been flagged as (never a drug, advice, reassurance or flip).
_REFLECTION_FLAGS = {"new_claim", "new_test", "changed_value"}


def _reflections(orig_facts, edited, message, supported, unsupported):
    """Unsupported facts that only acknowledge what the patient wrote become supported."""
    sentences = split_sentences(edited)
    still = []
    for m in unsupported:
        sentence = _sentence_of(m.fact, edited, sentences)
        if set(m.flags) <= _REFLECTION_FLAGS and reflects_patient(m.fact, sentence, message, orig_facts):
            supported.append(FactMatch(m.fact, m.counterpart, "reflects the patient's message", m.similarity))
        else:
            still.append(m)
    return supported, still


def _framing(edited, supported, unsupported, orig_facts, message):
    """Statements flagged only for their words that the claim model reads as framing become supported (:mod:`.claims`).
    When everything they name comes from the patient's message or the original, the model reads them with the
    patient's words masked: "Waking up with side pain must be unsettling" is judged by how it speaks, not by "pain"."""
    tiers = {id(m): model_tier(m.fact, m.flags) for m in unsupported}
    known = {id(m): bool(message) and names_only_known(m.fact, message, orig_facts) for m in unsupported}
    # a symptom or condition named by neither the message nor the original is new, however it is said
    todo = [m for m in unsupported if tiers[id(m)] and (known[id(m)] or not any(
        e.kind in ("condition", "symptom", "term") for e in m.fact.entities))]
    if not todo:
        return supported, unsupported
    sentences = split_sentences(edited)

    def read(m, text):
        return mask_patient_words(text, message) if known[id(m)] else text
    # the sentence and the clause itself must both read as framing ("I'm sorry; it tends to run in families")
    by_rule = {id(m) for m in todo if tiers[id(m)] in RULE_TIERS}
    asked = [m for m in todo if id(m) not in by_rule]
    texts = [read(m, _sentence_of(m.fact, edited, sentences)) for m in asked] + [read(m, m.fact.text) for m in asked]
    framing = reads_as_framing(texts, [tiers[id(m)] == "guarded" for m in asked] * 2)
    cleared = by_rule | {id(m) for i, m in enumerate(asked) if framing[i] and framing[i + len(asked)]}
    why = {"invitation": "framing: an invitation to get in touch", "signpost": "framing: about the reply's layout",
           "plain": "framing: no clinical claim (claim model)", "guarded": "framing: no clinical claim (claim model)"}
    supported = supported + [FactMatch(m.fact, m.counterpart, why[tiers[id(m)]], m.similarity)
                             for m in todo if id(m) in cleared]
    return supported, [m for m in unsupported if id(m) not in cleared]


def _sentence_of(fact: Fact, text: str, sentences: list[tuple[int, int]]) -> str:
    return next((text[s:e] for s, e in sentences if s <= fact.start < e), fact.text)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _added_sentences(original: str, edited: str) -> list[tuple[int, int]]:
    """The sentences of the edit that are not, whitespace and case aside, in the original."""
    base = _norm(original)
    return [(s, e) for s, e in split_sentences(edited) if _norm(edited[s:e]) not in base]


def _reassurance(original, edited, supported, unsupported, restated):
    """An added, unhedged sentence the reassurance model reads as reassurance, in a reply whose original reassures
    nowhere, is false reassurance (:mod:`.claims`); sentences already flagged are also named reassurance. A sentence
    that restates a fact of the original ("The urinalysis came back normal"), speaks to feelings or signs off ("Stay
    well.") is not added."""
    added = [(s, e) for s, e in _added_sentences(original, edited)
             if not HEDGE.search(edited[s:e]) and not speaks_to_feelings(edited[s:e])
             and not courtesy(edited[s:e]) and not any(s <= f.start < e for f in restated)]
    if not added:
        return supported, unsupported
    texts = [edited[s:e] for s, e in added] + [original[s:e] for s, e in split_sentences(original)]
    verdicts = reassures(texts)
    if any(verdicts[len(added):]):
        return supported, unsupported  # the physician reassures: the edit's reassurance may be theirs, reworded
    reason = "reassurance the original does not give (reassurance model)"
    for (s, e), yes in zip(added, verdicts):
        if not yes:
            continue
        if any(s <= m.fact.start < e for m in unsupported):  # already flagged: name it reassurance too
            unsupported = [_also_reassurance(m, reason) if s <= m.fact.start < e else m for m in unsupported]
            continue
        inside = [m for m in supported if s <= m.fact.start < e]
        supported = [m for m in supported if m not in inside]
        facts = [m.fact for m in inside] or [Fact(edited[s:e], s, e)]
        unsupported = unsupported + [FactMatch(f, None, reason, 0.0, "false_reassurance") for f in facts]
    return supported, unsupported


def _details(original, edited, patient, supported, unsupported):
    """Added sentences that say something about the patient that neither message nor original does (:mod:`.details`)."""
    for s, e in _added_sentences(original, edited):
        found = invented_details(edited[s:e], patient, original)
        if not found:
            continue
        reason = "about the patient, not in their message or the draft: " + ", ".join(f'"{d.text}"' for d in found)
        inside = [m for m in supported if s <= m.fact.start < e]
        supported = [m for m in supported if m not in inside]
        unsupported = unsupported + [FactMatch(Fact(edited[s:e], s, e), None, reason, 0.0, "invented_detail")]
    return supported, unsupported


def _also_reassurance(m: FactMatch, reason: str) -> FactMatch:
    if "false_reassurance" in m.flags:
        return m
    return FactMatch(m.fact, m.counterpart, f"{m.reason}; {reason}", m.similarity, m.flag, m.flags + ["false_reassurance"])
