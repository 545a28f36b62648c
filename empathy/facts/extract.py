"""Extraction: the facts of a reply, each with its entities, content words, negation and hedging.

A sentence or clause is a *fact* when it carries information: clinical entities (a drug, dose, number, test,
diagnosis, medical term, instruction, referral, time frame or reassurance) or, when it names none, content words
(:mod:`.content`: "We will need to run some tests to confirm the diagnosis" is a fact). Clauses that only
acknowledge feelings, offer support or invite questions are empathic framing and stay out of the fact list, also
when they name the patient's own concern. Entities get normalised keys (``0.4mg`` and ``0.4 mg`` agree;
``three months`` is ``3 month``; ``twice daily`` is ``2/day``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..text import HEDGE, NEGATION, REASSURANCE, WORD, split_sentences
from .content import DX_CUE, DX_TOKEN, EMOTION, concern_slot, content_words, imperative, is_framing, medical, residue, stem
from .patterns import (
    ADVICE,
    CLAUSE_SPLIT,
    CONDITIONAL,
    DOSE_UNITS,
    FLIP,
    FREQ,
    GENERIC_CONDITION,
    GENERIC_CONTACT,
    GENERIC_TEST,
    INSTRUCTION_RE,
    MEASURE_UNITS,
    MED_WORDS,
    NEG_BEFORE,
    NUM,
    PERSIST,
    COUNT,
    SIDE,
    STRONG_KINDS,
    TIMES,
    dur_unit,
    fmt,
    norm_num,
)
from .terms import capitalised_terms, term_key, term_kind
from .vocab import vocabulary


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
    neg: int = 0  # negation cues (not, no, never, cannot, n't ..., stop/avoid): a flip changes the count
    content: frozenset[str] = frozenset()  # stems of the content words (content.py)
    advice: bool = False  # an imperative or recommending clause: new ones are new advice, not new claims

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
                "persist": self.persist, "neg": self.neg, "advice": self.advice, "content": sorted(self.content),
                "entities": [e.to_dict() for e in self.entities]}



def vocab_hit(phrase: str) -> bool:
    """Is ``phrase`` (or its last word) a vocabulary entry? Then the vocabulary names it with its canonical key."""
    phrases = vocabulary().phrases
    low = phrase.lower()
    return low in phrases or low.rstrip("s") in phrases


_LIST_MARKER = re.compile(r"\d{1,2}[.)](?:\s+[A-Z]|\s*$)")  # "3. If you ...", "1) Take ...", or "3." split off


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

    for m in REASSURANCE.finditer(text):
        add("reassurance", "reassurance", m.start(), m.end())
    for rx, key in FREQ:
        for m in rx.finditer(text):
            k = key
            if key == "every":
                k = f"every {norm_num(m.group(1))} {m.group(2).lower()}"
            add("frequency", k, m.start(), m.end())
    # numbers with units (doses, measurements, durations)
    for m in re.finditer(r"(?<![\w.])(" + NUM + r")(?:\s*|-)(mg/dl|mmol/l|ng/ml|ng/dl|miu/l|u/l|g/dl|mmhg|°f|°c|%|[a-zµ]+)(?![\w/])", low):
        num, unit = m.group(1), m.group(2)
        unit_key = None
        if unit in DOSE_UNITS:
            kind, unit_key = "dose", DOSE_UNITS[unit]
        elif unit in MEASURE_UNITS or unit + "s" in MEASURE_UNITS:
            kind, unit_key = "measure", MEASURE_UNITS.get(unit) or MEASURE_UNITS[unit + "s"]
        elif dur_unit(unit):
            kind, unit_key = "duration", dur_unit(unit)
        if unit_key is None or (unit_key == "step" and not num[:1].isdigit()):
            continue  # "one step at a time" is no step count
        if num in ("a", "an") and (kind != "duration" or unit_key == "second"):
            continue  # "a second attack" is an ordinal, "wait a second" no duration
        value = norm_num(num)
        if unit_key == "fortnight":  # two weeks, so that "a fortnight" and "two weeks" agree
            value, unit_key = (fmt(2 * float(value)) if value.replace(".", "").isdigit() else value), "week"
        add(kind, f"{value} {unit_key}", m.start(), m.end())
    for m in re.finditer(r"\b(?:age|ages|aged) (?:of )?(" + NUM + r")\b", low):
        add("number", norm_num(m.group(1)), m.start(1), m.end(1))  # "under the age of six"
    for m in re.finditer(r"\bhalf an hour\b|\bhalf-hour\b", low):
        add("duration", "30 minute", m.start(), m.end())
    for rx, key in TIMES:
        for m in rx.finditer(text):
            k = key
            if key in ("weekday", "date", "clock"):
                k = m.group(0).lower()
            add("time", k, m.start(), m.end())
    for m in SIDE.finditer(text):
        side = next(g for g in m.groups() if g).lower()
        add("side", "both" if side in ("bilateral", "both sides") else side, m.start(), m.end())
    for m in COUNT.finditer(text):
        add("number", "2" if m.group(2) else norm_num(m.group(1)), m.start(), m.end())
    for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?)(?![\w.]*\d)", text):
        if _LIST_MARKER.match(text, m.start()) and not text[:m.start()].strip():
            continue  # a list's number, not a value
        add("number", m.group(1) if "/" in m.group(1) else norm_num(m.group(1)), m.start(), m.end())
    for m in INSTRUCTION_RE.finditer(text):
        group = m.lastgroup.replace("_", "-")
        add("instruction", group, m.start(), m.end())
    if not any(e.kind == "instruction" for e in out):
        m = ADVICE.search(text)
        if m:
            add("instruction", "advice", m.start(), m.end())
    # "<organ/thing> disease|disorder|failure..." names a diagnosis even when the vocabulary lacks it
    for m in GENERIC_CONDITION.finditer(text):
        add("condition", m.group(0).lower(), m.start(), m.end())
    for m in GENERIC_TEST.finditer(text):
        if not vocab_hit(m.group(0)) and not vocab_hit(m.group(0).split()[-1]):
            add("test", term_key(m.group(0)), m.start(), m.end())
    # vocabulary phrases (longest match first)
    vocab = vocabulary()
    words = [(m.group(0).lower().strip("'-"), m.start(), m.end()) for m in WORD.finditer(text)]
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
    _add_terms(text, words, vocab.terms, add, out)
    idioms = [(m.start() + offset, m.end() + offset) for m in _NOT_A_FINDING.finditer(text)]
    out = [e for e in out if not (e.kind == "finding" and any(a <= e.start < b for a, b in idioms))]
    practice = [(m.start() + offset, m.end() + offset) for m in _THE_PRACTICE.finditer(text)]
    out = [e for e in out if not (e.key == "surgery" and any(a <= e.start < b for a, b in practice))]
    out.sort(key=lambda e: e.start)
    return out


# Finding words in everyday phrases: "made it clear how much", "carry on as normal", "end on a positive note".
_NOT_A_FINDING = re.compile(
    r"\b(?:make|makes|made|making) (?:it|this|that|things) (?:very |really |quite )?clear\b"
    r"|\b(?:is|it's|was|were|be) (?:very |really |quite |so )?clear (?:that|how|why|what|to me|from)\b"
    r"|\bas normal\b|\b(?:stay|keep|be|remain|staying|keeping)(?: things)? positive\b"
    r"|\bpositive (?:note|step|steps|attitude|outlook|thinking|side|change|changes)\b", re.I)

# "The surgery" as the GP practice (British): "contact the surgery", "the surgery can arrange a call".
_THE_PRACTICE = re.compile(
    r"\b(?:contact|ring|call|phone|email|write to|reach|come (?:in)?to|pop into) (?:the|our|your) (?:GP |doctor's )?surgery\b"
    r"|\b(?:the|our|your) (?:GP )?surgery(?:'s)? (?:can|will|team|staff|reception|receptionists?|phone|number|line|inbox)\b"
    r"|\b(?:the|our|your) surgery(?:'s| is| will be)? (?:closed|open)\b|\b(?:morning|afternoon|evening|Saturday) surgery\b"
    r"|\b(?:round|behind|outside|near) (?:the )?(?:back of )?(?:the|our) surgery\b|\b[A-Z]\w+ (?:Street|Road|Lane) surgery\b",
    re.I)


_MED_CONTEXT = re.compile(r"\b(?:take|taking|start|starting|prescrib\w*|medications?|medicines?|drugs?|dose of|course of|"
                          r"tablets?|pills?|capsules?|antibiotics?|cream|ointment|drops)\b", re.I)
_DRUG_LEAD = re.compile(r"\b(?:take|taking|start|starting|prescribe|prescribing|add|adding|give|giving|use|using|try|trying|"
                        r"switch(?:ing)? to|on|dose of|course of)\s+(?:\w+\s+){0,2}$", re.I)
_NOT_DRUG_NEXT = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:exam\w*|evaluation|tests?|testing|scan|imaging|procedures?|therapy|"
                            r"surgery|disease|syndrome|disorder|infection|deficiency|cancer|injury|diagnosis|treatment)\b", re.I)


def _add_terms(text: str, words, terms: frozenset[str], add, out: list[Entity]) -> None:
    """Medical terms no vocabulary entry names (terms.py): capitalised names and acronyms first, then single words
    by medical morphology or the ICD-10-CM word list."""
    med_context = bool(_MED_CONTEXT.search(text))
    for s, e in capitalised_terms(text):
        kind = "term"
        span = text[s:e]
        local = _DRUG_LEAD.search(text[:s]) or med_context or any(x.kind == "drug" for x in out)
        if local and not _NOT_DRUG_NEXT.match(text, e) and term_kind(span.split()[-1].lower(), terms) not in ("condition", "test"):
            kind = "drug"  # a capitalised name given, taken or listed with other drugs
        if not add(kind, term_key(span), s, e):
            continue
    for w, s, e in words:
        kind = None if stem(w) in EMOTION else term_kind(w, terms)  # "disruptive" is a feeling, not a disorder
        if kind:
            add(kind, term_key(w), s, e)



def _is_clinical(entities: list[Entity], text: str) -> bool:
    return any(e.kind in STRONG_KINDS for e in entities)


def _drop_generic(entities: list[Entity], text: str, offset: int = 0) -> list[Entity]:
    """An offer to answer questions is framing, not advice: drop contact instructions that only offer help, and
    "stop" / "raise" with a conversational object ("stop thinking about it", "raise this"). When a sentence speaks
    of the correspondence itself ("Your message reached me this morning"), its times are not clinical."""
    talk = {m.start() + offset for m in _TALK_OBJECT.finditer(text)}
    entities = [e for e in entities if not (e.kind == "instruction" and e.key in ("stop", "increase") and e.start in talk)]
    kinds = {e.kind for e in entities}
    if _CORRESPONDENCE.search(text) and not kinds & {"drug", "test", "condition", "symptom", "dose", "measure", "term",
                                                      "referral", "instruction"}:
        entities = [e for e in entities if e.kind not in ("time", "duration")]
        kinds = {e.kind for e in entities}
    if any(e.kind == "instruction" and e.key == "contact" for e in entities) and GENERIC_CONTACT.search(text):
        if not kinds & {"drug", "test", "condition", "symptom", "dose", "measure", "number", "duration", "frequency"}:
            return [e for e in entities if not (e.kind == "instruction" and e.key in ("contact", "schedule"))]
    return entities


# Entities a feeling clause may name as the patient's concern ("It makes sense to feel concerned about seizures").
_CONCERN_KINDS = {"condition", "symptom", "term", "finding", "time"}


def _concern_only(ents: list[Entity], text: str, offset: int) -> bool:
    """No drug, test, value, instruction or reassurance, and every named condition, symptom or term is the object
    of a feeling (the patient's concern), not asserted ("you may have X")."""
    offer = imperative(text) == "offer"
    for e in ents:
        if offer and ((e.kind == "instruction" and e.key in ("contact", "schedule", "advice"))
                      or (e.kind == "frequency" and e.key == "prn")):
            continue  # "I'm here whenever you need to talk", "ask for help when you need it": an offer, not advice
        if e.kind not in _CONCERN_KINDS:
            return False
        if e.kind in ("condition", "term", "symptom") and not concern_slot(text, e.start - offset, e.end - offset):
            return False
    return True


_GREETING = re.compile(r"^\W*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[^.!?]{0,40}[,!.:]?\s*$"
                       r"|^\W*how (?:are|have) you (?:been )?(?:doing|feeling|holding up)(?: today| lately| these days)?\W*$"
                       r"|^\W*(?:best|regards|kind regards|best regards|warm regards|warmly|sincerely|cheers|yours)\b[,!.]?"
                       r"(?:\s+[A-Z][\w.]*){0,4}\s*$", re.I)


def _informative(ents: list[Entity], text: str) -> bool:
    """Enough content to stand as a fact of its own when a clause is split off."""
    return _is_clinical(ents, text) or bool(residue(text))


def extract_facts(text: str) -> tuple[list[Fact], list[tuple[int, int]]]:
    """Atomic facts (clauses that carry information) and the spans of sentences that carry none."""
    facts, other = _extract_facts_cached(text)
    return list(facts), list(other)


@lru_cache(maxsize=4096)
def _extract_facts_cached(text: str) -> tuple[tuple[Fact, ...], tuple[tuple[int, int], ...]]:
    facts: list[Fact] = []
    other: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        ents = _drop_generic(extract_entities(sentence, s), sentence, s)
        found = _sentence_facts(text, s, e, ents)
        if found:
            facts.extend(found)
        else:
            other.append((s, e))
    return tuple(facts), tuple(other)


def courtesy(sentence: str) -> bool:
    """A whole sentence of greeting or sign-off ("Hi Maria,", "Stay well.", "Regards, Jen, RN"): no fact, and no
    reassurance either."""
    return bool(_GREETING.match(sentence)) or imperative(sentence) == "closing"


# "It sounds like acid reflux", "it could be a sign of a migraine": a diagnosis, whatever feeling comes with it.
_SOUNDS_LIKE = re.compile(r"\b(?:it|this|that)(?:'s| is)? (?:sounds|looks|seems|could be|may be|might be|is likely|"
                          r"is probably)(?: to be| like| as if)?\b", re.I)
# ... naming a condition, not a clause about the patient ("It sounds like the headaches have been wearing you down").
_A_CLAUSE = re.compile(r"\b(?:you|you've|you're|your|has|have|had|is|are|was|were|been)\b", re.I)


def _diagnoses(clause: str, ents: list[Entity], offset: int) -> bool:
    m = _SOUNDS_LIKE.search(clause)
    if not m:
        return False
    end = m.end() + len(re.split(r"[,;.!?]", clause[m.end():])[0])
    return not _A_CLAUSE.search(clause[m.end():end]) and any(
        x.kind in ("condition", "term") and offset + m.end() <= x.start < offset + end for x in ents)


def _sentence_facts(text: str, s: int, e: int, ents: list[Entity]) -> list[Fact]:
    """The facts of one sentence: its clauses, framing clauses left out, the rest cut only where both sides
    carry content of their own."""
    sentence = text[s:e]
    if courtesy(sentence):
        return []  # the names in a signature are no facts
    kind = imperative(sentence)
    if kind == "offer" and is_framing(sentence, _concern_only(ents, sentence, s)):
        return []  # "If you need anything in the meantime, get in touch": an offer whole, though no clause is one
    # clauses at every cut; each is framing or information
    bounds, last = [], 0
    for m in CLAUSE_SPLIT.finditer(sentence):
        bounds.append((last, m.start(), m.end()))
        last = m.end()
    bounds.append((last, len(sentence), len(sentence)))
    clauses = []
    for cs, ce, nxt in bounds:
        ctext = sentence[cs:ce]
        cents = [x for x in ents if s + cs <= x.start < s + ce]
        framing = not ctext.strip(" ,;") or (is_framing(ctext, _concern_only(cents, ctext, s + cs))
                                             and not _diagnoses(ctext, cents, s + cs))
        clauses.append((cs, ce, nxt, framing))
    # merge adjacent information clauses unless both sides stand on their own (and the left is no condition)
    pieces: list[tuple[int, int]] = []
    start = None
    for i, (cs, ce, nxt, framing) in enumerate(clauses):
        if framing:
            if start is not None:
                pieces.append((start, clauses[i - 1][1]))
                start = None
            continue
        if start is None:
            start = cs
        following = clauses[i + 1] if i + 1 < len(clauses) else None
        if following is None or following[3]:
            continue
        left = sentence[start:ce]
        right_ents = [x for x in ents if s + following[0] <= x.start < s + following[1]]
        left_ents = [x for x in ents if s + start <= x.start < s + ce]
        if (_informative(left_ents, left) and _informative(right_ents, sentence[following[0]:following[1]])
                and not CONDITIONAL.match(left)):
            pieces.append((start, ce))
            start = None
    if start is not None:
        pieces.append((start, clauses[-1][1]))
    out = []
    for ps, pe in pieces:
        ps, pe = s + ps, s + pe
        ptext = text[ps:pe].strip(" ,;")
        ps = text.index(ptext, ps) if ptext else ps
        pe = ps + len(ptext)
        pents = _med_actions_need_object([x for x in ents if ps <= x.start < pe], ptext)
        content = content_words(ptext)
        cue = DX_CUE.search(ptext)
        if cue and (any(x.kind in ("condition", "term") for x in pents) or medical(content_words(ptext[cue.end():]))):
            content = content | {DX_TOKEN}  # a condition attributed to the patient
        if not _is_clinical(pents, ptext) and not residue(ptext) and not (content and imperative(ptext) == "advice"):
            continue
        pents, negated, persist, neg = _polarity(pents, ptext, ps)
        advice = imperative(ptext) in ("advice", "cognition") or any(x.kind == "instruction" for x in pents)
        out.append(Fact(ptext, ps, pe, pents, negated=negated, hedged=bool(HEDGE.search(ptext)), persist=persist,
                        neg=neg, content=content, advice=advice))
    return out


# The correspondence itself: "your message this morning", "sorry it's taken a few days to reply".
_CORRESPONDENCE = re.compile(r"\b(?:your|the|this) (?:message|note|email|letter|questions?)\b|\b(?:repl(?:y|ied|ying)|"
                             r"respond(?:ed|ing)?|get(?:ting)? back to you|inbox|messages?|covering for|read (?:it|through))\b",
                             re.I)


# "Stop thinking about it", "raise this with me": the verbs of stop / increase with no clinical object.
_TALK_OBJECT = re.compile(r"\b(?:stop(?:ping|ped)?|quit) (?:thinking|worrying|wondering|blaming|beating|overthinking)\b"
                          r"|\brais(?:e|ed|ing) [\w' ]{1,30}? with (?:me|us|the team|your (?:doctor|nurse|GP))\b"
                          r"|\brais(?:e|ed|ing) (?:this|it|that|these|those|the (?:issue|question|topic|concern|subject)|"
                          r"(?:your|any) (?:concerns?|questions?|worr(?:y|ies))|questions?|concerns?)\b", re.I)


def _med_actions_need_object(ents: list[Entity], text: str) -> list[Entity]:
    """"Take", "start", "continue"... are advice only with something to take: "I take this seriously" is not."""
    if any(e.kind in ("drug", "dose", "test", "frequency") for e in ents) or MED_WORDS.search(text):
        return ents
    return [e for e in ents if not (e.kind == "instruction" and e.key in ("take", "start", "continue"))]


# A "not" that governs a feeling or an invitation, not a clinical fact: "do not hesitate", "no wonder you're tired",
# "nobody enjoys this", "never feel you're a bother", "you're not alone", "if anything doesn't make sense", "it's no
# small thing", "hard not knowing what to expect", "to make sure I didn't miss anything".
_NOT_A_NEGATION = re.compile(
    r"\b(?:do not|don't|never|please don't) (?:ever )?hesitate\b|\bno wonder\b"
    r"|\b(?:no one|no-one|nobody) (?:enjoys|likes|wants|expects|should have to|deserves)\b"
    r"|\b(?:do not|don't|never)(?: ever)? feel (?:like|that|as though|as if|you|bad|guilty|silly|embarrassed|ashamed|"
    r"rushed|awkward|alone)\b|\b(?:not|never) (?:alone|on your own|a (?:nuisance|bother|burden))\b"
    r"|\bno (?:question|concern|worry) is too (?:small|silly|trivial|minor)\b"
    r"|(?:\b(?:not|never|cannot)|n't)(?: (?:always|be|been|have|feel|feeling|seem|seems))* (?:easy|fun|pleasant|nice)\b"
    r"|\bno (?:small thing|fun|joke|picnic)\b|\bnot knowing\b|\b(?:didn't|did not|don't|do not) (?:want to )?miss anything\b"
    r"|\bno surprise\b|\bnot (?:surprising|a surprise)\b|(?:\bnot|n't) (?:overreacting|being (?:silly|dramatic|a nuisance|"
    r"a bother|a pain))\b|\b(?:don't|do not|can't|cannot|wouldn't) blame you\b"
    r"|\bif (?:anything|something|any of (?:this|that|it)|any part of (?:this|that|it))\b[^.,;]{0,30}?"
    r"\b(?:doesn't|does not|isn't|is not|is n't)\b (?:\w+ )?(?:make sense|clear)\b", re.I)


def _polarity(ents: list[Entity], text: str, offset: int) -> tuple[list[Entity], bool, bool, int]:
    """Negation of a fact: "do not take X" becomes a stop instruction; "stop"/"avoid" count as negative;
    "if it does not get better" and "if it continues" are the same condition, not a negation. Also returns the
    number of negation cues, "stop" and "avoid" included: "do not take X" and "stop X" both count one."""
    persist = bool(PERSIST.search(text))
    masked = text
    for idiom in (REASSURANCE, PERSIST, _NOT_A_NEGATION):
        masked = idiom.sub(lambda m: " " * len(m.group(0)), masked)
    consumed: list[tuple[int, int]] = []
    out = []
    for e in ents:
        if e.kind == "instruction" and e.key in FLIP:
            before = masked[:e.start - offset]
            m = NEG_BEFORE.search(before)
            if m:
                consumed.append((m.start(), m.end()))
                e = Entity(e.kind, FLIP[e.key], e.text, e.start, e.end)
        out.append(e)
    inside = [(e.start - offset, e.end - offset) for e in out if e.kind == "instruction" and e.key in ("avoid", "stop")]
    cues = [m for m in NEGATION.finditer(masked) if not any(a <= m.start() < b for a, b in consumed + inside)]
    negative_actions = sum(e.kind == "instruction" and e.key in ("stop", "avoid") for e in out)
    return out, bool(cues) != bool(negative_actions), persist, len(cues) + negative_actions

