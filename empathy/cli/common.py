"""What every command shares: model settings flags, text arguments, JSON and JSONL output."""

from __future__ import annotations

import functools
import json
import sys
from typing import Callable, Iterable

import click

from ..config import BACKENDS, Settings
from ..errors import EmpathyError, InputError
from ..files import iter_jsonl
from ..inputs import read_text_arg


def settings_options(f):
    """Add --backend/--model/... to a command and hand it a ready ``settings`` argument."""
    options = [
        click.option("--backend", type=click.Choice(BACKENDS), help="Model backend [env EMPATHY_BACKEND; default llama-cpp]."),
        click.option("--model", "-m", help="GGUF path, HF folder, or server model name [env EMPATHY_MODEL; default: embedded SmolLM2]."),
        click.option("--adapter", help="LoRA adapter GGUF for the llama-cpp backend [env EMPATHY_ADAPTER]."),
        click.option("--threads", type=int, help="CPU threads [env EMPATHY_THREADS]."),
        click.option("--n-ctx", type=int, help="Context size in tokens [env EMPATHY_N_CTX; default 2048]."),
        click.option("--base-url", help="OpenAI-compatible endpoint [env EMPATHY_BASE_URL]."),
        click.option("--db", help="SQLite database [env EMPATHY_DB; default ~/.empathy-editor/empathy.db]."),
    ]

    @functools.wraps(f)
    def wrapper(*args, backend, model, adapter, threads, n_ctx, base_url, db, **kwargs):
        settings = Settings.from_env(
            backend=backend, model=model, adapter=adapter, threads=threads, n_ctx=n_ctx, base_url=base_url, db=db
        )
        return f(*args, settings=settings, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def text_arg(value: str | None, field: str, required: bool = True) -> str | None:
    """Resolve a text / @file / - argument, refusing a missing one with a clear message."""
    text = read_text_arg(value, field)
    if text is None and required:
        raise InputError(f"{field} is required (give text, @file, or - for standard input)")
    return text


def emit(obj: dict) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


def read_jsonl(path: str) -> Iterable[tuple[int, dict | None, str | None]]:
    """Yield (line number, object or None, error or None) for each non-blank line."""
    if path == "-":
        data = sys.stdin.buffer.read()
        source = "standard input"
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror}") from None
        source = path
    yield from iter_jsonl(data, source)


def run_jsonl(path: str, required: tuple[str, ...], handle: Callable[[dict], dict]) -> int:
    """Apply ``handle`` to each line; a bad line becomes an error line for its id. Returns error count."""
    errors = 0
    for n, obj, error in read_jsonl(path):
        row_id = obj.get("id", n) if obj else n
        if error is None:
            missing = [k for k in required if not isinstance(obj.get(k), str)]
            if missing:
                error = f"line {n}: missing or non-text field(s): {', '.join(missing)}"
        if error is None:
            try:
                result = handle(obj)
            except EmpathyError as e:
                error = str(e)
        if error is not None:
            errors += 1
            emit({"id": row_id, "error": error})
        else:
            emit({"id": row_id, **result})
        sys.stdout.flush()
    return errors
