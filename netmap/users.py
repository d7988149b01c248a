"""Web users, their roles, failed-login throttling and the audit log, in one small SQLite file.

Kept apart from the graph store so that it works the same whether the trust's data lives in the embedded
store or in Neo4j. Passwords are hashed with werkzeug (scrypt); a user removed or demoted loses access on
their next request, because every request reads the user afresh.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from netmap.errors import ConfigError, StorageError

__all__ = ["LOCKOUT_FAILURES", "LOCKOUT_MINUTES", "ROLES", "User", "UserStore"]

ROLES = ("admin", "hr", "ceo", "network-lead")
LOCKOUT_FAILURES = 5    # failed logins in a row for one name ...
LOCKOUT_MINUTES = 15    # ... lock that name for this long
MIN_PASSWORD = 12

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
    "created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS failed_logins (name TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit_log (at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, "
    "subject TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL, "
    "snapshot TEXT NOT NULL, changes TEXT NOT NULL, saved_at TEXT NOT NULL)",
)


@dataclass(frozen=True)
class User:
    name: str
    role: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UserStore:
    """Users, throttling and audit records in the SQLite file at `path` (created on first use)."""

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

    def close(self) -> None:
        self._conn.close()

    # ---- users -----------------------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str | None = None) -> str:
        """Add a user; returns the password (a new random one when none is given)."""
        _check_role(role)
        if not name.strip():
            raise ConfigError("A user name cannot be empty.")
        password = password or secrets.token_urlsafe(12)
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"Passwords need at least {MIN_PASSWORD} characters.")
        try:
            self._conn.execute("INSERT INTO users VALUES (?, ?, ?, ?)",
                               (name, role, generate_password_hash(password), _now().isoformat()))
        except sqlite3.IntegrityError:
            raise ConfigError(f"There is already a user called {name!r}; choose another name, or remove them "
                              "first with `netmap users remove`.") from None
        return password

    def remove(self, name: str) -> None:
        if self._conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise ConfigError(f"No user called {name!r}. List users with `netmap users list`.")

    def set_role(self, name: str, role: str) -> None:
        _check_role(role)
        if self._conn.execute("UPDATE users SET role = ? WHERE name = ?", (role, name)).rowcount == 0:
            raise ConfigError(f"No user called {name!r}. List users with `netmap users list`.")

    def get(self, name: str) -> User | None:
        row = self._conn.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def list(self) -> list[User]:
        return [User(*r) for r in self._conn.execute("SELECT name, role FROM users ORDER BY name")]

    # ---- logging in ------------------------------------------------------------------------------------
    def is_locked(self, name: str) -> bool:
        """True while `name` has LOCKOUT_FAILURES failed logins within the last LOCKOUT_MINUTES."""
        since = (_now() - dt.timedelta(minutes=LOCKOUT_MINUTES)).isoformat()
        (count,) = self._conn.execute("SELECT count(*) FROM failed_logins WHERE name = ? AND at > ?",
                                      (name, since)).fetchone()
        return count >= LOCKOUT_FAILURES

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password is right and the name is not locked; records failures."""
        if self.is_locked(name):
            return None
        row = self._conn.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        if row and check_password_hash(row[0], password):
            self._conn.execute("DELETE FROM failed_logins WHERE name = ?", (name,))
            return self.get(name)
        self._conn.execute("INSERT INTO failed_logins VALUES (?, ?)", (name, _now().isoformat()))
        return None

    # ---- audit -----------------------------------------------------------------------------------------
    def audit(self, user: str, action: str, subject: str) -> None:
        """Record that `user` did `action` (view, download) on person-level `subject`."""
        self._conn.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?)", (_now().isoformat(), user, action, subject))

    # ---- saved what-if scenarios (shared between HR and admins) ---------------------------------------
    def save_scenario(self, name: str, owner: str, snapshot: str, changes: list[dict]) -> int:
        cursor = self._conn.execute("INSERT INTO scenarios (name, owner, snapshot, changes, saved_at) "
                                    "VALUES (?, ?, ?, ?, ?)",
                                    (name, owner, snapshot, json.dumps(changes), _now().isoformat()))
        return int(cursor.lastrowid or 0)

    def scenarios(self) -> list[tuple[int, str, str, str, str]]:
        """(id, name, owner, snapshot, saved_at), newest first."""
        return self._conn.execute("SELECT id, name, owner, snapshot, saved_at FROM scenarios ORDER BY id DESC"
                                  ).fetchall()

    def scenario(self, scenario_id: int) -> tuple[str, str, list[dict]] | None:
        """(name, snapshot, changes) of a saved scenario."""
        row = self._conn.execute("SELECT name, snapshot, changes FROM scenarios WHERE id = ?",
                                 (scenario_id,)).fetchone()
        return (row[0], row[1], json.loads(row[2])) if row else None

    def audit_entries(self, limit: int = 1000) -> list[tuple[str, str, str, str]]:
        return self._conn.execute("SELECT at, user, action, subject FROM audit_log ORDER BY at DESC LIMIT ?",
                                  (limit,)).fetchall()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ConfigError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
