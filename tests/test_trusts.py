"""A partnership of trusts in one store (netmap.trusts; docs/partnerships.md): the trust columns' checks, a
trust's view and the partnership's, on a hand-built partnership (tests/data/partnership) whose betweenness is
worked by hand below."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import igraph as ig
import pytest

from netmap.analysis.options import AnalysisOptions
from netmap.dataset import Dataset
from netmap.ingest.validate import read_trust, validate_source
from netmap.snapshot import Hidden, Snapshot
from netmap.store import SQLiteStore
from netmap.trusts import cross_trust_ties, trust_of_staff, trusts_of, within_trusts
from tests.conftest import edit
from tests.trusts import PARTNERSHIP

NORTH, SOUTH, WEST = "NORTH", "SOUTH", "WEST"


@pytest.fixture
def partnership(tmp_path: Path) -> Path:
    """A writable copy of tests/data/partnership: trusts NORTH (NA of 4 staff, NB of none), SOUTH (SA, 4) and
    WEST (WA, 2)."""
    return Path(shutil.copytree(PARTNERSHIP, tmp_path / "partnership"))


@pytest.fixture
def snapshot(tmp_path: Path) -> Iterator[Snapshot]:
    """The hand-built partnership stored and opened (no stability draws: the named lists are not tested here)."""
    dataset = read_trust(PARTNERSHIP)[0]
    with SQLiteStore(tmp_path / "store.db") as store:
        info = store.write_snapshot(dataset, "2026-07-01", source="test").snapshot
        yield Snapshot(info, store, AnalysisOptions(stability_draws=0))


def _errors(folder: Path) -> list[tuple[str, str, int | None, str | None]]:
    _, report = validate_source(folder)
    return [(p.rule, p.file, p.row, p.column) for p in report.errors]


def test_partnership_is_valid_and_names_its_trusts() -> None:
    dataset, report = validate_source(PARTNERSHIP)
    assert report.ok and dataset is not None
    # NB leaves trust_name blank after NA gave it: the first name stands
    assert trusts_of(dataset.schools) == {NORTH: "Northern Schools Trust", SOUTH: "Southern Learning Trust",
                                          WEST: "Western Academies"}


@pytest.mark.parametrize(("change", "expected"), [
    (("schools", "WA,West Acre Primary,primary,2017-09-01,West,WEST", "WA,West Acre Primary,primary,2017-09-01,West,"),
     ("trust-missing", "schools.csv", 5, "trust_id")),
    (("schools", "North Brook Academy,secondary,2015-09-01,North,NORTH,",
      "North Brook Academy,secondary,2015-09-01,North,NORTH,North Trust"),
     ("trust-name", "schools.csv", 3, "trust_name")),
])
def test_each_trust_rule_names_file_row_and_column(partnership: Path, change: tuple[str, str, str],
                                                   expected: tuple[str, str, int, str]) -> None:
    edit(partnership, *change)
    assert _errors(partnership) == [expected]
    assert validate_source(partnership)[0] is None


def test_a_store_of_one_trust_is_unchanged(tiny: Path) -> None:
    """No trust_id: one trust, as before: the columns are not stored (the content hash holds), nothing is
    narrowed, and a view's kept analysis is filed under the same key as before trusts existed."""
    dataset = read_trust(tiny)[0]
    stored = dict(dataset.stored_tables())
    assert "trust_id" not in stored["schools"].columns and "trust_name" not in stored["schools"].columns
    assert trusts_of(dataset.schools) == {} and trust_of_staff(dataset) == {}
    assert within_trusts(dataset, frozenset()) is dataset
    # a snapshot naming no trust belongs to no trust: a trust's view of it holds nobody (fail closed)
    assert within_trusts(dataset, frozenset({NORTH})).staff.empty
    assert cross_trust_ties(dataset).empty
    # the key of a hidden set without trusts is what it was (the digest of schools, groups and kept alone)
    assert Hidden(frozenset({"OAK"})).key == "374d7fa38681ca30"
    assert not Hidden() and Hidden(within=frozenset({NORTH}))


