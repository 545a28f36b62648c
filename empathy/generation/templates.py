"""Framing sentences about this patient: clinician-voice templates filled with the patient's own concern.

Each template serves one slot of a framed edit (``open``: acknowledge what the patient is going through; ``validate``:
say that their reaction or question makes sense, level 3; ``close``: support and an invitation to write back) and
applies only when the message gives it something true to say (``needs``): a feeling the patient expressed
(``feeling``, optionally limited to some emotions), symptoms they described (``what``), the person they write about,
results, a wait, the question they asked. A feeling is named only when the patient voiced it; without one the
templates speak of the situation ("that sounds really hard to deal with"), never of an emotion.

The mechanisms follow the empathy framework of EPITOME (Sharma, Miner, Atkins & Althoff, 2020, EMNLP; Copyright
2019-2020 University of Washington, licence in empathy/data/EPITOME-LICENSE.txt): the most frequent openings of the
level-2 rationales are emotional reactions of the form "I'm sorry you're feeling/dealing with ..." and "sorry to hear
about ...", and explorations of the form "how are you ..." / "I'd like to hear ..."; here they are written in a
clinician's voice and bound to the patient's own words. No template carries advice, a promise, reassurance, a number, a
name or a clinical term of its own; tests/test_verified_editing.py checks every one with the fact checker and the gate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .concern import Concern

SLOTS = ("open", "validate", "close")
WORRY = ("fear", "anxiety")


@dataclass(frozen=True)
class Template:
    id: str
    slot: str
    text: str
    needs: tuple[str, ...] = ()  # fields of the concern that must be present: what, feeling, person, results, waiting,
    # duration, asked, asked_cause, suspects, generic (only when nothing specific is known)
    emotions: tuple[str, ...] = ()  # limit to these expressed emotions (empty: any, when "feeling" is needed)


T = Template
TEMPLATES: tuple[Template, ...] = (
    # --- open: the patient's feeling, named with their own word, about their own concern
    T("o-feel-hear", "open", "I can hear how {feeling} you are about {topic}.", ("feeling",)),
    T("o-feel-sorry", "open", "I'm sorry you've been feeling so {feeling} about {topic}.", ("feeling",)),
    T("o-feel-understand", "open", "It's completely understandable to feel {feeling} about {topic}.", ("feeling",)),
    T("o-feel-thanks", "open", "Thank you for telling me how {feeling} you have been{dur}; I'm glad you wrote to me.", ("feeling",)),
    T("o-feel-imagine", "open", "I can only imagine how {feeling} you have been{dur}, and I'm sorry.", ("feeling",)),
    T("o-feel-worry", "open", "I'm sorry this has been such a worry for you{dur}.", ("feeling",), WORRY),
    T("o-feel-weigh", "open", "I can tell how much this has been weighing on you.", ("feeling",), WORRY + ("sadness",)),
    T("o-feel-frustrating", "open", "I'm sorry this has been so frustrating, and I appreciate your patience.", ("feeling",),
      ("frustration",)),
    T("o-feel-wait-frustrating", "open", "I'm sorry for the wait and for how frustrating it has been.", ("feeling", "waiting"),
      ("frustration",)),
    T("o-feel-personal", "open", "Thank you for trusting me with something so personal.", ("feeling",), ("embarrassment",)),
    T("o-feel-nothing-embarrassing", "open", "There is nothing embarrassing about asking me this, and I'm glad you did.",
      ("feeling",), ("embarrassment",)),
    T("o-feel-fair", "open", "Your questions are fair, and I want to be as clear with you as I can.", ("feeling",), ("distrust",)),
    T("o-feel-openly", "open", "I appreciate you telling me your doubts openly.", ("feeling",), ("distrust",)),
    T("o-feel-sad-sorry", "open", "I'm so sorry you are going through this{dur}.", ("feeling",), ("sadness",)),
    T("o-feel-sad-hard", "open", "I can hear how hard this has been for you, and I'm sorry.", ("feeling",), ("sadness",)),
    T("o-feel-results", "open", "I can hear how {feeling} you are about your results, and I'm glad you asked.", ("feeling", "results")),
    # --- open: the symptoms they described, no feeling claimed
    T("o-what-dealing", "open", "I'm sorry you've been dealing with {what}{dur}."),
    T("o-what-draining", "open", "{What} can be really draining, and I'm sorry you are going through it."),
    T("o-what-thanks-hard", "open", "Thank you for telling me about {what}; that sounds really hard to deal with."),
    T("o-what-imagine", "open", "I can imagine how hard it is to deal with {what}{dur}."),
    T("o-what-a-lot", "open", "Dealing with {what}{dur} is a lot, and I'm glad you reached out."),
    T("o-what-sorry-hear", "open", "I'm sorry to hear about {what}, and thank you for describing it so clearly."),
    T("o-what-living", "open", "Living with {what}{dur} is hard, and I appreciate you writing to me about it."),
    T("o-what-uncomfortable", "open", "That sounds really uncomfortable, and I'm sorry you've had to deal with {what}{dur}."),
    # --- open: someone they care for
    T("o-person-unwell", "open", "I'm sorry your {person} has been unwell{dur}, and thank you for writing to me.", ("person",)),
    T("o-person-see", "open", "I can imagine how hard it is to see your {person} dealing with {what}.", ("person", "what")),
    T("o-person-looking-out", "open", "Thank you for looking out for your {person} and telling me what you've noticed.", ("person",)),
    # --- open: results and waiting
    T("o-results-wait", "open", "Waiting to hear about your results can be really hard.", ("results", "waiting")),
    T("o-wait-patience", "open", "I'm sorry you've had to wait, and thank you for your patience.", ("waiting",)),
    # --- open: nothing specific found
    T("o-gen-going-on", "open", "Thank you for telling me what has been going on.", ("generic",)),
    T("o-gen-glad", "open", "I'm glad you wrote to me about this.", ("generic",)),
    T("o-gen-noticed", "open", "Thank you for explaining what you have noticed so clearly.", ("generic",)),
    T("o-gen-reaching", "open", "I appreciate you reaching out to me about this.", ("generic",)),
    T("o-gen-bringing", "open", "Thank you for bringing this to me.", ("generic",)),
    T("o-gen-sorry", "open", "I'm sorry you are dealing with this.", ("generic",)),
    T("o-gen-asked", "open", "I'm glad you asked me about this.", ("generic", "asked")),
    T("o-gen-how-things", "open", "Thank you for letting me know how things have been.", ("generic",)),
    T("o-gen-sharing", "open", "Thank you for sharing what has been happening.", ("generic",)),
    T("o-gen-details", "open", "Thank you for these details; they make it easier to answer you well.", ("generic",)),
    T("o-gen-taking-time", "open", "Thank you for taking the time to write to me about this.", ("generic",)),
    T("o-asked-cause", "open", "You asked what might be behind this, and I want to answer as clearly as I can.", ("asked_cause",)),
    T("o-asked-next", "open", "You asked what comes next, and I want to be as clear with you as I can.", ("asked_tests",)),
    T("o-suspects-see", "open", "I can see why you wanted to ask me about this.", ("suspects",)),
    # --- validate (level 3): their reaction or question makes sense
    T("v-feel-understandable", "validate", "Feeling {feeling} in a situation like this is completely understandable.", ("feeling",)),
    T("v-feel-sense", "validate", "It makes sense to feel {feeling} about this, and I'm glad you told me.", ("feeling",)),
    T("v-feel-anyone", "validate", "Anyone in your situation could feel {feeling}, and your questions matter.", ("feeling",)),
    T("v-feel-worry-sense", "validate", "Your worry makes complete sense.", ("feeling",), WORRY),
    T("v-feel-frustration", "validate", "Your frustration is completely understandable.", ("feeling",), ("frustration",)),
    T("v-what-answers", "validate", "It makes sense that you want answers about {what}."),
    T("v-cause-natural", "validate", "Wanting to know what is behind this is completely natural.", ("asked_cause",)),
    T("v-suspects-wonder", "validate", "It is natural to wonder what this could mean.", ("suspects",)),
    T("v-gen-right", "validate", "You were right to write to me about this."),
    T("v-gen-questions", "validate", "Your questions are important, and I want you to have clear answers."),
    T("v-gen-understand", "validate", "It is natural to want to understand what is going on."),
    T("v-gen-good-questions", "validate", "These are exactly the right questions to ask."),
    T("v-gen-matters", "validate", "What you are noticing matters, and I'm glad you told me."),
    T("v-gen-clear", "validate", "It makes complete sense to want clear answers about this."),
    T("v-what-toll", "validate", "{What} can take a real toll, so your questions are important."),
    T("v-treat-relief", "validate", "Wanting relief from {what} is completely understandable.", ("asked_treatment",)),
    # --- close: support, an invitation to write back, sometimes an exploring question
    T("c-what-draining", "close", "I know {what} can be draining, so please write back with any questions."),
    T("c-plan-unclear", "close", "Please reach out if anything in this plan is unclear; I'm here to help."),
    T("c-together", "close", "I'm here for you as we work through this together."),
    T("c-a-lot", "close", "I know this is a lot to take in, so please send me any questions you have."),
    T("c-not-alone", "close", "You don't have to work this out alone; please reach out with any questions."),
    T("c-trusting", "close", "Thank you for trusting me with this, and please write back with any questions."),
    T("c-worries", "close", "I hope this answers some of your worries, and I'm here for any other questions.", ("feeling",), WORRY),
    T("c-person-best", "close", "Please give your {person} my best, and write back with any questions.", ("person",)),
    T("c-coping", "close", "I would like to hear how you are coping with {what} day to day."),
    T("c-patience", "close", "I appreciate your patience, and please write back if anything is still unclear.", ("feeling",),
      ("frustration",)),
    T("c-go-through", "close", "I'm happy to go through any part of this again if it would help.", ("feeling",), ("distrust",)),
    T("c-personal", "close", "Please never hesitate to ask me about anything, however personal.", ("feeling",), ("embarrassment",)),
    T("c-what-questions", "close", "If you have questions about {what} or this plan, please write back."),
    T("c-results-questions", "close", "I'm here for any questions you have about your results.", ("results",)),
    T("c-cause-explain", "close", "I hope this helps explain what is going on, and please ask if anything is unclear.", ("asked_cause",)),
    T("c-glad-more", "close", "I'm glad you reached out, and I'm here if you have more questions."),
    T("c-talk-through", "close", "We can talk through any of this whenever you like."),
    T("c-happy-answer", "close", "I'm always happy to answer your questions about this."),
    T("c-sad-alone", "close", "Please remember you are not alone in this, and I'm here if you need anything.", ("feeling",),
      ("sadness",)),
)


def _has(concern: Concern, need: str) -> bool:
    if need == "generic":
        return not (concern.symptoms or concern.emotions or concern.person or concern.results or concern.waiting)
    if need.startswith("asked_"):
        return concern.asked == need[len("asked_"):]
    if need == "what":
        return bool(concern.symptoms)
    if need == "feeling":
        return bool(concern.feeling)
    return bool(getattr(concern, need))


def _needs(t: Template) -> tuple[str, ...]:
    """A template's needs, with "what" implied by a {what} field."""
    implied = ("what",) if "{what}" in t.text or "{What}" in t.text else ()
    return tuple(dict.fromkeys(t.needs + implied))


