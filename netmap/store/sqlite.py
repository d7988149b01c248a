"""The embedded default store: one SQLite file, so a new user needs no server.

Each contract table becomes one SQL table with a `snapshot` column; the user's extra columns travel as a
JSON object per row. A load is one transaction (BEGIN IMMEDIATE ... COMMIT): SQLite's journal guarantees that
a failure or a killed process leaves the file exactly as before. Table and column names in SQL come only
from the fixed data contract; every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from itertools import islice
from pathlib import Path

import pandas as pd

from netmap.contract import TABLE_NAMES, table_spec
from netmap.dataset import Dataset
from netmap.errors import StorageError
from netmap.store.base import GraphStore, ProgressCallback, SnapshotInfo, WriteResult
from netmap.store.records import frame_from_rows, table_rows

__all__ = ["BATCH_ROWS", "SQLiteStore"]

SCHEMA_VERSION = 1
BATCH_ROWS = 50_000  # rows per executemany call: large enough to be fast, small enough for a live progress bar


def _q(identifier: str) -> str:
    """Quote a contract identifier for SQL ("groups" is an SQLite keyword)."""
    return '"' + identifier.replace('"', '""') + '"'


def _table_ddl(name: str) -> list[str]:
    spec = table_spec(name)
    columns = ", ".join(f"{_q(c.name)} {'REAL' if c.kind == 'weight' else 'TEXT'}" for c in spec.columns)
    statements = [
        f"CREATE TABLE IF NOT EXISTS {_q(name)} (snapshot TEXT NOT NULL REFERENCES snapshots(as_of), "
        f"row_no INTEGER NOT NULL, {columns}, attributes TEXT, PRIMARY KEY (snapshot, row_no))"
    ]
    if spec.key:
        statements.append(f"CREATE UNIQUE INDEX IF NOT EXISTS {_q(name + '_key')} "
                          f"ON {_q(name)} (snapshot, {_q(spec.key)})")
    return statements


def _statements(name: str) -> dict[str, str]:
    """The INSERT, SELECT and DELETE of one contract table, built once from the fixed contract's names."""
    columns = table_spec(name).column_names
    return {
        "insert": f"INSERT INTO {_q(name)} VALUES ({', '.join('?' * (len(columns) + 3))})",  # noqa: S608
        "select": f"SELECT {', '.join(_q(c) for c in columns)}, attributes FROM {_q(name)} "  # noqa: S608
                  "WHERE snapshot = ? ORDER BY row_no",
        "delete": f"DELETE FROM {_q(name)} WHERE snapshot = ?",  # noqa: S608
    }


_SQL = {name: _statements(name) for name in TABLE_NAMES}
# PRAGMA takes no bound parameters; SCHEMA_VERSION is this module's integer constant, not data.
_SET_SCHEMA_VERSION = f"PRAGMA user_version={SCHEMA_VERSION:d}"

_SNAPSHOTS_DDL = ("CREATE TABLE IF NOT EXISTS snapshots (as_of TEXT PRIMARY KEY, loaded_at TEXT NOT NULL, "
                  "source TEXT NOT NULL, content_hash TEXT NOT NULL, counts TEXT NOT NULL, "
                  "extra_columns TEXT NOT NULL)")


class SQLiteStore(GraphStore):
    """GraphStore on one SQLite file; creates the file and its schema on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
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
        with self._transaction():
            self._conn.execute(_SNAPSHOTS_DDL)
            for name in TABLE_NAMES:
                for statement in _table_ddl(name):
                    self._conn.execute(statement)
            self._conn.execute(_SET_SCHEMA_VERSION)

    def init_schema(self) -> list[str]:
        self._create_schema()  # already run on opening; kept idempotent so init-store can say so
        return ["snapshots", *TABLE_NAMES]

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)

    def write_snapshot(self, dataset: Dataset, as_of: str, *, source: str,
                       progress: ProgressCallback | None = None) -> WriteResult:
        content_hash = dataset.content_hash()
        try:
            with self._transaction():
                row = self._conn.execute("SELECT content_hash FROM snapshots WHERE as_of = ?", (as_of,)).fetchone()
                if row is not None and row[0] == content_hash:
                    return WriteResult(self.snapshot(as_of), "unchanged")
                self._delete(as_of)
                info = SnapshotInfo(as_of, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), source,
                                    content_hash, dataset.counts())
                extras = {name: dataset.extra_columns(name) for name in TABLE_NAMES}
                self._conn.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?)",
                                   (info.as_of, info.loaded_at, info.source, info.content_hash,
                                    json.dumps(info.counts), json.dumps(extras)))
                for name in TABLE_NAMES:
                    self._insert_table(name, dataset.table(name), extras[name], as_of, progress)
        except sqlite3.Error as exc:
            raise StorageError(f"Writing snapshot {as_of} to {self.path} failed ({exc}); "
                               "the store is unchanged. Check free disk space and retry.") from exc
        return WriteResult(info, "created" if row is None else "replaced")

    def delete_snapshot(self, as_of: str) -> None:
        self.snapshot(as_of)  # StorageError naming the stored dates when there is none
        try:
            with self._transaction():
                self._delete(as_of)
        except sqlite3.Error as exc:
            raise StorageError(f"Deleting snapshot {as_of} from {self.path} failed ({exc}).") from exc

    def _delete(self, as_of: str) -> None:
        for name in TABLE_NAMES:
            self._conn.execute(_SQL[name]["delete"], (as_of,))
        self._conn.execute("DELETE FROM snapshots WHERE as_of = ?", (as_of,))

    def _insert_table(self, name: str, frame: pd.DataFrame, extras: list[str], as_of: str,
                      progress: ProgressCallback | None) -> None:
        rows = table_rows(name, frame, extras, as_of)
        while batch := list(islice(rows, BATCH_ROWS)):
            self._conn.executemany(_SQL[name]["insert"], batch)
            if progress is not None:
                progress(len(batch))

    def list_snapshots(self) -> list[SnapshotInfo]:
        try:
            rows = self._conn.execute("SELECT as_of, loaded_at, source, content_hash, counts FROM snapshots "
                                      "ORDER BY as_of").fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"Reading snapshots from {self.path} failed ({exc}).") from exc
        return [SnapshotInfo(a, loaded, src, h, json.loads(counts)) for a, loaded, src, h, counts in rows]

    def _read_snapshot(self, info: SnapshotInfo) -> Dataset:
        try:
            (extras_json,) = self._conn.execute("SELECT extra_columns FROM snapshots WHERE as_of = ?",
                                                (info.as_of,)).fetchone()
            extras = json.loads(extras_json)
            tables = {name: self._read_table(name, info.as_of, extras[name]) for name in TABLE_NAMES}
        except sqlite3.Error as exc:
            raise StorageError(f"Reading snapshot {info.as_of} from {self.path} failed ({exc}).") from exc
        return Dataset.from_tables(tables)

    def _read_table(self, name: str, as_of: str, extras: list[str]) -> pd.DataFrame:
        return frame_from_rows(name, self._conn.execute(_SQL[name]["select"], (as_of,)), extras)

    def close(self) -> None:
        self._conn.close()

    def dump(self) -> list[str]:
        """Every statement that recreates the file's contents; tests compare stores with it."""
        return list(self._conn.iterdump())


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt included)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")
