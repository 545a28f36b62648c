"""Annotation mode: import batches of cases, a per-annotator queue of blind pairs, win rates and agreement.

The queue hands each annotator the pairs of replies they have not judged, in the same order for everyone (so
annotators overlap and agreement can be measured). Pairs are shown blind: A and B in an order that is random
per annotator and pair but stable (a reload shows the same order), with model names revealed after the vote.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError
from .files import iter_jsonl
from .inputs import decode_bytes
from .prompts import level_number
from .store import JUDGMENT_DIMENSIONS, PHYSICIAN_MODEL, Saved, Store

PATIENT_FIELDS = ("patient", "patient_message", "message", "question", "query", "input")
DRAFT_FIELDS = ("draft", "physician_reply", "physician", "reply", "response", "answer", "original")
QUEUE_KINDS = ("original", "edit", "generate")  # accepted texts are already a preference; not re-judged blind


# --- import ---------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    cases: int = 0  # new cases
    replies: int = 0  # new replies
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, why)
    case_ids: list[int] = field(default_factory=list)  # every case a row maps to, new or already stored
    existing_cases: int = 0  # rows whose message and draft were already a case
    duplicate_replies: int = 0  # replies already stored (the draft given again as an "original", a re-import)

    def to_dict(self) -> dict:
        return {"cases": self.cases, "replies": self.replies, "skipped": len(self.skipped),
                "existing_cases": self.existing_cases, "duplicate_replies": self.duplicate_replies,
                "errors": [{"row": n, "error": e} for n, e in self.skipped]}

    def summary(self) -> str:
        """One line for people."""
        parts = [f"Imported {self.cases} cases and {self.replies} replies"]
        if self.existing_cases:
            parts.append(f"{self.existing_cases} row(s) matched cases already stored (their new replies were added)")
        if self.duplicate_replies:
            parts.append(f"{self.duplicate_replies} repl{'y' if self.duplicate_replies == 1 else 'ies'} already "
                         "stored were not added again")
        if self.skipped:
            parts.append(f"skipped {len(self.skipped)} row(s)")
        return "; ".join(parts) + "."


def read_rows(source: str, *, fmt: str | None = None, split: str = "train") -> Iterator[tuple[int, dict]]:
    """Rows of a CSV, JSONL/JSON or Parquet file, or of any ``datasets`` source (a local folder or a hub name)."""
    path = Path(source).expanduser()
    fmt = fmt or _guess_format(path)
    if fmt == "csv":
        text = _read_text(path)
        for n, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
            yield n, {k.strip().lower(): v for k, v in row.items() if k}
    elif fmt == "jsonl":
        text = _read_text(path)
        stripped = text.lstrip()
        if stripped.startswith("["):  # a JSON array
            try:
                items = json.loads(text)
            except ValueError as e:
                raise InputError(f"{path} is not valid JSON: {e}") from None
            for n, obj in enumerate(items, 1):
                yield n, obj if isinstance(obj, dict) else {"_error": "not a JSON object"}
            return
        for n, obj, error in iter_jsonl(text, str(path)):
            yield n, obj if error is None else {"_error": error}
    elif fmt in ("parquet", "datasets"):
        for n, row in enumerate(_dataset_rows(source, path, fmt, split), 1):
            yield n, {str(k).lower(): v for k, v in row.items()}
    else:
        raise InputError(f"unknown import format {fmt!r}; use csv, jsonl, parquet or datasets")


def _guess_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix == ".parquet":
        return "parquet"
    return "datasets"  # a folder saved with save_to_disk, a loading script, or a hub name


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"no such file {str(path)!r}")
    return decode_bytes(path.read_bytes(), str(path))


def _dataset_rows(source: str, path: Path, fmt: str, split: str) -> Iterable[dict]:
    # Never reach for the hub: patient data stays local, and a missing dataset fails at once instead of hanging.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    try:
        import datasets
    except ImportError:
        raise InputError("importing Parquet or datasets sources needs the datasets package (pip install datasets)") from None
    try:
        if fmt == "parquet":
            return datasets.load_dataset("parquet", data_files=str(path), split="train")
        if path.is_dir() and (path / "dataset_info.json").exists():
            ds = datasets.load_from_disk(str(path))
            return ds[split] if isinstance(ds, datasets.DatasetDict) else ds
        return datasets.load_dataset(source, split=split)
    except (FileNotFoundError, ValueError, ConnectionError, OSError) as e:
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise InputError(f"cannot load the dataset {source!r} (offline: only local or cached data): {first}") from None


def _first(row: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _level(value) -> int | None:
    if value in (None, ""):
        return None

    return level_number(value if isinstance(value, int) else str(value))


def _candidate_replies(row: dict) -> list[dict]:
    """Extra replies to judge: a ``replies`` list (JSON) or ``reply_a``/``model_a``... columns."""
    out = []
    replies = row.get("replies")
    if isinstance(replies, str) and replies.strip():
        try:
            replies = json.loads(replies)
        except ValueError:
            raise InputError("the replies field is not a JSON list") from None
    if replies not in (None, ""):
        if not isinstance(replies, list):
            raise InputError("the replies field must be a list")
        for r in replies:
            if isinstance(r, str):
                r = {"text": r}
            if not isinstance(r, dict) or not isinstance(r.get("text"), str):
                raise InputError("each reply needs a text")
            out.append(r)
    for suffix in "abcdefgh":
        text = row.get(f"reply_{suffix}")
        if isinstance(text, str) and text.strip():
            out.append({"text": text, "model": row.get(f"model_{suffix}") or f"model-{suffix}",
                        "level": row.get(f"level_{suffix}"), "kind": row.get(f"kind_{suffix}") or "edit"})
    return out


def import_cases(store: Store, source: str, *, fmt: str | None = None, split: str = "train",
                 limit: int | None = None, on_row=None) -> ImportReport:
    """Add every usable row as a case (its draft as the "original" reply, plus any candidate replies).

    Deduplicated: a row whose patient message and draft are already a case adds only its new replies to it, and a
    candidate reply marked "original" with the draft's text is the draft, not a second physician reply. A bad row is
    skipped with its row number and reason; the good rows are kept. ``on_row(n, report)`` is called after each row.
    """
    report = ImportReport()
    source_name = Path(source).name or source
    for n, row in read_rows(source, fmt=fmt, split=split):
        if limit is not None and report.cases >= limit:
            break
        _import_row(store, n, row, source_name, report)
        if on_row:
            on_row(n, report)
    return report


def _import_row(store: Store, n: int, row: dict, source_name: str, report: ImportReport) -> None:
    if "_error" in row:
        report.skipped.append((n, row["_error"]))
        return
    patient = _first(row, PATIENT_FIELDS)
    if patient is None:
        report.skipped.append((n, f"no patient message (one of: {', '.join(PATIENT_FIELDS)})"))
        return
    draft = _first(row, DRAFT_FIELDS)
    try:
        candidates = _candidate_replies(row)
        levels = [_level(c.get("level")) for c in candidates]
        kinds = [c.get("kind") or "edit" for c in candidates]
        if draft is None and "original" in kinds:  # a reply marked "original" is the physician's draft
            i = kinds.index("original")
            draft = candidates[i]["text"]
            del candidates[i], levels[i], kinds[i]
        meta = {k: v for k, v in row.items() if k in ("id", "specialty", "topic") and v not in (None, "")}
        saved = store.save_case(patient, draft, source=source_name, meta=meta or None)
    except InputError as e:
        report.skipped.append((n, str(e)))
        return
    case_id = saved.id
    if saved.status == "new":
        report.cases += 1
    else:
        report.existing_cases += 1
    report.case_ids.append(case_id)
    writes = []
    if draft:
        writes.append(dict(text=draft, kind="original", model=PHYSICIAN_MODEL, prompt="", level=None))
    for c, level, kind in zip(candidates, levels, kinds):
        if kind == "original":  # the physician's reply has no empathy level and one name on the dashboard
            level = None
        writes.append(dict(text=c["text"], kind=kind, model=str(c.get("model") or "unknown"),
                           prompt=str(c.get("prompt") or ""), level=level))
    for w in writes:
        try:
            if store.save_reply(case_id, **w).status == "new":
                report.replies += 1
            else:
                report.duplicate_replies += 1
        except InputError as e:
            report.skipped.append((n, f"reply skipped: {e}"))


# --- the queue ------------------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    case_id: int
    patient: str
    draft: str | None
    reply_a: dict  # as shown (blind): the left reply
    reply_b: dict
    done: int  # pairs this annotator has judged
    total: int  # pairs in the queue

    @property
    def progress(self) -> str:
        return f"{self.done} of {self.total} pairs judged"


def _blind_swap(annotator: str, a: int, b: int) -> bool:
    digest = hashlib.sha256(f"{annotator}\x00{min(a, b)}\x00{max(a, b)}".encode()).digest()
    return digest[0] & 1 == 1


def blind_order(annotator: str, a: dict, b: dict) -> tuple[dict, dict]:
    """The pair in a random order that is stable for this annotator (same order after a reload)."""
    lo, hi = (a, b) if a["id"] < b["id"] else (b, a)
    return (hi, lo) if _blind_swap(annotator, lo["id"], hi["id"]) else (lo, hi)


def _same_text(text: str) -> str:
    return " ".join(text.split())


def queue_pairs(store: Store) -> list[tuple[int, int, int]]:
    """Every (case, reply, reply) pair to judge, by case then reply ids. A pair of identical texts is skipped, and so
    is a pair whose two texts were already paired in this case (the same texts from another model or level)."""
    rows = store.query(
        f"select id, case_id, text from replies where kind in ({','.join('?' * len(QUEUE_KINDS))}) order by case_id, id",
        list(QUEUE_KINDS),
    )
    by_case: dict[int, list[dict]] = {}
    for r in rows:
        by_case.setdefault(r["case_id"], []).append(r)
    pairs = []
    for case_id, replies in by_case.items():
        seen: set[frozenset[str]] = set()
        for a, b in combinations(replies, 2):
            texts = frozenset((_same_text(a["text"]), _same_text(b["text"])))
            if len(texts) == 2 and texts not in seen:
                seen.add(texts)
                pairs.append((case_id, a["id"], b["id"]))
    return pairs


def judged_pairs(store: Store, annotator: str) -> set[tuple[int, int]]:
    rows = store.query(
        "select j.reply_a, j.reply_b from judgments j join annotators a on a.id = j.annotator_id where a.name = ?",
        [annotator.strip()],
    )
    return {(min(r["reply_a"], r["reply_b"]), max(r["reply_a"], r["reply_b"])) for r in rows}


def next_item(store: Store, annotator: str) -> QueueItem | None:
    """The first pair this annotator has not judged, shown blind; None when they are done."""
    if not (annotator or "").strip():
        raise InputError("type your name (or log in) to start annotating")
    pairs = queue_pairs(store)
    done = judged_pairs(store, annotator)
    remaining = [p for p in pairs if (min(p[1], p[2]), max(p[1], p[2])) not in done]
    if not remaining:
        return None
    case_id, a, b = remaining[0]
    case = store.case(case_id)
    left, right = blind_order(annotator.strip(), store.reply(a), store.reply(b))
    return QueueItem(case_id, case["patient"], case["draft"], left, right, len(pairs) - len(remaining), len(pairs))


def record_votes(store: Store, annotator: str, reply_a: int, reply_b: int, votes: dict[str, str]) -> list[Saved]:
    """Store one judgment per dimension voted (``{"empathy": "a", "overall": "tie", ...}``); a vote on a pair and
    dimension this annotator judged before replaces that judgment (``Saved.status`` "changed")."""
    if not votes:
        raise InputError("choose A, B or equally good for at least one dimension")
    return [store.save_judgment(annotator, reply_a, reply_b, choice, dim) for dim, choice in votes.items() if choice]


def votes_summary(saved: list[Saved]) -> str:
    """"Saved 3 judgment(s)", saying how many replaced an earlier vote or were unchanged."""
    changed = sum(s.status == "changed" for s in saved)
    same = sum(s.status == "same" for s in saved)
    extra = []
    if changed:
        extra.append(f"{changed} replaced your earlier vote")
    if same:
        extra.append(f"{same} unchanged")
    return f"Saved {len(saved)} judgment(s)" + (f" ({', '.join(extra)})" if extra else "")


# --- dashboard: win rates and agreement -----------------------------------------------------------------------


@dataclass
class WinRate:
    model: str
    level: int | None
    wins: int = 0
    losses: int = 0
    ties: int = 0

    @property
    def n(self) -> int:
        return self.wins + self.losses + self.ties

    @property
    def win_rate(self) -> float:
        """Wins plus half the ties, over all comparisons (a tie is half a win, as in 3-way rankings)."""
        return (self.wins + 0.5 * self.ties) / self.n if self.n else 0.0

    def to_dict(self) -> dict:
        return {"model": self.model, "level": self.level, "wins": self.wins, "losses": self.losses,
                "ties": self.ties, "n": self.n, "win_rate": round(self.win_rate, 4)}


def _judgments(store: Store, dimension: str) -> list[dict]:
    if dimension not in JUDGMENT_DIMENSIONS:
        raise InputError(f"dimension must be one of {', '.join(JUDGMENT_DIMENSIONS)}, got {dimension!r}")
    return store.query(
        """select j.id, an.name annotator, j.reply_a, j.reply_b, j.choice,
                  ra.model model_a, ra.level level_a, ra.kind kind_a, rb.model model_b, rb.level level_b, rb.kind kind_b
           from judgments j join annotators an on an.id = j.annotator_id
           join replies ra on ra.id = j.reply_a join replies rb on rb.id = j.reply_b
           where j.dimension = ? order by j.id""",
        [dimension],
    )


def model_label(model: str | None, kind: str) -> str:
    if kind in ("original", "accepted"):
        return model or kind
    return f"{model or 'unknown'} ({kind})"


def win_rates(store: Store, dimension: str = "overall") -> list[WinRate]:
    """Per model (and reply kind) and empathy level: wins, losses, ties, win rate."""
    table: dict[tuple[str, int | None], WinRate] = {}

    def entry(model, kind, level):
        key = (model_label(model, kind), None if kind in ("original", "accepted") else level)
        if key not in table:
            table[key] = WinRate(*key)
        return table[key]

    for j in _judgments(store, dimension):
        a = entry(j["model_a"], j["kind_a"], j["level_a"])
        b = entry(j["model_b"], j["kind_b"], j["level_b"])
        if j["choice"] == "tie":
            a.ties += 1
            b.ties += 1
        elif j["choice"] == "a":
            a.wins += 1
            b.losses += 1
        else:
            b.wins += 1
            a.losses += 1
    return sorted(table.values(), key=lambda w: (-w.win_rate, w.model, -1 if w.level is None else w.level))


def _canonical(j: dict) -> tuple[tuple[int, int], str]:
    """The pair as (lower id, higher id) and the choice relative to that order: lo, hi or tie."""
    lo, hi = sorted((j["reply_a"], j["reply_b"]))
    if j["choice"] == "tie":
        return (lo, hi), "tie"
    winner = j["reply_a"] if j["choice"] == "a" else j["reply_b"]
    return (lo, hi), "lo" if winner == lo else "hi"


def cohen_kappa(x: list[str], y: list[str]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items; None when undefined (no items, one category)."""
    if not x or len(x) != len(y):
        return None
    n = len(x)
    cats = set(x) | set(y)
    po = sum(a == b for a, b in zip(x, y)) / n
    pe = sum((x.count(c) / n) * (y.count(c) / n) for c in cats)
    if pe >= 1.0:
        return 1.0 if po == 1.0 else None
    return (po - pe) / (1 - pe)


