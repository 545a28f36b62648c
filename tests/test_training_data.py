"""Training data: records validated, deduplicated and split by case; ER / EQ+SR pairs built and fact-checked."""

import json

import pytest

from empathy.errors import InputError
from empathy.files import read_jsonl
from empathy.prompts import edit_messages
from training.build_data import (
    EMOTIONS,
    Dialogue,
    add_to_store,
    build_pairs,
    read_corpus,
    template_reply,
    write_pairs,
)
from training.datasets import dpo_to_kto, records_from_store, split_by_case

DATA = __import__("pathlib").Path(__file__).parent / "data"


def _dpo(case, chosen="Kind reply. Take 5 mg.", rejected="Take 5 mg."):
    return {"case_id": case, "prompt": edit_messages(f"My head hurts ({case}).", "Take 5 mg.", 1), "chosen": chosen,
            "rejected": rejected}


def test_split_keeps_every_case_on_one_side():
    records = [_dpo(c, chosen=f"Kind reply {i}. Take 5 mg.") for c in range(10) for i in range(3)]
    split = split_by_case(records, "dpo", validation_fraction=0.2, seed=1)
    train_cases = {r["case_id"] for r in split.train}
    val_cases = {r["case_id"] for r in split.validation}
    assert train_cases and val_cases and not (train_cases & val_cases)
    assert len(split.train) + len(split.validation) == 30 and len(val_cases) == 2


def test_duplicates_and_identical_pairs_are_dropped():
    records = [_dpo(1), _dpo(1), _dpo(2), _dpo(3, chosen="Take 5 mg."), _dpo(4)]
    split = split_by_case(records, "dpo", validation_fraction=0.3)
    assert split.dropped == {"duplicates": 1, "identical_pair": 1}
    assert len(split.train) + len(split.validation) == 3


@pytest.mark.parametrize("records, message", [
    ([], "no usable DPO records"),
    ([_dpo(1), _dpo(1, chosen="Other. Take 5 mg.")], "one case"),
    ([{"case_id": 1, "prompt": "not messages", "chosen": "a", "rejected": "b"}], "list of chat messages"),
    ([{"case_id": 1, "prompt": [{"role": "user", "content": "x"}], "chosen": "", "rejected": "b"}], "'chosen' must be non-empty"),
    ([{"prompt": [{"role": "user", "content": "x"}], "chosen": "a", "rejected": "b"}], "case_id"),
])
def test_bad_records_give_a_clear_error(records, message):
    with pytest.raises(InputError, match=message):
        split_by_case(records, "dpo")


def test_kto_needs_both_labels():
    records = [{**r, "label": True} for r in dpo_to_kto([_dpo(c) for c in range(6)]) if r["label"]]
    with pytest.raises(InputError, match="both good and bad"):
        split_by_case(records, "kto", validation_fraction=0.2)
    split = split_by_case(dpo_to_kto([_dpo(c) for c in range(6)]), "kto", validation_fraction=0.2)
    assert {r["label"] for r in split.train} == {True, False}


def test_store_errors_for_empty_store_and_only_ties(tmp_path):
    from empathy.store import Store

    store = Store(tmp_path / "s.db")
    with pytest.raises(InputError, match="no DPO data"):
        records_from_store(store, "dpo")
    case = store.add_case("My head hurts.", "Take 5 mg.")
    a = store.add_reply(case, "Take 5 mg.", kind="original", model="m", prompt="p", level=None)
    b = store.add_reply(case, "Sorry. Take 5 mg.", kind="edit", model="m", prompt="p", level=1)
    store.add_judgment("ann", a, b, "tie")
    with pytest.raises(InputError, match="all ties"):
        records_from_store(store, "dpo")
    assert store.count("training_runs") == 0


def test_read_corpus_jsonl_and_csv_with_field_detection():
    jsonl = read_corpus(str(DATA / "train_dialogues.jsonl"))
    csv_rows = read_corpus(str(DATA / "train_dialogues.csv"))
    assert len(jsonl) == 8 and jsonl[0].id == "d1" and "amoxicillin" in jsonl[0].doctor
    assert len(csv_rows) == 2 and "chloramphenicol" in csv_rows[1].doctor


def test_read_corpus_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"foo": "x", "reply": "y"}]))
    with pytest.raises(InputError, match="no patient field"):
        read_corpus(str(bad))
    bad.write_text(json.dumps([{"patient": "x", "reply": ""}]))
    with pytest.raises(InputError, match="row 1"):
        read_corpus(str(bad))
    with pytest.raises(InputError, match="no such corpus file"):
        read_corpus(str(tmp_path / "missing.jsonl"))


def test_template_pairs_keep_every_fact_with_the_real_checker():
    dialogues = read_corpus(str(DATA / "train_dialogues.jsonl"))
    report = build_pairs(dialogues, mode="both", rewriter="template", prompt="simple")
    assert len(report.pairs) >= 12  # a template may be dropped, but most keep every fact
    for p in report.pairs:
        assert p.draft in p.rewrite and p.fact_recall == 1.0 and p.fact_precision == 1.0
        assert p.prompt[-1]["content"].count(p.draft) == 1  # the original reply is the draft being edited
        if p.kind == "eqsr":
            assert p.emotion in EMOTIONS and p.patient != p.original_patient and p.original_patient in p.patient


