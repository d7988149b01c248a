"""The users file's share of a person's rights (netmap.rights): what it holds about one person, for a subject
access export, and erasing them from it.

A person is found here by their staff id (an account linked to it, a grant naming them, a leaver record,
challenge invitations and offers) and, in free text (the audit log's user and subject, saved scenarios), by their
id, any name and any email address they were held under, matched as whole words whatever the case.

Erasure deletes every row about them, their account with everything of it, and replaces them in the audit log by
a digest under a key made for this erasure and then thrown away: the entries still show that someone's page was
viewed, and which entries were about the same erased person, but nobody can tell who. The audit chain is kept
verifiable: each redacted entry keeps its link hash and is listed in audit_erasures under an erasure id (a
digest of those hashes) that a chained "person erased" entry names, so `netmap audit verify` accepts exactly those
entries and still catches any other change (webapp.accounts.audit).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from collections.abc import Iterable

import pandas as pd

from netmap.config import Settings
from netmap.rights.people import Person
from netmap.store.transactions import immediate

__all__ = ["ERASED_ACTION", "erase_person", "erase_person_records", "person_records", "records_of_person"]

ERASED_ACTION = "person erased"


def _pattern(person: Person) -> re.Pattern[str]:
    """Any of the person's identifiers as a whole word (not S1 inside S12): their staff id as written (ids are
    case-sensitive), their names and email addresses whatever the case."""
    words = sorted({w for w in (*person.names, *person.emails) if w}, key=len, reverse=True)
    alternatives = [rf"(?-i:{re.escape(person.staff_id)})", *map(re.escape, words)]
    return re.compile("|".join(rf"(?<![\w@.-])(?:{w})(?![\w@-])" for w in alternatives), re.IGNORECASE)


def _accounts_of(conn: sqlite3.Connection, person: Person) -> list[str]:
    """The accounts that are this person's: linked to their staff id, or named by their email or name."""
    found = _pattern(person)
    rows = conn.execute("SELECT name, staff_id FROM users ORDER BY name").fetchall()
    return [name for name, staff_id in rows if staff_id == person.staff_id or found.fullmatch(name)]


def records_of_person(conn: sqlite3.Connection, person: Person) -> dict[str, pd.DataFrame]:
    """What the users file holds about `person`, table by table (empty ones left out). Who viewed their data
    is given by the account's role, not its name: the viewer's name is a third party's data."""
    found = _pattern(person)
    mine = _accounts_of(conn, person)
    roles = dict(conn.execute("SELECT name, role FROM users").fetchall())
    tables = {
        "account": pd.DataFrame(
            [r for r in conn.execute("SELECT name, role, staff_id, created_at, last_login_at, disabled, "
                                     "totp_secret != '' FROM users ORDER BY name") if r[0] in mine],
            columns=["account", "role", "linked_staff_id", "created_at", "last_login_at", "disabled",
                     "second_factor"]),
        "access_grants": pd.DataFrame(
            [(roles.get(n, "former account"), p, at) for n, p, at in conn.execute(
                "SELECT name, purpose, granted_at FROM user_people WHERE staff_id = ? ORDER BY granted_at",
                (person.staff_id,))], columns=["granted_to_role", "purpose", "granted_at"]),
        "leaver_record": pd.DataFrame(conn.execute("SELECT left_on, recorded_at FROM leavers WHERE staff_id = ?",
                                                   (person.staff_id,)).fetchall(), columns=["left_on", "recorded_at"]),
        "challenge_invitations": pd.DataFrame(conn.execute(
            "SELECT challenge_id, invited_at, expires_at, revoked_at FROM challenge_invites WHERE staff_id = ? "
            "ORDER BY invited_at", (person.staff_id,)).fetchall(),
            columns=["challenge_id", "invited_at", "expires_at", "revoked_at"]),
        "challenge_answers": pd.DataFrame(conn.execute(
            "SELECT challenge_id, answer, message, answered_at FROM challenge_offers WHERE staff_id = ?",
            (person.staff_id,)).fetchall(), columns=["challenge_id", "answer", "message", "answered_at"]),
        "audit_log": pd.DataFrame(
            [(at, user if user in mine else roles.get(user, "command line" if user.startswith("cli") else "other"),
              action, subject, purpose)
             for at, user, action, subject, purpose in conn.execute(
                 "SELECT at, user, action, subject, purpose FROM audit_log ORDER BY rowid")
             if found.search(user) or found.search(subject)],
            columns=["at", "by", "action", "subject", "purpose"]),
    }
    return {name: frame for name, frame in tables.items() if len(frame)}


def _name_digest(name: str) -> str:
    """As webapp.accounts.users keeps failed-login names."""
    return hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()[:32]


