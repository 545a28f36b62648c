"""Login accounts for the app: a file of ``user:password`` lines, or ``EMPATHY_USERS="user:pw,user2:pw2"``.

With accounts, every judgment is attributed to the logged-in user; without, to the name typed in the app.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError


def parse_accounts(text: str, source: str) -> list[tuple[str, str]]:
    accounts = []
    for n, line in enumerate(text.replace(",", "\n").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise InputError(f"{source}: entry {n} is not user:password")
        accounts.append((user.strip(), password))
    if not accounts:
        raise InputError(f"{source} has no accounts (lines of user:password)")
    return accounts


def load_accounts(auth_file: str | None = None, env: dict | None = None) -> list[tuple[str, str]] | None:
    """Accounts from ``auth_file`` (wins) or ``EMPATHY_USERS``; None when neither is set (no login)."""
    env = os.environ if env is None else env
    if auth_file:
        path = Path(auth_file).expanduser()
        if not path.is_file():
            raise InputError(f"accounts file not found: {path}")
        return parse_accounts(path.read_text(encoding="utf-8"), str(path))
    if env.get("EMPATHY_USERS"):
        return parse_accounts(env["EMPATHY_USERS"], "EMPATHY_USERS")
    return None
