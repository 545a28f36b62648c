"""The ``empathy`` command as a user runs it: real processes, real model, clear one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PATIENT = "I'm scared about my PSA result. Is it cancer?"
DRAFT = "Your PSA is 4.2. Continue tamsulosin 0.4 mg daily. Repeat PSA in 3 months."


def run(*args, stdin: bytes | None = None, env=None):
    return subprocess.run([sys.executable, "-m", "empathy", *args], input=stdin, capture_output=True, timeout=900, env=env)


def assert_clean_error(proc, *needles):
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("Error:")
    for needle in needles:
        assert needle in lines[0], err


@pytest.mark.model
def test_edit_json_with_the_embedded_model(isolated_env):
    # --framing-sentences 1: the model writes framing candidates (the embedded model frames with templates by default)
    proc = run("edit", "--json", "--patient", PATIENT, "--draft", DRAFT, "--level", "2", "--framing-sentences", "1")
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert out["model"] == "smollm2-135m-instruct-q4_1" and out["level"] == 2 and out["kind"] == "edit"
    assert isinstance(out["text"], str) and len(out["text"]) > 20
    assert out["completion_tokens"] > 0 and out["seconds"] > 0
    # Verified editing: whatever path produced it, the edit keeps every fact of the draft or says it needs review.
    assert out["path"] in {"first-try", "retry", "framed", "framed-bank"}
    assert out["needs_review"] or (out["check"]["recall"] == 1.0 and not out["check"]["unsupported"])
    if not out["needs_review"]:
        for fact in ("4.2", "tamsulosin 0.4 mg", "3 months"):
            assert fact in out["text"]


@pytest.mark.model
def test_texts_from_files_and_stdin(isolated_env):
    draft = isolated_env / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    proc = run("edit", "--no-verify", "--json", "--patient", "-", "--draft", f"@{draft}", "--level", "none",
               stdin=PATIENT.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["level"] == 0


@pytest.mark.model
def test_jsonl_batch_loads_once_and_reports_bad_lines_per_id(isolated_env):
    lines = [
        json.dumps({"id": "a", "patient": PATIENT, "reply": DRAFT}),
        "{not json",
        json.dumps({"id": "c", "patient": "", "reply": DRAFT}),
        json.dumps({"id": "d", "patient": PATIENT}),
        json.dumps({"id": "e", "patient": "My rash is itchy.", "reply": "Use hydrocortisone 1% cream twice daily for 7 days."}),
    ]
    src = isolated_env / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("edit", "--no-verify", "--jsonl", str(src))  # batch mechanics; verification is tested above
    assert "Traceback" not in proc.stderr.decode()
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", 2, "c", "d", "e"]
    assert out[0]["text"] and out[0]["model"] and out[0]["level"] == 1
    assert "error" in out[1] and "not valid JSON" in out[1]["error"]
    assert "patient message is empty" in out[2]["error"]
    assert "reply" in out[3]["error"]
    assert out[4]["text"] and "error" not in out[4]
    assert proc.returncode == 1  # some lines failed


def test_empty_patient_or_draft(isolated_env):
    assert_clean_error(run("edit", "--patient", "  ", "--draft", DRAFT), "patient message is empty")
    assert_clean_error(run("edit", "--patient", PATIENT, "--draft", ""), "physician draft is empty")
    assert_clean_error(run("edit", "--patient", PATIENT), "--draft is required")


def test_huge_draft(isolated_env):
    big = isolated_env / "big.txt"
    big.write_text("Take ibuprofen 400 mg. " * 4500, encoding="utf-8")  # ~100 KB
    assert_clean_error(run("edit", "--patient", PATIENT, "--draft", f"@{big}"), "limit")


def test_invalid_utf8_file(isolated_env):
    bad = isolated_env / "latin1.txt"
    bad.write_bytes("Résultat: votre PSA est 4,2.".encode("latin-1"))
    assert_clean_error(run("edit", "--patient", PATIENT, "--draft", f"@{bad}"), "not valid UTF-8", "latin1.txt")


def test_missing_file_argument(isolated_env):
    assert_clean_error(run("edit", "--patient", PATIENT, "--draft", "@/no/such/draft.txt"), "no such file")


def test_missing_and_corrupt_model_file(isolated_env):
    assert_clean_error(run("edit", "-p", PATIENT, "-d", DRAFT, "--model", "/no/such/model.gguf"), "model file not found")
    corrupt = isolated_env / "corrupt.gguf"
    corrupt.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\x00" * 4000)
    assert_clean_error(run("edit", "-p", PATIENT, "-d", DRAFT, "--model", str(corrupt)), "could not load")


def test_bad_level_and_bad_env(isolated_env):
    assert_clean_error(run("edit", "-p", PATIENT, "-d", DRAFT, "--level", "7"), "level")
    import os

    env = dict(os.environ, EMPATHY_THREADS="many")
    assert_clean_error(run("edit", "-p", PATIENT, "-d", DRAFT, env=env), "EMPATHY_THREADS")


def test_models_lists_the_embedded_default(isolated_env):
    proc = run("models", "--json")
    assert proc.returncode == 0
    first = json.loads(proc.stdout.decode().splitlines()[0])
    assert first["id"] == "smollm2-135m-instruct-q4_1" and first["path"].endswith(".gguf")
