"""Islands and batched analysis: analysing a snapshot a batch of islands at a time gives the whole-graph result."""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from netmap.analysis import Analysis, analyse
from netmap.analysis.engine import analyse_snapshot
from netmap.analysis.islands import Batches, Islands, island_of_schools_and_groups
from netmap.analysis.qap import person_qap
from netmap.dataset import Dataset
from netmap.graphs import TrustGraphs, build_graphs, number_of_undirected_ties
from netmap.ingest.validate import read_trust
from netmap.sample.generator import generate_sample
from tests.conftest import QUICK
from tests.trusts import PLANTED

AS_OF = "2026-07-01"
# The hubs trust (2,400 staff, analysed whole and in batches) is slow: the fast set checks islands and batching on
# the planted trust (test_planted_islands_by_hand, test_batched_planted_trust_equals_the_whole_graph).
HUBS = pytest.mark.slow


@pytest.fixture(scope="module")
def hubs(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """60 schools in two independent 30-school hubs (the generator never ties two hubs together); two of its
    planted isolated schools (SCH19, SCH38) are in no group either, so no tie or group reaches them: four
    islands."""
    folder = tmp_path_factory.mktemp("hubs")
    generate_sample(folder, schools=60, staff=2400, seed=11)
    return read_trust(folder)[0]


def test_planted_islands_by_hand() -> None:
    """A, B and C are joined by ties and groups; D has ties only inside and no group; every group has members."""
    island = island_of_schools_and_groups(read_trust(PLANTED)[0], AS_OF)
    assert island["school", "A"] == island["school", "B"] == island["school", "C"] == island["group", "DORM"] == 0
    assert island["school", "D"] == 1


@HUBS
def test_hubs_are_islands_and_batches_hold_whole_islands(hubs: Dataset) -> None:
    island = island_of_schools_and_groups(hubs, AS_OF)
    assert len(set(island.values())) == 4
    # numbered by smallest school id: the hubs hold CENTRAL1 and CENTRAL2, which sort before SCH19 and SCH38
    assert (island["school", "CENTRAL1"], island["school", "CENTRAL2"], island["school", "SCH19"],
            island["school", "SCH38"]) == (0, 1, 2, 3)
    batches = list(Batches(hubs, AS_OF, max_staff=900))  # each hub alone is over 900
    # each hub's 29 reachable schools and central team, then the two unreachable schools together
    assert [len(b.schools) for b in batches] == [30, 30, 2]
    assert sorted(s for b in batches for s in b.schools["school_id"]) == sorted(hubs.schools["school_id"])
    assert sum(len(b.collaborations) for b in batches) == len(hubs.collaborations)
    batch_of = {s: k for k, b in enumerate(batches) for s in b.schools["school_id"]}
    for number in set(island.values()):  # an island is never split between batches
        assert len({batch_of[s] for (kind, s), n in island.items() if kind == "school" and n == number}) == 1
    assert list(Batches(hubs, AS_OF, max_staff=10**6)) == [hubs]


def _same(batched: Analysis, whole: Analysis) -> None:
    for name in ("staff", "schools", "groups", "wiring"):
        pd.testing.assert_frame_equal(getattr(batched, name), getattr(whole, name), check_exact=False, rtol=1e-12,
                                      atol=1e-15)
    _same_value(batched.summary, whole.summary)


def _same_value(a: object, b: object) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()  # type: ignore[union-attr]
        for key in a:
            _same_value(a[key], b[key])  # type: ignore[index]
    elif isinstance(a, float) and not math.isnan(a):
        assert a == pytest.approx(b, rel=1e-12)
    else:
        assert a == b


@pytest.fixture(scope="module")
def whole(hubs: Dataset) -> Analysis:
    """The hubs analysed as one graph, once for the module (an analysis is plain data, never changed by a test)."""
    return analyse(build_graphs(hubs, AS_OF), QUICK)


@HUBS
@pytest.mark.parametrize("batch_staff", [1, 900, 2000])
def test_batched_analysis_equals_the_whole_graph(hubs: Dataset, whole: Analysis, batch_staff: int) -> None:
    _same(analyse_snapshot(hubs, AS_OF, batch_staff=batch_staff, options=QUICK), whole)


def test_batched_planted_trust_equals_the_whole_graph() -> None:
    dataset = read_trust(PLANTED)[0]
    _same(analyse_snapshot(dataset, AS_OF, batch_staff=1, options=QUICK), analyse(build_graphs(dataset, AS_OF), QUICK))


def test_the_person_qap_of_batches_is_the_whole_graphs() -> None:
    """The engine's person x person QAP, from each batch's ties, groups and hard links, equals person_qap on the
    whole snapshot's U and H (the same relabellings), with no graph of everyone built."""
    dataset = read_trust(PLANTED)[0]
    graphs = build_graphs(dataset, AS_OF)
    batched = analyse_snapshot(dataset, AS_OF, batch_staff=1).summary["wiring"]["qap"]["people"]
    assert batched == asdict(person_qap(graphs.undirected, graphs.hard, 999, 7))
    assert batched["correlation"] is not None and 0 < batched["p_value"] < 1


@HUBS
def test_trust_wide_quantities_against_networkx(hubs: Dataset) -> None:
    """Betweenness normalised by the whole trust, and the school modularity, as NetworkX computes them whole."""
    graphs = build_graphs(hubs, AS_OF)
    undirected = graphs.undirected
    result = analyse_snapshot(hubs, AS_OF, batch_staff=900, options=QUICK)
    assert number_of_undirected_ties(hubs, AS_OF) == undirected.number_of_edges()
    school = nx.get_node_attributes(undirected, "school_id")
    parts: dict[str, set] = {}
    for person in undirected:
        parts.setdefault(school[person], set()).add(person)
    assert result.summary["school_modularity"] == pytest.approx(nx.community.modularity(undirected, parts.values()))
    sample = sorted(undirected)[::97]
    reference = nx.betweenness_centrality(undirected, normalized=True)
    ours = result.staff.set_index("staff_id")["betweenness"]
    assert [ours[p] for p in sample] == pytest.approx([reference[p] for p in sample], abs=1e-12)
    communities: dict[int, set] = {}
    for person, number in zip(result.staff["staff_id"], result.staff["community"], strict=True):
        communities.setdefault(number, set()).add(person)
    found = nx.community.modularity(undirected, communities.values())
    assert found >= nx.community.modularity(undirected, nx.community.louvain_communities(undirected, seed=7)) - 0.01


@HUBS
def test_progress_names_each_batch(hubs: Dataset) -> None:
    seen: list[tuple[str, int, int]] = []
    analyse_snapshot(hubs, AS_OF, progress=lambda *told: seen.append(told), batch_staff=900, options=QUICK)
    assert seen[:6] == [("staff", 0, 15), ("schools", 1, 15), ("groups", 2, 15), ("wiring", 3, 15),
                        ("summary", 4, 15), ("staff (batch 2 of 3)", 5, 15)]
    assert seen[-1] == ("summary (batch 3 of 3)", 14, 15) and len(seen) == 15


def _restricted(graphs: TrustGraphs, people: set[str]) -> tuple[list, list, dict, dict]:
    """S's nodes and edges with their data, each person's school and groups, among `people`, in a fixed order."""
    soft = graphs.soft.subgraph(people)
    return (sorted(soft.nodes(data=True)), sorted(soft.edges(data=True)),
            {p: s for p, s in graphs.school_of.items() if p in people},
            {p: g for p, g in graphs.groups_of.items() if p in people})


def test_an_islands_graphs_are_the_whole_graphs_restricted_to_it() -> None:
    """PLANTED's two islands (A, B, C with their groups; D alone): each island's graphs hold exactly the whole
    graphs' people, ties (with their kinds and weights), schools and groups of that island."""
    dataset = read_trust(PLANTED)[0]
    whole = build_graphs(dataset, AS_OF)
    islands = Islands(dataset, AS_OF)
    assert len(islands) == 2 and "A" in islands and "Z" not in islands
    assert islands.number_of("A") == islands.number_of("C") == 0 and islands.number_of("D") == 1
    seen: set[str] = set()
    for number in range(len(islands)):
        part = build_graphs(islands.dataset_of(number), AS_OF)
        people = set(part.soft)
        assert _restricted(part, people) == _restricted(whole, people)
        assert part.undirected.number_of_edges() == whole.undirected.subgraph(people).number_of_edges()
        seen |= people
    assert seen == set(whole.soft)  # every person in post is in one island
    assert {p for p, s in whole.school_of.items() if s == "D"} == set(build_graphs(islands.dataset_of(1), AS_OF).soft)


def test_the_largest_island_is_the_one_with_most_staff(tmp_path: Path) -> None:
    """PLANTED: A, B and C's island outnumbers D's, and its first school is A; a trust whose second island is the
    larger gives that island's school; a trust without schools, none."""
    dataset = read_trust(PLANTED)[0]
    islands = Islands(dataset, AS_OF)
    staff = dataset.staff["school_id"].map(islands.number_of).value_counts()
    assert staff[0] > staff[1] and islands.largest_school() == "A"
    (tmp_path / "schools.csv").write_text("school_id,name,phase,joined_on\nA,Ash,primary,2015-09-01\n"
                                          "B,Birch,primary,2015-09-01\n")
    (tmp_path / "staff.csv").write_text("staff_id,school_id,role,name,subjects\na1,A,teacher,Ann,\n"
                                        "b1,B,teacher,Bea,\nb2,B,teacher,Ben,\nb3,B,teacher,Bo,\n")
    (tmp_path / "collaborations.csv").write_text("source_staff_id,target_staff_id,kind\nb1,b2,advice\n")
    (tmp_path / "groups.csv").write_text("group_id,name,kind,subject,phase\nHEADS,Heads,expert-network,,\n")
    (tmp_path / "memberships.csv").write_text("staff_id,group_id,role\na1,HEADS,lead\n")
    two = Islands(read_trust(tmp_path)[0], AS_OF)
    assert (len(two), two.largest_school()) == (2, "B")
    assert Islands(Dataset.from_tables({}), AS_OF).largest_school() is None