def test_model_rewrites_that_lose_facts_are_dropped_and_template_used():
    from empathy.backends import ScriptedBackend

    backend = ScriptedBackend(reply_fn=lambda m, o: "Patient: I'm scared.\nDoctor: Take some medicine.")
    d = [Dialogue("1", "My throat hurts.", "Take amoxicillin 500 mg twice a day for 7 days.")]
    report = build_pairs(d, mode="eqsr", rewriter="auto", backend=backend)
    assert report.dropped.get("model_reply_lost_facts") == 1 and report.rewriters == {"template": 1}
    only_model = build_pairs(d, mode="eqsr", rewriter="model", backend=backend)
    assert only_model.pairs == [] and only_model.dropped == {"model_reply_lost_facts": 1}


def test_good_model_rewrite_is_kept():
    from empathy.backends import ScriptedBackend

    draft = "Take amoxicillin 500 mg twice a day for 7 days."
    backend = ScriptedBackend(reply_fn=lambda m, o: f"I'm sorry you're going through this; it sounds really uncomfortable. {draft}")
    report = build_pairs([Dialogue("1", "My throat hurts.", draft)], mode="er", rewriter="model", backend=backend)
    assert report.rewriters == {"model": 1} and report.pairs[0].rewrite.endswith(draft)


def test_pairs_to_jsonl_and_store_round_trip(tmp_path):
    from empathy.store import Store

    dialogues = read_corpus(str(DATA / "train_dialogues.jsonl"))[:4]
    report = build_pairs(dialogues, mode="split", rewriter="template", check=_all_kept)
    path = write_pairs(report.pairs, tmp_path / "pairs.jsonl")
    rows = read_jsonl(path)
    assert len(rows) == 4 and all(r["chosen"] != r["rejected"] for r in rows)
    store = Store(tmp_path / "s.db")
    add_to_store(report.pairs, store)
    records = records_from_store(store, "dpo")
    assert len(records) == 4 and {r["chosen"] for r in records} == {p.rewrite for p in report.pairs}


def _all_kept(original, edited):
    class R:
        recall = precision = 1.0
        changed = []
    return R()


def test_templates_carry_no_instructions():
    assert "Take" not in template_reply("", "fear", "k") and "?" not in template_reply("", None, "k")


def test_cli_build_data_and_train_errors(tmp_path, isolated_env):
    from click.testing import CliRunner

    from empathy.cli import cli

    runner = CliRunner()
    out = tmp_path / "pairs.jsonl"
    r = runner.invoke(cli, ["build-data", str(DATA / "train_dialogues.csv"), "--rewriter", "template", "--mode", "er",
                            "--out", str(out), "--to-store", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert summary["pairs"] == 2 and summary["added_to_store"] == 2 and len(out.read_text().splitlines()) == 2
    r = runner.invoke(cli, ["build-data", str(DATA / "train_dialogues.csv"), "--rewriter", "template"])
    assert r.exit_code == 1 and "--out" in r.output
    empty = tmp_path / "empty.db"
    r = runner.invoke(cli, ["train", "dpo", "--db", str(empty), "--steps", "1"])
    assert r.exit_code == 1 and "no database" in r.output and not empty.exists()
    r = runner.invoke(cli, ["train", "sft", "--beta", "0.2", "--data", str(out)])
    assert r.exit_code == 2 and "No such option '--beta'" in r.output  # sft's options come from SFTTrainConfig
    r = runner.invoke(cli, ["eval-model", str(tmp_path)])
    assert r.exit_code == 1 and "not a training run folder" in r.output


@pytest.mark.parametrize("prompt", ["simple", "refined"])
def test_evaluation_reads_draft_and_patient_back_from_the_edit_prompt(prompt):
    """Store records carry only the prompt: evaluation must find the draft and the message in it."""
    from training.evaluate import draft_of, patient_of

    patient, draft = "Is it serious?\nI am worried.", "Take ibuprofen 400 mg.\n\nRest for 2 days."
    record = {"prompt": edit_messages(patient, draft, 2, prompt=prompt, emotions=["anxiety"], must_keep=["x"])}
    assert draft_of(record) == draft
    assert patient_of(record) == patient
    old = {"prompt": [{"role": "user", "content": f"<patient>\n{patient}\n</patient>\n\nPhysician's reply:\n{draft}\n\n"
                                                  "Rewrite the physician's reply. Output only the rewritten reply."}]}
    assert (draft_of(old), patient_of(old)) == (draft, patient)


def test_every_soothing_template_passes_the_fact_checker():
    """The deterministic rewriter must not write what the product's own checker rejects (false reassurance, advice)."""
    from empathy.facts import check_facts
    from training.build_data import CLOSINGS, OPENINGS

    drafts = [json.loads(line)["doctor"] for line in (DATA / "train_dialogues.jsonl").read_text().splitlines()[:2]]
    for emotion, openings in OPENINGS.items():
        for sentence in openings + CLOSINGS[emotion]:
            for draft in drafts:
                report = check_facts(draft, f"{sentence} {draft}")
                assert report.recall == 1.0 and report.precision == 1.0 and not report.unsupported, (emotion, sentence)
