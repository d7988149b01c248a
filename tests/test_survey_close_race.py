"""Closing is a fence, over HTTP: 200 respondents submit through `netmap serve` while the round closes. Every
submission acknowledged is in the snapshot and every other one was told the round has closed; closing again
gives the same snapshot. The benchmark (benchmarks/survey_close_race.py) is the test's own procedure."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.survey_close_race import bench_close_race
from netmap.config import read_settings
from netmap.ingest.validate import read_trust
from netmap.sample.generator import generate_sample
from netmap.store import open_store

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind", ["sqlite", "neo4j"])
def test_200_respondents_submitting_while_the_round_closes_are_all_kept_or_all_told(
        kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    uri = request.getfixturevalue("neo4j_uri") if kind == "neo4j" else None
    generate_sample(tmp_path / "trust", schools=6, staff=240, seed=3)
    with open_store(read_settings(), db=tmp_path / "store.db", store_uri=uri) as store:
        if store.list_snapshots() or store.list_rounds():
            pytest.skip("the Neo4j test database must start empty")
        store.write_snapshot(read_trust(tmp_path / "trust")[0], "2026-09-01", source="generated")
    try:
        race = bench_close_race(tmp_path / "store.db", tmp_path / "users.db", respondents=200, neo4j_uri=uri)
    finally:
        with open_store(read_settings(), db=tmp_path / "store.db", store_uri=uri) as store:
            store.delete_snapshot("2026-09-01")
    assert race["respondents"] == 200 and race["errors"] == 0, race["first_errors"]
    assert race["acknowledged"] + race["refused_closed"] == 200
    assert race["acknowledged_not_in_snapshot"] == [] and race["in_snapshot_not_acknowledged"] == []
    assert race["acknowledged"] > 0 and race["refused_closed"] > 0, race  # the close fell among the submissions
    assert (race["first_close"], race["second_close"], race["same_snapshot"]) == ("created", "unchanged", True)
