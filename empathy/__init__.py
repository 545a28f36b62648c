"""Empathy Editor: edit physicians' replies for empathy without changing a medical fact."""

from .config import Settings
from .errors import EmpathyError, InputError, ModelError
from .generation import ReplyResult, edit_reply, generate_reply

__all__ = ["Settings", "ReplyResult", "edit_reply", "generate_reply", "EmpathyError", "InputError", "ModelError"]
__version__ = "0.1.0"
