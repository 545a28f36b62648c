"""Training records from the store or a JSONL file: validated, deduplicated, split by case.

Record formats (the store's ``dpo_records`` / ``kto_records`` / ``sft_records``):

* DPO: ``{"case_id", "prompt": [chat messages], "chosen": str, "rejected": str}``
* KTO: ``{"case_id", "prompt": [chat messages], "completion": str, "label": bool}``
* SFT: ``{"case_id", "prompt": [chat messages], "completion": str}``

The split is by case so that no case is on both sides: otherwise a pair judged twice, or the two halves of an
accepted edit, would leak from training into validation and inflate held-out accuracy.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from empathy.errors import InputError
from empathy.files import read_jsonl

METHODS = ("sft", "dpo", "kto")
TEXT_FIELDS = {"dpo": ("chosen", "rejected"), "kto": ("completion",), "sft": ("completion",)}


@dataclass
class Split:
    method: str
    train: list[dict]
    validation: list[dict]
    dropped: dict = field(default_factory=dict)  # reason -> count (duplicates, identical pairs)

    def summary(self) -> dict:
        cases = lambda rows: len({r["case_id"] for r in rows})  # noqa: E731
        return {"method": self.method, "train": len(self.train), "validation": len(self.validation),
                "train_cases": cases(self.train), "validation_cases": cases(self.validation), "dropped": self.dropped}


def _check_messages(prompt, where: str) -> None:
    if not isinstance(prompt, list) or not prompt:
        raise InputError(f"{where}: 'prompt' must be a non-empty list of chat messages")
    for m in prompt:
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant") or not isinstance(m.get("content"), str):
            raise InputError(f"{where}: every prompt message needs a role (system/user/assistant) and text content")


def validate_records(records: list, method: str) -> list[dict]:
    """Refuse the whole set on the first malformed record, saying which one and why (nothing is trained)."""
    if method not in METHODS:
        raise InputError(f"unknown training method {method!r}; use one of {', '.join(METHODS)}")
    out = []
    for i, r in enumerate(records, 1):
        where = f"{method} record {i}"
        if not isinstance(r, dict):
            raise InputError(f"{where} is not an object")
        if "case_id" not in r or r["case_id"] is None or isinstance(r["case_id"], (list, dict, bool)):
            raise InputError(f"{where}: missing 'case_id' (needed to split by case)")
        _check_messages(r.get("prompt"), where)
        for f in TEXT_FIELDS[method]:
            if not isinstance(r.get(f), str) or not r[f].strip():
                raise InputError(f"{where}: '{f}' must be non-empty text")
        if method == "kto" and not isinstance(r.get("label"), bool):
            raise InputError(f"{where}: 'label' must be true or false")
        out.append(r)
    return out


def _key(r: dict, method: str) -> str:
    parts = [json.dumps(r["prompt"], sort_keys=True)] + [r[f].strip() for f in TEXT_FIELDS[method]]
    if method == "kto":
        parts.append(str(r["label"]))
    return "\x00".join(parts)


def dedupe(records: list[dict], method: str) -> tuple[list[dict], dict]:
    """Drop exact duplicates (same prompt and texts) and DPO pairs whose two texts are the same."""
    seen: set[str] = set()
    out, dropped = [], {"duplicates": 0, "identical_pair": 0, "conflicting_kto_labels": 0}
    kto_labels: dict[str, set] = {}
    for r in records:
        if method == "dpo" and r["chosen"].strip() == r["rejected"].strip():
            dropped["identical_pair"] += 1
            continue
        k = _key(r, method)
        if k in seen:
            dropped["duplicates"] += 1
            continue
        seen.add(k)
        if method == "kto":
            kto_labels.setdefault(json.dumps(r["prompt"], sort_keys=True) + "\x00" + r["completion"].strip(), set()).add(r["label"])
        out.append(r)
    if method == "kto":  # the same reply rated both up and down carries no signal
        conflicted = {k for k, labels in kto_labels.items() if len(labels) > 1}
        if conflicted:
            before = len(out)
            out = [r for r in out if json.dumps(r["prompt"], sort_keys=True) + "\x00" + r["completion"].strip() not in conflicted]
            dropped["conflicting_kto_labels"] = before - len(out)
    return out, {k: v for k, v in dropped.items() if v}


def split_by_case(records: list[dict], method: str, *, validation_fraction: float = 0.1, seed: int = 0,
                  min_train: int = 2) -> Split:
    """Validate, deduplicate and split; at least one case goes to validation whenever there are two or more."""
    records = validate_records(records, method)
    records, dropped = dedupe(records, method)
    if not records:
        raise InputError(f"no usable {method.upper()} records: {_advice(method)}")
    cases = sorted({str(r["case_id"]) for r in records})
    if len(cases) < 2:
        raise InputError(f"all {len(records)} {method.upper()} records come from one case; a train/validation split "
                         f"by case needs at least two cases ({_advice(method)})")
    rng = random.Random(seed)
    rng.shuffle(cases)
    n_val = min(len(cases) - 1, max(1, round(len(cases) * validation_fraction))) if validation_fraction > 0 else 0
    val_cases = set(cases[:n_val])
    train = [r for r in records if str(r["case_id"]) not in val_cases]
    validation = [r for r in records if str(r["case_id"]) in val_cases]
    if len(train) < min_train:
        raise InputError(f"only {len(train)} {method.upper()} training records after holding out validation cases; "
                         f"need at least {min_train} ({_advice(method)})")
    if method == "kto":
        labels = {r["label"] for r in train}
        if len(labels) < 2:
            which = "desirable (thumbs up)" if True not in labels else "undesirable (thumbs down)"
            raise InputError(f"KTO needs both good and bad examples; the training split has no {which} replies")
    return Split(method, train, validation, dropped)


def _advice(method: str) -> str:
    return {
        "dpo": "judge pairs of replies as A or B better (ties carry no preference) or accept edits, "
               "or build pairs with `empathy build-data`",
        "kto": "rate replies thumbs up and down or accept edits, or build data with `empathy build-data`",
        "sft": "accept edited replies in the app, or build data with `empathy build-data`",
    }[method]


def records_from_store(store, method: str, dimension: str = "overall") -> list[dict]:
    """The store's records for ``method``, with a specific error for a store that only has ties."""
    if method == "dpo":
        records = store.dpo_records(dimension)
        if not records:
            ties = store.query("select count(*) n from judgments where dimension = ? and choice = 'tie'", [dimension])[0]["n"]
            if ties:
                raise InputError(f"the store has {ties} judgment(s) on {dimension!r}, all ties: ties carry no preference; "
                                 f"{_advice('dpo')}")
    elif method == "kto":
        records = store.kto_records()
    elif method == "sft":
        records = store.sft_records()
    else:
        raise InputError(f"unknown training method {method!r}; use one of {', '.join(METHODS)}")
    if not records:
        raise InputError(f"the store {store.path} has no {method.upper()} data: {_advice(method)}")
    return records


