"""What the patient wrote about, in words a clinician can hand back: the symptoms, the results or the wait, the person
they write for, the question they asked, how long it has lasted, and the feelings they actually expressed.

Framing that names the patient's own concern ("I'm sorry you've been dealing with the headache and nausea") reads as
listening; framing that names nothing ("Thank you for your message.") reads as a form letter. Everything here comes
from the patient's message, in the second person, and stays in lay words: a symptom is kept only when its head word is
a lay complaint (pain, nausea, itching ...), never a diagnosis, test, drug or number, so framing cannot bring a
clinical term of its own. Feelings come from ``empathy.emotion``: a feeling is named only when the patient voiced it.
Pure functions, regexes only (microseconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..emotion import detect_emotions
from ..text import sentences

# Lay complaints a clinician can name back. A symptom phrase must contain one of these as its head.
_LAY = (r"pains?|aches?|aching|headaches?|nausea|vomiting|dizziness|light-?headedness|fevers?|chills|cough(?:ing)?|rash(?:es)?|"
        r"itch(?:ing|iness)?|swelling|bleeding|blood in (?:your|the) (?:urine|stool)|fatigue|tiredness|exhaustion|weakness|"
        r"numbness|tingling|burning|cramps?|cramping|spasms?|diarrh(?:o)?ea|constipation|heartburn|sore throat|sores?|"
        r"shortness of breath|breathlessness|(?:trouble|difficulty|problems?)(?: in| with)? (?:breathing|swallowing|speaking|"
        r"sleeping|walking|moving|concentrating|focusing(?: your eyes)?|hearing|seeing|urinating|remembering|movement)|insomnia|"
        r"palpitations|racing heart|irregular heartbeat|tightness|stiffness|lumps?|bumps?|spots|discharge|hot flashes|"
        r"(?:night )?sweats|sweating|fainting|blurr(?:ed|y) vision|(?:diminished|double|poor) vision|hearing loss|"
        r"ringing in (?:your|the) ears|congestion|runny nose|sneezing|hair loss|weight (?:gain|loss)|loss of appetite|"
        r"(?:decreased|poor|low) appetite|memory (?:loss|problems)|forgetfulness|confusion|mood swings|nervousness|low mood|"
        r"irritability|frequent urination|painful urination|peeling|dry skin|redness|bruising|hoarseness|earache|toothache|"
        r"bloating|indigestion|loss of sensation|tremors?|shaking|nosebleeds?|soreness|tenderness|throbbing|fainting spells|"
        r"stomach ?ache|back ?ache|tiredness|sleeplessness|restlessness|anxiety|sadness|patch(?:es)?|growth|moles?|blisters?|"
        r"bruises?|wounds?|scars?")
_LAY_RE = re.compile(rf"\b(?:{_LAY})\b", re.IGNORECASE)
# Clinical words a framing sentence must never carry, even if the patient used them (diagnoses, tests, drugs, jargon).
_CLINICAL = re.compile(
    r"\d|\b(?:\w+itis|\w+osis|\w+oma|\w+emia|\w+pathy|\w+algia|\w+ectomy|\w+plasty|\w+scopy|edema|lymphedema|paresthesia|"
    r"coryza|syndrome|disease|disorder|infection|cancer|tumou?r|cyst|hernia|ulcer|lesion|fracture|deficiency|psychotic|"
    r"hallucinations?|seizures?|stroke|diabetes|pregnan\w*|x-?rays?|mri|ct|scan|biops\w+|tests?|results?|psa|blood work|"
    r"labs?|insulin|steroids?|antibiotics?|medications?|meds|pills?|drugs?|dose|tablets?|surgery|procedure|vulvar|"
    r"rectal|vaginal|penis|penile|scrot\w*|testic\w*|genital\w*|anal|impotence|intercourse|sexual|incontinence|involuntary|"
    r"urine|stool|menstrual|hemorrhoids?|suprapubic|peripheral|focal|excessive|abnormal|unusual|strange)\b",
    re.IGNORECASE)

# "I have been experiencing X, Y and Z", "I feel dizzy", "I've had X": the list that follows.
_TRIGGER = re.compile(
    r"\b(?:I|he|she|they|we|my [\w-]+)(?:'ve| have| has|'s| am|'m| is| are| was)?(?: been| also| recently| now| still| just| "
    r"really| constantly)*\s+(?:experienc\w*|hav(?:e|ing)|had|has|suffer\w*(?: from)?|notic\w*|dealing with|getting|got|feel\w*|"
    r"felt|develop\w*)\s+(?P<list>[^.?!;]+)|\b(?:I|he|she)(?:'ve| have| has) been (?P<list2>(?:vomiting|coughing|sneezing|"
    r"bleeding|itching|aching|shaking|sweating|fainting)\b[^.?!;]*)", re.IGNORECASE)
_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|along with|as well as|plus|together with|with)\s+|\s+also\s+",
                    re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:been|also|some|a lot of|lots of|so much|much|a|an|the|really|very|quite|constantly|"
                   r"there(?:'s| is| are)|is|are|have|has|had|get|gets|got|getting|frequent(?:ly)?|occasional(?:ly)?|"
                   r"this|these|that|those|bad|terrible|severe|persistent|experiencing|having|feeling|noticed|lately)\s+)+",
                   re.IGNORECASE)
_TAIL = re.compile(r"\s+(?:(?:of|at|around|over|above) \d.*|lately|recently|now|again|all the time|as well|too|at times|sometimes|a lot|at night|every day|"
                   r"in the (?:morning|evening)|for (?:a |the |some |several |many )?(?:while|past|last|few|"
                   r"couple|days?|weeks?|months?|years?|time)\b.*|since\b.*|today|yesterday|this (?:morning|week)|"
                   r"after\b.*|when\b.*|whenever\b.*|that\b.*|which\b.*|even though\b.*|but\b.*|what\b.*|and I\b.*|"
                   r"so\b.*|because\b.*|in the past\b.*)$", re.IGNORECASE)
_MODIFIERS = set("""sharp severe constant dull burning throbbing stabbing lower upper back chest neck leg arm knee hip shoulder
stomach abdominal joint muscle body head ear eye foot hand wrist elbow ankle throat skin dry heavy slight mild extreme frequent
nasal night hot side rib facial pelvic groin jaw tooth gum toe heel painful sudden open itchy red dark new small large
swollen persistent recurring bad terrible""".split())
# "I feel dizzy": adjectives become the complaint's noun.
_FEEL_NOUN = {"dizzy": "dizziness", "tired": "tiredness", "weak": "weakness", "nauseous": "nausea", "nauseated": "nausea",
              "exhausted": "exhaustion", "lightheaded": "light-headedness", "light-headed": "light-headedness",
              "feverish": "fever", "achy": "aches", "itchy": "itching", "short of breath": "shortness of breath",
              "confused": "confusion", "restless": "restlessness", "bloated": "bloating", "sore": "soreness"}
_BODY = (r"back|head|chest|stomach|belly|tummy|neck|shoulders?|legs?|arms?|hands?|fingers?|wrists?|elbows?|hips?|knees?|"
         r"ankles?|feet|foot|toes?|eyes?|ears?|throat|jaw|teeth|tooth|gums?|mouth|nose|face|skin|scalp|side|joints?|muscles?|"
         r"ribs?|heel|thumb|lower back|upper back")
_HURTS = re.compile(rf"\bmy ((?:left |right |lower |upper )?(?:{_BODY}))\s+(?:(?:still|really|constantly|always|also|now|so|very|has been|is|are|keeps?|have been|was|feels?|felt)\s+)*"
                    r"(hurt\w*|ach\w*|sore|swollen|itch\w*|bleeding|stiff|numb|tingling|burning|red|tight)\b", re.IGNORECASE)
_HOW = [("hurt", "pain in"), ("ach", "pain in"), ("sore", "soreness in"), ("swollen", "swelling in"), ("itch", "itching on"),
        ("bleeding", "bleeding from"), ("stiff", "stiffness in"), ("numb", "numbness in"), ("tingling", "tingling in"),
        ("burning", "burning in"), ("red", "redness of"), ("tight", "tightness in")]
# Direct complaints without a list ("I can't sleep", "I'm in pain").
_DIRECT = [(re.compile(r"\b(?:can'?t|cannot|unable to|haven'?t been able to) sleep\b|\bhaven'?t slept\b", re.I), "trouble sleeping"),
           (re.compile(r"\bI(?:'m| am) in (?:so much |a lot of |constant )?pain\b", re.I), "pain"),
           (re.compile(r"\bshort of breath\b", re.I), "shortness of breath")]
_DEATH = re.compile(r"\b(?:died|passed away|passed on|death|funeral|lost (?:my|our) )", re.I)
_PERSON = re.compile(r"^\W*(?:(?:hi|hello|dear)?\s*(?:doctor|doc|dr\.?)?[,.!]?\s*)?my (son|daughter|baby|child|kid|toddler|infant|newborn|mother|mom|mum|father|dad|husband|wife|"
                     r"partner|grandmother|grandma|grandfather|grandpa|sister|brother|boyfriend|girlfriend|fiance|fiancee|"
                     r"\d+[- ](?:year|month|week)[- ]old)\b", re.IGNORECASE)
_RESULTS = re.compile(r"\b(?:results?|biopsy|scan|x-?ray|mri|ct|blood ?work|labs?|lab work|test(?:s|ed|ing)?|psa|"
                      r"mammogram|ultrasound|report)\b", re.IGNORECASE)
_WAITING = re.compile(r"\b(?:waiting|wait|haven'?t heard|have not heard|still (?:no|not|haven'?t)|no one has|nobody has|"
                      r"how long|when will)\b", re.IGNORECASE)
_SUSPECT = re.compile(r"\b(?:I (?:think|thought|fear|worry|suspect|believe)|I(?:'m| am) (?:afraid|scared|worried|concerned)|"
                      r"(?:is|could) (?:it|this) be)\b[^.?!]{0,40}\b(?:I (?:might|may|could) have|(?:it|this) (?:is|could be|might be)|"
                      r"something (?:serious|bad|wrong)|cancer|serious)", re.IGNORECASE)
_ASK_CAUSE = re.compile(r"\b(?:caus\w+|wrong with me|what (?:could|might|can) (?:it|this|that) be|what is (?:happening|going on)|"
                        r"the (?:reason|problem|cause)|why (?:is|am|do|does)|what(?:'s| is) (?:happening|going on))\b", re.IGNORECASE)
_ASK_TESTS = re.compile(r"\b(?:tests?|undergo|examination|check(?:ed)? for)\b", re.IGNORECASE)
_ASK_TREAT = re.compile(r"\b(?:medications?|medicine|treat\w*|cure|what (?:should|can) I (?:do|take)|take for|get rid of|"
                        r"help (?:me|with))\b", re.IGNORECASE)
_DURATION = [
    (re.compile(r"\b(?:for (?:the )?(?:past|last) (?:few|couple(?: of)?|several|\w+) days|for (?:a )?(?:few|couple(?: of)?|"
                r"several|\w+) days|since (?:yesterday|last night|this morning))\b", re.I), "these past few days"),
    (re.compile(r"\bfor (?:the )?(?:past |last )?(?:a )?(?:few |couple(?: of)? |several |\w+ )?weeks?\b", re.I), "for weeks now"),
    (re.compile(r"\bfor (?:the )?(?:past |last )?(?:a )?(?:few |couple(?: of)? |several |many |\w+ )?(?:months?|years?)\b|"
                r"\bfor a long time\b|\bfor ages\b", re.I), "for such a long time"),
    (re.compile(r"\bfor a while(?: now)?\b", re.I), "for a while now"),
    (re.compile(r"\b(?:lately|recently|these days)\b", re.I), "lately"),
]
# The patient's own word for a feeling, as an adjective a clinician can hand back; and the default per emotion.
_FEEL_WORDS = {"scared": "fear", "afraid": "fear", "frightened": "fear", "terrified": "fear", "worried": "anxiety",
               "anxious": "anxiety", "nervous": "anxiety", "stressed": "anxiety", "uneasy": "anxiety",
               "embarrassed": "embarrassment", "ashamed": "embarrassment", "frustrated": "frustration",
               "annoyed": "frustration", "fed up": "frustration", "angry": "frustration", "upset": "sadness",
               "sad": "sadness", "down": "sadness", "devastated": "sadness", "heartbroken": "sadness", "hopeless": "sadness"}
DEFAULT_FEEL = {"fear": "scared", "anxiety": "worried", "embarrassment": "uncomfortable", "frustration": "frustrated",
                "distrust": "uncertain", "sadness": "down"}


@dataclass
class Concern:
    """The patient's concern in clinician-ready words (second person, lay terms)."""

    symptoms: list[str] = field(default_factory=list)  # e.g. ["severe headache", "nausea"], at most 3
    person: str | None = None  # "son": the patient writes about someone else
    results: bool = False  # tests or results come up
    waiting: bool = False  # a wait, a call not returned
    suspects: bool = False  # the patient fears it is something serious or names a condition
    asked: str | None = None  # "cause", "tests", "treatment", "other" or None
    duration: str | None = None  # "these past few days", "for weeks now", ...
    emotions: list[str] = field(default_factory=list)  # expressed emotions, strongest first ([] if none)
    feeling: str | None = None  # an adjective for the strongest expressed emotion ("scared"), the patient's own when it fits

    @property
    def what(self) -> str | None:
        """The symptoms as an object phrase: "the severe headache and nausea" (two at most)."""
        if not self.symptoms:
            return None
        return "the " + join_and(self.symptoms[:2])

    @property
    def what_bare(self) -> str | None:
        """The symptoms as a sentence start: "Severe headache and nausea"."""
        if not self.symptoms:
            return None
        text = join_and(self.symptoms[:2])
        return text[:1].upper() + text[1:]

    def to_dict(self) -> dict:
        return {"symptoms": list(self.symptoms), "person": self.person, "results": self.results, "waiting": self.waiting,
                "suspects": self.suspects, "asked": self.asked, "duration": self.duration, "emotions": list(self.emotions),
                "feeling": self.feeling}

    def summary(self) -> str:
        """One line for a prompt: what the patient wrote about and what they felt."""
        parts = []
        if self.symptoms:
            parts.append(join_and(self.symptoms[:3]) + (f" {self.duration}" if self.duration else ""))
        if self.person:
            parts.append(f"their {self.person}'s health")
        if self.results:
            parts.append("waiting for results" if self.waiting else "their results")
        elif self.waiting:
            parts.append("a long wait")
        return "; ".join(parts) or "their health"


