"""Web users, their roles and failed-login throttling. Passwords are hashed with werkzeug (scrypt); a user
removed or demoted loses access on their next request, because every request reads the user afresh."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from netmap.errors import AccountError

__all__ = ["LOCKOUT_FAILURES", "LOCKOUT_MINUTES", "MIN_PASSWORD", "ROLES", "User", "UserStore"]

ROLES = ("admin", "hr", "ceo", "network-lead")
LOCKOUT_FAILURES = 5    # failed logins in a row for one name ...
LOCKOUT_MINUTES = 15    # ... lock that name for this long
MIN_PASSWORD = 12


@dataclass(frozen=True)
class User:
    name: str
    role: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UserStore:
    """Users and failed logins on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, name: str, role: str, password: str | None = None) -> str:
        """Add a user; returns the password (a new random one when none is given)."""
        _check_role(role)
        if not name.strip():
            raise AccountError("A user name cannot be empty.")
        password = password or secrets.token_urlsafe(12)
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"Passwords need at least {MIN_PASSWORD} characters.")
        try:
            self._conn.execute("INSERT INTO users VALUES (?, ?, ?, ?)",
                               (name, role, generate_password_hash(password), _now().isoformat()))
        except sqlite3.IntegrityError:
            raise AccountError(f"There is already a user called {name!r}; choose another name, or remove them "
                               "first with `netmap users remove`.") from None
        return password

    def remove(self, name: str) -> None:
        if self._conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")

    def set_role(self, name: str, role: str) -> None:
        _check_role(role)
        if self._conn.execute("UPDATE users SET role = ? WHERE name = ?", (role, name)).rowcount == 0:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")

    def get(self, name: str) -> User | None:
        row = self._conn.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def all_users(self) -> list[User]:
        """Every user, by name."""
        return [User(*r) for r in self._conn.execute("SELECT name, role FROM users ORDER BY name")]

    def is_locked(self, name: str) -> bool:
        """True while `name` has LOCKOUT_FAILURES failed logins within the last LOCKOUT_MINUTES."""
        since = (_now() - dt.timedelta(minutes=LOCKOUT_MINUTES)).isoformat()
        (count,) = self._conn.execute("SELECT count(*) FROM failed_logins WHERE name = ? AND at > ?",
                                      (name, since)).fetchone()
        return bool(count >= LOCKOUT_FAILURES)

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


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
