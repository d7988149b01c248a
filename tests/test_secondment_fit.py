"""Secondments risk-informed: fit by phase and subject, the home school's cost, one-person dependencies, and
which schools to help first, on a hand-built trust where each answer is known."""

from __future__ import annotations

import pandas as pd
import pytest

from netmap.analysis import analyse
from netmap.analysis.planner import Planner
from netmap.analysis.priorities import schools_to_help
from netmap.analysis.whatif import Leave, Second, what_if
from netmap.dataset import Dataset
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK, REPO

AS_OF = "2026-07-01"
# school: (phase, priority, inspection grade)
SCHOOLS = {"P": ("primary", "high", "Requires improvement"), "Q": ("primary", "low", "Good"),
           "R": ("primary", "high", "Requires improvement"), "K": ("primary", None, None),
           "SP": ("special", "medium", "Good"), "N": ("nursery", "low", "Good"),
           "AT": ("all-through", "low", "Outstanding"), "M": ("primary", "low", "Good"),
           "A": ("secondary", "low", "Good"), "B": ("secondary", "low", "Good"), "C": ("secondary", "low", "Good")}
# person: (school, subjects, role)
STAFF = {"p1": ("P", "maths", "teacher"), "p2": ("P", "english", "teacher"),
         "q1": ("Q", "maths", "teacher"), "q2": ("Q", "english", "teacher"),
         "q3": ("Q", None, "teacher"), "r1": ("R", "maths", "teacher"), "r2": ("R", None, "teacher"),
         "k1": ("K", "maths", "teacher"),
         "s1": ("SP", "send", "teacher"), "s2": ("SP", "send", "teacher"),
         "n1": ("N", "early years", "headteacher"), "n2": ("N", "early years", "teacher"),
         "at1": ("AT", "maths;physics", "teacher"), "at2": ("AT", "physics", "teacher"),
         "m1": ("M", "english", "teacher"), "m2": ("M", "english", "teacher"),
         "m3": ("M", "english", "teacher"),
         "a1": ("A", "maths", "teacher"), "b1": ("B", "maths", "teacher"), "c1": ("C", "maths", "teacher")}
TIES = [("s1", "a1"), ("s1", "b1"), ("s1", "c1"), ("s1", "s2"),   # the special-school SEND teacher: 3 schools
        ("n1", "a1"), ("n1", "b1"), ("n1", "c1"), ("n1", "n2"),   # the nursery head: 3 schools
        ("s2", "c1"), ("n2", "b1"),                              # (so neither is their school's only link)
        ("at1", "a1"), ("at1", "b1"), ("at1", "c1"), ("at2", "a1"), ("at1", "at2"),  # all-through maths: 3
        ("m1", "a1"), ("m1", "b1"), ("m1", "m2"),                # a primary English teacher: 2 schools
        ("m2", "c1"), ("m2", "a1"), ("m3", "b1"),                # M's other links (m1 holds 2 of its 5)
        ("p1", "p2"),                                            # P: no tie to any other school
        ("r1", "a1"), ("r2", "r1"),                              # R: one tie, to A
        ("q1", "a1"), ("q1", "b1"), ("q1", "s2"), ("q2", "b1"), ("q2", "c1"), ("q3", "a1"), ("q3", "c1"),  # Q: well
        # connected (7 ties to 4 schools, no one person holding half)
        ("k1", "a1"), ("k1", "b1"), ("k1", "c1")]                # K: well connected, but through k1 alone


def _dataset() -> Dataset:
    schools = pd.DataFrame({"school_id": list(SCHOOLS), "name": [f"School {s}" for s in SCHOOLS],
                            "phase": [v[0] for v in SCHOOLS.values()],
                            "priority": [v[1] for v in SCHOOLS.values()],
                            "inspection_grade": [v[2] for v in SCHOOLS.values()]})
    staff = pd.DataFrame({"staff_id": list(STAFF), "school_id": [v[0] for v in STAFF.values()],
                          "subjects": [v[1] for v in STAFF.values()], "role": [v[2] for v in STAFF.values()]})
    ties = pd.DataFrame({"source_staff_id": [a for a, _ in TIES], "target_staff_id": [b for _, b in TIES],
                         "kind": "co-planning", "weight": 1.0})
    return Dataset.from_tables({"schools": schools, "staff": staff, "collaborations": ties})


