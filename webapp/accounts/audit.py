"""The audit log: who viewed or downloaded person-level data, and when."""

from __future__ import annotations

import datetime as dt
import sqlite3

__all__ = ["AuditLog"]

# One fixed statement: an empty filter value matches every row, so no query text is ever built from arguments.
_SELECT_RECORDS = ("SELECT at, user, action, subject, purpose FROM audit_log "
                   "WHERE (? = '' OR user = ?) AND (? = '' OR action = ?) AND (? = '' OR at >= ?) "
                   "AND (? = '' OR at < ?) ORDER BY at DESC LIMIT ?")


class AuditLog:
    """Audit records on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def record(self, user: str, action: str, subject: str, purpose: str = "") -> None:
        """Record that `user` did `action` (a view, a download, a login, a change) on `subject`, for `purpose`."""
        self._conn.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)",
                           (dt.datetime.now(dt.UTC).isoformat(), user, action, subject[:500], purpose[:200]))

    def entries(self, limit: int = 1000) -> list[tuple[str, str, str, str]]:
        """(at, user, action, subject), newest first."""
        return self._conn.execute("SELECT at, user, action, subject FROM audit_log ORDER BY at DESC LIMIT ?",
                                  (limit,)).fetchall()

    def records(self, *, user: str = "", action: str = "", since: str = "", until: str = "",
                limit: int = 100_000) -> list[tuple[str, str, str, str, str]]:
        """(at, user, action, subject, purpose), newest first, filtered by user, action and dates (YYYY-MM-DD,
        both ends included)."""
        until_next = (dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat() if until else ""
        return self._conn.execute(_SELECT_RECORDS, (user, user, action, action, since, since, until_next, until_next,
                                                    limit)).fetchall()

    def delete_before(self, moment: dt.datetime) -> int:
        """Delete entries older than `moment` (retention); returns how many."""
        return int(self._conn.execute("DELETE FROM audit_log WHERE at < ?", (moment.isoformat(),)).rowcount)
