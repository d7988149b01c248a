"""Betweenness and average shortest path on the undirected soft graph U, computed by igraph.

Both equal NetworkX's `betweenness_centrality(G, normalized=True)` and `average_shortest_path_length` (tests
check this within 1e-9); igraph computes them in C, about 30 times faster.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx
import numpy as np

from netmap.analysis.forked import in_forked_worker
from netmap.analysis.igraph_bridge import to_igraph
from netmap.workers import betweenness_by_sources

__all__ = ["MAX_JOBS", "PARALLEL_MIN_NODES", "PathLength", "average_path_length", "betweenness", "free_cores"]

PARALLEL_MIN_NODES = 5000  # below this, betweenness takes well under a second: not worth starting processes
MAX_JOBS = 8


def betweenness(G: nx.Graph, weight: str | None = None, *, jobs: int | None = None) -> dict[Hashable, float]:
    """Freeman betweenness of each node of undirected G, normalised by (n-1)(n-2)/2.

    Parameters
    ----------
    G : nx.Graph
        Undirected.
    weight : str or None
        None: every tie one step. Otherwise the edge attribute holding a tie's strength: a path's length is
        the sum of 1/strength over its ties, so strong ties are short (the usual reading of tie strength).
    jobs : int or None
        Processes to split the work over, by source vertex (exact: netmap.workers). None: one per free core
        (`free_cores`, at most MAX_JOBS) for graphs of PARALLEL_MIN_NODES nodes or more, where the work
        outweighs starting them; one process when the other cores are busy. From PARALLEL_MIN_NODES nodes on,
        the work is done in the same pieces whatever the number of processes, so the numbers do not depend on
        the machine's load. Inside a forked_map worker, None is one process: its siblings hold the other cores.

    Returns
    -------
    dict mapping node to the share of shortest paths between other pairs that pass through it (0 to 1).

    Notes
    -----
    Same as ``nx.betweenness_centrality(G, normalized=True)`` (with ``weight`` set to the distance 1/strength
    when weighted). Graphs with fewer than 3 nodes give 0. Brandes' algorithm: O(nm) time (O(nm + n^2 log n)
    weighted), O(n + m) memory.
    """
    graph, nodes = to_igraph(G)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    scale = 2.0 / ((n - 1) * (n - 2))
    distances = None if weight is None else [1.0 / w for _, _, w in G.edges(data=weight, default=1.0)]
    if jobs is None:
        jobs = min(free_cores(), MAX_JOBS) if n >= PARALLEL_MIN_NODES and not in_forked_worker() else 1
    if jobs > 1 or n >= PARALLEL_MIN_NODES:  # by pieces, in this process alone when jobs is 1: the same numbers
        values = betweenness_by_sources(n, graph.get_edgelist(), distances, jobs)
    else:
        values = graph.betweenness(directed=False, weights=distances)
    return {node: value * scale for node, value in zip(nodes, values, strict=True)}


def free_cores() -> int:
    """Cores this process may use that no other work holds: its cores less the runnable processes of the last
    minute's load average other than itself (at least 1)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    others = max(0.0, os.getloadavg()[0] - 1) if hasattr(os, "getloadavg") else 0.0
    return max(1, min(cores, int(cores - others + 0.5)))


@dataclass(frozen=True)
class PathLength:
    """Average shortest path: exact, or estimated from `sample_size` random sources with a standard error."""

    value: float | None
    exact: bool
    nodes: int
    sample_size: int | None = None
    standard_error: float | None = None


def average_path_length(G: nx.Graph, *, exact_limit: int = 5000, sample_size: int = 500,
                        seed: int = 42) -> PathLength:
    """Average shortest path length over all ordered pairs of distinct nodes of connected graph G.

    Exact (all pairs) up to `exact_limit` nodes; above it, breadth-first search from `sample_size` random
    sources, reporting the mean and its standard error across sources. None for fewer than 2 nodes.
    """
    n = G.number_of_nodes()
    if n < 2:
        return PathLength(None, True, n)
    graph, _ = to_igraph(G)
    if n <= exact_limit:
        return PathLength(graph.average_path_length(directed=False), True, n)
    sources = random.Random(seed).sample(range(n), min(sample_size, n))
    means = []
    for start in range(0, len(sources), 50):  # chunks keep the distance matrix small
        distances = np.asarray(graph.distances(source=sources[start:start + 50]), dtype=float)
        means.extend(distances.sum(axis=1) / (n - 1))
    spread = float(np.std(means, ddof=1)) if len(means) > 1 else 0.0
    return PathLength(float(np.mean(means)), False, n, len(sources), spread / math.sqrt(len(means)))
