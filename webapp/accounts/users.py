"""Web users, their roles, their sessions' key, and failed-login throttling.

Passwords are hashed with werkzeug (scrypt at werkzeug's cost; the test suite declares a cheaper method through
NETMAP_TEST_PASSWORD_HASH). Each user has a random session key that every session cookie
carries: logging out, a new password, a new role or removal changes or deletes it, which ends every session
of that user at once (a copied cookie included). Re-adding a removed name gets a new key, so old cookies stay
dead.

Throttling counts failed logins per user name and client address, so that someone elsewhere cannot lock the
admin out, and, for names that are not accounts, per address, so that one machine cannot try many names. The
per-address cap never locks an account: one person behind a school's shared address cannot lock out the school.
Once an address is over it, every wrong answer from there reads as a lock, for names that exist and names that do
not alike, and costs one password check either way, so the cap tells nobody which names are accounts. An attempt
is recorded before its password is checked, in one transaction with the count, so parallel guesses cannot all
slip under the limit; names are kept only as a digest, and records older than the window are pruned on every
attempt.

Someone who signs in through the trust's identity provider (webapp.oidc) is kept as an external identity (the
provider's issuer and subject) with no password: their role and led groups are set from the role map at every
sign-in, never by hand.
An account may be linked to a staff id (so that it closes when the trust's data says the person has left), keeps
the time of its last login (so that an admin sees accounts nobody uses) and may be disabled, with the reason; a
disabled account's sessions end and it cannot log in until `netmap users enable`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import sqlite3
from dataclasses import dataclass, field

from werkzeug.security import check_password_hash, generate_password_hash

from netmap import clock
from netmap.config import read_settings
from netmap.errors import AccountError
from netmap.store.transactions import immediate

__all__ = ["ADDED_COLUMNS", "ADDRESS_FAILURES", "IDENTITY_SCHEMA", "LOCKOUT_FAILURES", "LOCKOUT_MINUTES",
           "MIN_PASSWORD", "ROLES", "LockedOut", "User", "UserStore"]

ROLES = ("admin", "hr", "ceo", "network-lead")
LOCKOUT_FAILURES = 5    # failed logins for one name from one address ...
ADDRESS_FAILURES = 20   # ... or for names that are not accounts from one address ...
LOCKOUT_MINUTES = 15    # ... within this long lock that name there, or that address to all but right passwords
MIN_PASSWORD = 12
MAX_NAME = 150          # longer names are refused before anything is stored
# Schema version 5's columns of the users table, each with the statement that adds it to an earlier file (run by
# Accounts only where the column is missing): whole literal statements, so no query is ever built from strings.
ADDED_COLUMNS = (
    ("staff_id", "ALTER TABLE users ADD COLUMN staff_id TEXT NOT NULL DEFAULT ''"),
    ("last_login_at", "ALTER TABLE users ADD COLUMN last_login_at TEXT NOT NULL DEFAULT ''"),
    ("disabled", "ALTER TABLE users ADD COLUMN disabled TEXT NOT NULL DEFAULT ''"),
    ("totp_secret", "ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT ''"),
    ("totp_pending", "ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT ''"),
    ("totp_last_step", "ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0"),
)
# The columns every User is read from (see _user), in the three ways users are listed
_SELECT_USER = ("SELECT name, role, session_key, staff_id, disabled, totp_secret != '', last_login_at, created_at "
                "FROM users WHERE name = ?")
_SELECT_USERS = ("SELECT name, role, session_key, staff_id, disabled, totp_secret != '', last_login_at, created_at "
                 "FROM users ORDER BY name")
_SELECT_UNUSED = ("SELECT name, role, session_key, staff_id, disabled, totp_secret != '', last_login_at, created_at "
                  "FROM users WHERE (CASE last_login_at WHEN '' THEN created_at ELSE last_login_at END) < ? "
                  "ORDER BY name")
NO_PASSWORD = ""        # the password hash of someone who signs in through the identity provider: matches nothing
IDENTITY_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS external_identities (issuer TEXT NOT NULL, subject TEXT NOT NULL, "
    "name TEXT NOT NULL UNIQUE, PRIMARY KEY (issuer, subject))",
)


@dataclass(frozen=True)
class User:
    """An account as read from the users file. `disabled` is the reason it is disabled ("" while usable);
    `last_login_at` is "" until the first login."""

    name: str
    role: str
    session_key: str = field(default="", repr=False, compare=False)
    staff_id: str = field(default="", compare=False)
    disabled: str = field(default="", compare=False)
    has_second_factor: bool = field(default=False, compare=False)
    last_login_at: str = field(default="", compare=False)
    created_at: str = field(default="", compare=False)


class LockedOut(AccountError):
    """Too many failed logins for this name from this address, or from this address."""



def _hashed(password: str) -> str:
    """`password` hashed with the method the settings declare (scrypt, unless the tests chose a cheap one)."""
    return generate_password_hash(password, read_settings().password_hash)


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked when a name is unknown, so that an unknown name costs as long as a known one (no user enumeration)."""
    return generate_password_hash(secrets.token_urlsafe(16), method)


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:32]


