"""Hard against soft wiring: the school x school matrix, overlap, soft-only bridges, informal clusters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import networkx as nx
import pandas as pd

from netmap.analysis.columns import columns_of
from netmap.hard_wiring import HardWiring

__all__ = ["LINKED_BY", "LINKED_BY_MEANING", "WIRING_COLUMNS", "informal_clusters", "school_pair_layers",
           "soft_only_bridges", "soft_ties_sharing_a_group", "wiring_table"]

WIRING_COLUMNS = columns_of("wiring")


def _pairs(G: nx.Graph) -> set[tuple[Hashable, Hashable]]:
    return {(a, b) if str(a) <= str(b) else (b, a) for a, b in G.edges()}


def wiring_table(undirected: nx.Graph, hard: HardWiring, school_of: Mapping[Hashable, str]) -> pd.DataFrame:
    """For each pair of schools joined by either wiring: hard links (staff pairs sharing a group) and soft
    ties (edges of U). Pairs with neither are left out: they are zero."""
    hard_links = hard.links_between_schools(school_of)
    soft_ties: Counter[tuple[str, str]] = Counter()
    for a, b in undirected.edges():
        sa, sb = sorted((school_of[a], school_of[b]))
        if sa != sb:
            soft_ties[sa, sb] += 1
    keys = sorted(set(hard_links) | set(soft_ties))
    return pd.DataFrame([(a, b, hard_links[a, b], soft_ties[a, b]) for a, b in keys], columns=list(WIRING_COLUMNS))


def soft_ties_sharing_a_group(undirected: nx.Graph, hard: HardWiring) -> int:
    """How many edges of U are also links of H (the two people share a group): |H ∩ U|."""
    return sum(1 for a, b in undirected.edges() if hard.shared_groups(a, b))


def soft_only_bridges(undirected: nx.Graph, hard: HardWiring,
                      school_of: Mapping[Hashable, str]) -> list[tuple[Hashable, Hashable]]:
    """Soft ties across schools between two people who share no group: bridges no formal structure supports."""
    return sorted((a, b) for a, b in _pairs(undirected)
                  if school_of[a] != school_of[b] and not hard.shared_groups(a, b))


def informal_clusters(community: Mapping[Hashable, int], school_of: Mapping[Hashable, str],
                      groups_of: Mapping[Hashable, AbstractSet[str]], home_share: float) -> list[dict[str, Any]]:
    """Communities spanning two or more schools with no formal home: no group holds `home_share` of them.

    Returns one dict per cluster: community, size, schools, and the best-covering group with its share.
    """
    members: dict[int, list[Hashable]] = {}
    for node, number in community.items():
        members.setdefault(number, []).append(node)
    clusters = []
    for number, people in sorted(members.items()):
        schools = {school_of[p] for p in people}
        if len(people) < 2 or len(schools) < 2:
            continue
        coverage = Counter(g for p in people for g in groups_of.get(p, ()))
        best, held = max(coverage.items(), key=lambda item: (item[1], item[0])) if coverage else (None, 0)
        if held < home_share * len(people):
            clusters.append({"community": number, "size": len(people), "schools": sorted(schools),
                             "best_group": best, "best_group_share": held / len(people)})
    return clusters


# How a pair of schools is linked, and what a reader should conclude (school_pair_layers; the web's key and
# definitions page, and docs/metrics.md, say the same)
LINKED_BY_MEANING = {
    "both": "Some of the collaboration between the two schools runs between people who share a group: the formal "
            "structure carries it.",
    "soft only": "Their staff collaborate, but never with someone from a group they share: informal bridges that "
                 "depend on a few people and that no structure would keep if they left.",
    "hard only": "A group joins their staff, yet nobody collaborates: formal structure that does not conduct.",
}
LINKED_BY = tuple(LINKED_BY_MEANING)


def school_pair_layers(wiring: pd.DataFrame, bridges: pd.DataFrame) -> pd.DataFrame:
    """Each pair of schools with what links them: `wiring` plus soft_ties_in_groups (collaborations between people
    who share a group, so the formal structure carries them), soft_ties_outside_groups (the soft-only bridges) and
    linked_by:

    - "both": some collaboration between the two schools runs between people who share a group;
    - "soft only": their staff collaborate, but never with someone from a group they share (informal bridges
      that no formal structure supports: fragile, and invisible to the org chart);
    - "hard only": groups join their staff, yet nobody collaborates (formal structure that does not conduct).
    """
    outside: Counter[tuple[str, str]] = Counter()
    for a, b in zip(bridges["school_a"], bridges["school_b"], strict=True):
        outside[(a, b) if a <= b else (b, a)] += 1
    frame = wiring.copy()
    frame["soft_ties_outside_groups"] = [outside[a, b] for a, b in zip(frame["school_a"], frame["school_b"],
                                                                        strict=True)]
    frame["soft_ties_in_groups"] = frame["soft_ties"] - frame["soft_ties_outside_groups"]
    frame["linked_by"] = ["both" if inside > 0 else "soft only" if soft > 0 else "hard only"
                          for inside, soft in zip(frame["soft_ties_in_groups"], frame["soft_ties"], strict=True)]
    return frame[["school_a", "school_b", "hard_links", "soft_ties", "soft_ties_in_groups",
                  "soft_ties_outside_groups", "linked_by"]]