def read_jsonl_records(path: str | Path) -> list[dict]:
    """Records from a JSONL file (as written by ``empathy build-data``); a bad line stops everything."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError(f"no such data file: {path}")
    out = read_jsonl(path)
    if not out:
        raise InputError(f"{path} has no records")
    return out


def dpo_to_kto(records: list[dict]) -> list[dict]:
    """Unpair DPO records: chosen desirable, rejected undesirable (as in the knowledge-and-comfort paper)."""
    out = []
    for r in records:
        out.append({"case_id": r["case_id"], "prompt": r["prompt"], "completion": r["chosen"], "label": True})
        out.append({"case_id": r["case_id"], "prompt": r["prompt"], "completion": r["rejected"], "label": False})
    return out


def dpo_to_sft(records: list[dict]) -> list[dict]:
    return [{"case_id": r["case_id"], "prompt": r["prompt"], "completion": r["chosen"]} for r in records]


def to_hf_dataset(records: list[dict], method: str):
    """A ``datasets.Dataset`` in TRL's conversational format (prompt messages, assistant completions)."""
    from datasets import Dataset

    assistant = lambda text: [{"role": "assistant", "content": text}]  # noqa: E731
    if method == "dpo":
        rows = [{"prompt": r["prompt"], "chosen": assistant(r["chosen"]), "rejected": assistant(r["rejected"])} for r in records]
    elif method == "kto":
        rows = [{"prompt": r["prompt"], "completion": assistant(r["completion"]), "label": r["label"]} for r in records]
    else:
        rows = [{"prompt": r["prompt"], "completion": assistant(r["completion"])} for r in records]
    return Dataset.from_list(rows)
