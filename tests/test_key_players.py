"""Key-player sets against an independent brute force (every set of k people, scored from scratch) and hand-worked
networks; greedy against it where it must agree and where the docs say it falls short."""

from __future__ import annotations

import functools
import itertools

import networkx as nx
import numpy as np
import pytest

from netmap.analysis.key_players import (
    fragmentation,
    fragmenting_players,
    pairs_cut_apart,
    reaching_players,
    two_step_reach,
)


@functools.cache
def _adjacency(G: nx.Graph) -> np.ndarray:
    """G's adjacency matrix (nodes in G's order) with the diagonal set: who reaches whom in at most one step."""
    return nx.to_numpy_array(G, dtype=np.int64) + np.eye(len(G), dtype=np.int64)


def _brute_fragmentation(G: nx.Graph, removed: tuple) -> float:
    """Borgatti's F from its pair definition: the share of ordered pairs of the people left with no path, the
    paths found by squaring the reachability matrix of the people left until it stops growing (no components)."""
    left = [i for i, v in enumerate(G) if v not in removed]
    if len(left) < 2:
        return 1.0
    reach = _adjacency(G)[np.ix_(left, left)] > 0
    while not np.array_equal(grown := (reach.astype(np.int64) @ reach.astype(np.int64)) > 0, reach):
        reach = grown
    return int((~reach).sum()) / (len(left) * (len(left) - 1))


def _brute_reach(G: nx.Graph, chosen: tuple) -> int:
    near = set()
    for v in chosen:
        near |= set(nx.single_source_shortest_path_length(G, v, cutoff=2))
    return len(near - set(chosen))


def _best(G: nx.Graph, k: int, score) -> tuple[float, set[tuple]]:
    """The best score over every set of k people, and every set reaching it."""
    scored = {chosen: score(G, chosen) for chosen in itertools.combinations(list(G), k)}
    top = max(scored.values())
    return top, {frozenset(c) for c, value in scored.items() if value >= top - 1e-12}


def _graphs() -> list[nx.Graph]:
    graphs = [nx.gnp_random_graph(n, p, seed=seed) for seed, (n, p) in enumerate(
        [(8, 0.25), (12, 0.15), (16, 0.12), (20, 0.1), (25, 0.08), (25, 0.12)])]
    graphs.append(nx.relabel_nodes(nx.random_labeled_tree(18, seed=4), lambda v: f"p{v:02d}"))
    return graphs


@pytest.mark.parametrize(("G", "k"), [(G, k) for G in _graphs() for k in (1, 2, 3) if k < 3 or len(G) < 25]
                         + [(_graphs()[-2], 3)], ids=lambda x: str(x) if isinstance(x, int) else f"n{len(x)}")
def test_exhaustive_search_equals_brute_force(G: nx.Graph, k: int) -> None:
    found = fragmenting_players(G, k)
    top, best = _best(G, k, _brute_fragmentation)
    assert found.exact and found.score == pytest.approx(top) and frozenset(found.people) in best
    assert found.baseline == pytest.approx(_brute_fragmentation(G, ()))
    reached = reaching_players(G, k)
    top, best = _best(G, k, _brute_reach)
    assert reached.exact and reached.score == top and frozenset(reached.people) in best


@pytest.mark.parametrize("G", _graphs(), ids=lambda G: f"n{len(G)}m{G.number_of_edges()}")
def test_greedy_is_exact_for_one_person(G: nx.Graph) -> None:
    greedy = fragmenting_players(G, 1, exact_sets=0)
    assert not greedy.exact
    assert greedy.score == pytest.approx(_best(G, 1, _brute_fragmentation)[0])
    assert reaching_players(G, 1, exact_sets=0).score == _best(G, 1, _brute_reach)[0]


@pytest.mark.parametrize(("G", "k"), [
    (nx.barbell_graph(5, 3), 2),  # two cliques on a path of three: cut it twice
    (nx.star_graph(9), 2),
    (nx.path_graph(7), 2),
    (nx.balanced_tree(2, 3), 3),
])
def test_greedy_equals_brute_force_where_cut_points_compose(G: nx.Graph, k: int) -> None:
    greedy = fragmenting_players(G, k, exact_sets=0)
    assert greedy.score == pytest.approx(_best(G, k, _brute_fragmentation)[0])
    assert reaching_players(G, k, exact_sets=0).score == _best(G, k, _brute_reach)[0]


