"""Content words: what a sentence says when no vocabulary entity names it, and whether it says anything at all.

A physician's sentence carries information even when the checker knows none of its words ("We will need to run
some tests to confirm the diagnosis", "It can cause pain during urination"); dropping or negating it must be
caught. So every sentence gets its *content words* (stems of the words that are not function words), and a
clause with content is a fact unless it is empathic framing: a clause that only acknowledges feelings (also
when it names the patient's own concern: "Blood in the urine is frightening to see"), offers support or invites
questions. Framing is decided by what is left once feeling, support and offer words are set aside, not by a list
of framing sentences.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..text import NEGATION, REASSURANCE, WORD
from .patterns import PERSIST, RING
from .vocab import vocabulary

# --------------------------------------------------------------------------------------------------- stems

_IRREGULAR = {"children": "child", "feet": "foot", "teeth": "tooth", "men": "man", "women": "woman", "mice": "mouse",
              "ran": "run", "done": "do", "did": "do", "went": "go", "gone": "go", "took": "take", "taken": "take",
              "given": "give", "gave": "give", "saw": "see", "seen": "see", "felt": "feel", "led": "lead",
              "worse": "bad", "worst": "bad", "better": "good", "best": "good", "x-rays": "x-ray", "xray": "x-ray",
              "meds": "medication", "medicine": "medication", "medicines": "medication", "drug": "medication",
              "drugs": "medication", "physician": "doctor", "physicians": "doctor", "advise": "recommend",
              "advised": "recommend", "advice": "recommend", "suggest": "recommend", "suggested": "recommend",
              "suggestion": "recommend", "suggestions": "recommend", "recommendation": "recommend",
              "recommendations": "recommend", "testing": "test", "examination": "exam", "examinations": "exam",
              "examine": "exam", "examined": "exam", "examining": "exam", "diagnose": "diagnosis",
              "diagnosed": "diagnosis", "diagnostic": "diagnosis", "diagnoses": "diagnosis", "analyses": "analysis",
              "prognoses": "prognosis", "procedures": "procedure", "surgeries": "surgery", "surgical": "surgery",
              "therapies": "therapy", "therapeutic": "therapy", "infected": "infection", "infections": "infection",
              "infectious": "infection", "inflamed": "inflammation", "inflammatory": "inflammation",
              # words whose suffixes would strip them to another (medical) word: "scared" is not "scar"
              "scare": "scare", "scared": "scare", "scares": "scare", "scaring": "scare", "care": "care", "cares": "care",
              "cared": "care", "caring": "care", "careful": "care", "carefully": "care"}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: the same word in another inflection gets the same stem on both sides of a pair."""
    w = word.lower().strip("'-")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ations", "ation", "ments", "ment", "ness", "fully", "ful", "ingly", "edly", "ing", "ed", "ly", "al"):
        if w.endswith(suffix) and len(w) - len(suffix) >= (4 if suffix == "al" else 3):
            w = w[:-len(suffix)]
            if suffix in ("ing", "ed", "edly", "ingly", "al") and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # running -> run
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if w.endswith("i") and len(w) > 3:
        w = w[:-1] + "y"
    return w


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


# ----------------------------------------------------------------------------------------------- lexicons

# Negation is counted on its own (extract.py), never compared as content.
NEGATION_WORDS = frozenset("""not no never none neither nor cannot can't won't don't doesn't didn't isn't aren't wasn't
weren't shouldn't wouldn't couldn't haven't hasn't hadn't mustn't needn't ain't nothing nobody nowhere""".split())

