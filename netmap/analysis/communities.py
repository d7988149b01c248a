"""Louvain communities of U, numbered stably, and the modularity of a given partition."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx

__all__ = ["louvain_communities", "partition_modularity"]


def louvain_communities(G: nx.Graph, *, seed: int) -> dict[Hashable, int]:
    """Louvain community of each node of undirected G (unweighted), numbered 1, 2, ... by size, largest first.

    Ties in size are ordered by their smallest member, so the numbering repeats for the same graph and seed.
    Isolated nodes form communities of one.
    """
    communities = nx.community.louvain_communities(G, weight=None, seed=seed)
    ordered = sorted(communities, key=lambda c: (-len(c), min(map(str, c))))
    return {node: number for number, members in enumerate(ordered, start=1) for node in members}


def partition_modularity(G: nx.Graph, label: Mapping[Hashable, Hashable]) -> float | None:
    """Newman modularity of undirected, unweighted G split by `label` (e.g. school); None without edges."""
    if G.number_of_edges() == 0:
        return None
    parts: dict[Hashable, set] = {}
    for node in G:
        parts.setdefault(label[node], set()).add(node)
    return float(nx.community.modularity(G, parts.values(), weight=None))
