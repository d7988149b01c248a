"""The per-school table: ties inside and out, reach, isolation under both wirings, key connectors."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping

import networkx as nx
import pandas as pd

from netmap.analysis.options import AnalysisOptions
from netmap.hard_wiring import HardWiring

__all__ = ["SCHOOL_COLUMNS", "school_table"]

SCHOOL_COLUMNS = ("school_id", "staff", "internal_ties", "external_ties", "ei_index", "schools_reached",
                  "groups_represented", "is_isolated", "is_hard_isolated", "key_connectors", "dependency")


def school_table(undirected: nx.Graph, hard: HardWiring, school_ids: list[str],
                 school_of: Mapping[Hashable, str], groups_of: Mapping[Hashable, set[str]],
                 options: AnalysisOptions) -> pd.DataFrame:
    """One row per school (every school in the dataset, staffed or not); see docs/metrics.md."""
    staff = Counter(school_of[v] for v in undirected)
    internal: Counter[str] = Counter()
    external: Counter[str] = Counter()
    reached: dict[str, set[str]] = defaultdict(set)
    held: dict[str, Counter] = defaultdict(Counter)  # school -> person -> external ties of the school they hold
    for a, b in undirected.edges():
        sa, sb = school_of[a], school_of[b]
        if sa == sb:
            internal[sa] += 1
            continue
        for s, other in ((sa, sb), (sb, sa)):
            external[s] += 1
            reached[s].add(other)
            held[s][a] += 1
            held[s][b] += 1
    hard_linked = {school_of[person] for person in hard.cross_school_people(school_of)}
    groups: dict[str, set[str]] = defaultdict(set)
    for person, person_groups in groups_of.items():
        if person in school_of:
            groups[school_of[person]] |= person_groups
    rows = []
    for sid in school_ids:
        e, i = external[sid], internal[sid]
        ranked = sorted(held[sid].items(), key=lambda item: (-item[1], str(item[0])))
        keys = [str(p) for p, n in ranked if n >= options.key_connector_share * e] if e else []
        rows.append({
            "school_id": sid, "staff": staff[sid], "internal_ties": i, "external_ties": e,
            "ei_index": (e - i) / (e + i) if e + i else None,
            "schools_reached": len(reached[sid]), "groups_represented": len(groups[sid]),
            "is_isolated": e == 0, "is_hard_isolated": sid not in hard_linked,
            "key_connectors": ";".join(keys), "dependency": ranked[0][1] / e if e else None,
        })
    return pd.DataFrame(rows, columns=list(SCHOOL_COLUMNS)).astype({"ei_index": "float64", "dependency": "float64"})
