"""Schema migrations for the SQLite store, in the style of ``llm``: an ordered list of small named functions.

Each migration runs once, inside a transaction, and is recorded by name in ``_migrations``. The schema version
(``PRAGMA user_version``) is the number of migrations applied. Never edit or reorder a migration that has
shipped: add a new one at the end.
"""

from __future__ import annotations

import datetime
from typing import Callable

from ..errors import StoreError

MIGRATIONS: list[Callable] = []


def migration(fn: Callable) -> Callable:
    MIGRATIONS.append(fn)
    return fn


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


@migration
def m001_initial(db):
    db["annotators"].create(
        {"id": int, "name": str, "created_at": str}, pk="id", not_null={"name"}
    )
    db["annotators"].create_index(["name"], unique=True)
    db["cases"].create(
        {"id": int, "patient": str, "draft": str, "source": str, "meta": str, "scrubbed": int, "created_at": str},
        pk="id",
        not_null={"patient"},
    )
    db["replies"].create(
        {
            "id": int, "case_id": int, "text": str, "kind": str, "model": str, "prompt": str, "level": int,
            "path": str, "scores": str, "fact_report": str, "created_at": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "text", "kind"},
    )
    db["replies"].create_index(["case_id"])
    db["judgments"].create(
        {
            "id": int, "annotator_id": int, "case_id": int, "reply_a": int, "reply_b": int, "choice": str,
            "dimension": str, "created_at": str,
        },
        pk="id",
        foreign_keys=[
            ("annotator_id", "annotators", "id"), ("case_id", "cases", "id"),
            ("reply_a", "replies", "id"), ("reply_b", "replies", "id"),
        ],
        not_null={"annotator_id", "case_id", "reply_a", "reply_b", "choice", "dimension"},
    )
    db["judgments"].create_index(["annotator_id"])
    db["judgments"].create_index(["case_id"])
    db["ratings"].create(
        {"id": int, "annotator_id": int, "reply_id": int, "value": int, "created_at": str},
        pk="id",
        foreign_keys=[("annotator_id", "annotators", "id"), ("reply_id", "replies", "id")],
        not_null={"annotator_id", "reply_id", "value"},
    )
    db["accepted_edits"].create(
        {
            "id": int, "annotator_id": int, "case_id": int, "proposed_reply_id": int, "accepted_reply_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[
            ("annotator_id", "annotators", "id"), ("case_id", "cases", "id"),
            ("proposed_reply_id", "replies", "id"), ("accepted_reply_id", "replies", "id"),
        ],
        not_null={"annotator_id", "case_id", "proposed_reply_id", "accepted_reply_id"},
    )
    db["training_runs"].create(
        {
            "id": int, "method": str, "base_model": str, "config": str, "status": str, "adapter_path": str,
            "metrics": str, "started_at": str, "finished_at": str,
        },
        pk="id",
        not_null={"method", "base_model"},
    )
    db["models"].create(
        {"id": int, "name": str, "path": str, "adapter": str, "run_id": int, "description": str, "created_at": str},
        pk="id",
        foreign_keys=[("run_id", "training_runs", "id")],
        not_null={"name"},
    )


@migration
def m002_judgment_triggers(db):
    """Refuse malformed judgments in the database itself, whatever code writes them."""
    db.execute(
        """CREATE TRIGGER judgments_check BEFORE INSERT ON judgments
        WHEN NEW.choice NOT IN ('a', 'b', 'tie') OR NEW.dimension NOT IN ('empathy', 'accuracy', 'overall')
             OR NEW.reply_a = NEW.reply_b
        BEGIN SELECT RAISE(ABORT, 'invalid judgment'); END"""
    )
    db.execute(
        """CREATE TRIGGER ratings_check BEFORE INSERT ON ratings
        WHEN NEW.value NOT IN (1, -1) BEGIN SELECT RAISE(ABORT, 'invalid rating'); END"""
    )



# --- one judgment, rating and accepted edit each (issue 12) -----------------------------------------------------
# A clinician who votes again changes their mind: the new vote replaces the old one, which is archived as a revision.
# m003-m006 clean a store written before this rule without losing a judgment; m007 enforces it in SQLite.


