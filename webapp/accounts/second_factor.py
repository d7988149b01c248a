"""Local accounts' second factor: an authenticator app's six-digit codes (TOTP, RFC 6238, through pyotp) and
one-use recovery codes.

The TOTP secret is kept in the users file as it is, not hashed: checking a code means computing it from the secret
(an HMAC of the time), so the server needs the secret itself, as every TOTP server does. The file is created
readable by its owner only and deletes with secure_delete; someone who copies it has the secrets, which is why an
admin resets every second factor (`netmap users reset-mfa`) after such a leak. Recovery codes need only be
recognised, so only their werkzeug hashes are kept; they are shown once, when made. Being random (about 50 bits
each), they need no slow password hash: PBKDF2 with RECOVERY_HASH's 10,000 rounds makes guessing one from a copied
file take years, while checking all ten at a login takes milliseconds (scrypt's would take seconds).

A code is accepted for the current 30-second step or the one either side (a phone's clock a little off), and only
for a step later than the last one accepted for that user, so a code seen over someone's shoulder cannot be used
again. Wrong codes are counted per account, in their own table that a correct password never clears: CODE_FAILURES
wrong codes within CODE_LOCKOUT_MINUTES lock the second step of that account (from every address) until the
window passes, a right code is given before then, or an admin resets the second factor or unlocks the account.
Each attempt counts, checks and records in one write transaction, so parallel guesses cannot all slip under the
limit; codes are only checked through `attempt` and `attempt_enrolment`, never unthrottled.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from collections.abc import Callable
from typing import TypeVar

import pyotp
from werkzeug.security import check_password_hash, generate_password_hash

from netmap import clock
from netmap.errors import AccountError
from netmap.store.transactions import immediate
from webapp.accounts.users import LockedOut

__all__ = ["CODE_FAILURES", "CODE_LOCKOUT_MINUTES", "DRIFT_STEPS", "RECOVERY_CODES", "SCHEMA", "STEP_SECONDS",
           "SecondFactors", "provisioning_uri"]

SCHEMA = ("CREATE TABLE IF NOT EXISTS recovery_codes (name TEXT NOT NULL, code_hash TEXT NOT NULL)",
          "CREATE INDEX IF NOT EXISTS recovery_codes_name ON recovery_codes (name)",
          "CREATE TABLE IF NOT EXISTS second_factor_failures (name TEXT NOT NULL, at TEXT NOT NULL)",
          "CREATE INDEX IF NOT EXISTS second_factor_failures_name ON second_factor_failures (name)")
CODE_FAILURES = 5          # wrong codes for one account, from any address, ...
CODE_LOCKOUT_MINUTES = 15  # ... within this long lock its second step
STEP_SECONDS = 30     # pyotp's and every authenticator app's default period
DRIFT_STEPS = 1       # codes of this many steps either side of now are accepted too
RECOVERY_CODES = 10   # made at enrolment, each usable once
RECOVERY_HASH = "pbkdf2:sha256:10000"
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_NO_USER = "No user called {!r}. List users with `netmap users list`."
_T = TypeVar("_T")


def provisioning_uri(secret: str, name: str) -> str:
    """The otpauth:// address an authenticator app reads from the enrolment page's QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="netmap")


