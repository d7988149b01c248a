"""Leavers named by an HR file (`netmap users leavers FILE`): staff ids and the day each leaves.

The trust's own data says the same through staff.csv's left_on column in the latest snapshot (webapp.leavers reads
both); this file is for a leaver HR knows of before the next load.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3

from netmap import clock
from netmap.errors import IngestError

__all__ = ["SCHEMA", "LeaverStore", "read_leavers"]

SCHEMA = ("CREATE TABLE IF NOT EXISTS leavers (staff_id TEXT PRIMARY KEY, left_on TEXT NOT NULL, "
          "recorded_at TEXT NOT NULL)",)
COLUMNS = ("staff_id", "left_on")


def read_leavers(text: str, file: str) -> dict[str, str]:
    """staff id -> leaving day (YYYY-MM-DD) from a CSV with columns staff_id and left_on; IngestError naming the
    file, row and column of the first thing wrong."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise IngestError(f"{file} needs the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)}); its "
                          "first line reads staff_id,left_on and each next one e.g. S123,2026-08-31.", file=file)
    leavers: dict[str, str] = {}
    for row_number, row in enumerate(reader, start=2):
        staff_id, left_on = (row.get("staff_id") or "").strip(), (row.get("left_on") or "").strip()
        if not staff_id:
            raise IngestError(f"{file}, row {row_number}, column staff_id: blank; give the person's staff_id "
                              "as in staff.csv.", file=file, row=row_number, column="staff_id")
        try:
            leavers[staff_id] = dt.date.fromisoformat(left_on).isoformat()
        except ValueError:
            raise IngestError(f"{file}, row {row_number}, column left_on: {left_on!r} is not a date; write it as "
                              "YYYY-MM-DD, e.g. 2026-08-31.", file=file, row=row_number, column="left_on") from None
    return leavers


class LeaverStore:
    """The HR file's leavers on an open accounts connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def record(self, leavers: dict[str, str]) -> None:
        """Keep each staff id's leaving day (a later file's day replaces an earlier one's)."""
        at = clock.now().isoformat()
        self._conn.executemany("INSERT OR REPLACE INTO leavers VALUES (?, ?, ?)",
                               ((staff_id, day, at) for staff_id, day in leavers.items()))

    def left_on(self, staff_id: str) -> str | None:
        """The day the HR file says `staff_id` leaves, or None."""
        row = self._conn.execute("SELECT left_on FROM leavers WHERE staff_id = ?", (staff_id,)).fetchone()
        return str(row[0]) if row else None
