"""Who sees what, route by route and identity by identity, as the access policy (webapp/policy.py) declares it:
every route of the app (read from its url_map, so a new route cannot be missed) against admin, hr, a network lead
with groups, one without, the ceo and someone not signed in; the expected answer of each is derived from the
policy's entry for the route and the role's scope, never written here. Only facts about the test data are written
here: a sample request of each route, the statuses it may answer when allowed, and whether it asks about someone
outside the lead's scope or a unit hidden by suppression. Small groups are suppressed for the roles that see
aggregates.

The planted trust (tests/data/planted) with NETMAP_MIN_GROUP_SIZE=3: schools A (4 staff), B (3), C (2), D (2), so
C and D are hidden together; groups HEADS (3), MATHS (2), DORM (3), so MATHS and, with it, HEADS are hidden. The
network lead leads MATHS (members a2 and b2, schools A and B), so they see by name a2 and b2 only: a4, the one
disconnected colleague of A and B, only once an admin assigns a4 to them for a stated purpose.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from netmap.cli import main
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.trusts import LEAD_SCOPE, NOTICE, SUMMER_ROUND, later_trust, names_in, planted_dataset
from tests.web_helpers import DEFAULT_PURPOSE, NO_STABILITY, PASSWORD, csrf_token, enrol, login, make_app
from webapp.accounts import Accounts
from webapp.policy import AGGREGATE, BY_LINK, EVERYONE, LED, PUBLIC, ROUTES, SCOPES
from webapp.purpose import JSON_REFUSAL

ROLES = ("admin", "hr", "ceo", "network-lead")
LEAD_OF_NOTHING, ANONYMOUS = "lead-of-nothing", "anonymous"  # a network lead who leads no group; nobody signed in
IDENTITIES = (*ROLES, LEAD_OF_NOTHING, ANONYMOUS)
ROLE_OF = {**{role: role for role in ROLES}, LEAD_OF_NOTHING: "network-lead"}

OUTSIDE, HIDDEN = "a person outside the lead's scope", "a unit hidden by suppression"
POSTER = "twin-of-"  # the accounts the POST cases sign in as
ANSWERED = (200, 302, 404)  # a form, a redirect after it, or nothing of that id: whatever the data allows


@dataclass(frozen=True)
class Sample:
    """A request to try on a route, and facts about the planted data it asks for: the statuses it answers when
    allowed; whether it lists people to those who may see them (besides what the policy marks person-level);
    `about`: OUTSIDE or HIDDEN; `binary`: names cannot be read in the answer (XLSX); `empty`: the data has nobody
    to show there (no challenge yet)."""

    method: str
    url: str
    ok: tuple[int, ...] = (200,)
    lists: bool = False
    about: str = ""
    binary: bool = False
    empty: bool = False


def get(url: str, **facts: object) -> Sample:
    return Sample("GET", url, **facts)  # type: ignore[arg-type]


def post(url: str, empty: bool = False) -> Sample:
    return Sample("POST", url, ANSWERED, empty=empty)


# endpoint: the requests tried on it; every endpoint of the app must be here (the gate's own test: test_policy)
SAMPLES: dict[str, list[Sample]] = {
    "dashboard.index": [get("/")],
    "dashboard.board": [get("/board.pdf", binary=True)],
    "compare.index": [get("/compare/", lists=True), get("/compare/?table=ties&format=csv"),
                      get("/compare/?table=people&format=csv"), get("/compare/?table=schools&format=csv")],
    "joiners.index": [get("/joiners/?since=2025-01-01", lists=True),
                      get("/joiners/?since=2025-01-01&table=people&format=csv"),
                      get("/joiners/?since=2025-01-01&table=cohorts&format=csv"),
                      get("/joiners/?since=2025-01-01&table=schools&format=csv")],
    "compare.changes": [get("/compare/map?before=2026-01-01&after=2026-07-01"),
                        get("/compare/map?before=2026-01-01&after=2026-07-01&school=A"),
                        get("/compare/map?before=2026-01-01&after=2026-07-01&group=MATHS")],
    "admin.metrics": [get("/metrics")],
    "admin.users": [get("/users"), get("/users?format=csv")],
    "admin.disable_user": [post("/users/disable")],
    "mfa.code": [get("/login/code", ok=ANSWERED)],
    "mfa.enrol": [get("/login/enrol", ok=ANSWERED)],
    "admin.audit_log": [get("/audit"), get("/audit?format=csv")],
    "admin.thresholds": [get("/thresholds"), post("/thresholds")],
    "partnership.index": [get("/partnership/", ok=(404,))],  # the planted store is one trust: no partnership
    "partnership.consent": [post("/partnership/consent")],
    "about.your_data": [get("/about-your-data")],
    "auth.login": [get("/login", ok=ANSWERED)],
    "rounds.index": [get("/surveys/")],
    "rounds.show": [get("/surveys/nope", ok=ANSWERED)],
    "rounds.open_": [post("/surveys/nope/open", empty=True)],
    "rounds.reissue": [post("/surveys/nope/links", empty=True)],
    "rounds.remind_": [post("/surveys/nope/remind", empty=True)],
    "rounds.wording": [post("/surveys/nope/wording")],
    "rounds.sending": [get("/surveys/nope/sending", ok=ANSWERED)],
    "rounds.reopen": [post("/surveys/nope/reopen")],
    "rounds.close": [post("/surveys/nope/close")],
    "expertise.index": [get("/expertise/?topic=maths"), get("/expertise/?topic=maths&format=csv")],
    "survey.form": [get("/survey/not-a-link")],
    "survey.people": [get("/survey/not-a-link/people?q=a")],
    "survey.code": [get("/survey/")],  # where a printed code is typed: no data
    "challenges.index": [get("/challenges/", ok=ANSWERED, empty=True)],
    "challenges.show": [get("/challenges/1", ok=ANSWERED, empty=True)],
    "challenges.invite": [post("/challenges/1/invite", empty=True)],
    "challenges.record": [post("/challenges/1/ties", empty=True)],
    "challenges.publish": [post("/challenges/publish")],
    "challenge_offer.offer": [get("/challenge/not-a-link")],
    "auth.logout": [post("/logout")],
    "person_rights.find": [get("/admin/person")],
    "person_rights.person": [get("/admin/person/a1")],
    "person_rights.download": [get("/admin/person/a1/export.zip", binary=True)],
    # signing in through an identity provider (tests/test_oidc.py): not set up here, so 404 with a page saying so
    "oidc.start": [get("/login/provider", ok=ANSWERED)],
    "oidc.callback": [get("/login/provider/callback?code=x&state=y", ok=ANSWERED)],
    "purpose.choose": [get("/purpose/")],
    "groups.index": [get("/groups/"), get("/groups/?format=csv")],
    "groups.show": [get("/groups/MATHS", lists=True), get("/groups/HEADS")],  # a lead lists MATHS, not HEADS
    "network_map.people": [get("/map/people?q=head")],
    "network_map.index": [get("/map/"), get("/map/?view=staff")],
    "network_map.data": [get("/map/data"), get("/map/data?view=staff&school=A"),
                         get("/map/data?view=staff&person=b1", about=OUTSIDE), get("/map/data?format=pdf", binary=True),
                         get("/map/data?view=staff&school=A&format=png", binary=True)],
    "schools.index": [get("/schools/"), get("/schools/?format=csv")],
    "schools.show": [get("/schools/B", lists=True), get("/schools/D")],  # D is isolated: possible secondees named
    "secondments.index": [get("/secondments/?school=D")],
    "secondments.change_scenario": [post("/secondments/scenario")],
    "secondments.open_scenario": [get("/secondments/scenario/1", ok=ANSWERED)],
    "secondments.risk": [get("/secondments/risk"), get("/secondments/risk?format=csv")],
    "secondments.key_players": [get("/secondments/key-players"), get("/secondments/key-players?k=1")],
    "secondments.scenario_map": [get("/secondments/map/before")],
    "staff.index": [get("/staff/"), get("/staff/?format=csv")],
    "staff.show": [get("/staff/a2"), get("/staff/b1", about=OUTSIDE)],
    "exports.download": [get("/export/graphml"), get("/export/xlsx", binary=True)],
    "upload.index": [get("/upload/")],
    "mapping.index": [get("/mapping/")],
    "mapping.save": [post("/mapping/save")],
    "mapping.import_": [get("/mapping/import")],
    "mapping.confirm": [post("/mapping/import/not-a-pending-import")],
    "group_lists.index": [get("/group-lists/")],
    "group_lists.confirm": [post("/group-lists/not-a-pending-import")],
    "trends.chart": [get("/trends/chart.svg?of=trust&metric=isolated_schools"),
                     get("/trends/chart.svg?of=school&id=C&metric=external_ties", about=HIDDEN),  # C: 2 staff
                     get("/trends/chart.svg?of=group&id=DORM&metric=conductivity")],
    "wiring.index": [get("/wiring/"), get("/wiring/?format=csv")],
    "wiring.bridges": [get("/wiring/bridges"), get("/wiring/bridges?format=csv")],
    "static": [get("/static/app.css")],
    "vendor.vis": [get("/vendor/vis-network.css")],
}

REFUSED, SIGN_IN = "refused", "sign in first"
NONE, SCOPED, NAMED, ANY_NAMES = "nobody by name", "names in the lead's scope", "names", "names allowed"


def _query(sample: Sample) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(sample.url).query))


def seen_by(identity: str) -> str:
    """Whom `identity` sees by name, as the policy's role scopes say; a lead who leads nothing sees nobody."""
    if identity in (ANONYMOUS, LEAD_OF_NOTHING):
        return AGGREGATE
    return SCOPES[ROLE_OF[identity]].rows


