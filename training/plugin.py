"""The training plugin: adds ``build-data``, ``train`` and ``eval-model`` to the ``empathy`` command and the Retrain
tab to the app.

Registered under the entry-point group ``empathy_editor`` in ``pyproject.toml``; :mod:`empathy.plugins` finds it,
so the ``empathy`` package never imports ``training``.
"""

from __future__ import annotations


def register_commands(cli) -> None:
    from .cli import register  # click only; torch and TRL load inside the training functions

    register(cli)


def app_tabs() -> list[tuple[str, str, object]]:
    """(title, element id, build function) of each tab this plugin adds; ``build(settings, store)`` runs inside the
    app's Blocks."""
    from .ui_tab import build_retrain_tab

    return [("Retrain", "tab-retrain", build_retrain_tab)]
