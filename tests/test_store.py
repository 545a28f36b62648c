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
    store.add_accepted_edit("carol", case, edit, store.reply(edit)["text"])  # unchanged: no DPO pair
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
                # one annotator per write: every write is a new row (a repeat by one annotator replaces its vote)
                store.add_judgment(f"t{n}-{i}", edit, original, ("a", "b", "tie")[(i + n) % 3], "overall")
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


# --- one judgment, rating and accepted edit each (issue 12) ------------------------------------------------------


def test_a_new_vote_replaces_the_old_one_and_the_old_one_is_archived(store):
    case, original, edit, gen = _case(store)
    first = store.save_judgment("alice", edit, original, "a", "overall")
    assert first.status == "new"
    assert store.save_judgment("alice", original, edit, "b", "overall") == type(first)(first.id, "same")  # same meaning
    changed = store.save_judgment("alice", edit, original, "b", "overall")  # alice changes her mind
    assert changed == type(first)(first.id, "changed")
    store.add_judgment("alice", edit, original, "a", "empathy")  # another dimension is another judgment
    store.add_judgment("bob", edit, original, "a", "overall")  # another annotator too
    rows = store.query("select a.name, j.reply_a, j.reply_b, j.choice, j.dimension from judgments j "
                       "join annotators a on a.id = j.annotator_id order by j.id")
    assert [(r["name"], r["choice"], r["dimension"]) for r in rows] == [
        ("alice", "b", "overall"), ("alice", "a", "empathy"), ("bob", "a", "overall")]
    (rev,) = store.revisions("judgments")
    assert (rev["judgment_id"], rev["reply_a"], rev["reply_b"], rev["choice"], rev["reason"]) == (
        first.id, edit, original, "a", "replaced")
    # the export sees alice's current vote only: original preferred over the edit, and bob's edit over original
    pairs = [(r["chosen"][:12], r["rejected"][:12]) for r in store.dpo_records()]
    assert pairs == [(store.reply(original)["text"][:12], "I understand"), ("I understand", store.reply(original)["text"][:12])]
    assert store.stats()["revisions"] == {"judgments": 1, "ratings": 0, "accepted_edits": 0}


def test_thumbs_toggle_and_accepting_twice_keep_one_row(store):
    case, original, edit, gen = _case(store)
    up = store.save_rating("alice", gen, 1)
    assert store.save_rating("alice", gen, 1).status == "same"
    assert store.save_rating("alice", gen, -1) == type(up)(up.id, "changed")
    assert store.query("select value from ratings") == [{"value": -1}]
    assert [r["value"] for r in store.revisions("ratings")] == [1]
    assert [r["label"] for r in store.kto_records()] == [False]
    first = store.save_accepted_edit("bob", case, edit, "I know this is hard. Your PSA is 4.2, slightly up from 3.9. "
                                     "Repeat the test in 3 months.")
    again = store.save_accepted_edit("bob", case, gen, "I know waiting is hard. Your PSA is 4.2, slightly up from "
                                     "3.9. Repeat the test in 3 months.")
    assert (again.id, again.status) == (first.id, "changed")
    assert store.save_accepted_edit("bob", case, gen, "I know waiting is hard. Your PSA is 4.2, slightly up from "
                                    "3.9. Repeat the test in 3 months.").status == "same"
    assert store.count("accepted_edits") == 1
    assert [r["kind"] for r in store.replies(case)].count("accepted") == 1
    (sft,) = store.sft_records()
    assert sft["completion"].startswith("I know waiting is hard")
    (dpo,) = store.dpo_records()
    assert dpo["rejected"] == store.reply(gen)["text"]  # preferred over the reply it was last edited from
    (rev,) = store.revisions("accepted_edits")
    assert rev["text"].startswith("I know this is hard") and rev["proposed_reply_id"] == edit


def test_the_same_message_and_draft_is_the_same_case(store):
    case, original, edit, gen = _case(store)
    assert store.save_case(PATIENT, DRAFT).status == "same" and store.add_case(PATIENT, DRAFT) == case
    assert store.add_case(PATIENT, None) != case and store.add_case(PATIENT, "") == store.add_case(PATIENT)
    # a reply written again is the same reply; one at another level or by another model is another reply
    again = store.save_reply(case, store.reply(edit)["text"], kind="edit", model="smollm2", prompt="x", level=2)
    assert (again.id, again.status) == (edit, "same")
    assert store.add_reply(case, store.reply(edit)["text"], kind="edit", model="smollm2", prompt="x", level=3) != edit
    assert store.add_reply(case, DRAFT, kind="original", model="someone", prompt="", level=None) == original
    assert store.count("cases") == 2


def test_the_database_itself_refuses_duplicates_and_archives_changes(store):
    case, original, edit, gen = _case(store)
    jid = store.add_judgment("alice", edit, original, "a")
    store.add_rating("alice", edit, 1)
    for sql in [  # whatever code writes them
        f"insert into judgments (annotator_id, case_id, reply_a, reply_b, choice, dimension) values (1, {case}, "
        f"{original}, {edit}, 'b', 'overall')",
        f"insert into ratings (annotator_id, reply_id, value) values (1, {edit}, -1)",
        f"insert into cases (patient, draft) select patient, draft from cases where id = {case}",
        f"insert into replies (case_id, text, kind) select case_id, text, kind from replies where id = {original}",
    ]:
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute(sql)
    store.db.execute("update judgments set choice = 'tie' where id = ?", [jid])
    store.db.execute("delete from ratings")
    store.db.commit()
    assert [r["choice"] for r in store.revisions("judgments")] == ["a"]
    assert [(r["value"], r["reason"]) for r in store.revisions("ratings")] == [(1, "deleted")]


