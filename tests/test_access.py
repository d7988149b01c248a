"""Who sees what, route by route and role by role: every route of the app (read from its url_map, so a new route
cannot be missed) against every role, asserting names, aggregates only, names within a network lead's scope, or a
refusal; small groups suppressed for the roles that see aggregates.

The planted trust (tests/data/planted) with NETMAP_MIN_GROUP_SIZE=3: schools A (4 staff), B (3), C (2), D (2), so
C and D are hidden together; groups HEADS (3), MATHS (2), DORM (3), so MATHS and, with it, HEADS are hidden. The
network lead leads MATHS (members a2 and b2, schools A and B), so they see by name a2 and b2 only: a4, the one
disconnected colleague of A and B, only once an admin assigns a4 to them for a stated purpose.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from netmap.cli import main
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.trusts import LEAD_SCOPE, PLANTED, later_trust, names_in
from tests.web_helpers import PASSWORD, csrf_token, enrol, login, make_app
from webapp.accounts import Accounts

ROLES = ("admin", "hr", "ceo", "network-lead")
NAMED, SCOPED, AGGREGATE, REFUSED, OPEN = "names", "names in scope", "aggregate", "refused", "allowed"
BY_LINK = "by link only"  # whatever the role, a made-up survey link opens nothing (and repeated, is throttled)
EVERYONE = dict.fromkeys(ROLES, AGGREGATE)
NAMED_ONLY = {"admin": NAMED, "hr": NAMED, "ceo": REFUSED, "network-lead": SCOPED}
HR_ONLY = {"admin": NAMED, "hr": NAMED, "ceo": REFUSED, "network-lead": REFUSED}

# endpoint: [(method, url, {role: outcome}), ...]; every endpoint of the app must be here.
MATRIX: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "dashboard.index": [("GET", "/", EVERYONE)],
    "compare.index": [("GET", "/compare/", {"admin": NAMED, "hr": NAMED, "ceo": AGGREGATE, "network-lead": SCOPED}),
                      ("GET", "/compare/?table=ties&format=csv", NAMED_ONLY),
                      ("GET", "/compare/?table=people&format=csv", NAMED_ONLY),
                      ("GET", "/compare/?table=schools&format=csv", EVERYONE)],
    "joiners.index": [("GET", "/joiners/?since=2025-01-01", {"admin": NAMED, "hr": NAMED, "ceo": AGGREGATE,
                                                            "network-lead": SCOPED}),
                      ("GET", "/joiners/?since=2025-01-01&table=people&format=csv", NAMED_ONLY),
                      ("GET", "/joiners/?since=2025-01-01&table=cohorts&format=csv", EVERYONE),
                      ("GET", "/joiners/?since=2025-01-01&table=schools&format=csv", EVERYONE)],
    "compare.changes": [("GET", "/compare/map?before=2026-01-01&after=2026-07-01", EVERYONE),
                        ("GET", "/compare/map?before=2026-01-01&after=2026-07-01&school=A", NAMED_ONLY),
                        ("GET", "/compare/map?before=2026-01-01&after=2026-07-01&group=MATHS", NAMED_ONLY)],
    "admin.metrics": [("GET", "/metrics", EVERYONE)],
    "admin.users": [("GET", "/users", {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": REFUSED}),
                    ("GET", "/users?format=csv", {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED,
                                                  "network-lead": REFUSED})],
    "admin.disable_user": [("POST", "/users/disable", {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED,
                                                       "network-lead": REFUSED})],
    "mfa.code": [("GET", "/login/code", dict.fromkeys(ROLES, OPEN))],
    "mfa.enrol": [("GET", "/login/enrol", dict.fromkeys(ROLES, OPEN))],
    "admin.audit_log": [("GET", "/audit", {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": REFUSED}),
                        ("GET", "/audit?format=csv",
                         {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": REFUSED})],
    "about.your_data": [("GET", "/about-your-data", EVERYONE)],
    "auth.login": [("GET", "/login", dict.fromkeys(ROLES, OPEN))],
    # a survey form opens by its link, not by role (tests/test_survey_web.py); a made-up link opens nothing
    "rounds.index": [("GET", "/surveys/", {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    "rounds.show": [("GET", "/surveys/nope", {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    "rounds.open_": [("POST", "/surveys/nope/open",
                      {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    "rounds.reissue": [("POST", "/surveys/nope/links",
                        {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    "rounds.remind_": [("POST", "/surveys/nope/remind",
                        {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    "rounds.wording": [("POST", "/surveys/nope/wording",
                        {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    "rounds.sending": [("GET", "/surveys/nope/sending",
                        {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    # a round's own rules (its owner, a lead with no groups): test_a_round_is_run_by_its_owner_and_the_admins
    "rounds.reopen": [("POST", "/surveys/nope/reopen",
                       {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": REFUSED})],
    "rounds.close": [("POST", "/surveys/nope/close",
                      {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": REFUSED})],
    "expertise.index": [("GET", "/expertise/?topic=maths", NAMED_ONLY),
                        ("GET", "/expertise/?topic=maths&format=csv", NAMED_ONLY)],
    "survey.form": [("GET", "/survey/not-a-link", dict.fromkeys(ROLES, BY_LINK))],
    # challenges name the people suggested and invited (tests/test_challenges_web.py); an offer opens by its link
    "challenges.index": [("GET", "/challenges/", {"admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": OPEN})],
    "challenges.show": [("GET", "/challenges/1", {"admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": OPEN})],
    "challenges.invite": [("POST", "/challenges/1/invite",
                           {"admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": OPEN})],
    "challenges.record": [("POST", "/challenges/1/ties",
                           {"admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": OPEN})],
    "challenges.publish": [("POST", "/challenges/publish",
                            {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": OPEN})],
    "challenge_offer.offer": [("GET", "/challenge/not-a-link", dict.fromkeys(ROLES, BY_LINK))],
    "survey.people": [("GET", "/survey/not-a-link/people?q=a", dict.fromkeys(ROLES, BY_LINK))],
    "survey.code": [("GET", "/survey/", dict.fromkeys(ROLES, OPEN))],  # where a printed code is typed: no data
    "auth.logout": [("POST", "/logout", dict.fromkeys(ROLES, OPEN))],
    # signing in through an identity provider (tests/test_oidc.py): not set up here, so 404 with a page saying so
    "oidc.start": [("GET", "/login/provider", dict.fromkeys(ROLES, OPEN))],
    "oidc.callback": [("GET", "/login/provider/callback?code=x&state=y", dict.fromkeys(ROLES, OPEN))],
    "purpose.choose": [("GET", "/purpose/", EVERYONE)],
    "groups.index": [("GET", "/groups/", EVERYONE), ("GET", "/groups/?format=csv", EVERYONE)],
    "groups.show": [("GET", "/groups/MATHS", {"admin": NAMED, "hr": NAMED, "ceo": AGGREGATE,
                                              "network-lead": SCOPED}),
                    ("GET", "/groups/HEADS", {"admin": NAMED, "hr": NAMED, "ceo": AGGREGATE,
                                              "network-lead": AGGREGATE})],
    "network_map.people": [("GET", "/map/people?q=head", NAMED_ONLY)],
    "network_map.index": [("GET", "/map/", EVERYONE), ("GET", "/map/?view=staff", EVERYONE)],
    "network_map.data": [("GET", "/map/data", EVERYONE), ("GET", "/map/data?view=staff&school=A", NAMED_ONLY),
                         ("GET", "/map/data?view=staff&person=b1", {"admin": NAMED, "hr": NAMED, "ceo": REFUSED,
                                                                    "network-lead": REFUSED})],
    "schools.index": [("GET", "/schools/", EVERYONE), ("GET", "/schools/?format=csv", EVERYONE)],
    "schools.show": [("GET", "/schools/B", {"admin": NAMED, "hr": NAMED, "ceo": AGGREGATE, "network-lead": SCOPED}),
                     ("GET", "/schools/D", {"admin": NAMED, "hr": NAMED, "ceo": AGGREGATE,  # D is isolated:
                                            "network-lead": AGGREGATE})],  # its possible secondees are named
    "secondments.index": [("GET", "/secondments/?school=D", HR_ONLY)],
    "secondments.change_scenario": [("POST", "/secondments/scenario",
                                     {"admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": REFUSED})],
    "secondments.open_scenario": [("GET", "/secondments/scenario/1",
                                   {"admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": REFUSED})],
    "secondments.risk": [("GET", "/secondments/risk", HR_ONLY), ("GET", "/secondments/risk?format=csv", HR_ONLY)],
    "secondments.scenario_map": [("GET", "/secondments/map/before",
                                  {"admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": REFUSED})],
    "staff.index": [("GET", "/staff/", NAMED_ONLY), ("GET", "/staff/?format=csv", NAMED_ONLY)],
    "staff.show": [("GET", "/staff/a2", NAMED_ONLY),
                   ("GET", "/staff/b1", {"admin": NAMED, "hr": NAMED, "ceo": REFUSED, "network-lead": REFUSED})],
    "exports.download": [("GET", "/export/graphml", HR_ONLY), ("GET", "/export/xlsx", {
        "admin": OPEN, "hr": OPEN, "ceo": REFUSED, "network-lead": REFUSED})],
    "upload.index": [("GET", "/upload/", {"admin": OPEN, "hr": REFUSED, "ceo": REFUSED, "network-lead": REFUSED})],
    "trends.chart": [("GET", "/trends/chart.svg?of=trust&metric=isolated_schools", EVERYONE),
                     ("GET", "/trends/chart.svg?of=school&id=C&metric=external_ties",  # C is hidden: 2 staff
                      {"admin": AGGREGATE, "hr": AGGREGATE, "ceo": REFUSED, "network-lead": REFUSED}),
                     ("GET", "/trends/chart.svg?of=group&id=DORM&metric=conductivity", EVERYONE)],
    "wiring.index": [("GET", "/wiring/", EVERYONE), ("GET", "/wiring/?format=csv", EVERYONE)],
    "wiring.bridges": [("GET", "/wiring/bridges", NAMED_ONLY), ("GET", "/wiring/bridges?format=csv", NAMED_ONLY)],
}
NOT_DATA = {"static", "vendor.vis"}  # the app's own scripts and styles


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("access")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_MIN_GROUP_SIZE", "3")
        created = make_app(folder, read_trust(PLANTED)[0])
    # an earlier snapshot, so that the Compare page has something to compare (tests/test_compare.py's pair, with
    # the planted trust, 2026-07-01, still the latest)
    with SQLiteStore(folder / "store.db") as store:
        folder_earlier = later_trust(tmp_path_factory.mktemp("earlier") / "trust")
        staff = folder_earlier / "staff.csv"  # start dates: a2 started in 2025, a new joiner; the rest in 2015
        lines = staff.read_text().splitlines()
        staff.write_text("\n".join([lines[0] + ",started_on"] + [
            line + ("," + ("2025-09-01" if line.startswith("a2,") else "2015-09-01")) for line in lines[1:]]) + "\n")
        earlier = read_trust(folder_earlier)[0]
        analysis_of(store, store.write_snapshot(earlier, "2026-01-01", source="test").snapshot)
    with Accounts(created.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    return created


@pytest.fixture(scope="module")
def clients(app: Flask) -> dict[str, FlaskClient]:
    logged_in = {}
    for role in ROLES:
        client = app.test_client()
        login(client, role)
        logged_in[role] = client
    return logged_in


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint: rule.methods - {"HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()}
    missing = sorted(set(endpoints) - set(MATRIX) - NOT_DATA)
    assert not missing, f"routes with no row in the access matrix: {missing}"
    for endpoint, rows in MATRIX.items():
        assert {method for method, _url, _roles in rows} <= endpoints[endpoint], endpoint


CASES = [(endpoint, method, url, role, outcome) for endpoint, rows in MATRIX.items()
         for method, url, outcomes in rows for role, outcome in outcomes.items()]


@pytest.mark.parametrize(("endpoint", "method", "url", "role", "outcome"), CASES,
                         ids=[f"{role}-{method}-{url}" for _e, method, url, role, _o in CASES])
def test_each_role_gets_names_aggregates_or_a_refusal(app: Flask, endpoint: str, method: str, url: str, role: str,
                                                      outcome: str) -> None:
    client = app.test_client()  # a fresh session a test: logging out in one case must not end the others
    login(client, role)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client, "/purpose/"), "action": "clear"})
    else:
        response = client.get(url)
    text = response.get_data().decode("utf-8", "replace")  # downloads may be binary (XLSX)
    named = names_in(text)
    if outcome == REFUSED:
        assert response.status_code == 403, (response.status_code, named)
        assert not named
        return
    if outcome == BY_LINK:
        assert response.status_code in (404, 429) and not named, (response.status_code, named)
        return
    assert response.status_code in ((200, 302, 404) if outcome == OPEN else (200,)), response.status_code
    if outcome == AGGREGATE:
        assert not named, f"names shown to {role}: {named}"
    elif outcome == NAMED:
        assert named, f"{url} shows {role} nobody by name"
    elif outcome == SCOPED:
        assert named <= LEAD_SCOPE, f"names outside the lead's scope: {named - LEAD_SCOPE}"


def test_a_person_page_asks_for_a_purpose_first_and_audits_it(app: Flask) -> None:
    client = app.test_client()
    login(client, "hr", purpose=None)
    asked = client.get("/staff/a2")
    assert asked.status_code == 302 and asked.location.startswith("/purpose/?next=/staff/a2")
    assert client.get("/staff/?format=csv").status_code == 302
    assert client.get("/staff/").status_code == 200  # the table itself needs no purpose, its download does
    stated = client.post("/purpose/?next=/staff/a2", data={
        "purpose": "Planning a secondment", "detail": "maths cover for Damson",
        "csrf_token": csrf_token(client, "/purpose/")})
    assert stated.status_code == 302 and stated.location == "/staff/a2"
    assert client.get("/staff/a2").status_code == 200
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        records = accounts.audit.records(user="hr")
    assert ("view", "staff a2", "Planning a secondment: maths cover for Damson") in {r[2:] for r in records}


def test_other_without_details_is_refused(app: Flask) -> None:
    client = app.test_client()
    login(client, "hr", purpose=None)
    response = client.post("/purpose/", data={"purpose": "Other (say which below)", "detail": "",
                                              "csrf_token": csrf_token(client, "/purpose/")})
    assert response.status_code == 422 and "Say what the other purpose is" in response.get_data(as_text=True)


def _csv(client: FlaskClient, url: str) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True))))
    key = next(iter(rows[0]))
    return {row[key]: row for row in rows}


def test_small_schools_are_hidden_from_aggregate_roles_with_a_complement(clients: dict[str, FlaskClient]) -> None:
    ceo = _csv(clients["ceo"], "/schools/?format=csv")
    assert ceo["C"]["staff"] == ceo["D"]["staff"] == "fewer than 3"
    assert ceo["C"]["external_ties"] == "fewer than 3" and ceo["D"]["is_isolated"] == "fewer than 3"
    assert ceo["A"]["staff"] == "4" and ceo["B"]["staff"] == "3"
    admin = _csv(clients["admin"], "/schools/?format=csv")
    assert admin["C"]["staff"] == "2" and admin["D"]["staff"] == "2"


def test_a_lone_small_group_takes_another_with_it(clients: dict[str, FlaskClient]) -> None:
    """MATHS has 2 members; HEADS and DORM 3. Hiding MATHS alone would leave it as the trust's memberships minus
    the two others, so HEADS (the smaller of the rest, first in order) is hidden with it."""
    ceo = _csv(clients["ceo"], "/groups/?format=csv")
    assert ceo["MATHS"]["members"] == ceo["HEADS"]["members"] == "fewer than 3"
    assert ceo["DORM"]["members"] == "3"
    lead = _csv(clients["network-lead"], "/groups/?format=csv")
    assert lead["MATHS"]["members"] == "2"  # the lead's own group, whose members they know by name


def test_the_wiring_matrix_and_its_csv_hide_pairs_with_a_small_school(clients: dict[str, FlaskClient]) -> None:
    rows = list(csv.DictReader(io.StringIO(clients["ceo"].get("/wiring/?format=csv").get_data(as_text=True))))
    for row in rows:
        hidden = "C" in (row["school_a"], row["school_b"]) or "D" in (row["school_a"], row["school_b"])
        assert (row["soft_ties"] == "fewer than 3") == hidden
    assert "hidden (fewer than 3 staff)" in clients["ceo"].get("/wiring/").get_data(as_text=True)


def test_the_school_map_hides_small_schools_figures(clients: dict[str, FlaskClient]) -> None:
    nodes = {n["id"]: n["title"] for n in clients["ceo"].get("/map/data").get_json()["nodes"]}
    assert "fewer than 3 staff" in nodes["C"] and "4 staff" in nodes["A"]
    admin = {n["id"]: n["title"] for n in clients["admin"].get("/map/data").get_json()["nodes"]}
    assert "2 staff" in admin["C"]


def test_survey_response_by_role_hides_small_roles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from tests.conftest import TINY
    folder = tmp_path / "trust"
    shutil.copytree(TINY, folder)
    (folder / "respondents.csv").write_text("staff_id,round,responded_on\nS1,1,2026-01-01\nS2,1,\nS3,1,2026-01-01\n"
                                            "S4,1,2026-01-02\nS5,1,2026-01-03\n", encoding="utf-8")
    monkeypatch.setenv("NETMAP_MIN_GROUP_SIZE", "3")
    app = make_app(tmp_path / "web", read_trust(folder)[0])
    ceo, admin = app.test_client(), app.test_client()
    login(ceo, "ceo")
    login(admin, "admin")
    ceo_page, admin_page = ceo.get("/").get_data(as_text=True), admin.get("/").get_data(as_text=True)
    assert "headteacher 100 % (1 of 1)" in admin_page
    assert "headteacher fewer than 3 surveyed" in ceo_page and "(1 of 1)" not in ceo_page


def test_a_lead_sees_a_colleague_outside_their_groups_only_when_assigned_with_a_purpose(tmp_path: Path) -> None:
    """Half the trust was in a lead's scope when it took the disconnected colleagues of every school their groups
    touch; now only their groups' members, and whom an admin assigns them, with the purpose audited."""
    app = make_app(tmp_path, read_trust(PLANTED)[0])
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    lead = app.test_client()
    login(lead, "network-lead")
    assert lead.get("/staff/a4").status_code == 403
    assert names_in(lead.get("/staff/?format=csv").get_data(as_text=True)) == {"a2", "b2"}
    runner = CliRunner()
    env = {"NETMAP_USERS_DB": str(app.config["NETMAP_USERS_DB"]), "NETMAP_DB": str(app.config["NETMAP_DB"])}
    refused = runner.invoke(main, ["users", "set-people", "network-lead", "a4"], env=env)
    assert refused.exit_code == 1 and "Say why this lead needs to see these colleagues" in refused.output
    granted = runner.invoke(main, ["users", "set-people", "network-lead", "a4", "--purpose",
                                   "support a4 to join the maths network"], env=env)
    assert granted.exit_code == 0, granted.output
    assert lead.get("/staff/a4").status_code == 200
    assert names_in(lead.get("/staff/?format=csv").get_data(as_text=True)) == {"a2", "b2", "a4"}
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert ("people assigned", "network-lead: a4 (support a4 to join the maths network)") in [
            (action, subject) for _at, _user, action, subject in accounts.audit.entries()]
    runner.invoke(main, ["users", "set-people", "network-lead"], env=env)  # nobody again
    assert lead.get("/staff/a4").status_code == 403


