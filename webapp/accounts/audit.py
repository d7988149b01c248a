"""The audit log: who viewed or downloaded person-level data, and when."""

from __future__ import annotations

import datetime as dt
import sqlite3

__all__ = ["AuditLog"]


class AuditLog:
    """Audit records on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def record(self, user: str, action: str, subject: str) -> None:
        """Record that `user` did `action` (view, download) on person-level `subject`."""
        self._conn.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?)",
                           (dt.datetime.now(dt.UTC).isoformat(), user, action, subject))

    def entries(self, limit: int = 1000) -> list[tuple[str, str, str, str]]:
        """(at, user, action, subject), newest first."""
        return self._conn.execute("SELECT at, user, action, subject FROM audit_log ORDER BY at DESC LIMIT ?",
                                  (limit,)).fetchall()

    def delete_before(self, moment: dt.datetime) -> int:
        """Delete entries older than `moment` (retention); returns how many."""
        return int(self._conn.execute("DELETE FROM audit_log WHERE at < ?", (moment.isoformat(),)).rowcount)
