"""In-database analysis on a live Neo4j with Graph Data Science (tools/neo4j-launcher loads it): components,
degree, exact betweenness and communities computed by GDS equal netmap's own engine on hand-built trusts and the
sample, and the projection never outlives the call."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import igraph as ig
import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner
from neo4j import exceptions as neo4j_errors

from netmap.analysis import AnalysisOptions, analyse
from netmap.analysis.communities import GIVEN_MEASURES, STABLE_AGREEMENT
from netmap.analysis.engine import analyse_snapshot
from netmap.cli import main
from netmap.config import read_settings
from netmap.dataset import Dataset
from netmap.errors import StorageError
from netmap.graphs import build_graphs
from netmap.in_database import InDatabaseMeasures, given_measures, in_database_measures
from netmap.ingest.validate import read_trust
from netmap.snapshot import Hidden, Snapshot
from netmap.store import gds
from netmap.store.factory import open_store
from netmap.store.gds import gds_version
from netmap.store.neo4j import Neo4jStore
from tests.conftest import neo4j_store
from tests.neo4j_double import FakeDriver
from tests.trusts import PLANTED, SAMPLE, random_trust, two_cliques
from tests.web_helpers import login, make_app

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


# ---- the engine's analysis with NETMAP_NEO4J_ANALYSIS=gds ---------------------------------------------------------

SAMPLE_AS_OF = "2026-06-30"
MOVED = ["betweenness", "community"]  # equal within 1e-9, and Leiden's (under the stability rule), respectively


@pytest.fixture(scope="class")
def gds_env(neo4j_uri: str) -> Iterator[str]:
    """The settings of a trust whose IT asks for the analysis in Neo4j (for one class's tests); the live store's
    URI, emptied of snapshots afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_NEO4J_URI", neo4j_uri)
        patch.setenv("NETMAP_NEO4J_ANALYSIS", "gds")
        yield neo4j_uri
        with open_store(read_settings()) as opened:
            for info in opened.list_snapshots():
                opened.delete_snapshot(info.snapshot_id)


@pytest.fixture(scope="class")
def loaded_with_gds(gds_env: str) -> Iterator[tuple[Snapshot, str]]:
    """The sample loaded by `netmap load` with NETMAP_NEO4J_ANALYSIS=gds, opened as the commands open it, and
    what the load printed: loaded once for the tests that only read it (a load into Neo4j takes tens of seconds)."""
    result = CliRunner().invoke(main, ["load", str(SAMPLE), "--as-of", SAMPLE_AS_OF], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open_store(read_settings()) as opened:
        assert opened.analysis == "gds"
        yield Snapshot.open(opened), result.output


class TestTheEngineWithGDS:
    """`netmap load`, `netmap analyse` and the web with NETMAP_NEO4J_ANALYSIS=gds, over one load of the sample."""

    def test_load_keeps_an_analysis_computed_in_neo4j_equal_to_the_engines(
            self, loaded_with_gds: tuple[Snapshot, str]) -> None:
        snapshot, _ = loaded_with_gds
        kept = snapshot.kept_analysis()
        assert kept is not None, "netmap load did not keep the in-database analysis"
        assert snapshot.analysis_key.endswith("-gds")
        assert kept.summary["computed_by"] == {GIVEN_MEASURES: "Graph Data Science 2.13.9 in Neo4j",
                                               "communities": "Leiden"}
        engine = analyse_snapshot(snapshot.dataset, snapshot.as_of, snapshot.options)
        assert "computed_by" not in engine.summary
        ours, theirs = kept.staff.set_index("staff_id"), engine.staff.set_index("staff_id")
        pd.testing.assert_frame_equal(ours.drop(columns=MOVED), theirs.drop(columns=MOVED))
        assert (ours["betweenness"] - theirs["betweenness"]).abs().max() <= 1e-9
        for table in ("schools", "groups", "wiring", "bridges"):
            pd.testing.assert_frame_equal(getattr(kept, table), getattr(engine, table))
        assert kept.summary["components"] == engine.summary["components"]
        assert kept.summary["largest_component_share"] == engine.summary["largest_component_share"]
        same = {k for k in engine.summary if k not in ("communities", "wiring", "computed_by", "stability")}
        assert {k: kept.summary[k] for k in same} == {k: engine.summary[k] for k in same}
        # communities: Leiden's, shown only when its runs agree by netmap's rule, and then like the engine's Louvain
        found = kept.summary["communities"]
        assert found["stable"] == (found["agreement"] >= STABLE_AGREEMENT)
        if not found["stable"]:
            assert ours["community"].isna().all()
        elif engine.summary["communities"]["stable"]:
            tied = ours.index[ours["soft_degree"] > 0]
            assert _ari(ours.loc[tied, "community"].to_dict(), theirs.loc[tied, "community"].to_dict()) >= 0.5


    def test_a_narrowed_view_computed_in_neo4j_equals_the_engines(self, loaded_with_gds: tuple[Snapshot, str]) -> None:
        """An aggregate role's view (the smallest school hidden, as suppression hides it): GDS projects the row
        numbers of the narrowed staff, so its measures must still land on the right people."""
        snapshot, _ = loaded_with_gds
        counts = snapshot.staff_in_post["school_id"].value_counts()
        smallest = str(min(counts.index[counts == counts.min()]))
        narrowed = snapshot.without(Hidden(schools=frozenset({smallest})))
        ours = narrowed.analyse()
        assert ours.summary["computed_by"]["communities"] == "Leiden"
        engine = analyse_snapshot(narrowed.dated, narrowed.as_of, narrowed.options)
        mine, theirs = ours.staff.set_index("staff_id"), engine.staff.set_index("staff_id")
        assert smallest not in set(mine["school_id"]) and len(mine) == len(theirs)
        pd.testing.assert_frame_equal(mine.drop(columns=MOVED), theirs.drop(columns=MOVED))
        assert (mine["betweenness"] - theirs["betweenness"]).abs().max() <= 1e-9
        for table in ("schools", "groups"):
            pd.testing.assert_frame_equal(getattr(ours, table), getattr(engine, table))

    def test_analyse_writes_the_in_database_analysis_and_says_leiden(self, loaded_with_gds: tuple[Snapshot, str],
                                                                     tmp_path: Path) -> None:
        result = CliRunner().invoke(main, ["analyse", "--out", str(tmp_path / "out")], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "Using the analysis kept with snapshot" in result.output
        assert "runs of community detection (Leiden, by Graph Data Science 2.13.9 in Neo4j)" in result.output
        summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
        assert summary["computed_by"]["communities"] == "Leiden"


    def test_a_page_renders_from_an_in_database_analysis(self, loaded_with_gds: tuple[Snapshot, str], gds_env: str,
                                                          tmp_path: Path) -> None:
        app = make_app(tmp_path, None, NETMAP_STORE=gds_env)
        client = app.test_client()
        login(client, "admin")
        assert client.get("/").status_code == 200
        page = client.get("/wiring/")
        assert page.status_code == 200
        assert "runs of community detection (Leiden, by Graph Data Science 2.13.9 in Neo4j)" in page.get_data(
            as_text=True)
        view = client.get("/staff/", query_string={"sort": "betweenness", "order": "desc"})
        assert view.status_code == 200
        ceo = app.test_client()  # aggregates only: small schools and groups left out before the analysis, also in GDS
        login(ceo, "ceo")
        assert ceo.get("/").status_code == 200
        app.extensions["netmap_stores"].get().close()  # the app's one Neo4j store (a served app keeps it open)


def _client_error(code: str, message: str) -> neo4j_errors.Neo4jError:
    return neo4j_errors.Neo4jError._hydrate_neo4j(code=code, message=message)


def test_without_gds_on_the_server_the_error_names_the_fix(tmp_path: Path) -> None:
    missing = _client_error("Neo.ClientError.Procedure.ProcedureNotFound",
                            "There is no procedure with the name `gds.version` registered for this database instance.")
    driver = FakeDriver(errors={"gds_version": missing})
    store = Neo4jStore("neo4j://db.trust.local:7687", user="netmap", password=None, database="trust", driver=driver,
                       analysis="gds")
    dataset = read_trust(two_cliques(tmp_path / "trust"))[0]
    with pytest.raises(StorageError, match=r"NETMAP_NEO4J_ANALYSIS=gds needs its plugin on the Neo4j server "
                                           r"\(see docs/deployment.md\), or set NETMAP_NEO4J_ANALYSIS=netmap"):
        given_measures(store, "2026-07-01", dataset, AS_OF)
