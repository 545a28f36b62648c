"""The compose workflow as a library object, with no widgets: the case is found or created (the same message and
draft is the same case), the draft edited and a reply generated, everything stored, then each reply reviewed (facts,
empathy, flags) and its scores stored.

Nothing unchecked is shown while the model works: :meth:`Session.compose` reports progress lines (which try, what
the checker is doing), never the model's text, and hands over each reply once it is written. The Compose tab renders
its events; the Annotate tab's "write replies" button and any script use :meth:`Session.compose_case`, so every
stored reply gets the same review. Gradio is not imported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from ..annotation import cases_lacking_pairs
from ..backends import Backend, get_backend
from ..config import Settings
from ..errors import ModelError
from ..generation import ReplyResult, edit_reply, generate_reply
from ..generation.streaming import TapBackend, run_streaming
from ..inputs import clean_text
from ..models import EMBEDDED_ID, list_models
from ..prompts import level_number
from ..store import PHYSICIAN_MODEL, Store
from .review import ReplyReview, emotion_report, review_reply


@dataclass
class Composed:
    """One composed case: the stored reply ids, what the model wrote and how each reply was reviewed."""

    case_id: int
    patient: str
    draft: str | None
    emotions: dict
    ids: dict[str, int] = field(default_factory=dict)  # "case", "original", "edit", "generate" -> row id
    results: dict[str, ReplyResult] = field(default_factory=dict)
    reviews: dict[str, ReplyReview] = field(default_factory=dict)
    review_error: str | None = None  # the replies are stored even when reviewing them failed
    new_case: bool = True  # False: this message and draft were already a case; the new replies were added to it
    new_replies: dict[str, bool] = field(default_factory=dict)  # kind -> False when the same reply was stored before

    @property
    def crisis(self) -> bool:
        return bool(self.emotions.get("crisis"))


class Session:
    """What the app's callbacks share: settings, the store, the models."""

    def __init__(self, settings: Settings, store: Store):
        self.settings = settings
        self.store = store

    # --- models -----------------------------------------------------------------------------------------------

    def model_choices(self) -> list[tuple[str, str]]:
        """(label, id) of every model the picker offers; trained adapters are labelled with their run."""
        if self.settings.backend != "llama-cpp":
            return [(f"{self.settings.backend}: {self.settings.model or 'default'}", "default")]
        runs = {r["adapter_path"]: r for r in self.store.training_runs() if r.get("adapter_path")}
        choices = []
        for m in list_models(self.settings.models_dir):
            label = f"{m.id} — {m.description}"
            run = runs.get(m.adapter)
            if run:
                label += f" ({run['method']} run {run['id']}, {run['status']})"
            choices.append((label, m.id))
        if self.settings.model:
            choices.insert(0, (f"{self.settings.model} (configured)", "default"))
        return choices or [("default", "default")]

    def backend(self, model_id: str | None) -> Backend:
        if not model_id or model_id == "default" or (model_id == EMBEDDED_ID and not self.settings.model):
            return get_backend(self.settings)
        for m in list_models(self.settings.models_dir):
            if m.id == model_id:
                return get_backend(replace(self.settings, model=m.path, adapter=m.adapter))
        raise ModelError(f"model {model_id!r} is no longer in {self.settings.models_dir}; refresh the model list")

    # --- compose ----------------------------------------------------------------------------------------------

    def compose(self, patient: str, draft: str | None, level: int | str, backend: Backend, *, by: str | None = None,
                case_id: int | None = None) -> Iterator[tuple[str, object]]:
        """Yield ("case", Composed) once the case is known, ("progress", (kind, line)) while the model writes and the
        checker works (kind "edit", "generate" or "review"), ("written", (kind, ReplyResult)) per reply, and
        ("done", Composed) once stored and reviewed. No event carries unchecked model text."""
        patient = clean_text(patient, "patient message")
        draft = clean_text(draft, "physician draft") if (draft or "").strip() else None
        level = level_number(level)
        new_case = True
        if case_id is None:
            saved = self.store.save_case(patient, draft, source="app", meta={"by": by})
            case_id, new_case = saved.id, saved.status == "new"
        composed = Composed(case_id, patient, draft, emotion_report(patient), ids={"case": case_id}, new_case=new_case)
        yield "case", composed
        jobs = []
        if draft:
            jobs.append(("edit", lambda emit: edit_reply(patient, draft, level, backend=backend,
                                                         on_progress=lambda line: emit("progress", ("edit", line)))))
        jobs.append(("generate", lambda emit: generate_reply(patient, level, backend=_WordCounter(backend, emit))))
        for kind, job in jobs:
            for event, value in run_streaming(job):
                if event == "progress":
                    yield "progress", value
                else:
                    composed.results[kind] = value
                    yield "written", (kind, value)
        self._store_replies(composed)
        yield "progress", ("review", "Checking the facts of each reply against your draft and scoring empathy")
        self._review(composed)
        yield "done", composed

    def compose_case(self, patient: str, draft: str | None, level: int | str, backend: Backend, **kwargs) -> Composed:
        """:meth:`compose` run to the end."""
        composed = None
        for event, value in self.compose(patient, draft, level, backend, **kwargs):
            if event == "done":
                composed = value
        return composed

    def _store_replies(self, composed: Composed) -> None:
        """Store first, review second: a failing checker never loses what the model wrote. A reply identical to one
        stored before for this case is that reply (the same row)."""
        original = [r["id"] for r in self.store.replies(composed.case_id) if r["kind"] == "original"]
        if original:
            composed.ids["original"] = original[0]
        elif composed.draft:
            composed.ids["original"] = self.store.add_reply(composed.case_id, composed.draft, kind="original",
                                                            model=PHYSICIAN_MODEL, prompt="", level=None)
        for kind, result in composed.results.items():
            saved = self.store.save_reply(composed.case_id, result.text, kind=kind, model=result.model,
                                          prompt=result.prompt, level=result.level, path=result.path)
            composed.ids[kind] = saved.id
            composed.new_replies[kind] = saved.status == "new"

    def _review(self, composed: Composed) -> None:
        try:
            for kind, result in composed.results.items():
                review = review_reply(composed.patient, composed.draft, result.text, kind, crisis=composed.crisis,
                                      extra_flags=result.flags)
                composed.reviews[kind] = review
                self.store.update_reply(composed.ids[kind], scores=review.scores, fact_report=review.fact_report)
            if composed.draft:
                review = review_reply(composed.patient, composed.draft, composed.draft, "original",
                                      crisis=composed.crisis)
                composed.reviews["original"] = review
                self.store.update_reply(composed.ids["original"], scores=review.scores)
        except Exception as e:  # noqa: BLE001 - the replies are saved; say what failed instead of hiding them
            composed.review_error = f"{type(e).__name__}: {e}"

    def fill_replies(self, backend: Backend, level: int = 1, limit: int | None = None,
                     on_progress: Callable[[str], None] | None = None) -> int:
        """Write (and review) an edited and a generated reply for cases with fewer than two replies to compare.
        ``on_progress`` gets "Case 2 of 5: ..." lines."""
        todo = cases_lacking_pairs(self.store)
        todo = todo[:limit] if limit else todo
        done = 0
        for n, case_id in enumerate(todo, 1):
            case = self.store.case(case_id)
            for event, value in self.compose(case["patient"], case["draft"], level, backend, case_id=case_id):
                if event == "progress" and on_progress:
                    kind, line = value
                    what = {"edit": "edit", "generate": "generated reply", "review": "check"}[kind]
                    on_progress(f"Case {n} of {len(todo)} ({what}): {line}")
            done += 1
        return done


class _WordCounter(TapBackend):
    """Reports how many words the model has written so far (never the words: they are not checked yet)."""

    def __init__(self, inner: Backend, emit):
        self._seen = 0

        def count(text: str) -> None:
            words = len(text.split())
            if words >= self._seen + 10:
                self._seen = words
                emit("progress", ("generate", f"The model is writing a reply from the patient's message alone "
                                              f"({words} words so far)"))

        emit("progress", ("generate", "The model is writing a reply from the patient's message alone"))
        super().__init__(inner, count)
