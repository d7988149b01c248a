"""Web users, their roles, their sessions' key, and failed-login throttling.

Passwords are hashed with werkzeug (scrypt). Each user has a random session key that every session cookie
carries: logging out, a new password, a new role or removal changes or deletes it, which ends every session
of that user at once (a copied cookie included). Re-adding a removed name gets a new key, so old cookies stay
dead.

Throttling counts failed logins per user name and client address (so someone elsewhere cannot lock the admin
out) and per address (so one machine cannot try many names). An attempt is recorded before its password is
checked, in one transaction with the count, so parallel guesses cannot all slip under the limit; names are kept
only as a digest, and records older than the window are pruned on every attempt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
from dataclasses import dataclass, field

from werkzeug.security import check_password_hash, generate_password_hash

from netmap.errors import AccountError

__all__ = ["ADDRESS_FAILURES", "LOCKOUT_FAILURES", "LOCKOUT_MINUTES", "MIN_PASSWORD", "ROLES", "LockedOut", "User",
           "UserStore"]

ROLES = ("admin", "hr", "ceo", "network-lead")
LOCKOUT_FAILURES = 5    # failed logins for one name from one address ...
ADDRESS_FAILURES = 20   # ... or for any names from one address ...
LOCKOUT_MINUTES = 15    # ... within this long lock that name there, or that address
MIN_PASSWORD = 12
MAX_NAME = 150          # longer names are refused before anything is stored
# Checked when a name is unknown, so that an unknown name costs as long as a known one (no user enumeration).
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    name: str
    role: str
    session_key: str = field(default="", repr=False, compare=False)


class LockedOut(AccountError):
    """Too many failed logins for this name from this address, or from this address."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:32]


class UserStore:
    """Users and failed logins on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, name: str, role: str, password: str | None = None) -> str:
        """Add a user; returns the password (a new random one when none is given)."""
        _check_role(role)
        if not name.strip() or len(name) > MAX_NAME:
            raise AccountError(f"A user name needs 1 to {MAX_NAME} characters.")
        password = _checked_password(password or secrets.token_urlsafe(12))
        try:
            self._conn.execute("INSERT INTO users (name, role, password_hash, created_at, session_key) "
                               "VALUES (?, ?, ?, ?, ?)", (name, role, generate_password_hash(password),
                                                          _now().isoformat(), secrets.token_urlsafe(24)))
        except sqlite3.IntegrityError:
            raise AccountError(f"There is already a user called {name!r}; choose another name, or change their "
                               "password with `netmap users set-password`.") from None
        return password

    def remove(self, name: str) -> None:
        if self._conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")
        self._conn.execute("DELETE FROM user_groups WHERE name = ?", (name,))

    def set_groups(self, name: str, groups: list[str]) -> None:
        """The expert networks and subject communities `name` leads (a network lead sees their members by name)."""
        if self.get(name) is None:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")
        self._conn.execute("DELETE FROM user_groups WHERE name = ?", (name,))
        self._conn.executemany("INSERT OR IGNORE INTO user_groups VALUES (?, ?)", ((name, g) for g in groups))

    def groups_of(self, name: str) -> list[str]:
        """The groups `name` leads, sorted."""
        return [g for (g,) in self._conn.execute("SELECT group_id FROM user_groups WHERE name = ? ORDER BY group_id",
                                                 (name,))]

    def set_role(self, name: str, role: str) -> None:
        """Change the role; the user's sessions end, so the new role applies from their next login."""
        _check_role(role)
        self._update(name, "UPDATE users SET role = ?, session_key = ? WHERE name = ?",
                     (role, secrets.token_urlsafe(24), name))

    def set_password(self, name: str, password: str | None = None) -> str:
        """Set a new password (a random one when none is given) and end the user's sessions; returns it."""
        password = _checked_password(password or secrets.token_urlsafe(12))
        self._update(name, "UPDATE users SET password_hash = ?, session_key = ? WHERE name = ?",
                     (generate_password_hash(password), secrets.token_urlsafe(24), name))
        self.unlock(name)
        return password

    def end_sessions(self, name: str) -> None:
        """End every session of `name` (logging out does this: a copied cookie dies with the real one)."""
        self._update(name, "UPDATE users SET session_key = ? WHERE name = ?", (secrets.token_urlsafe(24), name))

    def _update(self, name: str, statement: str, parameters: tuple[str, ...]) -> None:
        if self._conn.execute(statement, parameters).rowcount == 0:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")

    def get(self, name: str) -> User | None:
        row = self._conn.execute("SELECT name, role, session_key FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def all_users(self) -> list[User]:
        """Every user, by name."""
        return [User(*r) for r in self._conn.execute("SELECT name, role, session_key FROM users ORDER BY name")]

    def authenticate(self, name: str, password: str, address: str = "") -> User | None:
        """The user when the password is right; None when wrong; LockedOut, before any password is checked, when
        this name from this address (or this address) has failed too often within LOCKOUT_MINUTES."""
        name, address = name[:MAX_NAME], address[:64]
        self._record_attempt(_digest(name), address)
        row = self._conn.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        right = check_password_hash(row[0] if row else _DUMMY_HASH, password)  # as slow for an unknown name
        if not (row and right):
            return None  # the attempt stays recorded as a failure
        self._conn.execute("DELETE FROM failed_logins WHERE name_digest = ? AND address = ?", (_digest(name), address))
        return self.get(name)

    def _record_attempt(self, digest: str, address: str) -> None:
        """Count recent failures and record this attempt as one, in one write transaction: N parallel guesses
        see N different counts. Prunes records older than the window."""
        now = _now()
        since = (now - dt.timedelta(minutes=LOCKOUT_MINUTES)).isoformat()
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM failed_logins WHERE at <= ?", (since,))
            (for_name,) = conn.execute("SELECT count(*) FROM failed_logins WHERE name_digest = ? AND address = ?",
                                       (digest, address)).fetchone()
            (for_address,) = conn.execute("SELECT count(*) FROM failed_logins WHERE address = ?",
                                          (address,)).fetchone()
            if for_name >= LOCKOUT_FAILURES or for_address >= ADDRESS_FAILURES:
                conn.execute("COMMIT")
                raise LockedOut(f"Too many failed attempts. Try again in {LOCKOUT_MINUTES} minutes, or ask an "
                                "admin to unlock the account.")
            conn.execute("INSERT INTO failed_logins VALUES (?, ?, ?)", (digest, address, now.isoformat()))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def unlock(self, name: str) -> int:
        """Forget the failed logins for `name` from every address; returns how many were forgotten."""
        return int(self._conn.execute("DELETE FROM failed_logins WHERE name_digest = ?",
                                      (_digest(name[:MAX_NAME]),)).rowcount)

    def failed_login_records(self) -> int:
        """How many failed logins are kept (all within the last LOCKOUT_MINUTES once pruned)."""
        return int(self._conn.execute("SELECT count(*) FROM failed_logins").fetchone()[0])


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD} characters.")
    return password


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
