"""``empathy score`` (empathy, dimensions, communication quality) and ``empathy rank`` (A, B or tie)."""

from __future__ import annotations

import click

from ..backends import get_backend
from ..emotion import detect_emotions
from ..inputs import clean_text
from ..quality import communication_quality
from ..ranking import TIE_MARGIN, rank_empathy
from ..scoring import analyze_reply, score_empathy
from .common import emit, run_jsonl, settings_options, text_arg


def score_dict(patient: str, reply: str) -> dict:
    """What ``empathy score`` prints for one reply: overall empathy, dimensions, quality, patient emotion."""
    patient = clean_text(patient, "patient message")
    reply = clean_text(reply, "reply")
    analysis = analyze_reply(patient, reply)
    empathy = score_empathy(patient, reply, analysis=analysis)
    quality = communication_quality(patient, reply, analysis=analysis)
    emotion = detect_emotions(patient)
    d = empathy.to_dict()
    return {
        "empathy": d["overall"],
        "band": d["band"],
        "dimensions": d["dimensions"],
        "flags": d["flags"],
        "flag_spans": d["flag_spans"],
        "quality": quality.to_dict(),
        "patient_emotion": emotion.to_dict(),
    }


def _show(reply: str, result: dict) -> None:
    click.echo(f"empathy {result['empathy']:.2f} ({result['level']})")
    for name, dim in result["dimensions"].items():
        quotes = " | ".join(reply[s:e] for s, e in dim["spans"])
        click.echo(f"  {name:<20} {dim['score']:.2f}  {quotes}")
    q = result["quality"]
    click.echo(f"reading grade {q['readability']['grade']:.1f} (target {q['readability']['target_grade']:.0f} or below), "
               f"politeness {q['politeness']['score']:.2f}, DBT adherence {q['dbt_adherence']:.2f}")
    for stage, s in q["dbt"].items():
        click.echo(f"  {stage:<20} {s['score']:.2f}")
    for flag in result["flags"]:
        spans = result["flag_spans"].get(flag, [])
        click.echo(f"warning: {flag.replace('_', ' ')}: " + " | ".join(reply[s:e] for s, e in spans))
    emotion = result["patient_emotion"]
    click.echo("patient emotion: " + ", ".join(emotion["emotions"]))
    if emotion["crisis"]:
        click.echo(f"CRISIS: {emotion['crisis_guidance']}")


@click.command()
@click.option("--patient", "-p", help="Patient message: text, @file, or - for stdin.")
@click.option("--reply", "-r", help="Reply to score: text, @file, or - for stdin.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--jsonl", "jsonl", metavar="IN", help='Batch: lines {"id","patient","reply"} from a file or -; one JSON line out per line in.')
def score(patient, reply, as_json, jsonl):
    """Score a reply's empathy (six dimensions with the sentences that carry them) and communication quality."""
    if jsonl:
        errors = run_jsonl(jsonl, ("patient", "reply"), lambda o: score_dict(o["patient"], o["reply"]))
        raise SystemExit(1 if errors else 0)
    patient_text = text_arg(patient, "--patient")
    reply_text = text_arg(reply, "--reply")
    result = score_dict(patient_text, reply_text)
    if as_json:
        emit(result)
    else:
        _show(clean_text(reply_text, "reply"), result)


@click.command()
@click.option("--patient", "-p", help="Patient message: text, @file, or - for stdin.")
@click.option("--a", "reply_a", help="Reply A: text, @file, or -.")
@click.option("--b", "reply_b", help="Reply B: text, @file, or -.")
@click.option("--judge", type=click.Choice(["score", "llm"]), default="score", show_default=True,
              help="score: empathy-score difference with a tie margin; llm: the model judges both orders.")
@click.option("--margin", type=float, default=None, help="Tie margin for --judge score [default 0.05].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--jsonl", "jsonl", metavar="IN", help='Batch: lines {"id","patient","a","b"} from a file or -.')
@settings_options
def rank(patient, reply_a, reply_b, judge, margin, as_json, jsonl, settings):
    """Which reply is more empathetic: a, b, or tie (three-way, as in 3-EMRank)."""
    margin = TIE_MARGIN if margin is None else margin
    backend = None
    if judge == "llm":
        backend = get_backend(settings)
    if jsonl:
        errors = run_jsonl(jsonl, ("patient", "a", "b"), lambda o: rank_empathy(
            o["patient"], o["a"], o["b"], backend=backend, margin=margin, seed=settings.seed).to_dict())
        raise SystemExit(1 if errors else 0)
    result = rank_empathy(text_arg(patient, "--patient"), text_arg(reply_a, "--a"), text_arg(reply_b, "--b"),
                          backend=backend, margin=margin, seed=settings.seed)
    if as_json:
        emit(result.to_dict())
    else:
        click.echo(f"{result.winner}\t{result.reason}")


def register(cli) -> None:
    cli.add_command(score)
    cli.add_command(rank)
