"""A gate for the sentences a model adds to a physician's reply: the clinician speaking to this patient.

The fact checker (empathy.facts) vouches for the medicine of an edit, not for its voice. A 135M
model's own sentences are often in the patient's voice ("I've had a bad day, I'm really scared."),
about the patient in the third person, addressed to someone ("My baby, hello there"), quoted,
talking about the task ("I'll ensure that the message remains as it was"), unfinished, in another
language, signed "[Your Name]" or off the patient's topic. ``gate_sentence`` refuses such a sentence
with a reason; ``gate_added`` checks every sentence of a model text that is not in the draft.

Rules come first (precise, explainable, no model needed). A small logistic classifier on MiniLM
embeddings (weights in empathy/data/gate_classifier.npz, fitted by ``python -m empathy.generation.gate fit``
on the dev part of tests/data/gate_sentences.jsonl, numpy only at run time) catches what the rules
miss when the embedding model is available. Measured by benchmarks/gate_eval.py.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..files import read_jsonl
from ..text import sentences as _text_sentences
from .bank import bank_sentences

DATA = Path(__file__).resolve().parents[1] / "data" / "gate_classifier.npz"
LABELS = Path(__file__).resolve().parents[2] / "tests" / "data" / "gate_sentences.jsonl"
BAD = ("patient_voice", "third_person", "vocative", "quote", "meta_talk", "fragment", "off_topic", "other_language",
       "signature_placeholder")
PASSING = ("ok", "stock_line")  # what the gate should let through
VOICE_OK = PASSING + ("clinical_claim",)  # the clinician's voice: new medical content is the fact checker's to judge


@dataclass
class GateVerdict:
    """Why one added sentence may (ok) or may not be shown as the clinician's words."""

    sentence: str
    ok: bool
    reason: str | None = None  # the first rule that refused it, or "classifier"
    score: float | None = None  # classifier probability that the sentence is bad (None: not run)

    def to_dict(self) -> dict:
        return asdict(self)


# --- sentences -----------------------------------------------------------------------------------

_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s*$")


