"""netmap's components, degree, betweenness and communities of a snapshot in the Neo4j store, computed inside
Neo4j by Graph Data Science: components, degree and betweenness as netmap's own engine gives them; communities
by GDS's Leiden (the engine runs Louvain), shown under the engine's stability rule.

netmap's rules choose who and which ties count (netmap.graphs: staff in post on the date, ties within the window,
latest observation, ended ties out); GDS projects exactly those from the stored graph (netmap.store.gds).
`given_measures` returns GDS's figures as the engine takes them (netmap.analysis.given: netmap.snapshot hands
them to the engine when the store's `analysis` is "gds", NETMAP_NEO4J_ANALYSIS); `in_database_measures` turns
them into netmap's alone, for comparison and the benchmark: betweenness normalised by (n-1)(n-2)/2 over the
staff in post, communities numbered by size, and their stability over COMMUNITY_SEEDS seeds under netmap's rule
(mean adjusted Rand index at least STABLE_AGREEMENT), so that unstable communities are not shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from netmap.analysis.communities import COMMUNITY_SEEDS, community_stability
from netmap.analysis.given import GivenMeasures, numbered
from netmap.analysis.options import AnalysisOptions
from netmap.dataset import Dataset
from netmap.graphs import active_staff, in_trust, ties_with_status
from netmap.store.gds import gds_figures, gds_version

if TYPE_CHECKING:
    from netmap.store.neo4j import Neo4jStore

__all__ = ["InDatabaseMeasures", "given_measures", "in_database_measures"]


@dataclass(frozen=True)
class InDatabaseMeasures:
    """Per person in post (staff id): component (numbered by size, 1 the largest), soft_degree, betweenness (as
    the staff table's) and community (the analysis seed's, numbered by size); `stability` is the summary's
    `communities` entry for GDS's runs; `records` the records read back from Neo4j; `seconds` each step's wall
    time."""

    component: dict[str, int]
    degree: dict[str, int]
    betweenness: dict[str, float]
    community: dict[str, int]
    stability: dict[str, Any]
    records: int
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Found:
    """GDS's figures by staff id, with what reading them cost."""

    given: GivenMeasures
    records: int
    seconds: dict[str, float]


def given_measures(store: Neo4jStore, public_id: str, dataset: Dataset, as_of: str,
                   options: AnalysisOptions | None = None) -> GivenMeasures:
    """The components, degree, raw betweenness and Leiden communities (one partition per seed) of stored snapshot
    `public_id` (whose tables are `dataset`, dated `as_of`), computed in Neo4j, as the engine takes them.
    StorageError naming the fix when the server has no Graph Data Science plugin."""
    return _found(store, public_id, dataset, as_of, options or AnalysisOptions()).given


def in_database_measures(store: Neo4jStore, public_id: str, dataset: Dataset, as_of: str,
                         options: AnalysisOptions | None = None) -> InDatabaseMeasures:
    """The measures of stored snapshot `public_id` (whose tables are `dataset`, dated `as_of`) computed in Neo4j."""
    found = _found(store, public_id, dataset, as_of, options or AnalysisOptions())
    given = found.given
    people = sorted(given.degree)
    n = len(people)
    scale = 2.0 / ((n - 1) * (n - 2)) if n >= 3 else 0.0  # GDS already counts each unordered pair once on U
    runs = [{str(p): c for p, c in numbered(run, people).items()} for run in given.communities]
    return InDatabaseMeasures(
        component={str(p): c for p, c in numbered(given.component, people).items()},
        degree=dict(given.degree),
        betweenness={p: b * scale for p, b in given.betweenness.items()},
        community=runs[0] if runs else {},
        stability=community_stability([[run[p] for p in people] for run in runs]),
        records=found.records, seconds=found.seconds)


def _found(store: Neo4jStore, public_id: str, dataset: Dataset, as_of: str, options: AnalysisOptions) -> _Found:
    version = gds_version(store)
    source = f"Graph Data Science {version} in Neo4j"
    dataset = in_trust(dataset, as_of)
    staff = active_staff(dataset, as_of)
    ties = ties_with_status(dataset, as_of, set(staff["staff_id"]), window_days=options.tie_window_days)
    ties = ties[ties["status"] != "ended"]
    who = dict(zip(staff.index, staff["staff_id"], strict=True))
    if not who:
        return _Found(GivenMeasures(source, "Leiden", {}, {}, {}, []), 1, {})
    seeds = [options.louvain_seed + k for k in range(COMMUNITY_SEEDS)]
    found = gds_figures(store, public_id, list(who), list(ties.index), weighted=options.weighted, seeds=seeds,
                        distance_scale=_whole_distances(ties))
    given = GivenMeasures(
        source=source, method="Leiden",
        component={who[r]: c for r, c in found.component.items()},
        degree={who[r]: d for r, d in found.degree.items()},
        betweenness={who[r]: b for r, b in found.betweenness.items()},
        communities=[{who[r]: c for r, c in run.items()} for run in found.communities])
    return _Found(given, found.records + 1, found.seconds)


def _whole_distances(ties: pd.DataFrame) -> float:
    """A scale making every tie's distance (scale / strength, strength the summed weight of a pair's ties) a whole
    number when the strengths are whole, so that GDS's exact comparison of path lengths sees the equal paths
    netmap's igraph sees (1/3 + 1/3 + 1/3 is not 1.0 in floating point); 1.0 otherwise. Shortest paths, and so
    betweenness, do not change with the scale."""
    pairs = pd.DataFrame({"a": ties[["source_staff_id", "target_staff_id"]].min(axis=1),
                          "b": ties[["source_staff_id", "target_staff_id"]].max(axis=1), "w": ties["weight"]})
    strengths = set(pairs.groupby(["a", "b"])["w"].sum())
    if not strengths or any(s <= 0 or s != int(s) for s in strengths):
        return 1.0
    scale = math.lcm(*(int(s) for s in strengths))
    return float(scale) if scale < 2**40 else 1.0
