"""The per-school table: ties inside and out, reach, survey coverage, isolation under both wirings, key people."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from collections.abc import Set as AbstractSet

import networkx as nx
import pandas as pd

from netmap.analysis.columns import columns_of
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.school_ties import SchoolTies
from netmap.hard_wiring import HardWiring

__all__ = ["CAVEATS", "RESPONSE_BANDS", "SCHOOL_COLUMNS", "response_band", "school_table"]

SCHOOL_COLUMNS = columns_of("schools")
CAVEATS = ("no staff in post", "not surveyed", "not enough responses", "few ties")
RESPONSE_BANDS = ("names people", "patterns only", "caution", "not surveyed")


def school_table(undirected: nx.Graph, hard: HardWiring, school_ids: list[str],
                 school_of: Mapping[Hashable, str], groups_of: Mapping[Hashable, AbstractSet[str]],
                 response: Mapping[Hashable, str], options: AnalysisOptions,
                 cohesion: Mapping[str, Mapping[str, float | None]]) -> pd.DataFrame:
    """One row per school (every school in the dataset, staffed or not); see docs/metrics.md.

    `school_of` is where each person works (a secondee at the receiving school); `response` their survey
    status. A school's findings are held back with a `caveat` when they would rest on too little: nobody in
    post, nobody surveyed, a response rate under `pattern_response_rate`, or fewer than `min_external_ties`
    outside ties. Its `response_band` says what its answers support (RESPONSE_BANDS, docs/metrics.md). `cohesion`
    holds each staffed school's density, degree centralisation and reciprocity (netmap.analysis.cohesion); the
    E-I index's expected value and p-value, which need the whole trust, are filled in by the engine."""
    staff = Counter(school_of[v] for v in undirected)
    ties = SchoolTies(undirected.edges(), school_of)
    hard_linked = {school_of[person] for person in hard.cross_school_people(school_of)}
    groups: dict[str, set[str]] = defaultdict(set)
    for person, person_groups in groups_of.items():
        if person in school_of:
            groups[school_of[person]] |= person_groups
    known = any(status != "unknown" for status in response.values())
    surveyed: Counter[str] = Counter()
    responded: Counter[str] = Counter()
    for person, status in response.items():
        if status in ("responded", "no response") and person in school_of:
            surveyed[school_of[person]] += 1
            responded[school_of[person]] += status == "responded"
    rows = []
    for sid in school_ids:
        e, i = ties.external[sid], ties.internal[sid]
        rate = responded[sid] / surveyed[sid] if known and surveyed[sid] else None
        dependency = ties.dependency(sid)
        band = response_band(rate, options) if known else None
        if staff[sid] == 0:
            caveat = "no staff in post"
        elif band == "not surveyed":
            caveat = "not surveyed"
        elif band == "caution":
            caveat = "not enough responses"
        elif 0 < e < options.min_external_ties:
            caveat = "few ties"
        else:
            caveat = ""
        rows.append({
            "school_id": sid, "staff": staff[sid],
            "surveyed": surveyed[sid] if known else None, "responded": responded[sid] if known else None,
            "response_rate": rate, "response_band": band, "internal_ties": i, "external_ties": e,
            "ei_index": (e - i) / (e + i) if e + i else None, "ei_expected": None, "ei_p_value": None,
            **cohesion.get(sid, dict.fromkeys(("density", "degree_centralization", "reciprocity"))),
            "schools_reached": ties.schools_reached(sid), "groups_represented": len(groups[sid]),
            "is_isolated": e == 0 and caveat == "",
            "is_hard_isolated": staff[sid] > 0 and sid not in hard_linked,
            "key_connectors": ";".join(ties.key_connectors(sid, options.key_connector_share)),
            "dependency": dependency,
            "is_key_person_risk": caveat == "" and dependency is not None and
                                  dependency >= options.key_connector_share,
            "caveat": caveat,
        })
    table = pd.DataFrame(rows, columns=list(SCHOOL_COLUMNS)).astype(
        {"ei_index": "float64", "dependency": "float64", "response_rate": "float64", "ei_expected": "float64",
         "ei_p_value": "float64", "density": "float64", "degree_centralization": "float64",
         "reciprocity": "float64"})
    for column in ("surveyed", "responded"):  # whole numbers, or None when coverage is unknown (not NaN floats)
        table[column] = pd.Series([row[column] for row in rows], index=table.index, dtype=object)
    return table


def response_band(rate: float | None, options: AnalysisOptions) -> str:
    """What a school's survey answers support: "names people" (rate at or above `min_response_rate`), "patterns
    only" (at or above `pattern_response_rate`), "caution" (below), or "not surveyed" (nobody working there was
    surveyed, so the rate is unknown rather than low)."""
    if rate is None:
        return "not surveyed"
    if rate >= options.min_response_rate:
        return "names people"
    return "patterns only" if rate >= options.pattern_response_rate else "caution"
