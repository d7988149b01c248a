"""immediate(): one write transaction, committed at the end, rolled back on an error, kept on a declared one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from netmap.store.transactions import immediate


class Refused(Exception):
    pass


@pytest.fixture()
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    connection.execute("CREATE TABLE t (x INTEGER)")
    yield connection
    connection.close()


def rows(conn: sqlite3.Connection) -> list[int]:
    return [x for (x,) in conn.execute("SELECT x FROM t ORDER BY x")]


def test_the_block_is_committed_when_it_ends(conn: sqlite3.Connection) -> None:
    with immediate(conn) as c:
        c.execute("INSERT INTO t VALUES (1)")
        assert c.in_transaction
    assert not conn.in_transaction and rows(conn) == [1]


@pytest.mark.parametrize("error", [ValueError("no"), KeyboardInterrupt()])
def test_the_block_is_rolled_back_when_it_raises(conn: sqlite3.Connection, error: BaseException) -> None:
    with pytest.raises(type(error)), immediate(conn) as c:
        c.execute("INSERT INTO t VALUES (1)")
        raise error
    assert not conn.in_transaction and rows(conn) == []


def test_a_kept_error_commits_what_was_written_and_still_raises(conn: sqlite3.Connection) -> None:
    with pytest.raises(Refused), immediate(conn, keep_on=(Refused,)) as c:
        c.execute("INSERT INTO t VALUES (1)")
        raise Refused
    with pytest.raises(ValueError), immediate(conn, keep_on=(Refused,)) as c:
        c.execute("INSERT INTO t VALUES (2)")
        raise ValueError
    assert not conn.in_transaction and rows(conn) == [1]


def test_a_block_inside_a_transaction_joins_it(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError), immediate(conn) as outer:
        with immediate(outer) as inner:
            inner.execute("INSERT INTO t VALUES (1)")
        assert outer.in_transaction  # the inner block did not commit
        raise ValueError
    assert rows(conn) == []


def test_the_write_lock_is_taken_at_begin(conn: sqlite3.Connection, tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "t.db", isolation_level=None, timeout=0)
    try:
        with immediate(conn), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
