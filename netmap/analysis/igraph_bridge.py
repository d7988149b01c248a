"""Hand a NetworkX graph to igraph for the metrics igraph computes much faster, keeping node order."""

from __future__ import annotations

import random
import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager

import igraph as ig
import networkx as nx

__all__ = ["seeded", "to_igraph"]

_rng_lock = threading.Lock()  # igraph has one random number generator per process: one user at a time


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph's randomised algorithms (Louvain, Fruchterman-Reingold) repeat their result inside this block: its
    generator is a Python Random seeded with `seed`, restored after; threads (a background analysis, a map being
    laid out) take turns."""
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def to_igraph(G: nx.Graph, nodes: list[Hashable] | None = None) -> tuple[ig.Graph, list[Hashable]]:
    """An unweighted igraph copy of G and the node list giving each igraph vertex index its NetworkX node.

    `nodes` fixes the vertex order (all of G's nodes, in the order wanted); by default it is G's own order.
    """
    nodes = list(G) if nodes is None else nodes
    index = {node: i for i, node in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in G.edges()],
                     directed=G.is_directed())
    return graph, nodes