def test_migration_cleans_an_old_store_without_losing_a_judgment(tmp_path):
    """A store written before the rules: duplicate cases, replies, votes, ratings and accepted edits."""
    import sqlite_utils

    path = tmp_path / "dirty.db"
    db = sqlite_utils.Database(path)
    db["_migrations"].create({"id": int, "name": str, "applied_at": str}, pk="id")
    for fn in MIGRATIONS[:2]:
        fn(db)
        db["_migrations"].insert({"name": fn.__name__, "applied_at": "then"})
    db.execute("PRAGMA user_version = 2")
    t = iter(f"2024-01-01T00:00:{s:02d}" for s in range(60))
    for name in ("alice", "bob"):
        db["annotators"].insert({"name": name, "created_at": next(t)})
    ids = {}
    for copy in (1, 2):  # "Edit and generate" pressed twice: two cases, each with the draft and the same edit
        c = db["cases"].insert({"patient": "PSA 4.2, scared.", "draft": "Repeat PSA in 3 months.", "created_at": next(t)}).last_pk
        ids[f"case{copy}"] = c
        ids[f"orig{copy}"] = db["replies"].insert({"case_id": c, "text": "Repeat PSA in 3 months.", "kind": "original",
                                                    "model": "physician", "created_at": next(t)}).last_pk
        ids[f"edit{copy}"] = db["replies"].insert({"case_id": c, "text": "I hear you. Repeat PSA in 3 months.",
                                                    "kind": "edit", "model": "m", "level": 1, "scores": '{"overall": 0.5}'
                                                    if copy == 2 else None, "created_at": next(t)}).last_pk
    ids["gen"] = db["replies"].insert({"case_id": ids["case2"], "text": "All is fine.", "kind": "generate", "model": "m",
                                       "level": 1, "created_at": next(t)}).last_pk

    def vote(who, a, b, choice, dim="overall", case="case1"):
        return db["judgments"].insert({"annotator_id": who, "case_id": ids[case], "reply_a": ids[a], "reply_b": ids[b],
                                       "choice": choice, "dimension": dim, "created_at": next(t)}).last_pk

    votes = [vote(1, "edit1", "orig1", "a"), vote(1, "edit1", "orig1", "b"),  # alice revotes after the reveal
             vote(1, "orig2", "edit2", "b", case="case2"),  # ... and on the copy: the latest of the three wins
             vote(1, "edit1", "orig1", "a", "empathy"), vote(2, "edit2", "orig2", "a", case="case2"),
             vote(2, "edit2", "gen", "a", case="case2"),
             vote(2, "edit1", "edit2", "a", case="case2")]  # compares two copies of one text
    for value in (1, -1):
        db["ratings"].insert({"annotator_id": 1, "reply_id": ids["edit1"], "value": value, "created_at": next(t)})
    for text, case, orig in (("Version one.", "case1", "edit1"), ("Version two.", "case2", "edit2")):
        acc = db["replies"].insert({"case_id": ids[case], "text": text, "kind": "accepted", "model": "clinician",
                                    "created_at": next(t)}).last_pk
        db["accepted_edits"].insert({"annotator_id": 2, "case_id": ids[case], "proposed_reply_id": ids[orig],
                                     "accepted_reply_id": acc, "created_at": next(t)})
    db.close()

    s = Store(path)
    assert s.migrations_run[:1] == ["m003_revision_tables"] and s.schema_version == len(MIGRATIONS)
    assert s.count("cases") == 1
    assert sorted(r["kind"] for r in s.replies(ids["case1"])) == ["accepted", "accepted", "edit", "generate", "original"]
    assert s.reply(ids["edit1"])["scores"] == {"overall": 0.5}  # kept from the merged copy
    current = s.query("select a.name, j.reply_a, j.reply_b, j.choice, j.dimension from judgments j "
                      "join annotators a on a.id = j.annotator_id order by j.id")
    assert [(r["name"], r["choice"], r["dimension"]) for r in current] == [
        ("alice", "b", "overall"), ("alice", "a", "empathy"), ("bob", "a", "overall"), ("bob", "a", "overall")]
    assert (current[0]["reply_a"], current[0]["reply_b"]) == (ids["orig1"], ids["edit1"])  # the latest, repointed
    archived = s.revisions("judgments")
    assert len(current) + len(archived) == len(votes)  # no judgment lost
    assert sorted(r["reason"] for r in archived) == ["compared a reply with an identical copy of itself",
                                                     "replaced", "replaced"]
    assert s.query("select value from ratings") == [{"value": -1}] and len(s.revisions("ratings")) == 1
    assert s.count("accepted_edits") == 1 and s.revisions("accepted_edits")[0]["text"] == "Version one."
    assert [r["completion"] for r in s.sft_records()] == ["Version two."]
    assert s.integrity_check() == "ok"
    s.close()
    again = Store(path)
    assert again.migrations_run == []
    again.close()
