"""Metrics equal independent implementations (NetworkX, igraph) within 1e-9 on classic graphs and the sample."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import pytest

import netmap.analysis.centrality as centrality
import netmap.workers as workers
from netmap.analysis.centrality import average_path_length, betweenness
from netmap.analysis.communities import louvain_communities
from netmap.analysis.structural_holes import structural_holes


def _davis() -> nx.Graph:
    davis = nx.davis_southern_women_graph()
    women = [n for n, d in davis.nodes(data=True) if d["bipartite"] == 0]
    return nx.bipartite.projected_graph(davis, women)


def _with_isolates() -> nx.Graph:
    G = nx.florentine_families_graph()
    G.add_nodes_from(["Loner", "Hermit"])  # isolates: constraint and effective size are undefined
    return G


GRAPHS = {"karate": nx.karate_club_graph, "florentine": _with_isolates, "davis": _davis}


@pytest.fixture(scope="module", params=[*GRAPHS, "sample"])
def graph(request: pytest.FixtureRequest) -> nx.Graph:
    if request.param == "sample":  # the session's sample graphs (conftest), read only: copied here
        G = _unweighted(request.getfixturevalue("sample_graphs").soft.to_undirected())
    else:
        G = _unweighted(GRAPHS[request.param]())
    G.graph["name"] = request.param
    return G


def _slow_in_networkx(G: nx.Graph) -> bool:
    """NetworkX's general constraint and all-pairs paths take minutes on the 2,000-staff sample; there the
    reference is igraph alone (betweenness, components and cores still use NetworkX on every graph)."""
    return G.graph["name"] == "sample"


def _unweighted(G: nx.Graph) -> nx.Graph:
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from(G.edges())
    return H


def _igraph(G: nx.Graph) -> tuple[ig.Graph, list]:
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    return ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in G.edges()]), nodes


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.slow
def test_betweenness_equals_networkx(graph: nx.Graph) -> None:
    ours, theirs = betweenness(graph), nx.betweenness_centrality(graph, normalized=True)
    assert ours.keys() == theirs.keys()
    assert all(_close(ours[v], theirs[v]) for v in graph)


def test_constraint_and_effective_size_equal_networkx_and_igraph(graph: nx.Graph) -> None:
    constraint, effective = structural_holes(graph)
    if not _slow_in_networkx(graph):
        nx_constraint, nx_effective = nx.constraint(graph), nx.effective_size(graph)
        assert all(_close(constraint[v], nx_constraint[v]) for v in graph)
        assert all(_close(effective[v], nx_effective[v]) for v in graph)
    g, nodes = _igraph(graph)
    for v, value in zip(nodes, g.constraint(), strict=True):
        assert _close(constraint[v], value)
    # Effective size from igraph's primitives: d - (d - 1) * local clustering (Borgatti 1997).
    for v, d, c in zip(nodes, g.degree(), g.transitivity_local_undirected(mode="zero"), strict=True):
        assert _close(effective[v], d - (d - 1) * c if d else math.nan)


def test_components_and_cores_equal_igraph(graph: nx.Graph) -> None:
    g, nodes = _igraph(graph)
    ours = sorted(sorted(map(str, c)) for c in nx.connected_components(graph))
    theirs = sorted(sorted(str(nodes[i]) for i in c) for c in g.connected_components())
    assert ours == theirs
    core = nx.core_number(graph)
    assert [core[v] for v in nodes] == g.coreness()


def test_average_path_length_exact_and_sampled(graph: nx.Graph) -> None:
    largest = graph.subgraph(max(nx.connected_components(graph), key=len))
    exact = average_path_length(largest)
    assert exact.exact
    if not _slow_in_networkx(graph):
        assert _close(exact.value, nx.average_shortest_path_length(largest))
    sampled = average_path_length(largest, exact_limit=10, sample_size=min(30, len(largest)), seed=3)
    assert not sampled.exact and sampled.sample_size == min(30, len(largest))
    assert abs(sampled.value - exact.value) <= 4 * sampled.standard_error + 1e-9


def test_louvain_is_as_good_as_networkx(graph: nx.Graph) -> None:
    """igraph's Louvain and NetworkX's are both heuristics: compare the modularity they reach, not partitions."""
    ours = louvain_communities(graph, seed=7)
    parts: dict[int, set] = {}
    for node, label in ours.items():
        parts.setdefault(label, set()).add(node)
    reference = nx.community.louvain_communities(graph, seed=7)
    assert nx.community.modularity(graph, parts.values()) >= nx.community.modularity(graph, reference) - 0.01


def test_louvain_is_deterministic_and_numbered_by_size(graph: nx.Graph) -> None:
    first, second = louvain_communities(graph, seed=7), louvain_communities(graph, seed=7)
    assert first == second
    sizes = [list(first.values()).count(k) for k in range(1, max(first.values()) + 1)]
    assert sizes == sorted(sizes, reverse=True)


@pytest.mark.parametrize(("edges", "expected"), [
    ([("a", "b"), ("b", "c")], {"a": 0.0, "b": 1.0, "c": 0.0}),                 # path: b is on the only route
    ([("h", x) for x in "wxyz"], {"h": 1.0, "w": 0.0, "x": 0.0, "y": 0.0, "z": 0.0}),  # star
    ([("a", "b"), ("b", "c"), ("c", "a")], {"a": 0.0, "b": 0.0, "c": 0.0}),     # triangle
    ([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")], dict.fromkeys("abcd", 1 / 6)),  # square: half of 1 pair
])
def test_betweenness_by_hand(edges: list, expected: dict) -> None:
    assert betweenness(nx.Graph(edges)) == pytest.approx(expected)


@pytest.mark.parametrize(("edges", "node", "constraint", "effective"), [
    ([("e", "a"), ("e", "b")], "e", 0.5, 2.0),                      # two unconnected contacts: (1/2)^2 * 2
    ([("e", "a"), ("e", "b"), ("a", "b")], "e", 2 * (3 / 4) ** 2, 1.0),  # closed triad: (1/2 + 1/4)^2 each
    ([("e", "a")], "e", 1.0, 1.0),                                  # a single contact constrains fully
])
def test_structural_holes_by_hand(edges: list, node: str, constraint: float, effective: float) -> None:
    c, e = structural_holes(nx.Graph(edges))
    assert (c[node], e[node]) == pytest.approx((constraint, effective))


def test_structural_holes_refuses_directed_graphs() -> None:
    with pytest.raises(ValueError, match="undirected"):
        structural_holes(nx.DiGraph([("a", "b")]))


def test_tiny_graphs() -> None:
    assert betweenness(nx.Graph([("a", "b")])) == {"a": 0.0, "b": 0.0}
    single = nx.Graph()
    single.add_node("a")
    assert average_path_length(single).value is None



# ---- weighted (--set weighted=true): strength as weight, distance 1/weight -------------------------------
def _power_of_two_weights(G: nx.Graph, seed: int) -> nx.Graph:
    """G with weights 1, 2, 4 or 8: distances 1/w are exact binary fractions, so shortest paths that tie
    really tie in both implementations (float sums like 1/3 + 1/6 could split a tie one way or the other)."""
    import random

    rng = random.Random(seed)
    H = _unweighted(G)
    for a, b in H.edges():
        H[a][b]["weight"] = float(rng.choice([1, 2, 4, 8]))
    return H


WEIGHTED = {name: (lambda make=make, k=k: _power_of_two_weights(make(), k))
            for k, (name, make) in enumerate(GRAPHS.items())}


@pytest.mark.parametrize("name", WEIGHTED)
def test_weighted_betweenness_equals_networkx_and_igraph(name: str) -> None:
    G = WEIGHTED[name]()
    for a, b in G.edges():
        G[a][b]["distance"] = 1.0 / G[a][b]["weight"]
    ours = betweenness(G, weight="weight")
    theirs = nx.betweenness_centrality(G, normalized=True, weight="distance")
    graph, nodes = _igraph(G)
    n = len(nodes)
    raw = graph.betweenness(directed=False, weights=[1.0 / G[nodes[e.source]][nodes[e.target]]["weight"]
                                                     for e in graph.es])
    for i, v in enumerate(nodes):
        assert ours[v] == pytest.approx(theirs[v], abs=1e-9)
        assert ours[v] == pytest.approx(raw[i] * 2 / ((n - 1) * (n - 2)), abs=1e-9)
    assert ours != betweenness(G)  # the weights do change the answer


@pytest.mark.parametrize("name", [*WEIGHTED, "sample"])
def test_weighted_constraint_equals_igraph_and_networkx(name: str, request: pytest.FixtureRequest) -> None:
    G = request.getfixturevalue("sample_graphs").weighted_undirected if name == "sample" else WEIGHTED[name]()
    constraint, effective = structural_holes(G, weight="weight")
    graph, nodes = _igraph(G)
    reference = graph.constraint(weights=[G[nodes[e.source]][nodes[e.target]]["weight"] for e in graph.es])
    networkx_values = None if name == "sample" else nx.constraint(G, weight="weight")
    for i, v in enumerate(nodes):
        if G.degree(v) == 0:
            assert math.isnan(constraint[v])
            continue
        assert constraint[v] == pytest.approx(reference[i], abs=1e-9)
        if networkx_values is not None:
            assert constraint[v] == pytest.approx(networkx_values[v], abs=1e-9)
    unweighted = structural_holes(_unweighted(G))[1]  # effective size stays a count of non-redundant contacts
    assert all(_close(effective[v], unweighted[v]) for v in G)


# Each run starts worker processes (seconds): karate covers the split in the fast set
@pytest.mark.parametrize("name", ["karate", *(pytest.param(n, marks=pytest.mark.slow)
                                               for n in ("florentine", "sample"))])
def test_betweenness_split_over_processes_is_the_same(name: str, request: pytest.FixtureRequest) -> None:
    """Split by source over worker processes (netmap.workers), betweenness equals the one-process answer and
    NetworkX's to 1e-9, isolates and a weighted run included."""
    G = _unweighted(request.getfixturevalue("sample_graphs").soft.to_undirected() if name == "sample"
                    else GRAPHS[name]())
    one, split = betweenness(G, jobs=1), betweenness(G, jobs=3)
    assert all(_close(one[v], split[v]) for v in G)
    if name != "sample":
        theirs = nx.betweenness_centrality(G, normalized=True)
        assert all(_close(split[v], theirs[v]) for v in G)
        W = WEIGHTED[name]()
        assert all(_close(a, b) for a, b in zip(betweenness(W, "weight", jobs=1).values(),
                                                 betweenness(W, "weight", jobs=2).values(), strict=True))


