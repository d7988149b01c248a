"""The embedded default store: one SQLite file, so a new user needs no server.

A snapshot is always written and read whole, so each of its tables is stored as a few parts of BATCH_ROWS rows,
each part one JSON object of column lists ({"columns": [...], "values": [[...], ...]}): the user's extra
columns travel as columns like any other, None and numbers round-trip exactly, and writing costs one insert
per part instead of one per row (several times faster than row-by-row inserts, which the benchmarks measure).
A load is one transaction (BEGIN IMMEDIATE ... COMMIT): SQLite's journal guarantees that a failure or a
killed process leaves the file exactly as before. Every value is a bound parameter and every statement a
fixed string. Deleted data is overwritten (secure_delete), and forgetting a snapshot also vacuums the file and
empties its write-ahead log, so a forgotten name cannot be read back from free pages; the file is created
readable by its owner only. Reading a whole snapshot checks its bytes against its content hash. A store written
by the first, row-per-row schema (version 1) is converted on opening, in one transaction, and so is one whose
survey answers predate answer sheets (version 4).

A snapshot's row is keyed by its id (snapshot_id, see netmap.store.base); its date is a column of its own, so
several snapshots can share a date. Stores written before ids existed (schema version 5 and earlier) are
converted on opening: the date column is renamed snapshot_id (SQLite rewrites the references of the parts and
analyses to it) and a date column added holding the same value, so every snapshot keeps its date as its id and
nothing is copied.

Survey answers are written only by compare-and-set: a save opens BEGIN IMMEDIATE (SQLite's one writer), checks
the round is open, the link not revoked and the sheet still at the version the page quoted, then writes. Closing
a round flips its status in a BEGIN IMMEDIATE transaction too, so every save lands wholly before the close (and
is read by it) or after it (and is refused): the fence docs/surveys.md describes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pandas as pd

from netmap import clock
from netmap.contract import TABLE_NAMES
from netmap.dataset import Dataset
from netmap.errors import StorageError, SurveyError
from netmap.store import base, survey_records
from netmap.store.base import (
    Exclusion,
)
from netmap.store.files import create_private_file
from netmap.store.records import frame_from_columns, frame_from_rows
from netmap.store.transactions import immediate

__all__ = ["BATCH_ROWS", "SQLiteStore"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 8  # 3: analyses kept with their snapshot; 4: survey rounds; 5: answer sheets (versioned);
# 6: snapshot ids; 7: people excluded from analysis (objections; a new table only); 8: thresholds per snapshot
# (a new table only)
BATCH_ROWS = 50_000  # rows per stored part: large enough to be fast, small enough for a live progress bar

# Columns in the order a converted store has them (the date column added last), so both read alike.
_SNAPSHOTS_DDL = ("CREATE TABLE IF NOT EXISTS snapshots (snapshot_id TEXT PRIMARY KEY, loaded_at TEXT NOT NULL, "
                  "source TEXT NOT NULL, content_hash TEXT NOT NULL, counts TEXT NOT NULL, "
                  "extra_columns TEXT NOT NULL, as_of TEXT NOT NULL)")
_SNAPSHOT_DATE_INDEX = "CREATE INDEX IF NOT EXISTS snapshots_by_date ON snapshots (as_of)"
# Schema version 4 and earlier: the date was the key. Renaming the column keeps every reference to it.
_ADD_SNAPSHOT_IDS = ("ALTER TABLE snapshots RENAME COLUMN as_of TO snapshot_id",
                     "ALTER TABLE snapshots ADD COLUMN as_of TEXT NOT NULL DEFAULT ''",
                     "UPDATE snapshots SET as_of = snapshot_id")
_INSERT_SNAPSHOT = ("INSERT INTO snapshots (snapshot_id, as_of, loaded_at, source, content_hash, counts, "
                    "extra_columns) VALUES (?, ?, ?, ?, ?, ?, ?)")
_SELECT_SNAPSHOTS = "SELECT snapshot_id, as_of, loaded_at, source, content_hash, counts FROM snapshots"
_PARTS_DDL = ("CREATE TABLE IF NOT EXISTS table_parts (snapshot TEXT NOT NULL REFERENCES snapshots(snapshot_id), "
              "name TEXT NOT NULL, part INTEGER NOT NULL, rows INTEGER NOT NULL, payload BLOB NOT NULL, "
              "PRIMARY KEY (snapshot, name, part)) WITHOUT ROWID")
_ANALYSES_DDL = ("CREATE TABLE IF NOT EXISTS analyses (snapshot TEXT NOT NULL REFERENCES snapshots(snapshot_id), "
                 "content_hash TEXT NOT NULL, options_key TEXT NOT NULL, name TEXT NOT NULL, payload BLOB NOT NULL, "
                 "PRIMARY KEY (snapshot, options_key, name)) WITHOUT ROWID")
_SHEETS_DDL = (
    "CREATE TABLE IF NOT EXISTS survey_sheets (round_id TEXT NOT NULL REFERENCES survey_rounds(round_id), "
    "respondent TEXT NOT NULL, version INTEGER NOT NULL, submitted_on TEXT, submitted_via TEXT, "
    "has_draft INTEGER NOT NULL, draft_via TEXT, PRIMARY KEY (round_id, respondent)) WITHOUT ROWID")
_SURVEY_DDL = (
    "CREATE TABLE IF NOT EXISTS survey_rounds (round_id TEXT PRIMARY KEY, spec TEXT NOT NULL, status TEXT NOT NULL, "
    "created_at TEXT NOT NULL, snapshot_as_of TEXT)",
    "CREATE TABLE IF NOT EXISTS survey_links (digest TEXT PRIMARY KEY, round_id TEXT NOT NULL "
    "REFERENCES survey_rounds(round_id), staff_id TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT)",
    # sheet: 'submitted' (counts) or 'draft' (work in progress), kept apart
    "CREATE TABLE IF NOT EXISTS survey_answers (round_id TEXT NOT NULL REFERENCES survey_rounds(round_id), "
    "respondent TEXT NOT NULL, sheet TEXT NOT NULL CHECK (sheet IN ('submitted', 'draft')), question TEXT NOT NULL, "
    "target TEXT NOT NULL, weight INTEGER NOT NULL, saved_on TEXT NOT NULL, "
    "PRIMARY KEY (round_id, respondent, sheet, question, target)) WITHOUT ROWID",
    _SHEETS_DDL,
)
_THRESHOLDS_DDL = ("CREATE TABLE IF NOT EXISTS snapshot_thresholds (snapshot TEXT PRIMARY KEY, thresholds TEXT "
                   "NOT NULL) WITHOUT ROWID")
_EXCLUSIONS_DDL = ("CREATE TABLE IF NOT EXISTS exclusions (staff_id TEXT PRIMARY KEY, reason TEXT NOT NULL, "
                   "since TEXT NOT NULL) WITHOUT ROWID")
# Erasing a person from the survey records: their links, their sheets, the answers they gave and those naming them
_ERASE_FROM_SURVEYS = ("DELETE FROM survey_answers WHERE respondent = ? OR target = ?",
                       "DELETE FROM survey_sheets WHERE respondent = ? OR respondent = ?",
                       "DELETE FROM survey_links WHERE staff_id = ? OR staff_id = ?",
                       "DELETE FROM exclusions WHERE staff_id = ? OR staff_id = ?")
_UPDATE_CONTENT = "UPDATE snapshots SET content_hash = ?, counts = ? WHERE snapshot_id = ?"
_SURVEY_TABLES = ("survey_rounds", "survey_links", "survey_answers", "survey_sheets")
_DELETE_ROUND = ("DELETE FROM survey_sheets WHERE round_id = ?", "DELETE FROM survey_answers WHERE round_id = ?",
                 "DELETE FROM survey_links WHERE round_id = ?", "DELETE FROM survey_rounds WHERE round_id = ?")
_SAVE_SHEET = ("INSERT INTO survey_sheets VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, respondent) DO UPDATE "
               "SET version = excluded.version, submitted_on = coalesce(excluded.submitted_on, submitted_on), "
               "submitted_via = CASE WHEN excluded.submitted_on IS NULL THEN submitted_via "
               "ELSE excluded.submitted_via END, has_draft = excluded.has_draft, draft_via = excluded.draft_via")
# A submission made through another of the respondent's links, which still works: a save through this one would
# replace answers its holder cannot see (a reissue revokes the old link first, and then the new one may)
_SUBMITTED_ELSEWHERE = ("SELECT 1 FROM survey_sheets s JOIN survey_links l ON l.digest = s.submitted_via AND "
                        "l.round_id = s.round_id AND l.staff_id = s.respondent WHERE s.round_id = ? AND "
                        "s.respondent = ? AND s.submitted_on IS NOT NULL AND s.submitted_via <> ? AND "
                        "l.revoked_at IS NULL")
_INSERT_PART = "INSERT INTO table_parts VALUES (?, ?, ?, ?, ?)"
_SELECT_PARTS = "SELECT name, part, rows, payload FROM table_parts WHERE snapshot = ? ORDER BY name, part"
_DELETE_PARTS = "DELETE FROM table_parts WHERE snapshot = ?"
_SELECT_TABLE = "SELECT payload FROM table_parts WHERE snapshot = ? AND name = ? ORDER BY part"
_DELETE_ANALYSES = "DELETE FROM analyses WHERE snapshot = ?"
_DELETE_ANALYSIS = "DELETE FROM analyses WHERE snapshot = ? AND options_key = ?"
_INSERT_ANALYSIS = "INSERT INTO analyses VALUES (?, ?, ?, ?, ?)"
_SELECT_ANALYSIS = ("SELECT name, payload FROM analyses WHERE snapshot = ? AND content_hash = ? AND options_key = ? "
                    "ORDER BY name")
# PRAGMA takes no bound parameters; SCHEMA_VERSION is this module's integer constant, not data.
_SET_SCHEMA_VERSION = f"PRAGMA user_version={SCHEMA_VERSION:d}"


# Schema version 4's survey answers (one set per respondent, submitted when survey_responses says so), converted
# to answer sheets: each version 1, bound to the respondent's link when they were only ever issued one (with
# several, which one saved is unknown: the answers still count, but no form shows them).
_CONVERT_VERSION_4 = (
    "CREATE TABLE survey_answers_v5 (round_id TEXT NOT NULL REFERENCES survey_rounds(round_id), "
    "respondent TEXT NOT NULL, sheet TEXT NOT NULL CHECK (sheet IN ('submitted', 'draft')), question TEXT NOT NULL, "
    "target TEXT NOT NULL, weight INTEGER NOT NULL, saved_on TEXT NOT NULL, "
    "PRIMARY KEY (round_id, respondent, sheet, question, target)) WITHOUT ROWID",
    "INSERT INTO survey_answers_v5 SELECT a.round_id, a.respondent, CASE WHEN r.staff_id IS NULL THEN 'draft' "
    "ELSE 'submitted' END, a.question, a.target, a.weight, a.saved_on FROM survey_answers a LEFT JOIN "
    "survey_responses r ON r.round_id = a.round_id AND r.staff_id = a.respondent",
    _SHEETS_DDL,
    "WITH people AS (SELECT round_id, respondent FROM survey_answers UNION "
    "SELECT round_id, staff_id FROM survey_responses), "
    "only_link AS (SELECT round_id, staff_id, max(digest) AS digest FROM survey_links GROUP BY round_id, staff_id "
    "HAVING count(*) = 1) "
    "INSERT INTO survey_sheets SELECT p.round_id, p.respondent, 1, r.submitted_on, "
    "CASE WHEN r.staff_id IS NULL THEN NULL ELSE l.digest END, r.staff_id IS NULL, "
    "CASE WHEN r.staff_id IS NULL THEN l.digest END FROM people p "
    "LEFT JOIN survey_responses r ON r.round_id = p.round_id AND r.staff_id = p.respondent "
    "LEFT JOIN only_link l ON l.round_id = p.round_id AND l.staff_id = p.respondent",
    "DROP TABLE survey_answers",
    "ALTER TABLE survey_answers_v5 RENAME TO survey_answers",
    "DROP TABLE survey_responses",
)


# Schema version 1 (one SQL row per data row), frozen as written then: read and dropped when converting.
_VERSION_1_SQL = {  # table: (SELECT of its rows in order, DROP)
    "schools": ('SELECT "school_id", "name", "phase", "joined_on", "region", attributes FROM "schools" '
                "WHERE snapshot = ? ORDER BY row_no", 'DROP TABLE "schools"'),
    "staff": ('SELECT "staff_id", "school_id", "role", "name", "subjects", "started_on", "left_on", attributes '
              'FROM "staff" WHERE snapshot = ? ORDER BY row_no', 'DROP TABLE "staff"'),
    "groups": ('SELECT "group_id", "name", "kind", "subject", "phase", attributes FROM "groups" '
               "WHERE snapshot = ? ORDER BY row_no", 'DROP TABLE "groups"'),
    "memberships": ('SELECT "staff_id", "group_id", "role", "joined_on", "left_on", attributes FROM "memberships" '
                    "WHERE snapshot = ? ORDER BY row_no", 'DROP TABLE "memberships"'),
    "collaborations": ('SELECT "source_staff_id", "target_staff_id", "kind", "weight", "observed_on", attributes '
                       'FROM "collaborations" WHERE snapshot = ? ORDER BY row_no', 'DROP TABLE "collaborations"'),
    "secondments": ('SELECT "staff_id", "from_school_id", "to_school_id", "starts_on", "ends_on", "purpose", '
                    'attributes FROM "secondments" WHERE snapshot = ? ORDER BY row_no', 'DROP TABLE "secondments"'),
}


_Part = tuple[str, int, int, bytes]  # table name, part number, rows, payload


def _parts_of(dataset: Dataset) -> list[_Part]:
    """Every table as parts of BATCH_ROWS rows (an empty table still gets one, keeping its columns)."""
    parts = []
    for name, frame in dataset.stored_tables():
        columns = [str(c) for c in frame.columns]
        values = [frame[c].tolist() for c in frame.columns]
        for part, start in enumerate(range(0, max(len(frame), 1), BATCH_ROWS)):
            chunk = [v[start:start + BATCH_ROWS] for v in values]
            payload = json.dumps({"columns": columns, "values": chunk}, ensure_ascii=False)
            parts.append((name, part, len(chunk[0]) if chunk else 0, payload.encode()))
    return parts


def _digest(parts: list[_Part]) -> str:
    """The snapshot's content hash: a digest of every stored byte, so equal datasets give equal digests and any
    changed value, column or order changes it (None and the text "None" are stored differently)."""
    digest = hashlib.sha256()
    for name, part, rows, payload in parts:
        digest.update(f"{name}\x1f{part}\x1f{rows}\x1f{len(payload)}\x1f".encode())
        digest.update(payload)
    return digest.hexdigest()


def _stored_digest(rows: list[tuple[str, int, int, bytes]]) -> str:
    """The digest of parts as read back (name, part, rows, payload), taken in the order they were written."""
    order = {name: index for index, name in enumerate(TABLE_NAMES)}
    written = sorted(rows, key=lambda row: (order.get(row[0], len(order)), row[1]))
    return _digest([(name, part, count, bytes(payload)) for name, part, count, payload in written])


class SQLiteStore(base.GraphStore):
    """GraphStore on one SQLite file; creates the file and its schema on first use."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        """Open the store at `path`; with `create`, make the file (owner-only) when missing, else StorageError
        (a mistyped --db must not silently become an empty store). A file this user cannot write is opened
        read-only: it can be listed and read."""
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise StorageError(f"There is no store at {self.path}. Check --db (or NETMAP_DB) for a typo, or load "
                               "a snapshot into it first with `netmap load DIR`.")
        self.read_only = self.path.exists() and not os.access(self.path, os.W_OK)
        try:
            if self.read_only:
                self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                             isolation_level=None)
            else:
                create_private_file(self.path)
                self._conn = sqlite3.connect(self.path, isolation_level=None)
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA secure_delete=ON")
                self._conn.execute("PRAGMA foreign_keys=ON")
            self._create_schema()
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"Cannot open the embedded store at {self.path} ({exc}). "
                               "Check the path is writable, or choose another with --db or NETMAP_DB.") from exc

    def _create_schema(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StorageError(f"The store at {self.path} was written by a newer netmap (schema {version}). "
                               "Upgrade netmap, or use another --db.")
        if version == SCHEMA_VERSION:
            return  # readers must be able to open the store while a load holds the write lock
        if self.read_only:
            raise StorageError(f"The store at {self.path} is read-only and was written by an earlier netmap: it "
                               "must be converted before this version can read it. Make it writable and retry.")
        with self._transaction():
            if self._snapshot_columns() and "snapshot_id" not in self._snapshot_columns():
                for statement in _ADD_SNAPSHOT_IDS:
                    self._conn.execute(statement)
            if version == 4:
                for sql in _CONVERT_VERSION_4:
                    self._conn.execute(sql)
            self._conn.execute(_SNAPSHOTS_DDL)
            self._conn.execute(_SNAPSHOT_DATE_INDEX)
            self._conn.execute(_PARTS_DDL)
            self._conn.execute(_ANALYSES_DDL)
            self._conn.execute(_EXCLUSIONS_DDL)
            self._conn.execute(_THRESHOLDS_DDL)
            for ddl in _SURVEY_DDL:
                self._conn.execute(ddl)
            if version == 1:
                self._convert_version_1()
            self._conn.execute(_SET_SCHEMA_VERSION)

    def _snapshot_columns(self) -> list[str]:
        """The snapshots table's columns (none before it exists)."""
        return [row[1] for row in self._conn.execute("PRAGMA table_info(snapshots)")]

    def _convert_version_1(self) -> None:
        """Rewrite every snapshot of a version-1 store (a SQL row per data row) as table parts, then drop the
        old tables; runs inside the opening transaction, so it happens completely or not at all."""
        stored = self._conn.execute("SELECT snapshot_id, extra_columns FROM snapshots").fetchall()
        for snapshot_id, extras_json in stored:
            extras = json.loads(extras_json)
            dataset = Dataset.from_tables({
                name: frame_from_rows(name, self._conn.execute(select, (snapshot_id,)), extras[name])
                for name, (select, _drop) in _VERSION_1_SQL.items()})
            parts = _parts_of(dataset)
            self._insert_parts(snapshot_id, parts, None)
            self._conn.execute("UPDATE snapshots SET content_hash = ? WHERE snapshot_id = ?",
                               (_digest(parts), snapshot_id))
        for _select, drop in _VERSION_1_SQL.values():
            self._conn.execute(drop)

    def init_schema(self) -> list[str]:
        self._create_schema()  # already run on opening; kept idempotent so init-store can say so
        return ["snapshots", "table_parts", "analyses", "exclusions", "snapshot_thresholds", *_SURVEY_TABLES]

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT on the store's file, rolled back on any exception (see immediate)."""
        return immediate(self._conn)

    def write_snapshot(self, dataset: Dataset, as_of: str, *, source: str, replace: str | None = None,
                       progress: base.ProgressCallback | None = None) -> base.WriteResult:
        """See GraphStore.write_snapshot. The id is chosen inside the write transaction (BEGIN IMMEDIATE holds the
        file's write lock), so two writers on one date never pick the same id."""
        parts = _parts_of(dataset)
        content_hash = _digest(parts)
        try:
            with self._transaction():
                stored = self._snapshots()
                target = base.write_target(stored, replace=replace, as_of=as_of, content_hash=content_hash,
                                      source=source, where=f"in {self.path}")
                if target is not None and target.content_hash == content_hash and target.as_of == as_of:
                    if self._stored_digest(target.snapshot_id) == content_hash:
                        return base.WriteResult(target, "unchanged")
                    status: base.WriteStatus = "repaired"
                else:
                    status = "created" if target is None else "replaced"
                snapshot_id = (target.snapshot_id if target is not None
                               else base.new_snapshot_id(as_of, {s.snapshot_id for s in stored}))
                self._delete(snapshot_id)
                info = base.SnapshotInfo(snapshot_id, as_of, clock.now().isoformat(timespec="seconds"),
                                    source, content_hash, dataset.counts())
                extras = {name: dataset.extra_columns(name) for name in TABLE_NAMES}
                self._conn.execute(_INSERT_SNAPSHOT, (info.snapshot_id, info.as_of, info.loaded_at, info.source,
                                                      info.content_hash, json.dumps(info.counts),
                                                      json.dumps(extras)))
                self._insert_parts(snapshot_id, parts, progress)
        except sqlite3.Error as exc:
            raise StorageError(f"Writing snapshot {replace or as_of} to {self.path} failed ({exc}); "
                               "the store is unchanged. Check free disk space and retry.") from exc
        return base.WriteResult(info, status)

    def content_hash_of(self, dataset: Dataset) -> str:
        return _digest(_parts_of(dataset))

    def delete_snapshot(self, snapshot_id: str) -> None:
        """Delete the snapshot, then vacuum and truncate the write-ahead log: nothing of it stays in the files."""
        self.snapshot(snapshot_id)  # StorageError naming the stored snapshots when there is none
        try:
            with self._transaction():
                self._delete(snapshot_id)
            self._conn.execute("VACUUM")
            self._truncate_log()
        except sqlite3.Error as exc:
            raise StorageError(f"Deleting snapshot {snapshot_id} from {self.path} failed ({exc}).") from exc

    def _truncate_log(self) -> None:
        """Copy the write-ahead log into the file and empty it; a reader mid-query (the web app) can hold it for a
        moment, so retry for up to five seconds before saying it stays until the next checkpoint."""
        for _attempt in range(50):
            busy, _pages, _copied = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            time.sleep(0.1)
        log.warning("%s: a reader kept the write-ahead log open; deleted pages leave it at the next checkpoint",
                    self.path)

    def _delete(self, snapshot_id: str) -> None:
        self._conn.execute("DELETE FROM snapshot_thresholds WHERE snapshot = ?", (snapshot_id,))
        self._conn.execute(_DELETE_ANALYSES, (snapshot_id,))
        self._conn.execute(_DELETE_PARTS, (snapshot_id,))
        self._conn.execute("DELETE FROM snapshots WHERE snapshot_id = ?", (snapshot_id,))

    def _insert_parts(self, snapshot_id: str, parts: list[_Part], progress: base.ProgressCallback | None) -> None:
        for name, part, rows, payload in parts:
            self._conn.execute(_INSERT_PART, (snapshot_id, name, part, rows, payload))
            if progress is not None and rows:
                progress(rows)

    def write_analysis(self, info: base.SnapshotInfo, key: str, parts: Iterable[tuple[str, bytes]]) -> None:
        """One transaction, so a write cut short keeps nothing; the parts are made (JSON, zlib: seconds at national
        scale, a few MB held) before it takes the write lock, which a survey save waits for only 5 s."""
        made = list(parts)
        try:
            with self._transaction():
                row = self._conn.execute("SELECT content_hash FROM snapshots WHERE snapshot_id = ?",
                                         (info.snapshot_id,)).fetchone()
                if row is None or row[0] != info.content_hash:
                    return  # replaced or deleted since it was read: this analysis describes nothing stored
                self._conn.execute(_DELETE_ANALYSIS, (info.snapshot_id, key))
                self._conn.executemany(_INSERT_ANALYSIS, ((info.snapshot_id, info.content_hash, key, name, payload)
                                                          for name, payload in made))
        except sqlite3.Error as exc:
            raise StorageError(f"Keeping the analysis of snapshot {info.snapshot_id} in {self.path} failed "
                               f"({exc}).") from exc

    def read_analysis(self, info: base.SnapshotInfo, key: str) -> list[tuple[str, bytes]] | None:
        try:
            rows = self._conn.execute(_SELECT_ANALYSIS, (info.snapshot_id, info.content_hash, key)).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"Reading the analysis of snapshot {info.snapshot_id} from {self.path} failed "
                               f"({exc}).") from exc
        return [(name, bytes(payload)) for name, payload in rows] or None

    def list_snapshots(self) -> list[base.SnapshotInfo]:
        try:
            return self._snapshots()
        except sqlite3.Error as exc:
            raise StorageError(f"Reading snapshots from {self.path} failed ({exc}).") from exc

    def _snapshots(self) -> list[base.SnapshotInfo]:
        rows = self._conn.execute(_SELECT_SNAPSHOTS).fetchall()
        return sorted((base.SnapshotInfo(i, a, loaded, src, h, json.loads(counts))
                       for i, a, loaded, src, h, counts in rows), key=base.snapshot_order)

    def _read_one_table(self, snapshot_id: str, name: str) -> pd.DataFrame:
        info = self.snapshot(snapshot_id)
        try:
            payloads = [payload for (payload,) in self._conn.execute(_SELECT_TABLE, (info.snapshot_id, name))]
        except sqlite3.Error as exc:
            raise StorageError(f"Reading {name} of snapshot {info.snapshot_id} from {self.path} failed "
                               f"({exc}).") from exc
        return Dataset.from_tables({name: frame_from_columns(name, self._decoded(info, payloads))} if payloads
                                   else {}).table(name)

    def _read_snapshot(self, info: base.SnapshotInfo) -> Dataset:
        try:
            rows = self._conn.execute(_SELECT_PARTS, (info.snapshot_id,)).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"Reading snapshot {info.snapshot_id} from {self.path} failed ({exc}).") from exc
        if _stored_digest(rows) != info.content_hash:
            raise self._damaged(info, "its content no longer matches its hash")
        parts: dict[str, list[bytes]] = {}
        for name, _part, _count, payload in rows:
            parts.setdefault(name, []).append(payload)
        del rows  # each payload is let go once decoded (below): a national snapshot's are hundreds of MB
        return Dataset.from_tables({name: frame_from_columns(name, self._decoded(info, payloads))
                                    for name, payloads in parts.items()})

    def _decoded(self, info: base.SnapshotInfo, payloads: list[bytes]) -> Iterator[dict[str, Any]]:
        """Each part decoded in turn, and its payload let go (taken out of `payloads`), so that one part's
        values are held as Python objects at a time, not a whole table's (5 million ties: 1.3 GB)."""
        payloads.reverse()
        while payloads:
            try:
                chunk = json.loads(payloads.pop())
                if not (isinstance(chunk, dict) and isinstance(chunk.get("columns"), list)):
                    raise ValueError("a part is not a table")
            except ValueError as exc:
                raise self._damaged(info, f"a stored part cannot be decoded ({exc})") from exc
            yield chunk

    def _stored_digest(self, snapshot_id: str) -> str:
        return _stored_digest(self._conn.execute(_SELECT_PARTS, (snapshot_id,)).fetchall())

    def _damaged(self, info: base.SnapshotInfo, what: str) -> StorageError:
        return StorageError(f"Snapshot {info.snapshot_id} in {self.path} is damaged: {what}. It was changed outside "
                            "netmap or the file is corrupt; load it again from its files (`netmap load DIR --as-of "
                            f"{info.as_of} --replace {info.snapshot_id}` repairs it), or restore the store from a "
                            "backup.")

    # ---- people's rights (netmap.rights) -------------------------------------------------------------------
    def erase_person(self, staff_id: str, rewritten: dict[str, Dataset]) -> None:
        """See GraphStore.erase_person: one transaction, then VACUUM and an emptied write-ahead log, so that
        (with secure_delete) no page of the file or its log keeps the person."""
        try:
            with self._transaction():
                for snapshot_id, dataset in rewritten.items():
                    parts = _parts_of(dataset)
                    changed = self._conn.execute(_UPDATE_CONTENT, (_digest(parts), json.dumps(dataset.counts()),
                                                                   snapshot_id)).rowcount
                    if not changed:
                        raise StorageError(f"There is no snapshot {snapshot_id} in {self.path} to erase "
                                           f"{staff_id} from; nothing was changed. Retry: it was deleted meanwhile.")
                    self._conn.execute(_DELETE_ANALYSES, (snapshot_id,))
                    self._conn.execute(_DELETE_PARTS, (snapshot_id,))
                    self._insert_parts(snapshot_id, parts, None)
                for sql in _ERASE_FROM_SURVEYS:
                    self._conn.execute(sql, (staff_id, staff_id))
            self._conn.execute("VACUUM")
            self._truncate_log()
        except sqlite3.Error as exc:
            raise StorageError(f"Erasing {staff_id} from {self.path} failed ({exc}); nothing was changed. Check "
                               "free disk space and retry.") from exc

    def exclude_person(self, exclusion: Exclusion) -> None:
        self._survey_write("Recording an exclusion from analysis", [(
            "INSERT INTO exclusions VALUES (?, ?, ?) ON CONFLICT (staff_id) DO UPDATE SET reason = excluded.reason",
            (exclusion.staff_id, exclusion.reason, exclusion.since))])

    def include_person(self, staff_id: str) -> bool:
        was = staff_id in self.excluded_ids()
        self._survey_write("Withdrawing an exclusion from analysis",
                           [("DELETE FROM exclusions WHERE staff_id = ?", (staff_id,))])
        return was

    def excluded_people(self) -> list[Exclusion]:
        try:
            rows = self._conn.execute("SELECT staff_id, reason, since FROM exclusions ORDER BY staff_id").fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"Reading the people excluded from analysis from {self.path} failed ({exc}).") from exc
        return [Exclusion(*row) for row in rows]

    def write_thresholds(self, snapshot_id: str, thresholds: dict[str, str]) -> None:
        self.snapshot(snapshot_id)  # StorageError naming the stored snapshots when there is none
        self._survey_write(f"Keeping the thresholds of snapshot {snapshot_id}", [(
            "INSERT INTO snapshot_thresholds VALUES (?, ?) ON CONFLICT (snapshot) DO UPDATE SET thresholds = "
            "excluded.thresholds", (snapshot_id, json.dumps(thresholds, sort_keys=True)))])

    def read_thresholds(self, snapshot_id: str) -> dict[str, str]:
        try:
            row = self._conn.execute("SELECT thresholds FROM snapshot_thresholds WHERE snapshot = ?",
                                     (snapshot_id,)).fetchone()
        except sqlite3.Error as exc:
            raise StorageError(f"Reading the thresholds of snapshot {snapshot_id} from {self.path} failed "
                               f"({exc}).") from exc
        return json.loads(row[0]) if row else {}

    def forget_analyses(self, snapshot_ids: list[str]) -> None:
        self._survey_write("Dropping kept analyses", [(_DELETE_ANALYSES, (i,)) for i in snapshot_ids])

    # ---- survey rounds (netmap.store.survey_records) -----------------------------------------------------
    def _survey_write(self, action: str, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        try:
            with self._transaction():
                for sql, values in statements:
                    self._conn.execute(sql, values)
        except sqlite3.Error as exc:
            raise StorageError(f"{action} in {self.path} failed ({exc}); nothing was changed. Check free disk "
                               "space and retry.") from exc

    def save_round(self, record: survey_records.RoundRecord) -> None:
        self._survey_write("Saving a survey round", [(
            "INSERT INTO survey_rounds VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET "
            "spec = excluded.spec, status = excluded.status, snapshot_as_of = excluded.snapshot_as_of",
            (record.round_id, record.spec, record.status, record.created_at, record.snapshot_as_of))])

    def list_rounds(self) -> list[survey_records.RoundRecord]:
        rows = self._conn.execute("SELECT round_id, spec, status, created_at, snapshot_as_of FROM survey_rounds "
                                  "ORDER BY created_at, round_id").fetchall()
        return [survey_records.RoundRecord(*row) for row in rows]

    def delete_round(self, round_id: str) -> None:
        self._survey_write("Deleting a survey round", [(sql, (round_id,)) for sql in _DELETE_ROUND])

    def add_links(self, links: list[survey_records.Link]) -> None:
        self._survey_write("Keeping survey links", [
            ("INSERT INTO survey_links VALUES (?, ?, ?, ?, ?)",
             (link.digest, link.round_id, link.staff_id, link.expires_at, link.revoked_at)) for link in links])

    def find_link(self, digest: str) -> survey_records.Link | None:
        row = self._conn.execute("SELECT round_id, staff_id, digest, expires_at, revoked_at FROM survey_links "
                                 "WHERE digest = ?", (digest,)).fetchone()
        return survey_records.Link(*row) if row else None

    def round_links(self, round_id: str) -> list[survey_records.Link]:
        rows = self._conn.execute("SELECT round_id, staff_id, digest, expires_at, revoked_at FROM survey_links "
                                  "WHERE round_id = ? ORDER BY staff_id, expires_at", (round_id,)).fetchall()
        return [survey_records.Link(*row) for row in rows]

    def revoke_links(self, round_id: str, staff_ids: list[str] | None, when: str) -> int:
        chosen = [link for link in self.round_links(round_id) if link.revoked_at is None
                  and (staff_ids is None or link.staff_id in staff_ids)]
        self._survey_write("Revoking survey links", [
            ("UPDATE survey_links SET revoked_at = ? WHERE digest = ?", (when, link.digest)) for link in chosen])
        return len(chosen)

    def close_to_answers(self, round_id: str) -> str:
        try:
            with self._transaction():  # BEGIN IMMEDIATE: waits for any save in flight, then holds them off
                row = self._conn.execute("SELECT status FROM survey_rounds WHERE round_id = ?", (round_id,)
                                         ).fetchone()
                if row is None:
                    raise SurveyError(f"No survey round {round_id!r} (`netmap survey list`).")
                if row[0] == "open":
                    self._conn.execute("UPDATE survey_rounds SET status = 'closed' WHERE round_id = ?", (round_id,))
        except sqlite3.Error as exc:
            raise StorageError(f"Closing survey round {round_id} in {self.path} failed ({exc}); nothing was "
                               "changed. Retry.") from exc
        return str(row[0])

    def save_sheet(self, change: survey_records.SheetSave) -> int:
        sheet = "submitted" if change.submit else "draft"
        key = (change.round_id, change.respondent)
        try:
            with self._transaction():  # every check and the write in one transaction: compare-and-set
                status = self._conn.execute("SELECT status FROM survey_rounds WHERE round_id = ?",
                                            (change.round_id,)).fetchone()
                link = self._conn.execute("SELECT revoked_at FROM survey_links WHERE digest = ? AND round_id = ? "
                                          "AND staff_id = ?", (change.via, *key)).fetchone()
                kept = self._conn.execute("SELECT version FROM survey_sheets WHERE round_id = ? AND respondent = ?",
                                          key).fetchone()
                version = kept[0] if kept else 0
                survey_records.check_save(change, round_open=status is not None and status[0] == "open",
                           link_usable=link is not None and link[0] is None,
                           submitted_elsewhere=self._conn.execute(_SUBMITTED_ELSEWHERE,
                                                                  (*key, change.via)).fetchone() is not None,
                           version=version)
                self._conn.execute("DELETE FROM survey_answers WHERE round_id = ? AND respondent = ? AND "
                                   "(sheet = ? OR ?)", (*key, sheet, change.submit))
                self._conn.executemany("INSERT INTO survey_answers VALUES (?, ?, ?, ?, ?, ?, ?)", [
                    (*key, sheet, n.question, n.target, n.weight, change.day) for n in change.nominations])
                self._conn.execute(_SAVE_SHEET, (*key, version + 1, change.day if change.submit else None,
                                                 change.via if change.submit else None, not change.submit,
                                                 None if change.submit else change.via))
        except sqlite3.Error as exc:
            raise StorageError(f"Saving survey answers in {self.path} failed ({exc}); nothing was changed. Check "
                               "free disk space and retry.") from exc
        return version + 1

    def read_sheet(self, round_id: str, respondent: str) -> survey_records.AnswerSheet:
        row = self._conn.execute("SELECT version, submitted_on, submitted_via, has_draft, draft_via FROM "
                                 "survey_sheets WHERE round_id = ? AND respondent = ?", (round_id, respondent)
                                 ).fetchone()
        if row is None:
            return survey_records.AnswerSheet()
        version, submitted_on, submitted_via, has_draft, draft_via = row
        rows = self._conn.execute("SELECT sheet, question, target, weight FROM survey_answers WHERE round_id = ? "
                                  "AND respondent = ? ORDER BY sheet, question, target", (round_id, respondent)
                                  ).fetchall()
        def named(kind: str) -> tuple[survey_records.Nomination, ...]:
            return tuple(survey_records.Nomination(respondent, q, t, int(w)) for k, q, t, w in rows if k == kind)

        return survey_records.AnswerSheet(int(version), named("submitted") if submitted_on else None, submitted_on,
                           submitted_via, named("draft") if has_draft else None, draft_via)

    def read_answers(self, round_id: str, respondent: str | None = None
                     ) -> tuple[list[tuple[survey_records.Nomination, str]], dict[str, str]]:
        rows = self._conn.execute("SELECT respondent, question, target, weight, saved_on FROM survey_answers "
                                  "WHERE round_id = ? AND sheet = 'submitted' AND (? IS NULL OR respondent = ?) "
                                  "ORDER BY respondent, question, target", (round_id, respondent, respondent)
                                  ).fetchall()
        submitted = self._conn.execute("SELECT respondent, submitted_on FROM survey_sheets WHERE round_id = ? "
                                       "AND submitted_on IS NOT NULL AND (? IS NULL OR respondent = ?)",
                                       (round_id, respondent, respondent)).fetchall()
        return [(survey_records.Nomination(r, q, t, int(w)), day) for r, q, t, w, day in rows], dict(submitted)

    def close(self) -> None:
        self._conn.close()

    def dump(self) -> list[str]:
        """Every statement that recreates the file's contents; tests compare stores with it."""
        return list(self._conn.iterdump())

