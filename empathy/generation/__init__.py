"""Writing replies with a model: edits of the physician's draft (checked and repaired) and replies generated from the
patient's message alone.

- :mod:`.cleanup`: what a small model writes, cleaned (echoes, preambles, loops, sign-offs);
- :mod:`.concern`: what the patient wrote about (symptoms, results, wait, person, feelings) in clinician-ready words;
- :mod:`.templates`: framing sentences filled with that concern; :mod:`.bank`: the curated generic sentences;
- :mod:`.gate`: the sentence gate (the clinician's voice, on topic) for every sentence a model or template adds;
- :mod:`.framing`: the physician's sentences verbatim with checked framing around them;
- :mod:`.editing`: ``edit_reply`` (rewrite tries when the model deserves them, then framing) and ``generate_reply``;
- :mod:`.streaming`: a blocking call as a generator of progress events, for the app.
"""

from .cleanup import clean_generated_text, clean_model_text, cut_repetition
from .concern import Concern, extract_concern
from .editing import ReplyResult, edit_once, edit_reply, generate_reply
from .framing import FramedEdit, bank_framing, framed_edit, framing_emotions, framing_guard
from .gate import GateVerdict, gate_added, gate_sentence

__all__ = ["Concern", "FramedEdit", "GateVerdict", "ReplyResult", "bank_framing", "clean_generated_text", "clean_model_text",
           "cut_repetition", "edit_once", "edit_reply", "extract_concern", "framed_edit", "framing_emotions", "framing_guard",
           "gate_added", "gate_sentence", "generate_reply"]
