"""The one clock netmap and its web app read the date and time from, so that every "today" agrees and a test can
set it (the `clock` fixture in tests/conftest.py) instead of patching each module.

`now()` is timezone-aware UTC; `today()` is the UTC date, so a date and a time stamp written together always
agree (the local date differs from it for an hour after midnight in British Summer Time).

Not read from here, because they measure an interval rather than tell the date: time.perf_counter (how long an
analysis step took, netmap.analysis.timing), time.monotonic (how long a test waits) and time.sleep (a store
waiting for the server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

__all__ = ["now", "today"]


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# What now() asks; tests replace it through the `clock` fixture, nothing else does.
_source: Callable[[], dt.datetime] = _system_now


def now() -> dt.datetime:
    """The current date and time, timezone-aware, in UTC."""
    return _source()


def today() -> dt.date:
    """Today's date in UTC."""
    return now().date()
