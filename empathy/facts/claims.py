"""A learned second opinion: does an added sentence claim anything clinical, or is it framing?

The rules flag a new statement as a claim when it uses a word the original does not ("Trying to carry on as normal
with this must be hard", "I know the burning has been wearing you down"). Word lists cannot tell every way of speaking about feelings from every way of
claiming something, and on framing that their authors did not write they raised false alarms on a fifth to a third
of clean edits. So a statement the rules flag *only* as a new claim, with no entity a clinician must vouch for (no
drug, dose, test, referral, value, instruction or reassurance), no verdict on the illness ("manageable",
"contagious"), no advice, no hedge and no negation, gets a second opinion from a kernel SVM on its MiniLM
embedding; below the threshold it is framing. The same holds for "advice" that only invites contact ("Feel free to
call the office"), with or without a "not" ("You don't need a reason to get in touch").
Everything else stays with the rules: a new drug, test, dose or medical instruction is never cleared by a model.
A statement that is hedged, or advice about the correspondence itself ("Take whatever time you need to read this",
"You may have mixed feelings reading this"), is *guarded*: the model clears it only far below the threshold, where
in cross-validation no clinical statement of that kind fell (hedged diagnoses score high: "It sounds like you may
have paronychia" 1.00). A negated statement in words about the correspondence alone ("Please don't apologise for
asking") is guarded too; other negated statements and advice about the patient's life stay with the rules.

It also stands in for the feeling words a reflection of the patient's message needs (:mod:`.reflect`): "Dealing with
shortness of breath is clearly taking a lot out of you" names no emotion from a list, but with the patient's own
words masked it reads as framing.

The weights (empathy/data/claim_model.npz: about 1,200 support vectors of an RBF-kernel SVM, a two-number map from its
decision to a probability, and the thresholds) are fitted by ``benchmarks/build_claim_model.py`` on clinical
statements of real doctors' replies and on framing sentences that the checker's authors did not write (EPITOME
emotional reactions, the sentence gate's labelled stock lines, and the framing of twelve helper-written sets in as
many clinics' voices, for development and for training). Leaving one writer out in turn, the linear model shipped
before read 16 % of that writer's framing as clinical, the kernel model 2-12 %.

A second head reads reassurance: the rules know "nothing to worry about" and "you'll be fine", not every way of saying
it ("Nine times out of ten this is completely innocent"). An added sentence it reads as reassurance, in a reply whose
original reassures nowhere, is false reassurance (report.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from ..embeddings import embed
from .content import stem

DATA = Path(__file__).resolve().parents[1] / "data" / "claim_model.npz"
# Entity kinds the model may never clear: what they name must be in the original.
HARD_KINDS = frozenset({"drug", "dose", "test", "referral", "reassurance", "number", "measure", "duration",
                        "frequency", "time", "side"})
# Words that give a verdict on the illness (its cause, course or nature): a statement with one is the rules' claim,
# not the model's to clear ("It's manageable", "this is stress-related").
VERDICT = frozenset(stem(w) for w in """manageable treatable curable contagious infectious hereditary genetic benign
malignant fatal deadly permanent temporary cause causes caused causing related spread spreads""".split())
# What the illness causes the patient to feel ("I'm sorry the leg pain is causing you so much bother") is no verdict
# on its cause.
_CAUSES_YOU = re.compile(r"\bcaus(?:e|es|ed|ing) you(?: (?:a lot of|so much|such|some|real|a great deal of|considerable|"
                         r"any))? (?:distress|bother|frustration|worry|worries|anxiety|stress|upset|disruption|grief|"
                         r"trouble|concern|hassle|inconvenience|heartache)\b", re.I)
# Phrases that give a verdict on the course of the illness ("this almost never comes back", "rarely turns into
# anything more serious"): never the model's to clear, negated or not.
COURSE = re.compile(r"\b(?:com(?:es|ing)?|came) back\b|\bturns? (?:into|out)\b|\bgo(?:es)? away\b|\bclears? up\b|"
                    r"\bserious\b|\bdangerous\b|\bsafe(?:ly)?\b|\bcatch (?:it|this)\b|\bpass (?:it|this) on\b|"
                    r"\bruns? in (?:the )?famil|\brecur(?:s|red|rence)?\b|\bworsen|\bgets? worse\b|"
                    r"\b(?:make|makes|making|made) (?:it|this|that|things|them|symptoms?|the \w+) worse\b", re.I)
# Instructions that only invite contact: the model may read them as framing. Any other is medical advice.
CONTACT = frozenset({"contact", "schedule"})
# The words of advice about the correspondence itself ("Take whatever time you need to read through this", "Keep the
# questions coming", "Look after yourself, and write any time"): everyday advice in no other words is guarded.
# Advice about the patient's life ("Go easy on yourself", "Try to keep busy") stays advice.
TALK = frozenset(stem(w) for w in """read reading question questions ask asking write writing send sending reply message
messages note notes email letter call calling phone portal contact office team clinic time moment whenever whatever
suit suits quiet following keep feel free mind else anything conversation talk speak bring family member welcome
help slowly easier know tell hesitate touch care good apologise apologize sorry twice miss nuisance bother bothering
silly rush hurry desk front reception receptionist staff jargon through use line main useful clarify clarification
detail details explain explanation part parts anytime communication using app admin appointment
appointments copy record records exchange human voice hear wait""".split())


# An invitation to get in touch in these words alone ("Do ring the surgery if you'd prefer to speak to someone",
# "If you can't get through on the phone, ring the surgery again") advises nothing but contact: the rules clear it
# without the model, which reads it near a safety net ("Call us if the pain gets worse").
INVITATION = TALK | frozenset(stem(w) for w in """again sense make ring surgery prefer someone directly inform informed
arrange book telephone discuss update posted loop""".split())
# Words that only say how the reply is laid out ("I'll break this into a couple of short sections", "A few points
# below", "I'd like to address your concerns in the order you raised them"): a statement in these alone says nothing
# about health, and the rules clear it without the model, which reads the unfamiliar ones near a plan. An imperative
# only in the words of reading ("Please find my reply below", "Please read the following carefully").
SIGNPOST = frozenset(stem(w) for w in """break broken section sections short point points detail details little
background address raise raised couple cover split tackle question questions ask asked term terms explain thought
thoughts numbered step steps first moment quick inform information reply response query order""".split())
READING = frozenset(stem(w) for w in """read see find follow following inform information point points reply response
query moment carefully allow explain step steps recommend suggest""".split())
# The tiers of model_tier that the rules clear alone, without asking the model.
RULE_TIERS = frozenset({"invitation", "signpost"})
# Keeping a record ("Write your questions down", "Keep a diary of the headaches") is advice about the patient's life,
# even in words about the correspondence.
_RECORD = re.compile(r"\b(?:write|jot|note|put)\b(?: \w+){0,3} down\b|\bmake (?:a|an) (?:list|note)\b"
                     r"|\bkeep (?:a|an) (?:list|note|diary|log|record)\b", re.I)
_IF_NOT = re.compile(r"\bif\b[^,;.]*(?:\b(?:not|never|nothing)\b|n't\b)", re.I)
# The present day or week and the days of the week, said of the correspondence or the practice ("I'll be the one
# answering today", "Dr Reyes is away this week", "The practice nurse is in on Tuesday mornings"), are no hard value;
# said of an outcome or a deadline ("by this week it will have settled", "until Friday") they are.
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
PRESENT = frozenset({"today", "this week"} | set(_WEEKDAYS.split()))
_DEADLINE = re.compile(r"\b(?:by|until|till|within|from|after|before)\s+(?:the end of\s+)?(?:next\s+)?(?:today|tonight|this|"
                       + _WEEKDAYS.replace(" ", "|") + r")\b", re.I)


@dataclass(frozen=True)
class ClaimModel:
    """Two heads on the MiniLM embedding. The claim head is an RBF-kernel SVM (its support vectors and their weights),
    its decision value mapped to a probability by a logistic fitted on cross-validated decisions: framing that many
    writers word in many ways lies in pockets a single hyperplane cannot cut off from clinical statements. The
    reassurance head is a logistic regression."""
    support: np.ndarray  # (n, 384) support vectors
    dual: np.ndarray  # (n,) their signed weights
    gamma: float
    intercept: float
    scale: float  # probability = logistic(scale * decision + offset)
    offset: float
    threshold: float  # probabilities below it are framing
    reassure_coef: np.ndarray  # a second head: does the sentence reassure about the outcome?
    reassure_intercept: float
    reassure_threshold: float  # probabilities at or above it are reassurance
    guarded_threshold: float = 0.0  # guarded statements (hedged, advice about the correspondence): framing only below

    @cached_property
    def _support(self) -> tuple[np.ndarray, np.ndarray]:
        sv = self.support.astype(np.float32)  # stored as float16
        return sv, (sv * sv).sum(1)

    def decision(self, x: np.ndarray) -> np.ndarray:
        sv, norms = self._support
        d2 = (x * x).sum(1)[:, None] + norms[None, :] - 2.0 * x @ sv.T
        return np.exp(-self.gamma * np.maximum(d2, 0.0)) @ self.dual + self.intercept

    def probability(self, texts: list[str]) -> np.ndarray:
        """Probability that each text states something clinical."""
        return _sigmoid(self.scale * self.decision(embed(texts)) + self.offset)

    def reassurance(self, texts: list[str]) -> np.ndarray:
        """Probability that each text reassures ("You'll be feeling like yourself again very soon")."""
        return _sigmoid(embed(texts) @ self.reassure_coef + self.reassure_intercept)

    def save(self, path: Path = DATA) -> None:
        np.savez_compressed(path, support=self.support.astype(np.float16), dual=self.dual.astype(np.float32),
                            gamma=self.gamma, intercept=self.intercept, scale=self.scale, offset=self.offset,
                            threshold=self.threshold, reassure_coef=self.reassure_coef.astype(np.float32),
                            reassure_intercept=self.reassure_intercept, reassure_threshold=self.reassure_threshold,
                            guarded_threshold=self.guarded_threshold)

    @classmethod
    def load(cls, path: Path = DATA) -> "ClaimModel":
        z = np.load(path)
        return cls(z["support"], z["dual"], float(z["gamma"]), float(z["intercept"]), float(z["scale"]),
                   float(z["offset"]), float(z["threshold"]), z["reassure_coef"], float(z["reassure_intercept"]),
                   float(z["reassure_threshold"]), float(z["guarded_threshold"]))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def claim_model() -> ClaimModel | None:
    """The shipped model (None when its weights are missing: the rules alone decide)."""
    return ClaimModel.load() if DATA.is_file() else None


def model_tier(fact, flags: list[str]) -> str | None:
    """How the model may judge a flagged fact: "invitation" (an invitation to get in touch in words about the
    correspondence alone: framing without the model), "signpost" (words about the reply's layout alone: framing
    without the model), "plain" (flagged for its words alone, or advice that only invites contact), "guarded" (hedged,
    advice about the correspondence, or a statement of today or this week: cleared only below the guarded threshold),
    or None (the rules decide: a drug, dose, test, value, medical instruction, verdict on the illness, a negation outside
    words about the correspondence, advice about the patient's life, other flags)."""
    verdict = fact.content & VERDICT
    if verdict <= {stem("cause")} and _CAUSES_YOU.search(fact.text):
        verdict = set()
    if not set(flags) <= {"new_claim", "new_recommendation"} or verdict or COURSE.search(fact.text):
        return None
    present = [e for e in fact.entities if e.kind == "time" and e.key in PRESENT]
    if present and (_DEADLINE.search(fact.text) or any(e.kind == "instruction" for e in fact.entities)):
        return None  # "Call us today" asks for something today
    if any(e.kind in HARD_KINDS for e in fact.entities if e not in present):
        return None
    instructions = {e.key for e in fact.entities if e.kind == "instruction"}
    if not instructions <= CONTACT | {"advice"}:
        return None
    if fact.content and not fact.negated and not present and not instructions - {"advice"} \
            and fact.content <= (READING if fact.advice or instructions else SIGNPOST):
        return "signpost"
    if instructions and instructions <= CONTACT and fact.content <= INVITATION and not fact.hedged \
            and (not fact.negated or _IF_NOT.search(fact.text)):
        return "invitation"  # "not" only in its condition; "Please don't call" stays with the model
    # a "not" only in an invitation ("You don't need a reason to get in touch") is plain; one in words about the
    # correspondence alone ("Please don't apologise for asking", "I didn't want to miss anything in your message") is
    # guarded; any other stays with the rules (guarded, negated statements let a quarter of the blind pools' false
    # reassurance through)
    if fact.negated and not (instructions == {"contact"} and len(fact.entities) == 1):
        talk_only = fact.content and fact.content <= TALK and not instructions & CONTACT  # "don't need to come in"
        return "guarded" if talk_only else None
    everyday_advice = (fact.advice and not instructions & CONTACT) or "advice" in instructions
    if everyday_advice and (not fact.content <= TALK or _RECORD.search(fact.text)):
        return None  # advice about the patient's life ("You should sleep more") stays advice
    return "guarded" if fact.hedged or everyday_advice or present else "plain"


def reads_as_framing(texts: list[str], guarded: list[bool] | None = None) -> list[bool]:
    """Texts the shipped model reads as framing (all False without a model: the rules alone decide); a guarded text
    must fall below the guarded threshold."""
    model = claim_model()
    if model is None or not texts:
        return [False] * len(texts)
    guarded = guarded or [False] * len(texts)
    return [bool(p < (model.guarded_threshold if g else model.threshold))
            for p, g in zip(model.probability(texts), guarded)]


def reassures(texts: list[str]) -> list[bool]:
    """Texts the shipped model reads as reassurance about the outcome (all False without a model)."""
    model = claim_model()
    if model is None or not texts:
        return [False] * len(texts)
    return (model.reassurance(texts) >= model.reassure_threshold).tolist()
