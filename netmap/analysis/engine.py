"""Run the whole analysis of one snapshot and write its five outputs."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

from netmap.analysis.centrality import average_path_length
from netmap.analysis.communities import partition_modularity
from netmap.analysis.group_metrics import group_table
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.school_metrics import school_table
from netmap.analysis.staff_metrics import staff_table
from netmap.analysis.timing import timed
from netmap.analysis.wiring import informal_clusters, soft_only_bridges, wiring_overlap, wiring_table
from netmap.graphs import TrustGraphs, active_memberships, active_staff

__all__ = ["Analysis", "analyse", "write_analysis"]

STEPS = ("staff", "schools", "groups", "wiring", "summary")


@dataclass
class Analysis:
    """Every result of one analysis: four tables, the summary, and seconds spent per metric family."""

    as_of: str
    staff: pd.DataFrame
    schools: pd.DataFrame
    groups: pd.DataFrame
    wiring: pd.DataFrame
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)


def analyse(graphs: TrustGraphs, options: AnalysisOptions | None = None,
            progress: Callable[[str], None] | None = None) -> Analysis:
    """Compute every metric of docs/metrics.md for one snapshot; `progress` is told each step as it starts."""
    options = options or AnalysisOptions()
    step = progress or (lambda _name: None)
    dataset, soft, hard = graphs.dataset, graphs.soft, graphs.hard
    undirected = graphs.undirected
    school_of = nx.get_node_attributes(soft, "school_id")
    memberships = active_memberships(dataset, graphs.as_of)
    groups_of: dict[Hashable, set[str]] = {}
    for person, gid in zip(memberships["staff_id"], memberships["group_id"], strict=True):
        groups_of.setdefault(person, set()).add(gid)
    timings: dict[str, float] = {}
    step("staff")
    staff = staff_table(soft, undirected, hard, groups_of, options, timings)
    step("schools")
    with timed(timings, "schools"):
        schools = school_table(undirected, hard, list(dataset.schools["school_id"]), school_of, groups_of, options)
    step("groups")
    with timed(timings, "groups"):
        groups = group_table(undirected, dataset.groups, memberships, dataset.schools,
                             active_staff(dataset, graphs.as_of), school_of, options)
    step("wiring")
    with timed(timings, "wiring"):
        wiring = wiring_table(undirected, hard, school_of)
        community = dict(zip(staff["staff_id"], staff["community"], strict=True))
        clusters = informal_clusters(community, school_of, groups_of, options.formal_home_share)
        bridges = soft_only_bridges(undirected, hard, school_of)
        jaccard, shared = wiring_overlap(undirected, hard)
    step("summary")
    with timed(timings, "paths and summary"):
        summary = _summary(graphs, undirected, staff, schools, groups, options, school_of)
        summary["wiring"] = {"hard_soft_jaccard": jaccard, "soft_ties_sharing_a_group": shared,
                             "soft_only_bridges": {"count": len(bridges), "pairs": [list(p) for p in bridges]},
                             "informal_clusters_without_formal_home": clusters}
    summary["options"] = asdict(options)
    return Analysis(graphs.as_of, staff, schools, groups, wiring, summary, timings)


def _summary(graphs: TrustGraphs, undirected: nx.Graph, staff: pd.DataFrame, schools: pd.DataFrame,
             groups: pd.DataFrame, options: AnalysisOptions, school_of: dict) -> dict:
    n = undirected.number_of_nodes()
    components = sorted(nx.connected_components(undirected), key=len, reverse=True)
    largest = undirected.subgraph(components[0]) if components else nx.Graph()
    paths = average_path_length(largest, exact_limit=options.exact_path_limit,
                                sample_size=options.path_sample_size, seed=options.louvain_seed)
    edges = undirected.number_of_edges()
    cross = sum(1 for a, b in undirected.edges() if school_of[a] != school_of[b])
    return {
        "as_of": graphs.as_of,
        "counts": {"staff": n, "schools": len(schools), "groups": len(groups),
                   "soft_ties": graphs.soft.number_of_edges(), "soft_ties_undirected": edges,
                   "hard_links": graphs.hard.number_of_links()},
        "density": nx.density(undirected) if n > 1 else None,
        "components": len(components),
        "largest_component_share": len(components[0]) / n if n else None,
        "cross_school_share": cross / edges if edges else None,
        "average_shortest_path": {"value": paths.value, "exact": paths.exact, "nodes": paths.nodes,
                                  "sample_size": paths.sample_size, "standard_error": paths.standard_error},
        "school_modularity": partition_modularity(undirected, school_of),
        "isolated_schools": sorted(schools.loc[schools["is_isolated"], "school_id"]),
        "hard_isolated_schools": sorted(schools.loc[schools["is_hard_isolated"], "school_id"]),
        "isolates": int(staff["is_isolate"].sum()),
        "disconnected_staff": int(staff["is_disconnected"].sum()),
        "dormant_groups": sorted(groups.loc[groups["is_dormant"], "group_id"]),
    }


def write_analysis(analysis: Analysis, out: Path) -> list[Path]:
    """Write staff.csv, schools.csv, groups.csv, wiring.csv and summary.json into `out`; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("staff", "schools", "groups", "wiring"):
        path = out / f"{name}.csv"
        getattr(analysis, name).to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
        written.append(path)
    path = out / "summary.json"
    path.write_text(json.dumps(analysis.summary, indent=2, default=_plain) + "\n", encoding="utf-8")
    return [*written, path]


def _plain(value: object) -> object:
    """JSON for numpy scalars."""
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
