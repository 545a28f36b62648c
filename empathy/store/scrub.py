"""Remove identifiers from patient and physician text before it is stored or exported.

Rule-based on purpose: it runs on every write, offline, in microseconds, and its behaviour can be read.
Kinds removed: names, phone numbers, emails, street addresses, dates of birth, record numbers (MRN,
patient/member/account IDs, SSNs). Each becomes a bracketed placeholder (``[NAME]``, ``[PHONE]``, ...).

What is kept on purpose (medical content): drug names, doses, lab values, vital signs, and dates that are not
a date of birth (appointment and test dates are clinical facts the edit must keep; a bare date is not an
identifier by itself). Titles stay (``Dr. [NAME]``) so the text still reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..facts.vocab import vocabulary

PLACEHOLDERS = {
    "name": "[NAME]",
    "phone": "[PHONE]",
    "email": "[EMAIL]",
    "address": "[ADDRESS]",
    "dob": "[DOB]",
    "record": "[RECORD]",
}
KINDS = tuple(PLACEHOLDERS)


@dataclass
class Found:
    kind: str
    start: int
    end: int
    text: str


@dataclass
class ScrubResult:
    text: str
    found: list[Found] = field(default_factory=list)

    @property
    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.found:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        return counts


# --- patterns -------------------------------------------------------------------------------------------------

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

# US-style and international numbers; needs separators or a +/( prefix or exactly 10/11 digits, so that doses
# and lab values ("500 mg", "7.2", "120/80") never match.
PHONE = re.compile(
    r"(?<![\w/.-])(?:"
    r"\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}"  # +1 555 123 4567, +44 20 7946 0958
    r"|\(\d{3}\)\s?\d{3}[\s.-]?\d{4}"  # (555) 123-4567
    r"|\d{3}[.-]\d{3}[.-]\d{4}"  # 555-123-4567, 555.123.4567
    r"|\d{3}\s\d{3}\s\d{4}"  # 555 123 4567
    r"|1[\s.-]\d{3}[\s.-]\d{3}[\s.-]\d{4}"  # 1-800-555-0199
    r"|\d{10}"  # 5551234567
    r")(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w/])"
)

SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")

_RECORD_CUE = (
    r"(?:MRN|M\.R\.N\.|medical\s+record(?:\s+(?:number|no\.?|#))?|record\s+(?:number|no\.?|#)|chart\s+(?:number|no\.?|#)"
    r"|patient\s+(?:ID|id|number|no\.?|#)|member\s+(?:ID|id|number|no\.?|#)|account\s+(?:number|no\.?|#)|acct\.?\s*(?:#|no\.?)?"
    r"|insurance\s+(?:ID|id|number|no\.?|#)|policy\s+(?:number|no\.?|#)|health\s+card(?:\s+number)?|SSN|social\s+security(?:\s+number)?"
    r"|subscriber\s+(?:ID|id)|case\s+(?:number|no\.?|#)|ID\s*(?:number|no\.?|#)|member\s*#|patient\s*#|pt\.?\s*#"
    r"|medicare(?:\s+(?:number|no\.?|#|ID))?|medicaid(?:\s+(?:number|no\.?|#|ID))?)"
)
RECORD = re.compile(
    _RECORD_CUE + r"(?:\s+(?:is|was))?\s*[:#]?\s*(?:number\s*)?#?\s*(?P<id>[A-Za-z]{0,4}[-\s]?\d[\dA-Za-z-]{3,}\d(?:[ -]\d{2,})*|\d{4,}(?:[ -]\d{2,})*)",
    re.IGNORECASE,
)
# A bare record-like token: letters then 6+ digits (e.g. "MRN00123456", "A1234567" after a cue is handled above).
RECORD_TOKEN = re.compile(r"\b(?:MRN|PT|PID|ACC)[-#]?\d{5,}\b", re.IGNORECASE)

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"  # 03/14/1962, 14.03.1962
    r"|\d{4}-\d{2}-\d{2}"  # 1962-03-14
    r"|" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"  # March 14, 1962
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r",?\s+\d{4}"  # 14 March 1962
    r")"
)
DOB = re.compile(
    r"(?:\bD\.?O\.?B\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?|b\.)\s*(?:is|was)?\s*[:\-]?\s*(?:on\s+)?(?P<date>"
    + _DATE
    + r")",
    re.IGNORECASE,
)

_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir"
    r"|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Row|Crescent|Close|Alley)\.?"
)
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*#?\s*[\w-]+)?"
# City, state and ZIP on the same line only (a sign-off on the next line is not a city).
_CITY = r"(?!Apt|Unit|Suite|Please|Thank|My|I\b)[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,2}"
_ZIP = r"\d{5}(?:-\d{4})?"
_CITY_STATE_ZIP = (
    rf"(?:,[ \t]*{_CITY}(?:,?[ \t]+[A-Z]{{2}}\b)?(?:,?[ \t]+{_ZIP})?"  # , Springfield(, IL)( 62704)
    rf"|[ \t]+{_CITY},?[ \t]+[A-Z]{{2}}\b(?:,?[ \t]+{_ZIP})?"  # Springfield IL( 62704)
    rf"|,?[ \t]+[A-Z]{{2}}[ \t]+{_ZIP})?"  # IL 62704
)
ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'-]*\s+){0,3}" + _STREET_SUFFIX + r"(?![\w])" + _UNIT + _CITY_STATE_ZIP
)
ADDRESS_CUED = re.compile(
    r"(?:live at|living at|lives at|address is|address:|moved to|mail (?:it |them |the \w+ )?to|home is at|located at)\s+"
    r"(?P<addr>\d{1,6}\s+(?:[a-z0-9][\w'-]*\s+){0,3}" + _STREET_SUFFIX + r"(?![\w])"
    r"(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\.?\s*#?\s*[\w-]+)?)",
    re.IGNORECASE,
)
PO_BOX = re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", re.IGNORECASE)

# --- names ----------------------------------------------------------------------------------------------------

# Capitalised words that follow a name cue but are not names (so "Hi Doctor," or "Dr. Office" keep their word).
_NOT_NAMES = {
    "i", "im", "the", "a", "an", "my", "your", "our", "this", "that", "it", "he", "she", "they", "we", "you",
    "doctor", "doc", "nurse", "team", "all", "there", "everyone", "again", "sir", "madam", "maam", "thanks", "thank",
    "hello", "hi", "dear", "hey", "good", "morning", "afternoon", "evening", "regards", "best", "sincerely",
    "yes", "no", "not", "so", "and", "but", "or", "please", "sorry", "just", "also", "still", "very", "really",
    "worried", "concerned", "scared", "afraid", "anxious", "nervous", "feeling", "having", "taking", "going", "trying",
    "writing", "calling", "asking", "wondering", "here", "now", "today", "tomorrow", "yesterday", "tonight",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "office", "clinic", "hospital",
    "pharmacy", "emergency", "er", "icu", "mayo", "glad", "happy", "sure", "okay", "ok", "fine", "well", "better",
    "worse", "sick", "tired", "in", "on", "at", "to", "for", "with", "about", "from", "of", "as", "if", "is",
    "were", "youre", "theyre", "thats", "theres", "heres", "lets", "ill", "well", "weve", "ive", "id", "everything",
    "nothing", "someone", "somebody", "anyone", "nobody", "who", "what", "when", "where", "why", "how",
}

# Common given names (patients, family members, staff). Ambiguous English words (Will, May, Grace, Hope, Mark,
# Bill, Faith, Joy, Dawn, April, June, Rose, Art, Pat) are left out: they are only removed after a cue.
_FIRST_NAMES = set(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony donald
    steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas
    eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack
    dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter christian
    keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy bruce gabriel
    logan alan juan albert willie elijah randy wayne vincent russell louis bobby philip johnny liam oliver lucas
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty sandra margaret ashley
    kimberly emily donna michelle carol amanda melissa deborah stephanie dorothy rebecca sharon laura cynthia amy
    kathleen angela shirley brenda emma anna pamela nicole samantha katherine christine helen debra rachel carolyn
    janet maria catherine heather diane olivia julie joyce victoria ruth virginia lauren kelly christina joan evelyn
    judith andrea hannah megan cheryl jacqueline martha madison teresa gloria sara janice ann kathryn abigail sophia
    frances jean alice judy isabella julia beverly denise marilyn amber danielle brittany diana natalie sophie
    charlotte mia amelia harper ella chloe zoe priya aisha fatima mohammed muhammad ahmed ali omar wei li chen
    raj rahul anil sunita deepak arjun yuki hiroshi kenji mei jun carlos miguel luis jorge pedro rosa lucia elena
    sofia ana camila diego javier alejandro gabriela valentina mateo santiago ivan olga dmitri sergei natasha
    jenny jen jenn tom tommy mike jim jimmy joe joey dan danny dave steve chris kate katie liz beth sue susie
    jess becky meg maggie ben sam alex nick matt tony andy pete rob greg jeff ken jon ron don barb deb pam cathy
    kathy cindy wendy tina lucy molly ellie abby bobby charlie freddie harry
    """.split()
)
# First names that are also ordinary lowercase words (or medical terms): only matched when capitalised.
_LOWER_UNSAFE = {"frank", "amber", "christian", "carol", "rosa", "ray", "don", "sue", "ken", "jack", "bobby", "pat",
                 "sandy", "dean", "gene", "victoria", "virginia", "jean", "will", "may", "li", "ma", "ali", "mia"}