def join_and(items: list[str]) -> str:
    items = [i for i in items if i]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else ""


def _second_person(text: str) -> str:
    text = re.sub(r"\bmy\b", "your", text, flags=re.I)
    text = re.sub(r"\bmyself\b", "yourself", text, flags=re.I)
    text = re.sub(r"\bme\b", "you", text, flags=re.I)
    return re.sub(r"\bI\b", "you", text)


def _symptom(item: str) -> str | None:
    """A list item reduced to a lay complaint phrase (at most five words), or None."""
    item = re.sub(r"\s+", " ", item).strip(" ,.;:-")
    while True:  # "coughing at night for a week": tails come in layers
        shorter = _TAIL.sub("", item)
        if shorter == item:
            break
        item = shorter
    item = _LEAD.sub("", item).strip(" ,.;:-")
    low = item.lower()
    if low in _FEEL_NOUN:
        item = _FEEL_NOUN[low]
    if not item or _CLINICAL.search(item) or not _LAY_RE.search(item):
        return None
    item = _second_person(item.lower())
    m = _LAY_RE.search(item)  # rebuilt as: modifiers right before the head, the head, a short "in your X" after it
    before = []
    for w in reversed(item[:m.start()].split()):
        if w not in _MODIFIERS:
            break
        before.insert(0, w)
    after = re.match(r"\s*(?:in|on|of|around|from|behind|under) (?:your|the) (?:left |right |lower |upper )?\w+", item[m.end():])
    item = " ".join(before[-2:] + [m.group(0)]) + (after.group(0) if after else "")
    return item