def applicable(concern: Concern, slot: str) -> list[Template]:
    """The templates of ``slot`` that say something true about this concern."""
    out = []
    for t in TEMPLATES:
        if t.slot != slot or not all(_has(concern, n) for n in _needs(t)):
            continue
        if t.emotions and (not concern.emotions or concern.emotions[0] not in t.emotions):
            continue
        out.append(t)
    return out


def fill(t: Template, concern: Concern) -> str:
    """The template with the concern's words."""
    topic = concern.what or (f"your {concern.person}" if concern.person else "your results" if concern.results else "this")
    dur = f" {concern.duration}" if concern.duration else ""
    text = t.text.format(feeling=concern.feeling or "", topic=topic, what=concern.what or "", What=concern.what_bare or "",
                         person=concern.person or "", dur=dur)
    return text[:1].upper() + text[1:]


def rotation(key: str, t: Template) -> str:
    """A stable pseudo-random order of templates per case: which few compete differs from case to case."""
    return hashlib.sha256(f"{key}\x00{t.id}".encode()).hexdigest()


def template_candidates(concern: Concern, slot: str, key: str, k: int = 3) -> list[tuple[Template, str]]:
    """Up to ``k`` filled templates for ``slot``, picked by ``rotation`` among the applicable ones (the diversity rule:
    a template competes in about k/n of the cases it applies to, so no sentence opens most edits)."""
    options = sorted(applicable(concern, slot), key=lambda t: rotation(key, t))
    return [(t, fill(t, concern)) for t in options[:k]]
