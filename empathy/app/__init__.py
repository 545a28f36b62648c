"""The Gradio app: the one place Gradio is imported.

- :mod:`.session`: the compose workflow (case, edit, generate, store, review) as a library object, no widgets;
- :mod:`.review`: what a clinician sees about each reply (facts, empathy, flags) and the level trade-off;
- :mod:`.render`, :mod:`.highlight`: HTML, every text escaped in one place;
- :mod:`.ui`: widgets wired to the functions above; :mod:`.accounts`: logins.
"""

from .ui import build_app, launch

__all__ = ["build_app", "launch"]
