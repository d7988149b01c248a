"""Every route through Flask's test client: access, roles, CSRF, downloads, uploads, escaping, maps."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.analysis.staff_metrics import STAFF_COLUMNS
from netmap.ingest.validate import read_trust
from netmap.layout import faded
from netmap.spreadsheet import neutralise
from netmap.store import SQLiteStore
from tests.trusts import PLANTED, planted_dataset
from tests.web_helpers import NO_STABILITY, PASSWORD, csrf_token, login, make_app
from webapp.accounts import LOCKOUT_FAILURES, Accounts
from webapp.security import CSP

PAGES = ["/", "/schools/", "/schools/A", "/staff/", "/staff/a1", "/groups/", "/groups/DORM", "/wiring/",
         "/wiring/bridges", "/map/", "/map/?view=staff", "/map/data", "/map/data?view=staff&school=A", "/metrics"]
TABLES = ["/schools/", "/staff/", "/groups/", "/wiring/bridges", "/wiring/", "/audit"]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    assert login(client, "admin").status_code == 302
    return client


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app for this module's tests that only read pages, tables and downloads (an app costs about 0.1 s of
    CPU): each takes a fresh client, so no session carries over. A test that writes (accounts, failed logins,
    uploads, scenarios), reads back the audit log, draws maps (their places are kept) or changes a limit takes
    its own `app`."""
    return make_app(tmp_path_factory.mktemp("shared-web"), planted_dataset())


@pytest.fixture
def reader(shared_app: Flask) -> FlaskClient:
    """A fresh client of the shared app, not signed in."""
    return shared_app.test_client()


@pytest.fixture
def reader_admin(reader: FlaskClient) -> FlaskClient:
    """A fresh client of the shared app, signed in as the admin."""
    assert login(reader, "admin").status_code == 302
    return reader


@pytest.mark.parametrize("path", [*PAGES, "/upload/", "/audit", "/staff/?format=csv"])
def test_every_page_needs_login(reader: FlaskClient, path: str) -> None:
    response = reader.get(path)
    assert response.status_code == 302 and response.location.startswith("/login?next=")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_works_for_the_roles_that_see_names(shared_app: Flask, path: str) -> None:
    """Every role against every route is tests/test_access.py's matrix."""
    for role in ("admin", "hr"):
        client = shared_app.test_client()
        login(client, role)
        assert client.get(path).status_code == 200, (role, path)


@pytest.mark.parametrize(("path", "allowed"), [("/upload/", {"admin"}), ("/audit", {"admin"})])
def test_admin_pages_refuse_other_roles(shared_app: Flask, path: str, allowed: set[str]) -> None:
    for role in ("admin", "hr", "ceo", "network-lead"):
        client = shared_app.test_client()
        login(client, role)
        assert client.get(path).status_code == (200 if role in allowed else 403), role


def test_login_rejects_wrong_password_and_missing_csrf(client: FlaskClient) -> None:
    assert login(client, "admin", "wrong password!").status_code == 401
    assert client.post("/login", data={"name": "admin", "password": PASSWORD}).status_code == 400
    assert client.get("/").status_code == 302


def test_failed_logins_are_throttled(client: FlaskClient) -> None:
    for _ in range(LOCKOUT_FAILURES):
        assert login(client, "ceo", "not the password").status_code == 401
    response = login(client, "ceo")  # right password, but the name is locked
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_session_cookie_flags(reader: FlaskClient) -> None:
    response = login(reader, "hr")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_never_redirects_off_site(shared_app: Flask) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/schools/"):
        client = shared_app.test_client()
        response = client.post(f"/login?next={target}", data={"name": "hr", "password": PASSWORD,
                                                              "csrf_token": csrf_token(client)})
        assert response.location == ("/schools/" if target == "/schools/" else "/")


def test_removed_or_demoted_users_lose_access_at_once(app: Flask, admin: FlaskClient) -> None:
    assert admin.get("/upload/").status_code == 200
    accounts = Accounts(app.config["NETMAP_USERS_DB"])
    users = accounts.users
    users.set_role("admin", "ceo")  # a new role ends the user's sessions: it applies from their next login
    assert admin.get("/upload/").status_code == 302
    login(admin, "admin")
    assert admin.get("/upload/").status_code == 403
    users.remove("admin")
    accounts.close()
    assert admin.get("/").status_code == 302


def test_logout_needs_csrf_and_ends_the_session(admin: FlaskClient) -> None:
    assert admin.post("/logout").status_code == 400
    assert admin.post("/logout", data={"csrf_token": csrf_token(admin, "/")}).status_code == 302
    assert admin.get("/").status_code == 302