# Function words, auxiliaries and modals, hedges, connectors, light verbs and vague quantities: words a paraphrase
# adds, drops or swaps without changing a fact. Negation is not here: it is counted on its own (extract.py).
STOP = _stems("""
a an the this that these those there here it its it's itself i i'm i've i'd i'll me my mine myself we we're we've
we'd we'll us our ours ourselves you you're you've you'd you'll your yours yourself yourselves he him his she her
hers they them their theirs themselves what which who whom whose when where why how whether if then than so as
at by for from in into of off on onto out over under up down to with within without about above below between
through during before after again further once also too very really quite rather just only even still already
yet soon now right and or but nor either both each every all any some such other another more most much many
few several lot lots bit kind type sort way thing something anything everything nothing someone anyone everyone
is am are was were be been being have has had having do does doing did done can could may might will would shall
should must need needs needed ought get gets getting got gotten let let's make makes made making go goes going
take takes taking run runs running perform performed performing conduct conducted conducting carry carried
carrying undergo undergoing undergone seem seems seemed sound sounds sounded appear appears appeared look looks
looked likely probably possibly possible perhaps maybe certainly definitely think believe suspect based given
order addition additionally furthermore moreover however therefore thus hence finally lastly first firstly
second secondly next also alright okay ok well yes sure like including include includes included regarding
concerning due case cases number range variety series course part overall general generally usually often
sometimes typically always exactly fully completely totally truly actually especially particularly simply
clearly obviously perfectly absolutely definitely
come came comes coming back result results
certain various different specific particular potential possible additional extra own same new whole
please hello hi dear regards sincerely dr doctor mr mrs ms one ones two also per via etc e.g i.e
""") | {"'s"} | NEGATION_WORDS

# Feelings and their acknowledgement: a clause with one of these may name the patient's concern and stay framing.
EMOTION = _stems("""
sorry worry worried worries worrying concerned scare scared scary afraid fear fears fearful frighten frightened
frightening terrify terrified terrifying anxious nervous stressed stressful upset upsetting unsettle unsettled
unsettling overwhelm overwhelmed overwhelming frustrate frustrated frustrating frustration hard tough rough
challenging exhausting draining sad sadness heartbreaking proud happy pleased bother bothering bothered uncertain uncertainty fun lonely embarrass embarrassed embarrassing
embarrassment shame ashamed distressed distressing confusing struggle struggling struggled cope coping feel
feels feeling feelings emotion emotions understandable understandably understood imagine appreciate
appreciated thank grateful glad relieved trust trusting courage brave easy uneasy weigh weighing burden valid
reasonable legitimate empathize sympathize alone own isolated isolating hope hoping hopeful wish wishing
settle settled settling calm calmer comfort comforted comforting reassured ease eased confident confidence
awful terrible horrible miserable unpleasant disruptive discouraging discouraged toll nerve racking wracking endless
""")
# Words that make a clause an acknowledgement of feelings, and frames that do so with words that are also
# clinical elsewhere ("hard" in "this is hard", not in "a hard lump"; "difficult" in "it has been difficult", not
# in "difficulty breathing").
_EMOTION_ADJ = (r"worried|scared|anxious|overwhelmed|frustrated|alone|lost|sad|down|upset|nervous|uneasy|uncertain|"
                r"unsure|confused|helpless|hopeless|afraid|frightened|embarrassed|ashamed|discouraged|concerned|stressed|"
                r"isolated|vulnerable|this way|like this|that way|the same(?: way)?")
_EMOTION_CUE = re.compile(
    r"\b(?:sorry|worr(?:y|ied|ies|ying)|scared|scary|afraid|frighten(?:ed|ing)|terrif(?:ied|ying)|anxious|nervous|"
    r"stress(?:ful|ed)|upsetting|unsettl(?:ed|ing)|overwhelm(?:ed|ing)|frustrat(?:ed|ing|ion)|heartbreaking|lonely|"
    r"embarrass(?:ed|ing|ment)|ashamed|shame|distress(?:ed|ing)|understand(?:able|ably)?|understood|hear|heard|imagine|"
    r"appreciate|thank(?:s| you)|grateful|glad|proud|happy to|pleased to|bother(?:ing|ed|s)?|uncertain(?:ty)?|not knowing|relieved|trust(?:ing)?|courage|brave|valid|hope|hoping|hopefully|wish(?:ing)?|"
    r"empathi[sz]e|sympathi[sz]e|concerned|uneasy|alone|on your own|by yourself)\b"
    r"|\b(?:is|are|was|were|be|been|being|'s|'re|isn't|aren't|wasn't|sounds?|sounded|seems?|must be|can be)"
    r"(?:\s+(?:not|so|very|really|quite|incredibly|truly|understandably|such|a|an|bit|lot|little|particularly|"
    r"especially|extremely|pretty|terribly|completely|totally))*\s+(?:hard|difficult|tough|rough|challenging|exhausting|"
    r"draining|confusing|easy|a lot|uncomfortable|miserable|awful|terrible|horrible|unpleasant|fun|no fun)\b"
    r"|\b(?:the )?(?:hardest|toughest|worst|most difficult|most frustrating) part\b|\bcarrying (?:a lot|so much)\b"
    r"|\b(?:hard|difficult|tough|rough|challenging|stressful|scary|frightening|worrying|upsetting|confusing) "
    r"(?:time|stretch|period|few \w+|situation|experience|road|journey|thing|day|week|month|year|moment)s?\b"
    r"|\bfeel(?:s|ing)?\s+(?:\w+\s+){0,2}(?:" + _EMOTION_ADJ + r")\b"
    r"|\b(?:your|these|those|the|such) (?:concerns?|worr(?:y|ies)|fears?|feelings?|emotions?|frustration|questions)\b"
    r"|\bmakes? (?:complete |perfect |total )?sense\b|\bweigh(?:s|ing)? on\b|\bto take in\b|\ba lot to\b"
    r"|\btakes? (?:a |such a |quite a )?(?:real |heavy |big )?toll\b|\bwears? (?:\w+ )?down\b|\bknow how (?:\w+ )?(?:hard|difficult|"
    r"tough|disruptive|frustrating|draining|exhausting|scary|worrying|painful|upsetting|much)\b"
    r"|\bmakes? (?:\w+ ){1,3}(?:hard|harder|difficult|tough)\b|\b(?:no|not a|not an) (?:small|easy|little) (?:thing|matter)\b"
    r"|\b(?:been|are|you're|you are|we're) (?:struggling|dealing|coping|going through|living with)\b", re.I)
