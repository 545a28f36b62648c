"""Everything the product writes down: the SQLite store (:mod:`.store`), its schema migrations (:mod:`.migrations`)
and the scrubbing of identifiers before any text is written (:mod:`.scrub`)."""

from .migrations import MIGRATIONS
from .scrub import scrub, scrub_text
from .store import CHOICES, HUMAN_MODEL, JUDGMENT_DIMENSIONS, PHYSICIAN_MODEL, REPLY_KINDS, Saved, Store

__all__ = ["CHOICES", "HUMAN_MODEL", "JUDGMENT_DIMENSIONS", "MIGRATIONS", "PHYSICIAN_MODEL", "REPLY_KINDS", "Saved", "Store",
           "scrub", "scrub_text"]