def test_a_trust_view_holds_nothing_of_another_trust() -> None:
    dataset = read_trust(PARTNERSHIP)[0]
    north = within_trusts(dataset, frozenset({NORTH}))
    assert set(north.schools["school_id"]) == {"NA", "NB"}
    assert set(north.staff["staff_id"]) == {"N1", "N2", "N3", "BEA"}
    # MATHS spans NORTH and SOUTH: NORTH's view keeps it with NORTH's members only
    assert set(north.groups["group_id"]) == {"MATHS", "NMATHS"}
    assert set(north.memberships["staff_id"]) == {"N1", "N2", "N3", "BEA"}
    ends = set(north.collaborations["source_staff_id"]) | set(north.collaborations["target_staff_id"])
    assert ends == {"N1", "N2", "N3", "BEA"}  # BEA-S1 and W1-N1 cross trusts: gone
    south = within_trusts(dataset, frozenset({SOUTH}))
    assert set(south.groups["group_id"]) == {"MATHS", "SREAD"}  # NMATHS has no SOUTH member: not even its row
    west = within_trusts(dataset, frozenset({WEST}))
    assert west.groups.empty and set(west.staff["staff_id"]) == {"W1", "W2"}


def test_cross_trust_ties_count_each_colleague_once() -> None:
    dataset = read_trust(PARTNERSHIP)[0]
    both = within_trusts(dataset, frozenset({NORTH, SOUTH}))
    table = cross_trust_ties(both)
    assert table.to_dict("records") == [
        {"staff_id": "BEA", "trust_id": NORTH, "other_trust_colleagues": 1},
        {"staff_id": "S1", "trust_id": SOUTH, "other_trust_colleagues": 1}]


def test_bea_bridges_the_two_trusts_only_in_the_partnership_view(snapshot: Snapshot) -> None:
    """What a user should conclude: in NORTH alone Bea is one of four colleagues who all work together (nobody
    brokers anything); in the NORTH and SOUTH partnership, Bea is the one person through whom NORTH reaches
    SOUTH. By hand: 8 people, (8-1)(8-2)/2 = 21 pairs of others; every shortest path between N1, N2, N3 and the
    four of SOUTH (12 pairs) runs through Bea: 12/21; through S1, those between N1, N2, N3, Bea and S2, S3, S4
    (12 pairs): 12/21."""
    north = snapshot.without(Hidden(within=frozenset({NORTH}))).analysis.staff.set_index("staff_id")
    assert north["betweenness"].to_dict() == {"BEA": 0.0, "N1": 0.0, "N2": 0.0, "N3": 0.0}
    assert north.loc["BEA", "ona_role"] != "broker"
    view = snapshot.without(Hidden(within=frozenset({NORTH, SOUTH})))
    staff = view.analysis.staff.set_index("staff_id")
    assert set(staff.index) == {"BEA", "N1", "N2", "N3", "S1", "S2", "S3", "S4"}  # WEST left out
    assert staff.loc["BEA", "betweenness"] == pytest.approx(12 / 21)
    assert staff.loc["S1", "betweenness"] == pytest.approx(12 / 21)
    assert staff.loc["N1", "betweenness"] == 0.0  # N1's tie to W1 counts only with WEST in the partnership
    assert staff.loc["BEA", "ona_role"] == "broker"
    # an independent implementation: igraph's betweenness on the same ties, normalised as NetworkX does
    ties = view.dataset.collaborations
    graph = ig.Graph.TupleList(zip(ties["source_staff_id"], ties["target_staff_id"], strict=True))
    n = graph.vcount()
    by_igraph = dict(zip(graph.vs["name"], graph.betweenness(directed=False), strict=True))
    for person, value in by_igraph.items():
        assert staff.loc[person, "betweenness"] == pytest.approx(value / ((n - 1) * (n - 2) / 2))


def test_a_trust_view_is_kept_under_its_own_key(snapshot: Snapshot) -> None:
    whole = snapshot.analysis_key
    north = snapshot.without(Hidden(within=frozenset({NORTH})))
    assert north.analysis_key != whole and north.analysis_key.startswith(whole)
    assert snapshot.without(Hidden(within=frozenset({NORTH}))) is north  # built once
    assert isinstance(north.dataset, Dataset) and set(north.table("schools")["school_id"]) == {"NA", "NB"}
