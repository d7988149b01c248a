"""Louvain communities of U, numbered stably, and whether they are stable over seeds.

Louvain runs in igraph (its multilevel algorithm, Blondel et al. 2008): about 30 times faster than
NetworkX's at 12,000 staff. Both are randomised heuristics, so their partitions differ; tests check the
modularity igraph reaches is as good as NetworkX's, and that a seed repeats the same result.

On a weakly clustered trust the partition depends on the seed (runs agreed 0.23-0.73), so the communities are
shown only when COMMUNITY_SEEDS runs agree: a mean pairwise adjusted Rand index of at least STABLE_AGREEMENT.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import igraph as ig
import networkx as nx

from netmap.analysis.igraph_bridge import seeded

__all__ = ["COMMUNITY_SEEDS", "GIVEN_MEASURES", "STABLE_AGREEMENT", "community_stability", "louvain_communities",
           "partition_agreement", "seed_runs", "stability_of", "stability_sentence"]


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
    return _louvain(_components(G), seed, G.number_of_edges() if total_edges is None else total_edges)


Component = tuple[list[Hashable], ig.Graph | None]  # its nodes in sorted order; its igraph (None: 1-2 nodes)


def _components(G: nx.Graph) -> list[Component]:
    """G's connected components, each with its igraph copy (nodes in sorted order, edges in the order G lists
    them, as to_igraph(G.subgraph(component)) gives them), built in one pass over G's edges: every Louvain run
    over G shares them."""
    found = [sorted(c, key=str) for c in nx.connected_components(G)]
    where = {node: (k, i) for k, nodes in enumerate(found) for i, node in enumerate(nodes)}
    edges: list[list[tuple[int, int]]] = [[] for _ in found]
    for a, b in G.edges():
        k, i = where[a]
        edges[k].append((i, where[b][1]))
    return [(nodes, ig.Graph(n=len(nodes), edges=ties) if len(nodes) > 2 else None)
            for nodes, ties in zip(found, edges, strict=True)]


def _louvain(components: list[Component], seed: int, edges: int) -> dict[Hashable, int]:
    """louvain_communities over components already built."""
    found: list[set[Hashable]] = []
    for nodes, graph in components:
        if graph is None:
            found.append(set(nodes))
            continue
        with seeded(seed):
            membership = graph.community_multilevel(resolution=graph.ecount() / edges).membership
        groups: dict[int, set[Hashable]] = {}
        for node, label in zip(nodes, membership, strict=True):
            groups.setdefault(label, set()).add(node)
        found.extend(groups.values())
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    return {node: number for number, members in enumerate(ordered, start=1) for node in members}


GIVEN_MEASURES = "components, degree, betweenness and communities"  # the summary's computed_by key of their source
COMMUNITY_SEEDS = 10  # Louvain runs compared: the analysis's seed and the next nine
STABLE_AGREEMENT = 0.8  # mean pairwise adjusted Rand index at or above which communities are shown


def seed_runs(G: nx.Graph, *, seed: int, total_edges: int | None = None) -> list[dict[Hashable, int]]:
    """Louvain communities of G for the seeds after `seed` (seed + 1, ..., seed + COMMUNITY_SEEDS - 1), to set
    beside the run with `seed` itself and measure how far the partition depends on the seed."""
    components, edges = _components(G), G.number_of_edges() if total_edges is None else total_edges
    return [_louvain(components, seed + k, edges) for k in range(1, COMMUNITY_SEEDS)]


def partition_agreement(runs: Sequence[Sequence[Hashable]]) -> float | None:
    """Mean adjusted Rand index (Hubert and Arabie 1985, igraph's) over every pair of `runs`, each a community
    label per person, the same people in the same order; None with fewer than two runs or two people.

    Two identical partitions agree 1.0 even when the index is undefined (everyone in one community, or each
    alone), as scikit-learn's adjusted_rand_score has it."""
    if len(runs) < 2 or len(runs[0]) < 2:
        return None
    coded = [_codes(run) for run in runs]
    scores = [1.0 if a == b else ig.compare_communities(a, b, method="adjusted_rand")
              for a, b in itertools.combinations(coded, 2)]
    return sum(scores) / len(scores)


def community_stability(runs: Sequence[Sequence[Hashable]]) -> dict[str, Any]:
    """The summary's `communities` entry: runs compared, their mean agreement, the threshold, and whether the
    communities are stable enough to show (no tied people: nothing to disagree on, stable)."""
    agreement = partition_agreement(runs)
    return {"seeds": COMMUNITY_SEEDS, "agreement": agreement, "threshold": STABLE_AGREEMENT,
            "stable": agreement is None or agreement >= STABLE_AGREEMENT}


def stability_of(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The summary's `communities` entry; for an analysis kept before netmap measured it, one whose `stable`
    is None (not measured), so nothing reads an old one as stable."""
    return summary.get("communities") or {"seeds": None, "agreement": None, "threshold": STABLE_AGREEMENT,
                                          "stable": None}


def stability_sentence(summary: Mapping[str, Any]) -> str:
    """What a leader reads about the informal clusters: stable (shown), or not (none shown), and why."""
    found = stability_of(summary)
    if found["stable"] is None:
        return ("Informal clusters are not shown: this analysis was kept before netmap checked that they repeat "
                "over several runs; analyse the snapshot again to see them.")
    if found["agreement"] is None:
        return "Informal clusters are stable: nobody collaborates yet, so there is nothing to split."
    computed = summary.get("computed_by")  # communities computed in the database (netmap.analysis.given)
    how = f" ({computed['communities']}, by {computed[GIVEN_MEASURES]})" if computed else ""
    measured = (f"{found['seeds']} runs of community detection{how} with different seeds agree "
                f"{found['agreement']:.2f} (mean adjusted Rand index; {found['threshold']:.1f} needed)")
    if found["stable"]:
        return f"Informal clusters are stable: {measured}."
    return (f"This trust has no stable informal clusters: {measured}, so none is shown. Informal collaboration "
            "does not form lasting sub-groups; do not plan around clusters.")


def _codes(labels: Sequence[Hashable]) -> list[int]:
    """Labels as the integers 0, 1, ... in order of first appearance (igraph takes integer memberships)."""
    seen: dict[Hashable, int] = {}
    return [seen.setdefault(label, len(seen)) for label in labels]
