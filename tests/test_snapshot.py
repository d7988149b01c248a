"""netmap.snapshot.Snapshot: opened by id, date or latest with the store's errors; everything derived from a
snapshot computed once (dataset, staff in post, graphs, analysis), a kept analysis read and never recomputed;
the commands share one --snapshot option and plan over the kept analysis."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import netmap.graphs
import netmap.snapshot
from netmap.analysis import analyse, analyse_snapshot
from netmap.analysis.planner import Planner
from netmap.cli import main
from netmap.errors import StorageError
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.snapshot import Snapshot
from netmap.store import SQLiteStore
from tests.conftest import QUICK, edit


@pytest.fixture
def stored(store: SQLiteStore, tiny: Path) -> SQLiteStore:
    """Three snapshots of the tiny trust: 2026-01-05, a second one that day (2026-01-05-2), and 2026-03-01, by
    when ASH (whose S5 works there) has not yet joined the trust."""
    first, _ = read_trust(tiny)
    store.write_snapshot(first, "2026-01-05", source="first")
    edit(tiny, "staff", "Ada Lovelace", "Ada King")
    second, _ = read_trust(tiny)
    store.write_snapshot(second, "2026-01-05", source="second")
    edit(tiny, "schools", "primary,2024-09-01", "primary,2026-06-01")
    third, _ = read_trust(tiny)
    store.write_snapshot(third, "2026-03-01", source="third")
    return store


def counted(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[object]:
    """Replace owner.name with a wrapper that records each call; returns the record."""
    calls: list[object] = []
    real: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


@pytest.mark.parametrize(("asked", "snapshot_id", "as_of"), [
    (None, "2026-03-01", "2026-03-01"),  # the latest
    ("2026-01-05", "2026-01-05", "2026-01-05"),  # a date: the first snapshot of that day
    ("2026-01-05-2", "2026-01-05-2", "2026-01-05"),  # the later one of that day
])
def test_open_by_id_date_or_latest(stored: SQLiteStore, asked: str | None, snapshot_id: str, as_of: str) -> None:
    snapshot = Snapshot.open(stored, asked)
    assert (snapshot.snapshot_id, snapshot.as_of) == (snapshot_id, as_of)
    names = set(snapshot.table("staff")["name"])
    assert ("Ada Lovelace" in names) == (snapshot_id == "2026-01-05")


def test_open_names_the_stored_snapshots_or_how_to_load_one(stored: SQLiteStore, tmp_path: Path) -> None:
    with pytest.raises(StorageError) as missing:
        Snapshot.open(stored, "2026-02-30")
    assert str(missing.value) == "No snapshot 2026-02-30. Stored snapshots: 2026-01-05, 2026-01-05-2, 2026-03-01."
    with SQLiteStore(tmp_path / "empty.db") as empty, pytest.raises(StorageError) as none:
        Snapshot.open(empty)
    assert "holds no snapshot yet. Load one with `netmap load DIR`" in str(none.value)


def test_everything_is_computed_once_and_the_analysis_kept(stored: SQLiteStore,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    reads = counted(monkeypatch, stored, "read_dataset")
    analyses = counted(monkeypatch, netmap.snapshot, "analyse_snapshot")
    filters = counted(monkeypatch, netmap.graphs, "staff_in_post")
    snapshot = Snapshot.open(stored)
    assert snapshot.kept_analysis() is None  # written without analysing
    first = snapshot.analysis
    assert snapshot.analysis is first and snapshot.analyse() is first and snapshot.planner.analysis is first
    assert snapshot.graphs is snapshot.graphs and snapshot.graphs.dataset is snapshot.dated
    assert list(snapshot.staff_in_post["staff_id"]) == ["S1", "S2", "S3", "S4"]  # ASH's staff: not yet joined
    assert (len(reads), len(analyses), len(filters)) == (1, 1, 1)

    again = Snapshot.open(stored)  # a new command: the kept analysis is read, never recomputed
    kept_reads = counted(monkeypatch, stored, "read_analysis")
    assert again.planner.analysis.staff.equals(first.staff)
    assert again.kept_analysis() is again.analysis
    assert (len(analyses), len(kept_reads)) == (1, 1)


def test_building_one_snapshots_graphs_leaves_another_snapshot_free_to_build_its_own(
        stored: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The graphs are built under a lock of their snapshot's own (functools.cached_property on Python 3.11 locks
    a property for every instance): while one snapshot's are being built (the web's warm-up: seconds at scale),
    another's are built at once; two threads asking the same snapshot build its graphs once."""
    first, other = Snapshot.open(stored, "2026-01-05"), Snapshot.open(stored)
    first.dated, other.dated, first.options, other.options  # noqa: B018 - read here, in the store's thread
    started, release = threading.Event(), threading.Event()
    built: list[object] = []

    def held(dataset: Any, *args: Any) -> Any:  # the first build waits until released
        built.append(dataset)
        if len(built) == 1:
            started.set()
            release.wait(60)
        return build_graphs(dataset, *args)

    monkeypatch.setattr(netmap.snapshot, "build_graphs", held)
    asking = [threading.Thread(target=lambda: first.graphs) for _ in range(2)]
    asking[0].start()
    assert started.wait(60)
    asking[1].start()
    elsewhere = threading.Thread(target=lambda: other.graphs)
    elsewhere.start()
    elsewhere.join(20)
    free = not elsewhere.is_alive() and "graphs" in other.__dict__
    release.set()
    for thread in (*asking, elsewhere):
        thread.join(60)
    assert free  # built while the first snapshot's were still being built
    assert [id(d) for d in built] == [id(first.dated), id(other.dated)] and first.graphs.dataset is first.dated


