"""What-if and the secondment planner: the fast paths equal a full recompute, and known answers are found."""

from __future__ import annotations

import pandas as pd
import pytest

from netmap.analysis import Analysis, analyse
from netmap.analysis.planner import Planner
from netmap.analysis.whatif import AddTie, JoinGroup, Leave, Second, apply_to_dataset, what_if
from netmap.contract import subject_key
from netmap.dataset import Dataset
from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs, build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK, REPO
from tests.trusts import PLANTED

AS_OF = "2026-07-01"


def _rounded(value: object) -> object:
    """Floats to 12 places, through dicts and lists, for exact comparison of two computations."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return round(value, 12) if isinstance(value, float) else value


def _full_recompute(dataset: Dataset, changes: list) -> dict:
    analysis = analyse(build_graphs(apply_to_dataset(dataset, AS_OF, changes), AS_OF), QUICK)
    schools = analysis.schools.set_index("school_id")
    s = analysis.summary
    return {"external_ties": schools["external_ties"].to_dict(),
            "schools_reached": schools["schools_reached"].to_dict(),
            "dependency": {k: (None if pd.isna(v) else v) for k, v in schools["dependency"].items()},
            "isolated_schools": s["isolated_schools"], "disconnected_staff": s["disconnected_staff"],
            "components": s["components"], "cross_school_share": s["cross_school_share"]}


PLANTED_CHANGES = [
    [Leave("a1")],
    [Leave("c1")],
    [Second("a2", "A", "D")],
    [Second("b3", "B", "C")],  # b3 shares DORM with c2: gains a tie to them
    [JoinGroup("d1", "HEADS")],
    [AddTie("d2", "b3", "advice")],
    [Leave("b1"), Second("a3", "A", "D"), JoinGroup("d2", "MATHS"), AddTie("c2", "d1")],
]


@pytest.mark.parametrize("changes", PLANTED_CHANGES, ids=str)
def test_what_if_equals_a_full_recompute(changes: list) -> None:
    dataset, _ = read_trust(PLANTED)
    result = what_if(build_graphs(dataset, AS_OF), changes)
    expected = _full_recompute(dataset, changes)
    got = result.after.__dict__
    assert _rounded({k: got[k] for k in expected}) == _rounded(expected)


@pytest.mark.slow  # the 2,000-staff sample analysed twice; test_what_if_equals_a_full_recompute covers it on PLANTED
def test_what_if_on_the_sample_equals_a_full_recompute() -> None:
    dataset, _ = read_trust(REPO / "data" / "samples" / "trust")
    changes = [Leave("ST1981"), Second("ST0295", "SCH04", "SCH12"), JoinGroup("ST1000", "MATHS"),
               AddTie("ST0500", "ST1500")]
    result = what_if(build_graphs(dataset, AS_OF), changes)
    expected = _full_recompute(dataset, changes)
    assert _rounded({k: result.after.__dict__[k] for k in expected}) == _rounded(expected)
    assert "SCH12" in result.schools and result.before.schools_reached["SCH12"] == 0


def test_the_secondment_model_by_hand() -> None:
    dataset, _ = read_trust(PLANTED)
    result = what_if(build_graphs(dataset, AS_OF), [Second("a2", "A", "D")])
    # a2 keeps ties to a1, a3 (now D-A ties) and b2 (now D-B): D reaches A and B; A keeps B via a3-b1
    assert (result.before.external_ties["D"], result.after.external_ties["D"]) == (0, 3)
    assert result.after.schools_reached["D"] == 2 and result.after.isolated_schools == []
    assert set(result.schools) == {"A", "B", "D"}


def test_bad_changes_are_refused() -> None:
    graphs = build_graphs(read_trust(PLANTED)[0], AS_OF)
    with pytest.raises(AnalysisError, match="'zz' is not a member of staff in post"):
        what_if(graphs, [Leave("zz")])
    with pytest.raises(AnalysisError, match="'Q' is not a school"):
        what_if(graphs, [Second("a1", "A", "Q")])
    with pytest.raises(AnalysisError, match="two different schools"):
        what_if(graphs, [Second("a1", "A", "A")])
    with pytest.raises(AnalysisError, match="a1 works at A, not B: second them from their own school"):
        what_if(graphs, [Second("a1", "B", "C")])


def _trust() -> Dataset:
    """T is isolated. x (school X) is tied to three other schools (X has another link, x2); y (Y) to one; z is
    the only link of school Z (so must never be proposed); w has left; v is already seconded, to S, where they
    now count (so p, q and r each stay their school's only connector and are never proposed)."""
    schools = pd.DataFrame({"school_id": list("TXYZPQRS"), "name": [f"School {s}" for s in "TXYZPQRS"],
                            "phase": "primary"})
    people = {"t1": "T", "t2": "T", "x": "X", "y": "Y", "z": "Z", "z2": "Z", "p": "P", "q": "Q", "r": "R", "w": "X",
              "v": "Y", "y2": "Y", "x2": "X"}
    staff = pd.DataFrame({"staff_id": list(people), "school_id": list(people.values()), "role": "teacher",
                          "subjects": ["maths", None, "maths", "maths", "maths", None, None, None, None, "maths",
                                       "maths", None, None],
                          "left_on": [None] * 9 + ["2026-01-01", None, None, None]})
    staff.loc[staff["staff_id"] == "y", "role"] = "middle-leader"
    ties = [("x", "p"), ("x", "q"), ("x", "r"), ("y", "p"), ("z", "p"), ("z", "z2"), ("t1", "t2"), ("v", "p"),
            ("v", "r"), ("v", "y2"), ("y", "y2"), ("x2", "q")]
    collaborations = pd.DataFrame({"source_staff_id": [a for a, _ in ties], "target_staff_id": [b for _, b in ties],
                                   "kind": "advice", "weight": 1.0})
    secondments = pd.DataFrame({"staff_id": ["v"], "from_school_id": ["Y"], "to_school_id": ["S"],
                                "starts_on": ["2026-01-01"]})
    groups = pd.DataFrame({"group_id": ["MATHS"], "name": ["Maths community"], "kind": ["subject-community"]})
    memberships = pd.DataFrame({"staff_id": ["x"], "group_id": ["MATHS"], "role": ["lead"]})
    return Dataset.from_tables({"schools": schools, "staff": staff, "collaborations": collaborations,
                                "secondments": secondments, "groups": groups, "memberships": memberships})


def _planner(dataset: Dataset) -> Planner:
    graphs = build_graphs(dataset, AS_OF)
    return Planner(graphs, analyse(graphs, QUICK))


def test_the_known_best_secondee_comes_first() -> None:
    ranked = _planner(_trust()).recommend("T", top=10)
    assert [c.staff_id for c in ranked][:2] == ["x", "y"]
    assert {c.staff_id for c in ranked}.isdisjoint({"z", "w", "v", "t1"})  # only connector, leaver, seconded
    best = ranked[0]
    assert (best.new_schools, best.schools_reached_after, best.external_ties_after) == (3, 3, 3)
    assert best.reason == ("Same phase, teaches maths, home school priority not set, sole maths teacher at home; "
                           "connects School T to 3 schools it has no ties with; leads the Maths community.")


def test_subject_and_role_filters() -> None:
    planner = _planner(_trust())
    assert [c.staff_id for c in planner.recommend("T", subject="maths")] == ["x", "y"]
    assert [c.staff_id for c in planner.recommend("T", role="middle-leader")] == ["y"]
    assert "Same phase, teaches maths," in planner.recommend("T", subject="maths", top=1)[0].reason
    with pytest.raises(AnalysisError, match="'NOPE' is not a school"):
        planner.recommend("NOPE")


def test_planner_numbers_equal_the_what_if_engine(sample_graphs: TrustGraphs, sample_analysis: Analysis) -> None:
    graphs = sample_graphs
    planner = Planner(graphs, sample_analysis)
    for target in ("SCH12", "SCH05", "SCH01"):
        for candidate in planner.recommend(target, top=4):
            after = what_if(graphs, [Second(candidate.staff_id, candidate.from_school_id, target)]).after
            assert (candidate.schools_reached_after, candidate.external_ties_after) == (
                after.schools_reached[target], after.external_ties[target])
            assert candidate.dependency_after == pytest.approx(after.dependency[target])


def test_introductions_for_a_disconnected_colleague() -> None:
    intros = _planner(_trust()).introductions("t1")
    # maths teachers at other schools, best connected first (v is on secondment but still a colleague)
    assert [i.staff_id for i in intros] == ["v", "x", "y", "z"]
    assert intros[1].reason == "Shares maths; works at School X and is tied to 3 other schools."


def test_leaver_risk_ranks_the_only_connectors_first() -> None:
    dataset, _ = read_trust(PLANTED)
    risk = _planner(dataset).leaver_risk()
    top = risk.head(2)
    assert set(top["staff_id"]) == {"a1", "c1"} and set(top["schools_cut_off"]) == {"C"}
    row = risk.set_index("staff_id").loc["a3"]
    assert (row["number_cut_off"], row["external_ties_lost"]) == (0, 1)


@pytest.mark.parametrize(("changes", "message"), [
    ([Leave("c1"), AddTie("c1", "a1")], r"Change 2 \(tie c1 -> a1\) names c1, who leaves in change 1"),
    ([Leave("a1"), JoinGroup("a1", "MATHS")], r"Change 2 \(a1 joins MATHS\) names a1, who leaves in change 1"),
    ([Leave("a1"), Leave("a1")], "who leaves in change 1"),
    ([Second("a2", "A", "D"), Second("a2", "A", "C")], "a2 is already seconded to D"),
    ([Leave("b3"), AddTie("d1", "d1")], r"^Change 2 \(tie d1 -> d1\) ties d1 to themselves: a tie needs two "
                                         r"different people\.$"),
    ([AddTie("d1", "a1", "gossip")], r"^Change 1 \(tie d1 -> a1\) has the unknown tie kind 'gossip': use one of "
                                     r"advice, information, expertise, .*, other\.$"),
])
def test_contradictory_changes_are_refused_with_the_changes_named(changes: list, message: str) -> None:
    dataset, _ = read_trust(PLANTED)
    with pytest.raises(AnalysisError, match=message):
        what_if(build_graphs(dataset, AS_OF), changes)
    with pytest.raises(AnalysisError, match=message):
        apply_to_dataset(dataset, AS_OF, changes)


def test_changes_apply_in_the_order_given() -> None:
    """A tie added and then its end leaving is a real scenario (the tie goes with them); the reverse is refused."""
    dataset, _ = read_trust(PLANTED)
    graphs = build_graphs(dataset, AS_OF)
    result = what_if(graphs, [AddTie("d1", "a4"), Leave("d1")])
    assert result.after.isolated_schools == ["D"] and result.after.disconnected_staff == 2  # a4 and d2
    assert _rounded(result.after.__dict__) == _rounded(what_if(graphs, [Leave("d1")]).after.__dict__)


def test_subjects_match_whatever_their_case() -> None:
    dataset = _trust()
    dataset.staff.loc[dataset.staff["staff_id"] == "y", "subjects"] = "Maths"
    planner = _planner(dataset)
    assert [c.staff_id for c in planner.recommend("T", subject="MATHS")] == ["x", "y"]


def test_subjects_match_whatever_their_accents() -> None:
    """Names fold accents; subjects fold them the same way: "Français" on a staff record is "francais"."""
    dataset = _trust()
    dataset.staff.loc[dataset.staff["staff_id"] == "x", "subjects"] = "Français"
    dataset.staff.loc[dataset.staff["staff_id"] == "y", "subjects"] = "francais"
    planner = _planner(dataset)
    assert [c.staff_id for c in planner.recommend("T", subject="FRANCAIS")] == ["x", "y"]
    assert subject_key("Français") == subject_key("francais") == "francais"


def test_leaver_risk_counts_brokerage_across_schools_only() -> None:
    """Coordinator paths never leave a school, so they are not part of what the trust loses when someone goes."""
    dataset, _ = read_trust(PLANTED)
    graphs = build_graphs(dataset, AS_OF)
    analysis = analyse(graphs, QUICK)
    risk = Planner(graphs, analysis).leaver_risk().set_index("staff_id")
    staff = analysis.staff.set_index("staff_id")
    for person in staff.index:
        across = sum(int(staff.at[person, f"broker_{r}"])
                     for r in ("consultant", "representative", "gatekeeper", "liaison"))
        assert risk.at[person, "brokerage_lost"] == across
    assert (staff["broker_coordinator"] > 0).any()  # the planted trust has some, and they are left out