def fleiss_kappa(items: list[dict[str, int]]) -> float | None:
    """Fleiss' kappa over items rated by two or more raters (counts per category; rater numbers may vary)."""
    items = [c for c in items if sum(c.values()) >= 2]
    if not items:
        return None
    cats = sorted({k for c in items for k in c})
    total = sum(sum(c.values()) for c in items)
    p_j = {k: sum(c.get(k, 0) for c in items) / total for k in cats}
    p_i = []
    for c in items:
        n = sum(c.values())
        p_i.append((sum(v * v for v in c.values()) - n) / (n * (n - 1)))
    p_bar = sum(p_i) / len(p_i)
    pe = sum(v * v for v in p_j.values())
    if pe >= 1.0:
        return 1.0 if p_bar == 1.0 else None
    return (p_bar - pe) / (1 - pe)


@dataclass
class Agreement:
    dimension: str
    annotators: list[str]
    shared_items: int  # pairs judged by two or more annotators
    cohen: dict[str, float | None]  # "alice|bob" -> kappa on the pairs both judged
    mean_cohen: float | None
    fleiss: float | None
    cohen_shared: dict[str, int] = field(default_factory=dict)  # "alice|bob" -> pairs both judged

    def to_dict(self) -> dict:
        rnd = lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else round(v, 4)  # noqa: E731
        return {"dimension": self.dimension, "annotators": self.annotators, "shared_items": self.shared_items,
                "cohen": {k: rnd(v) for k, v in self.cohen.items()}, "cohen_shared": dict(self.cohen_shared),
                "mean_cohen": rnd(self.mean_cohen), "fleiss": rnd(self.fleiss)}