# Words that may stand between a feeling and the concern it names ("sorry you've been dealing with X").
_CONNECT = frozenset("""about with by over of from for that your the these this those all such to hear see learn know
been you you've you're are is dealing struggling living coping going through experiencing
feeling feel a an any some so much how what my our his her their things uncomfortable unpleasant hard difficult tough
frightening scary worrying painful awful miserable draining exhausting upsetting""".split())
# Words between a concern named first and its feeling ("X can be really unsettling").
_LINK = frozenset("""can could may might must is are was were be been being has have had 's 're really very so quite
incredibly truly understandably such a an bit lot little particularly especially extremely pretty terribly
completely totally sound sounds seem seems feel feels look looks to see deal with live""".split())
_NOT_LINK = frozenset("""have has had having diagnosed suffering cause caused causes show shows confirm confirms indicate
indicates mean means lead leads not no""".split())
# Words before a concern named first that would make it a claim instead ("you may have X can be ...").
_NOT_LEAD = frozenset("""have has had having is are was were be been may might could can will would should must likely
probably possibly diagnosed suffering cause caused causes show shows confirm confirms indicate indicates mean
means""".split())
# Support, offers and conversation: words that carry no clinical content in framing.
SUPPORT = _stems("""
here support supporting supported together through step steps along team side question questions ask
asking asked anything mind reach reaching message messages touch hesitate free know knowing knew listen talk
talking help tell telling told share sharing shared mention mentioned describe described describing explain
express put word words open openly honest honestly remember realize wonder want journey moment time
patience patient reach everything day there deal dealing dealt stay staying figure matter matters answer
answers family families friend friends loved partner
""")
# Words of offers, commitments and generic references ("I'm here to assist in finding the right treatment for your
# condition", "I'll provide more information about the next steps"): a new statement made only of these (and of
# feeling and support words) names no clinical fact. Measured on labelled model framing (gate dev sentences).
CONVERSATION = _stems("""
assist assistance provide providing information info detail details discuss discussing guidance resource resources
available availability glad happy best good great right proper appropriate suitable correct offer offering find
finding understand understanding concern concerns issue issues situation situations condition conditions problem
problems treatment treatments plan plans option options need needs care caring compassion compassionate commit
committed promise power possible everything whatever comfortable safe ready further soon today inquiry inquiries
coordinate experience way health medical well-being wellbeing effort efforts address addressing priority
thorough carefully review reviewed hear heard glad sure make ensure personal individual tailor tailored
whenever anything else always little bit better face facing try trying receive everyday task tasks life routine raise raising want wants together interest interests primary support supportive work
working future guidance hesitate reach chat listen assure assured affect affected power advocate order direct directly
matter matters mean current attention big small hand hands environment area today information maintain positive
read reading message messages wait waiting
""")
# Words of clinical claims: a feeling clause that also says one of these is a statement, not framing.
CLAIM = _stems("""
cause causes caused causing lead leads indicate indicates mean means show shows confirm confirms rule treat
treated treatment treatments cure cured heal healing prescribe prescription medication test tests surgery
procedure therapy improve improves resolve resolves worsen worse better spread spreads progress progresses risk
risks prevent prevents recover recovery require requires required necessary recommend important serious
dangerous contagious diagnosis likely unlikely benign malignant fatal deadly curable treatable permanent
temporary hereditary genetic normal recur related manageable dose doses dosage lower lowered lowering
""")

