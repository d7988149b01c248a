"""Every output column of the analysis declared once, as data: its table, what kind of value it holds, a line
of help for people (which may quote the thresholds it reads) and those thresholds.

The tables' column orders (STAFF_COLUMNS ...), the web app's help on every heading and the definitions page are
derived from here, and a test checks each column against docs/metrics.md, so the three cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from netmap.analysis.brokerage import ROLES
from netmap.analysis.options import AnalysisOptions

__all__ = ["COLUMNS", "MetricColumn", "columns_of", "help_text"]

Table = Literal["staff", "schools", "groups", "wiring", "bridges", "leaver_risk"]
Kind = Literal["id", "count", "number", "share", "p_value", "flag", "label", "list"]


@dataclass(frozen=True)
class MetricColumn:
    """One output column. `help` may quote a threshold as {name} or {name:.0%}; `thresholds` names them."""

    name: str
    table: Table
    kind: Kind
    help: str
    thresholds: tuple[str, ...] = ()


def _staff(name: str, kind: Kind, help: str, *thresholds: str) -> MetricColumn:
    return MetricColumn(name, "staff", kind, help, thresholds)


def _school(name: str, kind: Kind, help: str, *thresholds: str) -> MetricColumn:
    return MetricColumn(name, "schools", kind, help, thresholds)


def _group(name: str, kind: Kind, help: str, *thresholds: str) -> MetricColumn:
    return MetricColumn(name, "groups", kind, help, thresholds)


_BROKER_HELP = {
    "coordinator": "Times they pass know-how on within their own school (along the way it flows).",
    "consultant": "Times they link two colleagues of another school.",
    "representative": "Times they carry their school's know-how out to another school.",
    "gatekeeper": "Times they bring another school's know-how into their own.",
    "liaison": "Times they link two other schools.",
}
# helps that two tables' columns share: the same values, described once
_REACHED = "Other schools they are tied to (for a school: other schools it is tied to)."
_STAFF_ID = "The person's id from staff.csv."
_SCHOOL_OF = "Their school (or the central team)."
_BETWEENNESS = "Share of shortest routes between two colleagues that pass through them (0 to 1)."
_FIRST_SCHOOL, _SECOND_SCHOOL = "First school of the pair.", "Second school of the pair."

COLUMNS: tuple[MetricColumn, ...] = (
    _staff("staff_id", "id", _STAFF_ID),
    _staff("school_id", "id", _SCHOOL_OF),
    _staff("seconded_to", "id", "The school they work at on a secondment under way; every school measure counts "
                                "them there."),
    _staff("response", "label", "Survey status: responded, no response, not surveyed, or unknown (no respondents "
                                "data)."),
    _staff("times_named", "count", "How many colleagues named them in the survey, in any question."),
    _staff("soft_in_degree", "count", "How many colleagues something flows to them from (whom they go to for "
                                      "advice, and mutual partners)."),
    _staff("soft_out_degree", "count", "How many colleagues their know-how reaches (who comes to them for advice, "
                                       "and mutual partners)."),
    _staff("soft_degree", "count", "Colleagues tied to them in either direction."),
    _staff("cross_school_ties", "count", "Ties to people in other schools."),
    _staff("schools_reached", "count", _REACHED),
    _staff("hard_degree", "count", "Colleagues they share an expert network or subject community with."),
    _staff("groups", "list", "The groups they belong to."),
    _staff("betweenness", "share", _BETWEENNESS, "weighted"),
    _staff("constraint", "number", "How much their contacts all know each other; low means they bridge separate "
                                   "circles.", "weighted"),
    _staff("effective_size", "number", "Number of non-overlapping contacts."),
    *(_staff(f"broker_{role}", "count", _BROKER_HELP[role]) for role in ROLES),
    _staff("core_number", "count", "How deep in the densely tied core they sit (k-core)."),
    _staff("community", "id", "The informal cluster they collaborate in (Louvain); empty when the trust has no stable "
                        "informal clusters.", "louvain_seed"),
    _staff("is_isolate", "flag", "No reported collaboration at all, though they answered (never said of a "
                                 "non-respondent)."),
    _staff("is_disconnected", "flag", "No cross-school tie and no group shared with anyone elsewhere (never said "
                                      "of a non-respondent)."),
    _staff("ona_role", "label", "One label: isolate, no response, not enough responses, broker, boundary "
                                "spanner, central connector, unknown (a non-respondent's own ties), peripheral or "
                                "none.",
           "broker_percentile", "min_response_rate", "spanner_schools", "connector_percentile", "peripheral_degree"),
    _school("school_id", "id", "The school's id from schools.csv."),
    _school("staff", "count", "People working here (secondees at the receiving school)."),
    _school("surveyed", "count", "People working here who were surveyed."),
    _school("responded", "count", "People working here who answered."),
    _school("response_rate", "share", "Answered / surveyed; under {min_response_rate:.0%} nobody here is named, "
                                      "under {pattern_response_rate:.0%} the school's findings are held back.",
            "min_response_rate", "pattern_response_rate"),
    _school("response_band", "label", "What the answers support: names people ({min_response_rate:.0%}+), patterns "
                                      "only ({pattern_response_rate:.0%}+), caution (below), or not surveyed.",
            "min_response_rate", "pattern_response_rate"),
    _school("internal_ties", "count", "Collaborations inside the school."),
    _school("external_ties", "count", "Collaborations with other schools."),
    _school("ei_index", "number", "-1: all ties inward, +1: all outward."),
    _school("ei_expected", "number", "The E-I index the school would have if its staff's ties fell at random "
                                     "across the trust (a small school is expected near +1)."),
    _school("ei_p_value", "p_value", "How often randomly relabelled schools of the same sizes sit as far from the "
                                   "expected E-I index ({permutations} relabellings); under 0.05: a real "
                                   "difference.", "permutations"),
    _school("density", "share", "Share of pairs of the school's staff who collaborate."),
    _school("degree_centralization", "share", "How far the school's inside ties gather on one person (1: all on "
                                              "one, 0: evenly spread)."),
    _school("reciprocity", "share", "Share of inside ties the other person also named (among respondents)."),
    _school("schools_reached", "count", _REACHED),
    _school("groups_represented", "count", "Groups with at least one member here."),
    _school("is_isolated", "flag", "No soft tie to any other school (not said with too few responses or nobody in "
                                   "post)."),
    _school("is_hard_isolated", "flag", "No member shares a group with anyone from another school."),
    _school("key_connectors", "list", "People whose departure alone would cut at least {key_connector_share:.0%} of "
                                      "the school's outside links.", "key_connector_share"),
    _school("dependency", "share", "Share of the school's outside links held by one person (1.0: all of them)."),
    _school("is_key_person_risk", "flag", "One person holds at least {key_connector_share:.0%} of the school's "
                                          "outside links, and the evidence is enough to act on.",
            "key_connector_share", "min_external_ties", "pattern_response_rate"),
    _school("caveat", "label", "Why findings are held back: no staff in post, not surveyed, not enough responses "
                               "(under {pattern_response_rate:.0%}), or few ties (under {min_external_ties} outside "
                               "ties).", "min_external_ties", "pattern_response_rate"),
    _group("group_id", "id", "The group's id."),
    _group("kind", "label", "Expert network or subject community."),
    _group("members", "count", "Members in post."),
    _group("leads", "count", "Members who lead it."),
    _group("schools_covered", "count", "Schools with at least one member."),
    _group("schools_missing", "list", "Schools that should be in it (phase and subject) but have no member."),
    _group("member_pairs", "count", "Possible pairs of members."),
    _group("collaborating_pairs", "count", "Pairs of members who actually collaborate."),
    _group("active_members", "count", "Members who collaborate with another member."),
    _group("conductivity", "share", "Collaborating pairs / possible pairs."),
    _group("cross_school_pairs", "count", "Collaborating pairs across schools."),
    _group("is_dormant", "flag", "Fewer than {dormant_share:.0%} of members collaborate with another member.",
           "dormant_share"),
    MetricColumn("school_a", "wiring", "id", _FIRST_SCHOOL),
    MetricColumn("school_b", "wiring", "id", _SECOND_SCHOOL),
    MetricColumn("hard_links", "wiring", "count", "Pairs of their staff sharing a group."),
    MetricColumn("soft_ties", "wiring", "count", "Collaborations between their staff."),
    MetricColumn("person_a", "bridges", "id", "One end of the tie."),
    MetricColumn("school_a", "bridges", "id", _FIRST_SCHOOL),
    MetricColumn("person_b", "bridges", "id", "The other end."),
    MetricColumn("school_b", "bridges", "id", _SECOND_SCHOOL),
    MetricColumn("staff_id", "leaver_risk", "id", _STAFF_ID),
    MetricColumn("school_id", "leaver_risk", "id", _SCHOOL_OF),
    MetricColumn("schools_cut_off", "leaver_risk", "list",
                 "Schools left with no tie to any other school if this person leaves."),
    MetricColumn("number_cut_off", "leaver_risk", "count", "How many schools that is."),
    MetricColumn("external_ties_lost", "leaver_risk", "count", "Cross-school ties that go with them."),
    MetricColumn("brokerage_lost", "leaver_risk", "count", "Two-step paths they broker with an end in another "
                                                           "school (coordinator paths, which stay inside one school, "
                                                           "are left out)."),
    MetricColumn("betweenness", "leaver_risk", "share", _BETWEENNESS),
)


def columns_of(table: Table) -> tuple[str, ...]:
    """The columns of one output table, in order."""
    return tuple(c.name for c in COLUMNS if c.table == table)


def help_text(column: MetricColumn, options: AnalysisOptions) -> str:
    """The column's help with the thresholds of `options` filled in."""
    return column.help.format(**dataclasses.asdict(options))
