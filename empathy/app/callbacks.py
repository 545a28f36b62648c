"""What the app's buttons do, as plain methods over a :class:`~empathy.app.session.Session`: they turn results into
widget values (HTML from :mod:`.render`, tables) and never raise for something a user can fix.

Every error is shown as a message where it happened (:func:`.render.error_html`) and stays until the next action;
no callback raises into Gradio (which would leave red "Error" badges on every output once the toast is gone).
Actions that take more than a moment are generators that report progress with counts.
"""

from __future__ import annotations

import logging
import time
from html import escape

import pandas as pd

from ..annotation import (
    agreement,
    import_cases,
    kappa_meaning,
    model_label,
    next_item,
    progress,
    record_votes,
    votes_summary,
    win_rates,
)
from ..errors import EmpathyError, InputError
from ..generation.streaming import run_streaming
from ..inputs import clean_text
from ..store import HUMAN_MODEL, PHYSICIAN_MODEL
from . import plots, render
from .review import tradeoff_curve
from .session import Session
from .words import verdict

log = logging.getLogger("empathy.app")

PAIRS = {
    "Edited (A) vs original (B)": ("edit", "original"),
    "Edited (A) vs generated (B)": ("edit", "generate"),
    "Original (A) vs generated (B)": ("original", "generate"),
}
VOTES = {"A better": "a", "B better": "b", "Equally good": "tie"}
TITLES = {"original": "Your draft (physician)", "edit": "Edited for empathy (LLM)",
          "generate": "Written from the message alone (LLM)"}
SHORT = {"original": "your draft", "edit": "edited reply", "generate": "generated reply"}
STEP_NAMES = {"edit": "editing your draft", "generate": "writing a reply from the message alone",
              "review": "checking facts and empathy"}


def who(name: str | None, request) -> str:
    """The logged-in user, else the typed name; judgments are always attributed."""
    user = getattr(request, "username", None) if request is not None else None
    name = user or (name or "").strip()
    if not name:
        raise InputError("type your name at the top (or log in) so that your judgments are attributed")
    return name


def _problem(e: Exception) -> str:
    """The message for an error: the user's to fix, or an unexpected one (logged with its traceback)."""
    if isinstance(e, EmpathyError):
        return str(e)
    log.exception("unexpected error in the app")
    return f"unexpected error ({type(e).__name__}: {e}). Nothing was lost; try again, and report it if it repeats."


def _seconds(start: float) -> str:
    return f"{time.perf_counter() - start:.0f} s"


