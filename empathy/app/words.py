"""The words a clinician reads: plain names for review flags, empathy dimensions and emotions, and the one-line
verdict of each reply. Pure functions and tables, no HTML (escaping happens in :mod:`.render`).

Every flag of :data:`empathy.facts.FLAGS`, the scoring flags and the generation flags has a sentence here; a flag
this table does not know is still shown, with its underscores turned into spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

# What each flag means for the clinician reading the reply. The physician's draft is "your draft".
FLAG_TEXT = {
    # fact checker (empathy.facts.FLAGS)
    "missing_fact": "leaves out a fact from your draft",
    "changed_value": "changes a number or value from your draft (a dose, result, date or time)",
    "negation_flip": "turns a 'do' into a 'do not' (or the reverse) from your draft",
    "new_medication": "names a medication your draft does not",
    "new_test": "names a test your draft does not",
    "new_recommendation": "gives advice your draft does not",
    "false_reassurance": "reassures without grounds (\"nothing to worry about\")",
    "new_claim": "makes a medical statement your draft does not",
    "invented_detail": "says something about the patient that neither their message nor your draft does "
                       "(a child or relative, a name, an earlier visit)",
    "short_original": "your draft is short: edits of short drafts tend to add things, so check for additions",
    "low_precision": "more than 1 in 10 of its medical statements are not in your draft",
    # empathy scorer
    "empty_phrases": "uses stock phrases that can sound hollow",
    "repetition": "repeats itself",
    "crisis_language": "the patient's message mentions suicide or self-harm",
    # generation
    "no_physician_draft": "there is no draft to check its medical content against",
    "not_clinician_voice": "not written as the clinician: it speaks as the patient, leaves a placeholder such as "
                           "\"[Your Name]\", or has similar wording problems",
}

# Flags that make a reply unfit to send whatever else is right with it.
NOT_SAFE = ("not_clinician_voice",)
# Style only: the reply can go out after a read; the flag is a suggestion.
STYLE = ("empty_phrases", "repetition")
# Said on the edit card (about the draft), not on the physician's own draft.
DRAFT_NOTES = ("short_original",)

# The empathy scorer's dimensions as behaviours a reader recognises.
DIMENSION_TEXT = {
    "emotional_reactions": "warmth and concern",
    "interpretations": "understanding of the patient's situation",
    "explorations": "an invitation to ask or say more",
    "validation": "saying the feelings are natural",
    "comforting": "comfort",
    "reassuring": "grounded reassurance",
}

EMOTION_TEXT = {
    "fear": "afraid", "anxiety": "anxious", "embarrassment": "embarrassed", "frustration": "frustrated",
    "distrust": "distrustful", "sadness": "sad",
}

PATH_TEXT = {
    "first-try": "the model's first edit, checked",
    "retry": "the model's second try (told which facts to keep), checked",
    "framed": "your draft word for word, with checked sentences around it",
    "framed-bank": "your draft word for word, with standard sentences around it",
    "accepted": "your accepted version",
}

BAND_TEXT = {"low": "low", "medium": "moderate", "high": "high"}


def flag_text(flag: str) -> str:
    return FLAG_TEXT.get(flag, flag.replace("_", " "))


@dataclass(frozen=True)
class Verdict:
    """One line per reply: ``level`` is "ok", "review" or "not-safe"; ``text`` says why in plain words."""

    level: str
    text: str


def verdict(flags: list[str], *, needs_review: bool = False, kind: str = "edit") -> Verdict:
    """The verdict a clinician reads first: safe to send after a read, needs review (and why), or not safe."""
    flags = list(dict.fromkeys(flags))
    blocking = [f for f in flags if f in NOT_SAFE]
    if blocking:
        return Verdict("not-safe", "Not safe to send: " + "; ".join(flag_text(f) for f in blocking) + ".")
    review = [f for f in flags if f not in STYLE and f not in DRAFT_NOTES]
    if review:
        # the reply's own problems (two, then a count: the chips below list them all), then the patient's crisis
        crisis = "crisis_language" in review
        own = [f for f in review if f != "crisis_language"]
        parts = []
        if own:
            more = len(own) - 2
            parts.append("; ".join(flag_text(f) for f in own[:2]) + (f"; and {more} more (listed below)" if more > 0 else ""))
        if crisis:
            parts.append(flag_text("crisis_language") + " (see the banner above)")
        return Verdict("review", "Needs review: " + ". Also: ".join(parts) + ".")
    if needs_review:
        return Verdict("review", "Needs review: the fact check could not confirm every fact.")
    notes = [f for f in flags if f in STYLE or (f in DRAFT_NOTES and kind == "edit")]
    text = "Safe to send after a read."
    if kind == "generate":
        text = "Safe to send after a read: every medical statement matches your draft."
    return Verdict("ok", text + (" Note: " + "; ".join(flag_text(f) for f in notes) + "." if notes else ""))


def empathy_sentence(empathy: float | None, band: str | None, dimensions: dict[str, float]) -> str:
    """"Empathy: moderate (0.41). Shows: comfort. Some: warmth and concern. Missing: ..." """
    if empathy is None:
        return ""
    out = f"Warmth (empathy score): {BAND_TEXT.get(band or '', band or '')} ({empathy:.2f})."
    shown = [(DIMENSION_TEXT.get(k, k.replace("_", " ")), v) for k, v in dimensions.items()]
    present = [name for name, v in sorted(shown, key=lambda x: -x[1]) if v >= 0.5]
    partly = [name for name, v in shown if 0.2 <= v < 0.5]
    absent = [name for name, v in shown if v < 0.2]
    if present:
        out += f" Shows: {'; '.join(present)}."
    if partly:
        out += f" Some: {'; '.join(partly)}."
    if absent and len(absent) < len(shown):
        out += f" Missing: {'; '.join(absent)}."
    elif absent:
        out += " No empathic sentence found."
    return out


def emotion_sentence(result: dict | None) -> str:
    """"The patient sounds afraid (strongly) and sad." """
    if not result:
        return ""
    found = [e for e in result.get("emotions", []) if e != "none"]
    if not found:
        return "No strong emotion found in the patient's message."
    scores = result.get("scores", {})
    words = [EMOTION_TEXT.get(e, e) + (" (strongly)" if scores.get(e, 0) >= 0.7 else "") for e in found]
    return f"The patient sounds {_join(words)}."


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