# Everything of an account, by its name
_DELETE_ACCOUNT = ("DELETE FROM user_groups WHERE name = ?", "DELETE FROM user_people WHERE name = ?",
                   "DELETE FROM recovery_codes WHERE name = ?", "DELETE FROM second_factor_failures WHERE name = ?",
                   "DELETE FROM external_identities WHERE name = ?", "DELETE FROM users WHERE name = ?")
# Everything that names the person by staff id
_DELETE_BY_STAFF_ID = ("DELETE FROM user_people WHERE staff_id = ?", "DELETE FROM leavers WHERE staff_id = ?",
                       "DELETE FROM challenge_invites WHERE staff_id = ?",
                       "DELETE FROM challenge_offers WHERE staff_id = ?",
                       "DELETE FROM challenge_ties WHERE source = ? OR target = ? OR recorded_by = ?")


def erase_person_records(conn: sqlite3.Connection, person: Person) -> dict[str, int]:
    """Erase `person` from the users file in one transaction (see the module's docstring); returns how many
    rows of each kind went or were redacted. Freed pages are overwritten (secure_delete) and the write-ahead log
    emptied, so the file keeps no byte of them."""
    found = _pattern(person)
    key = secrets.token_bytes(32)  # this erasure's own, never kept: the digests below cannot be traced back
    marker = "[erased person " + hmac.new(key, person.staff_id.encode(), "sha256").hexdigest()[:16] + "]"
    done: dict[str, int] = {}
    with immediate(conn):
        accounts = _accounts_of(conn, person)
        for name in accounts:
            for sql in _DELETE_ACCOUNT:
                conn.execute(sql, (name,))
        done["accounts"] = len(accounts)
        for sql in _DELETE_BY_STAFF_ID:
            done[sql.split()[2]] = conn.execute(sql, (person.staff_id,) * sql.count("?")).rowcount
        typed = [_name_digest(n) for n in {*accounts, *person.emails, *person.names, person.staff_id}]
        done["failed_logins"] = sum(conn.execute("DELETE FROM failed_logins WHERE name_digest = ?", (d,)).rowcount
                                    for d in typed)
        scenarios = [i for i, changes in conn.execute("SELECT id, changes FROM scenarios") if found.search(changes)]
        for scenario in scenarios:
            conn.execute("DELETE FROM scenarios WHERE id = ?", (scenario,))
        done["scenarios"] = len(scenarios)
        done["audit entries redacted"] = _redact_audit(conn, found, marker)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return done


def _redact_audit(conn: sqlite3.Connection, found: re.Pattern[str], marker: str) -> int:
    """Replace the person in the audit log's user and subject by `marker`, keep each entry's link hash, list
    those hashes under one erasure id in audit_erasures and chain a "person erased" entry naming that id."""
    from webapp.accounts.audit import AuditLog  # the same connection, inside the caller's transaction

    rows = [(rowid, user, subject, kept) for rowid, user, subject, kept in conn.execute(
        "SELECT rowid, user, subject, hash FROM audit_log ORDER BY rowid")
        if found.search(user) or found.search(subject)]
    if not rows:
        return 0
    erasure = erasure_id(kept for *_, kept in rows)
    for rowid, user, subject, kept in rows:
        conn.execute("UPDATE audit_log SET user = ?, subject = ? WHERE rowid = ?",
                     (found.sub(marker, user), found.sub(marker, subject), rowid))
        conn.execute("INSERT INTO audit_erasures VALUES (?, ?)", (kept, erasure))
    AuditLog(conn).record("cli", ERASED_ACTION, f"{marker}: {len(rows)} audit entries redacted (erasure {erasure})")
    return len(rows)


def erasure_id(hashes: Iterable[str]) -> str:
    """The id of an erasure: a digest of the link hashes of the entries it redacted, so that no entry can be
    added to it or taken from it afterwards without `verify` noticing."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()[:32]


def person_records(settings: Settings, person: Person) -> dict[str, pd.DataFrame]:
    """The netmap.person_records hook: what the users file holds about `person` (nothing when there is none)."""
    from webapp.accounts.database import Accounts

    if not settings.users_db_path.exists():
        return {}
    with Accounts(settings.users_db_path) as accounts:
        return accounts.person_records(person)


def erase_person(settings: Settings, person: Person) -> str:
    """The netmap.person_erasure hook: erase `person` from the users file; one line saying what went."""
    from webapp.accounts.database import Accounts

    if not settings.users_db_path.exists():
        return ""
    with Accounts(settings.users_db_path) as accounts:
        done = accounts.erase_person(person)
    said = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in done.items() if n) or "nothing held"
    return f"Users file {settings.users_db_path}: {said}."