def split_sentences(text: str) -> list[str]:
    """Sentences and lines of ``text`` (the one splitter of empathy.text), a bare list number joined to its item."""
    out: list[str] = []
    for piece in _text_sentences(text):
        if out and _LIST_MARK.match(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def added_sentences(text: str, draft: str) -> list[str]:
    """The sentences of a model text that the draft does not contain word for word (list numbers aside)."""
    d = _norm(draft)
    return [s for s in split_sentences(text) if _norm(re.sub(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+", "", s)) not in d]


# --- rules ---------------------------------------------------------------------------------------

_FEELING = (r"(?:scared|afraid|worried|anxious|nervous|terrified|frightened|panick(?:ed|ing)|depressed|sad|upset|tired|exhausted|"
            r"sick|ill|dizzy|weak|in (?:so much |a lot of )?pain|hurting|confused|lost|lonely|stressed|overwhelmed|desperate|"
            r"miserable|suffering|struggling|not sure what|worse|better now|feeling)")
_BODY = (r"(?:pain|back|head|chest|stomach|belly|tummy|neck|shoulders?|legs?|arms?|hands?|fingers?|wrists?|elbows?|hips?|knees?|"
         r"ankles?|foot|feet|toes?|nails?|skin|eyes?|ears?|throat|tongue|teeth|gums?|mouth|nose|face|hair|scalp|breasts?|"
         r"bladder|bowels?|body|mind|brain|heart(?! goes)|lungs?|blood|urine|pee|stool|periods?|symptoms?|condition|illness|"
         r"disease|health|diagnosis|medications?|meds|pills|inhaler|results?|tests?|scan|biopsy|surgery|doctor|physician|gp|"
         r"mother|father|mom|mum|dad|son|daughter|husband|wife|partner|child|children|kids?|baby|family|life|day|week|job|"
         r"work|appointments?|request|routine|limitations|problems?|situation|insurance|\d+[- ]year[- ]old)")
_RULES: list[tuple[str, re.Pattern]] = [(reason, re.compile(p, re.IGNORECASE)) for reason, p in [
    ("signature_placeholder", r"\[[^\]]*\b(?:name|signature|title|contact|clinic|practice|date|number)\b[^\]]*\]|"
                              r"^(?:best|kind|warm(?:est)?|with)?\s*(?:regards|wishes)\b|^(?:sincerely|yours|cheers)\b|"
                              r"\b(?:sincerely|regards)\s*,?\s*$|^(?:dr\.?|doctor)\s+\[|your name\b|\bmy name is\b|"
                              r"\b(?:I am|I'm|this is) (?:dr\.?|doctor) [A-Z]|^(?:dr\.?|doctor) [A-Z][a-z]+(?: [A-Z][a-z]+)?\.?$"),
    ("meta_talk", r"\b(?:invite (?:any )?questions|offer (?:a little |some |my )?(?:\w+ )?support and|rewrit\w*|revis(?:e|ed|ion)|edit(?:ed|ing|s)?|draft|paraphras\w*|as (?:instructed|requested)|"
                  r"the (?:original |above |following |given )?(?:message|reply|response|text|sentence|prompt|"
                  r"format|layout|structure|physician|doctor|version|output|task|rules?)\b|this (?:sentence|response|reply|version)|"
                  r"here(?:'s| is) (?:the|a|an|my|your) (?:[\w,-]+ ){0,4}(?:sentence|version|reply|response|message|text|example|rewrite)|"
                  r"\b(?:ai|language model|assistant|chatbot)\b|(?:for|about) any (?:confusion|misunderstanding)|\bmisunderstanding\b|word for word|must[- ]keep|"
                  r"(?:more|less) (?:empathetic|warm|compassionate|formal|concise)|empathetic (?:tone|reply|response|version|way)|"
                  r"i (?:can(?:'t|not)|am unable to|'m unable to|won't) (?:assist|help with (?:that|this)|provide|fulfil+|comply)|"
                  r"\bfacts\b|(?<!in )\bfact\b(?! that)|\bconstraints?\b|\bpremise\b|\bnote\s*:|\bremark\s*:|\bempath\w*|non-?judg\w*|"
                  r"\b(?:not|no|any|these|following|ignore) instructions?\b|\binstructions? (?:inside|in this|above|below)\b|"
                  r"\b(?:previous|earlier|latest|last) (?:response|reply|message|answer)\b|(?:your|my) (?:response|reply)\b|"
                  r"(?:the|see|with the|mentioned|listed) (?:above|below)\b|\b(?:symptoms|information|details|steps) below\b|"
                  r"^(?:user|assistant|physician|patient|doctor|hypothesis|premise|answer|response|reply|result|example|note|"
                  r"output|input|summary)s?(?:'s)?(?: \w+)?\s*[:\-–]|\bmake (?:it|this) (?:a (?:little|bit) )?(?:more|less)\b|"
                  r"\bI (?:can't|cannot) speak for\b|\bI(?:'d| would)? (?:be (?:happy|glad) to|can) help (?:you )?with (?:that|this)\b|\b(?:this|the) document\b|"
                  r"\bI (?:have|had) no (?:information|access|data|context|details)\b|\bevery detail\b|\ball details\b|"
                  r"\bI(?:'ll| will| can) provide (?:you with )?(?:a |more |some |the )?(?:detailed |more )?(?:explanation|information|details)\b|"
                  r"\bconversation\b|\bemojis?\b|\bsentences?\b|\bquery\b|\bthis (?:message|text|request)\b|\b(?:the|my|personal|specific) (?:\w+ )?message\b|"
                  r"\b(?:the|this|entire) text\b|\bI(?:'m| am) (?:not |just )?an? (?:doctor|physician|medical professional|nurse)\b|\bI(?:'ve| have) made (?:a few |some )?(?:changes|edits|adjustments)\b|^\d+\.\s*\w+(?: \w+)?:)"),
    ("vocative", r"^(?:my )?(?:dear(?:est)? )?(?:dear(?:est)?|baby|darling|sweet(?:heart|ie)|honey|love|friend|buddy|mate)\s*[,!]"),  # before "my baby"
    ("patient_voice", r"^(?:hi|hello|hey|dear|thanks?|thank you|yes|ok(?:ay)?)?[, ]*(?:doctor|doc|dr\.?)\b(?!\s+(?:will|can|is|has|may|should))|"
                      r",\s*(?:doctor|doc|dr\.?)(?:\s+\w+)?\s*[.!?]*$|"
                      r"\bI(?:'ve| have)(?: been| also| even)? (?:experienc|suffer|deal|struggl|notic|develop|los|gain)\w*|"
                      r"\bI(?:'ve| have) had (?!a (?:look|chance|word|chat))|"
                      r"\bI(?:'m| am)(?: \w+ly| so| too| a (?:bit|little)| quite)* " + _FEELING + r"(?! (?:for|about|that|with) (?:you|your|how|what)| to (?:hear|see|learn|read))|"
                      r"\bI (?:feel|felt)(?: \w+ly| so| very)* " + _FEELING + r"\b|"
                      r"\bmy (?:own |little |\w+ )?" + _BODY + r"\b|"
                      r"\b(?:please |can you |could you |would you )?help me\b|\bwhat (?:should|can|do) I do\b|"
                      r"\bwhat (?:could|might|would) (?:it|this|that) be\b|\bwhat(?:'s| is) wrong with me\b|"
                      r"\bthank(?:s| you)(?: so much| very much)? for (?:your |the )?(?:help|advice|reply|response|answer|time|"
                      r"information|explanation|support|concern)\b|\bI need (?:your )?(?:help|advice|a doctor)\b|<patient>|"
                      r"\b(?:your|the) willingness to help\b|\bpatients? like me\b|\bas a patient\b|\bI(?:'m| am) (?:\d+ weeks )?pregnant\b|"
                      r"\bI(?:'ve| have) (?:gone|been) through\b|\bI(?:'m| am) (?:kind of |just )?(?:the same|just as)\b|\bme too\b|"
                      r"^for me,|\bI sometimes (?:have|get|feel)\b|\bI deal with (?:the|my)\b|\bI (?:get|got)(?: \w+ly| so| really)* " + _FEELING + r"|"
                      r"\bexplain (?:it|this|that) (?:for|to) me\b|\bwhat (?:it|this) means\b|\bwhat (?:does|do|did) [^?]{0,40}\b(?:mean|indicate|entail)\b|"
                      r"\bwhat are the (?:symptoms|treatments?|causes|options|side effects) (?:of|for)\b|"
                      r"\b(?:can|could|would) you (?:please )?(?:tell|explain|give|show) me (?:what(?:'s| is) (?:wrong|causing)|what (?:it|this|that) means|"
                      r"(?:more )?about (?:this|the|my|that) (?:disease|condition|procedure|diagnosis|tests?|treatment|medication))|"
                      r"\bI (?:have|had|get|got|feel|felt) (?:\w+ ){0,2}(?:symptoms?|pain|fever|headaches?|cough|rash|nausea|bleeding|"
                      r"cramps?|spasms?|swelling|lumps?|infection|anxiety|depression)\b|\byou(?:'re| are) (?:a |the |my )?(?:good |great )?(?:doctor|physician)\b|"
                      r"\b(?:follow(?:ing|ed)?|took|take|taking) your (?:advice|recommendations?|instructions)\b|\blet me know the next steps\b|\b(?:support|assist|helping) me\b|\bmeans a lot to me\b"),
    ("third_person", r"\bfor someone (?:to|like|with|in)\b|\b(?:the|this|a|my|your|our|every|each) (?:patient|individual|person|client)s?\b|\b(?:he|she|him|his|hers?|himself|herself)\b|"
                     r"\btheir (?:\w+ )?(?:symptoms?|conditions?|health|feelings?|concerns?|care|needs|pain|body|life|message|"
                     r"diagnosis|situation|well-being|wellbeing|emotions?|fears?|worries|questions?|treatment|family|recovery)\b|"
                     r"\bthey (?:are|were|feel|seem|have been|'re) (?:feeling|experiencing|worried|scared|anxious|going through)\b|"
                     r"\bthey (?:have|had) (?:also )?(?:experienced|been experiencing|had|reported|mentioned|described)\b|\bthat patient\b|"
                     r"\bthey (?:should|need to|must) be (?:referred|seen|evaluated|treated|examined|admitted|monitored)\b"),
    ("quote", r"[\"“”«»<>\[\]{}*#_|`~]|(?:^|\s)'\w[^']*'(?:\W|$)|\(\s*note\b|:\s*$|^\s*\w+(?:\s\w+){0,3}\s*:\s"),
    ("vocative", r"^(?:(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening))\b|"
                 r"(?:my )?(?:dear(?:est)?|baby|darling|sweet(?:heart|ie)|honey|love|friend|buddy|mate|sir|madam|ma'am|patient|"
                 r"everyone|folks|guys|man|dude)\s*[,!])|"
                 r",?\s+(?:my )?(?:dear(?:est)?|baby|darling|sweet(?:heart|ie)|honey|love|friend|buddy|mate|sir|madam|ma'am|patient|"
                 r"man|dude|op|guys)\s*[.!?]*$|^[A-Z][a-z]+,\s+(?:I|you|we|it|thank|please|my)\b"),
]]
# Replies to someone else's turn, and small talk: never part of a clinician's answer to a symptom message.
_OFF_TOPIC = re.compile(r"^(?:you're|you are) (?:welcome|right)\b|^(?:(?:no|yes|ok(?:ay)?|sure|awesome|please)\b[\s,.!]*)+(?:more)?[.!]*$|"
                        r"\bplease go ahead\b|^(?:yes, )?(?:please )?go ahead\b|\b(?:great|wonderful|lovely|nice|good) (?:day|weekend|evening)\b|\bgod\b|\bpray(?:ing|ers?)?\b|"
                        r"\b(?:vacation|holiday)\b|\bcan't wait\b", re.IGNORECASE)
# People and events a model invents for the patient ("I'm so sorry about your son's condition"): off topic unless mentioned.
_INVENTED = re.compile(r"\byour (son|daughter|child|kids?|baby|wife|husband|partner|mother|mom|mum|father|dad|parents?|"
                       r"family|friends?|loss|death|funeral|surgery|operation|pregnancy|accident|divorce|birthday|wedding|job)\b",
                       re.IGNORECASE)
_KIN = {"mom": "mother|mom|mum|mama", "mum": "mother|mom|mum", "mother": "mother|mom|mum", "dad": "father|dad|papa",
        "father": "father|dad", "kids": "kids?|child|children|son|daughter", "kid": "kids?|child|son|daughter",
        "child": "child|children|kids?|son|daughter|baby|\\d+[- ]year[- ]old", "baby": "baby|pregnan|infant|newborn",
        "loss": "loss|lost|died|death|passed", "death": "died|death|passed", "surgery": "surger|operation|procedure|-ectomy|replacement"}


def _invented(sentence: str, context: str) -> bool:
    for m in _INVENTED.finditer(sentence):
        word = m.group(1).lower()
        if not re.search(r"\b(?:" + _KIN.get(word, re.escape(word.rstrip("s")) + "s?") + ")", context, re.IGNORECASE):
            return True
    return False


# Sentence-initial words that are not names before a comma ("However, ...").
_NOT_NAMES = {"however", "unfortunately", "fortunately", "also", "again", "yes", "no", "okay", "ok", "well", "still", "so", "now",
              "first", "second", "finally", "meanwhile", "additionally", "otherwise", "sadly", "honestly", "please", "today",
              "remember", "overall", "instead", "together", "anyway", "alright", "sure", "absolutely", "then", "lastly"}

_VERBS = set("""am is are was were be been being 's 're 'm 've 'll 'd have has had do does did can could will would shall should may
might must let hope know understand hear see feel felt think want wish care thank thanks appreciate imagine sounds sound seems seem
looks look take make go get got come came tell told ask asked reach write wrote send sent keep stay help need needs sorry glad
happy welcome try tried agree believe trust notice noticed share shared worry matter matters mean means deserve deserves""".split())
_PRON_VERB = re.compile(r"\b(?:i|you|we|they|he|she|it|there|who)(?:'(?:s|re|m|ve|ll|d)\b|\s+\w+)", re.IGNORECASE)


def _fragment(s: str) -> str | None:
    """An unfinished or verbless piece: too short, unterminated, lowercase start, or no verb at all."""
    words = re.findall(r"[A-Za-z']+", s)
    if len(words) < 2 or not re.search(r"[.!?][\"'”’)\]]*$", s) or s[:1].islower() or re.match(r"^\s*(?:\d+[.)]|and|or|but)\s*$", s):
        return "fragment"
    low = {w.lower().strip("'") for w in words} | {"'" + w.split("'")[-1].lower() for w in words if "'" in w}
    if low & _VERBS or _PRON_VERB.search(s) or re.match(r"(?:please|kindly|let's|don't|do not)\s+\w+", s, re.I) or any(w.lower().endswith(("ed", "ing")) and len(w) > 4 for w in words[1:]):
        return None
    return "fragment"


_STOP = {
    "en": ("the a an and or but if so as you your is are to of in it that for with this these have has had been be not i we my "
           "me our us was on at by from can will what how any all about such there they please").split(),
    "es": "el la los las de que y en un una por con para es está estoy su sus lo le se del al muy pero no mi qué usted".split(),
    "fr": "le la les de des du que et en un une pour avec est je vous il elle pas ne mon ma sur au aux très ce qui".split(),
    "de": "der die das und ich sie ist nicht mit zu den ein eine ihr ihre auf für sich von dem mein meine sehr seit".split(),
    "it": "il lo la gli le di che e un una per con non sono mio mia ho ha molto da del della questo".split(),
    "pt": "o a os as de que e um uma para com não estou está muito meu minha do da em há você seu sua".split(),
}
_WEIGHT = {w: 1 / sum(w in other for other in _STOP.values()) for stop in _STOP.values() for w in stop}  # "que": 1/4


def language(text: str) -> str | None:
    """The likeliest language by stopword hits, a word shared by k languages counting 1/k (None: too short to tell)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if re.search(r"[\u0400-\u04ff\u0590-\u06ff\u0900-\u0dff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", text):
        return "non-latin"
    if len(words) < 3:
        return None
    hits = {lang: sum(_WEIGHT[w] for w in words if w in stop) for lang, stop in _STOP.items()}
    best = max(hits, key=hits.get)
    ranked = sorted(hits.values(), reverse=True)
    return best if ranked[0] >= 2 and ranked[0] > ranked[1] else None


_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|my|me|mine|myself)\b", re.IGNORECASE)


def _echo(sentence: str, patient: str) -> bool:
    """The patient's own words handed back: most words of one of the patient's sentences, said as "I", asked, or copied
    nearly whole without turning them to "you" (a clinician restating says "your 3-year-old", not "my")."""
    words = set(_norm(sentence).split())
    if len(words) < 3:
        return False
    said_as_patient = _FIRST_PERSON.search(sentence) or sentence.rstrip().endswith("?")
    need = 0.8 if said_as_patient else 0.9 if not re.search(r"\byou", sentence, re.I) else 2.0  # "you": the clinician restating
    return any(len(words & set(_norm(p).split())) >= need * len(words) for p in split_sentences(patient))


def rule_reason(sentence: str, *, patient: str = "", draft: str = "") -> str | None:
    """The first rule a sentence breaks, or None."""
    s = sentence.strip()
    sentence_lang, draft_lang = language(s), language(draft) or "en"
    if sentence_lang and sentence_lang != draft_lang:
        return "other_language"
    if _echo(s, patient) or (s.endswith("?") and not re.search(r"\byou(?:r|'re|'ve|'ll|'d)?\b", s, re.I)):
        return "patient_voice"  # the patient's words handed back, or a question not put to the patient
    for reason, pattern in _RULES:
        m = pattern.search(s)
        if not m:
            continue
        if reason == "third_person" and re.match(r"(?:he|she|him|his|hers?|himself|herself)$", m.group(0), re.I) and \
                re.search(r"\b(?:he|she|him|his|her|son|daughter|mother|father|mom|mum|dad|husband|wife|baby|child|kid|boy|girl|"
                          r"brother|sister|grandm\w+|grandf\w+|partner|friend|neighbou?r)\b", patient + " " + draft, re.I):
            continue  # the patient writes about someone else: he/she is that person
        if reason == "vocative" and m.group(0).split(",")[0].strip().lower() in _NOT_NAMES:
            continue
        return reason
    if _OFF_TOPIC.search(s) or _invented(s, patient + " " + draft):
        return "off_topic"
    return _fragment(s) if sentence_lang in (None, "en") else None


# --- classifier ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\b\w+\b|[\"'<>*#:\[\]?]")


def features(sentences: list[str], patients: list[str], drafts: list[str], reference: list[str] | None = None) -> np.ndarray:
    """Per sentence: its MiniLM embedding; cosine to the patient's message, to the draft and to the draft's closest
    sentence (a reworded fact); to the closest reference framing sentence (the curated bank the classifier was fitted
    with); addressed to "you", says "I", asks, length. Texts are embedded once per process (empathy.embeddings)."""
    from ..embeddings import embed

    s = embed(sentences)
    context = sorted(set(patients) | set(drafts) | {x for d in set(drafts) for x in split_sentences(d)})
    ctx = dict(zip(context, embed([t or " " for t in context])))
    bank = embed(reference or bank_sentences())
    rows = []
    for v, sentence, patient, draft in zip(s, sentences, patients, drafts):
        parts = [ctx[x] for x in split_sentences(draft)] or [ctx[draft]]
        rows.append([float(ctx[patient] @ v), float(ctx[draft] @ v), float(np.max(np.stack(parts) @ v)), float(np.max(bank @ v)),
                     float(bool(re.search(r"\byou(?:r|'re|'ve|'ll)?\b", sentence, re.I))), float(bool(re.search(r"\bI\b", sentence))),
                     float("?" in sentence), min(len(sentence.split()), 40) / 40])
    return np.hstack([s, np.array(rows, dtype=np.float32).reshape(len(sentences), -1)]).astype(np.float32)


def _ngrams(text: str) -> list[str]:
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Classifier:
    """Two logistic regressions, averaged: one on ``features`` (meaning, relevance), one on word 1-2-gram TF-IDF
    (the pronouns, "doctor", quotes and colons an embedding blurs). Arrays only: numpy at run time."""

    emb_coef: np.ndarray
    emb_intercept: float
    vocab: dict
    idf: np.ndarray
    word_coef: np.ndarray
    word_intercept: float
    threshold: float
    reference: tuple[str, ...] = ()  # the framing sentences of the relevance feature at fitting time

    def tfidf(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.idf)), dtype=np.float32)
        for i, text in enumerate(texts):
            for gram, n in Counter(g for g in _ngrams(text) if g in self.vocab).items():
                out[i, self.vocab[gram]] = (1.0 + np.log(n)) * self.idf[self.vocab[gram]]  # sublinear tf, as fitted
            norm = np.linalg.norm(out[i])
            out[i] /= norm or 1.0
        return out

    def score(self, x: np.ndarray, texts: list[str]) -> np.ndarray:
        """Probability that each sentence is one the gate should refuse."""
        return (_sigmoid(x @ self.emb_coef + self.emb_intercept) + _sigmoid(self.tfidf(texts) @ self.word_coef + self.word_intercept)) / 2

    @classmethod
    def fit(cls, x: np.ndarray, texts: list[str], y: np.ndarray, threshold: float = 0.5, c: float = 1.0, c_words: float = 3.0):
        """Fit both models (scikit-learn, at build time only)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        emb = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
        vec = TfidfVectorizer(analyzer=_ngrams, min_df=2, sublinear_tf=True)  # tfidf() above reproduces its transform
        words = LogisticRegression(C=c_words, max_iter=3000, class_weight="balanced").fit(vec.fit_transform(texts), y)
        return cls(emb.coef_[0].astype(np.float32), float(emb.intercept_[0]), {g: int(i) for g, i in vec.vocabulary_.items()},
                   vec.idf_.astype(np.float32), words.coef_[0].astype(np.float32), float(words.intercept_[0]), threshold,
                   tuple(bank_sentences()))

    def save(self, path: Path = DATA) -> None:
        grams = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(path, emb_coef=self.emb_coef, emb_intercept=self.emb_intercept, grams=np.array(grams),
                            idf=self.idf, word_coef=self.word_coef, word_intercept=self.word_intercept, threshold=self.threshold,
                            reference=np.array(self.reference or bank_sentences()))

    @classmethod
    def load(cls, path: Path = DATA) -> "Classifier":
        z = np.load(path)
        reference = tuple(str(x) for x in z["reference"]) if "reference" in z.files else tuple(bank_sentences())
        return cls(z["emb_coef"], float(z["emb_intercept"]), {str(g): i for i, g in enumerate(z["grams"])}, z["idf"],
                   z["word_coef"], float(z["word_intercept"]), float(z["threshold"]), reference)


@lru_cache(maxsize=1)
def classifier() -> Classifier | None:
    """The shipped classifier (None when its weights are missing: the rules still run)."""
    return Classifier.load() if DATA.is_file() else None


def gate_sentence(sentence: str, *, patient: str = "", draft: str = "", use_classifier: bool = True) -> GateVerdict:
    """One added sentence: refused by the first rule it breaks, else by the classifier above its threshold."""
    return gate_many([sentence], patient=patient, draft=draft, use_classifier=use_classifier)[0]


def gate_many(sentences: list[str], *, patient: str = "", draft: str = "", use_classifier: bool = True) -> list[GateVerdict]:
    """Verdicts for sentences added to one draft (embedded together: one call per model text)."""
    verdicts = [GateVerdict(s, ok=True, reason=rule_reason(s, patient=patient, draft=draft)) for s in sentences]
    for v in verdicts:
        v.ok = v.reason is None
    todo = [v for v in verdicts if v.ok]
    model = classifier() if use_classifier else None
    if model is not None and todo:
        texts = [v.sentence for v in todo]
        for v, p in zip(todo, model.score(features(texts, [patient] * len(todo), [draft] * len(todo), list(model.reference)), texts)):
            v.score = float(p)
            if p >= model.threshold:
                v.ok, v.reason = False, "classifier"
    return verdicts


def gate_added(text: str, *, patient: str, draft: str, use_classifier: bool = True) -> list[GateVerdict]:
    """A verdict for every sentence of a model text that is not in the draft (empty: nothing was added)."""
    return gate_many(added_sentences(text, draft), patient=patient, draft=draft, use_classifier=use_classifier)


# --- fitting -------------------------------------------------------------------------------------

def load_labels(path: Path = LABELS, split: str | None = "dev") -> list[dict]:
    rows = read_jsonl(path)
    return [r for r in rows if "text" in r and (split is None or r["split"] == split)]  # the first line describes the set


def training_set(rows: list[dict]) -> tuple[list[dict], np.ndarray]:
    """The classifier learns voice and topic: ok, stock lines and clinical claims (the clinician speaking, whatever the
    facts) against the bad classes. Clinical claims on the good side keep reworded draft facts from being refused."""
    rows = [r for r in rows if r["label"] in VOICE_OK + BAD]
    return rows, np.array([r["label"] in BAD for r in rows], dtype=int)


def main(argv: list[str] | None = None) -> None:
    """``python -m empathy.generation.gate fit [--threshold T]``: refit the shipped classifier on all dev labels (gate_eval.py --ship
    does the same with the threshold it chose by cross-validation on dev)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m empathy.generation.gate")
    ap.add_argument("command", choices=["fit"])
    ap.add_argument("--threshold", type=float, default=None, help="default: the shipped one, else 0.5")
    args = ap.parse_args(argv)
    threshold = args.threshold if args.threshold is not None else (classifier().threshold if classifier() else 0.5)
    rows, y = training_set(load_labels(split="dev"))
    texts = [r["text"] for r in rows]
    x = features(texts, [r["patient"] for r in rows], [r.get("draft", "") for r in rows])
    Classifier.fit(x, texts, y, threshold).save()
    print(f"fitted on {len(y)} dev sentences ({int(y.sum())} bad), threshold {threshold:.2f} -> {DATA}", file=sys.stderr)


if __name__ == "__main__":
    main()
