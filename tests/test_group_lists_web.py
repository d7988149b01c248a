"""The group lists page (admin): lists matched to staff by email and checked on a confirm page before anything is
stored (unmatched lines with the closest names); a cancel or a bad list leaves the store as it was. And the upload
page's start from the GIAS download alone: the trust's schools as its first snapshot, before staff and groups."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.dataset import Dataset
from netmap.ingest.validate import read_trust
from netmap.store import SQLiteStore
from tests.gias_fixture import OAK, gias_bytes, gias_rows
from tests.trusts import TINY
from tests.web_helpers import csrf_token, left_behind, login, make_app

EMAILS = ["ada@oak.example", "alan.turing@oak.example", "Grace@Elm.example", None, "bl@ash.example"]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """TINY with its staff's work emails (Edsger has none), served."""
    tiny = read_trust(TINY)[0]
    tables = dict(tiny.tables())
    tables["staff"] = tiny.staff.assign(email=EMAILS)
    return make_app(tmp_path, Dataset.from_tables(tables), NETMAP_PENDING_DIR=tmp_path / "pending")


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "admin")
    return client


def _check(client: FlaskClient, lists: dict[str, bytes], kind: str = "", as_of: str = "2026-09-10"):
    return client.post("/group-lists/", data={
        "csrf_token": csrf_token(client, "/group-lists/"), "kind": kind, "as_of": as_of,
        "lists": [(io.BytesIO(content), name) for name, content in lists.items()]}, content_type="multipart/form-data")


def _snapshots(app: Flask) -> list[tuple[str, str]]:
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        return [(s.snapshot_id, s.content_hash) for s in store.list_snapshots()]


def _token(html: str) -> str:
    return html.split('action="/group-lists/', 1)[1].split('"', 1)[0]


def test_lists_are_checked_on_a_confirm_page_then_stored(app: Flask, admin: FlaskClient) -> None:
    before = _snapshots(app)
    checked = _check(admin, {"Maths community.txt": b"ALAN.TURING@oak.example\nalan.turnig@oak.example\n",
                             "Phonics leads.csv": b"Display name,Email address\nAda,ada@oak.example\n"},
                     kind="expert-network")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert ("<strong>MATHS</strong> from Maths community.txt: 1 member(s); 0 joined, 1 left, 1 line(s) unmatched."
            in html)
    assert ("Maths community.txt, line 2: &#39;alan.turnig@oak.example&#39; matches no staff email (never stored). "
            "Closest: Alan Turing.") in html
    assert "<strong>phonics-leads</strong> (new group) from Phonics leads.csv: 1 member(s); 1 joined" in html
    assert _snapshots(app) == before  # nothing stored before the confirm
    stored = admin.post(f"/group-lists/{_token(html)}", data={"csrf_token": csrf_token(admin, "/group-lists/"),
                                                              "action": "confirm"})
    assert stored.status_code == 302 and stored.location.endswith("/?snapshot=2026-09-10")
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        data = store.read_dataset("2026-09-10")
    maths = data.memberships[data.memberships["group_id"] == "MATHS"].set_index("staff_id")["left_on"].to_dict()
    assert maths == {"S2": None, "S3": "2026-09-10"}  # Grace, not listed, leaves; her history stays
    assert data.groups.set_index("group_id").loc["phonics-leads", ["name", "kind"]].tolist() == [
        "Phonics leads", "expert-network"]
    assert not left_behind(Path(app.config["NETMAP_PENDING_DIR"]))  # the lists are not kept


def test_a_cancel_or_a_bad_list_stores_nothing_and_keeps_no_copy(app: Flask, admin: FlaskClient) -> None:
    before = _snapshots(app)
    checked = _check(admin, {"MATHS.txt": b"ada@oak.example\n"})
    cancelled = admin.post(f"/group-lists/{_token(checked.get_data(as_text=True))}",
                           data={"csrf_token": csrf_token(admin, "/group-lists/"), "action": "cancel"})
    assert cancelled.status_code == 302
    no_column = _check(admin, {"MATHS.csv": b"Name,Team\nAda,Maths\n"})
    assert no_column.status_code == 422
    assert ("MATHS.csv, row 1: no column is headed Email (or Mail, UserPrincipalName). Fix: head the column of email "
            "addresses Email, or save the list as one email per line.") in no_column.get_data(as_text=True)
    no_kind = _check(admin, {"Science.txt": b"ada@oak.example\n"})
    assert no_kind.status_code == 422 and "Science.txt: no group is called &#39;science&#39;." in no_kind.get_data(
        as_text=True)
    none = _check(admin, {})
    assert none.status_code == 422 and "Choose the group lists first" in none.get_data(as_text=True)
    assert _snapshots(app) == before
    assert not left_behind(Path(app.config["NETMAP_PENDING_DIR"]))


def test_only_an_admin_imports_group_lists(app: Flask) -> None:
    client = app.test_client()
    login(client, "hr")
    assert client.get("/group-lists/").status_code == 403


def test_the_gias_download_alone_starts_a_trust_with_its_schools(tmp_path: Path) -> None:
    app = make_app(tmp_path, None)
    client = app.test_client()
    login(client, "admin", purpose=None)
    rows = gias_rows(schools=80)
    response = client.post("/upload/", data={
        "csrf_token": csrf_token(client, "/upload/"), "as_of": "2026-09-01", "on_taken": "ask", "gias_trust": OAK,
        "gias": (io.BytesIO(gias_bytes(rows)), "edubasealldata20261207.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("/mapping/")
    page = client.get("/mapping/").get_data(as_text=True)
    assert ("Loaded snapshot 2026-09-01: 17 school(s) from the GIAS download (1 without a place on the map), no "
            "staff yet. Next: map your staff export&#39;s columns below, then import it.") in page
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        stored = store.read_dataset("2026-09-01")
    assert len(stored.schools) == 17 and stored.staff.empty and stored.groups.empty


def test_the_gias_download_alone_over_a_loaded_trust_is_refused_and_stores_nothing(app: Flask,
                                                                                     admin: FlaskClient) -> None:
    before = _snapshots(app)
    response = admin.post("/upload/", data={
        "csrf_token": csrf_token(admin, "/upload/"), "as_of": "2026-09-01", "on_taken": "keep", "gias_trust": OAK,
        "gias": (io.BytesIO(gias_bytes(gias_rows(schools=80))), "edubasealldata20261207.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert ("The GIAS download alone only starts a trust that has no snapshot yet; this store already holds one, so "
            "nothing was loaded. To update the schools, upload the GIAS download with the full set of files "
            "(staff.csv, groups.csv, memberships.csv and the rest), or import your staff export with its column "
            "mapping on the mapping page.") in response.get_data(as_text=True)
    assert _snapshots(app) == before


def test_a_list_in_utf16_is_read_and_one_nothing_decodes_is_refused_naming_file_and_fix(app: Flask,
                                                                                          admin: FlaskClient) -> None:
    before = _snapshots(app)
    teams = _check(admin, {"MATHS.csv": "Email\r\nada@oak.example\r\n".encode("utf-16")})
    assert teams.status_code == 200 and 'action="/group-lists/' in teams.get_data(as_text=True)
    bad = _check(admin, {"MATHS.txt": b"ada@oak.example\n\x81\x8d\x90@x\n"})
    assert bad.status_code == 422
    assert ("MATHS.txt is not text netmap can read (neither UTF-8, UTF-16 nor Windows-1252). Fix: save the list as "
            "CSV UTF-8 (or as plain text, one email per line) and upload it again.") in bad.get_data(as_text=True)
    assert _snapshots(app) == before
