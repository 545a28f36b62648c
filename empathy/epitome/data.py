"""EPITOME's human labels and the project's medical replies, as training examples for the mechanism model."""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..text import split_sentences
from .model import MECHANISMS, _embed

CSV_FILES = {
    "emotional_reactions": "emotional-reactions.csv",
    "interpretations": "interpretations.csv",
    "explorations": "explorations.csv",
}
# A training sentence counts as carrying a mechanism when the rationales cover this share of its characters.
RATIONALE_COVERAGE = 0.5
SEED = 20251122


@dataclass
class EpitomeExample:
    """One (seeker post, response post) pair with its three levels and per-sentence rationale targets."""

    sp_id: str
    rp_id: str
    seeker: str
    reply: str
    levels: dict[str, int]
    spans: list[tuple[int, int]]  # sentences of ``reply``
    sentence_targets: dict[str, list[int]]  # 1 where the rationales cover the sentence
    weight: float = 1.0  # sample weight in every fit (medical examples are weighted against the Reddit pairs)


def _rationale_coverage(reply: str, rationales: str) -> np.ndarray:
    """Per character of ``reply``, whether an annotator's rationale covers it.

    Matched ignoring whitespace and case (the three CSVs differ in whitespace); a rationale that is not found
    is tried HTML-escaped, as Reddit's "&lt;3" is unescaped in some rationales.
    """
    kept = [(i, c.lower()) for i, c in enumerate(reply) if not c.isspace()]
    flat = "".join(c for _, c in kept)
    covered = np.zeros(len(reply), dtype=bool)
    for piece in rationales.split("|"):
        for variant in (piece, html.escape(piece, quote=False)):
            needle = "".join(c.lower() for c in variant if not c.isspace())
            at = flat.find(needle) if needle else -1
            if at >= 0:
                covered[[kept[j][0] for j in range(at, at + len(needle))]] = True
                break
    return covered


def _sentence_targets(reply: str, spans: list[tuple[int, int]], rationales: str) -> list[int]:
    """1 for each sentence whose non-space characters the rationales mostly cover."""
    if not rationales.strip():
        return [0] * len(spans)
    covered = _rationale_coverage(reply, rationales)
    out = []
    for s, e in spans:
        chars = [i for i in range(s, e) if not reply[i].isspace()]
        out.append(int(bool(chars) and covered[chars].mean() >= RATIONALE_COVERAGE))
    return out


def load_examples(data_dir: Path) -> list[EpitomeExample]:
    """The three CSVs joined on their row order (they list the same pairs in the same order)."""
    tables = {}
    for mechanism, name in CSV_FILES.items():
        with open(Path(data_dir) / name, newline="", encoding="utf-8") as f:
            tables[mechanism] = list(csv.DictReader(f))
    first = tables[MECHANISMS[0]]
    for mechanism, rows in tables.items():
        if [(r["sp_id"], r["rp_id"]) for r in rows] != [(r["sp_id"], r["rp_id"]) for r in first]:
            raise ValueError(f"{CSV_FILES[mechanism]} does not list the same pairs in the same order")
    examples = []
    for i, row in enumerate(first):
        reply = row["response_post"]
        spans = split_sentences(reply)
        examples.append(EpitomeExample(
            sp_id=row["sp_id"], rp_id=row["rp_id"], seeker=row["seeker_post"], reply=reply,
            levels={m: int(tables[m][i]["level"]) for m in MECHANISMS}, spans=spans,
            sentence_targets={m: _sentence_targets(reply, spans, tables[m][i]["rationales"] or "") for m in MECHANISMS},
        ))
    return examples


MEDICAL_PREFIX = "medical:"
# Each medical sentence alone, and in this many replies made with one to three sentences of plain information.
MEDICAL_COMPOSITES = 2
MEDICAL_INFO_ONLY = 120
MEDICAL_WEIGHT = 0.5  # grouped CV on EPITOME dev: ER AUC 0.892 (1.0: 0.887, 3.0: 0.875), same validation AUC


