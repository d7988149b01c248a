"""Louvain communities of U, numbered stably.

Louvain runs in igraph (its multilevel algorithm, Blondel et al. 2008): about 30 times faster than
NetworkX's at 12,000 staff. Both are randomised heuristics, so their partitions differ; tests check the
modularity igraph reaches is as good as NetworkX's, and that a seed repeats the same result.
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from netmap.analysis.igraph_bridge import seeded, to_igraph

__all__ = ["louvain_communities"]


def louvain_communities(G: nx.Graph, *, seed: int, total_edges: int | None = None) -> dict[Hashable, int]:
    """Louvain community of each node of undirected G (unweighted), numbered 1, 2, ... by size, largest first.

    Maximises the Newman modularity of the whole trust, whose edges number `total_edges` (default: G's; more
    when G is one batch of islands). No community spans two components, and a component K with m_K edges
    contributes (m_K/m) times its own modularity at resolution m_K/m, so Louvain runs on each component at
    that resolution, with nodes in sorted order and the same seed: a component's communities do not depend
    on the rest of the graph, and a batch of islands gets the communities the whole snapshot would.
    Components of one or two people are one community each. Ties in size are ordered by their smallest
    member, so the numbering repeats for the same graph and seed.
    """
    edges = G.number_of_edges() if total_edges is None else total_edges
    found: list[set[Hashable]] = []
    for component in nx.connected_components(G):
        if len(component) <= 2:
            found.append(component)
            continue
        graph, nodes = to_igraph(G.subgraph(component), sorted(component, key=str))
        with seeded(seed):
            membership = graph.community_multilevel(resolution=graph.ecount() / edges).membership
        groups: dict[int, set[Hashable]] = {}
        for node, label in zip(nodes, membership, strict=True):
            groups.setdefault(label, set()).add(node)
        found.extend(groups.values())
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    return {node: number for number, members in enumerate(ordered, start=1) for node in members}
