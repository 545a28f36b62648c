"""Perturbed pairs of real-style physician replies: the independent benchmark of the fact checker.

Each pair is ``{"id", "split", "type", "subtype", "original", "edited", "expect", "note"}``: ``original`` is a
ChatDoctor reply (``benchmarks/realworld.py``), ``edited`` is that reply with one perturbation, and
``expect`` says what a fact checker should say: ``error`` (a medical fact was lost, changed or added, so the
pair must go to review) or ``clean`` (only empathic framing or a meaning-preserving rewrite).

Error types: dropped_sentence, negation, changed_value, swapped_drug, changed_diagnosis, added_drug,
added_test, added_advice, false_reassurance. Clean types: framing, paraphrase, framed_paraphrase.

Why it is independent of the checker: the perturbations find drugs, diagnoses, values and sentences with
their own patterns (nothing from ``empathy``), and every pool of wordings (framing sentences, added drugs,
tests, advice, reassurances, replacement diagnoses, paraphrase and negation rules) comes in two halves
written separately: a **dev** half here, used for the dev replies, and a **blind** half in
``benchmarks/realworld_pools_blind.py``, used for the blind replies. Checker developers read this file and the
dev pairs only; the blind pools and blind pairs are for measuring.

    python benchmarks/realworld_perturb.py                       # both splits, default caps
    python benchmarks/realworld_perturb.py --data FILE --per-type-dev 100 --per-type-blind 60
    python benchmarks/realworld_perturb.py --show TYPE --split dev -n 5   # read a sample

Output: ``benchmarks/data/realworld_pairs_dev.jsonl`` and ``benchmarks/data/realworld_pairs_blind.jsonl``.
Generation is deterministic (random.Random seeded from the reply id and the type).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld

OUT_DIR = realworld.ROOT / "benchmarks" / "data"
ERROR_TYPES = ("dropped_sentence", "negation", "changed_value", "swapped_drug", "changed_diagnosis", "added_drug",
               "added_test", "added_advice", "false_reassurance")
CLEAN_TYPES = ("framing", "paraphrase", "framed_paraphrase")
TYPES = ERROR_TYPES + CLEAN_TYPES

# Replies that are not a physician's reply: dialogue transcripts, generator notes, prompt leaks.
ARTIFACT = re.compile(r"Patient:|Doctor:|Note:|\?\?|dialogue|conversation|language model|\bAs an AI\b|\bprompt\b", re.IGNORECASE)


# --------------------------------------------------------------------------------------------- pools
@dataclass
class Pools:
    """Every wording a perturbation can use. One instance per split (dev here, blind in its own module)."""

    name: str
    framing_open: list[str]
    framing_close: list[str]
    concern: list[str]  # templates with {symptom} / {Symptom}: reflect the patient's own words
    drugs: list[str]  # real drugs to add or swap in
    added_drug: list[str]  # templates with {drug}
    tests: list[str]  # with article ("a chest X-ray")
    added_test: list[str]  # templates with {test}
    advice_entity: list[str]  # advice that names a drug, test, body part, value or activity with a clinical object
    advice_plain: list[str]  # advice with no medical entity at all
    reassurance: list[str]
    conditions: list[str]  # replacement diagnoses, common and rare (out of any small vocabulary)
    paraphrase: list[tuple[str, str, str]]  # (family, regex, replacement), applied to the whole reply
    negation: list[tuple[str, str, str]]  # (family, regex, replacement), applied once to one sentence
    value_words: dict[str, str] = field(default_factory=dict)  # number word -> different number word
    rare_from: int = 12  # conditions[rare_from:] are rare (mostly outside small vocabularies)


DEV = Pools(
    name="dev",
    framing_open=[
        "Thank you for telling me about these symptoms; I know it isn't easy to put them into words.",
        "I'm sorry you've been dealing with this, and I'm glad you reached out.",
        "I can tell this has been weighing on you.",
        "Not knowing what is going on with your body is stressful, and your questions are completely reasonable.",
        "I appreciate you sharing this with me so openly.",
        "This sounds like it has been a really difficult stretch for you.",
        "I understand how unsettling it is to feel this way.",
        # added after the blind run showed the seven above overfit (phrasings of the checker's second round)
        "I'm really sorry to hear you've been going through this.",
        "Dealing with health worries like this can be exhausting.",
        "Thanks for reaching out and describing everything so clearly.",
        "I want you to know that your concerns matter to me.",
        "It's understandable to want answers quickly.",
        "Your message tells me how much this has been on your mind.",
        "I'm glad you wrote in rather than waiting.",
        "Being unwell for a while can wear anyone down.",
        "Let me walk you through what I think is going on.",
        "I've read your message carefully.",
        "I hear you, and I want to help.",
    ],
    framing_close=[
        "I know this is a lot to take in, and we will go through it together.",
        "Please feel free to ask me anything that is on your mind.",
        "You don't have to figure this out on your own.",
        "I'm here to support you through each step.",
        "Thank you for trusting me with this.",
        "It's completely normal to feel overwhelmed by all of this.",
        "We'll get through this step by step.",
        "Please write back with anything that's unclear.",
        "I'll be here if anything changes or you have questions.",
        "You're doing the right thing by getting this checked.",
        "Please keep me posted on how you're feeling.",
        "I hope you start feeling better very soon.",
    ],
    concern=[
        "{Symptom} can be really unsettling, and I understand why you're worried.",
        "I'm sorry you've been dealing with {symptom}; that sounds hard.",
        "I can hear how much you've been struggling with {symptom}.",
        "It makes sense to feel concerned about {symptom}.",
        "Living with {symptom} day after day is hard.",
        "{Symptom} is no small thing, and I'm sorry you're dealing with it.",
        "I can only imagine how uncomfortable the {symptom} has been.",
        "I understand that the {symptom} has you worried.",
        "Having {symptom} can be scary.",
        "I'm sorry to hear about the {symptom}.",
        "You mentioned {symptom}, and I want you to know I'm taking it seriously.",
        "The {symptom} you describe sounds really unpleasant.",
    ],
    drugs=["amoxicillin", "ibuprofen", "prednisone", "metformin", "lisinopril", "sertraline", "omeprazole",
           "azithromycin", "cetirizine", "naproxen", "doxycycline", "fluoxetine", "amlodipine", "tramadol",
           "cephalexin", "montelukast", "losartan", "atorvastatin", "colchicine", "methocarbamol", "ondansetron",
           "nitrofurantoin", "hydroxyzine", "valacyclovir", "spironolactone", "tamsulosin", "meloxicam",
           "famotidine", "Xanax", "Augmentin", "Lasix", "Zoloft"],
    added_drug=[
        "I'd also like you to start {drug}.",
        "We can add {drug} to help with the symptoms in the meantime.",
        "You can take {drug} for the discomfort.",
        "I will also prescribe {drug}.",
        "Please start taking {drug} once a day.",
    ],
    tests=["a thyroid panel", "a chest X-ray", "an ECG", "a urine culture", "an MRI of the spine",
           "an abdominal ultrasound", "a vitamin D level", "a ferritin level", "a stool culture", "a sleep study",
           "a bone density scan", "a CT scan of the abdomen", "a throat swab", "a liver panel", "an EEG",
           "a pregnancy test", "a Doppler ultrasound of the legs", "a sputum culture"],
    added_test=[
        "We should also check {test}.",
        "I'd like to add {test} as well.",
        "Let's also get {test} done.",
        "We will also order {test}.",
    ],
    advice_entity=[
        "Avoid alcohol and caffeine until we have the results.",
        "Apply ice to the area for 15 minutes a few times a day.",
        "Stop taking aspirin for now.",
        "Keep your leg elevated when you sit.",
        "Use a humidifier in your bedroom at night.",
        "Please avoid heavy lifting for the next two weeks.",
        "Check your blood pressure at home every morning.",
        "Cut back on salt in your diet.",
    ],
    advice_plain=[
        "Try to get plenty of rest and drink fluids.",
        "Please remember there's no shame in seeking medical help.",
        "Try to keep a regular sleep schedule.",
        "Go easy on yourself over the next few days.",
        "Take some time for yourself each day.",
        "Make sure someone close to you knows what's going on.",
    ],
    reassurance=[
        "This is nothing to worry about.",
        "I'm sure it's nothing serious.",
        "You'll be fine.",
        "There's no chance this is cancer.",
        "This will clear up on its own.",
        "It's definitely not anything dangerous.",
    ],
    conditions=["migraine", "gout", "psoriasis", "asthma", "hypothyroidism", "pneumonia", "kidney stones",
                "irritable bowel syndrome", "rheumatoid arthritis", "shingles", "anemia", "lupus",
                "sarcoidosis", "Meniere disease", "Addison disease", "Kawasaki disease", "Whipple disease",
                "Castleman disease", "Takayasu arteritis", "Erdheim-Chester disease", "Behcet disease",
                "Legg-Calve-Perthes disease", "hidradenitis suppurativa", "eosinophilic esophagitis",
                "pseudotumor cerebri", "Ehlers-Danlos syndrome", "Churg-Strauss syndrome", "a pituitary adenoma"],
    paraphrase=[
        ("contraction", r"\bWe'll need to\b", "We will need to"),
        ("contraction", r"\bwe'll need to\b", "we will need to"),
        ("contraction", r"\b([Ww])e will\b", r"\1e'll"),
        ("contraction", r"\b([Ii])t's\b", r"\1t is"),
        ("contraction", r"\bdo not\b", "don't"),
        ("opener", r"\bBased on your symptoms,", "Given your symptoms,"),
        ("opener", r"\bBased on the symptoms you(?:'ve| have) described,", "Given what you've described,"),
        ("opener", r"\b([Ii])t sounds like\b", r"\1t seems like"),
        ("recommend", r"\bI would recommend (?=(?:a|an|the|some|several|that|further|getting|taking)\b)", "my recommendation is "),
        ("recommend", r"\bI recommend that you\b", "I'd advise you to"),
        ("hedged_dx", r"\b[Ii]t sounds like you may have\b", "you may have"),
        ("hedged_dx", r"\b[Ii]t(?:'s| is) possible that you (?:may )?have\b", "you may have"),
        ("hedged_dx", r"\b[Ii]t(?:'s| is) possible that you (?:may |might )?be suffering from\b", "you may be suffering from"),
        ("connector", r"\bAdditionally, ", "Also, "),
        ("connector", r"\bIn order to\b", "To"),
        ("connector", r"\bin order to\b", "to"),
        ("connector", r"\bsuch as\b", "like"),
        ("list", r", and (?=[^,.]*\.)", " and "),
        ("tests", r"\brun some tests\b", "do some tests"),
        ("tests", r"\bconduct\b", "carry out"),
    ],
    negation=[
        ("need", r"\b([Ww]e|[Yy]ou) will need to\b", r"\1 will not need to"),
        ("need", r"\b([Ww]e)'ll need to\b", r"\1 will not need to"),
        ("need", r"\b([Ww]e|[Yy]ou) need to\b", r"\1 do not need to"),
        ("need", r"\b([Ww]e|[Yy]ou) may (also )?need to\b", r"\1 may \2not need to"),
        ("recommend", r"\bI would recommend\b", "I would not recommend"),
        ("recommend", r"\bI recommend\b", "I do not recommend"),
        ("recommend", r"\bI suggest\b", "I do not suggest"),
        ("should", r"\bshould\b", "should not"),
        ("can", r"\bcan also\b", "also cannot"),
        ("can", r"\bcan (?!also)\b", "cannot "),
        ("will", r"\bwill help\b", "will not help"),
        ("will", r"\bwill (be|include|require)\b", r"will not \1"),
        ("may", r"\bmay help\b", "may not help"),
        ("may", r"\bmay (also )?be (required|needed|necessary|recommended)\b", r"may \1not be \2"),
        ("important", r"\b([Ii])t is important to\b", r"\1t is not necessary to"),
        ("important", r"\b([Ii])t(?:'s| is) important that\b", r"\1t is not necessary that"),
        ("is", r"\bis (caused|common|rare|usually|often|treatable|necessary|required|recommended|needed|a common|a rare|an infection|contagious|serious)\b", r"is not \1"),
        ("are", r"\bare (caused|common|rare|usually|often|necessary|required|recommended|needed)\b", r"are not \1"),
        ("have", r"(?<!possible that )(?<!likely that )\byou (?:may|might|could) have\b(?! (?:been|had|\w+ed)\b)", "you do not have"),
        ("have", r"(?<!possible that )(?<!likely that )\byou (?:may|might|could) be experiencing\b", "you are not experiencing"),
        ("have", r"\b([Ii]t(?:'s| is)) possible that you (?:may |might )?have\b(?! (?:been|had|\w+ed)\b)", r"\1 not likely that you have"),
        ("have", r"(?<!possible that )(?<!likely that )\byou (?:may|might|could) be suffering from\b", "you are not suffering from"),
        ("have", r"(?<!possible that )(?<!likely that )\byou are suffering from\b", "you are not suffering from"),
        ("have", r"\b([Ii]t(?:'s| is)) possible that you (?:may |might )?be suffering from\b", r"\1 not likely that you are suffering from"),
    ],
    value_words={"one": "two", "two": "three", "three": "six", "four": "two", "five": "ten", "six": "three",
                 "seven": "four", "eight": "four", "ten": "five", "twelve": "six", "once": "twice", "twice": "once",
                 "daily": "weekly", "weekly": "monthly", "hours": "days", "days": "weeks", "weeks": "months",
                 "months": "years", "years": "months"},
)


def pools_for(split: str) -> Pools:
    if split == "dev":
        return DEV
    from realworld_pools_blind import BLIND

    return BLIND


# ------------------------------------------------------------------------------------------ helpers
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of ``text``: split after . ! ? followed by space and a capital."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


MED_NOUNS = re.compile(
    r"\b(?:x-?rays?|mri|ct|cat scan|scan|ultrasound|ultrasonography|echocardiogra\w*|electrocardiogra\w*|ecg|ekg|eeg|"
    r"biops\w+|urinalysis|colonoscop\w+|endoscop\w+|mammogra\w+|blood tests?|cbc|complete blood count|panel|"
    r"measurement|culture|examination|exam|screen|antibiotics?|vaccines?|surgery|excision|splint\w*|cast|"
    r"physical therapy|psychotherapy|counseling|chemotherapy|radiation|insulin|steroids?|"
    r"cancer|tumou?r|cyst|hernia|ulcer|abrasion|lesion|syndrome|disease|disorder|infection|deficiency|fracture|\w+itis|\w+osis|\w+oma|\w+emia|"
    r"\w+pathy|\w+mycin|\w+cillin|\w+cycline|\w+floxacin|\w+azole|\w+olol|\w+pril|\w+sartan|\w+statin|\w+dipine|"
    r"\w+azepam|\w+zolam|\w+tidine|\w+prazole|\w+parin|\w+caine|\w+sone|\w+lone|\w+profen)\b", re.IGNORECASE)
_CAP_WORD = re.compile(r"(?<![.!?]\s)(?<!^)\b(?!I\b)[A-Z][a-zA-Z0-9\-]+")


def has_medical_entity(sentence: str) -> bool:
    """A named drug, test, procedure, specialist or diagnosis (own patterns, no vocabulary): a medical noun, a
    drug or diagnosis found by the finders below, or a capitalised word that is not a common sentence opener
    (the replies capitalise drug, test and disease names). Generic words (tests, medications, treatment,
    condition, symptoms) do not count."""
    if MED_NOUNS.search(sentence) or _MORE_MED.search(sentence) or find_diagnosis(sentence) or find_drugs(sentence):
        return True
    body = sentence.split(",", 1)[1] if re.match(r"(?:Based on|Given|Well|Okay|Ok|Yes|Alright|Sure)\b", sentence) \
        and "," in sentence else sentence
    words = body.split()
    first = words[0].strip(",") if words else ""
    caps = [w for w in words[1:] if re.match(r"[A-Z][a-zA-Z0-9\-]{2,}", w)]
    return bool(caps) or (bool(re.match(r"[A-Z][a-z]{3,}$", first)) and not _NOT_DRUG.match(first))


_MORE_MED = re.compile(r"\b(?:\w+ologists?|specialists?|surgeon|acid|urea|callus|wound|suturing|stitches|blood|urine|"
                       r"stool|kidneys?|liver|heart|lungs?|bones?|brain|skin|prostate|thyroid|arteries|nerves?|"
                       r"virus|bacteria|fungal|hormones?|insulin|iron|calcium|potassium|sodium|glucose|cholesterol|"
                       r"pressure|biopsy|transfusion|dialysis|catheter|inhaler|nebulizer|fluids?|oxygen)\b", re.IGNORECASE)


INFO = {
    "test": re.compile(r"\b(?:tests?|exam\w*|scan|x-?ray|mri|ct|ultraso\w+|biops\w+|measurement|panel|count|culture|urinalysis|screen\w*|imaging|echocardiogra\w+|electro\w+gram)\b", re.IGNORECASE),
    "drug": re.compile(r"\b(?:medications?|medicines?|prescri\w+|take|taking|antibiotics?|vaccin\w+|cream|ointment|tablets?|drugs?)\b", re.IGNORECASE),
    "diagnosis": re.compile(r"\b(?:you (?:may |might |could |probably |likely )?(?:have|be suffering|be experiencing|are suffering|are experiencing|be dealing)|diagnosed with|diagnosis of|indicative of|suggest(?:s|ing)? (?:that )?you|symptoms of|it (?:could|may|might) be)\b", re.IGNORECASE),
    "advice": re.compile(r"\b(?:recommend\w*|should|need to|advise|suggest|avoid|make sure|important to|important that|follow[- ]up|come back|see a|refer\w*|surgery|therapy|treatment|procedure)\b", re.IGNORECASE),
}


def info_kind(sentence: str) -> str | None:
    for kind, rx in INFO.items():
        if rx.search(sentence):
            return kind
    return None


def _rng(reply_id: str, kind: str) -> random.Random:
    return random.Random(int(hashlib.sha256(f"{reply_id}/{kind}".encode()).hexdigest()[:12], 16))


def _insert_sentence(text: str, new: str, rng: random.Random, where: str = "any") -> tuple[str, str]:
    """``text`` with sentence ``new`` inserted at a sentence boundary; returns (text, position)."""
    spans = sentences(text)
    if where == "start":
        k = 0
    elif where == "end":
        k = len(spans)
    else:
        k = rng.randint(1, len(spans)) if len(spans) > 1 else 1
    if k == 0:
        return new + " " + text, "start"
    if k >= len(spans):
        return text.rstrip() + " " + new, "end"
    cut = spans[k][0]
    return text[:cut] + new + " " + text[cut:], f"after sentence {k}"


# ------------------------------------------------------------------------------ entity finders
_DRUG_CUE = re.compile(r"\b(?:medications?|medicines?|drugs?|prescri\w+|take|taking|antibiotics?|treat(?:ed|ment)? with|"
                       r"use|using|start(?:ing)?|apply|applying|vaccin\w+|combination of|course of|dose of|such as|"
                       r"including|like|recommend|suggest|require|requires|needs?|helpful|help)\b", re.IGNORECASE)
_DRUG_SUFFIX = re.compile(
    r"\b[a-z]{3,}(?:mycin|micin|cillin|cycline|floxacin|conazole|azole|olol|pril|sartan|statin|dipine|azepam|zolam|"
    r"tidine|prazole|parin|caine|sone|solone|profen|triptan|lukast|dronate|clovir|navir|mab|tinib|afil|setron|tadine|"
    r"zosin|terol|pramine|triptyline|oxetine|faxine|zodone|pidem|barbital|zepine|apine|idone|gliptin|formin|"
    r"glitazone|thiazide|semide|platin|rubicin|taxel|trexate|cyclomine|salazine|codyl|methasone|olone|ipramine)\b")
# Capitalised names in a medication list: "Cefaclor (Ceclor)", "Polyethylene Glycol 3350 (Miralax)", "Benzocaine Topical"
_CAP_NAME = re.compile(r"\b[A-Z][a-zA-Z\-]+(?: [A-Z0-9][\w\-]*)*(?: \([^()]{2,40}\))?")
_NOT_DRUG = re.compile(
    r"^(?:Based|Given|We|You|Your|I|It|This|These|That|Those|The|Additionally|Also|Finally|Lastly|Then|However|"
    r"Well|Okay|Ok|Yes|No|Sure|Alright|Depending|In|For|To|If|Once|After|Before|Please|Doctor|Dr|Hello|Hi|Thank|"
    r"Other|Some|Our|My|Let|Let's|Since|As|And|Or|But|So|Furthermore|Moreover|Besides|Hemoglobin|Complete|"
    r"Hematologic|Glucose|Lipid|Kidney|Liver|Magnetic|Radiographic|Plain|Electrolytes?|Urinalysis|Physical|"
    r"Mental|Psychotherapy|Examination|Ultrasonography|Ultrasound|Echocardiography|Electrocardiogram|"
    r"Diagnostic|Excision|Incision|Wound|Biopsy|Cat|Ct|Mri|Scan|Blood|Urine|Toxicology|Standard|Pelvis|Rectal|"
    r"Ophthalmic|Ophthalmologic|Intravenous|Cardiac|Nebulizer|Influenzavirus|Depression|Occupational|Arthroscopy)\b")
_GENERIC_ITEM = re.compile(r"\b(?:test|tests|exam|examination|measurement|panel|count|scan|imaging|procedure|therapy|"
                           r"counseling|evaluation|consultation|surgery|management|care|disease|syndrome|disorder|"
                           r"cancer|infection|condition|symptoms?|treatment|medications?|medicines?)\b", re.IGNORECASE)


def find_drugs(text: str) -> list[tuple[int, int, str]]:
    """Drug names in ``text`` (own heuristics, no vocabulary): capitalised names and lower-case names with a
    drug suffix, in sentences that talk about medication. Returns (start, end, name) of the bare name
    (a parenthesised brand is part of the span)."""
    out = []
    for s, e in sentences(text):
        sent = text[s:e]
        if not _DRUG_CUE.search(sent) or not re.search(r"\b(?:medication|medicine|prescri|take|taking|drug|antibiotic|"
                                                       r"vaccin|cream|ointment|topical|use|using|help|dose)", sent, re.IGNORECASE):
            continue
        for m in _CAP_NAME.finditer(sent):
            name = m.group(0)
            if m.start() == 0 or _NOT_DRUG.match(name) or _GENERIC_ITEM.search(name.split(" (")[0]):
                continue
            before = sent[max(0, m.start() - 25):m.start()].lower()
            if re.search(r"\b(?:for|have|from|called|diagnosed with|suffering from|of the|treat|manage)\s+(?:a |an |the |your )?$", before):
                continue  # "for Vasculitis," / "you have Hemarthrosis": a diagnosis, not a drug
            out.append((s + m.start(), s + m.end(), name))
        for m in _DRUG_SUFFIX.finditer(sent):
            w = m.group(0)
            if len(w) < 7 or w.lower() in _NOT_LOWER_DRUG:
                continue
            out.append((s + m.start(), s + m.end(), w))
    out.sort()
    dedup, last = [], -1
    for st, en, name in out:
        if st >= last:
            dedup.append((st, en, name))
            last = en
    return dedup


_NOT_LOWER_DRUG = set("""
medication medications medicine medicines routine examine determine combination information inflammation
infection infections condition conditions decline discipline question questions mention caffeine nicotine
urine saline vaccine vaccines vaccination examination examinations production function evaluation consultation
imaging options option treatment position section solution situation symptom prescription prescriptions
protein proteins provide outside inside decide guide diagnose alone someone anyone everyone however therefore
include including exclude reduce produce procedure procedures cause causes because intestine uterine genuine
endocrine emotional potential several control general central normal internal external natural personal
additional professional physical chemical clinical surgical medical typical topical dental mental oral nasal
spinal renal arterial bacterial vaginal abdominal intestinal original abnormal manual certain contain maintain
retain obtain again within between among explain remain sustain patient plan pain brain strain chain domain
regain urgent important
""".split())  # noqa: SIM905  (a word list reads better as text)

_DX_LEAD = re.compile(
    r"\b(?:you (?:may |might |could |probably |likely )?(?:also )?(?:have|be suffering from|be experiencing|be dealing with|"
    r"be having|are suffering from|are experiencing|are dealing with|be diagnosed with|have been diagnosed with|"
    r"have developed|developed)|suffering from|diagnosed with|symptoms of|signs of|indicative of|diagnosis of|"
    r"diagnose|confirm (?:if|whether) you have|case of|condition called|known as|treatment of|treat your|for your|"
    r"it (?:could|may|might) be)\s+(?:(?:a|an|the|some|early signs of|a form of|a type of|a case of|a condition called)\s+)*",
    re.IGNORECASE)
_DX_BODY = re.compile(r"[A-Za-z][A-Za-z'\-]*(?: (?!(?:and|or|which|that|is|are|as|with|in|on|to|because|due|but|so|"
                      r"based|since|who|where|when|caused|along|also)\b)[A-Za-z(][A-Za-z'\-)]*){0,5}")
_DX_GENERIC = re.compile(r"^(?:a |an |the )?(?:condition|disorder|disease|infection|problem|issue|symptoms?|"
                         r"some|any|few|several|medical|tests?|more|further|this|that|it|these|those|been|"
                         r"experiencing|suffering|signs?|an?|your|something|other|certain|different|various|"
                         r"possible|type|form|kind|number|lot|bit|serious|mild|severe|chronic|acute|pain|"
                         r"underlying|cause|causes)\b", re.IGNORECASE)
_DX_HEAD = re.compile(r"(?:itis|osis|oma|emia|pathy|plasia|trophy|rrhea|algia|cele|ism|iasis|ectasis|ysis|sis|"
                      r"cancer|disease|syndrome|disorder|deficiency|infection|fracture|injury|failure|palsy|"
                      r"fever|anemia|ulcer|stones?|apnea|hernia|cyst|tumou?r|abscess|dislocation|sprain|"
                      r"insomnia|migraine|asthma|eczema|acne|gout|lupus|shingles|flu|influenza|dementia|"
                      r"depression|anxiety|phobia|psychosis|schizophrenia|hypertension|hypotension|"
                      r"diabetes|pneumonia|bronchitis|arrhythmia|attack|stroke|poisoning|reaction|disk|disc|"
                      r"tear|hydrocele|varicocele|callus|lesion|polyp|nodule|clot|embolism|aneurysm|wart|rash|burn|"
                      r"strain|concussion|contusion|impaction|obstruction|blockage|prolapse|reflux|colic|croup|"
                      r"ataxia|paralysis|tremor|deformity|cataract|glaucoma|hemorrhage|bleeding|dermatitis|"
                      r"sclerosus|keratosis|toenail|bunion|lipoma|hives|lice|scabies|mumps|measles|"
                      r"[A-Z][a-z]+)$")


def find_diagnosis(text: str) -> tuple[int, int, str] | None:
    """The first diagnosis the reply names (own patterns): the noun phrase after 'you may have',
    'suffering from', 'diagnosed with', ... ending in a condition-like word."""
    for lead in _DX_LEAD.finditer(text):
        m = _DX_BODY.match(text, lead.end())
        if not m:
            continue
        words = m.group(0).split()
        if re.match(r"(?:been|had|sustained|suffered|developed|contracted|injured|experienced|acquired|caught|damaged|"
                    r"fractured|sprained|pulled|strained|twisted|dislocated|received|undergone|inherited|broken|torn|and|or|to|treat|if|whether|this|that|it|you|your|"
                    r"any|some|these|those|what|which|how|why|more|further|symptoms?)$", words[0], re.IGNORECASE):
            continue  # "you may have sustained an injury": not a diagnosis name
        # shorten to the longest prefix that ends in a condition-like head
        for k in range(len(words), 0, -1):
            phrase = " ".join(words[:k]).rstrip(",.;:")
            if phrase.count("(") != phrase.count(")"):
                continue
            follows = text[lead.end() + len(phrase):lead.end() + len(phrase) + 1]
            if _DX_HEAD.search(phrase) and not _DX_GENERIC.match(phrase) and len(phrase) >= 4 and follows != "'":
                return lead.end(), lead.end() + len(phrase), phrase
    return None


_NUM_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
_UNIT = r"(?:hours?|days?|weeks?|months?|years?|minutes?|times?|doses?|tablets?|pills?|mg|milligrams?|mcg|ml|units?|puffs?|drops?|%|percent)"
_VALUE = re.compile(
    rf"(?<![\w\-./])(?P<num>\d+(?:\.\d+)?)(?![\w\-/])(?:\s?(?P<unit>{_UNIT})\b)?"
    rf"|\b(?P<word>{_NUM_WORDS})\s+(?P<wunit>{_UNIT})\b"
    rf"|(?<!^)(?<![.!?] )\b(?P<freq>once|twice|daily|weekly)\b"
    rf"|\b(?P<vague>several|a few)\s+(?P<vunit>hours|days|weeks|months|years)\b"
    rf"|\bage of (?P<age>{_NUM_WORDS}|\d+)\b"
    rf"|\b(?P<named>[Vv]itamin B[- ]?(?:1|12|6)\b|[Pp]neumococcal (?:7|23|13)\b|[Tt]ype [12] diabetes)", re.IGNORECASE | re.MULTILINE)
# values inside names that, changed, name another real thing (vitamin B1 -> B12, 7-valent -> 13-valent)
NAMED_VALUES = {"1": "12", "12": "6", "6": "12", "7": "13", "23": "13", "13": "23", "2": "1"}


def find_values(text: str) -> list[re.Match]:
    """Quantities of the reply: numbers (not parts of names like B12, A1c, 3350-in-a-name), number words with a
    unit, frequencies, vague durations with a unit, ages."""
    out = []
    for m in _VALUE.finditer(text):
        if m.group("num"):
            before = text[max(0, m.start() - 25):m.start()]
            if re.search(r"(?:[A-Za-z]\s?|Glycol |Type |type |[Ii]n-|-|B |K )$", before) and not re.search(
                    r"\b(?:of|in|for|by|over|every|to|than|is|are|at|about|around|under|last|past|next)\s$", before):
                continue  # part of a drug, vaccine or test name
        out.append(m)
    return out


def change_value(m: re.Match, pools: Pools, rng: random.Random, variant: int) -> tuple[str, str] | None:
    """Replacement text for the value match ``m`` (variant 0: the number; 1: the unit), with a note."""
    g = m.group(0)
    vw = pools.value_words
    if m.group("named"):
        if variant:
            return None
        num = re.search(r"\d+", g).group(0)
        new = g[:g.rindex(num)] + NAMED_VALUES[num] + g[g.rindex(num) + len(num):]
        return new, f"{g} -> {new}"
    if m.group("num"):
        num, unit = m.group("num"), m.group("unit")
        if variant == 1 and unit and unit.lower() in vw:
            return g.replace(unit, vw[unit.lower()]), f"unit {unit} -> {vw[unit.lower()]}"
        if variant == 1:
            return None
        v = float(num)
        new = v * 2 if v < 10 else (v + 5 if v < 50 else v / 2)
        new_s = str(int(new)) if float(new).is_integer() and "." not in num else f"{new:g}"
        return g.replace(num, new_s, 1), f"{num} -> {new_s}"
    if m.group("word"):
        word, unit = m.group("word"), m.group("wunit")
        if variant == 0:
            new = vw.get(word.lower())
            return (g.replace(word, _case(new, word), 1), f"{word} -> {new}") if new else None
        u = unit.lower()
        key = u if u.endswith("s") else u + "s"
        if key in vw:
            repl = vw[key] if u.endswith("s") else vw[key].rstrip("s")
            return g.replace(unit, repl), f"unit {unit} -> {repl}"
        return None
    if m.group("freq"):
        if variant:
            return None
        f = m.group("freq")
        new = vw.get(f.lower())
        return (_case(new, f), f"{f} -> {new}") if new else None
    if m.group("vague"):
        if variant:
            return None
        unit = m.group("vunit")
        new = vw.get(unit.lower())
        return (g.replace(unit, new), f"unit {unit} -> {new}") if new else None
    if m.group("age"):
        if variant:
            return None
        a = m.group("age")
        new = str(int(a) + 10) if a.isdigit() else vw.get(a.lower())
        return (g.replace(a, new), f"age {a} -> {new}") if new else None
    return None


def _case(new: str, like: str) -> str:
    return new[:1].upper() + new[1:] if like[:1].isupper() else new


_SYMPTOM = re.compile(
    r"\b(?:I(?:'ve| have)?(?: been)?|I am|I'm)\s+(?:experiencing|having|suffering from|noticing|noticed|dealing with|"
    r"getting|feeling|had|have|got|developed)\s+(?:some |a lot of |a |an |really |very |extreme |severe |constant |"
    r"frequent )*(?P<s>[a-z][a-z'\- ]{2,45}?)(?=,| and |\.| lately| recently| for | in my| on my| since| that| which|\?| but)",
    re.IGNORECASE)
_BAD_SYMPTOM = re.compile(r"^(?:been|a|an|the|some|symptoms?|problems?|issues?|trouble|lot|bit|like|that|this|it|"
                          r"so|really|very|feeling|ill|sick|unwell|tired|weird|strange|off|bad|better|worse|good|fine|"
                          r"worried|concerned|scared|diagnosed|told|to|my|more|any|recently|lately|pretty|quite|"
                          r"extremely|always|constantly|no)\b", re.IGNORECASE)


def patient_symptom(patient: str) -> str | None:
    """The first symptom the patient names ("I've been experiencing knee pain, ..." -> "knee pain")."""
    for m in _SYMPTOM.finditer(patient):
        s = m.group("s").strip().rstrip(",")
        if not _BAD_SYMPTOM.match(s) and "symptom" not in s and 1 <= len(s.split()) <= 5:
            return s.lower()
    return None


# ------------------------------------------------------------------------------------- perturbations
@dataclass
class Pair:
    id: str
    split: str
    type: str
    subtype: str
    original: str
    edited: str
    expect: str
    note: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _pair(r: realworld.Reply, kind: str, edited: str, note: str, subtype: str = "") -> Pair:
    expect = "clean" if kind in CLEAN_TYPES else "error"
    return Pair(f"{r.id}:{kind}", r.split, kind, subtype, r.reply, edited, expect, note)


def p_dropped_sentence(r, pools, rng):
    spans = sentences(r.reply)
    if len(spans) < 2:
        return None
    choices = [(s, e, info_kind(r.reply[s:e])) for s, e in spans if not r.reply[s:e].rstrip().endswith("?")]
    choices = [c for c in choices if c[2]]
    if not choices:
        return None
    s, e, kind = rng.choice(choices)
    nxt = next((a for a, _ in spans if a >= e), len(r.reply))
    edited = (r.reply[:s] + r.reply[nxt:]).strip()
    if not edited:
        return None
    return _pair(r, "dropped_sentence", edited, f"dropped ({kind}): {r.reply[s:e]}", kind)


def p_negation(r, pools, rng, want_entity: bool | None = None):
    options = []
    for s, e in sentences(r.reply):
        sent = r.reply[s:e]
        if sent.rstrip().endswith("?"):
            continue
        for family, pat, repl in pools.negation:
            m = re.search(pat, sent)
            if m and not re.search(r"\b(?:not|never|no|n't|cannot)\b", sent[max(0, m.start() - 12):m.end() + 12]) \
                    and not re.search(r"\b(?:if|whether|unless)\b", sent[:m.start()], re.IGNORECASE) \
                    and not re.search(r"\bso (?:that )?(?:we|you|I) $", sent[:m.start()]):
                options.append((s, e, family, pat, repl))
    if not options:
        return None
    # make_pairs asks for sentences with and without a medical entity in equal numbers
    pref = [o for o in options if want_entity is None
            or (o[2] == "have" or has_medical_entity(r.reply[o[0]:o[1]])) == want_entity]
    if not pref:
        return None
    s, e, family, pat, repl = rng.choice(pref)
    sent = r.reply[s:e]
    new = re.sub(pat, repl, sent, count=1)
    new = new[:1].upper() + new[1:]
    if new == sent:
        return None
    entity = "entity" if family == "have" or has_medical_entity(sent) or find_diagnosis(sent) else "no_entity"
    return _pair(r, "negation", r.reply[:s] + new + r.reply[e:], f"{family}: {sent} -> {new}", entity)


def _value_pairs(r, pools, rng):
    out = []
    for m in find_values(r.reply):
        for variant in (0, 1):
            ch = change_value(m, pools, rng, variant)
            if ch:
                new, note = ch
                edited = r.reply[:m.start()] + new + r.reply[m.end():]
                out.append((edited, f"{note}: ...{r.reply[max(0, m.start() - 40):m.end() + 20]}..."))
    return out


def p_swapped_drug(r, pools, rng):
    drugs = find_drugs(r.reply)
    if not drugs:
        return None
    st, en, name = rng.choice(drugs)
    bare = name.split(" (")[0]
    pool = [d for d in pools.drugs if d.lower() not in r.reply.lower()]
    new = rng.choice(pool)
    if bare[:1].isupper():
        new = new[:1].upper() + new[1:]
    edited = r.reply[:st] + new + r.reply[en:]
    return _pair(r, "swapped_drug", edited, f"{name} -> {new}", "listed" if len(drugs) > 2 else "named")


def p_changed_diagnosis(r, pools, rng):
    dx = find_diagnosis(r.reply)
    if not dx:
        return None
    _, _, phrase = dx
    pool = [c for c in pools.conditions if c.lower() not in r.reply.lower() and phrase.lower() not in c.lower()]
    picked = rng.choice(pool)
    rare = "rare" if pools.conditions.index(picked) >= pools.rare_from else "common"
    new = picked[:1].upper() + picked[1:] if phrase[:1].isupper() and not picked.startswith(("a ", "an ")) else picked
    # every mention of the diagnosis changes, as a consistent wrong diagnosis would
    edited = re.sub(re.escape(phrase), lambda _m: new, r.reply, flags=re.IGNORECASE)
    return _pair(r, "changed_diagnosis", edited, f"{phrase} -> {new}", rare)


def _added(r, kind, sentence, rng, subtype=""):
    edited, where = _insert_sentence(r.reply, sentence, rng)
    return _pair(r, kind, edited, f"added {where}: {sentence}", subtype)


def p_added_drug(r, pools, rng):
    drug = rng.choice([d for d in pools.drugs if d.lower() not in r.reply.lower()])
    return _added(r, "added_drug", rng.choice(pools.added_drug).format(drug=drug), rng)


def p_added_test(r, pools, rng):
    test = rng.choice([t for t in pools.tests if re.sub(r"^(?:a|an) ", "", t).lower() not in r.reply.lower()])
    sent = rng.choice(pools.added_test).format(test=test)
    return _added(r, "added_test", sent[:1].upper() + sent[1:], rng)


def p_added_advice(r, pools, rng):
    entity = rng.random() < 0.5
    sent = rng.choice(pools.advice_entity if entity else pools.advice_plain)
    return _added(r, "added_advice", sent, rng, "entity" if entity else "no_entity")


def p_false_reassurance(r, pools, rng):
    return _added(r, "false_reassurance", rng.choice(pools.reassurance), rng)


def _framing(r, pools, rng) -> tuple[str, str, str]:
    """Empathic sentences around the reply: (text, note, subtype). Half the time the opening reflects the
    patient's own symptom."""
    text, notes = r.reply, []
    symptom = patient_symptom(r.patient)
    if symptom and rng.random() < 0.5:
        t = rng.choice(pools.concern)
        opening = t.format(symptom=symptom, Symptom=symptom[:1].upper() + symptom[1:])
        sub = "concern"
    else:
        opening, sub = rng.choice(pools.framing_open), "generic"
    shape = rng.choice(("open", "close", "both", "both"))
    if shape in ("open", "both"):
        text = opening + " " + text
        notes.append(f"before: {opening}")
    if shape in ("close", "both"):
        closing = rng.choice(pools.framing_close)
        text = text.rstrip() + " " + closing
        notes.append(f"after: {closing}")
    if shape == "close":
        sub = "generic"
    return text, "; ".join(notes), sub


