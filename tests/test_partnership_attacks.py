"""An attacker's review of a partnership of trusts in one store (docs/partnerships.md): a tester, a curious
manager of trust NORTH and a careless click, each trying to learn anything about another trust's people, schools,
groups or figures through every route of the app, to change another trust's consent, or to be served a view,
map or table computed for another scope."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.dataset import Dataset
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store.sqlite import SQLiteStore
from netmap.survey.service import create_round, open_round
from tests.partnership_web import consent, partnership_app, signed_in
from tests.trusts import PARTNERSHIP, SUMMER_ROUND
from tests.web_helpers import NO_STABILITY, PASSWORD, csrf_token, make_app
from webapp.accounts import Accounts
from webapp.accounts.partnership import PARTNERSHIP as OF_PARTNERSHIP

ACCOUNTS = {"north-hr": ("hr", "NORTH"), "north-admin": ("admin", "NORTH"), "south-admin": ("admin", "SOUTH"),
            "west-admin": ("admin", "WEST"), "north-ceo": ("ceo", "NORTH"), "north-lead": ("network-lead", "NORTH"),
            "partner-hr": ("hr", OF_PARTNERSHIP), "partner-ceo": ("ceo", OF_PARTNERSHIP)}

# what NORTH may never read: SOUTH's and WEST's people, schools, groups (by name or id)
OTHERS = ("Sam South", "Sara South", "Sid South", "Sol South", "Wyn West", "Wes West", "South Acre", "West Acre",
          "South reading", "SREAD", '"S1"', '"S2"', '"S3"', '"S4"', '"W1"', '"W2"', ">S1<", ">W1<", ",S1,", ",W1,")
TRUST_NAMES = ("Southern Learning Trust", "Western Academies")  # the Partnership page names the store's trusts
NORTH_ACCOUNTS = ("north-admin", "north-hr", "north-ceo", "north-lead")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The web app over the hand-built partnership, to the ACCOUNTS above (tests/partnership_web.py)."""
    return partnership_app(tmp_path, monkeypatch, ACCOUNTS)


def _answer(client: FlaskClient, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))


def _leaks(body: str, endpoint: str) -> list[str]:
    said = [m for m in OTHERS if m in body]
    return said + ([m for m in TRUST_NAMES if m in body] if not endpoint.startswith("partnership.") else [])