@migration
def m003_revision_tables(db):
    """Archives for replaced (or merged away) judgments, ratings and accepted edits: nothing said is ever lost."""
    db["judgment_revisions"].create(
        {
            "id": int, "judgment_id": int, "annotator_id": int, "case_id": int, "reply_a": int, "reply_b": int,
            "choice": str, "dimension": str, "created_at": str, "archived_at": str, "reason": str,
        },
        pk="id",
    )
    db["judgment_revisions"].create_index(["judgment_id"])
    db["rating_revisions"].create(
        {"id": int, "rating_id": int, "annotator_id": int, "reply_id": int, "value": int, "created_at": str,
         "archived_at": str, "reason": str},
        pk="id",
    )
    db["rating_revisions"].create_index(["rating_id"])
    db["accepted_edit_revisions"].create(
        {
            "id": int, "accepted_edit_id": int, "annotator_id": int, "case_id": int, "proposed_reply_id": int,
            "accepted_reply_id": int, "text": str, "created_at": str, "archived_at": str, "reason": str,
        },
        pk="id",
    )
    db["accepted_edit_revisions"].create_index(["accepted_edit_id"])


def _groups(db, sql: str) -> list[list[int]]:
    """Ids of each group of duplicates: ``sql`` selects ``group_concat(id)`` of groups with more than one row."""
    return [sorted(int(i) for i in row[0].split(",")) for row in db.execute(sql).fetchall()]


def _in(ids) -> str:
    return ",".join(str(int(i)) for i in ids)


@migration
def m004_merge_duplicate_cases(db):
    """The same patient message and draft is one case: later copies are merged into the first (rows repointed)."""
    for ids in _groups(db, "select group_concat(id) from cases group by patient, ifnull(draft, '') having count(*) > 1"):
        keep, others = ids[0], _in(ids[1:])
        for table in ("replies", "judgments", "accepted_edits", "judgment_revisions", "accepted_edit_revisions"):
            db.execute(f"update {table} set case_id = ? where case_id in ({others})", [keep])
        db.execute(f"delete from cases where id in ({others})")


@migration
def m005_merge_duplicate_replies(db):
    """A reply stored twice (same case, kind, text; same model and level for model replies) becomes one row; every
    judgment, rating and accepted edit that pointed at a copy points at the first. A judgment left comparing a reply
    with itself is archived."""
    sql = ("select group_concat(id) from replies where kind = 'original' group by case_id, text having count(*) > 1 "
           "union all select group_concat(id) from replies where kind in ('edit', 'generate') "
           "group by case_id, kind, text, ifnull(model, ''), ifnull(level, -1) having count(*) > 1")
    for ids in _groups(db, sql):
        keep, others = ids[0], _in(ids[1:])
        for table, column in (("judgments", "reply_a"), ("judgments", "reply_b"), ("ratings", "reply_id"),
                              ("accepted_edits", "proposed_reply_id"), ("judgment_revisions", "reply_a"),
                              ("judgment_revisions", "reply_b"), ("rating_revisions", "reply_id"),
                              ("accepted_edit_revisions", "proposed_reply_id")):
            db.execute(f"update {table} set {column} = ? where {column} in ({others})", [keep])
        db.execute(f"""update replies set
                       scores = coalesce(scores, (select scores from replies where id in ({others}) and scores is not null limit 1)),
                       fact_report = coalesce(fact_report, (select fact_report from replies where id in ({others})
                                                            and fact_report is not null limit 1))
                       where id = ?""", [keep])
        db.execute(f"delete from replies where id in ({others})")
    stamp = now()
    db.execute("""insert into judgment_revisions (judgment_id, annotator_id, case_id, reply_a, reply_b, choice, dimension,
                  created_at, archived_at, reason)
                  select id, annotator_id, case_id, reply_a, reply_b, choice, dimension, created_at, ?,
                         'compared a reply with an identical copy of itself'
                  from judgments where reply_a = reply_b""", [stamp])
    db.execute("delete from judgments where reply_a = reply_b")


