"""``empathy build-data``, ``empathy train sft|dpo|kto`` and ``empathy eval-model``, added to the ``empathy``
command by :mod:`training.plugin`.

Training imports (torch, transformers, TRL) happen inside the training functions, so ``empathy --help`` stays fast.
The options of ``empathy train`` come from the trainer config dataclasses (:mod:`training.options`).
"""

from __future__ import annotations

import json
import sys

import click

from empathy.backends import get_backend
from empathy.cli.common import emit, settings_options
from empathy.errors import InputError
from empathy.store import Store

from .build_data import add_to_store, build_pairs, read_corpus, write_pairs
from .datasets import read_jsonl_records, validate_records
from .evaluate import evaluate_model, load_run
from .options import click_options, config_values
from .pipeline import run_training
from .trainers import CONFIGS


def _progress_printer(quiet: bool, as_json: bool = False):
    """Progress on stderr: ``[ 42.0%] message`` for people, a JSON line per change with ``--json`` (the Retrain tab
    reads those)."""
    state = {"last": ""}

    def progress(fraction: float, message: str):
        if quiet:
            return
        if as_json:
            line = json.dumps({"progress": round(fraction, 4), "message": message})
        else:
            line = f"[{fraction * 100:5.1f}%] {message}"
        if line != state["last"]:
            click.echo(line, err=True)
            state["last"] = line

    return progress


@click.command("build-data")
@click.argument("corpus")
@click.option("--out", "-o", help="Write the preference pairs (JSONL) here.")
@click.option("--to-store", is_flag=True, help="Also add each pair to the database as a case with an 'A better' judgment.")
@click.option("--mode", type=click.Choice(["split", "er", "eqsr", "both"]), default="split", show_default=True,
              help="split: half ER, half EQ+SR (as in the paper); both: one of each per dialogue.")
@click.option("--rewriter", type=click.Choice(["auto", "model", "template"]), default="auto", show_default=True,
              help="model: the configured backend; template: deterministic soothing framing; auto: model, then template.")
