"""Betweenness by pieces of sources, shared by this process and workers, equals igraph's whole-graph answer."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pytest

import netmap.workers as workers
from netmap.workers import PIECES, betweenness_by_sources


def _raw(G: nx.Graph, jobs: int) -> np.ndarray:
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    return np.asarray(betweenness_by_sources(len(nodes), [(index[a], index[b]) for a, b in G.edges()], None, jobs))


def test_hand_worked_path_and_star() -> None:
    """A path of 5: the middle lies on 4 of the 6 pairs of others, its neighbours on 3; a star's centre on
    every pair of leaves (6 of 6), each counted once in an undirected graph."""
    assert list(_raw(nx.path_graph(5), 1)) == [0.0, 3.0, 4.0, 3.0, 0.0]
    assert list(_raw(nx.star_graph(4), 2)) == [6.0, 0.0, 0.0, 0.0, 0.0]


def test_fewer_nodes_than_pieces_and_isolates() -> None:
    G = nx.path_graph(3)
    G.add_nodes_from([3, 4])
    assert list(_raw(G, 3)) == [0.0, 1.0, 0.0, 0.0, 0.0]


def _generated_trust(tmp_path: Path) -> nx.Graph:
    """A connected trust from netmap's own generator (one hub, as the L1 benchmark), as the graph U."""
    from netmap.graphs import build_graphs
    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample

    generate_sample(tmp_path / "trust", schools=6, staff=600, seed=7, hub_schools=6)
    return build_graphs(read_trust(tmp_path / "trust")[0], "2026-07-01").undirected


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("kind", ["random", "generated"])
def test_split_is_bit_identical_to_one_process_and_matches_igraph(kind: str, shared: bool, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Whichever process takes which piece, the pieces are summed in one order: 1, 2 or 3 processes give the
    same numbers bit for bit, and igraph's whole-graph betweenness to 1e-9 once normalised; with the pieces
    taken from a shared pipe (POSIX) or dealt in fixed shares (where a pipe cannot be passed on)."""
    monkeypatch.setattr(workers, "SHARED_QUEUE", shared)
    G = nx.gnm_random_graph(700, 2100, seed=3) if kind == "random" else _generated_trust(tmp_path)
    n = G.number_of_nodes()
    assert n > PIECES
    one, two, three = _raw(G, 1), _raw(G, 2), _raw(G, 3)
    assert np.array_equal(one, two) and np.array_equal(one, three)
    index = {v: i for i, v in enumerate(G)}
    whole = np.asarray(ig.Graph(n=n, edges=[(index[a], index[b]) for a, b in G.edges()]).betweenness(directed=False))
    scale = 2.0 / ((n - 1) * (n - 2))
    assert np.max(np.abs(one - whole)) * scale < 1e-9
    assert whole.max() > 0


def test_weighted_split_matches_igraph() -> None:
    G = nx.gnm_random_graph(300, 900, seed=5)
    edges = list(G.edges())
    weights = [1.0 + (a * 7 + b) % 5 for a, b in edges]
    whole = np.asarray(ig.Graph(n=300, edges=edges).betweenness(directed=False, weights=weights))
    split = np.asarray(betweenness_by_sources(300, edges, weights, 2))
    assert np.max(np.abs(split - whole)) * 2.0 / (299 * 298) < 1e-9


def test_every_workers_pipe_is_closed_when_the_split_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure (here this process's own pieces: weights of the wrong length) leaves no worker's stdout open."""
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(workers.subprocess, "Popen", recorded)
    with pytest.raises(Exception):  # noqa: B017, PT011 - igraph's own error for the bad weights
        betweenness_by_sources(20, [(k, k + 1) for k in range(19)], [1.0], jobs=3)
    assert len(started) == 2
    assert all(worker.stdout is not None and worker.stdout.closed for worker in started)
