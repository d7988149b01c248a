"""One-line explanations shown on every metric heading (the full definitions are on /metrics).

Texts that quote a threshold read it from AnalysisOptions' defaults, so they cannot drift from the analysis.
"""

from __future__ import annotations

from netmap.analysis.options import AnalysisOptions

__all__ = ["HELP", "help_for", "help_texts"]


def help_texts(options: AnalysisOptions) -> dict[str, str]:
    """Every column's one-line help, quoting the thresholds of `options`."""
    return {**_FIXED, **_thresholded(options)}


_FIXED = {
    "staff_id": "The person's id from staff.csv.",
    "name": "Name as given in the data.",
    "school_id": "Their school (or the central team).",
    "role": "Role from staff.csv.",
    "subjects": "Subjects or specialisms.",
    "seconded_to": "The school they work at on a secondment under way; every school measure counts them there.",
    "response": "Survey status: responded, no response, not surveyed, or unknown (no respondents data).",
    "times_named": "How many colleagues named them in the survey, in any question.",
    "soft_in_degree": "How many colleagues something flows to them from (whom they go to for advice, and "
                      "mutual partners).",
    "soft_out_degree": "How many colleagues their know-how reaches (who comes to them for advice, and mutual "
                       "partners).",
    "soft_degree": "Colleagues tied to them in either direction.",
    "cross_school_ties": "Ties to people in other schools.",
    "schools_reached": "Other schools they are tied to (for a school: other schools it is tied to).",
    "hard_degree": "Colleagues they share an expert network or subject community with.",
    "groups": "The groups they belong to.",
    "betweenness": "Share of shortest routes between two colleagues that pass through them (0 to 1).",
    "constraint": "How much their contacts all know each other; low means they bridge separate circles.",
    "effective_size": "Number of non-overlapping contacts.",
    "broker_coordinator": "Times they pass know-how on within their own school (along the way it flows).",
    "broker_consultant": "Times they link two colleagues of another school.",
    "broker_representative": "Times they carry their school's know-how out to another school.",
    "broker_gatekeeper": "Times they bring another school's know-how into their own.",
    "broker_liaison": "Times they link two other schools.",
    "core_number": "How deep in the densely tied core they sit (k-core).",
    "community": "The informal cluster they collaborate in (Louvain).",
    "is_isolate": "No reported collaboration at all, though they answered (never said of a non-respondent).",
    "is_disconnected": "No cross-school tie and no group shared with anyone elsewhere (never said of a "
                       "non-respondent).",
    "ona_role": "One label: isolate, no response, broker, not enough responses, boundary spanner, central "
                "connector, peripheral or none.",
    "staff": "People working here (secondees at the receiving school).",
    "surveyed": "People working here who were surveyed.",
    "responded": "People working here who answered.",
    "internal_ties": "Collaborations inside the school.",
    "external_ties": "Collaborations with other schools.",
    "ei_index": "-1: all ties inward, +1: all outward.",
    "groups_represented": "Groups with at least one member here.",
    "is_isolated": "No soft tie to any other school (not said with too few responses or nobody in post).",
    "is_hard_isolated": "No member shares a group with anyone from another school.",
    "dependency": "Share of the school's outside links held by one person (1.0: all of them).",
    "group_id": "The group's id.",
    "kind": "Expert network or subject community.",
    "members": "Members in post.",
    "leads": "Members who lead it.",
    "schools_covered": "Schools with at least one member.",
    "schools_missing": "Schools that should be in it (phase and subject) but have no member.",
    "member_pairs": "Possible pairs of members.",
    "collaborating_pairs": "Pairs of members who actually collaborate.",
    "active_members": "Members who collaborate with another member.",
    "conductivity": "Collaborating pairs / possible pairs.",
    "cross_school_pairs": "Collaborating pairs across schools.",
    "school_a": "First school of the pair.",
    "school_b": "Second school of the pair.",
    "hard_links": "Pairs of their staff sharing a group.",
    "soft_ties": "Collaborations between their staff.",
    "person_a": "One end of the tie.",
    "person_b": "The other end.",
    "schools_cut_off": "Schools left with no tie to any other school if this person leaves.",
    "external_ties_lost": "Cross-school ties that go with them.",
    "brokerage_lost": "Two-step paths they broker with an end in another school (coordinator paths, which stay "
                      "inside one school, are left out).",
    "severity": "Error (blocks the load) or warning.",
    "file": "File or sheet.",
    "row": "Row number as your spreadsheet shows it.",
    "column": "Column.",
    "value": "The value found.",
    "message": "What is wrong.",
    "fix": "How to fix it.",
}


def _thresholded(o: AnalysisOptions) -> dict[str, str]:
    return {
        "response_rate": f"Answered / surveyed; under {o.min_response_rate:.0%} the school's findings are "
                         "held back.",
        "key_connectors": f"People whose departure alone would cut at least {o.key_connector_share:.0%} of "
                          "the school's outside links.",
        "is_key_person_risk": f"One person holds at least {o.key_connector_share:.0%} of the school's outside "
                              "links, and the evidence is enough to act on.",
        "caveat": f"Why findings are held back: no staff in post, not enough responses, or few ties (under "
                  f"{o.min_external_ties} outside ties).",
        "is_dormant": f"Fewer than {o.dormant_share:.0%} of members collaborate with another member.",
    }


HELP = help_texts(AnalysisOptions())


def help_for(key: str) -> str:
    return HELP.get(key, "")
