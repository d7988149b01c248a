"""One contract every GraphStore keeps: the embedded store, and a live Neo4j (tests/neo4j_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netmap.config import read_settings
from netmap.errors import StorageError
from netmap.graphs import read_graphs
from netmap.ingest.validate import read_trust
from netmap.store import GraphStore, SQLiteStore
from tests.conftest import REPO, edit

SAMPLE = REPO / "data" / "samples" / "trust"


def _neo4j(uri: str) -> GraphStore:
    from netmap.store.neo4j import Neo4jStore

    settings = read_settings()
    store = Neo4jStore(uri, user=settings.neo4j_user, password=settings.neo4j_password,
                       database=settings.neo4j_database)
    store.init_schema()
    return store


@pytest.fixture(params=["sqlite", "neo4j"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    s = SQLiteStore(tmp_path / "store.db") if request.param == "sqlite" else _neo4j(
        request.getfixturevalue("neo4j_uri"))
    with s:
        if request.param == "neo4j" and s.list_snapshots():
            pytest.skip("the Neo4j test database must start empty (netmap forget DATE clears a snapshot)")
        yield s
        for info in s.list_snapshots():
            s.delete_snapshot(info.as_of)


def test_deleting_a_snapshot_removes_it_and_only_it(store: GraphStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2025-12-01", source="autumn")
    store.write_snapshot(dataset, "2026-04-01", source="spring")
    store.delete_snapshot("2025-12-01")
    assert [s.as_of for s in store.list_snapshots()] == ["2026-04-01"]
    assert store.read_dataset().equals(dataset)
    with pytest.raises(StorageError, match="No snapshot dated 2025-12-01"):
        store.delete_snapshot("2025-12-01")


def test_round_trip_of_the_sample_trust(store: GraphStore) -> None:
    dataset, _ = read_trust(SAMPLE)
    result = store.write_snapshot(dataset, "2026-07-01", source="sample")
    assert result.status == "created"
    assert store.read_dataset("2026-07-01").equals(dataset)
    graphs = read_graphs(store)
    assert graphs.soft.number_of_nodes() == 1964 and graphs.as_of == "2026-07-01"


def test_reload_is_idempotent(store: GraphStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2026-01-01", source="tiny")
    before = store.list_snapshots()
    assert store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny").status == "unchanged"
    assert store.list_snapshots() == before
    assert store.read_dataset().equals(dataset)


def test_failed_load_leaves_the_previous_snapshot_intact(store: GraphStore, tiny: Path) -> None:
    original, _ = read_trust(tiny)
    store.write_snapshot(original, "2026-01-01", source="tiny")
    before = store.list_snapshots()
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    changed, _ = read_trust(tiny)

    def fail_part_way(rows: int) -> None:
        raise RuntimeError("power cut")

    for as_of in ("2026-01-01", "2026-02-01"):  # replacing the date's snapshot, and adding another
        with pytest.raises((RuntimeError, StorageError)):
            store.write_snapshot(changed, as_of, source="tiny", progress=fail_part_way)
        assert store.list_snapshots() == before
        assert store.read_dataset("2026-01-01").equals(original)


def test_snapshots_are_listed_oldest_first_and_kept_apart(store: GraphStore, tiny: Path) -> None:
    autumn, _ = read_trust(tiny)
    store.write_snapshot(autumn, "2025-12-01", source="autumn")
    edit(tiny, "staff", "S5,ASH,teacher", "S5,ASH,middle-leader")
    spring, _ = read_trust(tiny)
    store.write_snapshot(spring, "2026-04-01", source="spring")
    assert [(s.as_of, s.source, s.counts["staff"]) for s in store.list_snapshots()] == [
        ("2025-12-01", "autumn", 5), ("2026-04-01", "spring", 5)]
    assert store.read_dataset("2025-12-01").equals(autumn)
    assert store.read_dataset().equals(spring)


def test_a_missing_snapshot_names_the_stored_ones(store: GraphStore, tiny: Path) -> None:
    with pytest.raises(StorageError, match="holds no snapshot yet"):
        store.read_dataset()
    store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    with pytest.raises(StorageError, match="No snapshot dated 2025-01-01. Stored snapshots: 2026-01-01."):
        store.read_dataset("2025-01-01")


def test_an_analysis_is_kept_with_its_snapshot_and_goes_with_it(store: GraphStore, tiny: Path) -> None:
    first = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").snapshot
    assert store.read_analysis(first, "k1") is None
    parts = [("meta", b'{"as_of": "2026-01-05"}'), ("staff/0", bytes(range(256)) * 40)]
    store.write_analysis(first, "k1", parts)
    assert store.read_analysis(first, "k1") == parts
    assert store.read_analysis(first, "k2") is None  # other options
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    second = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").snapshot
    assert store.read_analysis(second, "k1") is None and store.read_analysis(first, "k1") is None
    store.write_analysis(first, "k1", parts)  # an analysis of contents no longer stored is not kept
    assert store.read_analysis(first, "k1") is None
    store.write_analysis(second, "k1", parts)
    store.delete_snapshot("2026-01-05")
    store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny")
    assert store.read_analysis(store.snapshot(), "k1") is None  # deleted with its snapshot


def test_one_table_is_read_alone_as_it_was_written(store: GraphStore) -> None:
    dataset, _ = read_trust(SAMPLE)
    store.write_snapshot(dataset, "2026-07-01", source="sample")
    for name in ("schools", "groups", "tie_kinds"):
        assert store.read_table("2026-07-01", name).equals(dataset.table(name)), name