@click.option("--level", default=2, show_default=True, type=click.IntRange(1, 3), help="Empathy level of the edit prompt.")
@click.option("--prompt", type=click.Choice(["refined", "simple"]), default="refined", show_default=True)
@click.option("--prompt-style", type=click.Choice(["edit", "generate"]), default="edit", show_default=True)
@click.option("--patient-field", help="Column/field with the patient's message (auto-detected).")
@click.option("--doctor-field", help="Column/field with the doctor's reply (auto-detected).")
@click.option("--split", "hf_split", default="train", show_default=True, help="Split of a datasets source.")
@click.option("--limit", type=int, help="Use at most this many dialogues.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--min-recall", type=float, default=1.0, show_default=True, help="Drop rewrites below this fact recall.")
@click.option("--min-precision", type=float, default=1.0, show_default=True, help="Drop rewrites below this fact precision.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@settings_options
def build_data(corpus, out, to_store, mode, rewriter, level, prompt, prompt_style, patient_field, doctor_field, hf_split,
               limit, seed, min_recall, min_precision, as_json, settings):
    """Build ER and EQ+SR preference pairs from a dialogue CORPUS (.json, .jsonl, .csv, or hf:NAME)."""
    if not out and not to_store:
        raise InputError("say where the pairs go: --out FILE.jsonl and/or --to-store")
    dialogues = read_corpus(corpus, patient_field=patient_field, doctor_field=doctor_field, split=hf_split, limit=limit)
    backend = None
    if rewriter in ("auto", "model"):
        backend = get_backend(settings)
    with click.progressbar(length=1, label="rewriting", file=sys.stderr) as bar:
        def progress(i, n):
            bar.length = n
            bar.update(1)

        report = build_pairs(dialogues, mode=mode, rewriter=rewriter, backend=backend, level=level, prompt=prompt,
                             prompt_style=prompt_style, seed=seed, min_recall=min_recall, min_precision=min_precision,
                             progress=progress)
    if not report.pairs:
        raise InputError(f"no rewrite kept every fact ({report.dropped}); nothing written")
    summary = report.summary()
    if out:
        summary["out"] = str(write_pairs(report.pairs, out))
    if to_store:
        with Store(settings.db) as store:
            summary["added_to_store"] = add_to_store(report.pairs, store, level=level)
            summary["db"] = settings.db
    if as_json:
        emit(summary)
    else:
        click.echo(f"{summary['pairs']} pairs from {summary['dialogues']} dialogues {summary['by_kind']}; "
                   f"rewriters {summary['rewriters']}; dropped {summary['dropped'] or 'none'}"
                   + (f"; wrote {summary['out']}" if out else "") + (f"; added to {settings.db}" if to_store else ""))


def _run_options(f):
    """Options of a training run that are not trainer config fields."""
    options = [
        click.option("--data", help="JSONL records (from build-data); default: the database's judgments."),
        click.option("--dimension", type=click.Choice(["overall", "empathy", "accuracy"]), default="overall",
                     show_default=True, help="Which judgments make DPO pairs."),
        click.option("--no-eval", is_flag=True, help="Skip the evaluation against the base model."),
        click.option("--eval-cases", type=int, default=20, show_default=True, help="Validation cases to edit with llama-cpp."),
        click.option("--quiet", "-q", is_flag=True),
        click.option("--json", "as_json", is_flag=True,
                     help="Print the run summary as JSON; progress goes to stderr as JSON lines {progress, message}."),
    ]
    for option in reversed(options):
        f = option(f)
    return settings_options(f)


def _run(method, settings, data, dimension, no_eval, eval_cases, quiet, as_json, **opts):
    cls = CONFIGS[method]
    config = cls.from_dict({"threads": settings.threads or 2, **config_values(cls, opts)})
    result = run_training(method, config, settings=settings, data=data, dimension=dimension, evaluate=not no_eval,
                          max_generate=eval_cases, progress=_progress_printer(quiet, as_json))
    summary = {k: v for k, v in result.to_dict().items() if k not in ("log_history", "config")}
    if as_json:
        emit(summary)
    else:
        pref = result.evaluation.get("preference", {})
        click.echo(f"{method.upper()} run {result.run_name}: {result.steps} steps in {result.seconds:.0f} s "
                   f"({result.steps_per_second:.3f} steps/s); adapter {result.gguf_adapter or result.adapter_dir}")
        if pref:
            click.echo("held-out: " + json.dumps(pref))


@click.group("train")
def train_group():
    """Train a LoRA adapter from feedback: sft, dpo or kto."""


def _train_command(method: str, doc: str):
    def command(settings, **opts):
        _run(method, settings, **opts)

    command.__doc__ = doc
    command = click_options(CONFIGS[method])(_run_options(command))
    train_group.command(method)(command)


_train_command("dpo", "Direct Preference Optimization on judged pairs (chosen vs rejected).")
_train_command("kto", "Kahneman-Tversky Optimization on thumbs up / down (or unpaired DPO pairs).")
_train_command("sft", "Supervised fine-tuning on accepted edits (or the chosen side of pairs).")


@train_group.command("framing-adapter", add_help_option=False,
                     context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def framing_adapter(ctx):
    """Rebuild the shipped framing adapter (SFT, then DPO against the model's refused attempts) and measure it on
    blind drafts; the same as ``python -m training.framing_adapter`` (--help lists the options)."""
    from .framing_adapter import main

    main(list(ctx.args))


@click.command("eval-model")
@click.argument("run_dir")
@click.option("--data", help="JSONL records to evaluate on instead of the run's validation split.")
@click.option("--eval-cases", type=int, default=20, show_default=True, help="Cases to edit with llama-cpp (0: none).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
def eval_model(run_dir, data, eval_cases, as_json, quiet):
    """Evaluate a finished run (RUN_DIR) against its base model; writes eval_report.json and eval_plot.png."""
    meta, tok, model, validation = load_run(run_dir)
    method = meta["method"]
    if data:
        validation = validate_records(read_jsonl_records(data), method)
    if not validation:
        raise InputError(f"{run_dir} has no validation records; give --data FILE")
    report = evaluate_model(model, tok, validation, method, base_gguf=meta.get("base_gguf"),
                            adapter_gguf=meta.get("gguf_adapter"), max_generate=eval_cases,
                            log_history=meta.get("log_history"), out_dir=run_dir, progress=_progress_printer(quiet))
    if as_json:
        emit(report)
    else:
        click.echo(json.dumps({k: v for k, v in report.items() if k != "edits"}, indent=2))
        if "edits" in report:
            e = report["edits"]
            click.echo(f"edits: base recall {e['base']['fact_recall']}, trained recall {e['trained']['fact_recall']}, "
                       f"win rate {e['win_rate_trained_vs_base']}")


def register(cli):
    cli.add_command(build_data)
    cli.add_command(train_group)
    cli.add_command(eval_model)
