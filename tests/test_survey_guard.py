"""The survey links' limits kept in the users file (webapp.accounts.survey_guard): searches per link (a burst
limit and a budget per round) and wrong links (per address and from everywhere), counted across connections."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from webapp.accounts import Accounts, survey_guard
from webapp.accounts.survey_guard import Search, SurveyGuard

NOW = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)


def test_searches_have_a_burst_limit_and_a_budget_that_outlive_a_restart(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(survey_guard, "BURST_SEARCHES", 3)
    Accounts(tmp_path / "users.db").close()  # creates the file and its tables
    guard = SurveyGuard(tmp_path / "users.db")
    assert [guard.spend_search("d1", 5, NOW) for _ in range(4)] == [Search.ALLOWED] * 3 + [Search.TOO_FAST]
    assert guard.spend_search("d2", 5, NOW) is Search.ALLOWED  # another link: its own limits
    guard.close()
    later = NOW + dt.timedelta(seconds=survey_guard.BURST_SECONDS)
    guard = SurveyGuard(tmp_path / "users.db")  # a restart, or another server process
    assert [guard.spend_search("d1", 5, later) for _ in range(3)] == [Search.ALLOWED, Search.LAST, Search.USED_UP]
    assert guard.spend_search("d1", 5, later + dt.timedelta(days=9)) is Search.USED_UP
    guard.close()


def test_the_budget_follows_the_names_a_round_allows() -> None:
    assert survey_guard.search_budget(30) == 600 and survey_guard.search_budget(10) == 200
    assert survey_guard.search_budget(1) == survey_guard.MIN_SEARCHES == 100


def test_wrong_links_are_counted_per_address_and_overall_within_the_window(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(survey_guard, "MISSES_PER_ADDRESS", 2)
    monkeypatch.setattr(survey_guard, "MISSES_OVERALL", 4)
    Accounts(tmp_path / "users.db").close()
    guard = SurveyGuard(tmp_path / "users.db")
    try:
        assert guard.miss("10.0.0.1", NOW) == (False, "")
        assert guard.miss("10.0.0.1", NOW) == (False, "2 wrong survey links within 15 minutes from 10.0.0.1")
        assert guard.miss("10.0.0.1", NOW) == (True, "")  # throttled, and not counted again
        assert guard.miss("10.0.0.2", NOW) == (False, "")
        assert guard.miss("10.0.0.3", NOW) == (False, "4 wrong survey links within 15 minutes, from all addresses")
        assert guard.miss("10.0.0.4", NOW) == (True, "")  # everyone's guessing is throttled now
        after = NOW + dt.timedelta(minutes=survey_guard.MISS_MINUTES, seconds=1)
        assert guard.miss("10.0.0.1", after) == (False, "")  # the window has passed
    finally:
        guard.close()
