"""Schools to help first: isolated or weakly connected schools, those the trust rates a high priority first.

A trust's `priority` column (high, medium, low) is its own judgement of need (a risk rating, an inspection
outcome); the network says which schools have little to draw on. Put together, the first row is where a
secondment or an introduction does most good. Context columns the trust adds are carried along to be read
beside each school, never used in the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from netmap.analysis.tables import columns_of
from netmap.contract import PRIORITIES, table_spec

__all__ = ["COLUMNS", "NEEDS", "WEAK_REACH", "context_columns", "schools_to_help"]

# A school tied to at most this many other schools is weakly connected: one or two relationships carry it. So is
# one with fewer than min_external_ties ties to other schools, or whose outside links hang on one person.
WEAK_REACH = 2
# Why a school needs help, most serious first.
NEEDS = ("isolated", "weakly connected", "unclear")
_PRIORITY_RANK = {p: i for i, p in enumerate(PRIORITIES)}
COLUMNS = tuple(columns_of("schools to help"))  # declared in netmap.analysis.tables


def context_columns(schools: pd.DataFrame) -> list[str]:
    """The trust's own columns of schools.csv (beyond the contract): the schools' context."""
    contract = set(table_spec("schools").column_names)
    return [c for c in schools.columns if c not in contract]


def _need(row: Mapping[str, Any]) -> tuple[str, str]:
    """(need, why) for one school of the analysis' school table, or ("", "") when it is well connected."""
    if row["caveat"] == "no staff in post":
        return "", ""
    if row["is_isolated"]:
        apart = " and shares no group with anyone elsewhere" if row["is_hard_isolated"] else ""
        return "isolated", f"no collaboration with any other school{apart}"
    if row["caveat"] == "not enough responses":
        return "unclear", "too few of its staff answered the survey to tell how connected it is"
    if row["caveat"] == "not surveyed":
        return "unclear", "nobody working there was surveyed: only colleagues elsewhere report its ties"
    reached, ties = int(row["schools_reached"]), int(row["external_ties"])
    if reached <= WEAK_REACH:
        return "weakly connected", (f"tied to only {reached} other school{'s' if reached != 1 else ''} "
                                    f"({ties} tie{'s' if ties != 1 else ''})")
    if row["caveat"] == "few ties":
        return "weakly connected", f"only {ties} ties to other schools ({reached} schools)"
    if row["is_key_person_risk"]:
        return "weakly connected", f"one person holds {row['dependency']:.0%} of its links to other schools"
    return "", ""


def schools_to_help(analysis_schools: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """The schools that need connecting, in the order to act: the trust's priority (high, medium, low, then
    unrated), then how serious the need (isolated, weakly connected, unclear), then fewest schools reached.

    `analysis_schools` is the analysis' school table; `schools` the dataset's (priority and context columns).
    Well-connected schools and the central team are left out. `reason` says why each is listed, in words."""
    listed = schools[schools["phase"] != "central"].set_index("school_id")
    extra = context_columns(schools)
    rows = []
    for record in analysis_schools.to_dict("records"):
        if record["school_id"] not in listed.index:
            continue
        need, why = _need(record)
        if not need:
            continue
        school = listed.loc[record["school_id"]]
        priority = school["priority"] or ""
        rated = f"{priority.capitalize()} priority" if priority else "No priority set"
        context = "; ".join(f"{c.replace('_', ' ')}: {school[c]}" for c in extra if school[c] not in (None, ""))
        rows.append({"school_id": record["school_id"], "name": school["name"], "priority": priority, "need": need,
                     "schools_reached": int(record["schools_reached"]),
                     "external_ties": int(record["external_ties"]), "dependency": record["dependency"],
                     "reason": f"{rated}; {why}.", "context": context})
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    if table.empty:
        return table
    order = pd.DataFrame({"p": table["priority"].map(lambda p: _PRIORITY_RANK.get(p, len(PRIORITIES))),
                          "n": table["need"].map(NEEDS.index), "r": table["schools_reached"], "s": table["school_id"]})
    return table.loc[order.sort_values(["p", "n", "r", "s"]).index].reset_index(drop=True)