class UserStore:
    """Users and failed logins on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, name: str, role: str, password: str | None = None, staff_id: str = "") -> str:
        """Add a user, linked to `staff_id` if given; returns the password (a new random one when none is given)."""
        _check_role(role)
        if not name.strip() or len(name) > MAX_NAME:
            raise AccountError(f"A user name needs 1 to {MAX_NAME} characters.")
        password = _checked_password(password or secrets.token_urlsafe(12))
        try:
            self._conn.execute("INSERT INTO users (name, role, password_hash, created_at, session_key, staff_id) "
                               "VALUES (?, ?, ?, ?, ?, ?)", (name, role, _hashed(password),
                                                             clock.now().isoformat(), secrets.token_urlsafe(24),
                                                             _checked_staff_id(staff_id)))
        except sqlite3.IntegrityError:
            raise AccountError(f"There is already a user called {name!r}; choose another name, or change their "
                               "password with `netmap users set-password`.") from None
        return password

    def remove(self, name: str) -> None:
        if self._conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")
        self._conn.execute("DELETE FROM user_groups WHERE name = ?", (name,))
        self._conn.execute("DELETE FROM user_people WHERE name = ?", (name,))
        self._conn.execute("DELETE FROM external_identities WHERE name = ?", (name,))
        self._conn.execute("DELETE FROM recovery_codes WHERE name = ?", (name,))
        self._conn.execute("DELETE FROM second_factor_failures WHERE name = ?", (name,))
        self._conn.execute("DELETE FROM user_trusts WHERE name = ?", (name,))

    def set_groups(self, name: str, groups: list[str]) -> None:
        """The expert networks and subject communities `name` leads (a network lead sees their members by name)."""
        if self.get(name) is None:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")
        self._refuse_external(name, "the groups they lead")
        self._set_groups(name, groups)

    def _set_groups(self, name: str, groups: list[str] | tuple[str, ...]) -> None:
        self._conn.execute("DELETE FROM user_groups WHERE name = ?", (name,))
        self._conn.executemany("INSERT OR IGNORE INTO user_groups VALUES (?, ?)", ((name, g) for g in groups))

    def groups_of(self, name: str) -> list[str]:
        """The groups `name` leads, sorted."""
        return [g for (g,) in self._conn.execute("SELECT group_id FROM user_groups WHERE name = ? ORDER BY group_id",
                                                 (name,))]

    def set_people(self, name: str, staff_ids: list[str], purpose: str) -> None:
        """The colleagues outside their groups a network lead may see by name, each for a stated purpose (e.g. a
        disconnected colleague they were asked to support); replaces the earlier list (empty: nobody)."""
        if self.get(name) is None:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")
        if staff_ids and len(purpose.strip()) < 10:
            raise AccountError("Say why this lead needs to see these colleagues by name (--purpose, at least 10 "
                               "characters), e.g. 'support to connect with the maths network'.")
        self._conn.execute("DELETE FROM user_people WHERE name = ?", (name,))
        self._conn.executemany("INSERT OR IGNORE INTO user_people VALUES (?, ?, ?, ?)",
                               ((name, person, purpose.strip(), clock.now().isoformat()) for person in staff_ids))

    def people_of(self, name: str) -> dict[str, str]:
        """The colleagues outside their groups `name` may see by name, each with its purpose."""
        return dict(self._conn.execute("SELECT staff_id, purpose FROM user_people WHERE name = ? ORDER BY staff_id",
                                       (name,)).fetchall())

    def set_role(self, name: str, role: str) -> None:
        """Change the role; the user's sessions end, so the new role applies from their next login."""
        _check_role(role)
        self._refuse_external(name, "their role and groups")
        self._update(name, "UPDATE users SET role = ?, session_key = ? WHERE name = ?",
                     (role, secrets.token_urlsafe(24), name))

    def set_password(self, name: str, password: str | None = None) -> str:
        """Set a new password (a random one when none is given) and end the user's sessions; returns it."""
        self._refuse_external(name, "password")
        password = _checked_password(password or secrets.token_urlsafe(12))
        self._update(name, "UPDATE users SET password_hash = ?, session_key = ? WHERE name = ?",
                     (_hashed(password), secrets.token_urlsafe(24), name))
        self.unlock(name)
        return password

    def issuer_of(self, name: str) -> str | None:
        """The identity provider `name` signs in through; None for a local account."""
        row = self._conn.execute("SELECT issuer FROM external_identities WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def _refuse_external(self, name: str, what: str) -> None:
        """AccountError when `name` signs in through the identity provider: `what` is set there, not here."""
        issuer = self.issuer_of(name)
        if issuer and what == "password":
            raise AccountError(f"{name} signs in through {issuer} and has no password here; their password is "
                               "managed there.")
        if issuer:
            raise AccountError(f"{name} signs in through {issuer}: {what} come from the role map "
                               "(NETMAP_OIDC_ROLE_MAP) at each sign-in; change the map, or their groups there.")

    def sign_in_external(self, issuer: str, subject: str, name: str, role: str, leads: tuple[str, ...]) -> User:
        """Record a sign-in through the identity provider: the account of (`issuer`, `subject`), made on first
        sign-in under `name`, with the role and led groups this sign-in gives. A changed role ends the person's
        other sessions. AccountError when `name` is a local account's or another identity's."""
        _check_role(role)
        with immediate(self._conn) as conn:
            row = conn.execute("SELECT name FROM external_identities WHERE issuer = ? AND subject = ?",
                               (issuer, subject)).fetchone()
            if row:
                name = row[0]
            elif conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"There is already an account called {name!r} that does not sign in through "
                                   f"{issuer}; an admin can remove it (`netmap users remove {name}`) so that it "
                                   "is made anew at the next sign-in.")
            else:
                conn.execute("INSERT INTO users (name, role, password_hash, created_at, session_key) "
                             "VALUES (?, ?, ?, ?, ?)", (name, role, NO_PASSWORD, clock.now().isoformat(),
                                                        secrets.token_urlsafe(24)))
                conn.execute("INSERT INTO external_identities VALUES (?, ?, ?)", (issuer, subject, name))
            conn.execute("UPDATE users SET role = ?, session_key = ? WHERE name = ? AND role != ?",
                         (role, secrets.token_urlsafe(24), name, role))
            self._set_groups(name, leads)
        user = self.get(name)
        assert user is not None  # made or found in the transaction above
        return user

    def link(self, name: str, staff_id: str) -> None:
        """Link `name` to the trust's `staff_id` ("" unlinks): the account closes when that person has left."""
        self._update(name, "UPDATE users SET staff_id = ? WHERE name = ?", (_checked_staff_id(staff_id), name))

    def disable(self, name: str, reason: str) -> bool:
        """Disable `name` for `reason` and end their sessions; True if it was usable until now (so that the caller
        records it once), False if it was already disabled."""
        if self.get(name) is None:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")
        return bool(self._conn.execute("UPDATE users SET disabled = ?, session_key = ? WHERE name = ? AND "
                                       "disabled = ''", (reason[:200], secrets.token_urlsafe(24), name)).rowcount)

    def enable(self, name: str) -> None:
        """Let a disabled account log in again (one closed because its person left closes again while the
        trust's data still says so: unlink it first if the link was wrong)."""
        self._update(name, "UPDATE users SET disabled = '' WHERE name = ?", (name,))

    def record_login(self, name: str) -> None:
        """Keep the time of `name`'s login, for the review of accounts nobody uses."""
        self._update(name, "UPDATE users SET last_login_at = ? WHERE name = ?", (clock.now().isoformat(), name))

    def unused(self, days: int) -> list[User]:
        """Accounts nobody has logged in to for `days` days (never-used ones counted from their creation)."""
        since = (clock.now() - dt.timedelta(days=days)).isoformat()
        return [_user(r) for r in self._conn.execute(_SELECT_UNUSED, (since,))]

    def end_sessions(self, name: str) -> None:
        """End every session of `name` (logging out does this: a copied cookie dies with the real one)."""
        self._update(name, "UPDATE users SET session_key = ? WHERE name = ?", (secrets.token_urlsafe(24), name))

    def _update(self, name: str, statement: str, parameters: tuple[str, ...]) -> None:
        if self._conn.execute(statement, parameters).rowcount == 0:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")

    def get(self, name: str) -> User | None:
        row = self._conn.execute(_SELECT_USER, (name,)).fetchone()
        return _user(row) if row else None

    def all_users(self) -> list[User]:
        """Every user, by name."""
        return [_user(r) for r in self._conn.execute(_SELECT_USERS)]

    def authenticate(self, name: str, password: str, address: str = "") -> User | None:
        """The user when the password is right; None when wrong; LockedOut, before any password is checked, when
        this name from this address has failed too often within LOCKOUT_MINUTES, and, after it, instead of None
        while this address has failed ADDRESS_FAILURES times with names that are not accounts."""
        name, address = name[:MAX_NAME], address[:64]
        row = self._conn.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        address_locked = self._record_attempt(_digest(name), address, known=row is not None)
        stored = row[0] if row and row[0] else _dummy_hash(read_settings().password_hash)  # as slow when unknown
        right = check_password_hash(stored, password)
        if not (row and row[0] != NO_PASSWORD and right):
            if address_locked:  # the same answer whether the name is an account or not
                raise LockedOut("Wrong user name or password, and too many failed logins have come from this "
                                f"address in the last {LOCKOUT_MINUTES} minutes: check both carefully, or ask an "
                                "admin.")
            return None  # the attempt stays recorded as a failure
        self._conn.execute("DELETE FROM failed_logins WHERE name_digest = ? AND address = ?", (_digest(name), address))
        return self.get(name)

    def _record_attempt(self, digest: str, address: str, known: bool) -> bool:
        """Count recent failures and record this attempt as one (`known`: its name is an account), in one write
        transaction: N parallel guesses see N different counts. LockedOut when this name from this address is over
        LOCKOUT_FAILURES; True when this address is over ADDRESS_FAILURES with names that are not accounts (an
        attempt with such a name is then not recorded: it is refused anyway). Prunes records older than the
        window."""
        now = clock.now()
        since = (now - dt.timedelta(minutes=LOCKOUT_MINUTES)).isoformat()
        with immediate(self._conn, keep_on=(LockedOut,)) as conn:  # a refusal keeps the pruning
            conn.execute("DELETE FROM failed_logins WHERE at <= ?", (since,))
            (for_name,) = conn.execute("SELECT count(*) FROM failed_logins WHERE name_digest = ? AND address = ?",
                                       (digest, address)).fetchone()
            (for_address,) = conn.execute("SELECT count(*) FROM failed_logins WHERE address = ? AND known = 0",
                                          (address,)).fetchone()
            if for_name >= LOCKOUT_FAILURES:
                raise _locked()
            address_locked = bool(for_address >= ADDRESS_FAILURES)
            if known or not address_locked:
                conn.execute("INSERT INTO failed_logins VALUES (?, ?, ?, ?)",
                             (digest, address, now.isoformat(), int(known)))
        return address_locked

    def unlock(self, name: str) -> int:
        """Forget the failed logins for `name` from every address, and its wrong second-factor codes
        (webapp.accounts.second_factor); returns how many were forgotten."""
        passwords = self._conn.execute("DELETE FROM failed_logins WHERE name_digest = ?", (_digest(name[:MAX_NAME]),))
        codes = self._conn.execute("DELETE FROM second_factor_failures WHERE name = ?", (name,))
        return int(passwords.rowcount + codes.rowcount)

    def failed_login_records(self) -> int:
        """How many failed logins are kept (all within the last LOCKOUT_MINUTES once pruned)."""
        return int(self._conn.execute("SELECT count(*) FROM failed_logins").fetchone()[0])


def _locked() -> LockedOut:
    return LockedOut(f"Too many failed attempts. Try again in {LOCKOUT_MINUTES} minutes, or ask an admin to unlock "
                     "the account.")


def _checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD} characters.")
    return password


def _user(row: tuple[str, str, str, str, str, int, str, str]) -> User:
    """A User from a row of _SELECT_USER's columns."""
    name, role, key, staff_id, disabled, has_second_factor, last_login_at, created_at = row
    return User(name, role, key, staff_id, disabled, bool(has_second_factor), last_login_at, created_at)


def _checked_staff_id(staff_id: str) -> str:
    staff_id = staff_id.strip()
    if len(staff_id) > MAX_NAME or any(not c.isprintable() for c in staff_id):
        raise AccountError(f"A staff id is the staff_id of staff.csv: up to {MAX_NAME} printable characters.")
    return staff_id


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
