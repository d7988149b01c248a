"""Saved what-if scenarios, shared between HR and admins."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from netmap import clock

__all__ = ["ScenarioStore"]


class ScenarioStore:
    """Scenarios on an open accounts connection (see Accounts); changes are stored as JSON."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def save(self, name: str, owner: str, snapshot: str, changes: list[dict[str, str]]) -> int:
        cursor = self._conn.execute("INSERT INTO scenarios (name, owner, snapshot, changes, saved_at) "
                                    "VALUES (?, ?, ?, ?, ?)",
                                    (name, owner, snapshot, json.dumps(changes), clock.now().isoformat()))
        return int(cursor.lastrowid or 0)

    def all_scenarios(self) -> list[tuple[int, str, str, str, str]]:
        """(id, name, owner, snapshot, saved_at), newest first."""
        return self._conn.execute("SELECT id, name, owner, snapshot, saved_at FROM scenarios ORDER BY id DESC"
                                  ).fetchall()

    def get(self, scenario_id: int) -> tuple[str, str, list[dict[str, str]]] | None:
        """(name, snapshot, changes) of a saved scenario."""
        row = self._conn.execute("SELECT name, snapshot, changes FROM scenarios WHERE id = ?",
                                 (scenario_id,)).fetchone()
        return (row[0], row[1], json.loads(row[2])) if row else None

    def delete_before(self, moment: dt.datetime) -> int:
        """Delete scenarios saved before `moment` (retention); returns how many."""
        return int(self._conn.execute("DELETE FROM scenarios WHERE saved_at < ?", (moment.isoformat(),)).rowcount)

    def delete_of_snapshot(self, snapshot_id: str) -> int:
        """Delete the scenarios of snapshot `snapshot_id` (when it is forgotten); returns how many."""
        return int(self._conn.execute("DELETE FROM scenarios WHERE snapshot = ?", (snapshot_id,)).rowcount)
