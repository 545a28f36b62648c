"""The Gradio app. Thin: it lays out widgets and wires them to :class:`~empathy.app.callbacks.App`.

Tabs: Compose (edit and generate, facts and empathy, judge, accept an edit, level comparison), Annotate (import,
blind queue), Dashboard (win rates, agreement), and tabs from plugins (the training package's Retrain tab).
Every user or model text shown as HTML is escaped in :mod:`empathy.app.render`.
"""

# No "from __future__ import annotations": Gradio reads the gr.Request annotations at runtime.

import gradio as gr

from ..backends import get_backend
from ..config import Settings
from ..plugins import app_tabs
from ..store import Store
from . import render
from .accounts import load_accounts
from .callbacks import PAIRS, TITLES, VOTES, App, who
from .review import warm_up_in_background

__all__ = ["App", "PAIRS", "TITLES", "VOTES", "build_app", "launch", "who"]


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
            with gr.Row():  # settings on one row, buttons below: at 1024 px nothing is squeezed or cut
                level = gr.Slider(0, 3, value=1, step=1, label="Empathy level",
                                  info="0 none · 1 standard · 2 high · 3 extreme", elem_id="level", scale=1)
                model = gr.Dropdown(choices, value=choices[0][1], label="Model", elem_id="model", scale=2)
            with gr.Row():
                refresh_models = gr.Button("Refresh model list", elem_id="refresh-models", scale=0, min_width=200)
                go = gr.Button("Edit and generate", variant="primary", elem_id="go", scale=1)
            status = gr.HTML("", elem_id="status")
            case_header = gr.HTML("", elem_id="emotion")  # crisis banner (when any) and the patient's emotions
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
                vote_btn = gr.Button("Save judgment (a new vote replaces your earlier one)", elem_id="vote")
                with gr.Row():
                    rate_kind = gr.Radio([(TITLES[k], k) for k in TITLES], value="edit",
                                         label="Rate one reply (a new rating replaces your earlier one)",
                                         elem_id="rate-kind")
                    up = gr.Button("Thumbs up", elem_id="thumbs-up", scale=0, min_width=150)
                    down = gr.Button("Thumbs down", elem_id="thumbs-down", scale=0, min_width=150)
                judge_status = gr.HTML("", elem_id="judge-status")
            with gr.Accordion("Accept with my changes", open=True):
                accept_from = gr.Radio([(TITLES["edit"], "edit"), (TITLES["generate"], "generate")], value="edit",
                                       label="Proposed reply", elem_id="accept-from")
                accept_text = gr.Textbox(label="Your version (edit in place, then accept; accepting again updates it)",
                                         lines=5, elem_id="accept-text")
                accept_btn = gr.Button("Accept with my changes", elem_id="accept")
                accept_status = gr.HTML("", elem_id="accept-status")
            with gr.Accordion("Compare the empathy levels for this case", open=False):
                gr.Markdown("Edits your draft at each level (0-3) and plots how warm each edit is against how much "
                            "of its medical content your draft supports. Higher is warmer; further right adds less.")
                curve_btn = gr.Button("Edit at levels 0-3 and plot", elem_id="curve")
                curve_status = gr.HTML("", elem_id="curve-status")
                curve = gr.HTML("", elem_id="curve-plot")
                curve_table = gr.HTML("", elem_id="curve-table")

        with gr.Tab("Annotate", elem_id="tab-annotate"):
            with gr.Row():
                batch = gr.File(label="Import cases (CSV, JSONL, Parquet)", file_types=[".csv", ".jsonl", ".json", ".parquet"])
                source = gr.Textbox(label="…or a datasets source (local folder or cached name)", max_lines=1)
            with gr.Row():
                import_btn = gr.Button("Import", elem_id="import")
                fill_btn = gr.Button("Write replies for cases with fewer than two (uses the model)", elem_id="fill")
            import_status = gr.HTML("", elem_id="import-status")
            next_btn = gr.Button("Next pair", variant="primary", elem_id="next-pair")
            progress_md = gr.HTML("", elem_id="progress")
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
            ann_status = gr.HTML("", elem_id="ann-status")
            reveal = gr.HTML("", elem_id="reveal")

        with gr.Tab("Dashboard", elem_id="tab-dashboard") as dashboard_tab:
            with gr.Row():
                dim = gr.Radio(["overall", "empathy", "accuracy"], value="overall", label="Judged on")
                refresh = gr.Button("Refresh", elem_id="refresh", scale=0)
            summary = gr.HTML("", elem_id="summary")
            gr.Markdown("**How often each source's reply was preferred** (ties count half; the dashed line is half "
                        "the time)")
            rates_plot = gr.HTML("", elem_id="rates-plot")
            rates = gr.Dataframe(label="Preferences per source and empathy level", interactive=False, wrap=True,
                                 elem_id="rates", column_widths=["17%", "23%", "9%", "11%", "11%", "9%", "10%", "10%"])
            kappa = gr.Dataframe(label="Agreement between annotators on the pairs they both judged (1 = always agree, "
                                       "0 = no better than chance)", interactive=False, wrap=True, elem_id="kappa",
                                 column_widths=["30%", "12%", "14%", "44%"])
            progress_table = gr.Dataframe(label="Progress", interactive=False, elem_id="progress-table")

        for title, elem_id, build in app_tabs():  # plugins: the Retrain tab of the training package
            with gr.Tab(title, elem_id=elem_id):
                try:
                    build(settings, store)
                except Exception as e:  # the other tabs must still work
                    gr.Markdown(f"The {title} tab could not be built: {type(e).__name__}: {e}")
        gr.HTML(render.about_html(), elem_id="about")

        def warm_up():
            warm_up_in_background()

        def compose(patient, draft, level, model, name, request: gr.Request):
            yield from app.compose(patient, draft, level, model, name, request)

        def judge(ids, pair, e, a, o, name, request: gr.Request):
            return render.message_html(app.judge(ids, pair, e, a, o, name, request), failed="Not saved:")

        def rate_up(ids, kind, name, request: gr.Request):
            return render.message_html(app.rate(ids, kind, 1, name, request), failed="Not saved:")

        def rate_down(ids, kind, name, request: gr.Request):
            return render.message_html(app.rate(ids, kind, -1, name, request), failed="Not saved:")

        def accept(ids, kind, text, name, request: gr.Request):
            return render.message_html(app.accept(ids, kind, text, name, request), failed="Not saved:")

        def import_batch(file, source):
            for message in app.import_steps(file, source):
                yield render.message_html(message)

        def fill(level, model):
            for message in app.fill(level, model):
                yield render.message_html(message)

        def next_pair(name, request: gr.Request):
            *cards, text, shown = app.next_pair(name, request)
            line = render.message_html(text) if text.startswith("⚠") else render.status_html(text)
            return (*cards, line, shown, None, None, None, "")  # clear the previous votes and status

        def vote(pair, e, a, o, name, request: gr.Request):
            message, shown = app.vote(pair, e, a, o, name, request)
            return render.message_html(message, failed="Not saved:"), shown

        def record_judgment(annotator: str, reply_a: int, reply_b: int, choice: str, dimension: str,
                            request: gr.Request) -> int:
            return app.api_judgment(annotator, reply_a, reply_b, choice, dimension, request)

        minimal = dict(show_progress="minimal")  # progress is written in the status line; keep results readable
        go.click(compose, [patient, draft, level, model, name], [case_header, card_original, card_edit, card_generate,
                                                                 accept_text, ids, status],
                 concurrency_limit=1, concurrency_id="model", api_name="compose", **minimal)
        refresh_models.click(lambda: gr.Dropdown(choices=app.model_choices()), None, model, api_name=False)
        vote_btn.click(judge, [ids, pair, v_emp, v_acc, v_all, name], judge_status, api_name=False)
        up.click(rate_up, [ids, rate_kind, name], judge_status, api_name=False)
        down.click(rate_down, [ids, rate_kind, name], judge_status, api_name=False)
        accept_btn.click(accept, [ids, accept_from, accept_text, name], accept_status, api_name=False)
        curve_btn.click(app.tradeoff_steps, [patient, draft, model], [curve_status, curve, curve_table],
                        concurrency_limit=1, concurrency_id="model", api_name=False, **minimal)
        import_btn.click(import_batch, [batch, source], import_status, api_name=False, **minimal)
        fill_btn.click(fill, [level, model], import_status, concurrency_limit=1, concurrency_id="model",
                       api_name=False, **minimal)
        next_btn.click(next_pair, [name], [ann_patient, ann_a, ann_b, ann_pair, progress_md, reveal, a_emp, a_acc, a_all,
                                           ann_status], api_name=False)
        ann_vote.click(vote, [ann_pair, a_emp, a_acc, a_all, name], [ann_status, reveal], api_name=False)
        board = [summary, rates, rates_plot, kappa, progress_table]
        refresh.click(app.dashboard_view, [dim], board, api_name=False)
        dashboard_tab.select(app.dashboard_view, [dim], board, api_name=False)
        dim.change(app.dashboard_view, [dim], board, api_name=False)
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
