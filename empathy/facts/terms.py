"""Medical terms that no vocabulary entry names: the out-of-vocabulary diagnoses, procedures and drugs of real
replies ("cholesteatoma", "Wernicke Korsakoff syndrome", "tracheoscopy", "Rosuvastatin").

Three general signals, no phrase lists of diagnoses:

- medical morphology: -itis, -osis, -oma, -emia, -pathy ... name conditions; -ectomy, -oscopy, -plasty ... name
  procedures; the usual drug stems (-cillin, -pril, -statin ...) name drugs;
- the medical words of the full ICD-10-CM descriptions that are not everyday English (``vocab_terms.txt``, built
  by ``benchmarks/build_facts_vocab.py``): "hydrocele", "dislocation", "retinal", "cavernosum";
- capitalised words inside a sentence (replies capitalise drug, test and disease names) and acronyms.

A term is an anchor like a drug or a diagnosis: an original fact whose term the edit lacks is not kept, and an
edited fact with a term the original never mentions is a new claim.
"""

from __future__ import annotations

import re

CONDITION_MORPH = re.compile(
    r"[a-z]{3,}(?:itis|itides|osis|oses|iasis|omas?|emia|aemia|pathy|pathies|plasia|trophy|algia|odynia|rrhea|rrhoea|"
    r"rrhage|rrhagia|cele|ectasis|ectasia|plegia|paresis|megaly|uria|lithiasis|malacia|penia|cytosis|philia|"
    r"spasm|sclerosis|stenosis|necrosis|edema|oedema|ptosis|phagia|phasia|pnea|pnoea|glycemia|kalemia|natremia)$")
PROCEDURE_MORPH = re.compile(r"[a-z]{3,}(?:ectomy|ectomies|otomy|otomies|ostomy|ostomies|oscopy|oscopies|scopy|plasty|"
                             r"graphy|gram|grams|centesis|pexy|rrhaphy|tripsy|desis)$")
DRUG_MORPH = re.compile(
    r"[a-z]{3,}(?:cillin|mycin|micin|cycline|floxacin|conazole|prazole|azole|olol|pril|sartan|statin|dipine|azepam|"
    r"zolam|tidine|parin|caine|profen|triptan|lukast|dronate|clovir|navir|umab|ximab|zumab|tinib|afil|setron|"
    r"zosin|terol|pramine|triptyline|oxetine|faxine|zodone|pidem|barbital|zepine|apine|gliptin|formin|glitazone|"
    r"thiazide|semide|platin|rubicin|taxel|trexate|methasone|nisolone|olone|sone|vudine|tadine|fenac|oxacin)$")
# Everyday words that happen to end like medical ones.
NOT_TERMS = frozenset("""
diagnosis diagnoses prognosis prognoses hypnosis osmosis analysis emphasis thesis basis crisis
aroma diploma coma soma chroma stoma stigma dogma trauma academia empathy sympathy sympathies apathy telepathy antipathy
nostalgia program programs diagram diagrams telegram instagram kilogram kilograms milligram milligrams microgram
micrograms hologram anagram histogram photography biography geography choreography calligraphy bibliography
typography pornography paragraph mechanism organism tourism criticism optimism pessimism realism journalism
mechanism racism ageism sexism alcoholism favoritism skepticism heroism baptism terrorism patriotism capitalism
socialism activism perfectionism egoism exorcism truism cardiac tension attention extension pretension intention
retention detention contention assertion insertion dimension pension mansion hospitality person persons reason
season lesson seasonal pulse phrase praise raise cause because clause horse house mouse course source license
response expense defense offense sense tense dense intense immense suspense purpose propose compose oppose
expose suppose dispose impose repose chosen frozen dozen cousin basin raisin resin often listen glisten
""".split())
_CAPITALISED_NOT_TERMS = frozenset("""
i i'm i've i'll i'd ok okay dr mr mrs ms miss doctor doc sir madam god monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november december english
spanish american christmas easter thanksgiving hello hi dear thanks thank please yes no however also additionally
based given it this that these those we you your my our the a an and or but if in on at for to of with as so
""".split())
# Acronyms of everyday English, and of who is writing (a GP, a nurse practitioner, the urgent treatment centre): the
# staff and the service are no medical term.
_ACRONYM_NOT_TERMS = frozenset({"i", "ok", "us", "am", "pm", "er", "ed", "tv", "id", "faq", "fyi", "asap", "eta", "usa",
                                "uk", "eu", "gp", "gps", "np", "rn", "md", "nhs", "utc"})


def term_kind(word: str, terms: frozenset[str]) -> str | None:
    """The kind of a single lowercase word if it is a medical term: condition, test (procedure), drug or term."""
    if len(word) < 5 or word in NOT_TERMS:
        return None
    if DRUG_MORPH.fullmatch(word):
        return "drug"
    if PROCEDURE_MORPH.fullmatch(word):
        return "test"
    if CONDITION_MORPH.fullmatch(word):
        return "condition"
    if word in terms or (word.endswith("s") and word[:-1] in terms):
        return "term"
    return None


def term_key(text: str) -> str:
    """The identity of a term: lowercase words, plural s dropped ("Lesions" and "lesion" agree)."""
    out = []
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['\-][A-Za-z0-9]+)*")


def capitalised_terms(text: str) -> list[tuple[int, int]]:
    """Spans of capitalised words (runs of them merged) and acronyms inside a sentence, not its first word."""
    out: list[list[int]] = []
    last_end = -10
    for i, m in enumerate(_TOKEN.finditer(text)):
        word = m.group(0)
        if i == 0 or not word[0].isupper() or word.lower().split("'")[0] in _CAPITALISED_NOT_TERMS:
            continue
        if word.isupper() and (word.lower() in _ACRONYM_NOT_TERMS or len(word) > 6):
            continue
        if len(word) < 3 and not word.isupper():
            continue
        before = text[:m.start()]
        if re.search(r"(?:Dr|Mr|Mrs|Ms|Prof)\.?\s*$", before) or re.search(r"[.!?:]\s*$", before):
            continue  # a person's name; a new sentence or list item
        if out and re.fullmatch(r"\s+", text[last_end:m.start()] or "x"):
            out[-1][1] = m.end()  # "Wernicke Korsakoff"
        else:
            out.append([m.start(), m.end()])
        last_end = m.end()
    return [(s, e) for s, e in out]