# An imperative's verb: advice. Offers (ask me, reach out, let me know) and closings are not advice.
IMPERATIVE_VERBS = frozenset("""
take go get keep stay make try avoid stop start use eat drink sleep rest call come see check wash wear put give
bring drop cut limit skip sit stand lie walk wait watch follow continue apply seek schedule book find consider
talk spend set plan write note look focus practice breathe relax join read return allow treat be do don't never
always remember stick change increase decrease reduce raise lower add switch elevate protect monitor track
record cover clean dry soak gargle rinse massage stretch exercise visit contact ask reach let tell
""".split())
# "Let me walk you through ...", "let's go over ...": the physician's offer to explain, not advice.
_TALK_OFFER = re.compile(r"\s+(?:me|us)\s+(?!know\b)|'s\s+(?:go over|talk|look at what|walk through|start with what)", re.I)
# Reading this reply at the patient's own pace: "Take your time reading this", "Bear with me", "Read this part
# when you have a quiet moment".
_PACING = re.compile(r"\s+(?:your time|all the time you need|as long as you need|with me|(?:this|it|the rest)(?: part| message| letter| note)?"
                     r"(?: through)? (?:when|whenever|once|at)\b|through (?:this|it))\b", re.I)
_PACING_VERBS = ("take", "bear", "stick", "read", "go")
_COGNITION_IMPERATIVE = frozenset("know remember understand realize note".split())
_OFFER = re.compile(
    r"\b(?:feel free|(?:do not|don't) hesitate|let (?:me|us) know|reach out|get (?:back )?in touch|"
    r"(?:contact|message|call|ask|asking|write to|tell|email) (?:me|us|our (?:office|team))|write (?:back|again|any ?time|whenever)|send (?:another|a(?: quick)?) (?:message|note|line)|" + RING + r"|"
    r"here (?:for|to (?:help|support|answer|listen)|whenever|any ?time|if (?:you|anything))|keep (?:me|us) (?:posted|updated|informed|in the loop)|(?:send|drop) (?:me|us) a (?:message|note|line)|"
    r"any (?:other |more |further )?questions?|ask (?:me )?anything)\b", re.I)
_GENERIC_OBJECT = re.compile(r"\b(?:questions?|concerns?|anything|how you(?:'re| are) (?:feeling|doing|getting on)|any ?time|whenever|worries|need (?:anything|help|to talk|support)|"
                             r"(?:any|more|further|some) (?:more )?(?:information|support|guidance|help|details?|clarification)|"
                             r"(?:want|like|need) to (?:talk|chat)|if you(?:'re| are) unsure|ask for (?:help|support|more)|(?:when|whenever|if) (?:you )?need(?:ed| it)?\b|unclear|on your mind)\b", re.I)
# "Best wishes", "Kind regards": a sign-off alone, with its senders, or signed (_SIGNED).
_REGARDS = r"(?:with )?(?:best|warm|warmest|kind|kindest) (?:wishes|regards)"
_CLOSING = re.compile(r"^\W*(?:please\s+)?(?:(?:(?:make sure|remember|be sure) to )?take (?:good )?care of yourself(?: too)?|take (?:good |great )?care|look after yourself|hang in there|all the best|"
                      + _REGARDS + r"(?: (?:from|to) (?:all of )?(?:us|me|the \w+|all)(?: (?:at|in) the \w+)?)?|"
                      r"regards|sincerely|warmly|be well|stay well|keep well|stay strong|(?:do not|don't) hesitate to (?:get in touch|reach out|write|contact (?:me|us|the (?:office|clinic|practice|surgery|team)))|"
                      r"wishing you (?:well|the best|a speedy recovery)|get well soon|(?:good|best of) luck)\W*$", re.I)
# A valediction signed: "Warmly, Sarah (Dr. Chen's nurse)", "Regards, Jen, RN". The names in it are no facts.
_SIGNED = re.compile(r"^\W*(?:" + _REGARDS + r"|regards|sincerely|warmly|yours(?: sincerely| truly| faithfully)?|best|cheers|"
                     r"many thanks|with thanks),\s+(?!.*\b(?:who|will|should|take|start|stop|please|you|your)\b)"
                     r"(?:(?:Dr|Mrs?|Ms)\.|[^\d.!?;:]){1,60}$", re.I)
