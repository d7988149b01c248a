"""Hand a NetworkX graph to igraph for the metrics igraph computes much faster, keeping node order."""

from __future__ import annotations

from collections.abc import Hashable

import igraph as ig
import networkx as nx

__all__ = ["to_igraph"]


def to_igraph(G: nx.Graph) -> tuple[ig.Graph, list[Hashable]]:
    """An unweighted igraph copy of G and the node list giving each igraph vertex index its NetworkX node."""
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in G.edges()],
                     directed=G.is_directed())
    return graph, nodes
