"""netmap against a live Neo4j (tests/neo4j_server.py): every store command of the CLI, and the three Neo4j
Browser recipes of the README returning the rows the data says they should."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graph_queries import load_query
from netmap.cli import main
from netmap.config import read_settings
from netmap.ingest.validate import read_trust
from netmap.store.neo4j import Neo4jStore
from tests.trusts import SAMPLE

pytestmark = pytest.mark.slow


@pytest.fixture
def neo4j(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """The live store, emptied after the test."""
    settings = read_settings()
    with Neo4jStore(neo4j_uri, user=settings.neo4j_user, password=settings.neo4j_password,
                    database=settings.neo4j_database) as store:
        yield store
        for info in store.list_snapshots():
            store.delete_snapshot(info.snapshot_id)


def test_every_store_command_of_the_cli(neo4j: Neo4jStore, tmp_path: Path, tiny: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "embedded.db"))
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, [*args, "--store", neo4j.uri], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    assert run("init-store").startswith(f"Store ready at {neo4j.uri}: create_school_key, ")
    assert run("load", str(tiny), "--as-of", "2026-01-05").splitlines()[-1].startswith("Loaded snapshot 2026-01-05")
    assert run("load", str(tiny), "--as-of", "2026-01-05").splitlines()[-1].startswith(
        "Already loaded, unchanged: snapshot 2026-01-05")
    assert run("snapshots").splitlines()[1].split()[:6] == ["2026-01-05", "2026-01-05", "5", "3", "2", "4"]
    run("analyse", "--out", str(tmp_path / "from-neo4j"))
    embedded = runner.invoke(main, ["load", str(tiny), "--as-of", "2026-01-05"])
    assert embedded.exit_code == 0
    assert runner.invoke(main, ["analyse", "--out", str(tmp_path / "embedded")]).exit_code == 0
    for name in ("staff.csv", "schools.csv", "groups.csv", "wiring.csv", "bridges.csv", "summary.json"):
        assert (tmp_path / "from-neo4j" / name).read_bytes() == (tmp_path / "embedded" / name).read_bytes(), name
    assert run("forget", "2026-01-05").startswith(f"Deleted snapshot 2026-01-05 (from {tiny}, loaded ")
    assert run("snapshots").startswith("No snapshots yet.")


def _rows(store: Neo4jStore, query: str, **parameters: str) -> list[tuple]:
    with store._driver.session(database=store.database) as session:
        return [tuple(record.values()) for record in session.run(load_query(query), parameters)]


def test_the_readme_recipes_return_the_expected_rows(neo4j: Neo4jStore) -> None:
    dataset, _ = read_trust(SAMPLE)
    neo4j.write_snapshot(dataset, "2026-07-01", source="sample")
    staff = dataset.staff.set_index("staff_id")
    school = staff["school_id"].to_dict()
    name = neo4j._shred().tokens(staff.index)  # Neo4j holds people as tokens only: the recipes return those
    assert not set(name.values()) & set(staff.index)
    school_name = dataset.schools.set_index("school_id")["name"].to_dict()
    ties = dataset.collaborations

    # A school's cross-school ties: every tie row with one end in the school, seen from that end.
    expected = sorted((name[a], name[b], school_name[school[b]], kind)
                      for s, t, kind in zip(ties["source_staff_id"], ties["target_staff_id"], ties["kind"],
                                            strict=True)
                      for a, b in ((s, t), (t, s)) if school[a] == "SCH01" and school[b] != "SCH01")
    got = _rows(neo4j, "find_school_cross_ties", school_id="SCH01")
    assert expected and sorted(got) == expected

    # A person's 2-step network: everyone within two ties, either direction, at their distance.
    graph = nx.Graph(list(zip(ties["source_staff_id"], ties["target_staff_id"], strict=True)))
    me = max(graph, key=graph.degree)
    distances = nx.single_source_shortest_path_length(graph, me, cutoff=2)
    expected = sorted((name[p], school_name[school[p]], d) for p, d in distances.items() if p != me)
    assert sorted(_rows(neo4j, "find_two_step_network", staff_id=name[me])) == expected

    # Members of a group who collaborate with nobody else in it.
    for group in ("MATHS", "DATA"):
        members = set(dataset.memberships.loc[dataset.memberships["group_id"] == group, "staff_id"])
        active = {p for s, t in zip(ties["source_staff_id"], ties["target_staff_id"], strict=True)
                  if s in members and t in members for p in (s, t)}
        expected = sorted((name[p], school_name[school[p]]) for p in members - active)
        assert sorted(_rows(neo4j, "find_silent_community_members", group_id=group)) == expected


def _statuses(store: Neo4jStore) -> list[str]:
    result = store._driver.execute_query("MATCH (s:Snapshot) RETURN s.status AS status ORDER BY status",
                                         database_=store.database)
    return [r["status"] for r in result.records]


def _staff_nodes(store: Neo4jStore) -> int:
    result = store._driver.execute_query("MATCH (p:Staff) RETURN count(p) AS n", database_=store.database)
    return int(result.records[0]["n"])


def _second_store(neo4j: Neo4jStore, batch_size: int = 2) -> Neo4jStore:
    settings = read_settings()
    return Neo4jStore(neo4j.uri, user=settings.neo4j_user, password=settings.neo4j_password,
                      database=settings.neo4j_database, batch_size=batch_size)


def test_a_load_in_progress_survives_another_load_of_the_same_date(neo4j: Neo4jStore, tiny: Path) -> None:
    """The attack run's finding: the second load used to delete the first one's 'loading' snapshot, whose publish
    then hid the date's snapshot and completed nothing while the command said "Loaded"."""
    import threading

    from tests.conftest import edit

    first = read_trust(tiny)[0]
    edit(tiny, "staff", "Grace Hopper", "Grace B. Hopper")
    second = read_trust(tiny)[0]
    started, go = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def pause_after_the_first_batch(_rows: int) -> None:
        if not started.is_set():
            started.set()
            assert go.wait(60)

    def load_first() -> None:
        with _second_store(neo4j) as store:
            try:
                outcome["status"] = store.write_snapshot(first, "2026-03-01", source="first",
                                                         progress=pause_after_the_first_batch).status
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcome["error"] = exc

    thread = threading.Thread(target=load_first)
    thread.start()
    assert started.wait(60)
    with _second_store(neo4j) as other:
        assert other.write_snapshot(second, "2026-03-01", source="second").status == "created"
    go.set()
    thread.join(120)
    assert "error" not in outcome, outcome
    assert outcome["status"] == "created"
    # neither replaces the other: the first to publish takes the date as its id, the other the next id
    assert {s.snapshot_id: s.source for s in neo4j.list_snapshots()} == {"2026-03-01": "second",
                                                                         "2026-03-01-2": "first"}
    assert neo4j.read_dataset("2026-03-01-2").equals(first) and neo4j.read_dataset("2026-03-01").equals(second)
    assert _statuses(neo4j) == ["complete", "complete"]
    assert _staff_nodes(neo4j) == len(first.staff) + len(second.staff)


