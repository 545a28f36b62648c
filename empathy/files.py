"""Reading and writing files the product exchanges: one JSONL reader, one atomic writer.

Every batch input (``--jsonl``, imports, training data) is read by :func:`iter_jsonl`, so a bad line is reported the
same way everywhere; every output (exports, training data, adapters, model folders) goes through
:func:`atomic_path`, so an interrupted write never leaves half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError
from .inputs import decode_bytes


def iter_jsonl(data: bytes | str, source: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, object or None, error or None) for each non-blank line; a bad line does not stop the rest."""
    lines = data.split(b"\n") if isinstance(data, bytes) else data.split("\n")
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            line = decode_bytes(raw, f"{source} line {n}") if isinstance(raw, bytes) else raw
            obj = json.loads(line.lstrip("\ufeff"))
        except InputError as e:
            yield n, None, str(e)
            continue
        except ValueError as e:
            yield n, None, f"line {n} is not valid JSON: {e}"
            continue
        if not isinstance(obj, dict):
            yield n, None, f"line {n} is not a JSON object"
            continue
        yield n, obj, None


def read_jsonl(path: str | Path) -> list[dict]:
    """Every object of a JSONL file; a bad line stops everything with its line number."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None
    out = []
    for n, obj, error in iter_jsonl(data, str(path)):
        if error is not None:
            raise InputError(f"{path}: {error}" if error.startswith("line") else error)
        out.append(obj)
    return out


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write (a file or a folder); renamed onto ``path`` when the block ends
    without error, removed otherwise."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix + ".part")
    os.close(fd)
    os.unlink(name)  # the block creates a file or a folder there
    tmp = Path(name)
    try:
        yield tmp
        if path.is_dir() and tmp.is_dir():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def write_jsonl(records: Iterable[dict], path: str | Path) -> Path:
    """One JSON object per line, written atomically."""
    with atomic_path(path) as tmp:
        with tmp.open("w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    return Path(path).expanduser()
