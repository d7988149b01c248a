"""H held as memberships: every link question answered as the explicit clique-expanded graph would answer it."""

from __future__ import annotations

import itertools
import random
import tracemalloc
from collections import Counter

import networkx as nx
import pytest

from netmap.hard_wiring import HardWiring


def _random_trust(seed: int) -> tuple[list[str], list[tuple[str, str]], dict[str, str]]:
    rng = random.Random(seed)
    people = [f"P{i:03d}" for i in range(60)]
    school_of = {p: f"SCH{rng.randrange(5)}" for p in people}
    memberships = [(p, f"G{g}") for g in range(8) for p in rng.sample(people, rng.randrange(0, 15))]
    memberships.append(("NOT-IN-POST", "G0"))
    return people, memberships, school_of


def _clique_expansion(people: list[str], memberships: list[tuple[str, str]]) -> nx.Graph:
    """The reference: an edge per pair sharing a group, weighted by the groups they share."""
    graph = nx.Graph()
    graph.add_nodes_from(people)
    members: dict[str, set[str]] = {}
    for person, group in memberships:
        if person in graph:
            members.setdefault(group, set()).add(person)
    for group_members in members.values():
        for a, b in itertools.combinations(sorted(group_members), 2):
            weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    return graph


@pytest.mark.parametrize("seed", range(6))
def test_every_answer_equals_the_clique_expanded_graph(seed: int) -> None:
    people, memberships, school_of = _random_trust(seed)
    hard, reference = HardWiring(people, memberships), _clique_expansion(people, memberships)
    assert "NOT-IN-POST" not in hard and len(hard) == len(people)
    assert hard.number_of_links() == reference.number_of_edges()
    assert {p: hard.degree(p) for p in people} == dict(reference.degree())
    assert {(a, b): w for a, b, w in hard.links()} == {tuple(sorted((a, b))): w
                                                       for a, b, w in reference.edges(data="weight")}
    chosen = set(people[::3])
    assert {(a, b) for a, b, _ in hard.links(chosen)} == {tuple(sorted(e)) for e in reference.subgraph(chosen).edges}
    expected: Counter[tuple[str, str]] = Counter()
    for a, b in reference.edges():
        sa, sb = sorted((school_of[a], school_of[b]))
        if sa != sb:
            expected[sa, sb] += 1
    assert hard.links_between_schools(school_of) == expected
    assert hard.cross_school_people(school_of) == {x for a, b in reference.edges()
                                                   if school_of[a] != school_of[b] for x in (a, b)}


def test_changes_apply_to_a_copy_only() -> None:
    hard = HardWiring(["A", "B", "C"], [("A", "G"), ("B", "G")])
    changed = hard.copy()
    changed.add_membership("C", "G")
    changed.remove_person("A")
    assert list(changed.links()) == [("B", "C", 1)] and "A" not in changed
    assert list(hard.links()) == [("A", "B", 1)] and hard.members("G") == {"A", "B"}


def test_memory_grows_with_memberships_not_with_the_square_of_group_size() -> None:
    """A 3,000-strong subject community is 4.5 million links; H holds 3,000 memberships, and counting its links
    keeps one co-member set at a time."""
    people = [f"P{i:05d}" for i in range(3000)]
    school_of = {p: f"SCH{i % 30}" for i, p in enumerate(people)}
    tracemalloc.start()
    hard = HardWiring(people, [(p, "MATHS") for p in people])
    links = hard.number_of_links()
    cross = hard.cross_school_people(school_of)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert links == 3000 * 2999 // 2 and len(cross) == 3000
    assert peak < 5_000_000  # bytes; one tuple per link alone would take over 300 MB
