"""Ids that broke pages: "/" inside an id, and JavaScript's own property names, served like any other id.

The maps drawing them in Chromium are checked in tests/test_browser.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from tests.hostile_ids import SCHOOLS, STAFF, hostile_id_trust
from tests.web_helpers import login, make_app


@pytest.fixture
def admin(tmp_path: Path) -> FlaskClient:
    app: Flask = make_app(tmp_path, read_trust(hostile_id_trust(tmp_path / "trust"))[0])
    client = app.test_client()
    login(client, "admin")
    return client


@pytest.mark.parametrize("staff_id", sorted(STAFF.values()))
def test_a_person_page_opens_whatever_their_id(admin: FlaskClient, staff_id: str) -> None:
    for path in (f"/staff/{staff_id}", f"/staff/{quote(staff_id, safe='')}"):  # as url_for and map.js write it
        response = admin.get(path)
        assert response.status_code == 200, path
    html = admin.get(f"/staff/{staff_id}").get_data(as_text=True)
    assert {"S/3": "Grace Hopper", "hasOwnProperty": "Barbara Liskov"}[staff_id] in html


@pytest.mark.parametrize("school_id", sorted(SCHOOLS.values()))
def test_a_school_page_opens_whatever_its_id(admin: FlaskClient, school_id: str) -> None:
    assert admin.get(f"/schools/{school_id}").status_code == 200


def test_links_in_tables_reach_the_pages_they_name(admin: FlaskClient) -> None:
    html = admin.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/S/3"' in html
    assert admin.get("/staff/S/3").status_code == 200


def test_map_data_carries_every_id(admin: FlaskClient) -> None:
    schools = admin.get("/map/data?view=schools").get_json()
    assert {n["id"] for n in schools["nodes"]} == set(SCHOOLS.values())
    staff = admin.get("/map/data?view=staff").get_json()
    assert {"S/3", "hasOwnProperty"} <= {n["id"] for n in staff["nodes"]}
    assert set(staff["info"]) == {n["id"] for n in staff["nodes"]}


def test_a_scenario_index_that_is_not_a_number_removes_nothing(admin: FlaskClient) -> None:
    from tests.web_helpers import csrf_token

    response = admin.post("/secondments/scenario", data={"action": "remove", "index": "abc",
                                                          "csrf_token": csrf_token(admin, "/secondments/")})
    assert response.status_code == 302