_SURNAMES = set(
    """
    smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson
    anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson
    walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell
    mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales
    murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson
    watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long
    ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher
    vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes
    bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez
    mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson
    porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson
    boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver
    ryan gardner payne grant dunn kelley spencer hawkins arnold pierce hansen peters santos hart bradley knight
    elliott cunningham duncan armstrong hudson carroll lane riley andrews ray berry perkins hoffman johnston matthews
    pena richards willis carpenter lawrence sandoval wang zhang liu yang huang zhao wu zhou xu sun ma zhu hu
    kumar singh sharma gupta shah mehta iyer rao reddy nair khan hussain ahmed tanaka suzuki sato watanabe yamamoto
    nakamura kobayashi ivanov petrov novak kowalski nowak muller schneider fischer weber becker schulz dubois
    rossi russo ferrari esposito bianchi romano okafor adeyemi mensah osei kamau otieno mwangi obrien oconnor
    """.split()
)

_NAME_WORD = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?"
_INITIAL = r"[A-Z]\."
# A full name: 1-3 capitalised words or initials ("Mary", "Mary Ellen Jones", "J. R. Smith", "O'Brien").
_FULL_NAME = rf"(?:{_NAME_WORD}|{_INITIAL})(?:\s+(?:{_NAME_WORD}|{_INITIAL})){{0,2}}"

