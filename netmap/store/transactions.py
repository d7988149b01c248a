"""One way to write to an SQLite file in a transaction (the embedded store, and the web app's users file):
BEGIN IMMEDIATE takes SQLite's write lock at once, so a count and the write that depends on it (a throttle, the
audit chain's newest hash, a snapshot's id) cannot interleave with another writer's."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["immediate"]


@contextmanager
def immediate(conn: sqlite3.Connection,
              keep_on: tuple[type[BaseException], ...] = ()) -> Iterator[sqlite3.Connection]:
    """Run the block in one write transaction on `conn` (opened with isolation_level=None): committed when it ends,
    rolled back when it raises (KeyboardInterrupt included). Inside a transaction already, the block simply joins
    it.

    `keep_on`: exceptions that still commit what the block wrote before they propagate; a throttle raises its
    refusal this way and keeps the attempt it recorded (and the records it pruned)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except keep_on:
        conn.execute("COMMIT")
        raise
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