@pytest.mark.parametrize("path", TABLES)
def test_every_table_downloads_as_csv(reader_admin: FlaskClient, path: str) -> None:
    reader_admin.get("/staff/a1")  # so the audit log has a row
    response = reader_admin.get(path + ("&" if "?" in path else "?") + "format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) >= 2


def test_staff_csv_has_every_person_and_metric(reader_admin: FlaskClient) -> None:
    rows = list(csv.DictReader(io.StringIO(reader_admin.get("/staff/?format=csv").get_data(as_text=True))))
    assert len(rows) == 11
    a1 = next(r for r in rows if r["staff_id"] == "a1")
    assert (a1["soft_degree"], a1["cross_school_ties"], a1["name"]) == ("3", "1", "Head of A")


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("Ada", "Ada"), (-0.5, -0.5), (3, 3),
])
def test_formula_cells_are_neutralised(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_downloads_neutralise_names_from_the_data(tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    shutil.copytree(PLANTED, folder)
    staff = folder / "staff.csv"
    staff.write_text(staff.read_text().replace("Head of A", '"=HYPERLINK(""http://evil"",""x"")"'))
    client = make_app(tmp_path, read_trust(folder)[0]).test_client()
    login(client, "admin")
    text = client.get("/staff/?format=csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and ',=HYPERLINK' not in text


def test_tables_sort_filter_and_search(reader_admin: FlaskClient) -> None:
    html = reader_admin.get("/staff/?sort=soft_degree&order=asc&school_id=A").get_data(as_text=True)
    ids = re.findall(r'href="/staff/([a-z]\d)"', html)
    assert ids and set(ids) <= {"a1", "a2", "a3", "a4"} and ids[0] == "a4"
    assert "Head of B" in reader_admin.get("/staff/?q=head+of+b").get_data(as_text=True)
    assert "Head of A" not in reader_admin.get("/staff/?q=head+of+b").get_data(as_text=True)
    isolated = reader_admin.get("/schools/?is_isolated=True&format=csv").get_data(as_text=True)
    assert [r[0] for r in csv.reader(io.StringIO(isolated))][1:] == ["D"]


def test_metric_headings_explain_themselves(reader_admin: FlaskClient) -> None:
    html = reader_admin.get("/staff/").get_data(as_text=True)
    assert 'title="Share of shortest routes between two colleagues that pass through them (0 to 1)."' in html
    assert 'href="/metrics#betweenness"' in html


def test_dashboard_alerts_link_to_detail(reader_admin: FlaskClient) -> None:
    html = reader_admin.get("/").get_data(as_text=True)
    assert "1 of 4 schools (25 %) isolated" in html and 'href="/schools/D"' in html
    assert "1 of 3 networks and communities (33 %) dormant" in html and 'href="/groups/DORM"' in html
    assert "3 of 11 staff (27 %)</a> disconnected" in html
    # C's one outside tie hangs on one person, but one tie is too few to call a key-person risk; it is weakly
    # connected, so it is among the schools to help first, after isolated D
    alerts = html[html.index("<h2>Alerts</h2>"):]
    assert "0 key-person risk(s)" in alerts and 'href="/schools/C"' not in alerts
    to_help = html[html.index("<h2>Schools to help first</h2>"):html.index("<h2>Alerts</h2>")]
    assert to_help.index('href="/schools/D"') < to_help.index('href="/schools/C"')
    assert "Cedar Primary</a>: No priority set; tied to only 1 other school (1 tie)." in to_help
    assert "Unknown</strong> survey coverage" in html
    assert "With only 1 tie to other schools, this is too few" in reader_admin.get("/schools/C").get_data(as_text=True)


def test_school_group_and_person_pages(reader_admin: FlaskClient) -> None:
    school = reader_admin.get("/schools/C").get_data(as_text=True)
    assert 'href="/staff/c1"' in school and 'href="/staff/a1"' in school  # its key connectors
    assert "Maths community" in school  # missing: C has a maths teacher but no member
    group = reader_admin.get("/groups/DORM").get_data(as_text=True)
    assert group.count("collaborates with no other member") == 3
    person = reader_admin.get("/staff/a2").get_data(as_text=True)
    assert "Head of maths B" in person and "Maths community" in person
    assert reader_admin.get("/staff/zz").status_code == 404


def test_person_level_views_and_downloads_are_audited(app: Flask, admin: FlaskClient) -> None:
    admin.get("/staff/a1")
    admin.get("/staff/?format=csv")
    admin.get("/map/data?view=staff&school=A")
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        entries = [(u, a, s.split(" (")[0]) for _, u, a, s in accounts.audit.entries()]
    assert ("admin", "view", "staff a1") in entries
    assert ("admin", "download", "staff table") in entries
    assert ("admin", "view", "staff map") in entries



def test_every_map_download_is_audited_schools_and_wiring_too(app: Flask, admin: FlaskClient) -> None:
    """network_map.data is an audited route (webapp.policy): its PNG, PDF and HTML files leave netmap."""
    for query in ("format=png", "view=wiring&format=pdf", "view=staff&school=A&format=html"):
        assert admin.get(f"/map/data?{query}").status_code == 200
    admin.get("/map/data?view=staff&school=A")
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        entries = [(a, s) for _, u, a, s in accounts.audit.entries() if u == "admin"]
    snapshot = _latest(app)
    assert sorted(s for a, s in entries if a == "download") == [  # newest first in the log
        f"Hard vs soft wiring by school as pdf, snapshot {snapshot} (view=wiring&format=pdf)",
        f"School map as png, snapshot {snapshot} (format=png)",
        f"Staff map as html, snapshot {snapshot} (view=staff&school=A&format=html)"]
    assert ("view", "staff map (view=staff&school=A)") in entries


def _latest(app: Flask) -> str:
    from netmap.store import SQLiteStore

    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        return store.list_snapshots()[-1].snapshot_id


XSS = "<img src=x onerror=alert(1)>"


def test_labels_from_the_data_are_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    shutil.copytree(PLANTED, folder)
    staff = folder / "staff.csv"
    text = staff.read_text().replace("a1,A,headteacher,Head of A", "a1,A,headteacher," + XSS)
    staff.write_text(text.replace("a2,A,teacher,Maths teacher A,maths", "a2,A,teacher,Maths teacher A,href=x"))
    client = make_app(tmp_path, read_trust(folder)[0]).test_client()
    login(client, "admin")
    assert XSS not in client.get("/map/?person=a1").get_data(as_text=True)
    for path in ("/staff/a1", "/staff/", "/schools/C", "/groups/HEADS", "/staff/a2"):
        html = client.get(path).get_data(as_text=True)
        assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html, path
    assert "href=x" in client.get("/staff/a2").get_data(as_text=True)  # a subject with "href" stays text
    data = client.get("/map/data?view=staff&school=A").get_json()
    labels = {n["label"] for n in data["nodes"]}
    assert XSS in labels  # plain text in JSON; the page puts it into the DOM as text (browser test)


def test_security_headers_allow_no_external_host(reader_admin: FlaskClient) -> None:
    response = reader_admin.get("/")
    assert response.headers["Content-Security-Policy"] == CSP
    assert "http" not in CSP and "'unsafe-inline'" not in CSP
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_page_or_asset_names_an_external_host() -> None:
    from tests.conftest import REPO

    assets = [p for pattern in ("*.html", "*.js", "*.css") for p in (REPO / "webapp").rglob(pattern)]
    assert len(assets) >= 10
    for path in assets:
        assert not re.search(r"(src|href)=\"https?://|url\(https?://|//cdn", path.read_text(encoding="utf-8")), path


def test_vis_network_is_served_by_the_app(reader_admin: FlaskClient) -> None:
    response = reader_admin.get("/vendor/vis-network.min.js")
    assert response.status_code == 200 and b"vis" in response.data[:2000]
    response.close()
    assert reader_admin.get("/vendor/other.js").status_code == 404


def test_school_map_data(admin: FlaskClient) -> None:
    data = admin.get("/map/data").get_json()
    assert data["view"] == "schools" and {n["id"] for n in data["nodes"]} == {"A", "B", "C", "D"}
    assert {(e["from"], e["to"], e["value"]) for e in data["edges"]} == {("A", "B", 2), ("A", "C", 1)}
    assert data["options"]["physics"]["enabled"] is False
    assert all("x" in n and "y" in n for n in data["nodes"])  # positions come from the server


def test_school_map_around_a_school(admin: FlaskClient) -> None:
    around_a = admin.get("/map/data?view=schools&school=A").get_json()
    assert {n["id"] for n in around_a["nodes"]} == {"A", "B", "C"}  # D has no tie to anyone
    assert {n["id"] for n in admin.get("/map/data?view=schools&school=D").get_json()["nodes"]} == {"D"}
    page = admin.get("/map/?school=A&show=schools").get_data(as_text=True)
    assert "School map" in page and "view=schools&amp;school=A" in page


def test_many_schools_are_only_drawn_around_a_chosen_one(admin: FlaskClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A national snapshot: no map of every school; a chosen school's neighbourhood, capped, on a grid of
    separately laid out groups of schools."""
    monkeypatch.setattr("netmap.layout.schools.MAX_SCHOOL_NODES", 2)
    whole = admin.get("/map/data?view=schools").get_json()
    assert whole["nodes"] == [] and "has 4 schools: choose a school" in whole["message"]
    around = admin.get("/map/data?view=schools&school=A").get_json()
    assert [n["id"] for n in around["nodes"]] == ["A", "B"] and len(around["edges"]) == 1
    monkeypatch.setattr("webapp.graphview.MAX_STAFF_NODES", 5)
    refused = admin.get("/map/data?view=staff").get_json()  # a refused staff map falls back to no school map
    assert refused["nodes"] == [] and "choose a school, group" in refused["message"]


def test_large_school_matrix_shows_a_neighbourhood(admin: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The school x school matrix grows with the square of the schools: above the cap it shows the chosen
    school's nearest neighbours only (the CSV keeps every pair)."""
    monkeypatch.setattr("webapp.wiring.MAX_MATRIX_SCHOOLS", 2)
    page = admin.get("/wiring/?school=A").get_data(as_text=True)
    assert "the matrix shows the 2 nearest" in page
    header = page.split('<table class="matrix">')[1].split("</thead>")[0]
    assert re.findall(r'<th scope="col" class="vertical"><span>([^<]+)</span></th>', header) == [
        "Ash Primary", "Beech Academy"]
    assert len(admin.get("/wiring/?format=csv").get_data(as_text=True).splitlines()) == 4  # header + 3 pairs


def test_schools_are_laid_out_when_first_drawn_and_stay_put(app: Flask, admin: FlaskClient) -> None:
    """A one-school map lays out only that school; drawing more schools later moves no one already placed (its
    contacts elsewhere are set round it on that map, and at their own school's place on the others)."""
    first = {n["id"]: (n["x"], n["y"])
             for n in admin.get("/map/data?view=staff&school=B&role=teacher").get_json()["nodes"]}
    b_staff = {n["id"]: (n["x"], n["y"]) for n in admin.get("/map/data?view=staff&school=B").get_json()["nodes"]
               if n["id"].startswith("b")}
    (view,) = app.extensions["netmap_cache"]._views.values()
    assert view.layout_cache["staff"]["done"] == {"B"}
    everyone = {n["id"]: (n["x"], n["y"]) for n in admin.get("/map/data?view=staff").get_json()["nodes"]}
    assert {p: everyone[p] for p in b_staff} == b_staff and len(everyone) > len(b_staff)
    assert {p: everyone[p] for p in first} == first


def test_staff_map_filters_and_layers(admin: FlaskClient) -> None:
    school = admin.get("/map/data?view=staff&school=A").get_json()
    # A's four people and their contacts in other schools, the ties between schools drawn stronger
    assert {n["id"] for n in school["nodes"] if n["shape"] != "text"} == {"a1", "a2", "a3", "a4", "b1", "b2", "c1"}
    # each school's name over its people, so that the schools A's staff reach are named on the map
    assert {n["id"]: n["label"] for n in school["nodes"] if n["shape"] == "text"} == {
        "\x1eschool:A": "Ash Primary", "\x1eschool:B": "Beech Academy", "\x1eschool:C": "Cedar Primary"}
    across = {(e["from"], e["to"]): e["width"] for e in school["edges"]}
    assert across[("a2", "b2")] > across[("a1", "a2")]
    assert {n["shape"] for n in school["nodes"] if n["id"] == "a1"} == {"star"}
    person = admin.get("/map/data?view=staff&person=a1&depth=1").get_json()
    assert {n["id"] for n in person["nodes"]} == {"a1", "a2", "a3", "c1"}
    two = admin.get("/map/data?view=staff&person=Head+of+A&depth=2").get_json()  # by name
    assert {"b2", "b1", "c2"} <= {n["id"] for n in two["nodes"]}
    group = admin.get("/map/data?view=staff&group=DORM&hard=1").get_json()
    assert {e["layer"] for e in group["edges"]} == {"hard"} and all(e["dashes"] for e in group["edges"])
    hub = "\x1egroup:DORM"  # the hard wiring as a hub: one line per member of DORM (a3, b3, c2), not a clique
    assert sorted((e["from"], e["to"]) for e in group["edges"]) == [("a3", hub), ("b3", hub), ("c2", hub)]
    assert [n["label"] for n in group["nodes"] if n["id"] == hub] == ["A network nobody uses"]
    kinds = admin.get("/map/data?view=staff&kind=peer-review").get_json()
    assert {(e["from"], e["to"]) for e in kinds["edges"]} == {("a1", "c1")}
    assert admin.get("/map/data?view=staff&person=nobody").get_json()["message"] == (
        "Nobody in post on 2026-07-01 matches person 'nobody'. Remove a filter, or choose another school, group or "
        "person.")


def test_large_trusts_are_never_sent_whole(admin: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("webapp.graphview.MAX_STAFF_NODES", 5)
    data = admin.get("/map/data?view=staff").get_json()
    assert data["view"] == "schools" and "choose a school" in data["message"]
    people = [n for n in admin.get("/map/data?view=staff&school=A").get_json()["nodes"] if n["shape"] != "text"]
    assert len(people) == 5  # A's 4 and 1 contact: the cap


def _upload(client: FlaskClient, files: dict[str, bytes], as_of: str = "2026-09-01", **choices: str):
    data = {"csrf_token": csrf_token(client, "/upload/"), "as_of": as_of, **choices,
            "files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return client.post("/upload/", data=data, content_type="multipart/form-data")


def _planted_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in PLANTED.glob("*.csv")}


def test_upload_with_errors_shows_them_and_stores_nothing(app: Flask, admin: FlaskClient) -> None:
    files = _planted_files()
    files["staff.csv"] = files["staff.csv"].replace(b"a2,A,teacher", b"a2,A,teachr")
    response = _upload(admin, files)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "1 error(s): nothing was loaded" in html
    assert "<td>staff.csv</td><td>3</td><td>role</td><td>teachr</td>" in html
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-07-01"]


def test_upload_loads_a_new_snapshot(app: Flask, admin: FlaskClient) -> None:
    response = _upload(admin, _planted_files())
    assert response.status_code == 302 and "snapshot=2026-09-01" in response.location
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-07-01", "2026-09-01"]
    assert "Snapshot as of <strong>2026-09-01</strong>" in admin.get("/?snapshot=2026-09-01").get_data(as_text=True)


def test_upload_on_a_taken_date_shows_what_is_there_and_replaces_only_when_asked(app: Flask,
                                                                               admin: FlaskClient) -> None:
    files = _planted_files()
    files["staff.csv"] = files["staff.csv"].replace(b"a2,A,teacher", b"a2,A,support")
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        (loaded,) = store.list_snapshots()
    refused = _upload(admin, files, as_of="2026-07-01")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "A snapshot dated 2026-07-01 is already stored (below)" in html
    assert f"<tr><td>2026-07-01</td><td class=\"date\">2026-07-01</td><td>{loaded.source}</td>" in html
    assert '<option selected value="2026-07-01">' in html  # the one in the way, chosen for replacing
    assert 'download="already-stored.csv" href="data:text/csv;charset=utf-8,id%2Cas_of%2Csource' in html
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert store.list_snapshots() == [loaded]
    both = _upload(admin, files, as_of="2026-07-01", on_taken="keep")
    assert both.status_code == 302 and "snapshot=2026-07-01-2" in both.location
    unchosen = _upload(admin, files, as_of="2026-07-01", on_taken="replace")
    assert unchosen.status_code == 422 and "Choose the snapshot to replace" in unchosen.get_data(as_text=True)
    replaced = _upload(admin, files, as_of="2026-07-01", on_taken="replace", replace="2026-07-01")
    assert replaced.status_code == 302 and "snapshot=2026-07-01" in replaced.location
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        listed = {s.snapshot_id: s for s in store.list_snapshots()}
        assert sorted(listed) == ["2026-07-01", "2026-07-01-2"]
        assert listed["2026-07-01"].source.startswith("upload by web")
        assert set(store.read_dataset("2026-07-01").staff["role"]) >= {"support"}
    page = admin.get("/?snapshot=2026-07-01-2")
    for _wait in range(300):  # its analysis runs in the background: wait for the dashboard (at most a minute)
        if page.status_code != 503:
            break
        time.sleep(0.2)
        page = admin.get("/?snapshot=2026-07-01-2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Snapshot as of <strong>2026-07-01</strong> (2026-07-01-2: upload by web" in html
    assert '<option value="2026-07-01-2" selected>2026-07-01: upload by web' in html
    assert '<option value="2026-07-01" >2026-07-01: upload by web' in html


def test_upload_refuses_unknown_files_and_needs_csrf(admin: FlaskClient) -> None:
    response = _upload(admin, {"payroll.csv": b"x\n1\n"})
    assert response.status_code == 422 and "is not one of the expected files" in response.get_data(as_text=True)
    assert admin.post("/upload/", data={"as_of": "2026-09-01"}).status_code == 400


def test_upload_size_limit(tmp_path: Path) -> None:
    client = make_app(tmp_path, planted_dataset(), MAX_CONTENT_LENGTH=1024).test_client()
    login(client, "admin")
    response = _upload(client, {"staff.csv": b"x" * 4096})
    assert response.status_code == 413
    assert "larger than this server accepts" in response.get_data(as_text=True)


def test_an_empty_store_explains_what_to_do(tmp_path: Path) -> None:
    client = make_app(tmp_path, None).test_client()
    login(client, "admin")
    html = client.get("/").get_data(as_text=True)
    assert "No data yet" in html and 'href="/upload/"' in html
    assert client.get("/schools/").status_code == 404


def test_unknown_snapshot_is_a_clear_404(reader_admin: FlaskClient) -> None:
    response = reader_admin.get("/?snapshot=2020-01-01")
    assert response.status_code == 404 and "No snapshot 2020-01-01" in response.get_data(as_text=True)


def test_survey_coverage_and_caveats_are_shown(tmp_path: Path) -> None:
    """The planted trust with respondents: A and C answered in full, b1 did not (B: 67 %: patterns only), D not at
    all (0 %: caution)."""
    dataset = read_trust(PLANTED)[0]
    import pandas as pd

    answered = ["a1", "a2", "a3", "a4", "b2", "b3", "c1", "c2"]
    respondents = pd.DataFrame({"staff_id": [*answered, "b1", "d1", "d2"], "round": "2026 summer",
                                "responded_on": ["2026-06-10"] * len(answered) + [None] * 3})
    tables = {**dict(dataset.tables()), "respondents": respondents}
    from netmap.dataset import Dataset

    client = make_app(tmp_path, Dataset.from_tables(tables)).test_client()
    login(client, "admin")
    dashboard = client.get("/").get_data(as_text=True)
    assert "73 %</strong> survey response (8 of 11 surveyed)" in dashboard
    assert re.search(r"Survey response by role:\s+headteacher \d+ % \(\d+ of \d+\);", dashboard)
    assert "1 school(s) with too few survey responses" in dashboard and 'href="/schools/D"' in dashboard
    assert "0 of 4 schools (0 %) isolated" in dashboard  # D has no answers: not called isolated
    school_d = client.get("/schools/D").get_data(as_text=True)
    assert "0 % (0 of 2 surveyed)" in school_d and "not enough responses" in school_d
    school_b = client.get("/schools/B").get_data(as_text=True)
    assert "67 % (2 of 3 surveyed)" in school_b and "<dd>patterns only</dd>" in school_b
    person = client.get("/staff/b1").get_data(as_text=True)
    assert "<dt title=\"Whether they answered the survey\">Survey</dt><dd>no response</dd>" in person
    rows = list(csv.DictReader(io.StringIO(client.get("/schools/?format=csv").get_data(as_text=True))))
    assert {r["school_id"]: r["caveat"] for r in rows} == {"A": "few ties", "B": "few ties",
                                                           "C": "few ties", "D": "not enough responses"}
    definitions = client.get("/metrics").get_data(as_text=True)
    assert "from the named colleague to the person answering" in definitions and "min_response_rate" in definitions


def test_a_hostile_school_name_stays_text_in_the_cached_wiring_matrix(tmp_path: Path) -> None:
    """The matrix is rendered once (autoescaped) and cached as markup: a school's name must arrive escaped."""
    folder = tmp_path / "trust"
    shutil.copytree(PLANTED, folder)
    schools = folder / "schools.csv"
    schools.write_text(schools.read_text().replace("Ash Primary", XSS.replace(",", "")))
    client = make_app(tmp_path, read_trust(folder)[0]).test_client()
    login(client, "admin")
    for _ in range(2):  # rendered, then served from the cache
        html = client.get("/wiring/").get_data(as_text=True)
        assert XSS not in html and 'title="&lt;img src=x onerror=alert(1)&gt; – ' in html


def test_person_search_matches_any_part_of_a_name(reader_admin: FlaskClient) -> None:
    suggestions = reader_admin.get("/map/people?q=HEAD of").get_json()
    assert [p["name"] for p in suggestions] == ["Head of A", "Head of B", "Head of C", "Head of D",
                                                "Head of maths B"]
    assert suggestions[0] == {"id": "a1", "name": "Head of A", "school": "Ash Primary"}
    assert [p["id"] for p in reader_admin.get("/map/people?q=maths b").get_json()] == ["b2"]
    one = reader_admin.get("/map/?view=staff&person=isolate").get_data(as_text=True)
    assert "person=a4" in one  # one match: the map is of that person
    several = reader_admin.get("/map/?view=staff&person=teacher").get_data(as_text=True)
    assert "Several people match" in several and "Maths teacher A (Ash Primary)" in several


def test_alerts_lead_to_actions(reader_admin: FlaskClient, shared_app: Flask) -> None:
    """A disconnected colleague's page names who could introduce them; an isolated school's page ranks
    secondees; a dormant group names its lead; the dashboard links an isolated school to secondment planning."""
    person = reader_admin.get("/staff/a4").get_data(as_text=True)  # a4: no collaboration at all
    assert "Who could connect them" in person
    school = reader_admin.get("/schools/D").get_data(as_text=True)  # D: isolated
    assert "Who could connect it" in school and "Possible secondee" in school
    assert 'href="/secondments/?school=D' in school
    assert 'led by\n<a href="/staff/c2">Teacher C</a>' in reader_admin.get("/groups/DORM").get_data(as_text=True)
    assert "find secondees" in reader_admin.get("/").get_data(as_text=True)
    ceo = shared_app.test_client()
    login(ceo, "ceo")
    assert "Possible secondee" not in ceo.get("/schools/D").get_data(as_text=True)


def _fill(node: dict) -> str:
    """A node's fill colour (a colour, or a colour object with an outline)."""
    return node["color"] if isinstance(node["color"], str) else node["color"]["background"]


def _school_entries(legend: list[dict]) -> list[str]:
    return [e["label"] for e in legend if "line" not in e and "mark" not in e and "shape" not in e]


def test_a_school_has_one_colour_on_every_map_and_the_legend_lists_what_is_drawn(admin: FlaskClient) -> None:
    school_map = admin.get("/map/data").get_json()
    schools = {n["id"]: _fill(n) for n in school_map["nodes"]}
    staff = admin.get("/map/data?view=staff&school=A").get_json()
    assert {_fill(n) for n in staff["nodes"] if n["id"].startswith("a")} == {schools["A"]}
    around = {n["id"]: _fill(n) for n in admin.get("/map/data?school=D").get_json()["nodes"]}
    assert around["D"] == schools["D"]  # a map of fewer schools keeps each school's colour
    wiring = admin.get("/map/data?view=wiring").get_json()  # the hard vs soft page's map
    assert {n["id"]: (_fill(n), n["x"], n["y"]) for n in wiring["nodes"]} == {
        n["id"]: (_fill(n), n["x"], n["y"]) for n in school_map["nodes"]}
    assert len(set(schools.values())) == 4
    assert _school_entries(staff["legend"]) == ["Ash Primary", "Beech Academy", "Cedar Primary"]  # A's contacts
    # the school map's key: the four schools, the line it draws, and the marks of D, isolated in both wirings
    assert [(e.get("line"), e.get("mark")) for e in school_map["legend"][4:]] == [
        ("solid", None), (None, "isolated"), (None, "hard-isolated")]
    assert [(n["id"], n["shape"]) for n in school_map["nodes"] if n.get("isolated")] == [("D", "diamond")]
    assert [n["id"] for n in school_map["nodes"] if n.get("hard_isolated")] == ["D"]


def test_beyond_nine_schools_colour_goes_by_phase(tmp_path: Path) -> None:
    from netmap.sample.generator import generate_sample

    generate_sample(tmp_path / "trust", schools=12, staff=400, seed=5)
    app = make_app(tmp_path / "web", read_trust(tmp_path / "trust")[0])
    client = app.test_client()
    login(client, "admin")
    data = client.get("/map/data").get_json()
    phases = set(_school_entries(data["legend"]))
    from netmap.contract import PHASES

    assert phases <= set(PHASES) and len(phases) >= 2
    assert len({_fill(n) for n in data["nodes"]}) == len(phases)


def test_school_ties_candidates_and_what_if_download_as_csv(app: Flask, admin: FlaskClient) -> None:
    ties = list(csv.DictReader(io.StringIO(admin.get("/schools/A?format=csv").get_data(as_text=True))))
    assert {(r["school_id"], r["soft_ties"]) for r in ties} >= {("B", "2"), ("C", "1")}
    hr = app.test_client()
    login(hr, "hr")
    candidates = list(csv.DictReader(io.StringIO(
        hr.get("/secondments/?school=D&format=csv&table=candidates").get_data(as_text=True))))
    assert candidates and {"staff_id", "name", "from_school_id", "reason"} <= set(candidates[0])
    token = csrf_token(hr, "/secondments/")
    hr.post("/secondments/scenario", data={"csrf_token": token, "action": "second", "staff_id": "a1",
                                           "from_school_id": "A", "to_school_id": "D"})
    rows = list(csv.DictReader(io.StringIO(hr.get("/secondments/?format=csv&table=whatif").get_data(as_text=True))))
    d = next(r for r in rows if r["school_id"] == "D")
    assert d["ties_before"] == "0" and int(d["ties_after"]) > 0


def test_a_focused_person_is_in_the_middle_with_one_and_two_step_contacts_told_apart(admin: FlaskClient) -> None:
    data = admin.get("/map/data?view=staff&person=a1&depth=2").get_json()
    nodes = {n["id"]: n for n in data["nodes"]}
    assert (nodes["a1"]["x"], nodes["a1"]["y"]) == (0.0, 0.0) and nodes["a1"]["borderWidth"] == 5
    one_step, two_steps = {"a2", "a3", "c1"}, {"b1", "b2", "c2"}
    assert all(isinstance(nodes[p]["color"], str) for p in one_step)  # their school's colour, full strength
    assert all(nodes[p]["color"]["background"] == faded(nodes[p]["color"]["border"]) and "opacity" not in nodes[p]
               and "2 steps away" in nodes[p]["title"] for p in two_steps)  # lighter, outlined in their own colour
    near = max(abs(complex(nodes[p]["x"], nodes[p]["y"])) for p in one_step)
    far = min(abs(complex(nodes[p]["x"], nodes[p]["y"])) for p in two_steps)
    assert near < far


def test_upload_problems_download_as_csv(admin: FlaskClient) -> None:
    from urllib.parse import unquote

    files = _planted_files()
    files["staff.csv"] = files["staff.csv"].replace(b"a2,A,teacher", b"a2,A,=teachr")
    html = _upload(admin, files).get_data(as_text=True)
    link = re.search(r'download="problems.csv" href="data:text/csv;charset=utf-8,([^"]+)"', html)
    assert link is not None
    rows = list(csv.DictReader(io.StringIO(unquote(link.group(1).replace("&amp;", "&")))))
    assert [(r["file"], r["row"], r["column"], r["value"]) for r in rows if r["severity"] == "error"] == [
        ("staff.csv", "3", "role", "'=teachr")]


def test_the_staff_table_shows_one_set_of_figures_at_a_time_and_downloads_them_all(reader_admin: FlaskClient) -> None:
    def headings(html: str) -> list[str]:
        head = html.split('<table class="data">')[1].split("</thead>")[0]
        return re.findall(r'<th title="[^"]*"><a href="[^"]*">([^<]+)</a>', head)

    overview = headings(reader_admin.get("/staff/").get_data(as_text=True))
    assert overview == ["Name", "School", "Role", "Role in the network", "Collaborators", "Cross-school ties",
                        "Schools reached", "Betweenness", "Disconnected"]
    brokerage = headings(reader_admin.get("/staff/?figures=brokerage").get_data(as_text=True))
    assert "Gatekeeper" in brokerage and "Collaborators" not in brokerage
    every = headings(reader_admin.get("/staff/?figures=all").get_data(as_text=True))
    assert len(every) == 3 + len(STAFF_COLUMNS) - 3  # every figure but staff_id, school_id (shown) and groups
    header = reader_admin.get("/staff/?figures=overview&format=csv").get_data(as_text=True).splitlines()[0].split(",")
    assert {"constraint", "broker_liaison", "times_named", "core_number"} <= set(header)


def test_an_admin_sets_a_snapshots_thresholds_and_an_old_survey_is_flagged(tmp_path: Path) -> None:
    """The tiny trust's ties (autumn 2025) seen from 2027-01-05: the 400-day window drops all four, and the
    dashboard says so. An admin lengthens the window for this snapshot on the Thresholds page: the analysis
    counts the ties again and the banner goes; a bad value is refused and nothing kept; a CEO may not change it."""
    from netmap.kept_analysis import analysis_of
    from tests.trusts import TINY

    client = make_app(tmp_path, None).test_client()
    with SQLiteStore(tmp_path / "store.db") as store:
        analysis_of(store, store.write_snapshot(read_trust(TINY)[0], "2027-01-05", source="tiny").snapshot,
                    NO_STABILITY)
    login(client, "admin")
    banner = "The tie window drops 4 of 4 ties (100%): they were observed more than 400 days before 2027-01-05"
    assert banner in client.get("/").get_data(as_text=True)
    page = client.get("/thresholds").get_data(as_text=True)
    assert 'name="tie_window_days" value="400"' in page and 'name="min_response_rate" value="0.8"' in page
    form = {"snapshot": "2027-01-05", "tie_window_days": "800", "min_response_rate": "0.8",
            "pattern_response_rate": "0.65", "csrf_token": csrf_token(client, "/thresholds")}
    bad = client.post("/thresholds", data={**form, "pattern_response_rate": "0.9"}, follow_redirects=True)
    assert ("Nothing was changed: pattern_response_rate (0.9) must not be above min_response_rate "
            "(0.8).") in bad.get_data(as_text=True)
    saved = client.post("/thresholds", data=form)
    assert saved.status_code == 302
    with SQLiteStore(tmp_path / "store.db") as store:
        assert store.read_thresholds("2027-01-05") == {"tie_window_days": "800", "min_response_rate": "0.8",
                                                       "pattern_response_rate": "0.65"}
        assert "being analysed" in client.get("/").get_data(as_text=True)  # under the new thresholds
        analysis_of(store, store.snapshot("2027-01-05"))  # what the background analysis does, done here at once
    dashboard = client.get("/").get_data(as_text=True)
    for _ in range(600):  # the app's own background analysis may still be finishing on a busy machine
        if "being analysed" not in dashboard:
            break
        time.sleep(0.1)
        dashboard = client.get("/").get_data(as_text=True)
    assert "<strong>3</strong> collaborations" in dashboard
    assert banner not in dashboard
    ceo = make_app(tmp_path / "ceo", None).test_client()
    login(ceo, "ceo")
    assert ceo.get("/thresholds").status_code == 403


def test_csv_numbers_stay_numbers_and_formula_text_is_still_defused(tmp_path: Path) -> None:
    """A negative figure (Damson's E-I index, -1) reads back as a number; a school named like a command is text."""
    folder = tmp_path / "trust"
    shutil.copytree(PLANTED, folder)
    schools = folder / "schools.csv"
    schools.write_text(schools.read_text().replace("Damson Primary", "\"=cmd|' /C calc'!A0\""))
    client = make_app(tmp_path, read_trust(folder)[0]).test_client()
    login(client, "admin")
    rows = {r["school_id"]: r for r in csv.DictReader(io.StringIO(
        client.get("/schools/?format=csv").get_data(as_text=True)))}
    assert rows["D"]["ei_index"] == "-1" and float(rows["D"]["ei_index"]) == -1.0
    assert rows["D"]["name"] == "'=cmd|' /C calc'!A0"
    assert rows["A"]["density"] == "0.5"


def test_a_schools_page_lists_the_groups_it_is_missing_from(admin: FlaskClient) -> None:
    """MATHS covers A and B and misses C (a phase it serves): C's page names it among the groups it is missing
    from, A's among none."""
    def missing(school: str) -> str:
        page = admin.get(f"/schools/{school}").get_data(as_text=True)
        return page.split("Groups it is missing from</h2>")[1].split("</p>")[0]

    assert "/groups/MATHS" in missing("C") and "None." in missing("A")


@pytest.mark.parametrize(("school", "schools"), [("A", "A"), ("A", "A;B"), ("B", "A;B"), ("B", "A;B;C"),
                                                 ("A", "AB;B"), ("B", "A;AB"), ("B", "AB"), ("SCH1", "SCH10;SCH11")])
def test_a_school_is_listed_exactly_as_splitting_the_list_says(school: str, schools: str) -> None:
    from webapp.schools import _listed

    assert _listed(school, schools) == (school in schools.split(";"))


def test_a_schools_staff_map_builds_only_its_islands_graphs(app: Flask, admin: FlaskClient) -> None:
    """D shares no tie, group or secondment with A, B and C: its staff map builds D's island alone (the whole
    snapshot's graphs are not built for it), and draws exactly what the whole graphs draw."""
    alone = admin.get("/map/data?view=staff&school=D").get_json()
    (view,) = app.extensions["netmap_cache"]._views.values()
    assert "graphs" not in view.__dict__
    people = {n["id"] for n in alone["nodes"] if not n["id"].startswith("\x1e")}
    assert people == {"d1", "d2"}
    assert {(e["from"], e["to"]) for e in alone["edges"]} == {("d1", "d2")}
    assert admin.get("/map/data?view=staff&person=a1").status_code == 200
    assert "graphs" not in view.__dict__  # a person's map: their island's graphs
    view.graphs  # noqa: B018 - the whole graphs built, as a map of everyone builds them
    assert admin.get("/map/data?view=staff&school=D").get_json() == alone


def test_staff_maps_asked_for_at_once_are_drawn_as_when_asked_for_one_at_a_time(tmp_path: Path) -> None:
    """Eight people opening staff maps of every school at the same moment (a double click, a meeting's worth of
    tabs) all get their map, with everyone where a lone request places them: the layout kept with the snapshot is
    published whole, never changed under a request reading it."""
    import threading

    paths = [f"/map/data?view=staff&school={s}" for s in "ABCD"] * 2
    alone = make_app(tmp_path / "alone", read_trust(PLANTED)[0]).test_client()
    login(alone, "admin")
    expected = {p: {n["id"]: (n["x"], n["y"]) for n in alone.get(p).get_json()["nodes"]} for p in paths}
    together = make_app(tmp_path / "together", read_trust(PLANTED)[0])
    clients = [together.test_client() for _ in paths]
    for c in clients:
        login(c, "admin")
    start, got = threading.Barrier(len(paths)), {}

    def draw(i: int) -> None:
        start.wait()
        response = clients[i].get(paths[i])
        got[i] = (response.status_code, {n["id"]: (n["x"], n["y"]) for n in response.get_json()["nodes"]})

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i][0] for i in range(len(paths))] == [200] * len(paths)
    assert all(got[i][1] == expected[p] for i, p in enumerate(paths))


def test_a_schools_page_and_a_persons_page_build_only_their_islands_graphs(tmp_path: Path) -> None:
    """Three trusts of four schools side by side (three islands and more): a key-person-risk school's page (its
    connector's understudies) and a person's page build their island's graphs and planner, never the whole
    snapshot's, and show exactly what they show once the whole graphs exist."""
    from netmap.sample.generator import generate_sample

    generate_sample(tmp_path / "trust", schools=12, staff=240, seed=3, hub_schools=4)
    app = make_app(tmp_path, read_trust(tmp_path / "trust")[0])
    admin = app.test_client()
    login(admin, "admin")
    assert admin.get("/").status_code == 200
    (view,) = app.extensions["netmap_cache"]._views.values()
    schools = view.analysis.schools.set_index("school_id")
    assert len(view.islands) >= 3
    risky = [s for s in schools.index if schools.at[s, "is_key_person_risk"] and not schools.at[s, "is_isolated"]]
    assert risky
    school = risky[0]
    connector = schools.at[school, "key_connectors"].split(";")[0]
    pages = [f"/schools/{school}", f"/staff/{connector}"]
    alone = [_without_token(admin.get(page).get_data(as_text=True)) for page in pages]
    assert "graphs" not in view.__dict__ and "planner" not in view.__dict__
    island = view.island_planner(school)
    assert island is view.island_planner(school) and len(island.school_of) < len(view.works_at)
    assert island.understudies(school, connector)  # the page lists some: the comparison below is not empty
    view.graphs  # noqa: B018 - the whole graphs built, as a map of everyone builds them
    assert view.island_planner(school) is view.planner
    assert [_without_token(admin.get(page).get_data(as_text=True)) for page in pages] == alone


def _without_token(page: str) -> str:
    """A page without its CSRF token (signed with the time, so two renderings differ there only)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)
