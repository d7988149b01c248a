"""Measures computed outside netmap's engine, which the engine takes in place of its own.

With NETMAP_NEO4J_ANALYSIS=gds, a Neo4j snapshot's components, degree, betweenness and communities are computed
inside Neo4j by Graph Data Science (netmap.in_database); the snapshot hands them to the engine as a
`GivenMeasures` (netmap.analysis.engine.analyse_snapshot's `given`), and the engine computes everything else
from them as from its own: roles from the betweenness, informal clusters from the communities, the summary's
components and their stability. This module holds only the data and the numbering, so that the analysis layer
never imports a store.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["GivenMeasures", "numbered"]


@dataclass(frozen=True)
class GivenMeasures:
    """Per person in post (staff id): a component label, the soft degree, the raw betweenness and a community
    label per seed, computed by `source`.

    `betweenness` is raw, as igraph gives it on U: the sum over unordered pairs of other people of the share of
    their shortest paths through the person (the engine normalises it as its own). `communities` holds one
    partition per seed: the analysis's louvain_seed first, then the next COMMUNITY_SEEDS - 1; `method` names the
    algorithm (the engine's own is Louvain). Labels are any hashable values; the engine numbers them."""

    source: str
    method: str
    component: Mapping[str, Hashable]
    degree: Mapping[str, int]
    betweenness: Mapping[str, float]
    communities: Sequence[Mapping[str, Hashable]]


def numbered(labels: Mapping[str, Hashable], people: Iterable[Hashable]) -> dict[Hashable, int]:
    """The groups `labels` gives `people`, numbered 1, 2, ... by size, largest first, ties by their smallest
    member (as louvain_communities numbers its communities)."""
    groups: dict[Hashable, list[Hashable]] = {}
    for person in people:
        groups.setdefault(labels[str(person)], []).append(person)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), min(map(str, g))))
    return {person: number for number, members in enumerate(ordered, start=1) for person in members}