def expected(endpoint: str, sample: Sample, identity: str) -> tuple[str | tuple[int, ...], str]:
    """What `identity` must get for `sample` of `endpoint`, from the policy: REFUSED (403), SIGN_IN (a redirect
    to the sign-in page), or the statuses allowed with what the answer may name."""
    rule = ROUTES[endpoint]
    query = _query(sample)
    if BY_LINK in rule.who:
        return (404, 429), NONE  # a made-up link opens nothing, whoever asks (repeated, it is throttled)
    sees = seen_by(identity)
    if PUBLIC in rule.who:
        return sample.ok, NONE if sees == AGGREGATE else ANY_NAMES
    if identity == ANONYMOUS:
        return SIGN_IN, NONE
    role = ROLE_OF[identity]
    named = rule.is_named(query)
    if (role not in rule.who or (named and sees == AGGREGATE) or (sample.about == OUTSIDE and sees == LED)
            or (sample.about == HIDDEN and SCOPES[role].suppressed)):
        return REFUSED, NONE
    if sees == AGGREGATE:
        return sample.ok, NONE
    if sees == LED:
        return sample.ok, SCOPED
    assert sees == EVERYONE
    return sample.ok, NAMED if (named or sample.lists) and not (sample.binary or sample.empty) else ANY_NAMES


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("access")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_MIN_GROUP_SIZE", "3")
        created = make_app(folder, planted_dataset())
    # an earlier snapshot, so that the Compare page has something to compare (tests/test_compare.py's pair, with
    # the planted trust, 2026-07-01, still the latest)
    with SQLiteStore(folder / "store.db") as store:
        folder_earlier = later_trust(tmp_path_factory.mktemp("earlier") / "trust")
        staff = folder_earlier / "staff.csv"  # start dates: a2 started in 2025, a new joiner; the rest in 2015
        lines = staff.read_text().splitlines()
        staff.write_text("\n".join([lines[0] + ",started_on"] + [
            line + ("," + ("2025-09-01" if line.startswith("a2,") else "2015-09-01")) for line in lines[1:]]) + "\n")
        earlier = read_trust(folder_earlier)[0]
        analysis_of(store, store.write_snapshot(earlier, "2026-01-01", source="test").snapshot, NO_STABILITY)
    with Accounts(created.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
        accounts.users.add(LEAD_OF_NOTHING, "network-lead", PASSWORD)
        for identity, role in ROLE_OF.items():  # a twin of each for the POST cases (see signed_in)
            accounts.users.add(POSTER + identity, role, PASSWORD)
        accounts.users.set_groups(POSTER + "network-lead", ["MATHS"])
    return created


@pytest.fixture(scope="module")
def clients(app: Flask) -> dict[str, FlaskClient]:
    logged_in = {}
    for role in ROLES:
        client = app.test_client()
        login(client, role)
        logged_in[role] = client
    return logged_in


def test_every_route_has_a_sample_request(app: Flask) -> None:
    endpoints = {rule.endpoint: rule.methods - {"HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()}
    missing = sorted(set(endpoints) - set(SAMPLES))
    assert not missing, f"routes with no sample request here: {missing}"
    for endpoint, samples in SAMPLES.items():
        assert {sample.method for sample in samples} <= endpoints[endpoint], endpoint


CASES = [(endpoint, sample, identity) for endpoint, samples in SAMPLES.items() for sample in samples
         for identity in IDENTITIES]


@pytest.fixture(scope="module")
def signed_in(app: Flask) -> dict[str, FlaskClient]:
    """A session of each identity, with a purpose stated, for the GET cases. A POST is made in a fresh session of
    the identity's twin (same role and groups): logging out ends every session of its user."""
    clients = {}
    for identity in IDENTITIES:
        clients[identity] = app.test_client()
        if identity != ANONYMOUS:
            login(clients[identity], identity)
    return clients


@pytest.mark.parametrize(("endpoint", "sample", "identity"), CASES,
                         ids=[f"{identity}-{sample.method}-{sample.url}" for _e, sample, identity in CASES])
def test_each_identity_gets_what_the_policy_says(app: Flask, signed_in: dict[str, FlaskClient], endpoint: str,
                                                 sample: Sample, identity: str) -> None:
    status, names = expected(endpoint, sample, identity)
    if sample.method == "POST":
        client = app.test_client()
        if identity != ANONYMOUS:
            login(client, POSTER + identity)
        response = client.post(sample.url, data={"csrf_token": csrf_token(client, "/login"), "action": "clear",
                                                 "purpose": DEFAULT_PURPOSE})  # a form's own purpose (IN_FORM)
    else:
        response = signed_in[identity].get(sample.url)
    text = response.get_data().decode("utf-8", "replace")  # downloads may be binary (XLSX)
    response.close()  # a file sent from disk (the app's scripts) stays open until then
    named = names_in(text)
    if status == REFUSED:
        assert response.status_code == 403, (response.status_code, named)
    elif status == SIGN_IN:
        assert response.status_code == 302 and response.location.startswith("/login?next="), response.status_code
    else:
        assert response.status_code in status, response.status_code
    if names == NONE:
        assert not named, f"names shown to {identity}: {named}"
    elif names == SCOPED:
        assert named <= LEAD_SCOPE, f"names outside the lead's scope: {named - LEAD_SCOPE}"
    elif names == NAMED:
        assert named, f"{sample.url} shows {identity} nobody by name"


NAMED_DOWNLOADS = [(endpoint, sample) for endpoint, samples in SAMPLES.items() for sample in samples
                   if sample.method == "GET" and not sample.empty and ROUTES[endpoint].is_named(_query(sample))
                   and ROUTES[endpoint].needs_purpose(_query(sample))]


@pytest.mark.parametrize(("endpoint", "sample"), NAMED_DOWNLOADS, ids=[s.url for _e, s in NAMED_DOWNLOADS])
def test_named_data_asks_a_purpose_first_and_is_audited_with_it(app: Flask, endpoint: str, sample: Sample) -> None:
    """Every person-level request the policy says needs a purpose (downloads, maps, a person's page): refused
    until one is stated, then answered, and an audit entry of this user carries the purpose."""
    assert ROUTES[endpoint].audited
    user = "hr" if "hr" in ROUTES[endpoint].who else "admin"
    client = app.test_client()
    login(client, user, purpose=None)
    asked = client.get(sample.url)
    if ROUTES[endpoint].json:  # a script's JSON cannot follow a redirect: refused, with the reason
        assert asked.status_code == 403 and asked.get_json() == {"error": JSON_REFUSAL}, asked.status_code
    else:
        assert asked.status_code == 302 and asked.location.startswith("/purpose/?next="), asked.status_code
    purpose = f"Checking the data's quality: {sample.url}"
    stated = client.post("/purpose/", data={"purpose": "Checking the data's quality", "detail": sample.url,
                                            "csrf_token": csrf_token(client, "/purpose/")})
    assert stated.status_code == 302
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        before = len(accounts.audit.records(user=user))
    assert client.get(sample.url).status_code == 200
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        records = accounts.audit.records(user=user)  # newest first
    made = records[:len(records) - before]
    assert made and all(r[4] == purpose for r in made), made


def test_a_link_holder_opens_their_own_survey_form_whoever_is_signed_in(tmp_path: Path) -> None:
    """The survey routes are opened by the personal link, not by a role: with a real link anyone (signed in or
    not) gets the form and its suggestions; the made-up links of the cases above open nothing."""
    from netmap.survey.service import create_round, open_round

    app = make_app(tmp_path, planted_dataset())
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        token = dict(open_round(store, create_round(store, SUMMER_ROUND)))["a1"]
    for identity in (ANONYMOUS, "ceo", "admin"):
        client = app.test_client()
        if identity != ANONYMOUS:
            login(client, identity)
        assert client.get(f"/survey/{token}").status_code == 200, identity
        assert client.get(f"/survey/{token}/people?q=head").status_code == 200, identity


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
    the two others, so HEADS (the smaller of the rest, first in order) is hidden with it. DORM's member at a
    hidden school (C or D) is left out of the CEO's figures with that school."""
    ceo = _csv(clients["ceo"], "/groups/?format=csv")
    assert ceo["MATHS"]["members"] == ceo["HEADS"]["members"] == "fewer than 3"
    assert ceo["DORM"]["members"] == "2"
    assert _csv(clients["admin"], "/groups/?format=csv")["DORM"]["members"] == "3"
    lead = _csv(clients["network-lead"], "/groups/?format=csv")
    assert lead["MATHS"]["members"] == "2"  # the lead's own group, whose members they know by name


def test_the_wiring_matrix_and_its_csv_leave_out_pairs_with_a_small_school(
        clients: dict[str, FlaskClient]) -> None:
    """A small school's pairs are its links: how many there are is its hidden "schools reached"."""
    rows = list(csv.DictReader(io.StringIO(clients["ceo"].get("/wiring/?format=csv").get_data(as_text=True))))
    assert rows and not [r for r in rows if {r["school_a"], r["school_b"]} & {"C", "D"}]
    matrix = clients["ceo"].get("/wiring/").get_data(as_text=True).split('<table class="matrix">')[1]
    assert "Ash Primary" in matrix and "Cedar Primary" not in matrix.split("</table>")[0]


def test_the_school_map_hides_small_schools_and_their_links(clients: dict[str, FlaskClient]) -> None:
    nodes = {n["id"]: n["title"] for n in clients["ceo"].get("/map/data").get_json()["nodes"]}
    assert "C" not in nodes and "4 staff" in nodes["A"]
    assert "2 schools whose figures are hidden" in nodes["other-small-schools"]
    admin = {n["id"]: n["title"] for n in clients["admin"].get("/map/data").get_json()["nodes"]}
    assert "2 staff" in admin["C"]


def test_survey_response_by_role_hides_small_roles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from tests.conftest import TINY
    folder = tmp_path / "trust"
    shutil.copytree(TINY, folder)
    staff = folder / "staff.csv"  # one school of 5, which the CEO sees: its small roles are what is hidden
    staff.write_text(staff.read_text(encoding="utf-8").replace(",ELM,", ",OAK,").replace(",ASH,", ",OAK,"),
                     encoding="utf-8")
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
    app = make_app(tmp_path, planted_dataset())
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

    app = make_app(tmp_path, planted_dataset())
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
        return client.post(url, data={"purpose": DEFAULT_PURPOSE, **data,
                                      "csrf_token": csrf_token(client, "/purpose/")})

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
    app = make_app(tmp_path, planted_dataset(), NETMAP_REQUIRE_MFA=True)
    for role in ROLES:
        client = app.test_client()
        response = login(client, role, purpose=None)
        assert response.status_code == 302 and response.location.startswith("/login/enrol"), role
        assert client.get("/").status_code == 302 and client.get("/metrics").status_code == 302
        enrolled = app.test_client()
        enrol(enrolled, role)
        assert enrolled.get("/").status_code == 200 and enrolled.get("/metrics").status_code == 200