def p_framing(r, pools, rng):
    text, note, sub = _framing(r, pools, rng)
    return _pair(r, "framing", text, note, sub)


def paraphrase_text(text: str, pools: Pools, rng: random.Random) -> tuple[str, list[str]]:
    """``text`` with every matching rule of the pool applied (a random 80 % of them, at least one)."""
    applicable = [rule for rule in pools.paraphrase if re.search(rule[1], text)]
    if not applicable:
        return text, []
    chosen = [rule for rule in applicable if rng.random() < 0.8] or [rng.choice(applicable)]
    used = []
    for family, pat, repl in chosen:
        new = re.sub(pat, repl, text)
        if new != text:
            used.append(family)
            text = new
    # a sentence that now starts with a lower-case word (after "you may have" moved up) gets a capital
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text, used


def p_paraphrase(r, pools, rng):
    text, used = paraphrase_text(r.reply, pools, rng)
    if not used or text == r.reply:
        return None
    return _pair(r, "paraphrase", text, "rules: " + ", ".join(used), "+".join(sorted(set(used))))


def p_framed_paraphrase(r, pools, rng):
    text, used = paraphrase_text(r.reply, pools, rng)
    if not used or text == r.reply:
        return None
    framed, note, sub = _framing(realworld.Reply(r.id, r.patient, text, r.split), pools, rng)
    return _pair(r, "framed_paraphrase", framed, "rules: " + ", ".join(used) + "; " + note, sub)


