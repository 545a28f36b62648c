"""Writing replies with a model: edits of the physician's draft (checked and repaired) and replies generated from the
patient's message alone.

- :mod:`.cleanup`: what a small model writes, cleaned (echoes, preambles, loops);
- :mod:`.framing`: the physician's sentences verbatim with empathetic framing around them;
- :mod:`.editing`: ``edit_reply`` (first try, retry, framed, framed-bank) and ``generate_reply``;
- :mod:`.streaming`: a blocking call as a generator of progress events, for the app.
"""

from .cleanup import clean_model_text, cut_repetition
from .editing import ReplyResult, edit_once, edit_reply, generate_reply
from .framing import FramedEdit, bank_framing, framed_edit, framing_emotions, framing_guard

__all__ = ["FramedEdit", "ReplyResult", "bank_framing", "clean_model_text", "cut_repetition", "edit_once",
           "edit_reply", "framed_edit", "framing_emotions", "framing_guard", "generate_reply"]
