"""The medical vocabulary of the fact checker: drugs, diagnoses, tests, procedures, specialists.

Drug names and brands from the PyPI package drug-named-entity-recognition (DrugBank open data CC0, MeSH, NHS,
MedlinePlus), short diagnosis names from ICD-10-CM (CDC, public domain, via simple-icd-10-cm), the medical words
of the full ICD-10-CM descriptions (``terms``: the words that are not everyday English), plus curated tests,
procedures, specialists and common conditions in ``empathy/data``. ``benchmarks/build_facts_vocab.py`` rebuilds
the derived files; neither package is needed at run time.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Vocabulary:
    phrases: dict[str, tuple[str, str]]  # lowercase phrase -> (kind, key)
    max_words: int
    nonclinical: frozenset[str]
    terms: frozenset[str] = frozenset()  # medical words of ICD-10-CM descriptions (not everyday English)
    medical_words: frozenset[str] = frozenset()  # everyday English words ICD-10-CM descriptions use


def _read_lines(name: str):
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """All term lists in one phrase table; loaded once (about 0.2 s)."""
    phrases: dict[str, tuple[str, str]] = {}
    with gzip.open(DATA / "vocab_drugs.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            variant, _, canon = line.rstrip("\n").partition("\t")
            phrases[variant] = ("drug", canon)
    nonclinical: set[str] = set()
    for line in _read_lines("vocab_conditions.txt"):
        phrases.setdefault(line, ("condition", line))
    section = None
    for line in _read_lines("vocab_extra.txt"):
        if line.startswith("["):
            section = line.strip("[]")
            continue
        term, _, key = line.partition("=")
        if section == "nonclinical":
            nonclinical.add(term)
            phrases.pop(term, None)
            continue
        kind = {"specialist": "referral"}.get(section, section)
        phrases[term] = (kind, key or term)
    for line in _read_lines("vocab_tests.txt"):
        term, _, key = line.partition("=")
        phrases[term] = ("test", key or term)
    terms = frozenset(t for t in _read_lines("vocab_terms.txt") if t not in nonclinical)
    medical_words = frozenset(_read_lines("vocab_medical_words.txt"))
    max_words = max(len(p.split()) for p in phrases)
    return Vocabulary(phrases, min(max_words, 5), frozenset(nonclinical), terms, medical_words)