def extract_concern(patient: str) -> Concern:
    """The concern of a patient's message (see the module docstring)."""
    text = patient or ""
    found: list[str] = []

    def add(phrase: str | None) -> None:
        if phrase and not any(phrase == f or phrase in f for f in found):
            found[:] = [f for f in found if f not in phrase] + [phrase]

    for sentence in sentences(text):
        for m in _TRIGGER.finditer(sentence):
            for item in _SPLIT.split(m.group("list") or m.group("list2")):
                add(_symptom(item))
        for m in _HURTS.finditer(sentence):
            part, how = m.group(1).lower(), m.group(2).lower()
            noun = next(n for k, n in _HOW if how.startswith(k))
            add(f"{noun} your {part}")
    for rx, phrase in _DIRECT:
        if rx.search(text):
            add(phrase)
    emo = detect_emotions(text)
    emotions = [e for e in emo.emotions if e != "none"]
    feeling = None
    if emotions:
        spans = emo.spans.get(emotions[0], [])
        own = [text[s:e].lower() for s, e in spans]
        feeling = next((w for w in own if _FEEL_WORDS.get(w) == emotions[0]), None) or DEFAULT_FEEL.get(emotions[0])
    person = _PERSON.search(text) if not _DEATH.search(text) else None  # only the person the message is about
    duration = next((label for rx, label in _DURATION if rx.search(text)), None)
    asked = None
    questions = [s for s in sentences(text) if s.rstrip().endswith("?") or re.match(r"(?:what|why|how|can|could|should|is|are|do|does)\b", s, re.I)]
    if questions:
        q = " ".join(questions)
        asked = "cause" if _ASK_CAUSE.search(q) else "tests" if _ASK_TESTS.search(q) else "treatment" if _ASK_TREAT.search(q) else "other"
    who = person.group(1).lower() if person else None
    if who and re.match(r"\d", who):
        who = "baby" if "week" in who or "month" in who else "child"
    return Concern(symptoms=found[:3], person=who,
                   results=bool(_RESULTS.search(text)), waiting=bool(_WAITING.search(text)), suspects=bool(_SUSPECT.search(text)),
                   asked=asked, duration=duration, emotions=emotions, feeling=feeling)
