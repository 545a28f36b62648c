"""Validate and normalise the text a user gives us, with errors that say what to fix."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from .errors import InputError

# A portal message or a physician reply longer than this is not a message; refuse it rather
# than truncating silently (the model's context would cut it anyway).
MAX_CHARS = 8000

_CONTROL = {c for c in map(chr, range(32)) if c not in "\n\t"} | {"\x7f"}


def clean_text(text: str, field: str, *, max_chars: int = MAX_CHARS) -> str:
    """Return ``text`` NFC-normalised, without control characters; refuse empty or huge text."""
    if text is None:
        raise InputError(f"{field} is missing")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if ch not in _CONTROL and ch != "\ufeff")
    text = text.strip()
    if not text:
        raise InputError(f"{field} is empty")
    if len(text) > max_chars:
        raise InputError(
            f"{field} is {len(text):,} characters; the limit is {max_chars:,} (split it or shorten it)"
        )
    return text


def decode_bytes(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{source} is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save it as UTF-8 and try again"
        ) from None


def read_text_arg(value: str | None, field: str) -> str | None:
    """A CLI text argument: literal text, ``@path`` for a file, or ``-`` for standard input."""
    if value is None:
        return None
    if value == "-":
        return decode_bytes(sys.stdin.buffer.read(), "standard input")
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        if not path.is_file():
            raise InputError(f"{field}: no such file {str(path)!r}")
        return decode_bytes(path.read_bytes(), str(path))
    return value
