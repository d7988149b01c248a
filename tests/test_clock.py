"""One clock: netmap and the web app read the date and time only from netmap.clock, and a test sets it for both
with the `clock` fixture."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap import clock as netmap_clock
from netmap.cli import main
from netmap.store import SQLiteStore
from tests.conftest import REPO
from webapp.accounts import Accounts

AT = dt.datetime(2031, 2, 3, 23, 30, tzinfo=dt.UTC)
# Calls that read the wall clock for a date or a time stamp; durations (time.monotonic, perf_counter) are not.
CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
               ("time", "time")}


def clock_reads(folder: Path, root: Path = REPO) -> list[str]:
    """Each `datetime.now`, `date.today`, `time.time`, ... that a module below `folder` uses, as path:line."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        lines = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                owner = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
                if (owner, node.attr) in CLOCK_READS:
                    lines.add(node.lineno)
        found += [f"{path.relative_to(root).as_posix()}:{line}" for line in sorted(lines)]
    return found


def test_only_netmap_clock_reads_the_wall_clock() -> None:
    reads = clock_reads(REPO / "netmap") + clock_reads(REPO / "webapp")
    assert [r for r in reads if not r.startswith("netmap/clock.py:")] == []


def test_the_check_finds_each_way_of_reading_the_clock(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text(
        "import datetime as dt, time\nfrom datetime import date, datetime\n"
        "a = dt.datetime.now(dt.UTC)\nb = date.today\nc = time.time()\nd = datetime.utcnow()\n"
        "e = time.monotonic()\n", encoding="utf-8")
    assert clock_reads(tmp_path, tmp_path) == ["probe.py:3", "probe.py:4", "probe.py:5", "probe.py:6"]


def test_the_clock_is_utc_and_aware() -> None:
    now = netmap_clock.now()
    assert now.tzinfo is not None and now.utcoffset() == dt.timedelta(0)
    assert netmap_clock.today() in {now.date(), netmap_clock.now().date()}  # either side of a midnight


def test_the_fixture_sets_the_library_and_the_web_app(clock: Callable[[dt.datetime], None], tiny: Path,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock(AT.astimezone(dt.timezone(dt.timedelta(hours=5))))  # given in another zone: still this UTC moment
    assert netmap_clock.now() == AT and netmap_clock.today() == dt.date(2031, 2, 3)
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    assert CliRunner().invoke(main, ["load", str(tiny)], catch_exceptions=False).exit_code == 0
    with SQLiteStore(tmp_path / "cli.db") as store:
        (info,) = store.list_snapshots()
    assert (info.as_of, info.loaded_at) == ("2025-10-01", "2031-02-03T23:30:00+00:00")  # dated by its data
    with Accounts(tmp_path / "users.db") as accounts:
        accounts.users.add("hr1", "hr", "a long enough password 1")
        accounts.users.record_login("hr1")
        user = accounts.users.get("hr1")
    assert user is not None and user.last_login_at == AT.isoformat()


def test_the_clock_is_set_to_an_aware_time(clock: Callable[[dt.datetime], None]) -> None:
    with pytest.raises(ValueError, match="aware date-time"):
        clock(dt.datetime(2031, 2, 3))
