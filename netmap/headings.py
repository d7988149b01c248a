"""Columns' headings as people read them ("E-I index", "Key-person risk"), never snake_case: one list for the
web's tables and the workbooks netmap writes, so a column is called the same wherever it is read."""

from __future__ import annotations

__all__ = ["HEADINGS", "heading"]

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
