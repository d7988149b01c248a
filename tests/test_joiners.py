"""New joiners' integration on the planted pair of snapshots (2026-07-01, 2026-12-01; tests/test_compare.py),
with start dates: d1 and d2 started 2026-04-01 (Damson joined then), c3 on 2026-09-01, everyone else in 2015.

    d1: collaborates with d2 by 2026-07-01 (91 days), with a1 at Ash by 2026-12-01 (244 days); no group.
    d2: collaborates with d1 by 2026-07-01; never across schools.   c3: with c2 by 2026-12-01 (91 days).
A network lead should read: Damson's people found each other at once, but reaching another school took two
terms and one of them still has not; nobody new is in a group yet, against every established colleague.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netmap.analysis import analyse
from netmap.analysis.joiners import integration, term_of
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK
from tests.trusts import PLANTED, later_trust

STARTS = {"d1": "2026-04-01", "d2": "2026-04-01", "c3": "2026-09-01"}


def _with_starts(folder: Path) -> Path:
    staff = folder / "staff.csv"
    lines = staff.read_text().splitlines()
    out = [lines[0] + ",started_on"] + [line + "," + STARTS.get(line.split(",")[0], "2015-09-01")
                                        for line in lines[1:]]
    staff.write_text("\n".join(out) + "\n")
    return folder


def _side(folder: Path, as_of: str):  # noqa: ANN202 - (Analysis, staff table, schools table)
    dataset = read_trust(folder)[0]
    return analyse(build_graphs(dataset, as_of), QUICK), dataset.staff, dataset.schools


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    import shutil

    first = tmp_path_factory.mktemp("first") / "trust"
    shutil.copytree(PLANTED, first)
    sides = [_side(first, "2026-03-01"), _side(_with_starts(first), "2026-07-01"),
             _side(_with_starts(later_trust(tmp_path_factory.mktemp("later") / "trust")), "2026-12-01")]
    return integration(sides, since="2026-01-01")


def test_each_joiner_reaches_each_milestone_at_the_first_snapshot_that_shows_it(result) -> None:  # noqa: ANN001
    people = result.people.set_index("staff_id")
    assert list(people.index) == ["c3", "d1", "d2"]
    assert (people.at["d1", "first_tie"], people.at["d1", "days_to_tie"]) == ("2026-07-01", 91)
    assert (people.at["d1", "first_cross_school_tie"], people.at["d1", "days_to_cross_school_tie"]) == (
        "2026-12-01", 244)
    assert pd.isna(people.at["d2", "first_cross_school_tie"]) and pd.isna(people.at["d2", "first_group"])
    assert (people.at["c3", "first_tie"], people.at["c3", "days_to_tie"], people.at["c3", "cohort"]) == (
        "2026-12-01", 91, "2026 autumn")


def test_cohorts_against_established_staff(result) -> None:  # noqa: ANN001
    cohorts = result.cohorts.set_index("cohort")
    assert list(cohorts.index) == ["2026 spring", "2026 autumn", "established staff"]
    spring = cohorts.loc["2026 spring"]
    assert (spring["people"], spring["share_with_tie"], spring["share_with_cross_school_tie"],
            spring["share_with_group"]) == (2, 1.0, 0.5, 0.0)
    established = cohorts.loc["established staff"]  # a1-a3, b1-b3, c1, c2 in the later snapshot (a4 left)
    assert established["people"] == 8 and established["share_with_group"] == 1.0  # every one in a group


def test_a_school_that_joined_is_followed_from_the_first_snapshot_it_is_in(result) -> None:  # noqa: ANN001
    """Damson joined on 2026-04-01: not yet in the trust on 2026-03-01, in it (isolated) on 2026-07-01, its head
    collaborating with Ash by 2026-12-01; none of its staff in a group. A CEO should read: Damson is in the
    network now, eight months after joining, but no formal network has drawn it in yet."""
    schools = result.schools.set_index("school_id")
    assert list(schools.index) == ["D"]
    damson = schools.loc["D"]
    assert (damson["joined_on"], damson["first_snapshot"]) == ("2026-04-01", "2026-07-01")
    assert (damson["first_cross_school_tie"], damson["days_to_cross_school_tie"]) == ("2026-12-01", 244)
    assert damson["first_shared_group"] is None


def test_staff_who_came_with_a_joining_school_start_with_the_trust_when_it_joined(tmp_path: Path) -> None:
    """d1 and d2 worked at Damson since 2015; Damson joined on 2026-04-01, so to the trust they are new then."""
    import shutil

    folder = tmp_path / "trust"
    shutil.copytree(PLANTED, folder)
    staff = folder / "staff.csv"
    lines = staff.read_text().splitlines()
    staff.write_text("\n".join([lines[0] + ",started_on"] + [line + ",2015-09-01" for line in lines[1:]]) + "\n")
    people = integration([_side(folder, "2026-07-01")], since="2026-01-01").people
    assert list(people["staff_id"]) == ["d1", "d2"] and set(people["started_on"]) == {"2026-04-01"}


def test_terms() -> None:
    assert [term_of(d) for d in ("2025-09-01", "2026-01-05", "2026-04-19", "2026-04-20", "2026-08-31")] == [
        "2025 autumn", "2026 spring", "2026 spring", "2026 summer", "2026 summer"]


def test_the_joiners_page_names_people_only_to_roles_that_see_names(tmp_path: Path) -> None:
    import shutil

    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import NO_STABILITY, login, make_app

    first = tmp_path / "first"
    shutil.copytree(PLANTED, first)
    app = make_app(tmp_path / "web", read_trust(_with_starts(first))[0])
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(_with_starts(later_trust(tmp_path / "later")))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot, NO_STABILITY)
    admin, ceo = app.test_client(), app.test_client()
    login(admin, "admin")
    login(ceo, "ceo", purpose=None)
    page = admin.get("/joiners/?since=2026-01-01").get_data(as_text=True)
    assert "<td>2026 spring term</td><td>2</td><td>100 %</td><td>50 %</td><td>0 %</td>" in page
    assert "Head of D" in page and "2026-12-01 (244)" in page  # d1's first collaboration with another school
    aggregate = ceo.get("/joiners/?since=2026-01-01").get_data(as_text=True)
    # every planted school has fewer than 5 staff: the CEO's figures leave them all out, starters included
    assert "Head of D" not in aggregate and "Nobody started on or after 2026-01-01." in aggregate
    assert "Figures for your role leave out 4 small schools" in aggregate
    assert ceo.get("/joiners/?since=2026-01-01&table=people&format=csv").status_code == 403
    assert admin.get("/joiners/?since=yesterday").status_code == 400
    damson = ('Damson Primary</a></td><td class="date">2026-04-01</td><td class="date">2026-07-01</td>'
              '<td>2026-12-01 (244)</td><td>not yet</td>')
    assert damson in page  # the school that joined, followed to its first collaboration with another school
    assert 'Damson Primary</a></td><td class="date">2026-04-01</td><td class="date">fewer than 5</td>' in aggregate
    csv = admin.get("/joiners/?since=2026-01-01&table=schools&format=csv").get_data(as_text=True).splitlines()
    assert csv[0].startswith("school_id,joined_on,first_snapshot") and csv[1].startswith("D,2026-04-01,2026-07-01")


def test_reporting_periods_start_on_a_terms_first_day_in_the_last_three_academic_years() -> None:
    """A role that sees aggregates chooses among these (webapp/joiners.py, docs/suppression.md): every choice
    starts where a term_of term starts, so two choices differ by whole terms."""
    from netmap.analysis.joiners import reporting_periods, term_start

    starts = [start for start, _words in reporting_periods("2026-03-01")]
    assert starts == ["2023-09-01", "2024-01-01", "2024-04-20", "2024-09-01", "2025-01-01", "2025-04-20",
                      "2025-09-01", "2026-01-01"]  # the 2026 summer term has not begun on 2026-03-01
    assert all(term_start(term_of(start)) == start for start in starts)
    assert term_of("2026-04-19") == "2026 spring" and term_of(term_start("2026 summer")) == "2026 summer"
