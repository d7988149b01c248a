"""In-database analysis on a live Neo4j with Graph Data Science (tools/neo4j-launcher loads it): components,
degree, exact betweenness and communities computed by GDS equal netmap's own engine on hand-built trusts and the
sample, and the projection never outlives the call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import igraph as ig
import networkx as nx
import pytest

from netmap.analysis import AnalysisOptions, analyse
from netmap.analysis.communities import STABLE_AGREEMENT
from netmap.dataset import Dataset
from netmap.errors import StorageError
from netmap.graphs import build_graphs
from netmap.in_database import InDatabaseMeasures, in_database_measures
from netmap.ingest.validate import read_trust
from netmap.store import gds
from netmap.store.gds import gds_version
from netmap.store.neo4j import Neo4jStore
from tests.conftest import neo4j_store
from tests.trusts import PLANTED, SAMPLE, random_trust, two_cliques

pytestmark = pytest.mark.slow

AS_OF = "2026-07-01"


@pytest.fixture
def store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """The live store, emptied of snapshots afterwards."""
    found = neo4j_store(neo4j_uri)
    assert isinstance(found, Neo4jStore)
    with found:
        yield found
        for info in found.list_snapshots():
            found.delete_snapshot(info.snapshot_id)


def _projections(store: Neo4jStore) -> list[str]:
    records = store._driver.execute_query("CALL gds.graph.list() YIELD graphName RETURN graphName").records
    return [r["graphName"] for r in records]


def _both(store: Neo4jStore, dataset: Dataset, options: AnalysisOptions) -> tuple[InDatabaseMeasures, object, nx.Graph]:
    """GDS's measures, netmap's analysis and netmap's U for `dataset` stored as of AS_OF."""
    info = store.write_snapshot(dataset, AS_OF, source="files").snapshot
    measured = in_database_measures(store, info.snapshot_id, store.read_dataset(info.snapshot_id), AS_OF, options)
    graphs = build_graphs(dataset, AS_OF, options.tie_window_days)
    return measured, analyse(graphs, options), graphs.undirected


def _ari(a: dict[str, int], b: dict[str, int]) -> float:
    people = sorted(a)
    return float(ig.compare_communities([a[p] for p in people], [b[p] for p in people], method="adjusted_rand"))


TRUSTS: dict[str, Callable[[Path], Path]] = {
    "two cliques": two_cliques, "random": random_trust, "planted": lambda _: PLANTED, "sample": lambda _: SAMPLE}


def test_gds_is_loaded(store: Neo4jStore) -> None:
    assert gds_version(store) == "2.13.9"


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("trust", list(TRUSTS))
def test_gds_equals_netmap(store: Neo4jStore, tmp_path: Path, trust: str, weighted: bool) -> None:
    dataset = read_trust(TRUSTS[trust](tmp_path / "trust"))[0]
    options = AnalysisOptions.profile("quick", weighted=weighted)
    measured, analysis, undirected = _both(store, dataset, options)
    staff = analysis.staff.set_index("staff_id")  # type: ignore[attr-defined]
    assert sorted(measured.degree) == sorted(staff.index)
    # components: the same people together, numbered alike (by size)
    theirs = {frozenset(p for p, c in measured.component.items() if c == k) for k in set(measured.component.values())}
    assert theirs == {frozenset(c) for c in nx.connected_components(undirected)}
    assert measured.degree == staff["soft_degree"].to_dict()
    difference = max(abs(measured.betweenness[p] - b) for p, b in staff["betweenness"].items())
    assert difference <= 1e-9
    assert _projections(store) == []
    netmap_stable = analysis.summary["communities"]["stable"]  # type: ignore[attr-defined]
    if trust == "two cliques":  # two clear groups: both find them, and both call them stable
        assert measured.stability["stable"] and netmap_stable
        assert _ari(measured.community, staff["community"].to_dict()) == 1.0
    if trust == "random":  # no lasting sub-groups for netmap's Louvain; GDS's Leiden runs are judged by the same rule
        assert not netmap_stable
        assert measured.stability["stable"] == (measured.stability["agreement"] >= STABLE_AGREEMENT)


def test_projection_dropped_when_an_algorithm_fails(store: Neo4jStore, tmp_path: Path) -> None:
    dataset = read_trust(two_cliques(tmp_path / "trust"))[0]
    info = store.write_snapshot(dataset, AS_OF, source="files").snapshot
    with pytest.raises(StorageError, match="computing community in Neo4j"):
        gds.gds_figures(store, info.snapshot_id, list(range(12)), [], weighted=False, seeds=[-1])
    assert _projections(store) == []


def test_snapshot_not_holding_the_staff_is_refused(store: Neo4jStore, tmp_path: Path) -> None:
    dataset = read_trust(two_cliques(tmp_path / "trust"))[0]
    info = store.write_snapshot(dataset, AS_OF, source="files").snapshot
    with pytest.raises(StorageError, match=f"Snapshot {info.snapshot_id} in Neo4j does not hold the 13 staff"):
        gds.gds_figures(store, info.snapshot_id, list(range(13)), [], weighted=False, seeds=[1])
    assert _projections(store) == []