@pytest.fixture(scope="module")
def planner() -> Planner:
    graphs = build_graphs(_dataset(), AS_OF)
    return Planner(graphs, analyse(graphs, QUICK))


def test_the_best_fit_secondee_comes_before_better_connected_people_of_another_phase(planner: Planner) -> None:
    ranked = planner.recommend("P", top=20)
    ids = [c.staff_id for c in ranked]
    # m1 (primary, English) fits best; at1 (all-through, maths: close phase and a subject taught at P) fits too but
    # is AT's only maths teacher; s1 (special) and n1 (nursery) reach as many schools but fit neither way, so come
    # after everyone who fits
    assert ids[:2] == ["m1", "m2"] and ids.index("at1") < ids.index("s1")
    assert ids.index("s1") > ids.index("m1") and ids.index("n1") > ids.index("m1")
    by_id = {c.staff_id: c for c in ranked}
    assert (by_id["at1"].fit, by_id["at1"].phase_fit, by_id["at1"].subject_fit) == ("good", "close", "maths")
    assert (by_id["m1"].fit, by_id["m1"].phase_fit, by_id["m1"].subject_fit) == ("good", "same", "english")
    assert (by_id["s1"].fit, by_id["s1"].phase_fit) == ("poor", "other")
    assert (by_id["n1"].fit, by_id["n1"].phase_fit) == ("poor", "other")
    assert by_id["at1"].reason.startswith("Close phase (all-through to primary), teaches maths, home school low "
                                          "priority, sole maths teacher at home;")
    assert by_id["s1"].reason.startswith("Other phase (special, not primary), no subject in common, home school "
                                         "medium priority")


def test_asking_for_a_subject_makes_the_specialist_fit_by_subject(planner: Planner) -> None:
    ranked = planner.recommend("P", subject="SEND")
    assert [c.staff_id for c in ranked] == ["s1", "s2"]
    assert ranked[0].fit == "partial" and ranked[0].subject_fit == "send"


def test_the_home_schools_cost_is_the_what_if_engines(planner: Planner) -> None:
    graphs = planner.graphs
    for candidate in planner.recommend("P", top=20):
        result = what_if(graphs, [Second(candidate.staff_id, candidate.from_school_id, "P")])
        home = candidate.from_school_id
        assert (candidate.home_ties_before, candidate.home_ties_after) == (
            result.before.external_ties[home], result.after.external_ties[home]), candidate.staff_id
        assert (candidate.home_reached_before, candidate.home_reached_after) == (
            result.before.schools_reached[home], result.after.schools_reached[home]), candidate.staff_id


@pytest.mark.slow  # the 2,000-staff sample; test_the_home_schools_cost_is_the_what_if_engines covers it by hand
def test_home_cost_on_the_sample_is_the_what_if_engines() -> None:
    dataset, _ = read_trust(REPO / "data" / "samples" / "trust")
    graphs = build_graphs(dataset, AS_OF)
    planner = Planner(graphs, analyse(graphs, QUICK))
    for candidate in planner.recommend("SCH12", top=5) + planner.recommend("SCH01", top=5):
        target = "SCH12" if candidate in planner.recommend("SCH12", top=5) else "SCH01"
        result = what_if(graphs, [Second(candidate.staff_id, candidate.from_school_id, target)])
        home = candidate.from_school_id
        assert (candidate.home_ties_after, candidate.home_reached_after) == (
            result.after.external_ties[home], result.after.schools_reached[home])
        dependency = planner.home_cost(candidate.staff_id, target).dependency_after
        assert dependency == pytest.approx(result.after.dependency[home])


def test_the_home_schools_loss_is_said(planner: Planner) -> None:
    at1 = next(c for c in planner.recommend("P", top=20) if c.staff_id == "at1")
    # AT's four outside ties: three are at1's, who leaves; at2's colleague tie to at1 now leads out of AT
    assert (at1.home_ties_before, at1.home_ties_after) == (4, 2)
    assert at1.home_cost == ("School AT loses them day to day (1 colleague there works with them); loses 3 of its 4 "
                             "ties to other schools, and its only links to 2 schools; nobody else there teaches maths; "
                             "while they are away, colleagues' ties to them link it to School P.")


