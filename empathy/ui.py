"""The Gradio app. Thin: it wires widgets to library functions and holds no logic of its own."""

from __future__ import annotations

from .config import Settings


def build_app(settings: Settings):
    import gradio as gr

    from .backends import get_backend
    from .editing import edit_reply, generate_reply
    from .errors import EmpathyError

    backend = get_backend(settings)  # load the model before the first request

    def run(patient, draft, level):
        try:
            edited = edit_reply(patient, draft, int(level), backend=backend)
            generated = generate_reply(patient, int(level), backend=backend)
        except EmpathyError as e:
            raise gr.Error(str(e))
        return draft, edited.text, generated.text

    with gr.Blocks(title="Empathy Editor") as app:
        gr.Markdown("# Empathy Editor")
        with gr.Row():
            patient = gr.Textbox(label="Patient message", lines=6)
            draft = gr.Textbox(label="Physician draft", lines=6)
        level = gr.Slider(0, 3, value=1, step=1, label="Empathy level (0 none, 1 standard, 2 high, 3 extreme)")
        go = gr.Button("Edit and generate", variant="primary")
        with gr.Row():
            original = gr.Textbox(label="Original", interactive=False)
            edited = gr.Textbox(label="LLM-edited", interactive=False)
            generated = gr.Textbox(label="LLM-generated", interactive=False)
        go.click(run, [patient, draft, level], [original, edited, generated])
    return app


def launch(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           auth_file: str | None = None) -> None:
    settings = settings or Settings.from_env()
    app = build_app(settings)
    app.queue().launch(server_name=host, server_port=port, share=share)
