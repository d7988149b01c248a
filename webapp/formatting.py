"""Numbers and ids as people read them: thousands separators, percentages, Yes/No, names for ids, readable
headings. Only what the pages show; CSV downloads keep the exact values and ids (netmap.analysis.columns says what
each column holds)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from netmap.analysis.columns import COLUMNS

__all__ = ["heading", "shown", "with_base"]

KINDS = {c.name: c.kind for c in COLUMNS}
HEADINGS = {
    "staff_id": "Id", "school_id": "School", "group_id": "Group", "seconded_to": "Seconded to",
    "soft_in_degree": "Named by (in)", "soft_out_degree": "Names (out)", "soft_degree": "Collaborators",
    "cross_school_ties": "Cross-school ties", "hard_degree": "Shares a group with", "ei_index": "E-I index",
    "ona_role": "Role in the network", "is_isolate": "No collaboration", "is_disconnected": "Disconnected",
    "is_isolated": "Isolated", "is_hard_isolated": "Isolated in the hard wiring", "is_key_person_risk":
    "Key-person risk", "is_dormant": "Dormant", "response_rate": "Survey response", "response_band": "Response band",
    "dependency": "Dependency on one person", "core_number": "Core number", "broker_coordinator": "Coordinator",
    "broker_consultant": "Consultant", "broker_representative": "Representative", "broker_gatekeeper":
    "Gatekeeper", "broker_liaison": "Liaison", "schools_reached": "Schools reached", "groups_represented":
    "Groups represented", "schools_covered": "Schools covered", "schools_missing": "Schools missing",
    "member_pairs": "Member pairs", "collaborating_pairs": "Collaborating pairs", "active_members":
    "Active members", "cross_school_pairs": "Cross-school pairs", "number_cut_off": "Schools cut off (number)",
    "external_ties_lost": "Cross-school ties lost", "brokerage_lost": "Brokerage lost",
    "schools_cut_off": "Schools cut off", "key_connectors": "Key connectors", "times_named": "Times named",
    "ei_expected": "E-I index expected by chance", "ei_p_value": "E-I p-value", "degree_centralization":
    "Centralisation",
}


def heading(key: str) -> str:
    """The heading a column shows: its readable name ("E-I index", "Key-person risk"), never snake_case."""
    return HEADINGS.get(key) or key.replace("_", " ").capitalize()


def shown(key: str, value: Any, names: Mapping[str, str] | None = None) -> str:
    """`value` of column `key` as a person reads it: counts with thousands separators, shares as percentages,
    flags as Yes/No, ids (and lists of ids) as names when `names` has them; text as it is."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "–"
    if isinstance(value, str) and KINDS.get(key) not in ("id", "list") and not _numeric(value):
        return value  # text, and "fewer than 5"
    kind = KINDS.get(key)
    if kind in ("id", "list") or names is not None:
        parts = [p for p in str(value).split(";") if p] if kind == "list" else [str(value)]
        return ", ".join((names or {}).get(p, p) for p in parts) or "–"
    if kind == "flag" or isinstance(value, bool):
        return "Yes" if str(value) in ("True", "1") else "No"
    number = float(value)
    if kind == "count":
        return f"{number:,.0f}"
    if kind == "share":
        percent = 100 * number
        return f"{percent:.1f} %" if 0 < abs(percent) < 10 else f"{percent:.0f} %"
    if kind == "number":
        return f"{number:,.2f}"
    if kind == "p_value":  # 0.001 is the smallest a test of 999 relabellings can give: not rounded to 0
        return f"{number:.3f}"
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def with_base(part: int, whole: int, noun: str) -> str:
    """"1,084 of 1,964 staff (55 %)": a count with its base and share."""
    share = f" ({100 * part / whole:.0f} %)" if whole else ""
    return f"{part:,} of {whole:,} {noun}{share}"


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text not in ("nan", "inf", "-inf")