def test_one_person_dependencies_are_flagged(planner: Planner) -> None:
    by_id = {c.staff_id: c for c in planner.recommend("P", top=20)}
    # P has no outside link now: whoever goes carries all of them, so that is no reason to prefer anyone (the
    # page says it once); AT would have no maths teacher left
    assert "School P's links" not in by_id["at1"].dependency_flags
    assert "School AT would have no maths teacher" in by_id["at1"].dependency_flags
    # R has one link now (r1's): a secondee from Q who brings more would carry most of R's links
    from_q = {c.staff_id: c for c in planner.recommend("R", top=20)}
    assert "School R's links to other schools would hang on one person" in from_q["at1"].dependency_flags
    # M's links are spread today (m1 and m2 hold 2 of 5 each); with m1 away, m2's colleague tie to them and m2's
    # own two make 3 of M's 4 links: a dependency the move creates
    assert "School M's links would come to hang on one person (75%)" in by_id["m1"].dependency_flags


def test_high_priority_isolated_school_comes_first_and_says_why() -> None:
    dataset = _dataset()
    graphs = build_graphs(dataset, AS_OF)
    table = schools_to_help(analyse(graphs, QUICK).schools, dataset.schools)
    assert list(table["school_id"])[:2] == ["P", "R"]  # high priority: isolated before weakly connected
    first, second = table.iloc[0], table.iloc[1]
    assert (first["need"], first["priority"]) == ("isolated", "high")
    assert first["reason"] == "High priority; no collaboration with any other school and shares no group with anyone " \
                              "elsewhere."
    assert first["context"] == "inspection grade: Requires improvement"
    assert second["reason"] == "High priority; tied to only 1 other school (1 tie)."
    # K (unrated) is well reached but hangs on k1: weakly connected, after every rated school
    assert table.iloc[-1]["school_id"] == "K"
    assert table.iloc[-1]["reason"] == "No priority set; only 3 ties to other schools (3 schools)."
    assert "Q" not in set(table["school_id"])  # well connected: not listed


def test_without_priorities_isolation_alone_orders_the_schools() -> None:
    dataset = _dataset()
    dataset.schools["priority"] = None
    graphs = build_graphs(dataset, AS_OF)
    table = schools_to_help(analyse(graphs, QUICK).schools, dataset.schools)
    assert table.iloc[0]["school_id"] == "P" and table.iloc[0]["need"] == "isolated"


def test_fit_and_what_the_home_school_can_spare_order_the_candidates(planner: Planner) -> None:
    """Score 4 (same phase and a subject, nothing the home school cannot spare) first; then Q's sole teachers, 2;
    at1 (close phase, AT's only maths teacher), 1; R's r2 (high priority), 0; the other phases last. Two at most
    from any one school: m3 and q3 are left out."""
    ranked = planner.recommend("P", top=20)
    assert [(c.staff_id, c.score) for c in ranked] == [
        ("m1", 4), ("m2", 4), ("q1", 2), ("q2", 2), ("at1", 1), ("at2", 1), ("r2", 0),
        ("s1", -1), ("s2", -1), ("n1", -2), ("n2", -2)]
    at1 = next(c for c in ranked if c.staff_id == "at1")
    assert at1.dependency_flags == "School AT's links would still hang on one person (100%); School AT would have " \
                                   "no maths teacher"


def test_a_scenario_says_which_dependencies_it_creates_or_leaves(planner: Planner) -> None:
    changes = [Second("at1", "AT", "P"), Leave("k1")]
    flags = planner.scenario_flags(what_if(planner.graphs, changes), changes)
    # P comes to hang on at1; AT (75 % on at1 today) still hangs on one person (at2, now 100 %); A, B and C,
    # whose links moved, hang on a1, b1 and c1 before and after; K loses its only maths teacher, AT its one
    assert flags == ["School P's links to other schools would come to hang on one person (100%).",
                     "School AT's links to other schools would still hang on one person (100%).",
                     "School A's links to other schools would still hang on one person (100%).",
                     "School B's links to other schools would still hang on one person (100%).",
                     "School C's links to other schools would still hang on one person (100%).",
                     "School AT would have nobody left to teach maths.",
                     "School K would have nobody left to teach maths."]
