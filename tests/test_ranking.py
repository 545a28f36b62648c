"""Three-way empathy ranking: by the LLM judge in both orders (disagreement is a tie), or by score margin."""

import pytest

from empathy.backends import ScriptedBackend
from empathy.errors import InputError
from empathy.ranking import WINNERS, parse_verdict, rank_empathy

PATIENT = "I'm terrified about the biopsy next week. Does it hurt?"
CURT = "Local anesthetic is used. Expect soreness for 1-2 days."
WARM = ("I'm sorry you're so frightened; it's completely okay to be scared before a biopsy. "
        "Local anesthetic is used, so most people feel pressure rather than pain. Expect soreness for 1-2 days. "
        "What worries you most about the day? We'll be right there with you.")


def _judge_by_content(prefer: str):
    """A fake judge that always picks the reply containing ``prefer``, wherever it is placed."""
    def reply(messages, options):
        user = messages[-1]["content"]
        first = user.split('Reply 1: "')[1].split('Reply 2: "')[0]
        return "1" if prefer in first else "2"
    return reply


def test_parse_verdict():
    assert parse_verdict("Response 1") == "1"
    assert parse_verdict("response 2 is more empathetic.") == "2"
    assert parse_verdict("Equal") == "equal"
    assert parse_verdict("Both are equally empathetic.") == "equal"
    assert parse_verdict("The second one.") == "2"
    assert parse_verdict("I cannot decide") is None
    assert parse_verdict("") is None


def test_llm_judge_consistent_across_orders_wins():
    backend = ScriptedBackend(reply_fn=_judge_by_content("frightened"))
    result = rank_empathy(PATIENT, CURT, WARM, backend=backend)
    assert result.winner == "b" and result.method == "llm"
    assert result.votes == ["b", "b"]
    assert len(backend.calls) == 2
    # the two calls really swapped the order of the replies
    firsts = [m[-1]["content"].split('Reply 1: "')[1][:30] for m, _ in backend.calls]
    assert CURT[:20] in firsts[0] and WARM[:20] in firsts[1]
    assert backend.calls[0][1].temperature == 0.0


def test_llm_judge_position_bias_becomes_a_tie():
    backend = ScriptedBackend(replies=["Response 1"])  # always the first position
    result = rank_empathy(PATIENT, CURT, WARM, backend=backend)
    assert result.winner == "tie"
    assert result.votes == ["a", "b"]
    assert "disagreed" in result.reason


def test_llm_judge_equal_in_both_orders_is_a_tie():
    result = rank_empathy(PATIENT, WARM, WARM + " ", backend=ScriptedBackend(replies=["Equal"]))
    assert result.winner == "tie" and result.votes == ["tie", "tie"]


def test_unusable_verdict_falls_back_to_scores():
    result = rank_empathy(PATIENT, CURT, WARM, backend=ScriptedBackend(replies=["I am a language model."]))
    assert result.winner == "b" and "no usable verdict" in result.reason
    assert result.score_b > result.score_a


def test_score_ranking_with_reason_and_margin():
    result = rank_empathy(PATIENT, WARM, CURT)
    assert result.winner == "a" and result.method == "score"
    assert result.score_a - result.score_b >= result.margin
    assert "A scores" in result.reason
    tie = rank_empathy(PATIENT, CURT, CURT.replace("Expect", "You can expect"))
    assert tie.winner == "tie" and "within" in tie.reason
    assert rank_empathy(PATIENT, WARM, CURT, margin=1.0).winner == "tie"


def test_false_reassurance_loses_and_is_named():
    false = ("I'm so sorry, please don't worry, I promise it won't hurt at all and everything will be perfectly fine. "
             "Local anesthetic is used.")
    result = rank_empathy(PATIENT, false, WARM)
    assert result.winner == "b" and "false reassurance" in result.reason


def test_empty_reply_is_refused():
    with pytest.raises(InputError):
        rank_empathy(PATIENT, "  ", WARM)


@pytest.mark.model
def test_real_model_judges_both_orders(llama_backend):
    result = rank_empathy(PATIENT, CURT, "I'm sorry you're scared; that's understandable. " + CURT, backend=llama_backend)
    assert result.winner in WINNERS
    assert len(result.raw) == 2 and len(result.votes) == 2
    assert result.method in ("llm", "score")  # "score" only when the small model gave no verdict
    if result.method == "llm":
        assert all(v in WINNERS for v in result.votes)


def test_cli_rank_json_and_jsonl(tmp_path):
    """In-process through click (the subprocess path is covered by the score CLI test)."""
    import json

    from click.testing import CliRunner

    from empathy.cli import cli

    runner = CliRunner()
    res = runner.invoke(cli, ["rank", "--json", "--patient", PATIENT, "--a", CURT, "--b", WARM])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["winner"] == "b" and out["method"] == "score" and out["reason"]

    src = tmp_path / "pairs.jsonl"
    src.write_text(json.dumps({"id": 7, "patient": PATIENT, "a": WARM, "b": CURT}) + "\n"
                   + json.dumps({"id": 8, "patient": PATIENT, "a": WARM}) + "\n", encoding="utf-8")
    res = runner.invoke(cli, ["rank", "--jsonl", str(src)])
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert res.exit_code == 1
    assert rows[0]["id"] == 7 and rows[0]["winner"] == "a"
    assert rows[1]["id"] == 8 and "b" in rows[1]["error"]

    res = runner.invoke(cli, ["rank", "--a", CURT, "--b", WARM])
    assert res.exit_code == 1 and "--patient is required" in res.output
