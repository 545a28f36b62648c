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