MAKERS = {
    "dropped_sentence": p_dropped_sentence, "negation": p_negation, "swapped_drug": p_swapped_drug,
    "changed_diagnosis": p_changed_diagnosis, "added_drug": p_added_drug, "added_test": p_added_test,
    "added_advice": p_added_advice, "false_reassurance": p_false_reassurance, "framing": p_framing,
    "paraphrase": p_paraphrase, "framed_paraphrase": p_framed_paraphrase,
}


def usable(r: realworld.Reply) -> bool:
    """A reply that reads as a physician's reply (no transcript or generator artefacts) with some substance."""
    return not ARTIFACT.search(r.reply) and len(r.reply.split()) >= 6 and len(r.reply) <= 2000


def make_pairs(replies: list[realworld.Reply], split: str, per_type: int) -> list[Pair]:
    """Up to ``per_type`` pairs of each type from the ``split`` replies; a reply gives at most one pair per type
    (changed_value: up to 3, since replies with quantities are rare)."""
    pools = pools_for(split)
    rows = [r for r in replies if r.split == split and usable(r)]
    out: list[Pair] = []
    for kind in TYPES:
        order = sorted(rows, key=lambda r: hashlib.sha256(f"{kind}/{r.id}".encode()).hexdigest())
        made = []
        for r in order:
            if len(made) >= per_type:
                break
            rng = _rng(r.id, kind)
            if kind == "changed_value":
                vals = _value_pairs(r, pools, rng)
                rng.shuffle(vals)
                for i, (edited, note) in enumerate(vals[:3]):
                    if len(made) < per_type:
                        p = _pair(r, kind, edited, note, "digit" if re.search(r"\d", note.split(":")[0]) else "word")
                        p.id += f"{i}"
                        made.append(p)
                continue
            if kind == "negation":  # half without a medical entity in the sentence, half with
                plain = sum(p.subtype == "no_entity" for p in made)
                plain_open, entity_open = plain < per_type // 2, len(made) - plain < per_type - per_type // 2
                p = p_negation(r, pools, rng, want_entity=False) if plain_open else None
                if p is None and entity_open:
                    p = p_negation(r, pools, rng, want_entity=True)
            else:
                p = MAKERS[kind](r, pools, rng)
            if p and p.edited != p.original:
                made.append(p)
        out.extend(made)
    return out


