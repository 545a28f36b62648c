"""``empathy import``, ``empathy export`` and ``empathy stats``: the SQLite store from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from ..annotation import agreement, import_cases, kappa_meaning, progress, win_rates
from ..config import Settings
from ..errors import InputError
from ..files import atomic_path, write_jsonl
from ..store import Store
from .common import emit

FORMATS = ("dpo", "kto", "sft")


def _db_option(f):
    return click.option("--db", help="SQLite database [env EMPATHY_DB; default ~/.empathy-editor/empathy.db].")(f)


def _open(db: str | None, *, scrub: bool = True):
    return Store(Settings.from_env(db=db).db, scrub=scrub)


@click.command("import")
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet", "datasets"]),
              help="Input format (default: from the file extension; anything else is a datasets source).")
@click.option("--split", default="train", show_default=True, help="Split of a datasets source.")
@click.option("--limit", type=int, help="Import at most this many cases.")
@click.option("--keep-identifiers", is_flag=True, help="Store names, phone numbers... as given (local use only).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@_db_option
def import_(source, fmt, split, limit, keep_identifiers, as_json, db):
    """Import a batch of cases: CSV, JSONL or Parquet files, or any Hugging Face datasets source.

    Each row needs a patient message (patient/message/question) and may have a physician draft
    (draft/reply/answer) and candidate replies (a "replies" list, or reply_a/model_a/reply_b/... columns).
    Identifiers are scrubbed unless --keep-identifiers. Bad rows are reported and skipped.
    """
    with _open(db, scrub=not keep_identifiers) as store:
        report = import_cases(store, source, fmt=fmt, split=split, limit=limit)
    for n, error in report.skipped:
        click.echo(f"row {n}: {error}", err=True)
    if as_json:
        emit(report.to_dict())
    else:
        click.echo(f"{report.summary()[:-1]} into {store.path}" + (" (see above)." if report.skipped else "."))
    if report.cases == 0 and report.skipped:
        raise SystemExit(1)


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="dpo: prompt/chosen/rejected; kto: prompt/completion/label; sft: prompt/completion.")
@click.option("--out", required=True, help="Output file: .jsonl or .parquet.")
@click.option("--dimension", type=click.Choice(["overall", "empathy", "accuracy"]), default="overall", show_default=True,
              help="Which judgments make the DPO pairs.")
@click.option("--keep-identifiers", is_flag=True, help="Do not scrub identifiers on export (local use only).")
@_db_option
def export(fmt, out, dimension, keep_identifiers, db):
    """Export judgments as a DPO, KTO or SFT dataset (JSONL or Parquet)."""
    path = Path(out).expanduser()
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".parquet"):
        raise InputError(f"--out must end in .jsonl or .parquet, got {path.name!r}")
    with _open(db, scrub=not keep_identifiers) as store:
        if fmt == "dpo":
            records = store.dpo_records(dimension)
        elif fmt == "kto":
            records = store.kto_records()
        else:
            records = store.sft_records()
    if not records:
        raise InputError(f"no {fmt.upper()} records in {store.path} yet (judge some replies or accept some edits first)")
    write_records(records, path)
    click.echo(f"Wrote {len(records)} {fmt.upper()} records to {path}")


def write_records(records: list[dict], path: Path) -> None:
    """Write atomically (temporary file, then rename): an interrupted export never leaves half a file."""
    if path.suffix.lower() != ".parquet":
        write_jsonl(records, path)
        return
    try:
        import datasets  # heavy, and an extra: only Parquet needs it
    except ImportError:
        raise InputError("Parquet export needs the datasets package (pip install datasets); use .jsonl") from None
    with atomic_path(path) as tmp:
        datasets.Dataset.from_list(records).to_parquet(str(tmp))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_db_option
def stats(as_json, db):
    """Counts, win rates and agreement between annotators."""
    with _open(db) as store:
        data = store.stats()
        data["win_rates"] = {d: [w.to_dict() for w in win_rates(store, d)] for d in ("overall", "empathy", "accuracy")}
        data["agreement"] = {d: agreement(store, d).to_dict() for d in ("overall", "empathy", "accuracy")}
        data["progress"] = progress(store)
    if as_json:
        emit(data)
        return
    click.echo(f"Database {data['path']} (schema version {data['schema_version']})")
    for key in ("cases", "replies", "judgments", "ratings", "accepted_edits", "annotators", "training_runs"):
        click.echo(f"  {key.replace('_', ' ')}: {data[key]}")
    archived = data["revisions"]
    if any(archived.values()):
        click.echo("  replaced and archived: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in archived.items()))
    click.echo(f"  training data: {data['dpo_pairs']} DPO pairs, {data['kto_examples']} KTO examples, "
               f"{data['sft_examples']} SFT examples")
    for w in data["win_rates"]["overall"]:
        level = "-" if w["level"] is None else w["level"]
        click.echo(f"  win rate (overall) {w['model']} level {level}: {w['win_rate']:.2f} over {w['n']}")
    ag = data["agreement"]["overall"]
    if ag["shared_items"]:
        click.echo(f"  agreement (overall): Fleiss' kappa {ag['fleiss']} on {ag['shared_items']} shared pairs "
                   f"({kappa_meaning(ag['fleiss'], ag['shared_items'])}), mean Cohen's kappa {ag['mean_cohen']}")


def register(cli):
    for command in (import_, export, stats):
        cli.add_command(command)
