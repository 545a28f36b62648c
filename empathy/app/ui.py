"""The Gradio app. Thin: it wires widgets to library functions (session, store, review, annotation, render).

Tabs: Compose (edit and generate, facts and empathy, judge, accept an edit, trade-off plot), Annotate (import,
blind queue), Dashboard (win rates, agreement), and tabs from plugins (the training package's Retrain tab).
Every user or model text shown as HTML is escaped in :mod:`empathy.app.render`.
"""

# No "from __future__ import annotations": Gradio reads the gr.Request annotations at runtime.

from html import escape

import gradio as gr
import pandas as pd

from ..annotation import (
    agreement,
    import_cases,
    model_label,
    next_item,
    progress,
    record_votes,
    win_rates,
)
from ..backends import get_backend
from ..config import Settings
from ..errors import EmpathyError, InputError
from ..inputs import clean_text
from ..plugins import app_tabs
from ..store import Store
from . import render
from .accounts import load_accounts
from .review import tradeoff_curve, warm_up_in_background
from .session import Session

PAIRS = {
    "Edited (A) vs original (B)": ("edit", "original"),
    "Edited (A) vs generated (B)": ("edit", "generate"),
    "Original (A) vs generated (B)": ("original", "generate"),
}
VOTES = {"A better": "a", "B better": "b", "Equally good": "tie"}
TITLES = {"original": "Original (physician)", "edit": "LLM-edited", "generate": "LLM-generated"}


def who(name: str | None, request) -> str:
    """The logged-in user, else the typed name; judgments are always attributed."""
    user = getattr(request, "username", None) if request is not None else None
    name = user or (name or "").strip()
    if not name:
        raise InputError("type your name at the top (or log in) so that your judgments are attributed")
    return name