@migration
def m006_keep_latest_of_each(db):
    """One judgment per annotator, pair and dimension; one rating per annotator and reply; one accepted edit per
    annotator and case: the latest is kept, the earlier ones are archived as revisions of it."""
    stamp = now()
    sql = ("select group_concat(id) from judgments "
           "group by annotator_id, dimension, min(reply_a, reply_b), max(reply_a, reply_b) having count(*) > 1")
    for ids in _groups(db, sql):
        keep, others = ids[-1], _in(ids[:-1])
        db.execute(f"""insert into judgment_revisions (judgment_id, annotator_id, case_id, reply_a, reply_b, choice,
                       dimension, created_at, archived_at, reason)
                       select ?, annotator_id, case_id, reply_a, reply_b, choice, dimension, created_at, ?, 'replaced'
                       from judgments where id in ({others}) order by id""", [keep, stamp])
        db.execute(f"delete from judgments where id in ({others})")
    for ids in _groups(db, "select group_concat(id) from ratings group by annotator_id, reply_id having count(*) > 1"):
        keep, others = ids[-1], _in(ids[:-1])
        db.execute(f"""insert into rating_revisions (rating_id, annotator_id, reply_id, value, created_at, archived_at,
                       reason) select ?, annotator_id, reply_id, value, created_at, ?, 'replaced'
                       from ratings where id in ({others}) order by id""", [keep, stamp])
        db.execute(f"delete from ratings where id in ({others})")
    sql = "select group_concat(id) from accepted_edits group by annotator_id, case_id having count(*) > 1"
    for ids in _groups(db, sql):
        keep, others = ids[-1], _in(ids[:-1])
        db.execute(f"""insert into accepted_edit_revisions (accepted_edit_id, annotator_id, case_id, proposed_reply_id,
                       accepted_reply_id, text, created_at, archived_at, reason)
                       select ?, e.annotator_id, e.case_id, e.proposed_reply_id, e.accepted_reply_id, r.text,
                              e.created_at, ?, 'replaced'
                       from accepted_edits e left join replies r on r.id = e.accepted_reply_id
                       where e.id in ({others}) order by e.id""", [keep, stamp])
        db.execute(f"delete from accepted_edits where id in ({others})")


