"""Rebuild empathy/data/vocab_drugs.tsv.gz and vocab_conditions.txt from public vocabularies shipped on PyPI.

Sources (both offline once installed; not needed at run time):
- drug-named-entity-recognition 2.0.9 (MIT; DrugBank open data CC0, MeSH, NHS, MedlinePlus):
  drug name variants (generic and brand) -> canonical generic name.
- simple-icd-10-cm 1.5.0 (ICD-10-CM April 2026, CDC/NCHS, public domain): short diagnosis names.

    pip install drug-named-entity-recognition==2.0.9 simple-icd-10-cm==1.5.0
    python benchmarks/build_facts_vocab.py
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


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    d = drugs()
    with gzip.open(DATA / "vocab_drugs.tsv.gz", "wt", compresslevel=9) as fh:
        fh.write("".join(f"{k}\t{v}\n" for k, v in sorted(d.items())))
    c = conditions()
    (DATA / "vocab_conditions.txt").write_text("\n".join(c) + "\n")
    print(len(d), "drug variants;", len(c), "condition names")