class App:
    """Gradio callbacks over a :class:`~empathy.app.session.Session`: they turn its results into widget values."""

    def __init__(self, settings: Settings, store):
        self.session = Session(settings, store)
        self.settings = settings
        self.store = store

    def model_choices(self) -> list[tuple[str, str]]:
        return self.session.model_choices()

    def backend(self, model_id: str | None):
        return self.session.backend(model_id)

    # --- compose ----------------------------------------------------------------------------------------------

    def compose(self, patient, draft, level, model_id, name, request=None):
        """Generator: stream the edit and the generated reply, then show facts, empathy and flags."""
        by = getattr(request, "username", None) or (name or "").strip() or None
        cards: dict[str, str] = {}
        composed = None
        try:
            backend = self.backend(model_id)
            for event, value in self.session.compose(patient, draft, level, backend, by=by):
                if event == "case":
                    composed = value
                    emo = render.emotion_html(composed.emotions)
                    draft = composed.draft
                    cards = {
                        "original": render.card(TITLES["original"], render.text_html(draft)) if draft
                        else render.placeholder(TITLES["original"], "no draft: only a generated reply"),
                        "edit": render.placeholder(TITLES["edit"], "waiting…" if draft else "no draft to edit"),
                        "generate": render.placeholder(TITLES["generate"], "waiting…"),
                    }
                    yield emo, cards["original"], cards["edit"], cards["generate"], "", composed.ids, "Writing the edit…"
                elif event == "text":
                    kind, text = value
                    cards[kind] = render.card(TITLES[kind], render.text_html(text), note="writing…")
                    yield emo, cards["original"], cards["edit"], cards["generate"], "", composed.ids, f"Writing the {kind}…"
                elif event == "written":
                    kind, result = value
                    cards[kind] = render.card(TITLES[kind], render.text_html(result.text), note="checking facts…")
                    yield (emo, cards["original"], cards["edit"], cards["generate"], _edit_text(composed), composed.ids,
                           "Checking…")
        except EmpathyError as e:
            raise gr.Error(str(e))
        if composed.review_error:
            note = f"checking failed ({composed.review_error}); the replies are saved unchecked"
            for kind, result in composed.results.items():
                cards[kind] = render.card(TITLES[kind], render.text_html(result.text), note=note)
            yield (emo, cards["original"], cards["edit"], cards["generate"], _edit_text(composed), composed.ids,
                   f"Saved as case {composed.case_id}, but {note}.")
            return
        reviews, draft = composed.reviews, composed.draft
        if draft:
            edit = reviews["edit"]
            orig_html, edit_html = render.highlights(edit.report, edit.fact_report, draft, edit.text)
            cards["original"] = render.card(TITLES["original"], orig_html, reviews["original"])
            cards["edit"] = render.card(TITLES["edit"], edit_html, edit)
            g = reviews["generate"]
            _, gen_html = render.highlights(g.report, g.fact_report, draft, g.text)
            cards["generate"] = render.card(TITLES["generate"], gen_html, g)
        else:
            g = reviews["generate"]
            cards["generate"] = render.card(TITLES["generate"], render.text_html(g.text), g)
        status = f"Saved as case {composed.case_id}. Judge the replies below, or accept an edit."
        yield emo, cards["original"], cards["edit"], cards["generate"], _edit_text(composed), composed.ids, status

    def judge(self, ids, pair, empathy, accuracy, overall, name, request=None):
        try:
            user = who(name, request)
            first, second = PAIRS[pair]
            if not ids or first not in ids or second not in ids:
                raise InputError("edit and generate a case first (both replies of the pair are needed)")
            votes = {d: VOTES[v] for d, v in (("empathy", empathy), ("accuracy", accuracy), ("overall", overall)) if v}
            if not votes:
                raise InputError("choose A better, B better or equally good for at least one of empathy, accuracy, overall")
            for dim, choice in votes.items():
                self.store.add_judgment(user, ids[first], ids[second], choice, dim)
        except EmpathyError as e:
            return f"⚠ {e}"
        return f"Saved {len(votes)} judgment(s) by {user} on {pair.lower()}."

    def rate(self, ids, kind, value, name, request=None):
        try:
            user = who(name, request)
            if not ids or kind not in ids:
                raise InputError(f"there is no {kind} reply to rate yet")
            self.store.add_rating(user, ids[kind], value)
        except EmpathyError as e:
            return f"⚠ {e}"
        return f"Saved {'👍' if value > 0 else '👎'} on the {TITLES[kind].lower()} reply by {user}."

    def accept(self, ids, proposed_kind, text, name, request=None):
        try:
            user = who(name, request)
            if not ids or proposed_kind not in ids:
                raise InputError("there is no proposed reply to accept yet: edit and generate a case first")
            edit_id = self.store.add_accepted_edit(user, ids["case"], ids[proposed_kind], text)
        except EmpathyError as e:
            return f"⚠ {e}"
        return f"Accepted your version (accepted edit {edit_id}) as preferred over the {TITLES[proposed_kind].lower()} reply."

    def tradeoff(self, patient, draft, model_id):

        try:
            patient = clean_text(patient, "patient message")
            if not (draft or "").strip():
                raise InputError("the trade-off curve edits the physician draft: paste a draft first")
            points = tradeoff_curve(patient, clean_text(draft, "physician draft"), backend=self.backend(model_id))
        except EmpathyError as e:
            raise gr.Error(str(e))
        df = pd.DataFrame([{"level": str(p["level"]), "fact precision": p["precision"], "empathy": p["empathy"],
                            "fact recall": p["recall"]} for p in points])
        return df, df

    # --- annotation -------------------------------------------------------------------------------------------

    def import_batch(self, file, source):
        path = getattr(file, "name", file) if file else (source or "").strip()
        if not path:
            return "Choose a CSV/JSONL/Parquet file or type a datasets source."
        try:
            report = import_cases(self.store, str(path))
        except EmpathyError as e:
            return f"⚠ {e}"
        msg = f"Imported {report.cases} cases and {report.replies} replies."
        if report.skipped:
            msg += f" Skipped {len(report.skipped)}: " + "; ".join(f"row {n}: {e}" for n, e in report.skipped[:5])
        return msg

    def fill(self, level, model_id):
        try:
            n = self.session.fill_replies(self.backend(model_id), int(level))
        except EmpathyError as e:
            return f"⚠ {e}"
        return f"Wrote replies for {n} case(s) that had fewer than two replies to compare."

    def next_pair(self, name, request=None):
        try:
            user = who(name, request)
            item = next_item(self.store, user)
        except EmpathyError as e:
            return "", render.placeholder("Reply A", str(e)), render.placeholder("Reply B", ""), None, f"⚠ {e}", ""
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
                raise InputError("load a pair first")
            votes = {d: VOTES[v] for d, v in (("empathy", empathy), ("accuracy", accuracy), ("overall", overall)) if v}
            record_votes(self.store, user, pair["a"], pair["b"], votes)
            a, b = self.store.reply(pair["a"]), self.store.reply(pair["b"])
        except EmpathyError as e:
            return f"⚠ {e}", ""
        level = lambda r: "" if r["level"] is None else f", level {r['level']}"  # noqa: E731
        reveal = (f"<div class='ee-metrics'>A was <b>{escape(model_label(a['model'], a['kind']))}{level(a)}</b>; "
                  f"B was <b>{escape(model_label(b['model'], b['kind']))}{level(b)}</b>.</div>")
        return f"Saved {len(votes)} judgment(s). Models revealed below; press Next pair.", reveal

    # --- dashboard --------------------------------------------------------------------------------------------

    def dashboard(self, dimension):

        rates = pd.DataFrame([w.to_dict() for w in win_rates(self.store, dimension)],
                             columns=["model", "level", "wins", "losses", "ties", "n", "win_rate"])
        rates["level"] = rates["level"].map(lambda v: "-" if v is None or v != v else str(int(v)))
        plot = rates.assign(label=rates["model"] + rates["level"].map(lambda v: "" if v == "-" else f" L{v}"))
        plot = plot[["label", "win_rate"]]
        ag = agreement(self.store, dimension).to_dict()
        ag_rows = [{"annotators": k.replace("|", " & "), "Cohen's kappa": v} for k, v in ag["cohen"].items()]
        ag_rows.append({"annotators": f"all ({len(ag['annotators'])}), Fleiss", "Cohen's kappa": ag["fleiss"]})
        stats = self.store.stats()
        summary = (f"{stats['cases']} cases · {stats['replies']} replies · {stats['judgments']} judgments · "
                   f"{stats['accepted_edits']} accepted edits · {ag['shared_items']} pairs judged by 2+ annotators")
        return summary, rates, plot, pd.DataFrame(ag_rows), pd.DataFrame(progress(self.store))

    # --- API for scripts and load tests ----------------------------------------------------------------------

    def api_judgment(self, annotator: str, reply_a: int, reply_b: int, choice: str, dimension: str = "overall",
                     request=None) -> int:
        """Record one judgment; returns its id (attributed to the logged-in user when there is a login)."""

        try:
            return self.store.add_judgment(who(annotator, request), int(reply_a), int(reply_b), choice, dimension)
        except EmpathyError as e:
            raise gr.Error(str(e))


