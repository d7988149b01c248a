"""Gould-Fernandez brokerage: the five roles on hand-worked triads, and a brute force on random graphs."""

from __future__ import annotations

import random
from itertools import permutations

import networkx as nx
import pytest

from netmap.analysis.brokerage import ROLES, brokerage_roles

ZERO = dict.fromkeys(ROLES, 0)


@pytest.mark.parametrize(("groups", "role"), [
    ({"i": 1, "v": 1, "j": 1}, "coordinator"),     # all in one school
    ({"i": 1, "v": 2, "j": 1}, "consultant"),      # broker outside the pair's school
    ({"i": 1, "v": 1, "j": 2}, "representative"),  # broker passes from their own school out
    ({"i": 2, "v": 1, "j": 1}, "gatekeeper"),      # broker lets an outsider in to their own school
    ({"i": 1, "v": 2, "j": 3}, "liaison"),         # three different schools
])
def test_each_role_on_one_open_triad(groups: dict, role: str) -> None:
    G = nx.DiGraph([("i", "v"), ("v", "j")])
    assert brokerage_roles(G, groups)["v"] == {**ZERO, role: 1}
    assert brokerage_roles(G, groups)["i"] == ZERO


def test_a_direct_tie_closes_the_triad() -> None:
    G = nx.DiGraph([("i", "v"), ("v", "j"), ("i", "j")])
    assert brokerage_roles(G, {"i": 1, "v": 1, "j": 1})["v"] == ZERO


def test_the_reverse_tie_does_not_close_it() -> None:
    G = nx.DiGraph([("i", "v"), ("v", "j"), ("j", "i")])  # j -> i exists, i -> j does not
    roles = brokerage_roles(G, {"i": 1, "v": 1, "j": 1})
    assert roles["v"]["coordinator"] == 1


def test_mutual_ties_are_not_a_path_back_to_the_start() -> None:
    G = nx.DiGraph([("i", "v"), ("v", "i")])
    assert brokerage_roles(G, {"i": 1, "v": 2})["v"] == ZERO


def test_star_broker_counts_every_ordered_pair() -> None:
    # v hears from a and b (school 1) and tells c and d (school 2): 4 representative two-paths, plus v -> a
    G = nx.DiGraph([("a", "v"), ("b", "v"), ("v", "c"), ("v", "d")])
    groups = {"a": 2, "b": 2, "v": 2, "c": 3, "d": 3}
    assert brokerage_roles(G, groups)["v"] == {**ZERO, "representative": 4}


def _brute_force(G: nx.DiGraph, group: dict) -> dict:
    counts = {v: dict(ZERO) for v in G}
    for i, v, j in permutations(G, 3):
        if G.has_edge(i, v) and G.has_edge(v, j) and not G.has_edge(i, j):
            gi, gv, gj = group[i], group[v], group[j]
            if gi == gv == gj:
                role = "coordinator"
            elif gi == gj:
                role = "consultant"
            elif gi == gv:
                role = "representative"
            elif gj == gv:
                role = "gatekeeper"
            else:
                role = "liaison"
            counts[v][role] += 1
    return counts


@pytest.mark.parametrize("seed", range(12))
def test_equals_brute_force_enumeration_of_every_two_path(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(5, 18)
    G = nx.gnp_random_graph(n, rng.uniform(0.1, 0.5), seed=seed, directed=True)
    group = {v: rng.randint(1, rng.randint(1, 4)) for v in G}
    assert brokerage_roles(G, group) == _brute_force(G, group)