def test_a_round_is_run_by_its_owner_and_the_admins(tmp_path: Path) -> None:
    """A network lead's round asks the staff of their groups' schools (MATHS: A and B) and is run by them and the
    admins alone: another lead, a lead with no groups, hr and ceo cannot open it, reissue, remind, send, word its
    email or close it; an admin's round is not a lead's to run; closing is an admin's. Whose links is audited."""
    from netmap.survey.questions import QUESTION_BANK
    from netmap.survey.rounds import RoundSpec
    from netmap.survey.service import create_round
    from tests.trusts import NOTICE

    app = make_app(tmp_path, read_trust(PLANTED)[0])
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
        accounts.users.add("other-lead", "network-lead", PASSWORD)
        accounts.users.set_groups("other-lead", ["DORM"])
        accounts.users.add("lead-of-nothing", "network-lead", PASSWORD)
    users = {name: app.test_client() for name in ("admin", "hr", "ceo", "network-lead", "other-lead",
                                                   "lead-of-nothing")}
    for name, client in users.items():
        login(client, name)
    fields = {"title": "Maths survey", "base": "2026-07-01", "questions": ["planning"], "max_names": "3",
              "opens": "2026-07-02", "closes": "2099-07-20", "custom_kind": "advice", "notice": NOTICE}

    def post(name: str, url: str, **data: str):  # noqa: ANN202
        client = users[name]
        return client.post(url, data={**data, "csrf_token": csrf_token(client, "/purpose/")})

    nothing = post("lead-of-nothing", "/surveys/", **fields)
    assert nothing.status_code == 403 and "ask an admin to assign you the networks you lead" in nothing.get_data(
        as_text=True)
    assert "Creating a round is for an admin" in users["lead-of-nothing"].get("/surveys/").get_data(as_text=True)
    created = post("network-lead", "/surveys/", **fields)
    assert created.status_code == 302, created.get_data(as_text=True)
    round_id = created.headers["Location"].rsplit("/", 1)[1]
    url = f"/surveys/{round_id}"
    page = users["network-lead"].get(url).get_data(as_text=True)
    assert "of the schools A, B" in page and "Run by network-lead (who created it) and the admins" in page
    for name in ("other-lead", "lead-of-nothing", "hr", "ceo"):
        for action in ("open", "links", "remind", "wording", "close", "reopen"):
            assert post(name, f"{url}/{action}", format="csv").status_code == 403, (name, action)
        assert users[name].get(f"{url}/sending").status_code == 403, name
    assert "Open and hand over" not in users["other-lead"].get(url).get_data(as_text=True)
    opened = post("network-lead", f"{url}/open", format="csv")
    handed = {row["staff_id"] for row in csv.DictReader(io.StringIO(opened.get_data(as_text=True)))}
    assert handed == {"a1", "a2", "a3", "a4", "b1", "b2", "b3"}  # the staff of A and B only
    reminded = post("network-lead", f"{url}/remind", format="csv")
    assert {row["staff_id"] for row in csv.DictReader(io.StringIO(reminded.get_data(as_text=True)))} == handed
    assert post("network-lead", f"{url}/links", staff="c1\n", format="csv").status_code == 302  # not asked
    assert post("network-lead", f"{url}/links", staff="b1\n", format="csv").mimetype == "text/csv"
    assert post("network-lead", f"{url}/close").status_code == 403  # the trust's next snapshot: an admin's
    assert post("admin", f"{url}/links", staff="a1\n", format="csv").mimetype == "text/csv"
    admins = post("admin", "/surveys/", **{**fields, "title": "Trust survey"})
    admins_url = f"/surveys/{admins.headers['Location'].rsplit('/', 1)[1]}"
    assert post("network-lead", f"{admins_url}/open", format="csv").status_code == 403
    assert users["network-lead"].get(admins_url).status_code == 200  # its rates, aggregate, stay visible
    with SQLiteStore(app.config["NETMAP_DB"]) as store:  # made on the command line (or before owners): no owner
        ownerless = create_round(store, RoundSpec("Old", "2026-07-01", (QUESTION_BANK["planning"],),
                                                  opens_on="2026-07-02", closes_on="2099-07-20", privacy_notice=NOTICE))
    assert post("network-lead", f"/surveys/{ownerless}/open", format="csv").status_code == 403
    assert post("admin", f"/surveys/{ownerless}/open", format="csv").mimetype == "text/csv"
    assert post("admin", f"{url}/close").status_code == 302
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        trail = {(r[1], r[3]) for r in accounts.audit.records()}
    assert ("network-lead", f"opened round {round_id}: links of everyone it asks (7 staff)") in trail
    assert ("network-lead", f"survey round {round_id}: links as a CSV: 7 staff: a1, a2, a3, a4, b1, b2, b3") in trail
    assert ("network-lead", f"issued reminders (an additional link each) of round {round_id}: 7 staff: a1, a2, a3, "
                            "a4, b1, b2, b3") in trail
    assert ("network-lead", f"reissued links of round {round_id}: 1 staff: b1") in trail
    assert ("admin", f"reissued links of round {round_id}: 1 staff: a1") in trail
    assert any(user == "admin" and subject.startswith(f"closed round {round_id}") for user, subject in trail)


def test_every_role_sets_up_a_second_factor_before_any_page(tmp_path: Path) -> None:
    """With NETMAP_REQUIRE_MFA on (the default; the fixtures above turn it off to log in at every case), every
    role, the ceo included (docs/accounts.md), is taken from the password to enrolment, and sees its pages only
    after the first code, computed here as the authenticator app would."""
    app = make_app(tmp_path, read_trust(PLANTED)[0], NETMAP_REQUIRE_MFA=True)
    for role in ROLES:
        client = app.test_client()
        response = login(client, role, purpose=None)
        assert response.status_code == 302 and response.location.startswith("/login/enrol"), role
        assert client.get("/").status_code == 302 and client.get("/metrics").status_code == 302
        enrolled = app.test_client()
        enrol(enrolled, role)
        assert enrolled.get("/").status_code == 200 and enrolled.get("/metrics").status_code == 200
