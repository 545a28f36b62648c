"""Annotation mode: import, the blind queue, win rates, kappa; and the import/export/stats CLI."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from empathy.annotation import (
    agreement,
    blind_order,
    cohen_kappa,
    fleiss_kappa,
    import_cases,
    next_item,
    progress,
    queue_pairs,
    record_votes,
    win_rates,
)
from empathy.cli import cli
from empathy.errors import InputError
from empathy.files import read_jsonl
from empathy.store import Store

ROWS = [
    {"patient": "My PSA went from 3.9 to 4.2. Should I worry?", "draft": "PSA 4.2. Repeat in 3 months.",
     "replies": [{"text": "I understand your worry. PSA 4.2. Repeat in 3 months.", "model": "smol", "level": 2},
                 {"text": "Your PSA is fine, nothing to worry about.", "model": "smol", "kind": "generate", "level": 2}]},
    {"message": "Can I take ibuprofen with lisinopril?", "reply": "Avoid ibuprofen; use acetaminophen 500 mg."},
    {"draft": "no patient message here"},
    {"patient": "Knee still swollen after 2 weeks, call me at 555-201-3344.", "draft": "Get an X-ray.",
     "replies": "not a list"},
]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "a.db")
    yield s
    s.close()


def _jsonl(tmp_path, rows=ROWS):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken json\n")
    return path


def test_import_jsonl_keeps_good_rows_and_reports_bad_ones(store, tmp_path):
    report = import_cases(store, str(_jsonl(tmp_path)))
    assert report.cases == 2 and report.replies == 4
    reasons = dict(report.skipped)
    assert set(reasons) == {3, 4, 5}
    assert "no patient message" in reasons[3] and "list" in reasons[4] and "JSON" in reasons[5]
    assert store.count("cases") == 2


def test_import_csv_with_reply_columns(store, tmp_path):
    path = tmp_path / "batch.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, ["Patient", "Draft", "reply_a", "model_a", "level_a", "reply_b", "model_b"])
        w.writeheader()
        w.writerow({"Patient": "Is my A1c of 7.2 ok? - Maria Okafor", "Draft": "A1c 7.2; keep metformin 500 mg.",
                    "reply_a": "Thanks for asking. A1c 7.2; keep metformin 500 mg.", "model_a": "smol", "level_a": "1",
                    "reply_b": "Great job! A1c 7.2.", "model_b": "other"})
    report = import_cases(store, str(path))
    assert report.cases == 1 and report.replies == 3 and not report.skipped
    case = store.case(report.case_ids[0])
    assert "Okafor" not in case["patient"]  # scrubbed on import
    assert [r["level"] for r in store.replies(case["id"])] == [None, 1, None]


def test_import_parquet_through_datasets(store, tmp_path):
    import datasets

    path = tmp_path / "batch.parquet"
    datasets.Dataset.from_list([{"question": "Rash after amoxicillin 875 mg?", "answer": "Stop it and call us."}]).to_parquet(str(path))
    report = import_cases(store, str(path))
    assert report.cases == 1 and report.replies == 1
    with pytest.raises(InputError):
        import_cases(store, str(tmp_path / "missing.csv"))
    with pytest.raises(InputError, match="cannot load"):
        import_cases(store, str(tmp_path / "no-such-dataset-folder"))


def test_queue_gives_each_annotator_unjudged_pairs_blind(store, tmp_path):
    import_cases(store, str(_jsonl(tmp_path)))
    pairs = queue_pairs(store)
    assert len(pairs) == 3  # case 1: 3 replies -> 3 pairs; case 2: one reply -> none
    seen = []
    while (item := next_item(store, "alice")) is not None:
        assert item.total == 3 and item.done == len(seen)
        ids = {item.reply_a["id"], item.reply_b["id"]}
        assert ids not in seen
        seen.append(ids)
        record_votes(store, "alice", item.reply_a["id"], item.reply_b["id"],
                     {"empathy": "a", "accuracy": "tie", "overall": "b"})
    assert len(seen) == 3 and store.count("judgments") == 9
    assert next_item(store, "bob").done == 0  # bob still has everything
    assert {p["annotator"]: p["judged_pairs"] for p in progress(store)} == {"alice": 3}  # bob has not voted yet
    with pytest.raises(InputError):
        next_item(store, "  ")
    with pytest.raises(InputError):
        record_votes(store, "alice", 1, 2, {})


def test_blind_order_is_stable_per_annotator_and_varies_across_pairs():
    orders = [blind_order("alice", {"id": i}, {"id": i + 1})[0]["id"] == i for i in range(1, 200)]
    assert 60 < sum(orders) < 140  # both orders occur
    assert [blind_order("alice", {"id": i}, {"id": i + 1})[0]["id"] == i for i in range(1, 200)] == orders
    # the order does not depend on which reply is passed first
    assert blind_order("bob", {"id": 5}, {"id": 9})[0] == blind_order("bob", {"id": 9}, {"id": 5})[0]


def test_win_rates_and_agreement(store, tmp_path):
    import_cases(store, str(_jsonl(tmp_path)))
    case = store.query("select id from cases order by id limit 1")[0]["id"]
    original, edit, gen = [r["id"] for r in store.replies(case)]
    # alice and bob agree on two pairs and disagree on one; carol votes with B/A order flipped (same meaning)
    for who, votes in {"alice": [(edit, original, "a"), (edit, gen, "a"), (original, gen, "a")],
                       "bob": [(edit, original, "a"), (edit, gen, "a"), (original, gen, "tie")],
                       "carol": [(original, edit, "b"), (gen, edit, "b"), (gen, original, "b")]}.items():
        for a, b, choice in votes:
            store.add_judgment(who, a, b, choice, "overall")
    rates = {(w.model, w.level): w for w in win_rates(store, "overall")}
    assert rates[("smol (edit)", 2)].wins == 6 and rates[("smol (edit)", 2)].win_rate == 1.0
    assert rates[("smol (generate)", 2)].wins == 0 and rates[("smol (generate)", 2)].ties == 1
    assert rates[("physician", None)].n == 6
    ag = agreement(store, "overall")
    assert ag.annotators == ["alice", "bob", "carol"] and ag.shared_items == 3
    assert ag.cohen["alice|carol"] == 1.0  # identical meaning despite the flipped order
    assert ag.cohen["alice|bob"] < 1.0
    assert 0 < ag.fleiss < 1
    assert agreement(store, "empathy").fleiss is None  # nothing judged on empathy


def test_kappa_against_references():
    from sklearn.metrics import cohen_kappa_score

    x = ["lo", "hi", "tie", "lo", "lo", "hi", "tie", "lo"]
    y = ["lo", "hi", "lo", "lo", "hi", "hi", "tie", "tie"]
    assert cohen_kappa(x, y) == pytest.approx(cohen_kappa_score(x, y))
    # Fleiss' worked example (Wikipedia, "Fleiss' kappa"): 10 items, 14 raters, kappa 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    items = [{str(k): v for k, v in enumerate(row) if v} for row in table]
    assert fleiss_kappa(items) == pytest.approx(0.210, abs=0.001)
    assert cohen_kappa([], []) is None


def test_cli_import_export_stats(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    result = runner.invoke(cli, ["import", str(_jsonl(tmp_path)), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["cases"] == 2 and summary["skipped"] == 3
    empty = runner.invoke(cli, ["export", "--format", "dpo", "--out", str(tmp_path / "x.jsonl"), "--db", db])
    assert empty.exit_code == 1 and "no" in empty.output.lower()
    store = Store(db)
    case = store.query("select id from cases order by id limit 1")[0]["id"]
    original, edit, gen = [r["id"] for r in store.replies(case)]
    store.add_judgment("alice", edit, gen, "a")
    store.add_rating("alice", gen, -1)
    store.add_accepted_edit("bob", case, edit, "I hear you. PSA 4.2. Please repeat it in 3 months.")
    store.close()
    for fmt, suffix, n, keys in [("dpo", "jsonl", 2, {"prompt", "chosen", "rejected"}),
                                 ("kto", "parquet", 3, {"prompt", "completion", "label"}),
                                 ("sft", "jsonl", 1, {"prompt", "completion"})]:
        out = tmp_path / f"{fmt}.{suffix}"
        r = runner.invoke(cli, ["export", "--format", fmt, "--out", str(out), "--db", db])
        assert r.exit_code == 0, r.output
        if suffix == "jsonl":
            rows = read_jsonl(out)
        else:
            import datasets

            rows = datasets.Dataset.from_parquet(str(out)).to_list()
        assert len(rows) == n and keys <= set(rows[0])
        assert rows[0]["prompt"][0]["role"] == "system"
    stats = runner.invoke(cli, ["stats", "--json", "--db", db])
    assert stats.exit_code == 0, stats.output
    data = json.loads(stats.stdout)
    assert data["cases"] == 2 and data["judgments"] == 1 and data["dpo_pairs"] == 2
    assert "agreement" in data and "win_rates" in data
    text = runner.invoke(cli, ["stats", "--db", db])
    assert text.exit_code == 0 and "judgments" in text.output
    bad = runner.invoke(cli, ["export", "--format", "dpo", "--out", str(tmp_path / "x.txt"), "--db", db])
    assert bad.exit_code != 0 and ".jsonl or .parquet" in bad.output


def test_fill_replies_writes_edit_and_generation_for_cases_lacking_pairs(store, tmp_path):
    from empathy.app.session import Session
    from empathy.backends import ScriptedBackend
    from empathy.config import Settings

    fill_replies = Session(Settings(db=str(store.path)), store).fill_replies

    import_cases(store, str(_jsonl(tmp_path)))  # case 1 has 3 replies, case 2 only its draft
    backend = ScriptedBackend(replies=["I understand. Avoid ibuprofen; use acetaminophen 500 mg.",
                                       "Ibuprofen is fine with lisinopril."])
    assert fill_replies(backend, level=2) == 1
    case2 = store.query("select id from cases order by id")[1]["id"]
    assert [(r["kind"], r["level"]) for r in store.replies(case2)] == [("original", None), ("edit", 2), ("generate", 2)]
    assert len(queue_pairs(store)) == 6
    assert fill_replies(backend, level=2) == 0  # nothing left to fill
    assert all(r["scores"] for r in store.replies(case2))  # every written reply is reviewed and scored


def test_cli_import_keep_identifiers_and_bad_source(tmp_path):
    runner = CliRunner()
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"patient": "Hi, this is Maria Okafor, call 555-201-3344.", "draft": "Call us."}) + "\n")
    for flag, kept in (([], False), (["--keep-identifiers"], True)):
        db = str(tmp_path / f"k{kept}.db")
        assert runner.invoke(cli, ["import", str(path), "--db", db, *flag]).exit_code == 0
        s = Store(db, scrub=False)
        assert ("Okafor" in s.case(1)["patient"]) is kept
        s.close()
    bad = runner.invoke(cli, ["import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "x.db")])
    assert bad.exit_code == 1 and "no such file" in bad.output


def test_import_twice_and_a_draft_given_as_an_original_reply_add_nothing_twice(store, tmp_path):
    rows = [{"patient": "My PSA went from 3.9 to 4.2. Should I worry?", "draft": "PSA 4.2. Repeat in 3 months.",
             "replies": [{"text": "PSA 4.2. Repeat in 3 months.", "model": "physician", "kind": "original", "level": 0},
                         {"text": "I understand your worry. PSA 4.2. Repeat in 3 months.", "model": "smol", "level": 2},
                         {"text": "I understand your worry.  PSA 4.2. Repeat in 3 months.", "model": "big", "level": 2}]},
            {"patient": "Rash after amoxicillin?", "replies": [{"text": "Stop it and call us.", "kind": "original"},
                                                               {"text": "Sorry! Stop it and call us.", "model": "smol"}]}]
    first = import_cases(store, str(_jsonl(tmp_path, rows)))
    assert (first.cases, first.replies, first.duplicate_replies) == (2, 5, 1)  # the "original" is the draft
    assert store.case(first.case_ids[1])["draft"] == "Stop it and call us."  # an original reply is the draft
    again = import_cases(store, str(_jsonl(tmp_path, rows)))
    assert (again.cases, again.replies, again.existing_cases, again.duplicate_replies) == (0, 0, 2, 6)
    assert again.case_ids == first.case_ids and again.summary().startswith("Imported 0 cases and 0 replies; 2 row(s) matched")
    assert store.count("cases") == 2 and store.count("replies") == 5
    # one physician row on the dashboard; the two edits differing only in spacing make one pair with the draft
    assert len(queue_pairs(store)) == 2
    for item in iter(lambda: next_item(store, "ann"), None):
        record_votes(store, "ann", item.reply_a["id"], item.reply_b["id"], {"overall": "a"})
    assert [w.model for w in win_rates(store)].count("physician") == 1


def test_a_revote_in_the_queue_replaces_the_vote_and_kappa_says_what_it_means(store, tmp_path):
    from empathy.annotation import kappa_meaning, votes_summary

    import_cases(store, str(_jsonl(tmp_path)))
    item = next_item(store, "alice")
    a, b = item.reply_a["id"], item.reply_b["id"]
    assert votes_summary(record_votes(store, "alice", a, b, {"empathy": "a", "overall": "a"})) == "Saved 2 judgment(s)"
    again = record_votes(store, "alice", a, b, {"empathy": "b", "overall": "a"})  # after the reveal
    assert votes_summary(again) == "Saved 2 judgment(s) (1 replaced your earlier vote, 1 unchanged)"
    assert store.count("judgments") == 2 and len(store.revisions("judgments")) == 1
    record_votes(store, "bob", b, a, {"overall": "b"})  # the same meaning in the other order
    ag = agreement(store, "overall")
    assert ag.cohen_shared == {"alice|bob": 1} and ag.to_dict()["cohen_shared"] == {"alice|bob": 1}
    assert "too few" in kappa_meaning(ag.fleiss, ag.shared_items)
    assert kappa_meaning(0.7, 40) == "substantial agreement beyond chance"
    assert kappa_meaning(-0.1, 40) == "less agreement than chance" and "not defined" in kappa_meaning(None, 0)
