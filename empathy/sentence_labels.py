"""The project's own labelled medical sentences (``data/scoring_sentences.tsv``): one file read by two models.

The empathy scorer's sentence classifier learns validation, comforting, reassuring, stock phrases and false
reassurance from it; the EPITOME mechanism model (``empathy.epitome``) adds its emotional reactions,
interpretations and explorations, and its stock phrases and plain information as negatives, to the Reddit
data, so that clinical phrasings count. A module of its own so that neither model imports the other to read it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SENTENCES_FILE = Path(__file__).parent / "data" / "scoring_sentences.tsv"


def load_training_sentences(path: Path = SENTENCES_FILE) -> tuple[list[str], list[set[str]]]:
    """(sentences, label sets); "none" is the empty set. Lines: ``labels<TAB>sentence``, ``#`` comments."""
    texts, labels = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        tags, text = line.split("\t", 1)
        texts.append(text.strip())
        labels.append({t.strip() for t in tags.split(",")} - {"none"})
    return texts, labels


def training_sha256(path: Path = SENTENCES_FILE) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
