"""The fact report: recall and precision of clinical facts between a physician's original and an edit, with every
kept, missing, changed and unsupported fact, and the review flags (the editing paper's MedFactChecking).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from ..text import split_sentences
from .extract import Fact, extract_facts
from .match import FactMatch, _llm_rejudge, _precision_side, _recall_side, _Similarity
from .reflect import read_patient, reflects_patient

SHORT_ORIGINAL_CHARS = 230  # editing paper: short originals are most at risk of invented content
LOW_PRECISION = 0.90  # editing paper: precision below this goes to review
FLAGS = ("missing_fact", "changed_value", "negation_flip", "new_medication", "new_test", "new_recommendation",
         "false_reassurance", "new_claim", "short_original", "low_precision")
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
    if patient and patient.strip():
        supported, unsupported = _reflections(orig_facts, edited, patient, supported, unsupported)
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


def _reflections(orig_facts, edited, patient, supported, unsupported):
    """Unsupported facts that only acknowledge what the patient wrote become supported."""
    message = read_patient(patient)
    sentences = split_sentences(edited)
    still = []
    for m in unsupported:
        sentence = next((edited[s:e] for s, e in sentences if s <= m.fact.start < e), m.fact.text)
        if set(m.flags) <= _REFLECTION_FLAGS and reflects_patient(m.fact, sentence, message, orig_facts):
            supported.append(FactMatch(m.fact, m.counterpart, "reflects the patient's message", m.similarity))
        else:
            still.append(m)
    return supported, still