TITLE_NAME = re.compile(
    rf"\b(?P<title>Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Nurse|NP|PA|RN|Doctor)\.?\s+(?P<name>{_FULL_NAME})"
)
CUE_NAME = re.compile(
    r"(?:\b(?:[Mm]y name is|[Nn]ame:|[Pp]atient:|[Pp]atient name:?|[Tt]his is|[Ii] am|[Ii]'m|[Ii] m|[Ss]igned,?|"
    r"[Ii]t'?s|[Ii]t is|[Ff]rom|[Oo]n behalf of|[Pp]t\.? name:?|[Pp]t:|[Bb]ehalf of|"
    r"[Ss]poke (?:with|to)|[Tt]alked (?:with|to)|[Aa]sk for|[Cc]all(?:ed)?|[Cc]ontact|[Ss]ee|[Ww]ith"
    r"|(?:[Mm]y|[Hh]is|[Hh]er|[Oo]ur) (?:son|daughter|wife|husband|mother|mom|father|dad|brother|sister|partner|"
    r"grandson|granddaughter|grandmother|grandfather|child|caregiver|aunt|uncle|niece|nephew|friend|neighbor|"
    r"boyfriend|girlfriend|fianc[ée]e?|spouse)(?:,)?)\s+"
    rf"(?P<name>{_FULL_NAME}))"
)
GREETING_NAME = re.compile(rf"(?m)(?:^|(?<=[.!?]\s))(?:Hi|Hello|Hey|Dear|Good (?:morning|afternoon|evening))\s+(?P<name>{_FULL_NAME})\s*[,!:]")
SIGNOFF_NAME = re.compile(
    r"(?:Thanks|Thank you|Thanks again|Many thanks|Regards|Best regards|Kind regards|Warm regards|Best|Sincerely|"
    r"Cheers|Respectfully|Take care|Love|Yours(?: truly)?|Gratefully)\s*[,!.]?\s*\n?\s*-*\s*"
    rf"(?P<name>{_FULL_NAME})\s*(?:\.|,|$|\n)",
    re.MULTILINE,
)
HERE_NAME = re.compile(rf"(?:^|(?<=[,.!?]\s))(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})\s+here\b")
DASH_SIGNATURE = re.compile(rf"(?m)(?:^|\s)[-–—]{{1,2}}\s?(?P<name>{_FULL_NAME})\s*$")
LOWER_WORD = re.compile(r"(?<![\w@.'-])[a-z]{2,}(?![\w@'-])")
KNOWN_NAME = re.compile(rf"\b(?P<name>{_NAME_WORD}(?:\s+(?:{_INITIAL}|{_NAME_WORD})){{0,2}})\b")


def _trim_name(name: str) -> str:
    """Cut a captured name at the first word that is not name-like (``Sarah Thanks`` -> ``Sarah``)."""
    words = name.split()
    kept = []
    for w in words:
        if w.strip(".").lower().replace("'", "") in _NOT_NAMES:
            break
        kept.append(w)
    return " ".join(kept)


def _is_known_name(words: list[str]) -> bool:
    first = words[0].lower()
    if first in _FIRST_NAMES:
        return True
    return any(w.strip(".").lower().replace("'", "") in _SURNAMES for w in words) and len(words) >= 2


