"""The per-group table: who is in each expert network and subject community, and whether it conducts."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx
import pandas as pd

from netmap.analysis.columns import columns_of
from netmap.analysis.options import AnalysisOptions
from netmap.contract import subject_key

__all__ = ["GROUP_COLUMNS", "GroupScope", "group_table"]

GROUP_COLUMNS = columns_of("groups")
_PHASE_INCLUDES = {"primary": {"primary", "all-through"}, "secondary": {"secondary", "all-through"}}


class GroupScope:
    """Which schools each phase and each subject covers, indexed once: a group's scope is then two lookups
    (per-group scans of the staff table were quadratic: hours at 10,000 groups and 500,000 staff)."""

    def __init__(self, schools: pd.DataFrame, staff: pd.DataFrame) -> None:
        self.all = set(schools["school_id"])
        self.by_phase: dict[str, set[str]] = {}
        for school, phase in zip(schools["school_id"], schools["phase"], strict=True):
            self.by_phase.setdefault(phase, set()).add(school)
        self.by_subject: dict[str, set[str]] = {}
        for school, subjects in zip(staff["school_id"], staff["subjects"], strict=True):
            for subject in (subjects or "").split(";"):
                if subject:
                    self.by_subject.setdefault(subject_key(subject), set()).add(school)

    def of(self, group: Mapping[str, str | None]) -> set[str]:
        """Schools a group should reach: of its phase (all-through counts as primary and secondary) and with
        staff in its subject (matched by subject_key); empty when the group names neither."""
        subject, phase = group.get("subject"), group.get("phase")
        if not subject and not phase:
            return set()
        scope = set(self.all)
        if phase:
            scope &= set().union(*(self.by_phase.get(p, set()) for p in _PHASE_INCLUDES.get(phase, {phase})))
        if subject:
            scope &= self.by_subject.get(subject_key(subject), set())
        return scope


def group_table(undirected: nx.Graph, groups: pd.DataFrame, memberships: pd.DataFrame, scopes: GroupScope,
                school_of: Mapping[Hashable, str], options: AnalysisOptions) -> pd.DataFrame:
    """One row per group; `memberships` are the active ones; `scopes` indexes the whole trust's schools and
    staff in post, so a group's missing schools are counted trust-wide even when analysed island by island."""
    rows = []
    by_group = {gid: frame for gid, frame in memberships.groupby("group_id")}
    for group in groups.to_dict("records"):
        frame = by_group.get(group["group_id"], memberships.iloc[0:0])
        members = set(frame["staff_id"])
        leads = set(frame.loc[frame["role"] == "lead", "staff_id"])
        covered = {school_of[m] for m in members}
        scope = scopes.of(group)
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
            # a group with no member on the date has not begun or has wound up: nothing to call dormant
            "is_dormant": bool(members) and (len(members) < 2
                                             or len(active) < options.dormant_share * len(members)),
        })
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS)).astype({"conductivity": "float64"})