def test_two_loads_of_one_date_at_once_leave_two_whole_snapshots(neo4j: Neo4jStore, tiny: Path) -> None:
    """Publishing holds the date's lock while it picks the id: two loads racing on one date never share one."""
    import threading

    from tests.conftest import edit

    datasets = [read_trust(tiny)[0]]
    edit(tiny, "staff", "Grace Hopper", "Grace B. Hopper")
    datasets.append(read_trust(tiny)[0])
    barrier = threading.Barrier(2)
    statuses: list[str] = []
    errors: list[Exception] = []

    def load(n: int) -> None:
        with _second_store(neo4j, batch_size=1) as store:
            barrier.wait()
            try:
                statuses.append(store.write_snapshot(datasets[n], "2026-04-01", source=f"load {n}").status)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=load, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and sorted(statuses) == ["created", "created"]
    shown = neo4j.list_snapshots()
    assert sorted(s.snapshot_id for s in shown) == ["2026-04-01", "2026-04-01-2"]
    for info in shown:
        assert neo4j.read_dataset(info.snapshot_id).equals(datasets[int(info.source[-1])])
    neo4j.write_snapshot(datasets[0], "2026-05-01", source="a later load clears leftovers")
    assert _statuses(neo4j) == ["complete", "complete", "complete"]
    assert _staff_nodes(neo4j) == 3 * len(datasets[0].staff)