def test_one_analysis_filters_staff_in_post_once(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset, _ = read_trust(tiny)
    filters = counted(monkeypatch, netmap.graphs, "staff_in_post")
    analyse_snapshot(dataset, "2026-01-05", options=QUICK)
    assert len(filters) == 1
    analyse_snapshot(dataset, "2026-03-01", options=QUICK)  # another date: its own filter
    assert len(filters) == 2


def test_other_options_are_analysed_and_kept_apart(stored: SQLiteStore) -> None:
    from netmap.analysis import AnalysisOptions

    Snapshot.open(stored).analyse()
    options = AnalysisOptions(dormant_share=0.9)
    assert Snapshot.open(stored, options=options).kept_analysis() is None
    Snapshot.open(stored, options=options).analyse()
    kept = Snapshot.open(stored, options=options).kept_analysis()
    assert kept is not None and kept.summary["options"]["dormant_share"] == 0.9


@dataclass(frozen=True)
class _Scope:
    people: frozenset[str] | None


def test_a_policy_view_names_only_the_people_in_scope(stored: SQLiteStore) -> None:
    snapshot = Snapshot.open(stored)
    assert snapshot.seen_by(_Scope(None)).people == {"S1", "S2", "S3", "S4"}
    lead = snapshot.seen_by(_Scope(frozenset({"S3", "S5", "nobody"})))  # S5 works at ASH, not yet in the trust
    assert lead.people == {"S3"} and list(lead.staff["staff_id"]) == ["S3"]
    assert snapshot.seen_by(_Scope(frozenset())).staff.empty


def test_a_snapshot_in_memory_reads_nothing_from_a_store(stored: SQLiteStore) -> None:
    stored_one = Snapshot.open(stored)
    what_if = Snapshot.in_memory(stored_one.info, stored_one.dataset, stored_one.analysis)
    assert what_if.analysis is stored_one.analysis and what_if.table("schools").equals(stored_one.dataset.schools)
    with pytest.raises(StorageError, match="held in memory"):
        _ = what_if.store


def test_every_command_shares_one_snapshot_option() -> None:
    with click.Context(main) as ctx:  # every command, loaded as `netmap NAME` would load it
        commands = {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    options = {name: next(p for p in command.params if "--snapshot" in getattr(p, "opts", ()))
               for name, command in commands.items() if command is not None
               if any("--snapshot" in getattr(p, "opts", ()) for p in command.params)}
    assert {"analyse", "export", "whatif", "recommend", "introduce", "risk", "find-expertise"} <= set(options)
    assert {(o.name, o.help, o.metavar, o.default) for o in options.values() if isinstance(o, click.Option)} == {
        ("snapshot_id", "Id of the snapshot: its date, or date-N for a later one of that day (default: the latest).",
         "ID", None)}


def test_planner_commands_read_the_kept_analysis(tiny: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "store.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(tiny), "--as-of", "2026-01-05"]).exit_code == 0
    analyses = counted(monkeypatch, netmap.snapshot, "analyse_snapshot")
    risk = runner.invoke(main, ["risk", "--snapshot", "2026-01-05", "--json", str(tmp_path / "risk.json")])
    introduce = runner.invoke(main, ["introduce", "--staff", "S2"])
    recommend = runner.invoke(main, ["recommend", "--school", "OAK"])
    assert [r.exit_code for r in (risk, introduce, recommend)] == [0, 0, 0], risk.output + introduce.output
    assert analyses == []  # every one read the analysis `load` kept
    graphs_built = counted(monkeypatch, netmap.snapshot, "build_graphs")
    to_help = runner.invoke(main, ["recommend"])  # the schools to help: the kept analysis suffices
    assert to_help.exit_code == 0 and "Then: netmap recommend --school ID" in to_help.output
    assert (analyses, graphs_built) == ([], [])
    graphs = build_graphs(read_trust(tiny)[0], "2026-01-05")
    fresh = Planner(graphs, analyse(graphs, QUICK)).leaver_risk()  # what the commands computed before
    assert (tmp_path / "risk.json").read_text().count('"staff_id"') == len(fresh.head(20))
    assert all(f"{r.staff_id:<10}{r.school_id:<10}" in risk.output for r in fresh.head(20).itertuples())


def test_a_snapshot_without_hidden_units_is_analysed_as_if_they_were_not_there(stored: SQLiteStore) -> None:
    """Without ELM (S3, S4) and HEADS: their people, ties and memberships are gone before analysis, their rows
    stay with nobody in them; the analysis is kept under its own key, beside the whole snapshot's, which does not
    change; the same hidden set gives the same object; nothing hidden gives the snapshot itself."""
    from netmap.snapshot import NOTHING_HIDDEN, Hidden

    whole = Snapshot.open(stored, "2026-01-05")
    hidden = Hidden(frozenset({"ELM"}), frozenset({"HEADS"}))
    narrowed = whole.without(hidden)
    assert whole.without(Hidden(frozenset({"ELM"}), frozenset({"HEADS"}))) is narrowed
    assert whole.without(NOTHING_HIDDEN) is whole
    schools = narrowed.analysis.schools.set_index("school_id")
    assert schools.loc["ELM", "staff"] == 0 and schools.loc["OAK", "staff"] == 2
    assert schools.loc["OAK", "external_ties"] == 0  # S1-S2 stays inside OAK; S2's ties to S3 are gone
    groups = narrowed.analysis.groups.set_index("group_id")
    assert groups.loc["HEADS", "members"] == 0 and groups.loc["MATHS", "members"] == 1  # S2; S3 left with ELM
    assert sorted(narrowed.table("staff")["staff_id"]) == ["S1", "S2", "S5"]
    assert whole.analysis.schools.set_index("school_id").loc["OAK", "external_ties"] == 1  # the whole, unchanged
    assert narrowed.analysis_key != whole.analysis_key
    reopened = Snapshot.open(stored, "2026-01-05").without(hidden)
    assert reopened.kept_analysis() is not None  # kept in the store: never analysed twice
    kept = Hidden(frozenset({"ELM"}), frozenset(), kept=frozenset({"S3"}))  # a person the role may name stays
    assert sorted(whole.without(kept).table("staff")["staff_id"]) == ["S1", "S2", "S3", "S5"]


def test_a_schools_island_graphs_are_built_alone_and_shared(stored: SQLiteStore) -> None:
    """On 2026-01-05 OAK and ELM are one island (ties, MATHS) and ASH another (S5: no tie, no group): each
    island's graphs are built once and hold exactly the whole graphs' people and ties there, without the whole
    snapshot's graphs being built; once those exist, they are what an island is given, and the islands' own are let
    go."""
    snapshot = Snapshot.open(stored, "2026-01-05")
    oak, ash = snapshot.island_graphs("OAK"), snapshot.island_graphs("ASH")
    assert "graphs" not in snapshot.__dict__  # the whole snapshot's graphs were not built
    assert snapshot.island_graphs("ELM") is oak  # shared, not rebuilt
    assert (sorted(oak.soft), sorted(ash.soft)) == (["S1", "S2", "S3", "S4"], ["S5"])
    whole = snapshot.graphs
    assert sorted(oak.soft.edges(data=True)) == sorted(whole.soft.edges(data=True))
    assert oak.groups_of == whole.groups_of and ash.school_of == {"S5": "ASH"}
    assert snapshot.island_graphs("ASH") is whole
    assert not snapshot._island_graphs  # one copy of each graph, not an island's beside the whole snapshot's
    with pytest.raises(KeyError):
        Snapshot.open(stored, "2026-01-05").island_graphs("NO SUCH SCHOOL")
