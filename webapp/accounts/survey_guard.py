"""Bounds on what a survey link can do, kept in the users file so they survive restarts and hold across the
server's threads and processes.

- Searches of the roster (the form's type-ahead), per link: a burst limit (BURST_SEARCHES within BURST_SECONDS)
  and a total for the round (search_budget: SEARCHES_PER_NAME for each name the round lets a respondent give),
  far above what a respondent uses: a name is found within 4 to 6 letters, a search each, and the form's
  type-ahead waits for a pause in typing; 15 keystrokes a name is a slow, hesitant typist. At SHOWN (8) people a
  search, the budget bounds what one link can list (benchmarks/survey_search.py measures it).
- Wrong links, keyed on the guessing, never on a valid link: a link that opens a form always opens it, from any
  address; unknown ones are refused with 429 instead of 404 after MISSES_PER_ADDRESS from one address, or
  MISSES_OVERALL from all addresses, within MISS_MINUTES. Guessing cannot succeed anyway (260-bit codes); this
  keeps its cost and noise down and puts it in the audit log.

Each check counts and decides in one write transaction, so parallel requests cannot all slip under a limit.
Links are kept only by the digest the store keeps of them. The guard keeps its own connection for the app's
life, committing without waiting for the disk (synchronous=NORMAL: the file stays consistent, and a count lost to
a power cut costs nothing): a connection opened per request, as the rest of the users file is, costs 40-70 ms a
search on a busy disk (its commit and its close each wait for the disk), this one about 0.1 ms."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

from netmap import clock
from netmap.store.transactions import immediate

__all__ = ["BURST_SEARCHES", "BURST_SECONDS", "MISSES_OVERALL", "MISSES_PER_ADDRESS", "MISS_MINUTES", "MIN_SEARCHES",
           "SCHEMA", "SEARCHES_PER_NAME", "Search", "SurveyGuard", "search_budget"]

SEARCHES_PER_NAME = 20  # searches per name a round allows (its questions x names per question), per link ...
MIN_SEARCHES = 100      # ... and never fewer
BURST_SEARCHES = 20    # searches per link ...
BURST_SECONDS = 10     # ... within this many seconds
MISSES_PER_ADDRESS = 20  # wrong links from one address ...
MISSES_OVERALL = 500     # ... or from everywhere ...
MISS_MINUTES = 15        # ... within this long: further wrong links get 429

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS survey_searches (link_digest TEXT PRIMARY KEY, used INTEGER NOT NULL, "
    "burst_from TEXT NOT NULL, burst_used INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS survey_link_misses (address TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS survey_link_misses_at ON survey_link_misses (at)",
)


def search_budget(names_allowed: int) -> int:
    """The searches a link has for its round, when a respondent may give `names_allowed` names in all: 600 for
    three questions of ten names (30 names at 15 keystrokes each would be 450), 200 for one, at least 100."""
    return max(MIN_SEARCHES, SEARCHES_PER_NAME * names_allowed)


class Search(Enum):
    """What a link's next search may do."""

    ALLOWED = "allowed"
    LAST = "last"            # allowed, and the link's budget is now used up (audit this, once)
    TOO_FAST = "too fast"    # refused: over the burst limit, wait a few seconds
    USED_UP = "used up"      # refused: the link's budget for the round is used up



class SurveyGuard:
    """The limits above, in the users file at `path` (whose tables Accounts creates); one per app, shared by
    its threads."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.Lock()  # one transaction at a time on the shared connection

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        with self._lock, immediate(conn):
            yield conn


    def spend_search(self, link_digest: str, budget: int, now: dt.datetime | None = None) -> Search:
        """Count one search by the link with `link_digest` when the limits allow it (LAST: the budget's last
        one); otherwise say which limit stops it (a refused search is not counted)."""
        now = now or clock.now()
        with self._transaction() as conn:
            row = conn.execute("SELECT used, burst_from, burst_used FROM survey_searches WHERE link_digest = ?",
                               (link_digest,)).fetchone()
            used, burst_from, burst_used = row if row else (0, now.isoformat(), 0)
            if used >= budget:
                return Search.USED_UP
            if now - dt.datetime.fromisoformat(burst_from) >= dt.timedelta(seconds=BURST_SECONDS):
                burst_from, burst_used = now.isoformat(), 0
            if burst_used >= BURST_SEARCHES:
                return Search.TOO_FAST
            used += 1
            conn.execute("INSERT OR REPLACE INTO survey_searches VALUES (?, ?, ?, ?)",
                         (link_digest, used, burst_from, burst_used + 1))
        return Search.LAST if used == budget else Search.ALLOWED

    def miss(self, address: str, now: dt.datetime | None = None) -> tuple[bool, str]:
        """Count a wrong link from `address` unless guessing is already throttled. Returns (throttled, what to
        audit): throttled when this address or everyone has reached the limit; what to audit is set only when
        this miss is the one that reaches it."""
        now = now or clock.now()
        address = address[:64]
        with self._transaction() as conn:
            conn.execute("DELETE FROM survey_link_misses WHERE at <= ?",
                         ((now - dt.timedelta(minutes=MISS_MINUTES)).isoformat(),))
            (here,) = conn.execute("SELECT count(*) FROM survey_link_misses WHERE address = ?", (address,)).fetchone()
            (overall,) = conn.execute("SELECT count(*) FROM survey_link_misses").fetchone()
            if here >= MISSES_PER_ADDRESS or overall >= MISSES_OVERALL:
                return True, ""
            conn.execute("INSERT INTO survey_link_misses VALUES (?, ?)", (address, now.isoformat()))
        if overall + 1 == MISSES_OVERALL:
            return False, f"{MISSES_OVERALL} wrong survey links within {MISS_MINUTES} minutes, from all addresses"
        if here + 1 == MISSES_PER_ADDRESS:
            return False, f"{MISSES_PER_ADDRESS} wrong survey links within {MISS_MINUTES} minutes from {address}"
        return False, ""