def kappa_meaning(kappa: float | None, n: int) -> str:
    """What a kappa on ``n`` shared items tells a reader (Landis and Koch's bands; few items decide little)."""
    if kappa is None:
        return "not defined (everyone gave the same answer, or no shared pairs)"
    if kappa < 0:
        band = "less agreement than chance"
    else:
        band = next(word for top, word in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"),
                                           (1.01, "almost perfect")) if kappa <= top)
        band += " agreement beyond chance"
    if n < 10:
        band += f"; only {n} shared pair{'s' if n != 1 else ''}, too few to rely on"
    return band


def agreement(store: Store, dimension: str = "overall") -> Agreement:
    """Agreement between annotators on the pairs they judged in common (latest vote per annotator and pair)."""
    labels: dict[str, dict[tuple[int, int], str]] = {}
    for j in _judgments(store, dimension):
        pair, label = _canonical(j)
        labels.setdefault(j["annotator"], {})[pair] = label
    names = sorted(labels)
    cohen, cohen_shared = {}, {}
    for a, b in combinations(names, 2):
        shared = sorted(set(labels[a]) & set(labels[b]))
        if shared:
            cohen[f"{a}|{b}"] = cohen_kappa([labels[a][p] for p in shared], [labels[b][p] for p in shared])
            cohen_shared[f"{a}|{b}"] = len(shared)
    items: dict[tuple[int, int], dict[str, int]] = {}
    for per in labels.values():
        for pair, label in per.items():
            counts = items.setdefault(pair, {})
            counts[label] = counts.get(label, 0) + 1
    defined = [v for v in cohen.values() if v is not None]
    return Agreement(
        dimension, names, sum(1 for c in items.values() if sum(c.values()) >= 2), cohen,
        sum(defined) / len(defined) if defined else None, fleiss_kappa(list(items.values())), cohen_shared,
    )


def progress(store: Store) -> list[dict]:
    """Pairs judged per annotator, out of the queue's total."""
    total = len(queue_pairs(store))
    return [{"annotator": r["name"], "judged_pairs": len(judged_pairs(store, r["name"])), "total_pairs": total}
            for r in store.query("select name from annotators order by name")]


def cases_lacking_pairs(store: Store) -> list[int]:
    """Cases with fewer than two replies to compare (imported with a draft only, say)."""
    rows = store.query(
        f"""select c.id, count(r.id) n from cases c left join replies r on r.case_id = c.id
            and r.kind in ({','.join('?' * len(QUEUE_KINDS))}) group by c.id having n < 2 order by c.id""",
        list(QUEUE_KINDS),
    )
    return [r["id"] for r in rows]
