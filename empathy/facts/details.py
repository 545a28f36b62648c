"""Details about the patient that nobody wrote: an added sentence that makes the patient a child or a relative,
greets them by a name, or speaks of a visit, a second question or photos that neither their message nor the draft
mentions.

Such a sentence carries no medical fact, so the claim checks let it pass, yet a clinician would not send "I know
it's hard to see your little one so poorly" to a man asking about his own knee. Independent judges of the written
framing sets flagged 86 of 220 pairs of one writer's set for this (benchmarks/adjudicated_framing.py). Only the
kinds of detail below are read, each with the words of the message or draft that would support it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .content import imperative

# Who the sentence says the reply is about, by group: any word of the group in the message or draft supports it.
_PEOPLE = {
    "child": r"little (?:one|ones|boy|girl|guy|man|lady)|son|daughter|child|children|kids?|kiddo|bab(?:y|ies)|"
             r"toddler|infant|newborn|teen(?:ager)?|boy|girl|grandchild(?:ren)?|grandson|granddaughter",
    "partner": r"husband|wife|partner|spouse|boyfriend|girlfriend",
    "parent": r"mum|mom|mother|dad|father|parents?|mam|mammy|ma",
    "grandparent": r"grand(?:ma|pa|mother|father|parents?)|nan|nana|granny",
    "sibling": r"brother|sister|siblings?",
    "family": r"whole (?:family|house|household)|household",
}
_GROUP = {g: re.compile(rf"\b(?:{words})s?\b", re.I) for g, words in _PEOPLE.items()}
_AGE = re.compile(r"\b\d+[- ]?(?:years?|yrs?|months?|mo|weeks?)[- ]?old\b|\b(?:year|month)[- ]old\b", re.I)
# "your son", "the little one", "her dad": a person the reply speaks of, not a general phrase ("a child may ...")
_ABOUT = re.compile(r"\b(?:your|the|his|her|their)\s+(?:little\s+(?:one|ones|boy|girl|guy|man|lady)|"
                    rf"(?:{'|'.join(_PEOPLE.values())})s?)\b|\blittle one\b", re.I)
_THIRD = re.compile(r"\b(?:he|she|him|his|her|hers|he's|she's|he'd|she'd|himself|herself)\b", re.I)
# "she'll be back on Monday" of the usual doctor is about the practice, not the patient
_CLINICIAN = re.compile(r"\b(?:doctor|dr|gp|nurse|colleague|consultant|physician|specialist|surgeon|registrar|"
                        r"pharmacist|chemist|receptionist|midwife|therapist|practitioner|np|pa)\b", re.I)

# A greeting that names someone: "Hi Tom,", "Hello again, Mary", "Dear Mr. Garcia".
_GREETING = re.compile(r"^\W*(?i:hi|hello|hey|dear|good (?:morning|afternoon|evening)|morning|afternoon)"
                       r"(?i:\s+again)?,?\s+(?i:(?:mr|mrs|ms|miss|mx)\.?\s+)?([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\b")
# "Thanks, Jack - message received", "Sorry about the cough, Sean.", "your questions about Caleb", "Ava's care"
_VOCATIVE = re.compile(r"^\W*(?i:thanks|thank you|sorry|hi|hello|hey)\b[^.!?]*?,\s*([A-Z][a-z]+)\s*"
                       r"(?:[-\u2013\u2014;:!]|\.?$)|,\s*([A-Z][a-z]+)\s*[.!]?\s*$")
# (not "on Main Street" or "with Maple Street Pediatrics": a place, not a person)
_SPOKEN_OF = re.compile(r"\b(?i:about|on|with|to|for|and|of|after|you and|say hi to|give)\s+([A-Z][a-z]+)(?:'s)?\b"
                        r"(?!\s+[A-Z])|"
                        r"\b([A-Z][a-z]+)'s\s+(?i:care|visit|appointment|questions?|symptoms?|\w+ing)\b|"
                        r"^\W*(?i:I'm sorry|sorry)\s+([A-Z][a-z]+)\s+(?i:is|has|was)\b")
_NOT_NAMES = frozenset({"there", "all", "everyone", "everybody", "team", "again", "folks", "doctor", "dr", "nurse",
                        "friend", "and", "to", "from", "thanks", "thank", "i", "it", "just", "both", "you", "mom",
                        "mum", "dad", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                        "god", "christmas", "easter", "english", "medicare", "medicaid", "sir", "madam", "here", "that",
                        "what", "let", "who", "where", "today", "tomorrow"})

# Earlier contact, other questions, things sent: each with the words of the message or draft that support it.
_CONTEXT = [
    (re.compile(r"\b(?:(?:when|since) (?:I|we) (?:last )?(?:saw|spoke|met)|(?:your|the) (?:last|previous|recent) "
                r"(?:well |follow-up )?(?:visit|appointment|consultation|check-?up|review|call)|as we discussed)\b",
                re.I),
     re.compile(r"\b(?:again|last (?:time|visit|week|month)|previous(?:ly)?|follow[- ]?up|saw you|seen|visit|"
                r"appointment|discussed|spoke|told me)\b", re.I)),
    # "the photos you sent", not "I can picture how tiring this is" or "the bigger picture"
    (re.compile(r"\b(?:the|your|those|these) (?:photos|pictures|pics|images|screenshots|attachments)\b|"
                r"\byour (?:photo|picture|image|attachment|screenshot)\b|"
                r"\b(?:photo|picture|image|pic|screenshot|video)s? (?:that )?you "
                r"(?:sent|attached|uploaded|shared|posted)\b",
                re.I),
     re.compile(r"\b(?:photos?|pictures?|pics?|images?|attach\w*|upload\w*|screenshots?|video|sent)\b", re.I)),
    (re.compile(r"\b(?:your|the) (?:second|other|next|last|final|follow-up) question\b|\banother question\b|"
                r"\bthe other thing you\b|\byou also asked\b|\b(?:second|last|final) paragraph\b|"
                r"\bboth (?:of )?your messages\b|\bwrite twice\b|\bthe second one\b|\blist of questions\b", re.I),
     re.compile(r"\?[^?]+\?|\b(?:also|another|second|other question|questions|paragraph|again)\b", re.I)),
    (re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day's (?:appointment|visit)\b|\bvisit summary\b", re.I),
     re.compile(r"\b(?:visit|appointment|saw you|seen you|follow[- ]?up|check-?up|booked|scheduled)\b", re.I)),
    (re.compile(r"\byour (?:work|job|school|class(?:es)?|exams?|finals|holidays?|vacation|trip|travels?|farm|move|"
                r"shift|boss|daycare|nursery|camp|wedding|homework)\b|"
                r"\b(?:at|for|from|off) (?:work|school|college|uni|daycare|nursery|camp)\b|"
                r"\b(?:homework|finals|field trip|vacation|holidays|silage|the farm|the move|school (?:week|form|day)|"
                r"in class|on the road)\b", re.I),
     None),  # supported only by the same word in the message or draft
]


@dataclass(frozen=True)
class Detail:
    """A detail of ``sentence`` (its words, at start..end) that neither message nor draft supports."""

    text: str
    start: int
    end: int
    kind: str  # "person", "name", "context"


def invented_details(sentence: str, message: str, draft: str) -> list[Detail]:
    """The details about the patient in ``sentence`` (added by an edit) that ``message`` and ``draft`` do not give."""
    known = f"{message}\n{draft}"
    out = []
    for m in _ABOUT.finditer(sentence):
        group = next((g for g, rx in _GROUP.items() if rx.search(m.group(0))), "child")
        if not (_GROUP[group].search(known) or (group == "child" and _AGE.search(known))):
            out.append(Detail(m.group(0), m.start(), m.end(), "person"))
    third = _THIRD.search(sentence)
    if third and not out and not _CLINICIAN.search(sentence) and not (
            _THIRD.search(known) or any(rx.search(known) for rx in _GROUP.values())):
        out.append(Detail(third.group(0), third.start(), third.end(), "person"))
    for rx in (_GREETING, _VOCATIVE, _SPOKEN_OF):
        if rx is _VOCATIVE and imperative(sentence) == "closing":
            continue  # "Best, Jenny": the sender's name
        for m in rx.finditer(sentence):
            g = next((i for i in range(1, (m.lastindex or 0) + 1) if m.group(i)), None)  # the alternative that matched
            name = m.group(g) if g else ""
            if (name and name.lower() not in _NOT_NAMES and not re.search(rf"\b{re.escape(name)}\b", known, re.I)
                    and not any(d.text == name for d in out)):
                out.append(Detail(name, m.start(g), m.end(g), "name"))
    # "Thanks, Mom," greets a parent the message does not name
    mom = re.search(r",\s*(Mom|Mum|Dad|Mam)\b", sentence)
    if mom and not (_GROUP["parent"].search(known) or _GROUP["child"].search(known) or _AGE.search(known)):
        out.append(Detail(mom.group(1), mom.start(1), mom.end(1), "person"))
    for said, support in _CONTEXT:
        for m in said.finditer(sentence):
            last_word = m.group(0).split()[-1]
            backed = support.search(known) if support else re.search(rf"\b{re.escape(last_word)}\b", known, re.I)
            if not backed:
                out.append(Detail(m.group(0), m.start(), m.end(), "context"))
    return out
