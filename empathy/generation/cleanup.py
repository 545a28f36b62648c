"""Clean-up of what a small model writes: preambles, prompt echoes, wrapping quotes and tags, repetition loops.

The embedded 135M model often repeats parts of the prompt (see :mod:`empathy.prompts`): everything from an echo on
is dropped, and an answer that starts with one is no answer.
"""

from __future__ import annotations

import re

from ..text import split_sentences

_PREAMBLE = re.compile(
    r"^\s*(?:(?:here(?:'s| is) (?:the |a |my )?(?:rewritten|revised|edited|updated)[^:\n]*|rewritten reply|revised reply|"
    r"edited reply|reply|response)\s*:\s*)",
    re.IGNORECASE,
)
_ECHO = re.compile(r"(?:^|\n|\s)(?:rewrite the physician|rewritten (?:physician'?s? )?(?:reply|response)|output only|"
                   r"physician'?s reply\s*:|(?:the )?patient'?s message(?: is)?\s*[(:]|you must keep these facts|"
                   r"<patient>|the patient'?s message is quoted|here is (?:the|a|my) (?:rewritten|revised))", re.IGNORECASE)
# Stop strings for edit calls: the model starts echoing the prompt with these.
STOP = ("Rewrite the physician", "Rewritten reply", "Rewritten Physician", "Output only", "Physician's reply:")
_LEADING_PATIENT = re.compile(r"^\s*<patient>.*?</patient>\s*", re.IGNORECASE | re.DOTALL)


def clean_model_text(text: str) -> str:
    """Strip preambles, prompt echoes, wrapping quotes and tags, and cut a repetition loop at its first repeat."""
    text = _LEADING_PATIENT.sub("", text.strip())  # adapters trained on the older, tagged prompt repeat it first
    text = _PREAMBLE.sub("", re.sub(r'\s*"""\s*', " ", text).strip())  # the prompt's quote delimiters
    m = _ECHO.search(text)
    if m and m.start() > 0:
        text = text[:m.start()]
    elif m:
        text = ""
    text = re.sub(r"</?(?:patient|reply|response)>", "", text, flags=re.IGNORECASE).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return cut_repetition(text)


def cut_repetition(text: str) -> str:
    """Keep sentences until one repeats an earlier one (small models loop)."""
    seen: set[str] = set()
    for start, end in split_sentences(text):
        key = re.sub(r"\W+", " ", text[start:end].lower()).strip()
        if key and key in seen:
            return text[:start].strip()
        seen.add(key)
    return text.strip()


# Sign-offs and placeholders a model adds to a reply it writes itself ("Best regards,", "[Your Name]", "Dr. [Name]").
_SIGN_OFF = re.compile(
    r"^\s*(?:(?:best|kind|warm(?:est)?|with (?:warm |best |kind )?)?\s*(?:regards|wishes)|sincerely|yours(?: truly| sincerely)?|"
    r"cheers|take care|respectfully|cordially)\b[^.!?]*$|^\s*(?:dr\.?|doctor)?\s*\[[^\]]*\]\s*[,.]?\s*$|"
    r"^\s*\[[^\]]*\b(?:name|signature|title|contact|clinic|practice|date|number|phone|email|address)\b[^\]]*\]",
    re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\s*\[(?:your|doctor'?s?|physician'?s?|my) (?:full )?(?:name|title|signature|contact[^\]]*)\]",
                          re.IGNORECASE)


def clean_generated_text(text: str) -> str:
    """A generated reply cleaned like an edit, then its sign-off lines and name placeholders removed, and an unfinished
    last sentence (the token budget ran out) dropped when there is more before it."""
    text = clean_model_text(text)
    lines = text.splitlines()
    while lines and (not lines[-1].strip() or _SIGN_OFF.search(lines[-1])):
        lines.pop()
    text = _PLACEHOLDER.sub("", "\n".join(lines)).strip()
    spans = split_sentences(text)
    if len(spans) > 1 and not re.search(r"[.!?][\"')\]]*$", text[spans[-1][0]:spans[-1][1]]):
        text = text[:spans[-1][0]].rstrip()
    return text