class App:
    """Gradio callbacks over a Session: they turn its results into widget values."""

    def __init__(self, settings, store):
        self.session = Session(settings, store)
        self.settings = settings
        self.store = store

    def model_choices(self) -> list[tuple[str, str]]:
        return self.session.model_choices()

    def backend(self, model_id: str | None):
        return self.session.backend(model_id)

    # --- compose ----------------------------------------------------------------------------------------------

    def compose(self, patient, draft, level, model_id, name, request=None):
        """Generator of (case header, original, edit, generated, accept text, ids, status): progress while the
        model works (which step, which try, what the checker does), then each reply with its verdict."""
        by = getattr(request, "username", None) or (name or "").strip() or None
        start = time.perf_counter()
        header, ids, accept = "", {}, ""
        cards = {k: render.placeholder(TITLES[k], "") for k in TITLES}
        done_steps: list[str] = []
        composed, step_start = None, start
        try:
            backend = self.backend(model_id)
            events = self.session.compose(patient, draft, level, backend, by=by)
            for event, value in events:
                if event == "case":
                    composed, ids = value, dict(value.ids)
                    header = render.crisis_banner(composed.emotions) + render.emotion_html(composed.emotions)
                    steps = (["edit"] if composed.draft else []) + ["generate", "review"]
                    cards = {
                        "original": render.card(TITLES["original"], render.text_html(composed.draft)) if composed.draft
                        else render.placeholder(TITLES["original"], "no draft: only a reply written from the message"),
                        "edit": render.placeholder(TITLES["edit"], "waiting…" if composed.draft else "no draft to edit"),
                        "generate": render.placeholder(TITLES["generate"], "waiting…"),
                    }
                    seen = "" if composed.new_case else (f" This message and draft are already case "
                                                         f"{composed.case_id}: new replies are added to it.")
                    status = render.status_html(f"Step 1 of {len(steps)}: {STEP_NAMES[steps[0]]}…{seen}", state="busy")
                elif event == "progress":
                    kind, line = value
                    n = steps.index(kind) + 1
                    if kind in ("edit", "generate"):
                        cards[kind] = render.placeholder(TITLES[kind], f"{line}…")
                    status = render.status_html(f"Step {n} of {len(steps)}: {STEP_NAMES[kind]} ({_seconds(start)}). "
                                                f"{line}…{seen}", state="busy", steps=done_steps)
                elif event == "written":
                    kind, result = value
                    done_steps.append(f"{STEP_NAMES[kind].capitalize()}: done in {_seconds(step_start)}"
                                      + (f" ({len(result.attempts)} tries)" if len(result.attempts) > 1 else ""))
                    step_start = time.perf_counter()
                    cards[kind] = render.placeholder(TITLES[kind], "written; waiting for the fact check…")
                    status = render.status_html(f"{done_steps[-1]} ({_seconds(start)} so far)", state="busy",
                                                steps=done_steps)
                elif event == "done":
                    composed = value
                    ids, accept = dict(composed.ids), _edit_text(composed)
                    cards = self._result_cards(composed)
                    status = self._compose_status(composed, start)
                yield header, cards["original"], cards["edit"], cards["generate"], accept, ids, status
        except Exception as e:  # noqa: BLE001 - shown where it happened; nothing raised into Gradio
            for k in ("edit", "generate"):
                if "waiting" in cards[k] or "…" in cards[k]:
                    cards[k] = render.placeholder(TITLES[k], "not written: see the message under the button")
            yield header, cards["original"], cards["edit"], cards["generate"], accept, ids, render.error_html(_problem(e))

    def _result_cards(self, composed) -> dict[str, str]:
        cards = {}
        reviews, draft, results = composed.reviews, composed.draft, composed.results
        if composed.review_error:
            note = f"checking failed ({composed.review_error}); the replies are saved unchecked"
            cards["original"] = (render.card(TITLES["original"], render.text_html(draft)) if draft
                                 else render.placeholder(TITLES["original"], "no draft"))
            for kind in ("edit", "generate"):
                cards[kind] = (render.card(TITLES[kind], render.text_html(results[kind].text), note=note)
                               if kind in results else render.placeholder(TITLES[kind], "no draft to edit"))
            return cards
        if draft:
            edit = reviews["edit"]
            orig_html, edit_html = render.highlights(edit.report, edit.fact_report, draft, edit.text)
            cards["original"] = render.card(TITLES["original"], orig_html, reviews["original"])
            cards["edit"] = render.card(TITLES["edit"], edit_html, edit, attempts=results["edit"].attempts,
                                        path=results["edit"].path)
            g = reviews["generate"]
            _, gen_html = render.highlights(g.report, g.fact_report, draft, g.text)
        else:
            g = reviews["generate"]
            gen_html = render.text_html(g.text)
            cards["original"] = render.placeholder(TITLES["original"], "no draft: only a reply written from the message")
            cards["edit"] = render.placeholder(TITLES["edit"], "no draft to edit")
        cards["generate"] = render.card(TITLES["generate"], gen_html, g, attempts=results["generate"].attempts or None,
                                        path=None)
        return cards

    @staticmethod
    def _compose_status(composed, start: float) -> str:
        if composed.review_error:
            return render.error_html(f"saved as case {composed.case_id}, but checking failed "
                                     f"({composed.review_error}); the replies are saved unchecked.")
        again = [SHORT[k] for k, new in composed.new_replies.items() if not new]
        msg = f"Saved as case {composed.case_id} in {_seconds(start)}."
        if not composed.new_case:
            msg += " (This message and draft were already a case: the replies were added to it"
            msg += f"; the model wrote the same {' and '.join(again)} as before.)" if again else ".)"
        return render.status_html(msg + " Judge the replies below, or accept an edit.", state="done")

    def judge(self, ids, pair, empathy, accuracy, overall, name, request=None):
        try:
            user = who(name, request)
            first, second = PAIRS[pair]
            if not ids or first not in ids or second not in ids:
                raise InputError("edit and generate a case first (both replies of the pair are needed)")
            votes = {d: VOTES[v] for d, v in (("empathy", empathy), ("accuracy", accuracy), ("overall", overall)) if v}
            if not votes:
                raise InputError("choose A better, B better or equally good for at least one of empathy, accuracy, overall")
            saved = record_votes(self.store, user, ids[first], ids[second], votes)
        except Exception as e:  # noqa: BLE001
            return f"⚠ {_problem(e)}"
        return f"{votes_summary(saved)} by {user} on {pair.lower()}."

    def rate(self, ids, kind, value, name, request=None):
        try:
            user = who(name, request)
            if not ids or kind not in ids:
                raise InputError(f"there is no {SHORT.get(kind, kind)} to rate yet")
            saved = self.store.save_rating(user, ids[kind], value)
        except Exception as e:  # noqa: BLE001
            return f"⚠ {_problem(e)}"
        thumb = "thumbs up" if value > 0 else "thumbs down"
        extra = {"changed": f" (replaces your thumbs {'down' if value > 0 else 'up'})",
                 "same": " (already saved)"}.get(saved.status, "")
        return f"Saved {thumb} on the {SHORT[kind]} by {user}{extra}."

    def accept(self, ids, proposed_kind, text, name, request=None):
        try:
            user = who(name, request)
            if not ids or proposed_kind not in ids:
                raise InputError("there is no proposed reply to accept yet: edit and generate a case first")
            saved = self.store.save_accepted_edit(user, ids["case"], ids[proposed_kind], text)
        except Exception as e:  # noqa: BLE001
            return f"⚠ {_problem(e)}"
        if saved.status == "same":
            return "Accepted already: your version is saved as it is."
        if saved.status == "changed":
            return (f"Accepted your version: it replaces your earlier accepted version of this case (kept in the "
                    f"history), preferred over the {SHORT[proposed_kind]}.")
        return f"Accepted your version (accepted edit {saved.id}) as preferred over the {SHORT[proposed_kind]}."

    # --- the level trade-off ----------------------------------------------------------------------------------

    def tradeoff(self, patient, draft, model_id):
        """(points, table) for the four levels of this case; raises EmpathyError (for scripts and tests)."""
        points = self._tradeoff_points(patient, draft, model_id)
        return self._points_frame(points), self._tradeoff_table(points)

    def tradeoff_steps(self, patient, draft, model_id):
        """Generator of (status, plot HTML, table): progress per level ("Level 2 (3 of 4): ..."), then the plot."""
        start = time.perf_counter()
        empty = ""
        yield render.status_html("Editing your draft at levels 0-3 (4 edits)…", state="busy"), "", empty
        try:
            patient_, draft_ = self._tradeoff_inputs(patient, draft)
            backend = self.backend(model_id)
            run = run_streaming(lambda emit: tradeoff_curve(patient_, draft_, backend=backend,
                                                            on_progress=lambda line: emit("progress", line)))
            for event, value in run:
                if event == "progress":
                    yield render.status_html(f"{value}… ({_seconds(start)})", state="busy"), "", empty
                else:
                    points = value
        except Exception as e:  # noqa: BLE001
            yield render.error_html(_problem(e)), "", empty
            return
        yield (render.status_html(f"Done in {_seconds(start)}. {_level_advice(points)}", state="done"),
               plots.tradeoff_svg(points), render.levels_html(points))

    @staticmethod
    def _tradeoff_inputs(patient, draft) -> tuple[str, str]:
        patient = clean_text(patient, "patient message")
        if not (draft or "").strip():
            raise InputError("the level comparison edits the physician draft: paste a draft first")
        return patient, clean_text(draft, "physician draft")

    def _tradeoff_points(self, patient, draft, model_id) -> list[dict]:
        patient, draft = self._tradeoff_inputs(patient, draft)
        return tradeoff_curve(patient, draft, backend=self.backend(model_id))

    @staticmethod
    def _points_frame(points) -> pd.DataFrame:
        return pd.DataFrame([{"level": str(p["level"]), "fact precision": p["precision"], "empathy": p["empathy"],
                              "fact recall": p["recall"]} for p in points])

    @staticmethod
    def _tradeoff_table(points) -> pd.DataFrame:
        return pd.DataFrame([{"Level": p["level"], "Empathy": p["empathy"], "Fact precision": p["precision"],
                              "Fact recall": p["recall"],
                              "Verdict": verdict(p.get("flags", []), needs_review=p.get("needs_review", False)).text,
                              "Edit": p["text"]} for p in points])

    # --- annotation -------------------------------------------------------------------------------------------

    def import_batch(self, file, source) -> str:
        """Import a file or datasets source; the message says what was added (duplicates are not added twice)."""
        message = ""
        for message in self.import_steps(file, source):
            pass
        return message

    def import_steps(self, file, source):
        """Generator of messages: rows read so far, then what was imported; "⚠ ..." for an error."""
        path = getattr(file, "name", file) if file else (source or "").strip()
        if not path:
            yield "⚠ choose a CSV/JSONL/Parquet file or type a datasets source"
            return
        yield "… Reading the batch"
        try:
            run = run_streaming(lambda emit: import_cases(
                self.store, str(path), on_row=lambda n, r: emit("row", (n, r.cases, r.existing_cases)) if n % 10 == 0
                else None))
            for event, value in run:
                if event == "row":
                    n, new, old = value
                    yield f"… Row {n} read: {new} new case(s), {old} already stored"
                else:
                    report = value
        except Exception as e:  # noqa: BLE001
            yield f"⚠ {_problem(e)}"
            return
        msg = report.summary()
        if report.skipped:
            msg += " Skipped: " + "; ".join(f"row {n}: {e}" for n, e in report.skipped[:5])
        yield msg

    def fill(self, level, model_id):
        """Generator of messages: which case of how many, what the model and the checker are doing ("… " while
        busy, "⚠ " for an error)."""
        start = time.perf_counter()
        yield "… Finding cases with fewer than two replies"
        try:
            backend = self.backend(model_id)
            run = run_streaming(lambda emit: self.session.fill_replies(
                backend, int(level), on_progress=lambda line: emit("progress", line)))
            for event, value in run:
                if event == "progress":
                    yield f"… {value} ({_seconds(start)})"
                else:
                    n = value
        except Exception as e:  # noqa: BLE001
            yield f"⚠ {_problem(e)}"
            return
        yield f"Wrote replies for {n} case(s) that had fewer than two replies to compare ({_seconds(start)})."

    def next_pair(self, name, request=None):
        """(patient HTML, reply A HTML, reply B HTML, pair ids, progress text, reveal HTML); progress is plain text
        ("⚠ ..." for an error)."""
        try:
            user = who(name, request)
            item = next_item(self.store, user)
        except Exception as e:  # noqa: BLE001
            msg = _problem(e)
            return "", render.placeholder("Reply A", msg), render.placeholder("Reply B", ""), None, f"⚠ {msg}", ""
        if item is None:
            done = render.placeholder("Reply A", "Nothing left to judge.")
            return "", done, render.placeholder("Reply B", ""), None, f"All pairs judged by {user}. Thank you!", ""
        patient = render.card("Patient message", render.text_html(item.patient))
        pair = {"a": item.reply_a["id"], "b": item.reply_b["id"]}
        return (patient, render.card("Reply A", render.text_html(item.reply_a["text"])),
                render.card("Reply B", render.text_html(item.reply_b["text"])), pair, item.progress, "")

    def vote(self, pair, empathy, accuracy, overall, name, request=None):
        try:
            user = who(name, request)
            if not pair:
                raise InputError("load a pair first (Next pair)")
            votes = {d: VOTES[v] for d, v in (("empathy", empathy), ("accuracy", accuracy), ("overall", overall)) if v}
            saved = record_votes(self.store, user, pair["a"], pair["b"], votes)
            a, b = self.store.reply(pair["a"]), self.store.reply(pair["b"])
        except Exception as e:  # noqa: BLE001
            return f"⚠ {_problem(e)}", ""
        level = lambda r: "" if r["level"] is None else f", level {r['level']}"  # noqa: E731
        reveal = (f"<div class='ee-metrics'>A was <b>{escape(model_label(a['model'], a['kind']))}{level(a)}</b>; "
                  f"B was <b>{escape(model_label(b['model'], b['kind']))}{level(b)}</b>.</div>")
        return (f"{votes_summary(saved)}. Models revealed below; voting again replaces your vote. "
                "Press Next pair to go on.", reveal)

    # --- dashboard --------------------------------------------------------------------------------------------

    def dashboard(self, dimension):
        """(summary, win rates table, plot data, agreement table, progress table) for ``dimension``."""
        rates = pd.DataFrame([w.to_dict() for w in win_rates(self.store, dimension)],
                             columns=["model", "level", "wins", "losses", "ties", "n", "win_rate"])
        rates["level"] = rates["level"].map(lambda v: "-" if v is None or v != v else str(int(v)))
        plot = rates.assign(label=rates["model"] + rates["level"].map(lambda v: "" if v == "-" else f", level {v}"))
        plot = plot[["label", "win_rate"]]
        ag = agreement(self.store, dimension)
        rows = [{"Annotators": k.replace("|", " and "), "Pairs both judged": ag.cohen_shared.get(k, 0),
                 "Agreement (Cohen's kappa)": None if v is None else round(v, 2),
                 "What it means": kappa_meaning(v, ag.cohen_shared.get(k, 0))} for k, v in ag.cohen.items()]
        rows.append({"Annotators": f"all {_count(len(ag.annotators), 'annotator')} (Fleiss' kappa)", "Pairs both judged": ag.shared_items,
                     "Agreement (Cohen's kappa)": None if ag.fleiss is None else round(ag.fleiss, 2),
                     "What it means": kappa_meaning(ag.fleiss, ag.shared_items)})
        stats = self.store.stats()
        summary = " · ".join(_count(n, word) for n, word in (
            (stats["cases"], "case"), (stats["replies"], "reply"), (stats["judgments"], "judgment"),
            (stats["accepted_edits"], "accepted edit"))) + f" · {_count(ag.shared_items, 'pair')} judged by 2+ annotators"
        kinds = rates["model"].map(_source)
        table = pd.DataFrame({"Reply": kinds.map(lambda k: k[0]), "Model": kinds.map(lambda k: k[1])}).join(
            rates.drop(columns=["model"]).rename(columns={
                "level": "Empathy level", "wins": "Preferred", "losses": "Not preferred", "ties": "Equally good",
                "n": "Times compared", "win_rate": "Preferred share (ties count half)"}))
        prog = pd.DataFrame(progress(self.store), columns=["annotator", "judged_pairs", "total_pairs"]).rename(
            columns={"annotator": "Annotator", "judged_pairs": "Pairs judged", "total_pairs": "Pairs in the queue"})
        return summary, table, plot, pd.DataFrame(rows), prog

    def dashboard_view(self, dimension):
        """The dashboard as widget values: the bar plot drawn as SVG; an error shown in the summary line."""
        try:
            summary, table, plot, kappa, prog = self.dashboard(dimension)
        except Exception as e:  # noqa: BLE001
            empty = pd.DataFrame()
            return render.error_html(_problem(e)), empty, "", empty, empty
        bars = plots.bars_svg([{"label": r["Reply"] + ("" if r["Empathy level"] == "-" else f", level {r['Empathy level']}"),
                                "sublabel": r["Model"], "value": r["Preferred share (ties count half)"],
                                "n": r["Times compared"]} for r in table.to_dict("records")])
        return render.status_html(summary), table, bars, kappa, prog

    # --- API for scripts and load tests ----------------------------------------------------------------------

    def api_judgment(self, annotator: str, reply_a: int, reply_b: int, choice: str, dimension: str = "overall",
                     request=None) -> int:
        """Record one judgment; returns its id (attributed to the logged-in user when there is a login). A second
        judgment of the same pair and dimension by the same annotator replaces the first (same id)."""
        import gradio as gr

        try:
            return self.store.add_judgment(who(annotator, request), int(reply_a), int(reply_b), choice, dimension)
        except EmpathyError as e:
            raise gr.Error(str(e))


