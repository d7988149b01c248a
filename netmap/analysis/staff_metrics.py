"""The per-person table: degree, reach across schools, brokerage, structural holes, cores and communities."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from collections.abc import Set as AbstractSet

import networkx as nx
import pandas as pd

from netmap.analysis.brokerage import ROLES, brokerage_roles
from netmap.analysis.centrality import betweenness
from netmap.analysis.columns import columns_of
from netmap.analysis.communities import louvain_communities
from netmap.analysis.given import GivenMeasures, numbered
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.structural_holes import structural_holes
from netmap.analysis.timing import timed
from netmap.graphs import MISSING_RESPONSES, TrustGraphs

__all__ = ["STAFF_COLUMNS", "staff_table"]

STAFF_COLUMNS = columns_of("staff")


def staff_table(graphs: TrustGraphs, groups_of: Mapping[Hashable, AbstractSet[str]], options: AnalysisOptions,
                timings: dict[str, float] | None = None, *, total_edges: int | None = None,
                given: GivenMeasures | None = None) -> pd.DataFrame:
    """One row per person in post, every column of STAFF_COLUMNS but ona_role (see docs/metrics.md).

    ona_role compares each person with the whole trust, so the engine adds it once every island is done;
    betweenness is normalised by the people in this graph and rescaled there too. `total_edges` is the
    trust's number of edges of U when these graphs are one batch of its islands (see louvain_communities).
    School-level measures use the school a person works at (a secondee's receiving school). `given` supplies the
    soft degree, raw betweenness and communities computed elsewhere (netmap.analysis.given), taken instead."""
    timings = {} if timings is None else timings
    soft, flow, undirected, hard = graphs.soft, graphs.flow, graphs.undirected, graphs.hard
    school = graphs.school_of
    home = nx.get_node_attributes(soft, "home_school_id")
    response = nx.get_node_attributes(soft, "response")
    weight = "weight" if options.weighted else None
    nodes = list(soft)
    with timed(timings, "degree and reach"):
        cross = {v: sum(1 for n in undirected[v] if school[n] != school[v]) for v in nodes}
        reached = {v: len({school[n] for n in undirected[v]} - {school[v]}) for v in nodes}
        hard_cross = hard.cross_school_people(school)
    strength = graphs.weighted_undirected if weight else undirected
    with timed(timings, "betweenness"):
        between = betweenness(strength, weight=weight) if given is None else _normalised(given, nodes)
    with timed(timings, "structural holes"):
        constraint, effective = structural_holes(strength, weight=weight)
    with timed(timings, "brokerage"):
        roles = brokerage_roles(flow, school)
    with timed(timings, "cores and communities"):
        core = nx.core_number(undirected)
        community = (louvain_communities(undirected, seed=options.louvain_seed, total_edges=total_edges)
                     if given is None else numbered(given.communities[0], nodes))
    table = pd.DataFrame({
        "staff_id": nodes,
        "school_id": [home[v] for v in nodes],
        "seconded_to": [school[v] if school[v] != home[v] else "" for v in nodes],
        "response": [response[v] for v in nodes],
        "times_named": [soft.in_degree(v) for v in nodes],
        "soft_in_degree": [flow.in_degree(v) for v in nodes],
        "soft_out_degree": [flow.out_degree(v) for v in nodes],
        "soft_degree": [undirected.degree(v) if given is None else given.degree[str(v)] for v in nodes],
        "cross_school_ties": [cross[v] for v in nodes],
        "schools_reached": [reached[v] for v in nodes],
        "hard_degree": [hard.degree(v) for v in nodes],
        "groups": [";".join(sorted(groups_of.get(v, ()))) for v in nodes],
        "betweenness": [between[v] for v in nodes],
        "constraint": [constraint[v] for v in nodes],
        "effective_size": [effective[v] for v in nodes],
        **{f"broker_{role}": [roles[v][role] for v in nodes] for role in ROLES},
        "core_number": [core[v] for v in nodes],
        "community": [community[v] for v in nodes],
    })
    answered = ~table["response"].isin(MISSING_RESPONSES)  # a non-respondent's own ties are unknown, not absent
    table["is_isolate"] = (table["soft_degree"] == 0) & answered
    table["is_disconnected"] = (table["cross_school_ties"] == 0) & ~table["staff_id"].isin(hard_cross) & answered
    return table.sort_values("staff_id", ignore_index=True)[[c for c in STAFF_COLUMNS if c != "ona_role"]]


def _normalised(given: GivenMeasures, nodes: list[Hashable]) -> dict[Hashable, float]:
    """The given raw betweenness of `nodes` normalised by (n-1)(n-2)/2 over them, as netmap.analysis.centrality's."""
    n = len(nodes)
    scale = 2.0 / ((n - 1) * (n - 2)) if n >= 3 else 0.0
    return {v: given.betweenness[str(v)] * scale for v in nodes}