_IMPERATIVE_LEAD = re.compile(r"^\W*(?:(?:please|also|and|so|just|then|now|but|meanwhile|first|finally)\b[\s,]*)*"
                              r"(?P<verb>[a-z][a-z']*)(?P<rest>.*)$", re.I | re.S)
_VALIDATION = re.compile(
    r"\b(?:completely |totally |perfectly |very |quite |so )?(?:normal|natural|common|okay|ok|understandable|reasonable|"
    r"valid|fine|human) (?:to|that you(?:'d| would)?|for you to) (?:feel|be (?:\w+ )?(?:worried|concerned|scared|anxious|"
    r"upset|frustrated|afraid|nervous|overwhelmed|confused|frightened|stressed|uneasy)|have (?:these |those |some |a lot of |"
    r"mixed )?(?:feelings|emotions|questions|concerns|worries)|worry|wonder|ask|want (?:answers|to know|to understand))\b", re.I)
_FEELING_STATE = re.compile(r"\bfeel(?:s|ing)? (?:so |very |really |a bit |a little |quite |this |that )?(?:bad|better|worse|good|well|"
                            r"unwell|sick|ill|down|low|off|awful|terrible)\b|\b(?:doing|did|do) the right thing\b|"
                            r"\b(?:stay(?:ing)?|keep(?:ing)?|be|being|get(?:ting)?) in touch\b|"
                            r"\btak(?:e|ing) (?:this|it|that|your \w+|them|you|what you[\w' ]{0,25}?) (?:very )?seriously\b|"
                            r"\b(?:a |an )?(?:very |really |completely |such a )?(?:common|normal|natural|understandable|usual|"
                            r"frequent) (?:concern|worry|question|feeling|fear|reaction|response|experience|thing to feel)s?\b|"
                            r"\bmakes? (?:complete |perfect |total )?sense\b|\b(?:can |could )?see (?:why|how)\b|"
                            r"\b(?:an? )?(?:important|good|great|fair|reasonable|natural|normal|valid|excellent) (?:thing|things|"
                            r"questions?|point) to (?:ask|raise|bring up|wonder|mention)(?: about)?\b|"
                            r"\b(?:good|great|important|fair|excellent|reasonable|valid) questions?\b|"
                            r"\b(?:questions?|concerns?|feelings?|worries|emotions?|fears?) (?:are|is) (?:\w+ )?(?:important|valid|"
                            r"understandable|reasonable|natural|normal|legitimate|welcome)\b|"
                            r"\b(?:be|being) (?:as )?(?:clear|honest|open|transparent|upfront|available)(?: with you)?(?: as (?:I|we) can)?", re.I)


def feeling(text: str) -> str:
    """Validation idioms and feeling states read as feeling words ("feel better" is a wish, not a prognosis)."""
    return _FEELING_STATE.sub(" feel ", _VALIDATION.sub(" feel ", text))


def words(text: str) -> list[str]:
    """The words of ``text``; hyphenated words count as their parts ("follow-up" is "follow up")."""
    return [part for m in WORD.finditer(text) for part in m.group(0).split("-") if part]


_RECUR = re.compile(r"\b(?:come|comes|coming|came) back\b(?! (?:in|to|for|and|next|on|at|tomorrow|today|if|when|with)\b)", re.I)
# A named condition attributed to the patient ("you may have X", "diagnosed with X", "a sign of X"): the
# attribution is part of the fact, so a sentence that only defines X does not stand in for it.
DX_CUE = re.compile(
    r"\b(?:you|he|she|they|your (?:child|son|daughter|baby|husband|wife|partner))(?:'re|'ve)?\s+(?:(?:may|might|could|"
    r"probably|likely|possibly|also|most likely|are|is|be|been|have|has)\s+)*(?:have|has|had|having|suffering|"
    r"experiencing|developed|contracted|dealing with)\b(?! (?:any (?:more |other |further )?)?(?:questions?|concerns?|"
    r"quer(?:y|ies)|time|a (?:moment|minute|chance|question))\b)|\bdiagnos\w*|\b(?:signs?|symptoms?|indicative) of\b|\bconsistent with\b"
    r"|\b(?:it|this|these|that)(?:'s)? (?:could|may|might|is likely|is probably|seems|sounds|looks|appears)(?: to)? be\b"
    r"|\b(?:it|this|that) (?:sounds|looks|seems) (?:like|as if)\b", re.I)
