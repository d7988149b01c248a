"""One way to write to the users file in a transaction: BEGIN IMMEDIATE takes SQLite's write lock at once, so a
count and the write that depends on it (a throttle, the audit chain's newest hash) cannot interleave with another
writer's."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["immediate"]


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one write transaction on `conn` (opened with isolation_level=None): committed when it ends,
    rolled back when it raises. Inside a transaction already, the block simply joins it."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