def _edit_text(composed) -> str:
    """The edit's text for the "accept with my changes" box."""
    result = composed.results.get("edit") if composed else None
    return result.text if result else ""


def build_app(settings: Settings, store=None, *, load_model: bool = True):
    """The Blocks app. Loads the default model first (unless ``load_model`` is false) so the first edit is quick."""

    store = store or Store(settings.db)
    app = App(settings, store)
    if load_model:
        get_backend(settings)
    choices = app.model_choices()

    with gr.Blocks(title="Empathy Editor") as blocks:
        gr.Markdown("## Empathy Editor\nEdit a physician's reply for empathy without changing a medical fact.")
        name = gr.Textbox(label="Your name (judgments are attributed to it; ignored when you are logged in)",
                          elem_id="who", max_lines=1)
        ids = gr.State({})
        with gr.Tab("Compose", elem_id="tab-compose"):
            with gr.Row():
                patient = gr.Textbox(label="Patient message", lines=6, elem_id="patient")
                draft = gr.Textbox(label="Physician draft", lines=6, elem_id="draft")
            with gr.Row():
                level = gr.Slider(0, 3, value=1, step=1, label="Empathy level (0 none · 1 standard · 2 high · 3 extreme)",
                                  elem_id="level")
                model = gr.Dropdown(choices, value=choices[0][1], label="Model (GGUF files and trained adapters)",
                                    elem_id="model")
                refresh_models = gr.Button("↻ models", elem_id="refresh-models", scale=0)
                go = gr.Button("Edit and generate", variant="primary", elem_id="go")
            status = gr.Markdown("", elem_id="status")
            emotion = gr.HTML("", elem_id="emotion")
            gr.HTML(render.legend(), elem_id="legend")
            with gr.Row(equal_height=False):
                card_original = gr.HTML(render.placeholder(TITLES["original"], "paste a case and press Edit and generate"),
                                        elem_id="card-original")
                card_edit = gr.HTML(render.placeholder(TITLES["edit"], ""), elem_id="card-edit")
                card_generate = gr.HTML(render.placeholder(TITLES["generate"], ""), elem_id="card-generate")
            with gr.Accordion("Judge these replies", open=True):
                pair = gr.Radio(list(PAIRS), value=list(PAIRS)[0], label="Pair", elem_id="pair")
                with gr.Row():
                    v_emp = gr.Radio(list(VOTES), label="Empathy", elem_id="vote-empathy")
                    v_acc = gr.Radio(list(VOTES), label="Accuracy", elem_id="vote-accuracy")
                    v_all = gr.Radio(list(VOTES), label="Overall", elem_id="vote-overall")
                vote_btn = gr.Button("Save judgment", elem_id="vote")
                with gr.Row():
                    rate_kind = gr.Radio([(TITLES[k], k) for k in TITLES], value="edit", label="Rate one reply",
                                         elem_id="rate-kind")
                    up = gr.Button("👍", elem_id="thumbs-up", scale=0)
                    down = gr.Button("👎", elem_id="thumbs-down", scale=0)
                judge_status = gr.Markdown("", elem_id="judge-status")
            with gr.Accordion("Accept with my changes", open=True):
                accept_from = gr.Radio([(TITLES["edit"], "edit"), (TITLES["generate"], "generate")], value="edit",
                                       label="Proposed reply", elem_id="accept-from")
                accept_text = gr.Textbox(label="Your version (edit in place, then accept)", lines=5, elem_id="accept-text")
                accept_btn = gr.Button("Accept with my changes", elem_id="accept")
                accept_status = gr.Markdown("", elem_id="accept-status")
            with gr.Accordion("Empathy against fact precision across levels (this case)", open=False):
                curve_btn = gr.Button("Edit at levels 0-3 and plot", elem_id="curve")
                curve = gr.ScatterPlot(x="fact precision", y="empathy", color="level", x_lim=[0, 1.05], y_lim=[0, 1],
                                       label="Pick an operating point: higher empathy, precision near 1")
                curve_table = gr.Dataframe(label="Points", interactive=False)

        with gr.Tab("Annotate", elem_id="tab-annotate"):
            with gr.Row():
                batch = gr.File(label="Import cases (CSV, JSONL, Parquet)", file_types=[".csv", ".jsonl", ".json", ".parquet"])
                source = gr.Textbox(label="…or a datasets source (local folder or cached name)", max_lines=1)
            with gr.Row():
                import_btn = gr.Button("Import")
                fill_btn = gr.Button("Write replies for cases with fewer than two (uses the model)")
            import_status = gr.Markdown("")
            next_btn = gr.Button("Next pair", variant="primary", elem_id="next-pair")
            progress_md = gr.Markdown("", elem_id="progress")
            ann_patient = gr.HTML("", elem_id="ann-patient")
            with gr.Row():
                ann_a = gr.HTML("", elem_id="ann-a")
                ann_b = gr.HTML("", elem_id="ann-b")
            ann_pair = gr.State(None)
            with gr.Row():
                a_emp = gr.Radio(list(VOTES), label="Empathy", elem_id="ann-empathy")
                a_acc = gr.Radio(list(VOTES), label="Accuracy", elem_id="ann-accuracy")
                a_all = gr.Radio(list(VOTES), label="Overall", elem_id="ann-overall")
            ann_vote = gr.Button("Submit vote", elem_id="ann-vote")
            ann_status = gr.Markdown("", elem_id="ann-status")
            reveal = gr.HTML("", elem_id="reveal")

        with gr.Tab("Dashboard", elem_id="tab-dashboard") as dashboard_tab:
            dim = gr.Radio(["overall", "empathy", "accuracy"], value="overall", label="Dimension")
            refresh = gr.Button("Refresh", elem_id="refresh")
            summary = gr.Markdown("", elem_id="summary")
            rates = gr.Dataframe(label="Win rates per model and level (ties count half)", interactive=False)
            rates_plot = gr.BarPlot(x="label", y="win_rate", y_lim=[0, 1], label="Win rate")
            kappa = gr.Dataframe(label="Agreement between annotators (Cohen's kappa per pair, Fleiss' kappa overall)",
                                 interactive=False)
            progress_table = gr.Dataframe(label="Progress", interactive=False)

        for title, elem_id, build in app_tabs():  # plugins: the Retrain tab of the training package
            with gr.Tab(title, elem_id=elem_id):
                try:
                    build(settings, store)
                except Exception as e:  # the other tabs must still work
                    gr.Markdown(f"The {title} tab could not be built: {type(e).__name__}: {e}")

        def warm_up():
            warm_up_in_background()

        def compose(patient, draft, level, model, name, request: gr.Request):
            yield from app.compose(patient, draft, level, model, name, request)

        def judge(ids, pair, e, a, o, name, request: gr.Request):
            return app.judge(ids, pair, e, a, o, name, request)

        def rate_up(ids, kind, name, request: gr.Request):
            return app.rate(ids, kind, 1, name, request)

        def rate_down(ids, kind, name, request: gr.Request):
            return app.rate(ids, kind, -1, name, request)

        def accept(ids, kind, text, name, request: gr.Request):
            return app.accept(ids, kind, text, name, request)

        def next_pair(name, request: gr.Request):
            return (*app.next_pair(name, request), None, None, None)  # clear the previous votes

        def vote(pair, e, a, o, name, request: gr.Request):
            return app.vote(pair, e, a, o, name, request)

        def record_judgment(annotator: str, reply_a: int, reply_b: int, choice: str, dimension: str,
                            request: gr.Request) -> int:
            return app.api_judgment(annotator, reply_a, reply_b, choice, dimension, request)

        go.click(compose, [patient, draft, level, model, name], [emotion, card_original, card_edit, card_generate,
                                                                 accept_text, ids, status],
                 concurrency_limit=1, concurrency_id="model", api_name="compose")
        refresh_models.click(lambda: gr.Dropdown(choices=app.model_choices()), None, model, api_name=False)
        vote_btn.click(judge, [ids, pair, v_emp, v_acc, v_all, name], judge_status, api_name=False)
        up.click(rate_up, [ids, rate_kind, name], judge_status, api_name=False)
        down.click(rate_down, [ids, rate_kind, name], judge_status, api_name=False)
        accept_btn.click(accept, [ids, accept_from, accept_text, name], accept_status, api_name=False)
        curve_btn.click(app.tradeoff, [patient, draft, model], [curve, curve_table], concurrency_limit=1,
                        concurrency_id="model", api_name=False)
        import_btn.click(app.import_batch, [batch, source], import_status, api_name=False)
        fill_btn.click(app.fill, [level, model], import_status, concurrency_limit=1, concurrency_id="model", api_name=False)
        next_btn.click(next_pair, [name], [ann_patient, ann_a, ann_b, ann_pair, progress_md, reveal, a_emp, a_acc, a_all],
                       api_name=False)
        ann_vote.click(vote, [ann_pair, a_emp, a_acc, a_all, name], [ann_status, reveal], api_name=False)
        refresh.click(app.dashboard, [dim], [summary, rates, rates_plot, kappa, progress_table], api_name=False)
        dashboard_tab.select(app.dashboard, [dim], [summary, rates, rates_plot, kappa, progress_table], api_name=False)
        dim.change(app.dashboard, [dim], [summary, rates, rates_plot, kappa, progress_table], api_name=False)
        gr.api(record_judgment, api_name="record_judgment", concurrency_limit=16)
        blocks.load(warm_up, None, None, api_name=False, queue=False)
    blocks.empathy_app = app
    return blocks


def launch(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           auth_file: str | None = None, *, keep_identifiers: bool = False, prevent_thread_lock: bool = False):
    """Serve the app: localhost by default, a public link only with ``share``, login when accounts are given."""
    settings = settings or Settings.from_env()
    accounts = load_accounts(auth_file)
    store = Store(settings.db, scrub=not keep_identifiers)
    blocks = build_app(settings, store)
    blocks.queue(default_concurrency_limit=4)
    return blocks.launch(server_name=host, server_port=port, share=share, auth=accounts,
                         auth_message="Log in: every judgment is attributed to you." if accounts else None,
                         prevent_thread_lock=prevent_thread_lock, css=render.CSS + render.highlight_css(),
                         footer_links=["api"], show_error=True, quiet=False)