def _count(n: int, word: str) -> str:
    """ "1 case", "2 cases", "3 replies"."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def _source(label: str) -> tuple[str, str]:
    """("LLM edit", model) from a win-rate label such as "smollm2 (edit)"; the physician's and clinicians' rows."""
    for kind, words in (("edit", "LLM edit"), ("generate", "LLM reply (message only)")):
        if label.endswith(f" ({kind})"):
            return words, label[: -len(kind) - 3]
    if label == PHYSICIAN_MODEL:
        return "Physician's draft", ""
    if label == HUMAN_MODEL:
        return "Clinician's accepted version", ""
    return label, ""


def _level_advice(points: list[dict]) -> str:
    """Which level to use, in one sentence."""
    if len({" ".join((p.get("text") or "").split()) for p in points}) == 1:
        return "Every level gave the same edit."
    if any("crisis_language" in p.get("flags", []) for p in points):
        return ("The patient's message mentions suicide or self-harm: contact the patient first; every level's edit "
                "needs review.")
    ok = [p for p in points if verdict(p.get("flags", []), needs_review=p.get("needs_review", False)).level == "ok"]
    if not ok:
        return "No level's edit is safe to send without review for this draft."
    best = max(ok, key=lambda p: (p["empathy"] or 0, -p["level"]))
    return f"The warmest edit that is safe to send after a read: level {best['level']}."


def _edit_text(composed) -> str:
    """The edit's text for the "accept with my changes" box."""
    result = composed.results.get("edit") if composed else None
    return result.text if result else ""
