"""What a clinician sees about each reply: fact recall/precision against the draft, empathy, review flags.

The app's compose tab calls :func:`review_reply` for the original, edited and generated replies, and
:func:`tradeoff_curve` to plot empathy against fact precision across the four empathy levels for one case
(the editing paper's trade-off, per case), so the clinician can pick an operating point.
Fact checking, empathy scoring and emotion detection come from their own modules, imported on first use so that
the app starts without torch.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Callable

from ..backends import Backend
from ..emotion import detect_emotions
from ..facts import SHORT_ORIGINAL_CHARS, check_facts
from ..generation.editing import edit_reply
from ..scoring import score_empathy, warm_up

CRISIS_FLAG = "crisis_language"


@dataclass
class ReplyReview:
    kind: str  # original | edit | generate
    text: str
    recall: float | None = None  # facts of the draft kept (None for the draft itself)
    precision: float | None = None  # facts of this reply supported by the draft
    empathy: float | None = None
    empathy_band: str | None = None
    dimensions: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    needs_review: bool = False
    fact_report: dict | None = None
    scores: dict | None = None
    report: object = None  # the FactReport, for highlighting (not serialised)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("report", None)
        return d


def emotion_report(patient: str) -> dict:
    """Emotions and crisis language in the patient's message (regex only: fast)."""
    return detect_emotions(patient).to_dict()


def review_reply(patient: str, draft: str | None, text: str, kind: str, *, crisis: bool = False,
                 extra_flags: list[str] | tuple = ()) -> ReplyReview:
    """Facts against the draft (when there is one and this is not the draft), empathy score, flags.

    ``extra_flags``: what the writer of the reply found (``ReplyResult.flags``, e.g. ``not_clinician_voice``); they
    are kept, and any of them makes the reply one to review."""
    review = ReplyReview(kind=kind, text=text)
    flags: list[str] = []
    if draft and kind != "original":
        report = check_facts(draft, text, patient=patient)
        review.report = report
        review.fact_report = report.to_dict()
        review.recall, review.precision = report.recall, report.precision
        flags += list(report.flags)
        review.needs_review = report.needs_review
    elif draft and kind == "original":
        if len(draft.strip()) < SHORT_ORIGINAL_CHARS:
            flags.append("short_original")

    score = score_empathy(patient, text)
    review.scores = score.to_dict()
    review.empathy = round(score.overall, 3)
    review.empathy_band = score.band
    review.dimensions = {k: round(v.score, 3) for k, v in score.dimensions.items()}
    flags += [f for f in score.flags if f not in flags]
    ignore = {"short_original"} | ({"no_physician_draft"} if draft else set())  # checked here against the draft
    extra = [f for f in extra_flags if f not in flags and f not in ignore]
    if extra:
        flags += extra
        review.needs_review = True
    if crisis:
        flags.append(CRISIS_FLAG)
        review.needs_review = True
    review.flags = list(dict.fromkeys(flags))
    return review


def tradeoff_curve(patient: str, draft: str, *, backend: Backend, levels=(0, 1, 2, 3),
                   on_point: Callable[[dict], None] | None = None,
                   on_progress: Callable[[str], None] | None = None) -> list[dict]:
    """Edit the draft at each level; empathy and fact precision/recall of each edit (one point per level), with its
    review (flags, needs_review) and how it was made. ``on_progress`` gets "Level 2 (3 of 4): ..." lines.
    Crisis language in the patient's message makes every level's edit one to review, as in the compose view."""
    crisis = bool(emotion_report(patient).get("crisis"))
    points = []
    for n, level in enumerate(levels, 1):
        def progress(line, level=level, n=n):
            if on_progress:
                on_progress(f"Level {level} ({n} of {len(levels)}): {line}")

        result = edit_reply(patient, draft, level, backend=backend, on_progress=progress)
        progress("scoring empathy")
        review = review_reply(patient, draft, result.text, "edit", crisis=crisis, extra_flags=result.flags)
        point = {"level": level, "empathy": review.empathy, "precision": review.precision, "recall": review.recall,
                 "text": result.text, "path": result.path, "flags": review.flags, "needs_review": review.needs_review}
        points.append(point)
        if on_point:
            on_point(point)
    return points


_warm = threading.Event()


def warm_up_in_background() -> None:
    """Load the scorer and fact checker (torch, MiniLM) in a thread, once: called when a browser opens the page,
    so the first check does not wait ~30 s, while ``python app.py`` itself starts without torch."""
    if _warm.is_set():
        return
    _warm.set()

    def run():
        try:
            warm_up()
            check_facts("Take tamsulosin 0.4 mg daily.", "Please take tamsulosin 0.4 mg daily.")
        except Exception:  # a missing optional part shows up, with its message, on the first real check
            pass

    threading.Thread(target=run, daemon=True, name="empathy-warm-up").start()
