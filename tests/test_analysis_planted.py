"""A trust built so every flag and table value is known by hand (tests/data/planted).

    A: a1 a2 a3 (triangle) + a4 (no ties)      B: b1 - b2 - b3      C: c1 - c2      D: d1 - d2 (joined 2026)
    cross-school soft ties: a2 <-> b2 (share MATHS), a1 -> c1 (share HEADS), a3 -> b1 (share nothing)
    groups: HEADS {a1, b1, c1}, MATHS {a2, b2}, DORM {a3, b3, c2} (no tie among them)
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pytest

from netmap.analysis import Analysis, AnalysisOptions, analyse, write_analysis
from netmap.analysis.engine import STEPS
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK
from tests.trusts import PLANTED


@pytest.fixture(scope="module")
def result() -> Analysis:
    dataset, _ = read_trust(PLANTED)
    return analyse(build_graphs(dataset, "2026-07-01"), QUICK)


def _row(frame, key: str, value: str) -> dict:
    return frame.set_index(key).loc[value].to_dict()


@pytest.mark.parametrize(("school", "expected"), [
    ("A", {"staff": 4, "internal_ties": 3, "external_ties": 3, "ei_index": 0.0, "schools_reached": 2,
           "groups_represented": 3, "is_isolated": False, "is_hard_isolated": False, "key_connectors": "",
           "dependency": 1 / 3}),
    ("B", {"staff": 3, "internal_ties": 2, "external_ties": 2, "ei_index": 0.0, "schools_reached": 1,
           "groups_represented": 3, "is_isolated": False, "is_hard_isolated": False,
           "key_connectors": "a2;a3;b1;b2", "dependency": 0.5}),
    ("C", {"staff": 2, "internal_ties": 1, "external_ties": 1, "ei_index": 0.0, "schools_reached": 1,
           "groups_represented": 2, "is_isolated": False, "is_hard_isolated": False, "key_connectors": "a1;c1",
           "dependency": 1.0}),
    ("D", {"staff": 2, "internal_ties": 1, "external_ties": 0, "ei_index": -1.0, "schools_reached": 0,
           "groups_represented": 0, "is_isolated": True, "is_hard_isolated": True, "key_connectors": "",
           "dependency": None}),
])
def test_schools(result: Analysis, school: str, expected: dict) -> None:
    row = _row(result.schools, "school_id", school)
    for column, value in expected.items():
        if value is None:
            assert row[column] is None or math.isnan(row[column]), column
        else:
            assert row[column] == pytest.approx(value), column


@pytest.mark.parametrize(("group", "expected"), [
    ("HEADS", {"kind": "expert-network", "members": 3, "leads": 1, "schools_covered": 3, "schools_missing": "",
               "member_pairs": 3, "collaborating_pairs": 1, "active_members": 2, "conductivity": 1 / 3,
               "cross_school_pairs": 1, "is_dormant": False}),
    ("MATHS", {"kind": "subject-community", "members": 2, "leads": 1, "schools_covered": 2,
               "schools_missing": "C", "member_pairs": 1, "collaborating_pairs": 1, "active_members": 2,
               "conductivity": 1.0, "cross_school_pairs": 1, "is_dormant": False}),
    ("DORM", {"kind": "expert-network", "members": 3, "leads": 1, "schools_covered": 3, "schools_missing": "",
              "member_pairs": 3, "collaborating_pairs": 0, "active_members": 0, "conductivity": 0.0,
              "cross_school_pairs": 0, "is_dormant": True}),
])
def test_groups(result: Analysis, group: str, expected: dict) -> None:
    row = _row(result.groups, "group_id", group)
    assert {c: row[c] for c in expected} == pytest.approx(expected)


@pytest.mark.parametrize(("person", "expected"), [
    # times_named counts rows naming them; soft_in/out_degree follow the flow: an advice row "x names y" is y -> x,
    # a mutual kind (co-planning, resource-sharing, peer-review) both ways.
    # a1: named by a3 (advice); receives from a2 (a1 asked a2) and c1 (peer review); gives to a3 and c1.
    ("a1", {"times_named": 1, "soft_in_degree": 2, "soft_out_degree": 2, "soft_degree": 3, "cross_school_ties": 1,
            "schools_reached": 1, "hard_degree": 2, "groups": "HEADS", "is_isolate": False,
            "is_disconnected": False}),
    # a2: named by a1 and b2; receives from a3 and b2 (mutual); gives to a1 (advice), a3 and b2.
    ("a2", {"times_named": 2, "soft_in_degree": 2, "soft_out_degree": 3, "soft_degree": 3, "cross_school_ties": 1,
            "schools_reached": 1, "hard_degree": 1, "groups": "MATHS"}),
    ("a4", {"soft_degree": 0, "cross_school_ties": 0, "hard_degree": 0, "groups": "", "is_isolate": True,
            "is_disconnected": True, "ona_role": "isolate"}),
    ("b3", {"soft_degree": 1, "cross_school_ties": 0, "hard_degree": 2, "is_isolate": False,
            "is_disconnected": False}),  # no soft tie out of B, but shares DORM with a3 and c2
    ("d1", {"soft_degree": 1, "is_isolate": False, "is_disconnected": True, "core_number": 1}),
    ("c2", {"soft_degree": 1, "cross_school_ties": 0, "is_disconnected": False}),
])
def test_staff(result: Analysis, person: str, expected: dict) -> None:
    row = _row(result.staff, "staff_id", person)
    assert {c: row[c] for c in expected} == expected


def test_structural_holes_by_hand(result: Analysis) -> None:
    # a1's neighbours a2, a3, c1; a2-a3 tied. constraint: j=a2: (1/3 + (1/3)(1/3))^2, likewise a3, c1: (1/3)^2
    row = _row(result.staff, "staff_id", "a1")
    assert row["constraint"] == pytest.approx(2 * (4 / 9) ** 2 + 1 / 9)
    assert row["effective_size"] == pytest.approx(3 - 2 * 1 / 3)
    assert math.isnan(_row(result.staff, "staff_id", "a4")["constraint"])


def test_summary(result: Analysis) -> None:
    s = result.summary
    assert s["counts"] == {"staff": 11, "schools": 4, "groups": 3, "soft_ties": 11, "soft_ties_undirected": 10,
                           "hard_links": 7}
    assert s["density"] == pytest.approx(10 / 55)
    assert (s["components"], s["largest_component_share"]) == (3, pytest.approx(8 / 11))
    assert s["cross_school_share"] == pytest.approx(3 / 10)
    assert (s["isolated_schools"], s["hard_isolated_schools"]) == (["D"], ["D"])
    assert (s["isolates"], s["disconnected_staff"], s["dormant_groups"]) == (1, 3, ["DORM"])
    wiring = s["wiring"]
    assert wiring["hard_soft_jaccard"] == pytest.approx(2 / 15)
    assert wiring["soft_ties_sharing_a_group"] == pytest.approx(2 / 10)
    assert wiring["soft_only_bridges"] == 1  # a count: the summary names nobody
    assert result.bridges.values.tolist() == [["a3", "A", "b1", "B"]]
    graphs = build_graphs(read_trust(PLANTED)[0], "2026-07-01")
    undirected = graphs.soft.to_undirected()
    largest = undirected.subgraph(max(nx.connected_components(undirected), key=len))
    assert s["average_shortest_path"]["value"] == pytest.approx(nx.average_shortest_path_length(largest))
    school = nx.get_node_attributes(undirected, "school_id")
    parts = [{n for n in undirected if school[n] == x} for x in "ABCD"]
    assert s["school_modularity"] == pytest.approx(nx.community.modularity(undirected, parts))


def test_wiring_matrix(result: Analysis) -> None:
    assert result.wiring.values.tolist() == [["A", "B", 3, 2], ["A", "C", 2, 1], ["B", "C", 2, 0]]


def test_people_who_left_are_not_counted(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(PLANTED, tmp_path / "t")
    staff = tmp_path / "t" / "staff.csv"
    staff.write_text(staff.read_text().replace("staff_id,school_id,role,name,subjects",
                                               "staff_id,school_id,role,name,subjects,left_on")
                     .replace("c1,C,headteacher,Head of C,", "c1,C,headteacher,Head of C,,2026-03-31"))
    dataset, _ = read_trust(tmp_path / "t")
    analysis = analyse(build_graphs(dataset, "2026-07-01"), QUICK)
    assert "c1" not in set(analysis.staff["staff_id"])
    assert _row(analysis.schools, "school_id", "C")["is_isolated"]  # c1 was C's only link


def test_outputs_written_with_every_column(result: Analysis, tmp_path: Path) -> None:
    from netmap.analysis.group_metrics import GROUP_COLUMNS
    from netmap.analysis.school_metrics import SCHOOL_COLUMNS
    from netmap.analysis.staff_metrics import STAFF_COLUMNS
    from netmap.analysis.wiring import WIRING_COLUMNS

    paths = write_analysis(result, tmp_path)
    assert [p.name for p in paths] == ["staff.csv", "schools.csv", "groups.csv", "wiring.csv", "bridges.csv",
                                       "summary.json"]
    for name, columns in (("staff", STAFF_COLUMNS), ("schools", SCHOOL_COLUMNS), ("groups", GROUP_COLUMNS),
                          ("wiring", WIRING_COLUMNS)):
        header = (tmp_path / f"{name}.csv").read_text().splitlines()[0]
        assert header == ",".join(columns)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["as_of"] == "2026-07-01" and summary["options"]["dormant_share"] == 0.2


def test_progress_is_told_every_step() -> None:
    seen: list[tuple[str, int, int]] = []
    analyse(build_graphs(read_trust(PLANTED)[0], "2026-07-01"), progress=lambda *told: seen.append(told))
    assert seen == [(step, done, len(STEPS)) for done, step in enumerate(STEPS)]


def test_thresholds_change_the_flags() -> None:
    graphs = build_graphs(read_trust(PLANTED)[0], "2026-07-01")
    strict = analyse(graphs, AnalysisOptions(dormant_share=0.7))
    assert set(strict.groups.loc[strict.groups["is_dormant"], "group_id"]) == {"DORM", "HEADS"}  # 2/3 < 0.7