def _get_routes(app: Flask) -> list[tuple[str, str]]:
    """Every GET route of the app that takes no argument in its path, with its endpoint (static files aside)."""
    return sorted((rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
                  if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static")


@pytest.mark.parametrize("name", NORTH_ACCOUNTS)
def test_no_route_shows_a_trust_account_anything_of_another_trust(app: Flask, name: str) -> None:
    """Every GET route (as a page, CSV, HTML, PNG-free download and JSON), asked by each of NORTH's roles: either
    refused, or nothing of SOUTH or WEST in it."""
    client = signed_in(app, name)
    found, answered = [], set()
    for rule, endpoint in _get_routes(app):
        for query in ("", "?format=csv", "?format=html&view=staff", "?view=staff&width=800&height=600",
                      "?q=S", "?topic=english", "?of=trust&metric=cross_school_share"):
            status, body = _answer(client, rule + query)
            if status == 200 and _leaks(body, endpoint):
                found.append(f"{rule}{query}: {_leaks(body, endpoint)}")
            if status == 200 and ("North Acre" in body or "Nia North" in body or "<svg" in body):
                answered.add(endpoint)  # the attack reached NORTH's own data there
    assert not found
    # the sweep is not empty: NORTH's own data came back from the pages its role may use
    assert {"dashboard.index", "schools.index", "network_map.data", "trends.chart"} <= answered


@pytest.mark.parametrize(("other", "missing"), [
    ("/groups/SREAD", "/groups/NOBODY"),
    ("/groups/SREAD?format=csv", "/groups/NOBODY?format=csv"),
    ("/map/data?group=SREAD&view=staff", "/map/data?group=NOBODY&view=staff"),
    ("/map/data?school=SA&view=schools", "/map/data?school=NOBODY&view=schools"),
    ("/trends/chart.svg?of=group&id=SREAD&metric=members", "/trends/chart.svg?of=group&id=NOBODY&metric=members"),
    ("/staff/S1?format=csv", "/staff/NOBODY?format=csv"),
    ("/expertise/?topic=english&from=S1", "/expertise/?topic=english&from=NOBODY"),
    ("/wiring/?school=SA", "/wiring/?school=NOBODY"),
])
@pytest.mark.parametrize("name", ["north-ceo", "north-hr"])
def test_another_trusts_id_answers_as_a_missing_one_for_every_role(app: Flask, name: str, other: str,
                                                                    missing: str) -> None:
    """No existence leak by status or body: SOUTH's group, school and person asked for by NORTH's ceo (aggregates)
    and hr (names) get the answer a made-up id gets."""
    client = signed_in(app, name)
    asked = next(i for i in ("SREAD", "SA", "S1") if i in other)
    status, body = _answer(client, other)
    status_missing, body_missing = _answer(client, missing)
    assert status == status_missing
    assert body.replace(asked, "ID") == body_missing.replace("NOBODY", "ID")


def test_the_standalone_map_of_another_trusts_school_is_the_missing_ones(app: Flask) -> None:
    """The standalone HTML download (a file that leaves netmap) of SOUTH's school, asked by NORTH's ceo: the very
    file a made-up school gets, and nothing of SOUTH in it."""
    client = signed_in(app, "north-ceo")
    other, missing = client.get("/map/data?school=SA&format=html"), client.get("/map/data?school=NOBODY&format=html")
    assert other.status_code == missing.status_code
    # the file echoes the id asked for ("SA has no collaboration ..."), as it does a made-up one's
    assert other.get_data().replace(b"<p>SA ", b"<p>ID ") == missing.get_data().replace(b"<p>NOBODY ", b"<p>ID ")
    assert not _leaks(other.get_data(as_text=True), "")


def test_a_trust_admin_cannot_change_another_trusts_consent(app: Flask) -> None:
    """NORTH's admin forges the form (a trust field naming SOUTH, WEST's id as the consent value); without the
    CSRF token nothing is recorded; only NORTH's own consent ever changes."""
    client = signed_in(app, "north-admin")
    token = csrf_token(client, "/partnership/")
    for forged in ({"consent": "on", "trust": "SOUTH", "trust_id": "SOUTH"}, {"consent": "on", "own": "WEST"}):
        assert client.post("/partnership/consent", data={**forged, "csrf_token": token}).status_code == 302
    assert client.post("/partnership/consent", data={"consent": "off"}).status_code == 400  # no CSRF token
    assert client.get("/partnership/consent").status_code == 405
    for role in ("north-hr", "north-ceo", "partner-hr"):  # not an admin, or no trust of its own
        other = signed_in(app, role)
        answer = other.post("/partnership/consent", data={"consent": "off",
                                                          "csrf_token": csrf_token(other, "/partnership/")})
        assert answer.status_code == 403
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.partnership.consenting() == {"NORTH"}


def _staff_ids(client: FlaskClient) -> set[str]:
    response = client.get("/staff/?format=csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["staff_id"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}


def test_withdrawal_is_immediate_and_no_kept_map_or_table_is_served_to_another_scope(app: Flask) -> None:
    """NORTH and SOUTH consent and the partnership's hr opens the map (kept in the view's cache); SOUTH withdraws:
    every page refuses at once. WEST then consents: the partnership of NORTH and WEST holds no SOUTH person in any
    table or kept map."""
    consent(app, "north-admin")
    consent(app, "south-admin")
    partner = signed_in(app, "partner-hr")
    assert "Sam South" in partner.get("/map/data?view=staff").get_data(as_text=True)
    assert _staff_ids(partner) >= {"S1", "BEA"}
    consent(app, "south-admin", on=False)
    for path in ("/map/data?view=staff", "/staff/?format=csv", "/staff/S1", "/groups/MATHS", "/"):
        assert partner.get(path).status_code == 403, path
    consent(app, "west-admin")
    assert _staff_ids(partner) == {"N1", "N2", "N3", "BEA", "W1", "W2"}
    payload = partner.get("/map/data?view=staff").get_data(as_text=True)
    assert "Wyn West" in payload and "Sam South" not in payload
    assert "Sam South" not in signed_in(app, "north-hr").get("/map/data?view=staff").get_data(as_text=True)


def _unnamed() -> Dataset:
    """The partnership's files with no school naming its trust (the optional columns left blank)."""
    named = read_trust(PARTNERSHIP)[0]
    return replace(named, schools=named.schools.assign(trust_id=None, trust_name=None))


def test_a_snapshot_that_names_no_trust_shows_a_trust_account_nothing(app: Flask) -> None:
    """A store of several trusts can hold a snapshot whose schools name no trust (loaded before trusts were named,
    or by an import that writes none): it belongs to no trust, so NORTH's accounts see nobody in it, rather than
    everybody."""
    unnamed = _unnamed()
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        analysis_of(store, store.write_snapshot(unnamed, "2026-06-01", source="test").snapshot, NO_STABILITY)
    for name in ("north-hr", "north-ceo"):
        client = signed_in(app, name)
        for path in ("/staff/?format=csv&snapshot=2026-06-01", "/schools/?format=csv&snapshot=2026-06-01",
                     "/map/data?view=staff&snapshot=2026-06-01", "/?snapshot=2026-06-01",
                     "/trends/chart.svg?of=trust&metric=external_ties"):
            status, body = _answer(client, path)
            assert status in (200, 403, 404), path
            assert not _leaks(body, ""), (name, path, _leaks(body, ""))
        assert 'href="/compare/"' not in client.get("/").get_data(as_text=True)  # a page refused to them: not linked


def test_the_partnership_view_cannot_be_subtracted_to_count_a_few_of_another_trust(app: Flask) -> None:
    """A manager of NORTH who also holds a partnership ceo account knows NORTH's 3 members of MATHS (NORTH's hr
    names them). Were the partnership to say MATHS has 5, NORTH would learn that SOUTH has 2 members in it, a
    number below the threshold of 4: so a group that a consenting trust holds only a few members of is suppressed
    in the partnership's aggregates, as a small group is."""
    north = signed_in(app, "north-hr").get("/groups/?format=csv").get_data(as_text=True)
    assert {r["group_id"]: r["members"] for r in csv.DictReader(io.StringIO(north))}["MATHS"] == "3"
    consent(app, "north-admin")
    consent(app, "south-admin")
    both = signed_in(app, "partner-ceo").get("/groups/?format=csv").get_data(as_text=True)
    rows = {r["group_id"]: r for r in csv.DictReader(io.StringIO(both))}
    assert rows["MATHS"]["members"] == "fewer than 4"
    staff = signed_in(app, "partner-ceo").get("/").get_data(as_text=True)
    assert "Partnership maths network" not in staff or "fewer than 4" in staff


def test_a_one_trust_store_is_untouched_by_accounts_trusts(tmp_path: Path) -> None:
    """A store whose schools name no trust: an account given a trust sees exactly what an account of no trust
    sees, and no page is refused to it (as before the partnership)."""
    app = make_app(tmp_path, _unnamed())
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.add("north-hr", "hr", PASSWORD)
        accounts.partnership.set_trust("north-hr", "NORTH")
    scoped, plain = signed_in(app, "north-hr"), signed_in(app, "hr")
    assert _staff_ids(scoped) == _staff_ids(plain) == {"N1", "N2", "N3", "BEA", "S1", "S2", "S3", "S4", "W1", "W2"}
    assert scoped.get("/compare/").status_code == plain.get("/compare/").status_code
    assert scoped.get("/partnership/").status_code == 404


def test_a_survey_link_finds_no_one_of_another_trust_without_consent(app: Flask) -> None:
    """A survey round over the whole store: NORTH's Nia, typing into her form, is offered no SOUTH or WEST name
    and no school of theirs, and cannot name one by its label; once NORTH and SOUTH consent, SOUTH's people are
    hers to name (their ties count in the partnership view), WEST's still not."""
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        tokens = dict(open_round(store, create_round(store, SUMMER_ROUND)))
    client = app.test_client()  # no account: the link is the key
    form = client.get(f"/survey/{tokens['N1']}").get_data(as_text=True)
    assert "North Acre" in form and not _leaks(form, "")
    for typed in ("Sam", "Sara", "Wyn", "South", "West"):
        assert client.get(f"/survey/{tokens['N1']}/people?q={typed}").get_json() == [], typed
    assert client.get(f"/survey/{tokens['N1']}/people?q=Noah").get_json() == ["Noah North (North Acre Primary, "
                                                                              "teacher)"]
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version
    named = client.post(f"/survey/{tokens['N1']}", data={"version": version.group(1), "action": "save",
                                                        "add-planning": "Sam South (South Acre Primary, teacher)"})
    assert named.status_code == 422 and "not on the list of staff" in named.get_data(as_text=True)
    assert client.get(f"/survey/{tokens['S1']}/people?q=Nia").get_json() == []
    consent(app, "north-admin")
    consent(app, "south-admin")
    assert client.get(f"/survey/{tokens['N1']}/people?q=Sam").get_json() == ["Sam South (South Acre Primary, "
                                                                             "teacher)"]
    assert client.get(f"/survey/{tokens['N1']}/people?q=Wyn").get_json() == []
    assert client.get(f"/survey/{tokens['W1']}/people?q=Nia").get_json() == []


def test_a_trusts_figures_count_its_own_people_only(app: Flask) -> None:
    """The dashboard's trust-wide totals for NORTH's ceo count NORTH's 4 staff and 2 schools, not the store's 10
    and 4; an account given a trust the store does not hold (a typo) sees nobody rather than everybody."""
    page = signed_in(app, "north-ceo").get("/").get_data(as_text=True)
    assert "<strong>4</strong> staff in post" in page and "<strong>2</strong> schools" in page
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.partnership.set_trust("north-hr", "NROTH")
    client = signed_in(app, "north-hr")
    status, body = _answer(client, "/staff/?format=csv")
    assert status in (200, 403) and not _leaks(body, "") and "Nia North" not in body