class SecondFactors:
    """TOTP secrets (columns of the users table) and recovery codes on an open accounts connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def is_enrolled(self, name: str) -> bool:
        row = self._conn.execute("SELECT totp_secret FROM users WHERE name = ?", (name,)).fetchone()
        return bool(row and row[0])

    def pending_secret(self, name: str) -> str:
        """The secret `name` is enrolling with, made (and kept, so that reloading the page shows the same QR code)
        on first asking."""
        row = self._conn.execute("SELECT totp_pending FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(_NO_USER.format(name))
        if row[0]:
            return str(row[0])
        secret = pyotp.random_base32()
        self._conn.execute("UPDATE users SET totp_pending = ? WHERE name = ?", (secret, name))
        return secret

    def attempt(self, name: str, code: str, at: float | None = None) -> str | None:
        """What `code` was, "authenticator code" or "recovery code", when it is right and unused (see _verify);
        None when wrong (counted). LockedOut, before `code` is checked, while `name`'s second step is locked."""
        return self._throttled(name, lambda: self._verify(name, code, at))

    def attempt_enrolment(self, name: str, code: str, at: float | None = None) -> list[str] | None:
        """Finish enrolment when `code` is right (see _confirm) and return the new recovery codes; None when wrong
        (counted). LockedOut, before `code` is checked, while `name`'s second step is locked."""
        return self._throttled(name, lambda: self._confirm(name, code, at))

    def _throttled(self, name: str, check: Callable[[], _T | None]) -> _T | None:
        """Count `name`'s recent wrong codes, refuse when there are CODE_FAILURES, else run `check` and record a
        wrong code or forget them all after a right one: in one write transaction, so N parallel attempts see N
        different counts. Prunes wrong codes older than the window."""
        now = clock.now()
        since = (now - dt.timedelta(minutes=CODE_LOCKOUT_MINUTES)).isoformat()
        with immediate(self._conn, keep_on=(LockedOut,)) as conn:  # a refusal keeps the pruning
            conn.execute("DELETE FROM second_factor_failures WHERE at <= ?", (since,))
            (wrong,) = conn.execute("SELECT count(*) FROM second_factor_failures WHERE name = ?", (name,)).fetchone()
            if wrong >= CODE_FAILURES:
                raise LockedOut(f"Too many wrong codes. Try again in {CODE_LOCKOUT_MINUTES} minutes, or ask an "
                                "admin to unlock the account.")
            result = check()
            if result is None:
                conn.execute("INSERT INTO second_factor_failures VALUES (?, ?)", (name, now.isoformat()))
            else:
                conn.execute("DELETE FROM second_factor_failures WHERE name = ?", (name,))
        return result

    def _confirm(self, name: str, code: str, at: float | None = None) -> list[str] | None:
        """Finish enrolment when `code` is right for the pending secret: the secret becomes `name`'s second factor
        and the new recovery codes are returned (the only time they are readable). None when the code is wrong.
        Runs inside _throttled's transaction."""
        row = self._conn.execute("SELECT totp_pending, totp_last_step FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(_NO_USER.format(name))
        pending, last_step = row
        if not pending:
            raise AccountError(f"{name} has no enrolment under way; open the enrolment page again.")
        step = _matching_step(pending, code, at)
        if step is None or step <= last_step:
            return None
        codes = ["-".join((c[:5], c[5:])) for c in (_recovery_code() for _ in range(RECOVERY_CODES))]
        conn = self._conn
        conn.execute("UPDATE users SET totp_secret = totp_pending, totp_pending = '', totp_last_step = ? "
                     "WHERE name = ?", (step, name))
        conn.execute("DELETE FROM recovery_codes WHERE name = ?", (name,))
        conn.executemany("INSERT INTO recovery_codes VALUES (?, ?)",
                         ((name, generate_password_hash(_normalised(c), RECOVERY_HASH)) for c in codes))
        return codes

    def _verify(self, name: str, code: str, at: float | None = None) -> str | None:
        """What `code` was, "authenticator code" or "recovery code", when it is right and unused (a recovery code
        is then spent, an authenticator code's step and all before it too); None otherwise. Runs inside
        _throttled's transaction."""
        text = _normalised(code)
        if text.isdigit():
            row = self._conn.execute("SELECT totp_secret, totp_last_step FROM users WHERE name = ?",
                                     (name,)).fetchone()
            if not row or not row[0]:
                return None
            step = _matching_step(row[0], text, at)
            # the WHERE makes accepting a step and recording it one statement: two parallel uses cannot both pass
            if step is not None and self._conn.execute(
                    "UPDATE users SET totp_last_step = ? WHERE name = ? AND totp_last_step < ?",
                    (step, name, step)).rowcount:
                return "authenticator code"
            return None
        for rowid, code_hash in self._conn.execute("SELECT rowid, code_hash FROM recovery_codes WHERE name = ?",
                                                   (name,)).fetchall():
            if check_password_hash(code_hash, text):
                if self._conn.execute("DELETE FROM recovery_codes WHERE rowid = ?", (rowid,)).rowcount:
                    return "recovery code"
        return None

    def recovery_codes_left(self, name: str) -> int:
        return int(self._conn.execute("SELECT count(*) FROM recovery_codes WHERE name = ?", (name,)).fetchone()[0])

    def reset(self, name: str) -> None:
        """Forget `name`'s second factor, recovery codes and wrong codes and end their sessions: they enrol again at
        their next login (a lost phone, or a copied users file)."""
        if self._conn.execute("UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0, "
                              "session_key = ? WHERE name = ?", (secrets.token_urlsafe(24), name)).rowcount == 0:
            raise AccountError(_NO_USER.format(name))
        self._conn.execute("DELETE FROM recovery_codes WHERE name = ?", (name,))
        self._conn.execute("DELETE FROM second_factor_failures WHERE name = ?", (name,))


def _matching_step(secret: str, code: str, at: float | None) -> int | None:
    """The time step, within DRIFT_STEPS of `at` (default now), whose code `code` is; None if none is."""
    text = _normalised(code)
    if len(text) != 6 or not text.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = int((clock.now().timestamp() if at is None else at) // STEP_SECONDS)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), text):
            return step
    return None


def _recovery_code() -> str:
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))  # about 50 bits


def _normalised(code: str) -> str:
    """A code as typed, without spaces or dashes, in lower case (so "ABCDE FGHIJ" is "abcdefghij")."""
    return "".join(code.split()).replace("-", "").lower()[:64]
