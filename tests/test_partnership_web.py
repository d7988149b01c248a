"""A partnership of trusts on the web (docs/partnerships.md): each account sees its own trust's people, schools,
groups and figures, another trust's ids answer exactly as missing ones do, store-wide pages are refused to an
account of one trust, each trust's admin sets its consent (audited), and the partnership view analyses only the
consenting trusts, as one network."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.partnership_web import consent, partnership_app, signed_in
from tests.web_helpers import csrf_token
from webapp.accounts import Accounts
from webapp.accounts.partnership import PARTNERSHIP as OF_PARTNERSHIP

# account -> (role, trust)
ACCOUNTS = {"north-hr": ("hr", "NORTH"), "north-admin": ("admin", "NORTH"), "south-admin": ("admin", "SOUTH"),
            "north-ceo": ("ceo", "NORTH"), "partner-hr": ("hr", OF_PARTNERSHIP),
            "partner-ceo": ("ceo", OF_PARTNERSHIP), "north-lead": ("network-lead", "NORTH")}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The web app over the hand-built partnership, to the ACCOUNTS above (tests/partnership_web.py)."""
    return partnership_app(tmp_path, monkeypatch, ACCOUNTS)


def _staff_csv(client: FlaskClient) -> dict[str, dict[str, str]]:
    response = client.get("/staff/?format=csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["staff_id"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def _answer(client: FlaskClient, path: str) -> tuple[int, str]:
    """The status and the page, without the session's CSRF token (signed with the time: it differs by the
    second)."""
    response = client.get(path)
    return response.status_code, re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


@pytest.mark.parametrize(("other", "missing"), [
    ("/staff/S1", "/staff/NOBODY"),
    ("/schools/SA", "/schools/NOBODY"),
    ("/schools/SA?format=csv", "/schools/NOBODY?format=csv"),
    ("/groups/NMATHS", "/groups/NOBODY"),
    ("/map/data?view=staff&person=S1", "/map/data?view=staff&person=NOBODY"),
    ("/map/data?view=staff&school=SA", "/map/data?view=staff&school=NOBODY"),
    ("/map/data?group=NMATHS", "/map/data?group=NOBODY"),
    ("/map/people?q=Sam", "/map/people?q=NOBODY"),
    ("/trends/chart.svg?of=school&id=SA&metric=external_ties",
     "/trends/chart.svg?of=school&id=NOBODY&metric=external_ties"),
])
def test_another_trusts_id_answers_as_a_missing_one(app: Flask, other: str, missing: str) -> None:
    """SOUTH's admin asks for a NORTH-only group, and NORTH's hr for SOUTH's person and school, by page, CSV, map
    JSON, name search and trend: the very answer a made-up id gets (the id aside), so nothing tells them it
    exists."""
    client = signed_in(app, "south-admin" if "NMATHS" in other else "north-hr")
    asked = "NMATHS" if "NMATHS" in other else "Sam" if "Sam" in other else "SA" if "SA" in other else "S1"
    status, body = _answer(client, other)
    status_missing, body_missing = _answer(client, missing)
    assert status == status_missing
    assert body.replace(asked, "ID") == body_missing.replace("NOBODY", "ID")


def test_a_trust_sees_its_own_people_only_everywhere(app: Flask) -> None:
    client = signed_in(app, "north-hr")
    assert set(_staff_csv(client)) == {"N1", "N2", "N3", "BEA"}
    assert client.get("/staff/BEA").status_code == 200
    schools = client.get("/schools/?format=csv").get_data(as_text=True)
    assert "North Acre" in schools and "South Acre" not in schools and "West Acre" not in schools
    found = client.get("/map/people?q=S").get_json()
    assert {p["id"] for p in found} <= {"N1", "N2", "N3", "BEA"} and all("South" not in p["name"] for p in found)
    assert client.get("/map/people?q=Sam").get_json() == []
    payload = client.get("/map/data?view=staff").get_data(as_text=True)
    assert "Bea Bridge" in payload and "Sam South" not in payload and "Wyn West" not in payload
    page = client.get("/").get_data(as_text=True)
    assert "Northern Schools Trust" in page  # the page says whose data it is


def test_bea_is_ordinary_in_her_trust_and_the_bridge_of_the_partnership(app: Flask) -> None:
    """What a user concludes: NORTH's hr sees Bea as one of four colleagues who all work together (betweenness
    0, not a broker); once NORTH and SOUTH consent, the partnership's hr sees Bea as the one person NORTH reaches
    SOUTH through (betweenness 12/21, a broker: tests/test_trusts.py works it by hand). WEST did not consent:
    its people and its tie to N1 are not there."""
    north = _staff_csv(signed_in(app, "north-hr"))
    assert float(north["BEA"]["betweenness"]) == 0.0 and north["BEA"]["ona_role"] != "broker"
    consent(app, "north-admin")
    consent(app, "south-admin")
    partnership = _staff_csv(signed_in(app, "partner-hr"))
    assert set(partnership) == {"N1", "N2", "N3", "BEA", "S1", "S2", "S3", "S4"}
    assert float(partnership["BEA"]["betweenness"]) == pytest.approx(12 / 21, abs=1e-4)
    assert partnership["BEA"]["ona_role"] == "broker"
    assert float(partnership["N1"]["betweenness"]) == 0.0


def test_consent_is_each_trusts_own_and_audited(app: Flask) -> None:
    partner = signed_in(app, "partner-hr")
    status, body = _answer(partner, "/")
    assert status == 403 and "at least two trusts to consent; 0 do" in body
    consent(app, "north-admin")
    status, body = _answer(partner, "/staff/?format=csv")
    assert status == 403 and "1 does" in body  # one trust is not a partnership
    consent(app, "south-admin")
    assert partner.get("/").status_code == 200
    consent(app, "south-admin", on=False)  # SOUTH withdraws: the view is gone at once
    assert partner.get("/").status_code == 403
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        trail = [(user, action, subject) for _at, user, action, subject in accounts.audit.entries()
                 if action == "partnership consent"]
    assert sorted(trail) == [("north-admin", "partnership consent", "NORTH on"),
                             ("south-admin", "partnership consent", "SOUTH off"),
                             ("south-admin", "partnership consent", "SOUTH on")]
    # only a trust's own admin switches it: hr may not; the store's operator has no trust to consent for
    hr = signed_in(app, "north-hr")
    assert hr.post("/partnership/consent", data={"consent": "on",
                                                 "csrf_token": csrf_token(hr, "/partnership/")}).status_code == 403
    operator = signed_in(app, "admin")
    assert operator.post("/partnership/consent", data={
        "consent": "on", "csrf_token": csrf_token(operator, "/partnership/")}).status_code == 403


@pytest.mark.parametrize("path", ["/upload/", "/audit", "/users", "/compare/", "/secondments/"])
def test_a_trust_admin_cannot_reach_the_whole_store(app: Flask, path: str) -> None:
    client = signed_in(app, "north-admin")
    status, body = _answer(client, path)
    assert status == 403 and "whole store" in body
    assert f'href="{path}"' not in client.get("/").get_data(as_text=True)  # nor is it linked


def test_accounts_of_no_trust(app: Flask) -> None:
    """The store's operator (an admin of no trust) sees every trust; any other account of no trust, nothing."""
    assert set(_staff_csv(signed_in(app, "admin"))) == {"N1", "N2", "N3", "BEA", "S1", "S2", "S3", "S4", "W1", "W2"}
    status, body = _answer(signed_in(app, "hr"), "/")
    assert status == 403 and "belongs to none of them" in body


def test_small_numbers_are_judged_within_the_trust(app: Flask) -> None:
    """Aggregates describe at least 4 people here. MATHS has 5 members across NORTH and SOUTH, of whom NORTH holds
    3: NORTH's ceo reads "fewer than 4" (with NMATHS, NORTH's 2), and so does the partnership's ceo: its 5 less
    NORTH's own 3 would count SOUTH's 2 (tests/test_partnership_attacks.py); NMATHS and SOUTH's SREAD of 3 are
    hidden there too."""
    north = signed_in(app, "north-ceo").get("/groups/?format=csv").get_data(as_text=True)
    rows = {row["group_id"]: row for row in csv.DictReader(io.StringIO(north))}
    assert set(rows) == {"MATHS", "NMATHS"}
    assert rows["MATHS"]["members"] == rows["NMATHS"]["members"] == "fewer than 4"
    consent(app, "north-admin")
    consent(app, "south-admin")
    both = signed_in(app, "partner-ceo").get("/groups/?format=csv").get_data(as_text=True)
    rows = {row["group_id"]: row for row in csv.DictReader(io.StringIO(both))}
    assert rows["MATHS"]["members"] == rows["NMATHS"]["members"] == rows["SREAD"]["members"] == "fewer than 4"


def test_the_partnership_page_says_who_consents_and_what_to_do(app: Flask) -> None:
    page = signed_in(app, "north-admin").get("/partnership/").get_data(as_text=True)
    assert "This store holds 3 trusts." in page
    assert "needs at least two trusts to consent; 0 do" in page
    assert "Turn the partnership on for Northern Schools Trust" in page  # a trust's admin: their own trust's switch
    assert "Western Academies (<code>WEST</code>): does not consent" in page
    assert "Turn the partnership" not in signed_in(app, "north-hr").get("/partnership/").get_data(as_text=True)
    consent(app, "north-admin")
    consent(app, "south-admin")
    page = signed_in(app, "north-admin").get("/partnership/").get_data(as_text=True)
    assert "Turn the partnership off for Northern Schools Trust" in page
    assert "2 trusts consent: the partnership view analyses them as one network." in page
    assert "Partnership</a>" in page  # linked in the navigation of a store of several trusts


def test_a_lead_of_a_shared_group_sees_its_members_of_their_own_trust_only(app: Flask) -> None:
    """NORTH's lead of MATHS (which has NORTH and SOUTH members) names NORTH's members, and SOUTH's are as
    unknown to them as a made-up id."""
    client = signed_in(app, "north-lead")
    assert set(_staff_csv(client)) == {"N1", "N2", "BEA"}
    assert _answer(client, "/staff/S1")[0] == _answer(client, "/staff/NOBODY")[0] == 403
    assert _answer(client, "/staff/S1")[1].replace("S1", "ID") == _answer(client, "/staff/NOBODY")[1].replace(
        "NOBODY", "ID")
    page = client.get("/groups/MATHS").get_data(as_text=True)
    assert "Bea Bridge" in page and "Sam South" not in page and "Sara South" not in page
