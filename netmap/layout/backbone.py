"""The backbone of a weighted map: the disparity filter of Serrano, Boguñá and Vespignani (2009), which keeps the
links that carry an unexpectedly large share of either end's ties, so that a school map of thousands of equal
lines shows the few that matter to each school. Pure functions of a weighted undirected graph."""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

__all__ = ["BACKBONE_ALPHA", "backbone", "disparity_pvalues"]

BACKBONE_ALPHA = 0.05  # the significance level a link must reach for one of its two ends to be kept

Pair = tuple[Hashable, Hashable]


def _pair(u: Hashable, v: Hashable) -> Pair:
    """An undirected link as one key, its ends in a fixed order (by their text, so that any ids compare)."""
    return (u, v) if str(u) <= str(v) else (v, u)


def disparity_pvalues(G: nx.Graph, weight: str = "weight") -> dict[Pair, float]:
    """Each link's disparity p-value: the smaller of its two ends' chance of a link this strong under the null of
    a node's strength spread uniformly at random over its links.

    Parameters
    ----------
    G : an undirected graph with positive link weights.
    weight : the link attribute holding the weight.

    Returns
    -------
    dict mapping each link (ends ordered as text) to min(alpha_ij from i, alpha_ji from j), where
    alpha_ij = (1 - w_ij / s_i) ** (k_i - 1), s_i the sum of i's link weights and k_i its number of links.
    An end with one link gives 1.0 (its one link is all it has: nothing to tell apart).

    Raises
    ------
    ValueError: for a directed graph, or a link whose weight is missing, zero or negative.

    References
    ----------
    M. A. Serrano, M. Boguñá and A. Vespignani, "Extracting the multiscale backbone of complex weighted networks",
    PNAS 106 (16), 6483-6488, 2009.
    """
    if G.is_directed():
        raise ValueError("the disparity filter here is for undirected graphs: pass G.to_undirected()")
    strength: dict[Hashable, float] = {}
    for u, v, w in G.edges(data=weight):
        if w is None or not w > 0:
            raise ValueError(f"link {u!r} - {v!r} has weight {w!r}: every link needs a positive {weight!r}")
        strength[u] = strength.get(u, 0.0) + w
        strength[v] = strength.get(v, 0.0) + w

    def alpha(node: Hashable, w: float) -> float:
        k = G.degree(node)
        return 1.0 if k <= 1 else float((1.0 - w / strength[node]) ** (k - 1))

    return {_pair(u, v): min(alpha(u, w), alpha(v, w)) for u, v, w in G.edges(data=weight)}


def backbone(G: nx.Graph, alpha: float = BACKBONE_ALPHA, weight: str = "weight") -> set[Pair]:
    """The links of G's backbone: those significant at `alpha` for either end (disparity_pvalues below `alpha`),
    each node's link when it has only one, and, for each node that would still keep none, its strongest link (ties
    broken by the other end's text), so that filtering never makes a node isolated.

    Parameters
    ----------
    G : an undirected graph with positive link weights.
    alpha : the significance level, in (0, 1]; smaller keeps fewer links.
    weight : the link attribute holding the weight.

    Returns
    -------
    set of links, each a pair of ends ordered as text (as disparity_pvalues keys them).

    Raises
    ------
    ValueError: `alpha` outside (0, 1], or as disparity_pvalues.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 8), ("a", "c", 1), ("a", "d", 1), ("b", "c", 2), ("d", "e", 1)])
    >>> sorted(backbone(G))
    [('a', 'b'), ('b', 'c'), ('d', 'e')]

    Notes
    -----
    O(links). The filter keeps links by local significance, so a hub's weak links go while a small node's only
    strong one stays: every node's main partners remain, across the whole range of weights.
    """
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], not {alpha!r}")
    p = disparity_pvalues(G, weight)
    kept = {pair for pair, value in p.items() if value < alpha}
    kept |= {_pair(n, next(iter(G[n]))) for n in G if G.degree(n) == 1}  # a node's one link: all it has
    linked = {n for pair in kept for n in pair}
    for node in sorted((n for n in G if G.degree(n) and n not in linked), key=str):
        strongest = min(G[node], key=lambda m: (-G[node][m][weight], str(m)))
        kept.add(_pair(node, strongest))
        linked.add(strongest)
    return kept
