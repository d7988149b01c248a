"""Closing is a fence, over HTTP: 200 respondents submit through `netmap serve` while the round closes. Every
submission acknowledged is in the snapshot and every other one was told the round has closed; closing again
gives the same snapshot. The benchmark (benchmarks/survey_close_race.py) is the test's own procedure."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.survey_close_race import bench_close_race
from netmap.ingest.validate import read_trust
from netmap.sample.generator import generate_sample
from netmap.store import SQLiteStore

pytestmark = pytest.mark.slow


def test_200_respondents_submitting_while_the_round_closes_are_all_kept_or_all_told(tmp_path: Path) -> None:
    generate_sample(tmp_path / "trust", schools=6, staff=240, seed=3)
    with SQLiteStore(tmp_path / "store.db") as store:
        store.write_snapshot(read_trust(tmp_path / "trust")[0], "2026-09-01", source="generated")
    race = bench_close_race(tmp_path / "store.db", tmp_path / "users.db", respondents=200)
    assert race["respondents"] == 200 and race["errors"] == 0, race["first_errors"]
    assert race["acknowledged"] + race["refused_closed"] == 200
    assert race["acknowledged_not_in_snapshot"] == [] and race["in_snapshot_not_acknowledged"] == []
    assert race["acknowledged"] > 0 and race["refused_closed"] > 0, race  # the close fell among the submissions
    assert (race["first_close"], race["second_close"], race["same_snapshot"]) == ("created", "unchanged", True)
