"""Hand a NetworkX graph to igraph for the metrics igraph computes much faster, keeping node order."""

from __future__ import annotations

from collections.abc import Hashable

import igraph as ig
import networkx as nx

__all__ = ["to_igraph"]


def to_igraph(G: nx.Graph, nodes: list[Hashable] | None = None) -> tuple[ig.Graph, list[Hashable]]:
    """An unweighted igraph copy of G and the node list giving each igraph vertex index its NetworkX node.

    `nodes` fixes the vertex order (all of G's nodes, in the order wanted); by default it is G's own order.
    """
    nodes = list(G) if nodes is None else nodes
    index = {node: i for i, node in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in G.edges()],
                     directed=G.is_directed())
    return graph, nodes
