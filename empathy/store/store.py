"""The SQLite store: cases, replies, judgments, ratings, accepted edits, annotators, training runs and models.

One file, WAL mode, foreign keys on, full sync (an acknowledged judgment survives a killed process), schema
migrations from :mod:`empathy.migrations`. Identifiers are scrubbed from every text before it is written unless
the store is opened with ``scrub=False`` (keep originals, for local use only). Safe to share between the threads
of one process (one connection behind a lock) and between processes (SQLite locking, busy timeout).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from ..errors import InputError, StoreError
from ..inputs import clean_text
from ..prompts import edit_messages, generate_messages
from .migrations import MIGRATIONS, migrate, now
from .scrub import scrub

REPLY_KINDS = ("original", "edit", "generate", "accepted")
CHOICES = ("a", "b", "tie")
JUDGMENT_DIMENSIONS = ("empathy", "accuracy", "overall")
HUMAN_MODEL = "clinician"  # the model name of an accepted (human-edited) reply
PHYSICIAN_MODEL = "physician"  # the model name of an original physician draft
SQLITE_HEADER = b"SQLite format 3\x00"
RUN_FIELDS = ("status", "adapter_path", "metrics", "finished_at", "config", "base_model", "method")


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _load(value):
    if value in (None, ""):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Saved:
    """What a write did: ``status`` "new" (a row was added), "changed" (the annotator's earlier judgment, rating or
    accepted edit was replaced and archived as a revision) or "same" (identical to what was stored: nothing written)."""

    id: int
    status: str


def _preference(reply_a: int, reply_b: int, choice: str) -> tuple[int, int, str]:
    """A judgment's meaning whatever the A/B order: (lower id, higher id, "lo" | "hi" | "tie")."""
    lo, hi = sorted((reply_a, reply_b))
    if choice == "tie":
        return lo, hi, "tie"
    winner = reply_a if choice == "a" else reply_b
    return lo, hi, "lo" if winner == lo else "hi"