@pytest.mark.parametrize(("load", "cores", "free"), [
    (0.0, 2, 2), (1.0, 2, 2),  # this process alone: both cores
    (1.6, 2, 1), (2.0, 2, 1), (25.0, 2, 1),  # another process busy, or many: one (never none)
    (3.0, 8, 6),
])
def test_free_cores_leave_out_the_cores_others_hold(monkeypatch: pytest.MonkeyPatch, load: float, cores: int,
                                                    free: int) -> None:
    monkeypatch.setattr(centrality.os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(centrality.os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert centrality.free_cores() == free


def test_betweenness_stays_in_one_process_when_the_cores_are_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine a split would wait for the other cores and run slower than igraph alone: no worker is
    started, and the answer is igraph's."""
    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("worker processes started on a busy machine")

    monkeypatch.setattr(centrality.os, "getloadavg", lambda: (25.0, 25.0, 25.0))
    monkeypatch.setattr(workers.subprocess, "Popen", never)
    G = nx.path_graph(centrality.PARALLEL_MIN_NODES)
    found = betweenness(G)
    n = centrality.PARALLEL_MIN_NODES
    assert found[0] == 0.0 and found[n // 2] == pytest.approx((n // 2) * (n - 1 - n // 2) / ((n - 1) * (n - 2) / 2))
