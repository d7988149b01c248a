"""Intervention evaluation (netmap.analysis.evaluation): the difference in differences of cross-school
colleagues, its permutation p-value against brute-force enumeration, and its bootstrap interval, on hand-built
series with and without a planted effect (tests/trusts.py, intervention_series)."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from flask import Flask

from netmap.analysis.evaluation import Intervention, cross_school_colleagues, evaluate, permutation_test
from netmap.analysis.tables import columns_of
from netmap.cli import main
from netmap.dataset import Dataset
from netmap.errors import AnalysisError
from netmap.graphs import build_graphs
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.trusts import EVALUATION_DATES, intervention_folder, intervention_series
from tests.web_helpers import NO_STABILITY, login, make_app

MATHS = Intervention("group", "MATHS")


def _with(dataset: Dataset, **tables: pd.DataFrame) -> Dataset:
    """`dataset` with some of its tables replaced."""
    return Dataset.from_tables({**dict(dataset.tables()), **tables})


def _series(planted: bool):  # type: ignore[no-untyped-def]
    dataset = intervention_series(planted)
    return tuple(build_graphs(dataset, day) for day in EVALUATION_DATES)


def test_planted_effect_is_found_with_its_size() -> None:
    before, after = _series(planted=True)
    result = evaluate(before, after, MATHS, permutations=2000, seed=7)
    assert (result.members, result.comparison, result.matched_on) == (6, 12, "school and role")
    assert result.member_change == 2.0
    assert result.comparison_change == 0.0
    assert result.dividend == 2.0
    assert 1.5 < result.low < 2.0 < result.high < 2.5  # the comparison set's spread: a3 +1, b3 -1
    assert not result.exact
    assert result.p_value < 0.01  # only the members' own assignment of 18,564 is as extreme
    assert result.sentence() == ("Members gained 2.0 more cross-school colleagues than comparable staff "
                                 "(95 % interval +1.8 to +2.2; p < 0.001).")


def test_no_effect_interval_covers_zero() -> None:
    before, after = _series(planted=False)
    result = evaluate(before, after, MATHS, permutations=2000, seed=7)
    assert result.dividend == 0.0
    assert result.low < 0 < result.high
    assert result.p_value > 0.5
    assert result.sentence().startswith("No evidence of a difference: members' cross-school colleagues changed "
                                        "by 0.0, comparable staff's by 0.0 (95 % interval ")


def test_each_persons_change_is_counted_from_the_graphs() -> None:
    before, after = _series(planted=False)
    assert cross_school_colleagues(before)["b1"] == 1 and cross_school_colleagues(after)["b1"] == 0
    people = evaluate(before, after, MATHS, permutations=100).people.set_index("staff_id")
    assert people.loc[["a1", "b1", "a3", "b3"], "change"].tolist() == [1, -1, 1, -1]
    assert set(people.index[people["arm"] == "member"]) == {"a1", "a2", "b1", "b2", "c1", "c2"}
    assert not any(p.startswith("d") for p in people.index)  # Damson has no member: not comparable


def _brute_force_p(members: list[float], compared: list[float]) -> float:
    """Every way of choosing which len(members) of the pooled people are members, counted by hand."""
    pooled = members + compared
    observed = abs(np.mean(members) - np.mean(compared))
    extreme = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(members)):
        a = [pooled[i] for i in chosen]
        b = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        total += 1
        extreme += abs(np.mean(a) - np.mean(b)) >= observed - 1e-12
    return extreme / total


@pytest.mark.parametrize(("members", "compared"), [([3, 2], [0, 1, 0, -1]), ([1, 1, 2], [0, 0, 1, 2, -1]),
                                                   ([0, 0], [0, 0, 0]), ([-2], [1, 0, 1, 0])])
def test_exact_p_value_equals_brute_force_enumeration(members: list[float], compared: list[float]) -> None:
    p, exact = permutation_test(np.array(members, float), np.array(compared, float), 1000, seed=0)
    assert exact
    assert p == pytest.approx(_brute_force_p(members, compared), abs=1e-12)


def test_random_permutations_approach_the_exact_p_value() -> None:
    members, compared = [3.0, 2.0, 2.0, 1.0], [0.0, 1.0, 0.0, -1.0, 1.0, 0.0, 2.0, 0.0]
    exact = _brute_force_p(members, compared)  # C(12, 4) = 495 assignments
    p, is_exact = permutation_test(np.array(members), np.array(compared), 20000, seed=3)
    assert not (permutation_test(np.array(members), np.array(compared), 494, seed=3)[1])
    assert is_exact  # 495 <= 20,000: enumerated
    sampled, _ = permutation_test(np.array(members), np.array(compared), 400, seed=3)
    assert sampled == pytest.approx(exact, abs=0.03)


def test_small_exact_case_through_evaluate() -> None:
    """Two members among six comparable people: 28 assignments, enumerated, equal to brute force."""
    dataset = intervention_series(planted=True)
    dataset = _with(dataset, memberships=dataset.memberships.head(2))  # only a1 and a2 join
    before, after = (build_graphs(dataset, day) for day in EVALUATION_DATES)
    result = evaluate(before, after, MATHS, permutations=1000, min_comparison=3)
    assert result.exact and result.matched_on == "school and role" and result.comparison == 4
    people = result.people
    expected = _brute_force_p(people.loc[people["arm"] == "member", "change"].tolist(),
                              people.loc[people["arm"] == "comparison", "change"].tolist())
    assert result.p_value == pytest.approx(expected)


def test_comparison_falls_back_to_role_then_everyone() -> None:
    before, after = _series(planted=True)
    assert evaluate(before, after, MATHS, permutations=10, min_comparison=13).matched_on == "role"
    dataset = intervention_series(planted=True)
    staff = dataset.staff.copy()
    staff.loc[staff["school_id"] == "D", "role"] = "support"
    dataset = _with(dataset, staff=staff)
    before, after = (build_graphs(dataset, day) for day in EVALUATION_DATES)
    result = evaluate(before, after, MATHS, permutations=10, min_comparison=13)
    assert (result.matched_on, result.comparison) == ("all staff", 18)


def test_secondments_are_an_intervention() -> None:
    dataset = intervention_series(planted=True)
    dataset = _with(dataset, memberships=pd.DataFrame(),
                    secondments=pd.DataFrame({"staff_id": ["a1", "b1"], "from_school_id": ["A", "B"],
                                              "to_school_id": ["D", "D"], "starts_on": ["2025-02-01"] * 2}))
    before, after = (build_graphs(dataset, day) for day in EVALUATION_DATES)
    result = evaluate(before, after, Intervention("secondments"), permutations=500)
    # each counted where they work on each date: a1 and b1 both at D after, so their tie is within a school;
    # each gained c1 only (counted from home, as before, they gained two each)
    assert result.members == 2 and result.member_change == 1.0
    people = result.people.set_index("staff_id")
    assert people.loc[["a1", "b1"], ["before", "after"]].to_numpy().tolist() == [[0, 1], [0, 1]]


def test_a_secondees_colleagues_at_the_host_school_are_not_cross_school() -> None:
    """a1 is seconded from Ash to Damson and collaborates there with d5 only: no cross-school gain for either."""
    dataset = _with(intervention_series(planted=False), memberships=pd.DataFrame(),
                    secondments=pd.DataFrame({"staff_id": ["a1"], "from_school_id": ["A"], "to_school_id": ["D"],
                                              "starts_on": ["2025-02-01"]}))
    before, after = (build_graphs(dataset, day) for day in EVALUATION_DATES)
    assert after.school_of["a1"] == "D" and set(after.undirected["a1"]) == {"d5"}
    was, now = cross_school_colleagues(before), cross_school_colleagues(after)
    assert (was["a1"], now["a1"], was["d5"], now["d5"]) == (0, 0, 0, 0)
    assert now["c1"] == 1  # c1-d6: Cedar with Damson, no secondment


@pytest.mark.parametrize(("intervention", "dates", "message"), [
    (Intervention("group", "ART"), EVALUATION_DATES,
     "No group 'ART' in either snapshot: use a group_id from groups.csv."),
    (MATHS, ("2025-03-01", "2025-07-01"),
     "Nobody joined group 'MATHS' between 2025-03-01 and 2025-07-01 while in post in both: choose snapshots on "
     "either side of when it began."),
    (MATHS, EVALUATION_DATES[::-1], "The earlier snapshot (2025-07-01) must be dated before the later one "
                                    "(2024-09-01)."),
])
def test_clear_errors(intervention: Intervention, dates: tuple[str, str], message: str) -> None:
    dataset = intervention_series(planted=True)
    with pytest.raises(AnalysisError) as caught:
        evaluate(*(build_graphs(dataset, day) for day in dates), intervention)
    assert str(caught.value) == message


def test_intervention_names() -> None:
    assert Intervention.parse("group:MATHS") == MATHS and MATHS.key == "group:MATHS"
    assert Intervention.parse("secondments").key == "secondments"
    with pytest.raises(AnalysisError, match="a group .with its id. or secondments"):
        Intervention.parse("group")


def _web(tmp_path: Path, planted: bool, joiners: int = 6, members: int = 6) -> Flask:
    """The app over the intervention series as two snapshots, analysed: MATHS has its first `members` members,
    the last `joiners` of whom join on its date (the others belonged before)."""
    dataset = intervention_series(planted)
    memberships = dataset.memberships.head(members).copy()
    memberships.loc[memberships.index[:members - joiners], "joined_on"] = None
    dataset = _with(dataset, memberships=memberships)
    app = make_app(tmp_path, None)
    with SQLiteStore(tmp_path / "store.db") as store:
        for day in EVALUATION_DATES:
            analysis_of(store, store.write_snapshot(dataset, day, source="test").snapshot, NO_STABILITY)
    return app


PAGE = "/compare/?before=2024-09-01&after=2025-07-01&intervention=group:MATHS"


def test_the_compare_page_evaluates_an_intervention_for_every_role(tmp_path: Path) -> None:
    app = _web(tmp_path, planted=True)
    admin, ceo = app.test_client(), app.test_client()
    login(admin, "admin")
    login(ceo, "ceo", purpose=None)
    sentence = ("Members gained 2.0 more cross-school colleagues than comparable staff (95 % interval +1.8 to +2.2; "
                "p &lt; 0.001).")
    for client in (admin, ceo):
        page = client.get(PAGE).get_data(as_text=True)
        assert sentence in page
        assert "<td>6</td><td>12</td><td>school and role</td><td>+2.00</td><td>+0.00</td><td>+2.00</td>" in page
        assert ("Teacher a1" in page) == (client is admin)  # the ceo's page names nobody
    rows = list(csv.DictReader(io.StringIO(ceo.get(PAGE + "&table=evaluation&format=csv").get_data(as_text=True))))
    assert [(r["intervention"], r["members"], r["comparison"], r["dividend"]) for r in rows] == [
        ("group:MATHS", "6", "12", "2")]
    assert list(rows[0]) == columns_of("evaluation")
    none = admin.get(PAGE.replace("group:MATHS", "secondments")).get_data(as_text=True)
    assert ("Nobody joined a secondment between 2024-09-01 and 2025-07-01 while in post in both: choose snapshots "
            "on either side of when it began.") in none


@pytest.mark.parametrize(("joiners", "members"), [(4, 6), (4, 4)])
def test_aggregate_roles_are_refused_an_evaluation_of_too_few_members(tmp_path: Path, joiners: int,
                                                                      members: int) -> None:
    """Four joiners of a group of six (a group shown, too few joiners), or a group of four (hidden)."""
    app = _web(tmp_path, planted=True, joiners=joiners, members=members)
    admin, ceo = app.test_client(), app.test_client()
    login(admin, "admin")
    login(ceo, "ceo", purpose=None)
    assert "Members gained" in admin.get(PAGE).get_data(as_text=True)
    page = ceo.get(PAGE).get_data(as_text=True)
    assert "Members gained" not in page and "No evidence" not in page
    assert ("Not shown: fewer than 5 members or comparable staff, and a figure about so few people could single "
            "someone out.") in page
    assert ceo.get(PAGE + "&table=evaluation&format=csv").status_code == 404


def test_netmap_evaluate_reports_and_writes_the_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    runner = CliRunner()
    series = str(intervention_folder(tmp_path / "series", planted=True))
    for day in (*EVALUATION_DATES, "2025-08-01"):  # a third, later snapshot: the default pair skips the middle one
        assert runner.invoke(main, ["load", series, "--as-of", day]).exit_code == 0
    result = runner.invoke(main, ["evaluate", "--group", "MATHS", "--seed", "7", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:4] == [
        "group:MATHS: 2024-09-01 → 2025-08-01",
        "Members: 6, change +2.00; comparison (school and role): 12, change +0.00",
        "Dividend +2.00, 95 % bootstrap interval +1.75 to +2.25, permutation p = 0.0005 (2,000 permutations and "
        "bootstrap resamples, seed 7)",
        "Members gained 2.0 more cross-school colleagues than comparable staff (95 % interval +1.8 to +2.2; "
        "p < 0.001)."]
    people = pd.read_csv(tmp_path / "out" / "people.csv")
    assert list(people.columns) == columns_of("evaluation people") and len(people) == 18
    assert pd.read_csv(tmp_path / "out" / "evaluation.csv")["dividend"].tolist() == [2.0]
    wrong = runner.invoke(main, ["evaluate", "--group", "MATHS", "--before", "2025-07-01"])
    assert wrong.exit_code == 1
    assert wrong.output.strip().endswith(
        "Nobody joined group 'MATHS' between 2025-07-01 and 2025-08-01 while in post in both: choose snapshots on "
        "either side of when it began.")
    neither = runner.invoke(main, ["evaluate"])
    assert neither.exit_code == 2 and "Give one intervention: --group ID or --secondments." in neither.output