def find_identifiers(text: str) -> list[Found]:
    """Every identifier span, non-overlapping, earliest and longest first."""
    spans: list[Found] = []

    def add(kind, start, end):
        if end > start:
            spans.append(Found(kind, start, end, text[start:end]))

    for m in EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in DOB.finditer(text):
        add("dob", m.start("date"), m.end("date"))
    for m in RECORD.finditer(text):
        add("record", m.start("id"), m.end("id"))
    for m in RECORD_TOKEN.finditer(text):
        add("record", m.start(), m.end())
    for m in SSN.finditer(text):
        add("record", m.start(), m.end())
    for m in ADDRESS.finditer(text):
        add("address", m.start(), m.end())
    for m in ADDRESS_CUED.finditer(text):
        add("address", m.start("addr"), m.end("addr"))
    for m in PO_BOX.finditer(text):
        add("address", m.start(), m.end())
    for m in PHONE.finditer(text):
        add("phone", m.start(), m.end())
    for pattern in (TITLE_NAME, GREETING_NAME, SIGNOFF_NAME, DASH_SIGNATURE, HERE_NAME, CUE_NAME):
        for m in pattern.finditer(text):
            name = _trim_name(m.group("name"))
            if name.endswith("'s"):
                name = name[:-2]
            if not name:
                continue
            if pattern is CUE_NAME and not _cue_name_ok(m, name):
                continue
            start = m.start("name")
            end = start + len(name)
            last_first = re.match(rf",\s*({_NAME_WORD})(?=\s*(?:[.\n]|$))", text[end:])
            if last_first and pattern is CUE_NAME:  # "Pt name: Ng, Bao."
                end += last_first.end()
            add("name", start, end)
    # lowercase writing ("this is jenny tran", "dr wu"): common given names, a surname after one, or after "dr"
    words = [(m.group(), m.start(), m.end()) for m in LOWER_WORD.finditer(text)]
    for i, (word, start, end) in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) and text[end:words[i + 1][1]].strip() == "" else None
        if word in _FIRST_NAMES and word not in _LOWER_UNSAFE:
            add("name", start, nxt[2] if nxt and nxt[0] in _SURNAMES else end)
        elif word in ("dr", "doctor") and nxt and nxt[0] in _SURNAMES:
            add("name", nxt[1], nxt[2])
    for m in KNOWN_NAME.finditer(text):
        words = m.group("name").split()
        # keep only the run of name-like words starting at a known first name or containing a known surname
        name = _trim_name(m.group("name"))
        if name and _is_known_name(name.split()):
            add("name", m.start(), m.start() + len(name))
        elif words and words[0].lower() in _FIRST_NAMES:
            add("name", m.start(), m.start() + len(words[0]))
    return _resolve(spans)


def _cue_name_ok(m: re.Match, name: str) -> bool:
    """Cues like "I'm" or "with" are followed by ordinary words too; only accept known names after them."""
    cue = m.group(0)[: m.start("name") - m.start()].strip().lower()
    strong = ("my name is", "name:", "patient:", "patient name", "signed", "this is", "pt name", "pt. name", "pt:")
    relation = any(cue.startswith(p) for p in ("my ", "his ", "her ", "our "))
    if any(cue.startswith(s) for s in strong) or relation:
        return True
    if _medical(name):
        return False  # "from Lipitor", "it's Tylenol": a drug, not a person
    if cue in ("it's", "its", "it is"):
        return True  # "Hi, it's Priyanka."
    if cue in ("i'm", "i am", "i m", "from", "on behalf of", "behalf of") and len(name.split()) >= 2:
        return True  # "I'm Saoirse Ferreira": two capitalised words after "I'm" are a name
    return _is_known_name(name.split()) or name.split()[0].lower() in _FIRST_NAMES


def _medical(name: str) -> bool:
    """A drug or clinical term from the fact checker's vocabulary (kept: medical content must survive)."""
    phrases = vocabulary().phrases
    return name.lower() in phrases or any(w.lower() in phrases for w in name.split() if len(w) > 3)


def _resolve(spans: list[Found]) -> list[Found]:
    spans.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Found] = []
    for f in spans:
        if out and f.start < out[-1].end:
            if f.end > out[-1].end and f.kind == out[-1].kind:
                last = out[-1]
                out[-1] = Found(last.kind, last.start, f.end, last.text + f.text[last.end - f.start :])
            continue
        out.append(f)
    return out


def scrub_text(text: str | None) -> ScrubResult:
    """``text`` with every identifier replaced by its placeholder, and what was replaced."""
    if not text:
        return ScrubResult(text or "", [])
    found = find_identifiers(text)
    pieces = []
    pos = 0
    for f in found:
        pieces.append(text[pos : f.start])
        pieces.append(PLACEHOLDERS[f.kind])
        pos = f.end
    pieces.append(text[pos:])
    return ScrubResult("".join(pieces), found)


def scrub(text: str | None) -> str | None:
    """The scrubbed text (``None`` stays ``None``). Idempotent: placeholders are never matched again."""
    if text is None:
        return None
    return scrub_text(text).text