DX_TOKEN = "dx:attributed"


@lru_cache(maxsize=16384)
def content_words(text: str) -> frozenset[str]:
    """Stems of the words that carry content (not function words, hedges, light verbs or vague quantities)."""
    text = _RECUR.sub(" recur ", text)
    return frozenset(s for s in (stem(w) for w in words(text)) if s not in STOP and not s.isdigit() and len(s) > 1)


def residue(text: str) -> frozenset[str]:
    """Content words once feeling, support and offer words are set aside: what a framing clause must not have."""
    return content_words(feeling(text)) - EMOTION - SUPPORT


# Sentences that speak to the patient's feelings rather than to the outcome: validation ("It's normal to feel
# overwhelmed"), wishes, apologies, thanks, "nothing to be embarrassed about", "this can be really draining".
_FEELING_TALK = re.compile(
    r"^\W*(?:I hope|I'm hoping|I(?:'m| am) (?:so |really |very |truly )?sorry|thank|I (?:really )?appreciate)\b|\bI'm sorry\W*$|"
    r"\bnothing to be (?:embarrassed|ashamed)\b|\bno (?:shame|need to (?:be embarrassed|apologi[sz]e))\b|"
    r"\b(?:can|must|may|would) (?:be|feel) (?:\w+ )?(?:draining|exhausting|hard|tough|difficult|stressful|frustrating|"
    r"overwhelming|scary|frightening|upsetting|unsettling|isolating|lonely|miserable|worrying|distressing)\b", re.I)


def speaks_to_feelings(text: str) -> bool:
    """Does the sentence validate, wish, thank, apologise or name a feeling without denying it ("I know this is
    worrying")? Then it is not reassurance about the outcome, which denies the worry ("nothing to worry about")."""
    return bool(_VALIDATION.search(text) or _FEELING_TALK.search(text)
                or (_EMOTION_CUE.search(text) and not NEGATION.search(text) and not _DENIAL.search(text)))


_DENIAL = re.compile(r"\bstop (?:worrying|fretting|stressing)|\btrust me\b|\brest assured\b", re.I)


def has_emotion(text: str) -> bool:
    return bool(_EMOTION_CUE.search(text) or _FEELING_STATE.search(text) or _VALIDATION.search(text))


