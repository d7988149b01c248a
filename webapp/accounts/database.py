"""The one small SQLite file (NETMAP_USERS_DB) holding the web app's users, audit log, saved scenarios and
challenges.

Kept apart from the graph store so that it works the same whether the trust's data lives in the embedded
store or in Neo4j.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pandas as pd

from netmap import clock
from netmap.config import Settings
from netmap.errors import StorageError
from netmap.rights.people import Person
from netmap.store.files import create_private_file
from netmap.store.transactions import immediate
from webapp.accounts.audit import AuditLog, people_entries
from webapp.accounts.challenges import SCHEMA as CHALLENGE_SCHEMA
from webapp.accounts.challenges import ChallengeStore
from webapp.accounts.leavers import SCHEMA as LEAVERS_SCHEMA
from webapp.accounts.leavers import LeaverStore
from webapp.accounts.partnership import SCHEMA as PARTNERSHIP_SCHEMA
from webapp.accounts.partnership import PartnershipStore
from webapp.accounts.rights import erase_person_records, records_of_person
from webapp.accounts.scenarios import ScenarioStore
from webapp.accounts.second_factor import SCHEMA as SECOND_FACTOR_SCHEMA
from webapp.accounts.second_factor import SecondFactors
from webapp.accounts.survey_guard import SCHEMA as SURVEY_GUARD_SCHEMA
from webapp.accounts.users import ADDED_COLUMNS, IDENTITY_SCHEMA, UserStore

__all__ = ["Accounts", "forget_snapshot", "record_command"]

SCHEMA_VERSION = 12  # 2: a session key per user; failed logins by name digest and address. 3: led groups, purposes.
# 4: challenges. 5: the audit log chained by hashes (netmap audit verify), with the anchor pruning leaves.
# 6: colleagues a network lead may see by name for a stated purpose. 7: external identities (signing in through the
# trust's identity provider; a new table only). 8: second factors (TOTP, recovery codes), linked staff ids, last
# logins, disabled accounts, leavers. 9: survey links' searches and wrong survey links (survey_guard). 10: wrong
# second-factor codes per account (second_factor_failures); failed logins say whether the name was an account.
# 11: audit entries redacted by a person's erasure (audit_erasures; a new table only). 12: accounts' trusts and
# trusts' consent to the partnership view (user_trusts, partnership_consents; new tables only)
# PRAGMA takes no bound parameters; SCHEMA_VERSION is this module's integer constant, not data.
_SET_SCHEMA_VERSION = "PRAGMA user_version=" + str(int(SCHEMA_VERSION))
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
    "created_at TEXT NOT NULL, session_key TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS failed_logins (name_digest TEXT NOT NULL, address TEXT NOT NULL, at TEXT NOT NULL, "
    "known INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS failed_logins_at ON failed_logins (at)",
    "CREATE TABLE IF NOT EXISTS audit_log (at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, "
    "subject TEXT NOT NULL, purpose TEXT NOT NULL DEFAULT '', hash TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS audit_anchor (hash TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit_erasures (hash TEXT PRIMARY KEY, erasure TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)",
    "CREATE TABLE IF NOT EXISTS user_groups (name TEXT NOT NULL, group_id TEXT NOT NULL, PRIMARY KEY (name, group_id))",
    "CREATE TABLE IF NOT EXISTS user_people (name TEXT NOT NULL, staff_id TEXT NOT NULL, purpose TEXT NOT NULL, "
    "granted_at TEXT NOT NULL, PRIMARY KEY (name, staff_id))",
    "CREATE TABLE IF NOT EXISTS scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL, "
    "snapshot TEXT NOT NULL, changes TEXT NOT NULL, saved_at TEXT NOT NULL)",
    *CHALLENGE_SCHEMA,
    *IDENTITY_SCHEMA,
    *SECOND_FACTOR_SCHEMA,
    *LEAVERS_SCHEMA,
    *SURVEY_GUARD_SCHEMA,
    *PARTNERSHIP_SCHEMA,
)


class Accounts:
    """The file at `path` (created on first use) and its parts: `users`, `audit`, `scenarios`, `challenges`,
    `second_factors`, `leavers` and `partnership` (and the tables of survey_guard.SurveyGuard, which keeps its own
    connection)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            create_private_file(self.path)
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
            self._create_schema()
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"Cannot open the users file {self.path} ({exc}). Check the path is writable, "
                               "or set NETMAP_USERS_DB.") from exc
        self.users = UserStore(self._conn)
        self.audit = AuditLog(self._conn)
        self.scenarios = ScenarioStore(self._conn)
        self.challenges = ChallengeStore(self._conn)
        self.second_factors = SecondFactors(self._conn)
        self.leavers = LeaverStore(self._conn)
        self.partnership = PartnershipStore(self._conn)

    def _create_schema(self) -> None:
        """Create the tables, converting an earlier file in one transaction: version 1 had no session keys and
        kept whole names of failed logins (dropped: they only throttle the next few minutes); version 2 had no
        purposes in the audit log and no led groups; version 4 had no second factors, linked staff ids, last logins,
        disabled accounts or leavers (columns and tables added, each only where missing)."""
        (version,) = self._conn.execute("PRAGMA user_version").fetchone()
        if version == SCHEMA_VERSION:
            return
        with immediate(self._conn):
            columns = [r[1] for r in self._conn.execute("PRAGMA table_info(users)")]
            if columns and "session_key" not in columns:
                self._conn.execute("ALTER TABLE users ADD COLUMN session_key TEXT NOT NULL DEFAULT ''")
            failed = [r[1] for r in self._conn.execute("PRAGMA table_info(failed_logins)")]
            if "name" in failed:
                self._conn.execute("DROP TABLE failed_logins")
            elif failed and "known" not in failed:
                self._conn.execute("ALTER TABLE failed_logins ADD COLUMN known INTEGER NOT NULL DEFAULT 0")
            audit = [r[1] for r in self._conn.execute("PRAGMA table_info(audit_log)")]
            if audit and "purpose" not in audit:
                self._conn.execute("ALTER TABLE audit_log ADD COLUMN purpose TEXT NOT NULL DEFAULT ''")
            if audit and "hash" not in audit:
                self._conn.execute("ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
            for statement in _SCHEMA:
                self._conn.execute(statement)
            users = [r[1] for r in self._conn.execute("PRAGMA table_info(users)")]
            for column, statement in ADDED_COLUMNS:  # version 5's columns; each added only where missing
                if column not in users:
                    self._conn.execute(statement)
            AuditLog(self._conn).seal_unchained()
            self._conn.execute("UPDATE users SET session_key = lower(hex(randomblob(24))) WHERE session_key = ''")
            self._conn.execute(_SET_SCHEMA_VERSION)

    def prune(self, *, audit_days: int, scenario_days: int) -> int:
        """Delete audit entries and saved scenarios older than their retention, and challenges closed longer ago
        than the scenarios' (they name the people invited); returns how many went. Freed pages are overwritten
        (secure_delete) and the write-ahead log emptied."""
        now = clock.now()
        removed = self.audit.delete_before(now - dt.timedelta(days=audit_days))
        removed += self.scenarios.delete_before(now - dt.timedelta(days=scenario_days))
        removed += self.challenges.delete_closed_before((now - dt.timedelta(days=scenario_days)).date())
        if removed:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def forget_snapshot(self, snapshot_id: str) -> int:
        """Delete the saved scenarios of a forgotten snapshot (they name its staff); returns how many."""
        removed = self.scenarios.delete_of_snapshot(snapshot_id)
        if removed:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def person_records(self, person: Person) -> dict[str, pd.DataFrame]:
        """What this file holds about `person` (webapp.accounts.rights), for a subject access export."""
        return records_of_person(self._conn, person)

    def erase_person(self, person: Person) -> dict[str, int]:
        """Erase `person` from this file (webapp.accounts.rights); how many rows of each kind went."""
        return erase_person_records(self._conn, person)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def forget_snapshot(settings: Settings, snapshot_id: str) -> str:
    """`netmap forget`'s hook (entry point netmap.forgetting): the users file's share of forgetting a snapshot,
    named by its id."""
    if not settings.users_db_path.exists():
        return ""
    with Accounts(settings.users_db_path) as accounts:
        removed = accounts.forget_snapshot(snapshot_id)
        accounts.audit.record("cli", "snapshot forgotten", f"{snapshot_id} and {removed} saved scenario(s)")
    return f"Deleted {removed} saved scenario(s) of snapshot {snapshot_id} from {settings.users_db_path}."


def record_command(settings: Settings, who: str, action: str, subject: str, people: list[str]) -> None:
    """`netmap`'s audit hook (entry point netmap.auditing): a command that handed out or wrote named data (survey
    links, who has not answered, a round closed) is recorded in the same audit log as the web app's actions, with
    whose data it was."""
    with Accounts(settings.users_db_path) as accounts:
        for entry in people_entries(subject, people) if people else [subject]:
            accounts.audit.record(who, action, entry)
