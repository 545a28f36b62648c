"""``empathy check``: text, --json, --jsonl (one line out per line in, bad lines reported by id)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from empathy.cli import cli

ORIG = "Your PSA is 4.2. Continue tamsulosin 0.4 mg daily. Repeat PSA in 3 months."
BAD = "I hear you. Your PSA is 4.2. Continue tamsulosin 0.8 mg daily. Repeat PSA in 3 months. Also start aspirin 81 mg daily."


def test_check_text_and_json(tmp_path):
    r = CliRunner().invoke(cli, ["check", "-o", ORIG, "-e", BAD])
    assert r.exit_code == 0 and "NEEDS REVIEW" in r.output and "0.4 mg became 0.8 mg" in r.output
    (tmp_path / "e.txt").write_text(BAD)
    r = CliRunner().invoke(cli, ["check", "--json", "-o", ORIG, "-e", f"@{tmp_path / 'e.txt'}"])
    d = json.loads(r.output)
    assert d["needs_review"] and {"changed_value", "new_medication"} <= set(d["flags"]) and d["recall"] < 1


def test_check_jsonl_one_line_per_input(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "ok", "original": ORIG, "edited": "I know this is hard. " + ORIG}),
        json.dumps({"id": "bad", "original": ORIG, "edited": BAD}),
        "{broken",
        json.dumps({"id": "x", "original": ORIG}),
    ]) + "\n")
    r = CliRunner().invoke(cli, ["check", "--jsonl", str(src)])
    out = [json.loads(line) for line in r.output.splitlines()]
    assert [o["id"] for o in out] == ["ok", "bad", 3, "x"]
    assert out[0]["recall"] == 1.0 and out[0]["missing"] == [] and out[0]["unsupported"] == []
    assert out[1]["unsupported"] and "new_medication" in out[1]["flags"] and set(out[1]) >= {"recall", "precision", "missing", "flags"}
    assert "error" in out[2] and "error" in out[3]
    assert r.exit_code == 1


def test_check_requires_both_texts():
    r = CliRunner().invoke(cli, ["check", "-o", ORIG])
    assert r.exit_code == 1 and "--edited is required" in r.output