class Store:
    """The app's database. Every write is its own committed transaction.

    One case per patient message and draft, one judgment per annotator, pair and dimension, one rating per annotator
    and reply, one accepted edit per annotator and case: writing again returns the same row (replaced, with the old
    version archived in ``*_revisions``), so training data never holds contradictions or duplicates.
    """

    def __init__(self, path: str | Path, *, scrub: bool = True):
        self.path = Path(path).expanduser()
        self.scrub = scrub
        self._lock = threading.RLock()
        self._check_file()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the folder for the database {self.path}: {e.strerror}") from None
        try:
            conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA busy_timeout = 30000")
            mode = self.db.execute("PRAGMA journal_mode = wal").fetchone()[0]
            if mode != "wal":
                raise StoreError(f"cannot switch {self.path} to WAL mode (got {mode!r})")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.migrations_run = migrate(self.db)
        except sqlite3.DatabaseError as e:
            raise StoreError(
                f"{self.path} is not a usable Empathy Editor database ({e}); it was left untouched. "
                "Restore it from a backup or choose another file with --db"
            ) from None

    def _check_file(self) -> None:
        """Refuse a file that is not SQLite before connecting, so a corrupt or wrong file is never overwritten."""
        if not self.path.exists():
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a database file")
        try:
            with self.path.open("rb") as f:
                head = f.read(16)
        except OSError as e:
            raise StoreError(f"cannot read the database {self.path}: {e.strerror}") from None
        if head and head != SQLITE_HEADER:
            raise StoreError(
                f"{self.path} is not an SQLite database (or it is corrupt); it was left untouched. "
                "Restore it from a backup or choose another file with --db"
            )

    # --- housekeeping ---------------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    @property
    def latest_version(self) -> int:
        return len(MIGRATIONS)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def _write(self, fn):
        """Run ``fn`` in one transaction under the lock; database errors become StoreError."""
        with self._lock:
            try:
                # IMMEDIATE: take the write lock up front (waiting up to busy_timeout), never fail mid-transaction
                self.db.conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn()
                except BaseException:
                    self.db.rollback()
                    raise
                self.db.conn.execute("COMMIT")
                return result
            except sqlite3.IntegrityError as e:
                raise InputError(f"refused by the database: {e}") from None
            except sqlite3.DatabaseError as e:
                raise StoreError(f"cannot write to {self.path}: {e}") from None

    def _scrub(self, text: str | None) -> str | None:
        if text is None or not self.scrub:
            return text

        return scrub(text)

    def query(self, sql: str, params: Iterable | dict | None = None) -> list[dict]:
        with self._lock:
            return list(self.db.query(sql, params or ()))

    def count(self, table: str) -> int:
        with self._lock:
            return self.db[table].count

    # --- annotators -----------------------------------------------------------------------------------------

    def annotator_id(self, name: str) -> int:
        """The id of annotator ``name``, created on first use (names are the login or the typed name)."""
        name = (name or "").strip()
        if not name:
            raise InputError("an annotator name is required (log in, or type your name)")
        if len(name) > 200:
            raise InputError("annotator name is too long (200 characters at most)")
        with self._lock:
            rows = list(self.db.query("select id from annotators where name = ?", [name]))
            if rows:
                return rows[0]["id"]

            def insert():
                self.db.execute("insert or ignore into annotators (name, created_at) values (?, ?)", [name, now()])
                return self.db.execute("select id from annotators where name = ?", [name]).fetchone()[0]

            return self._write(insert)

    # --- cases and replies ----------------------------------------------------------------------------------

    def add_case(self, patient: str, draft: str | None = None, *, source: str | None = None,
                 meta: dict | None = None) -> int:
        """The id of the case for this patient message and draft: the existing one, or a new one."""
        return self.save_case(patient, draft, source=source, meta=meta).id

    def save_case(self, patient: str, draft: str | None = None, *, source: str | None = None,
                  meta: dict | None = None) -> Saved:
        """Like :meth:`add_case`, saying whether the case is new ("new") or was already stored ("same")."""
        patient = self._scrub(clean_text(patient, "patient message"))
        draft = self._scrub(clean_text(draft, "physician draft")) if draft not in (None, "") else None
        row = {
            "patient": patient, "draft": draft, "source": source, "meta": _json(meta), "scrubbed": int(self.scrub),
            "created_at": now(),
        }

        def write():
            found = self.db.execute("select id from cases where patient = ? and ifnull(draft, '') = ?",
                                    [patient, draft or ""]).fetchone()
            if found:
                return Saved(found[0], "same")
            return Saved(self.db["cases"].insert(row).last_pk, "new")

        return self._write(write)

    def add_reply(self, case_id: int, text: str, *, kind: str, model: str, prompt: str, level: int | None,
                  path: str | None = None, scores: dict | None = None, fact_report: dict | None = None) -> int:
        """The id of this reply: an identical reply already stored for the case (same kind and text; same model
        and level for a model's reply) is the same reply."""
        return self.save_reply(case_id, text, kind=kind, model=model, prompt=prompt, level=level, path=path,
                               scores=scores, fact_report=fact_report).id

    def save_reply(self, case_id: int, text: str, *, kind: str, model: str, prompt: str, level: int | None,
                   path: str | None = None, scores: dict | None = None, fact_report: dict | None = None) -> Saved:
        """Like :meth:`add_reply`, saying whether the reply is new ("new") or was already stored ("same")."""
        if kind not in REPLY_KINDS:
            raise InputError(f"reply kind must be one of {', '.join(REPLY_KINDS)}, got {kind!r}")
        if level is not None and level not in (0, 1, 2, 3):
            raise InputError(f"empathy level must be 0-3, got {level!r}")
        text = self._scrub(clean_text(text, "reply"))
        row = {
            "case_id": int(case_id), "text": text, "kind": kind, "model": model, "prompt": prompt,
            "level": level, "path": path, "scores": _json(scores), "fact_report": _json(fact_report),
            "created_at": now(),
        }

        def write():
            if kind == "original":
                found = self.db.execute("select id from replies where case_id = ? and kind = 'original' and text = ?",
                                        [int(case_id), text]).fetchone()
            elif kind != "accepted":
                found = self.db.execute(
                    "select id from replies where case_id = ? and kind = ? and text = ? and ifnull(model, '') = ? "
                    "and ifnull(level, -1) = ?", [int(case_id), kind, text, model or "", -1 if level is None else level]
                ).fetchone()
            else:
                found = None
            if found:
                return Saved(found[0], "same")
            return Saved(self.db["replies"].insert(row).last_pk, "new")

        return self._write(write)

    def update_reply(self, reply_id: int, *, scores: dict | None = None, fact_report: dict | None = None) -> None:
        """Attach scores or a fact report computed after the reply was stored."""
        fields = {}
        if scores is not None:
            fields["scores"] = _json(scores)
        if fact_report is not None:
            fields["fact_report"] = _json(fact_report)
        if fields:
            self._write(lambda: self.db["replies"].update(reply_id, fields))

    def case(self, case_id: int) -> dict:
        with self._lock:
            rows = list(self.db.query("select * from cases where id = ?", [case_id]))
        if not rows:
            raise InputError(f"no case {case_id}")
        row = rows[0]
        row["meta"] = _load(row["meta"])
        return row

    def reply(self, reply_id: int) -> dict:
        with self._lock:
            rows = list(self.db.query("select * from replies where id = ?", [reply_id]))
        if not rows:
            raise InputError(f"no reply {reply_id}")
        return self._reply_row(rows[0])

    def replies(self, case_id: int) -> list[dict]:
        with self._lock:
            rows = list(self.db.query("select * from replies where case_id = ? order by id", [case_id]))
        return [self._reply_row(r) for r in rows]

    @staticmethod
    def _reply_row(row: dict) -> dict:
        row["scores"] = _load(row["scores"])
        row["fact_report"] = _load(row["fact_report"])
        return row

    # --- judgments, ratings, accepted edits ----------------------------------------------------------------

    def add_judgment(self, annotator: str, reply_a: int, reply_b: int, choice: str, dimension: str = "overall") -> int:
        """The id of this annotator's judgment of the pair on ``dimension`` (see :meth:`save_judgment`)."""
        return self.save_judgment(annotator, reply_a, reply_b, choice, dimension).id

    def save_judgment(self, annotator: str, reply_a: int, reply_b: int, choice: str,
                      dimension: str = "overall") -> Saved:
        """Record a judgment. One per annotator, pair (either order) and dimension: voting again replaces the earlier
        vote, which is archived in ``judgment_revisions``."""
        choice = (choice or "").strip().lower()
        dimension = (dimension or "").strip().lower()
        if choice not in CHOICES:
            raise InputError(f"choice must be one of {', '.join(CHOICES)}, got {choice!r}")
        if dimension not in JUDGMENT_DIMENSIONS:
            raise InputError(f"dimension must be one of {', '.join(JUDGMENT_DIMENSIONS)}, got {dimension!r}")
        reply_a, reply_b = int(reply_a), int(reply_b)
        if reply_a == reply_b:
            raise InputError("a judgment compares two different replies")
        a, b = self.reply(reply_a), self.reply(reply_b)
        if a["case_id"] != b["case_id"]:
            raise InputError(f"replies {reply_a} and {reply_b} answer different cases; judge replies to one case")
        annotator_id = self.annotator_id(annotator)
        row = {
            "annotator_id": annotator_id, "case_id": a["case_id"], "reply_a": reply_a, "reply_b": reply_b,
            "choice": choice, "dimension": dimension, "created_at": now(),
        }

        def write():
            found = self.db.execute(
                "select id, reply_a, reply_b, choice from judgments where annotator_id = ? and dimension = ? "
                "and min(reply_a, reply_b) = ? and max(reply_a, reply_b) = ?",
                [annotator_id, dimension, min(reply_a, reply_b), max(reply_a, reply_b)]).fetchone()
            if found is None:
                return Saved(self.db["judgments"].insert(row).last_pk, "new")
            jid, old_a, old_b, old_choice = found
            if _preference(old_a, old_b, old_choice) == _preference(reply_a, reply_b, choice):
                return Saved(jid, "same")
            self.db.execute("update judgments set reply_a = ?, reply_b = ?, choice = ?, created_at = ? where id = ?",
                            [reply_a, reply_b, choice, row["created_at"], jid])  # a trigger archives the old vote
            return Saved(jid, "changed")

        return self._write(write)

    def add_rating(self, annotator: str, reply_id: int, value: int) -> int:
        """The id of this annotator's rating of the reply (see :meth:`save_rating`)."""
        return self.save_rating(annotator, reply_id, value).id

    def save_rating(self, annotator: str, reply_id: int, value: int) -> Saved:
        """Thumbs up (+1) or down (-1). One per annotator and reply: the other thumb replaces the earlier rating,
        which is archived in ``rating_revisions``."""
        if value not in (1, -1):
            raise InputError(f"a rating is +1 (thumbs up) or -1 (thumbs down), got {value!r}")
        self.reply(reply_id)
        annotator_id = self.annotator_id(annotator)
        row = {"annotator_id": annotator_id, "reply_id": int(reply_id), "value": int(value), "created_at": now()}

        def write():
            found = self.db.execute("select id, value from ratings where annotator_id = ? and reply_id = ?",
                                    [annotator_id, int(reply_id)]).fetchone()
            if found is None:
                return Saved(self.db["ratings"].insert(row).last_pk, "new")
            if found[1] == int(value):
                return Saved(found[0], "same")
            self.db.execute("update ratings set value = ?, created_at = ? where id = ?",
                            [int(value), row["created_at"], found[0]])  # a trigger archives the old rating
            return Saved(found[0], "changed")

        return self._write(write)

    def add_accepted_edit(self, annotator: str, case_id: int, proposed_reply_id: int, text: str) -> int:
        """The id of this annotator's accepted edit of the case (see :meth:`save_accepted_edit`)."""
        return self.save_accepted_edit(annotator, case_id, proposed_reply_id, text).id

    def save_accepted_edit(self, annotator: str, case_id: int, proposed_reply_id: int, text: str) -> Saved:
        """Store the clinician's accepted text as a reply (kind "accepted") preferred over the proposed one.

        One per annotator and case: accepting again updates the accepted reply (its text, and the reply it was
        edited from); the earlier version is archived in ``accepted_edit_revisions``.
        """
        proposed = self.reply(proposed_reply_id)
        if proposed["case_id"] != int(case_id):
            raise InputError(f"reply {proposed_reply_id} does not belong to case {case_id}")
        text = self._scrub(clean_text(text, "accepted reply"))
        annotator_id = self.annotator_id(annotator)
        stamp = now()

        def write():
            found = self.db.execute(
                "select e.id, e.proposed_reply_id, e.accepted_reply_id, r.text from accepted_edits e "
                "join replies r on r.id = e.accepted_reply_id where e.annotator_id = ? and e.case_id = ?",
                [annotator_id, int(case_id)]).fetchone()
            if found is None:
                accepted = self.db["replies"].insert({
                    "case_id": int(case_id), "text": text, "kind": "accepted", "model": HUMAN_MODEL,
                    "prompt": proposed["prompt"], "level": proposed["level"], "path": "accepted", "created_at": stamp,
                }).last_pk
                return Saved(self.db["accepted_edits"].insert({
                    "annotator_id": annotator_id, "case_id": int(case_id), "proposed_reply_id": int(proposed_reply_id),
                    "accepted_reply_id": accepted, "created_at": stamp,
                }).last_pk, "new")
            edit_id, old_proposed, accepted_id, old_text = found
            if old_proposed == int(proposed_reply_id) and old_text == text:
                return Saved(edit_id, "same")
            # the row first (a trigger archives it with the old text), then the text
            self.db.execute("update accepted_edits set proposed_reply_id = ?, created_at = ? where id = ?",
                            [int(proposed_reply_id), stamp, edit_id])
            self.db.execute("update replies set text = ?, prompt = ?, level = ?, scores = null, fact_report = null, "
                            "created_at = ? where id = ?",
                            [text, proposed["prompt"], proposed["level"], stamp, accepted_id])
            return Saved(edit_id, "changed")

        return self._write(write)

    def revisions(self, what: str = "judgments") -> list[dict]:
        """Archived (replaced or merged) judgments, ratings or accepted edits, oldest first."""
        tables = {"judgments": "judgment_revisions", "ratings": "rating_revisions",
                  "accepted_edits": "accepted_edit_revisions"}
        if what not in tables:
            raise InputError(f"revisions of {what!r}? one of {', '.join(tables)}")
        return self.query(f"select * from {tables[what]} order by id")

    def accepted_reply_id(self, accepted_edit_id: int) -> int:
        rows = self.query("select accepted_reply_id from accepted_edits where id = ?", [accepted_edit_id])
        if not rows:
            raise InputError(f"no accepted edit {accepted_edit_id}")
        return rows[0]["accepted_reply_id"]

    # --- training records -----------------------------------------------------------------------------------

    def _prompt_messages(self, case: dict, replies: list[dict]) -> list[dict]:
        """The chat messages the model sees for these replies: an edit prompt when the case has a draft."""
        # an accepted text answers the prompt of the reply it was edited from (kept in kind/level of the others)
        replies = [r for r in replies if r["kind"] != "accepted"] or replies
        levels = [r["level"] for r in replies if r.get("level") is not None]
        level = levels[0] if levels else 1
        patient = self._scrub(case["patient"])
        if case.get("draft") and not all(r["kind"] == "generate" for r in replies):
            return edit_messages(patient, self._scrub(case["draft"]), level)
        return generate_messages(patient, level)

    def _all(self) -> tuple[dict, dict]:
        with self._lock:
            cases = {r["id"]: r for r in self.db.query("select id, patient, draft from cases")}
            replies = {r["id"]: r for r in self.db.query("select id, case_id, text, kind, model, level from replies")}
        return cases, replies

    def dpo_records(self, dimension: str = "overall") -> list[dict]:
        """Preference pairs: every non-tie judgment on ``dimension``, plus accepted edits (for "overall")."""
        if dimension not in JUDGMENT_DIMENSIONS:
            raise InputError(f"dimension must be one of {', '.join(JUDGMENT_DIMENSIONS)}, got {dimension!r}")
        cases, replies = self._all()
        pairs: list[tuple[int, int, int]] = []
        for j in self.query("select case_id, reply_a, reply_b, choice from judgments where dimension = ? and "
                            "choice != 'tie' order by id", [dimension]):
            chosen, rejected = (j["reply_a"], j["reply_b"]) if j["choice"] == "a" else (j["reply_b"], j["reply_a"])
            pairs.append((j["case_id"], chosen, rejected))
        if dimension == "overall":
            for e in self.query("select case_id, accepted_reply_id, proposed_reply_id from accepted_edits order by id"):
                pairs.append((e["case_id"], e["accepted_reply_id"], e["proposed_reply_id"]))
        out = []
        for case_id, chosen, rejected in pairs:
            c, r = replies[chosen], replies[rejected]
            chosen_text, rejected_text = self._scrub(c["text"]), self._scrub(r["text"])
            if chosen_text.strip() == rejected_text.strip():
                continue  # accepted without changes: no preference signal
            out.append({
                "case_id": case_id,
                "prompt": self._prompt_messages(cases[case_id], [r, c]),
                "chosen": chosen_text,
                "rejected": rejected_text,
            })
        return out

    def kto_records(self) -> list[dict]:
        """Unpaired labels: thumbs up/down ratings, and accepted edits (accepted text good, proposed text bad)."""
        cases, replies = self._all()
        labelled: list[tuple[int, bool]] = []
        for r in self.query("select reply_id, value from ratings order by id"):
            labelled.append((r["reply_id"], r["value"] > 0))
        for e in self.query("select accepted_reply_id, proposed_reply_id from accepted_edits order by id"):
            a, p = replies[e["accepted_reply_id"]], replies[e["proposed_reply_id"]]
            labelled.append((a["id"], True))
            if a["text"].strip() != p["text"].strip():
                labelled.append((p["id"], False))
        out = []
        for reply_id, label in labelled:
            reply = replies[reply_id]
            out.append({
                "case_id": reply["case_id"],
                "prompt": self._prompt_messages(cases[reply["case_id"]], [reply]),
                "completion": self._scrub(reply["text"]),
                "label": label,
            })
        return out

    def sft_records(self) -> list[dict]:
        """Demonstrations: the texts clinicians accepted, with the prompt of the reply they started from."""
        cases, replies = self._all()
        out = []
        for e in self.query("select case_id, accepted_reply_id, proposed_reply_id from accepted_edits order by id"):
            accepted, proposed = replies[e["accepted_reply_id"]], replies[e["proposed_reply_id"]]
            out.append({
                "case_id": e["case_id"],
                "prompt": self._prompt_messages(cases[e["case_id"]], [proposed]),
                "completion": self._scrub(accepted["text"]),
            })
        return out

    # --- training runs and models ---------------------------------------------------------------------------

    def add_training_run(self, method: str, base_model: str, config: dict) -> int:
        row = {"method": method, "base_model": base_model, "config": _json(config), "status": "running",
               "started_at": now()}
        return self._write(lambda: self.db["training_runs"].insert(row).last_pk)

    def update_training_run(self, run_id: int, **fields) -> None:
        unknown = set(fields) - set(RUN_FIELDS)
        if unknown:
            raise InputError(f"unknown training run field(s): {', '.join(sorted(unknown))}")
        values = {k: (_json(v) if k in ("metrics", "config") else v) for k, v in fields.items()}
        if not self.query("select id from training_runs where id = ?", [run_id]):
            raise InputError(f"no training run {run_id}")
        self._write(lambda: self.db["training_runs"].update(run_id, values))

    def training_runs(self) -> list[dict]:
        rows = self.query("select * from training_runs order by id")
        for r in rows:
            r["config"] = _load(r["config"])
            r["metrics"] = _load(r["metrics"])
        return rows

    def add_model(self, name: str, path: str, *, adapter: str | None = None, run_id: int | None = None,
                  description: str = "") -> int:
        row = {"name": name, "path": path, "adapter": adapter, "run_id": run_id, "description": description,
               "created_at": now()}
        return self._write(lambda: self.db["models"].insert(row).last_pk)

    def models(self) -> list[dict]:
        return self.query("select * from models order by id")

    # --- statistics -----------------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for ``empathy stats`` and the dashboard."""
        tables = ("cases", "replies", "judgments", "ratings", "accepted_edits", "annotators", "training_runs", "models")
        out: dict[str, Any] = {"path": str(self.path), "schema_version": self.schema_version}
        out.update({t: self.count(t) for t in tables})
        out["judgments_by_dimension"] = {
            r["dimension"]: r["n"] for r in self.query("select dimension, count(*) n from judgments group by dimension")
        }
        out["judgments_by_choice"] = {
            r["choice"]: r["n"] for r in self.query("select choice, count(*) n from judgments group by choice")
        }
        out["judgments_by_annotator"] = {
            r["name"]: r["n"] for r in self.query(
                "select a.name, count(*) n from judgments j join annotators a on a.id = j.annotator_id group by a.name")
        }
        out["revisions"] = {t: self.count(f"{t[:-1]}_revisions") for t in ("judgments", "ratings", "accepted_edits")}
        out["replies_by_kind"] = {r["kind"]: r["n"] for r in self.query("select kind, count(*) n from replies group by kind")}
        out["dpo_pairs"] = len(self.dpo_records())
        out["kto_examples"] = len(self.kto_records())
        out["sft_examples"] = len(self.sft_records())
        return out