@migration
def m007_one_of_each_enforced(db):
    """The rules of m004-m006 in the database itself (unique indexes), and triggers that archive a replaced or
    deleted judgment, rating or accepted edit whatever code changes it."""
    statements = [
        "CREATE UNIQUE INDEX cases_one_per_message_and_draft ON cases (patient, ifnull(draft, ''))",
        "CREATE UNIQUE INDEX replies_one_original ON replies (case_id, text) WHERE kind = 'original'",
        """CREATE UNIQUE INDEX replies_one_per_model ON replies (case_id, kind, text, ifnull(model, ''), ifnull(level, -1))
           WHERE kind IN ('edit', 'generate')""",
        """CREATE UNIQUE INDEX judgments_one_per_pair ON judgments
           (annotator_id, dimension, min(reply_a, reply_b), max(reply_a, reply_b))""",
        "CREATE UNIQUE INDEX ratings_one_per_reply ON ratings (annotator_id, reply_id)",
        "CREATE UNIQUE INDEX accepted_edits_one_per_case ON accepted_edits (annotator_id, case_id)",
        """CREATE TRIGGER judgments_check_update BEFORE UPDATE ON judgments
           WHEN NEW.choice NOT IN ('a', 'b', 'tie') OR NEW.dimension NOT IN ('empathy', 'accuracy', 'overall')
                OR NEW.reply_a = NEW.reply_b
           BEGIN SELECT RAISE(ABORT, 'invalid judgment'); END""",
        """CREATE TRIGGER judgments_revision AFTER UPDATE ON judgments
           WHEN OLD.choice IS NOT NEW.choice OR OLD.reply_a IS NOT NEW.reply_a OR OLD.reply_b IS NOT NEW.reply_b
                OR OLD.dimension IS NOT NEW.dimension OR OLD.annotator_id IS NOT NEW.annotator_id
           BEGIN INSERT INTO judgment_revisions (judgment_id, annotator_id, case_id, reply_a, reply_b, choice, dimension,
                 created_at, archived_at, reason)
                 VALUES (OLD.id, OLD.annotator_id, OLD.case_id, OLD.reply_a, OLD.reply_b, OLD.choice, OLD.dimension,
                         OLD.created_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'replaced'); END""",
        """CREATE TRIGGER judgments_archive_deleted BEFORE DELETE ON judgments
           BEGIN INSERT INTO judgment_revisions (judgment_id, annotator_id, case_id, reply_a, reply_b, choice, dimension,
                 created_at, archived_at, reason)
                 VALUES (OLD.id, OLD.annotator_id, OLD.case_id, OLD.reply_a, OLD.reply_b, OLD.choice, OLD.dimension,
                         OLD.created_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'deleted'); END""",
        """CREATE TRIGGER ratings_check_update BEFORE UPDATE ON ratings WHEN NEW.value NOT IN (1, -1)
           BEGIN SELECT RAISE(ABORT, 'invalid rating'); END""",
        """CREATE TRIGGER ratings_revision AFTER UPDATE ON ratings
           WHEN OLD.value IS NOT NEW.value OR OLD.reply_id IS NOT NEW.reply_id OR OLD.annotator_id IS NOT NEW.annotator_id
           BEGIN INSERT INTO rating_revisions (rating_id, annotator_id, reply_id, value, created_at, archived_at, reason)
                 VALUES (OLD.id, OLD.annotator_id, OLD.reply_id, OLD.value, OLD.created_at,
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'replaced'); END""",
        """CREATE TRIGGER ratings_archive_deleted BEFORE DELETE ON ratings
           BEGIN INSERT INTO rating_revisions (rating_id, annotator_id, reply_id, value, created_at, archived_at, reason)
                 VALUES (OLD.id, OLD.annotator_id, OLD.reply_id, OLD.value, OLD.created_at,
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'deleted'); END""",
        # an accepted edit's text lives in its reply: archive it before the row changes (Store updates the row
        # first, then the text, in one transaction)
        """CREATE TRIGGER accepted_edits_revision BEFORE UPDATE ON accepted_edits
           BEGIN INSERT INTO accepted_edit_revisions (accepted_edit_id, annotator_id, case_id, proposed_reply_id,
                 accepted_reply_id, text, created_at, archived_at, reason)
                 VALUES (OLD.id, OLD.annotator_id, OLD.case_id, OLD.proposed_reply_id, OLD.accepted_reply_id,
                         (SELECT text FROM replies WHERE id = OLD.accepted_reply_id), OLD.created_at,
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'replaced'); END""",
        """CREATE TRIGGER accepted_edits_archive_deleted BEFORE DELETE ON accepted_edits
           BEGIN INSERT INTO accepted_edit_revisions (accepted_edit_id, annotator_id, case_id, proposed_reply_id,
                 accepted_reply_id, text, created_at, archived_at, reason)
                 VALUES (OLD.id, OLD.annotator_id, OLD.case_id, OLD.proposed_reply_id, OLD.accepted_reply_id,
                         (SELECT text FROM replies WHERE id = OLD.accepted_reply_id), OLD.created_at,
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'deleted'); END""",
    ]
    for sql in statements:
        db.execute(sql)


def applied(db) -> list[str]:
    if "_migrations" not in db.table_names():
        return []
    return [r["name"] for r in db.query("select name from _migrations order by id")]


def migrate(db) -> list[str]:
    """Apply the migrations this database lacks; return their names. Refuses a database from a newer version."""
    ran = []
    # BEGIN IMMEDIATE takes the write lock first, so two processes opening a new file cannot both migrate it.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        if "_migrations" not in db.table_names():
            db["_migrations"].create({"id": int, "name": str, "applied_at": str}, pk="id")
        ran = _apply(db)
    except BaseException:
        db.rollback()
        raise
    db.commit()
    return ran


def _apply(db) -> list[str]:
    done = set(applied(db))
    known = {fn.__name__ for fn in MIGRATIONS}
    unknown = sorted(done - known)
    if unknown:
        raise StoreError(
            f"the database was written by a newer Empathy Editor (unknown migrations: {', '.join(unknown)}); "
            "upgrade empathy-editor to open it"
        )
    ran = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with db.atomic():  # a savepoint per migration inside the one transaction: all or nothing
            fn(db)
            db["_migrations"].insert({"name": fn.__name__, "applied_at": now()})
        ran.append(fn.__name__)
        db.execute(f"PRAGMA user_version = {len(done) + len(ran)}")
    return ran
