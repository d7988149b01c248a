"""The Secondments page: HR's candidates, scenarios with before/after numbers and maps, saved scenarios."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.trusts import ranking_trust
from tests.web_helpers import csrf_token, login, make_app
from webapp.accounts import Accounts


@pytest.fixture
def hr(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "hr")
    return client


def _post(client: FlaskClient, **form: str):
    return client.post("/secondments/scenario", data={"csrf_token": csrf_token(client, "/secondments/"), **form})


@pytest.mark.parametrize(("role", "status"), [("hr", 200), ("admin", 200), ("ceo", 403), ("network-lead", 403)])
def test_only_hr_and_admins(app: Flask, role: str, status: int) -> None:
    client = app.test_client()
    login(client, role)
    assert client.get("/secondments/").status_code == status
    assert client.get("/secondments/risk").status_code == status


def test_candidates_come_ranked_with_reasons(hr: FlaskClient) -> None:
    html = hr.get("/secondments/?school=D").get_data(as_text=True)
    assert "connects Damson Primary to 2 schools it has no ties with" in html
    assert html.count("Add to scenario") >= 5


def test_a_scenario_shows_before_and_after(hr: FlaskClient) -> None:
    response = _post(hr, action="second", staff_id="a2", from_school_id="A", to_school_id="D", school="D")
    assert response.status_code == 302
    html = hr.get("/secondments/").get_data(as_text=True)
    assert "Second Maths teacher A from Ash Primary to Damson Primary" in html
    assert "<td>0 → 3</td><td>0 → 2</td>" in html  # Damson: ties to other schools, schools reached
    assert "Isolated schools: 1 → 0" in html
    before = hr.get("/secondments/map/before").get_json()
    after = hr.get("/secondments/map/after").get_json()
    assert not any("D" in (e["from"], e["to"]) for e in before["edges"])
    assert {("A", "D"), ("B", "D")} <= {(e["from"], e["to"]) for e in after["edges"]}
    assert {n["id"]: (n["x"], n["y"]) for n in before["nodes"]} == {n["id"]: (n["x"], n["y"]) for n in after["nodes"]}


def test_leavers_removing_and_clearing(hr: FlaskClient) -> None:
    _post(hr, action="leave", staff_id="head of c")  # a name, in any case, or an id
    html = hr.get("/secondments/").get_data(as_text=True)
    assert "Head of C leaves" in html and "Isolated schools: 1 → 2" in html
    _post(hr, action="leave", staff_id="nobody")
    assert "Nobody in post matches &#39;nobody&#39;" in hr.get("/secondments/").get_data(as_text=True)
    _post(hr, action="leave", staff_id="Head")  # every head, and the head of maths: which one?
    html = hr.get("/secondments/").get_data(as_text=True)
    assert "people match &#39;Head&#39;: Head of A (a1)" in html and html.count('value="remove"') == 1  # none added
    _post(hr, action="leave", staff_id="a1")
    _post(hr, action="remove", index="1")
    _post(hr, action="clear")
    assert "Empty: add candidates above" in hr.get("/secondments/").get_data(as_text=True)


def test_scenarios_are_saved_and_reopened(app: Flask, hr: FlaskClient) -> None:
    _post(hr, action="second", staff_id="b2", from_school_id="B", to_school_id="D")
    _post(hr, action="save", name="Maths for Damson")
    saved = Accounts(app.config["NETMAP_USERS_DB"]).scenarios.all_scenarios()
    assert [(name, owner, snapshot) for _, name, owner, snapshot, _ in saved] == [("Maths for Damson", "hr",
                                                                                  "2026-07-01")]
    other = app.test_client()
    login(other, "admin")
    assert "Empty: add candidates above" in other.get("/secondments/").get_data(as_text=True)
    other.get(f"/secondments/scenario/{saved[0][0]}")
    assert "Second Head of maths B from Beech Academy to Damson Primary" in other.get(
        "/secondments/").get_data(as_text=True)
    assert other.get("/secondments/scenario/999").status_code == 404


def test_scenario_changes_need_csrf(hr: FlaskClient) -> None:
    assert hr.post("/secondments/scenario", data={"action": "leave", "staff_id": "a1"}).status_code == 400


def test_leaver_risk_table_and_csv(hr: FlaskClient) -> None:
    html = hr.get("/secondments/risk").get_data(as_text=True)
    assert "Head of A" in html
    rows = list(csv.DictReader(io.StringIO(hr.get("/secondments/risk?format=csv").get_data(as_text=True))))
    assert {rows[0]["staff_id"], rows[1]["staff_id"]} == {"a1", "c1"} and rows[0]["schools_cut_off"] == "C"


def test_introductions(hr: FlaskClient) -> None:
    html = hr.get("/secondments/?person=c2").get_data(as_text=True)
    assert "Maths teacher A" in html and "Shares maths" in html


def test_candidate_views_are_audited(app: Flask, hr: FlaskClient) -> None:
    hr.get("/secondments/?school=D")
    hr.get("/secondments/risk?format=csv")
    entries = {(u, a, s) for _, u, a, s in Accounts(app.config["NETMAP_USERS_DB"]).audit.entries()}
    assert ("hr", "view", "secondment candidates for D") in entries and ("hr", "download", "leaver risk") in entries


@pytest.fixture
def rated(tmp_path) -> FlaskClient:  # noqa: ANN001 - pytest's tmp_path
    """The planted trust with the trust's own view of its schools and two secondments, one under way and one
    planned after the snapshot."""
    from dataclasses import replace

    import pandas as pd

    from netmap.ingest.validate import read_trust
    from tests.trusts import PLANTED
    from tests.web_helpers import make_app

    dataset = read_trust(PLANTED)[0]
    schools = dataset.schools.assign(priority=["low", "low", "medium", "high"],
                                      inspection_grade=["Good", "Good", "Good", "Not yet inspected"])
    seconded = pd.DataFrame({"staff_id": ["b2", "c2"], "from_school_id": ["B", "C"], "to_school_id": ["A", "B"],
                             "starts_on": ["2026-01-05", "2027-01-04"], "ends_on": [None, "2027-07-20"],
                             "purpose": ["maths support", "phonics"]})
    dataset = replace(dataset, schools=schools, secondments=seconded.astype(object).where(seconded.notna(), None))
    client = make_app(tmp_path, dataset).test_client()
    login(client, "hr")
    return client


def test_schools_to_help_first_say_why_and_download(rated: FlaskClient) -> None:
    html = rated.get("/secondments/").get_data(as_text=True)
    first = html.index('<table class="data to-help">')
    body = html.index("<tbody>", first)
    assert "Damson Primary" in html[body:body + 400]  # the first row
    assert "High priority; no collaboration with any other school" in html
    assert "inspection grade: Not yet inspected" in html
    rows = list(csv.DictReader(io.StringIO(rated.get("/secondments/?format=csv&table=to_help").get_data(as_text=True))))
    assert rows[0]["school_id"] == "D" and rows[0]["need"] == "isolated" and rows[0]["priority"] == "high"
    dashboard = rated.get("/").get_data(as_text=True)
    assert "Schools to help first" in dashboard and "High priority; no collaboration" in dashboard


def test_current_and_planned_secondments_listed_everywhere(rated: FlaskClient) -> None:
    html = rated.get("/secondments/").get_data(as_text=True)
    table = html[html.index('<table class="data under-way">'):]
    assert table.index("current") < table.index("planned")  # under way first
    assert "maths support" in table and "phonics" in table and "2027-07-20" in table
    rows = list(csv.DictReader(io.StringIO(rated.get("/secondments/?format=csv&table=secondments")
                                           .get_data(as_text=True))))
    assert [(r["staff_id"], r["status"], r["to_school_id"]) for r in rows] == [("b2", "current", "A"),
                                                                                ("c2", "planned", "B")]
    school = rated.get("/schools/B").get_data(as_text=True)
    assert "Current and planned secondments" in school and "Planned:" in school and "Current:" in school
    assert "Priority</dt><dd>low" in school and "Inspection grade</dt><dd>Good" in school
    person = rated.get("/staff/c2").get_data(as_text=True)
    assert "Planned: from" in person and "(phonics)" in person


def test_second_anyone_by_name_and_see_the_dependency_it_creates(hr: FlaskClient) -> None:
    _post(hr, action="second-by-name", staff_id="maths teacher a", to_school_id="D", school="D")
    html = hr.get("/secondments/").get_data(as_text=True)
    assert "Second Maths teacher A from Ash Primary to Damson Primary" in html
    assert "Damson Primary&#39;s links to other schools would come to hang on one person (100%)." in html
    _post(hr, action="second-by-name", staff_id="maths teacher a", to_school_id="A", school="D")
    assert "Maths teacher A already works at Ash Primary: choose another school." in hr.get(
        "/secondments/").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(hr.get("/secondments/?format=csv&table=whatif").get_data(as_text=True))))
    assert {"school", "ties_before", "ties_after"} <= set(rows[0])


def test_candidates_show_fit_and_the_home_schools_loss(hr: FlaskClient) -> None:
    html = hr.get("/secondments/?school=D").get_data(as_text=True)
    assert "Home school&#39;s loss" in html and "loses them day to day" in html  # the heading escaped, as labels are
    assert 'class="fit fit-partial"' in html and 'class="fit fit-poor"' in html
    rows = list(csv.DictReader(io.StringIO(hr.get("/secondments/?school=D&format=csv&table=candidates")
                                           .get_data(as_text=True))))
    assert {"fit", "phase_fit", "subject_fit", "home_cost", "dependency_flags", "from_school"} <= set(rows[0])
    assert rows[0]["fit"] in ("good", "partial", "poor")


def test_the_central_team_is_listed_apart_and_planned_secondees_are_refused(
        tmp_path: Path, clock: Callable[[dt.datetime], None]) -> None:
    """On the hand-built schools of tests/test_secondment_ranking.py, dated as they are there."""
    clock(dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC))
    client = make_app(tmp_path, ranking_trust()).test_client()
    login(client, "hr")
    html = client.get("/secondments/?school=T").get_data(as_text=True)
    schools, central = html.split('id="central-team"')
    assert "Same phase, teaches maths, home school low priority, no sole-subject or sole-role risk" in schools
    listed = schools.split('class="data candidates"')[1]
    assert ">a1</a>" in listed and ">c1</a>" not in listed and ">l1</a>" not in listed and ">c1</a>" in central
    assert "Central team, works across schools (data, finance)" in central
    rows = list(csv.DictReader(io.StringIO(client.get("/secondments/?school=T&format=csv&table=candidates")
                                           .get_data(as_text=True))))
    assert [(r["staff_id"], r["category"], r["score"]) for r in rows[:2]] == [("a1", "school", "4"),
                                                                             ("l3", "school", "4")]
    assert [r["staff_id"] for r in rows if r["category"] == "central"] == ["c1", "c2"]
    _post(client, action="second-by-name", staff_id="l1", to_school_id="T", school="T")
    assert ("Change 1 (second l1 from L to T) is refused: l1 is due to start a secondment to School Y on 2026-07-15. "
            "Choose someone else, or change that secondment in secondments.csv.") in client.get(
        "/secondments/").get_data(as_text=True)
