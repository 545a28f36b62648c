"""The SQLite store on real files: schema, migrations, scrubbing, validation, training records, threads."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from empathy.errors import InputError, StoreError
from empathy.store import Store
from empathy.store.migrations import MIGRATIONS

PATIENT = "Hi, this is Sarah Johnson (MRN 00482913). My PSA came back 4.2 and I'm scared. Call me at 555-201-3344."
DRAFT = "Your PSA is 4.2, slightly up from 3.9. Repeat the test in 3 months. Dr. Patel"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def _case(store):
    case = store.add_case(PATIENT, DRAFT, source="test")
    original = store.add_reply(case, DRAFT, kind="original", model="physician", prompt="", level=None)
    edit = store.add_reply(case, "I understand this is worrying. Your PSA is 4.2, slightly up from 3.9. Repeat the test "
                           "in 3 months.", kind="edit", model="smollm2", prompt="edit-refined", level=2,
                           scores={"empathy": 0.7}, fact_report={"recall": 1.0})
    gen = store.add_reply(case, "Do not worry, PSA of 4.2 is normal.", kind="generate", model="smollm2",
                          prompt="generate", level=2)
    return case, original, edit, gen


def test_new_database_is_wal_with_foreign_keys_and_current_schema(store, tmp_path):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version == len(MIGRATIONS) == store.latest_version
    names = [r["name"] for r in store.query("select name from _migrations order by id")]
    assert names == [fn.__name__ for fn in MIGRATIONS]
    for table in ("cases", "replies", "judgments", "ratings", "accepted_edits", "annotators", "training_runs", "models"):
        assert table in store.db.table_names()
    # reopening applies nothing twice
    again = Store(tmp_path / "t.db")
    assert again.migrations_run == []
    again.close()


def test_identifiers_are_scrubbed_before_storing(store):
    case, *_ = _case(store)
    row = store.case(case)
    assert "Sarah" not in row["patient"] and "00482913" not in row["patient"] and "555-201-3344" not in row["patient"]
    assert "[NAME]" in row["patient"] and "[RECORD]" in row["patient"] and "[PHONE]" in row["patient"]
    assert "PSA came back 4.2" in row["patient"]  # medical content intact
    assert "Patel" not in row["draft"] and "Repeat the test in 3 months" in row["draft"]
    # the raw file holds no identifier either
    raw = sqlite3.connect(store.path).execute("select patient || draft from cases").fetchone()[0]
    assert "Sarah" not in raw


def test_scrub_false_keeps_originals(tmp_path):
    s = Store(tmp_path / "local.db", scrub=False)
    case = s.add_case(PATIENT, DRAFT)
    assert s.case(case)["patient"] == PATIENT and s.case(case)["scrubbed"] == 0
    s.close()


def test_judgments_ratings_and_accepted_edits_round_trip(store):
    case, original, edit, gen = _case(store)
    j = store.add_judgment("alice", edit, original, "a", "empathy")
    store.add_judgment("alice", edit, gen, "A", "accuracy")  # case-insensitive choice
    store.add_judgment("bob", original, gen, "tie", "overall")
    store.add_rating("alice", gen, -1)
    accepted = store.add_accepted_edit("bob", case, edit, "I can hear how worried you are. Your PSA is 4.2, slightly "
                                       "up from 3.9. Please repeat the test in 3 months.")
    row = store.query("select * from judgments where id = ?", [j])[0]
    assert (row["reply_a"], row["reply_b"], row["choice"], row["dimension"], row["case_id"]) == (edit, original, "a", "empathy", case)
    assert {r["name"] for r in store.query("select name from annotators")} == {"alice", "bob"}
    acc_reply = store.reply(store.accepted_reply_id(accepted))
    assert acc_reply["kind"] == "accepted" and acc_reply["level"] == 2 and acc_reply["model"] == "clinician"
    assert store.reply(edit)["scores"] == {"empathy": 0.7}
    stats = store.stats()
    assert stats["judgments"] == 3 and stats["ratings"] == 1 and stats["accepted_edits"] == 1


@pytest.mark.parametrize("bad", [
    dict(choice="maybe"), dict(dimension="style"), dict(reply_b="same"), dict(annotator=" "),
])
def test_bad_judgments_are_refused_and_nothing_is_written(store, bad):
    case, original, edit, gen = _case(store)
    args = dict(annotator="alice", reply_a=edit, reply_b=original, choice="a", dimension="overall")
    args.update(bad)
    if args["reply_b"] == "same":
        args["reply_b"] = edit
    with pytest.raises(InputError):
        store.add_judgment(**args)
    assert store.count("judgments") == 0


def test_references_are_checked(store):
    case, original, edit, gen = _case(store)
    other = store.add_case("Another question about my knee.", "Ice it twice a day.")
    other_reply = store.add_reply(other, "Ice it twice a day.", kind="original", model="physician", prompt="", level=None)
    with pytest.raises(InputError, match="different cases"):
        store.add_judgment("alice", edit, other_reply, "a")
    with pytest.raises(InputError, match="no reply"):
        store.add_judgment("alice", edit, 9999, "a")
    with pytest.raises(InputError):
        store.add_reply(9999, "text", kind="edit", model="m", prompt="p", level=1)  # foreign key
    with pytest.raises(InputError):
        store.add_reply(case, "text", kind="poem", model="m", prompt="p", level=1)
    with pytest.raises(InputError):
        store.add_rating("alice", edit, 5)
    with pytest.raises(InputError):
        store.add_case("   ")
    # the database itself refuses malformed rows, whatever code writes them
    with pytest.raises(sqlite3.DatabaseError):
        store.db.execute("insert into judgments (annotator_id, case_id, reply_a, reply_b, choice, dimension) "
                         "values (1, ?, ?, ?, 'x', 'overall')", [case, edit, original])


def test_training_records(store):
    from empathy.prompts import edit_messages, generate_messages

    case, original, edit, gen = _case(store)
    store.add_judgment("alice", edit, original, "a", "overall")
    store.add_judgment("alice", gen, edit, "b", "overall")
    store.add_judgment("alice", gen, original, "tie", "overall")  # dropped
    store.add_judgment("alice", original, edit, "a", "empathy")
    store.add_rating("bob", gen, -1)
    store.add_accepted_edit("bob", case, edit, "I know this is worrying. Your PSA is 4.2, slightly up from 3.9. "
                            "Repeat the test in 3 months.")
    store.add_accepted_edit("bob", case, edit, store.reply(edit)["text"])  # unchanged: no DPO pair
    c = store.case(case)
    dpo = store.dpo_records()
    assert len(dpo) == 3
    assert all(set(r) == {"case_id", "prompt", "chosen", "rejected"} for r in dpo)
    assert dpo[0]["chosen"] == store.reply(edit)["text"] and dpo[0]["rejected"] == store.reply(original)["text"]
    assert dpo[0]["prompt"] == edit_messages(c["patient"], c["draft"], 2)
    assert dpo[1]["chosen"] == store.reply(edit)["text"] and dpo[1]["rejected"] == store.reply(gen)["text"]
    assert dpo[2]["chosen"].startswith("I know this is worrying")
    assert [r["chosen"] for r in store.dpo_records("empathy")] == [store.reply(original)["text"]]
    kto = store.kto_records()
    assert [(r["completion"][:12], r["label"]) for r in kto] == [
        ("Do not worry", False), ("I know this ", True), ("I understand", False), ("I understand", True)]
    gen_only = [r for r in kto if r["completion"].startswith("Do not worry")][0]
    assert gen_only["prompt"] == generate_messages(c["patient"], 2)
    sft = store.sft_records()
    assert len(sft) == 2 and set(sft[0]) == {"case_id", "prompt", "completion"}


def test_training_runs_and_models(store):
    run = store.add_training_run("dpo", "smollm2", {"beta": 0.1})
    store.update_training_run(run, status="done", adapter_path="/m/a.gguf", metrics={"loss": 0.3}, finished_at="x")
    (row,) = store.training_runs()
    assert row["status"] == "done" and row["metrics"] == {"loss": 0.3} and row["config"] == {"beta": 0.1}
    with pytest.raises(InputError):
        store.update_training_run(run, colour="red")
    with pytest.raises(InputError):
        store.update_training_run(999, status="x")
    store.add_model("smol+dpo", "/m/base.gguf", adapter="/m/a.gguf", run_id=run, description="DPO run 1")
    assert store.models()[0]["run_id"] == run


def test_corrupt_file_gives_store_error_and_is_left_untouched(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    before = bad.read_bytes()
    with pytest.raises(StoreError, match="left untouched"):
        Store(bad)
    assert bad.read_bytes() == before
    # an SQLite header followed by garbage
    half = tmp_path / "half.db"
    half.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    before = half.read_bytes()
    with pytest.raises(StoreError):
        Store(half)
    assert half.read_bytes() == before
    with pytest.raises(StoreError, match="folder"):
        Store(tmp_path)


def test_database_from_a_newer_version_is_refused(tmp_path):
    s = Store(tmp_path / "new.db")
    s.db["_migrations"].insert({"name": "m999_future", "applied_at": "x"})
    s.close()
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "new.db")


def test_threads_share_one_store(store):
    case, original, edit, gen = _case(store)
    errors = []

    def work(n):
        try:
            for i in range(25):
                store.add_judgment(f"t{n}", edit, original, ("a", "b", "tie")[(i + n) % 3], "overall")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == [] and store.count("judgments") == 200
    assert store.integrity_check() == "ok"


def test_accepted_edit_of_a_generated_reply_keeps_the_generation_prompt(store):
    from empathy.prompts import generate_messages

    case, original, edit, gen = _case(store)
    store.add_accepted_edit("bob", case, gen, "Your PSA of 4.2 needs a repeat test in 3 months; I know waiting is hard.")
    (dpo,) = store.dpo_records()
    (sft,) = store.sft_records()
    expected = generate_messages(store.case(case)["patient"], 2)
    assert dpo["prompt"] == expected and sft["prompt"] == expected


def test_an_older_database_is_migrated_in_place_and_keeps_its_rows(tmp_path):
    import sqlite_utils

    from empathy.store.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db["_migrations"].create({"id": int, "name": str, "applied_at": str}, pk="id")
    MIGRATIONS[0](db)  # a database written when only the first migration existed
    db["_migrations"].insert({"name": MIGRATIONS[0].__name__, "applied_at": "then"})
    db["cases"].insert({"patient": "old case", "created_at": "then"})
    db.execute("PRAGMA user_version = 1")
    db.close()
    s = Store(path)
    assert s.migrations_run == [fn.__name__ for fn in MIGRATIONS[1:]]
    assert s.schema_version == len(MIGRATIONS)
    assert s.case(1)["patient"] == "old case"
    s.close()


def test_export_scrubs_text_stored_unscrubbed(tmp_path):
    local = Store(tmp_path / "mixed.db", scrub=False)
    case, original, edit, gen = _case(local)
    local.add_judgment("alice", edit, original, "a")
    assert "Sarah" in local.dpo_records()[0]["prompt"][1]["content"]  # kept for local use
    local.close()
    shared = Store(tmp_path / "mixed.db")  # the default: scrub on the way out too
    record = shared.dpo_records()[0]
    assert "Sarah" not in json.dumps(record) and "00482913" not in json.dumps(record)
    shared.close()