def write(pairs: list[Pair], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")


def pairs_path(split: str) -> Path:
    return OUT_DIR / f"realworld_pairs_{split}.jsonl"


def load_pairs(split: str) -> list[dict]:
    return realworld.read_jsonl(pairs_path(split))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None, help="replies jsonl (default: the shared ChatDoctor dev file)")
    ap.add_argument("--per-type-dev", type=int, default=120)
    ap.add_argument("--per-type-blind", type=int, default=80)
    ap.add_argument("--show", metavar="TYPE", help="print a sample of already written pairs of TYPE")
    ap.add_argument("--split", default="dev")
    ap.add_argument("-n", type=int, default=5)
    args = ap.parse_args()
    if args.show:
        rows = [p for p in load_pairs(args.split) if p["type"] == args.show]
        for p in random.Random(0).sample(rows, min(args.n, len(rows))):
            print(f"--- {p['id']} [{p['subtype']}] {p['note']}\nO: {p['original']}\nE: {p['edited']}\n")
        return
    replies = realworld.load(args.data)
    for split, cap in (("dev", args.per_type_dev), ("blind", args.per_type_blind)):
        pairs = make_pairs(replies, split, cap)
        write(pairs, pairs_path(split))
        counts = {t: sum(p.type == t for p in pairs) for t in TYPES}
        print(f"{split}: {len(pairs)} pairs -> {pairs_path(split)}")
        print("  " + ", ".join(f"{t} {n}" for t, n in counts.items()))


if __name__ == "__main__":
    main()
