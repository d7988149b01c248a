"""The per-group table: who is in each expert network and subject community, and whether it conducts."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx
import pandas as pd

from netmap.analysis.options import AnalysisOptions

__all__ = ["GROUP_COLUMNS", "group_table", "schools_in_scope"]

GROUP_COLUMNS = ("group_id", "kind", "members", "leads", "schools_covered", "schools_missing", "member_pairs",
                 "collaborating_pairs", "active_members", "conductivity", "cross_school_pairs", "is_dormant")
_PHASE_INCLUDES = {"primary": {"primary", "all-through"}, "secondary": {"secondary", "all-through"}}


def schools_in_scope(group: Mapping[str, str | None], schools: pd.DataFrame, staff: pd.DataFrame) -> set[str]:
    """Schools a group should reach: of its phase (all-through counts as primary and secondary) and with
    staff in its subject; empty when the group names neither."""
    subject, phase = group.get("subject"), group.get("phase")
    if not subject and not phase:
        return set()
    scope = set(schools["school_id"])
    if phase:
        phases = _PHASE_INCLUDES.get(phase, {phase})
        scope &= set(schools.loc[schools["phase"].isin(phases), "school_id"])
    if subject:
        teaches = staff["subjects"].fillna("").map(lambda s: subject in s.split(";"))
        scope &= set(staff.loc[teaches, "school_id"])
    return scope


def group_table(undirected: nx.Graph, groups: pd.DataFrame, memberships: pd.DataFrame, schools: pd.DataFrame,
                staff: pd.DataFrame, school_of: Mapping[Hashable, str], options: AnalysisOptions) -> pd.DataFrame:
    """One row per group; `memberships` are the active ones, `staff` those in post."""
    rows = []
    by_group = {gid: frame for gid, frame in memberships.groupby("group_id")}
    for group in groups.to_dict("records"):
        frame = by_group.get(group["group_id"], memberships.iloc[0:0])
        members = set(frame["staff_id"])
        leads = set(frame.loc[frame["role"] == "lead", "staff_id"])
        covered = {school_of[m] for m in members}
        scope = schools_in_scope(group, schools, staff)
        pairs = collaborating = cross = 0
        active = set()
        for m in members:
            for n in undirected[m]:
                if n in members:
                    active.add(m)
                    if str(m) < str(n):
                        collaborating += 1
                        cross += school_of[m] != school_of[n]
        pairs = len(members) * (len(members) - 1) // 2
        rows.append({
            "group_id": group["group_id"], "kind": group["kind"], "members": len(members), "leads": len(leads),
            "schools_covered": len(covered), "schools_missing": ";".join(sorted(scope - covered)),
            "member_pairs": pairs, "collaborating_pairs": collaborating, "active_members": len(active),
            "conductivity": collaborating / pairs if pairs else None, "cross_school_pairs": cross,
            "is_dormant": len(members) < 2 or len(active) < options.dormant_share * len(members),
        })
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))
