"""``empathy edit``, ``generate``, ``models`` and ``serve``."""

from __future__ import annotations

import click

from ..backends import get_backend
from ..generation.editing import edit_reply, generate_reply
from ..models import list_models
from .common import emit, run_jsonl, settings_options, text_arg


def _public(result) -> dict:
    d = result.to_dict()
    d.pop("raw_text", None)
    return d


@click.command()
@click.option("--patient", "-p", help="Patient message: text, @file, or - for stdin.")
@click.option("--draft", "-d", help="Physician's draft reply: text, @file, or - for stdin.")
@click.option("--level", "-l", default="1", show_default=True, help="Empathy level: 0 none, 1 standard, 2 high, 3 extreme.")
@click.option("--prompt", type=click.Choice(["refined", "simple"]), default="refined", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Check the edit against the draft and repair it (--no-verify: one raw model call).")
@click.option("--framing-sentences", "candidates", type=int, default=None,
              help="Model-written framing sentences per slot competing with the templates (default: 0 for the "
                   "embedded model, 1 for others; the shipped framing adapter serves them).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--jsonl", "jsonl", metavar="IN", help='Batch: lines {"id","patient","reply"} from a file or -.')
@settings_options
def edit(patient, draft, level, prompt, seed, verify, candidates, as_json, jsonl, settings):
    """Edit a physician's draft for empathy, keeping every medical fact."""
    if jsonl:
        backend = get_backend(settings)
        errors = run_jsonl(jsonl, ("patient", "reply"), lambda o: _public(
            edit_reply(o["patient"], o["reply"], o.get("level", level), prompt, backend=backend, seed=seed,
                               verify=verify, candidates=candidates)))
        raise SystemExit(1 if errors else 0)
    patient_text = text_arg(patient, "--patient")
    draft_text = text_arg(draft, "--draft")
    result = edit_reply(patient_text, draft_text, level, prompt, backend=get_backend(settings), seed=seed, verify=verify,
                        candidates=candidates)
    emit(_public(result)) if as_json else click.echo(result.text)


@click.command()
@click.option("--patient", "-p", help="Patient message: text, @file, or - for stdin.")
@click.option("--level", "-l", default="1", show_default=True, help="Empathy level: 0-3.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--jsonl", "jsonl", metavar="IN", help='Batch: lines {"id","patient"} from a file or -.')
@settings_options
def generate(patient, level, seed, as_json, jsonl, settings):
    """Write a reply from the patient's message alone (no physician draft)."""
    if jsonl:
        backend = get_backend(settings)
        errors = run_jsonl(jsonl, ("patient",), lambda o: _public(
            generate_reply(o["patient"], o.get("level", level), backend=backend, seed=seed)))
        raise SystemExit(1 if errors else 0)
    result = generate_reply(text_arg(patient, "--patient"), level, backend=get_backend(settings), seed=seed)
    emit(_public(result)) if as_json else click.echo(result.text)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@settings_options
def models(as_json, settings):
    """List the models the app can use: the embedded default, GGUFs and adapters in the models folder."""
    for choice in list_models(settings.models_dir):
        if as_json:
            emit(choice.__dict__)
        else:
            click.echo(f"{choice.id}\t{choice.path}{'  + ' + choice.adapter if choice.adapter else ''}\t{choice.description}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Bind address (localhost only by default).")
@click.option("--port", default=7860, show_default=True, type=int)
@click.option("--share", is_flag=True, help="Create a public Gradio share link (off by default: patient data).")
@click.option("--auth-file", help="Accounts file (lines user:password) to require login [or env EMPATHY_USERS=user:pw,...].")
@click.option("--keep-identifiers", is_flag=True, help="Store names, phone numbers... unscrubbed (local use only).")
@settings_options
def serve(host, port, share, auth_file, keep_identifiers, settings):
    """Run the web app (same as ``python app.py``)."""
    from ..app import launch  # the app is Gradio's boundary: other commands never import it

    launch(settings, host=host, port=port, share=share, auth_file=auth_file, keep_identifiers=keep_identifiers)