@pytest.mark.parametrize("G", _graphs()[:6], ids=lambda G: f"n{len(G)}m{G.number_of_edges()}")
def test_reach_chosen_among_some_people_equals_brute_force(G: nx.Graph) -> None:
    """KPP-Pos restricted to every other person (a challenge's seeds are chosen among those relevant to it),
    whom they reach counted over everyone: exhaustive and greedy against every set of the allowed people."""
    among = sorted(G)[::2]
    scored = {chosen: _brute_reach(G, chosen) for chosen in itertools.combinations(among, 2)}
    top = max(scored.values())
    exact = reaching_players(G, 2, among=among)
    assert exact.exact and exact.score == top and scored[tuple(sorted(exact.people))] == top
    greedy = reaching_players(G, 2, among=among, exact_sets=0)
    assert set(greedy.people) <= set(among) and greedy.score >= (1 - 1 / 2.718281828) * top
    assert reaching_players(G, 1, among=among, exact_sets=0).score == max(_brute_reach(G, (v,)) for v in among)
    with pytest.raises(ValueError, match=r"\(1 of them to choose from\), not 2"):
        reaching_players(G, 2, among=[among[0], "not in the network"])


def test_greedy_falls_short_on_a_path_of_five_as_documented() -> None:
    path = nx.path_graph(5)
    assert fragmenting_players(path, 2).people == (1, 3)
    assert fragmenting_players(path, 2).score == 1.0
    assert fragmenting_players(path, 2, exact_sets=0).score == pytest.approx(2 / 3)


def test_hand_worked_values() -> None:
    """A bridge person b joins two triangles: without b, two groups of three; 2 x 3 x 3 = 18 ordered pairs of 36
    are apart (F = 0.5), and 9 pairs that could reach each other no longer can."""
    G = nx.Graph([("a1", "a2"), ("a2", "a3"), ("a1", "a3"), ("a3", "b"), ("b", "c1"), ("c1", "c2"), ("c2", "c3"),
                  ("c1", "c3")])
    assert fragmentation(G) == 0.0
    assert fragmentation(G, ["b"]) == pytest.approx(18 / 30)  # 6 left: 30 ordered pairs, 18 apart
    assert pairs_cut_apart(G, ["b"]) == 9
    assert fragmenting_players(G, 1).people == ("b",)
    assert two_step_reach(G, ["b"]) == 6 and reaching_players(G, 1).people == ("b",)
    assert two_step_reach(G, ["a1", "c2"]) == 5  # a2 a3 b | c1 c3 b: b counted once
    assert fragmentation(nx.empty_graph(1)) == 1.0


def test_k_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="k must be between 1 and the 3 people in the network, not 4"):
        fragmenting_players(nx.path_graph(3), 4)


def test_key_players_command_on_the_planted_trust(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted trust (11 in post): without a1, A-B (a2 a3 b1 b2 b3) and C (c1 c2) part; with a4 and D apart
    already, fragmentation goes from 1 - 58/110 to 1 - 24/90, and 21 + 1 - 12 = 10 pairs are cut apart."""
    import json

    from click.testing import CliRunner

    from netmap.cli import main
    from tests.trusts import PLANTED

    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(PLANTED), "--as-of", "2026-07-01"]).exit_code == 0
    result = runner.invoke(main, ["key-players", "--k", "1", "--json", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "If this person leaves (every set compared: the best):",
        "  Head of A (a1, A)",
        "  Pairs of colleagues with no chain of collaboration between them: 47.27% -> 73.33%; 10 pairs who can "
        "reach each other today no longer could."]
    assert "Together they reach" in result.stdout
    found = json.loads((tmp_path / "k.json").read_text())
    assert found["fragmenting"]["people"] == ["a1"] and found["fragmenting"]["pairs_cut_apart"] == 10
    too_many = runner.invoke(main, ["key-players", "--k", "12"])
    assert too_many.exit_code == 1 and "--k 12: the snapshot has 11 people in post; choose fewer." in too_many.stderr
