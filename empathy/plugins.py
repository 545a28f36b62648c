"""Plugins: packages that add commands to the ``empathy`` CLI and tabs to the app, found through entry points (as
``llm`` finds its plugins), so the core never imports them.

A plugin is a module registered under the entry-point group ``empathy_editor`` that may define
``register_commands(cli)`` (add click commands) and ``app_tabs() -> [(title, elem_id, build(settings, store))]``.
The bundled ``training`` package is one (``pyproject.toml``).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType

GROUP = "empathy_editor"


@lru_cache(maxsize=1)
def plugins() -> tuple[ModuleType, ...]:
    """The installed plugin modules; one that fails to load is reported on stderr and skipped."""
    loaded = []
    for ep in entry_points(group=GROUP):
        try:
            loaded.append(ep.load())
        except Exception as e:  # noqa: BLE001 - a broken plugin must not take the product down
            print(f"empathy: plugin {ep.name!r} did not load: {type(e).__name__}: {e}", file=sys.stderr)
    return tuple(loaded)


def register_commands(cli) -> None:
    for plugin in plugins():
        if hasattr(plugin, "register_commands"):
            plugin.register_commands(cli)


def app_tabs() -> list[tuple[str, str, object]]:
    tabs = []
    for plugin in plugins():
        if hasattr(plugin, "app_tabs"):
            tabs.extend(plugin.app_tabs())
    return tabs