def medical_examples(texts: Sequence[str], labels: Sequence[set[str]], seed: int = SEED,
                     weight: float = MEDICAL_WEIGHT) -> list[EpitomeExample]:
    """Physician-style training replies built from the project's labelled sentences (``empathy.sentence_labels``).

    EPITOME is Reddit peer support: it has no "That must be so frightening." next to a dose, and it reads
    "Thank you for your message." as warmth. Each labelled sentence becomes a reply of its own and, twice, part of
    a reply with one to three sentences of plain information (instructions, results, logistics, reassurance
    without empathy); a mechanism is present where one of the reply's sentences is labelled with it, and the
    sentence targets say which. Stock phrases, validation and comforting sentences carry no mechanism.
    Deterministic for a given ``seed``.
    """
    rng = np.random.default_rng(seed)
    info = [t for t, ls in zip(texts, labels) if ls <= {"reassuring"}]
    rows: list[tuple[str, list[str]]] = []  # (group, sentences)
    for i, text in enumerate(texts):
        rows.append((f"{MEDICAL_PREFIX}{i}", [text]))
        if labels[i] <= {"reassuring"}:
            continue
        for _ in range(MEDICAL_COMPOSITES):
            content = [info[j] for j in rng.choice(len(info), size=int(rng.integers(1, 4)), replace=False)]
            rows.append((f"{MEDICAL_PREFIX}{i}", [text] + content if rng.random() < 0.7 else content + [text]))
    for k in range(MEDICAL_INFO_ONLY):
        rows.append((f"{MEDICAL_PREFIX}info{k}", [info[j] for j in rng.choice(len(info), size=int(rng.integers(2, 5)),
                                                                              replace=False)]))
    label_of = dict(zip(texts, labels))
    out = []
    for n, (group, sentences) in enumerate(rows):
        reply = " ".join(sentences)
        spans = split_sentences(reply)
        targets = {m: [int(m in label_of.get(reply[s:e], set())) for s, e in spans] for m in MECHANISMS}
        out.append(EpitomeExample(sp_id=group, rp_id=f"{MEDICAL_PREFIX}{n}", seeker="", reply=reply,
                                  levels={m: 2 * int(any(targets[m])) for m in MECHANISMS}, spans=spans,
                                  sentence_targets=targets, weight=weight))
    return out


def data_sha256(data_dir: Path) -> str:
    h = hashlib.sha256()
    for name in sorted(CSV_FILES.values()):
        h.update((Path(data_dir) / name).read_bytes())
    return h.hexdigest()


def embed_sentences(examples: Sequence[EpitomeExample], cache_path: Path | None = None,
                    embed: Callable[[list[str]], np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """MiniLM embedding of every sentence of every reply, keyed by sentence text.

    Embedding the 8,500 sentences takes a few minutes on two shared cores; ``cache_path`` keeps them.
    """
    texts = sorted({ex.reply[s:e] for ex in examples for s, e in ex.spans})
    cached: dict[str, np.ndarray] = {}
    if cache_path is not None and Path(cache_path).is_file():
        with np.load(cache_path, allow_pickle=False) as data:
            keys = data["texts"].tobytes().decode("utf-8").split("\x00")
            cached = dict(zip(keys, data["vectors"]))
    missing = [t for t in texts if t not in cached]
    if missing:
        cached.update(zip(missing, (embed or _embed)(missing)))
        if cache_path is not None:
            Path(cache_path).parent.mkdir(parents=True, exist_ok=True)
            keys = sorted(cached)
            with open(cache_path, "wb") as f:
                np.savez(f, texts=np.frombuffer("\x00".join(keys).encode("utf-8"), dtype=np.uint8),
                         vectors=np.stack([cached[k] for k in keys]).astype(np.float32))
    return {t: np.asarray(cached[t], dtype=np.float64) for t in texts}


def default_cache() -> Path:
    return Path.home() / ".cache" / "empathy" / "epitome_sentence_embeddings.npz"