def concern_slot(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` (a named condition or symptom) the object of a feeling: after a feeling with only
    linking words between ("concerned about seizures", "sorry you've been dealing with X"), or named first and
    followed by one ("Knee pain can be really unsettling")?"""
    for m in _EMOTION_CUE.finditer(text):
        if m.end() <= start:
            between = [w.lower() for w in words(text[m.end():start])]
            between = [w for i, w in enumerate(between) if not (w in ("have", "has") and between[i + 1:i + 2] == ["been"])]
            for _ in range(3):  # modifiers of the concern ("about lower abdominal pain")
                if between and between[-1] not in _CONNECT and between[-1] not in _NOT_LEAD:
                    between.pop()
            if len(between) <= 7 and all(w in _CONNECT for w in between):
                return True
        elif m.start() >= end:
            lead = [w.lower() for w in words(text[:start])]
            if lead[:1] == ["having"] and len(lead) <= 2:
                lead = lead[1:]  # "Having X can be scary": a gerund subject, not "you may be having X"
            between = [w.lower() for w in words(text[end:m.start()])]
            between = [w for i, w in enumerate(between) if not (w in ("has", "have", "had")
                                                                and between[i + 1:i + 2] in (["you"], ["been"]))]
            if (not set(lead) & _NOT_LEAD and not set(between) & _NOT_LINK and len(between) <= 7
                    and sum(w not in _LINK for w in between) <= 6):
                return True
    return False


def imperative(text: str) -> str | None:
    """"advice" for an imperative clause (Go easy on yourself.), "offer" for an invitation (Please ask me anything.),
    "closing" for a sign-off (Take care.), "cognition" for "Please know/remember ..."; None otherwise."""
    if _CLOSING.match(text) or _SIGNED.match(text.strip()):
        return "closing"
    if _OFFER.search(text) and _GENERIC_OBJECT.search(text):
        return "offer"
    m = _IMPERATIVE_LEAD.match(text)
    if not m:
        return None
    verb, rest = m.group("verb").lower(), m.group("rest")
    if verb in ("don't", "never", "do", "always"):
        if re.match(r"\s+(?:not\s+)?(?:you|we|i|they|it|this|these|that)\b", rest, re.I):
            return None  # a question: "Do you have ...?"
        inner = re.match(r"\s+(?:not\s+)?(?:ever\s+)?([a-z']+)", rest, re.I)
        if inner and inner.group(1).lower() in ("worry", "feel", "be", "hesitate", "happy", "glad", "pleased", "here"):
            return None  # "Don't worry" is reassurance (text.REASSURANCE); "never feel ...", "Always happy to help"
        return "advice"
    if verb not in IMPERATIVE_VERBS:
        return None
    if verb in _PACING_VERBS and _PACING.match(rest):
        return None  # "Take your time reading this", "Bear with me": pacing, not advice
    if verb == "let" and _TALK_OFFER.match(rest):
        return "offer"
    if verb in _COGNITION_IMPERATIVE:
        return "advice" if re.match(r"\s+to\b", rest) else "cognition"
    return "advice"


def is_framing(text: str, concern_only: bool) -> bool:
    """True when a clause only acknowledges feelings, offers support or invites questions.

    ``concern_only``: every entity of the clause is one the patient may have named (a condition, symptom or
    medical term), so it may stand as the object of a feeling ("It makes sense to feel concerned about seizures").
    """
    if not concern_only:
        return False
    kind = imperative(text)
    if kind in ("offer", "closing"):
        return True
    if kind == "advice":
        return False
    rest = residue(text)
    if not rest:
        return True
    if kind == "cognition" or not has_emotion(text):
        return False
    if any(residue(part) and not has_emotion(part) for part in _DASH.split(text)[1:]):
        return False  # "Sorry you're dealing with this - it's almost certainly a pinched nerve": the feeling is elsewhere
    claims = CLAIM - _WISHED if _WISH.search(text) else CLAIM
    return not rest & claims


_DASH = re.compile(r"\s+[-\u2013\u2014]\s+|\u2014")


# A wish ("I hope things get better soon") is not a prognosis.
_WISH = re.compile(r"\b(?:hope|hoping|hopefully|wish|wishing)\b", re.I)
_WISHED = _stems("good bad improve recover recovery heal")


_NEG_CUE = re.compile(NEGATION.pattern + r"|\b(?:stop(?:s|ped|ping)?|avoid(?:s|ed|ing)?|discontinu\w*|quit|refrain\w*|"
                      r"stay away|keep away|steer clear)\b", re.I)


def scoped_negations(text: str, anchors: frozenset[str], reach: int = 3, back: int = 2) -> int:
    """Negation cues whose next ``reach`` content words (or ``back`` content words before: "antibiotics are not
    needed") include one of ``anchors`` (content stems both sides share).

    Counting only the cues that bear on the shared words compares a clause with its counterpart even when one
    side is longer: "... an ultrasonography, and a chlamydia test to rule out an STD" does not negate the
    ultrasonography. "Stop X" and "do not take X" both count one."""
    if not anchors:
        return 0
    masked = PERSIST.sub(lambda m: " " * len(m.group(0)), REASSURANCE.sub(lambda m: " " * len(m.group(0)), text))
    count = 0
    for m in _NEG_CUE.finditer(masked):
        after = [x for x in (stem(w) for w in words(masked[m.end():])) if x not in STOP][:reach]
        before = [x for x in (stem(w) for w in words(masked[:m.start()])) if x not in STOP][-back:]
        if anchors.intersection(after + before):
            count += 1
    return count


@lru_cache(maxsize=1)
def _medical_stems() -> frozenset[str]:
    v = vocabulary()
    return frozenset(stem(w) for w in v.medical_words | v.terms) | CLAIM


def medical(stems: frozenset[str] | set[str] | list[str]) -> list[str]:
    """The stems that are medical: words of ICD-10-CM descriptions (everyday ones included: "family", "sleep",
    "smoking") and words of clinical claims ("contagious", "recover", "worse"), less the words of offers and
    generic references (CONVERSATION: "condition", "treatment", "help")."""
    med = _medical_stems()
    return sorted(w for w in stems if (w in med and w not in CONVERSATION) or w.startswith("dx:"))
