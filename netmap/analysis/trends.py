"""Trends across snapshots: the trust's headline figures, each school's and each group's, one row per snapshot,
oldest first, read from the snapshots' analyses (what `netmap analyse` keeps), so that a leader sees whether
collaboration is getting stronger and where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from netmap.analysis.engine import Analysis

__all__ = ["TRUST_TRENDS", "Trends", "trends"]

# The trust-wide series: column, what it is, whether it is a share (shown as %), and whether higher is better
TRUST_TRENDS = {
    "cross_school_share": ("Cross-school share of collaborations", True, True),
    "isolated_schools": ("Isolated schools", False, False),
    "disconnected_share": ("Disconnected staff (share of staff)", True, False),
    "response_rate": ("Survey response rate", True, True),
    "collaborations": ("Collaborations", False, True),
    "dormant_groups": ("Dormant networks and communities", False, False),
}


@dataclass(frozen=True)
class Trends:
    trust: pd.DataFrame    # as_of, staff, and every TRUST_TRENDS column
    schools: pd.DataFrame  # as_of, school_id, staff, external_ties, schools_reached, is_isolated
    groups: pd.DataFrame   # as_of, group_id, members, active_members, conductivity, is_dormant


def trends(analyses: Sequence[Analysis]) -> Trends:
    """The series over `analyses` (any order; sorted by date). Response rate is empty where coverage is unknown."""
    ordered = sorted(analyses, key=lambda a: a.as_of)
    trust = []
    for a in ordered:
        s = a.summary
        staff = s["counts"]["staff"]
        response = s["response"]
        trust.append({"as_of": a.as_of, "staff": staff, "collaborations": s["counts"]["soft_ties_undirected"],
                      "cross_school_share": s["cross_school_share"],
                      "isolated_schools": len(s["isolated_schools"]),
                      "disconnected_staff": s["disconnected_staff"],
                      "disconnected_share": s["disconnected_staff"] / staff if staff else None,
                      "response_rate": response.get("rate") if response.get("coverage") == "known" else None,
                      "dormant_groups": len(s["dormant_groups"])})
    schools = pd.concat([a.schools[["school_id", "staff", "external_ties", "schools_reached", "is_isolated"]]
                         .assign(as_of=a.as_of) for a in ordered], ignore_index=True) if ordered else pd.DataFrame()
    groups = pd.concat([a.groups[["group_id", "members", "active_members", "conductivity", "is_dormant"]]
                        .assign(as_of=a.as_of) for a in ordered], ignore_index=True) if ordered else pd.DataFrame()
    first = ["as_of"]
    return Trends(pd.DataFrame(trust), schools[first + [c for c in schools.columns if c not in first]],
                  groups[first + [c for c in groups.columns if c not in first]])
