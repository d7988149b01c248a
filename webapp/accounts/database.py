"""The one small SQLite file (NETMAP_USERS_DB) holding the web app's users, audit log and saved scenarios.

Kept apart from the graph store so that it works the same whether the trust's data lives in the embedded
store or in Neo4j.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from netmap.errors import StorageError
from webapp.accounts.audit import AuditLog
from webapp.accounts.scenarios import ScenarioStore
from webapp.accounts.users import UserStore

__all__ = ["Accounts"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
    "created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS failed_logins (name TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit_log (at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, "
    "subject TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL, "
    "snapshot TEXT NOT NULL, changes TEXT NOT NULL, saved_at TEXT NOT NULL)",
)


class Accounts:
    """The file at `path` (created on first use) and its three parts: `users`, `audit` and `scenarios`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                self._conn.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"Cannot open the users file {self.path} ({exc}). Check the path is writable, "
                               "or set NETMAP_USERS_DB.") from exc
        self.users = UserStore(self._conn)
        self.audit = AuditLog(self._conn)
        self.scenarios = ScenarioStore(self._conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
