"""The staff export pages (admin): a mapping made from an export's headers, and an import checked on a confirm
page before anything is stored; a cancel leaves the store's contents as they were."""

from __future__ import annotations

import io
import json
import re
import stat
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from netmap.store import SQLiteStore
from tests.trusts import TINY
from tests.web_helpers import csrf_token, left_behind, login, make_app

ITRENT = ("Person Number,Forenames,Surname,NI Number,Date of Birth,Work Email Address,Location,Post Category,"
          "Assignment Start Date,Assignment End Date,Ethnic Origin\n"
          "S1,Ada,Lovelace,QQ123456C,01/01/1970,ada@oak.example,Oakfield Primary,HDT,01-Sep-2010,,WBRI\n"
          "S2,Alan,Turing,QQ123457C,01/01/1980,alan@oak.example,Elm site,TCH,01-Sep-2018,,WBRI\n"
          "S3,Grace,Hopper,QQ123458C,01/01/1970,grace@elm.example,Elm site,AHT,01/09/2012,,WBRI\n"
          "S5,Barbara,Liskov,QQ123459C,01/01/1970,barbara@ash.example,ASH,HoY,01/09/2024,,WBRI\n").encode("cp1252")


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, read_trust(TINY)[0], NETMAP_MAPPINGS_DIR=tmp_path / "mappings",
                    NETMAP_PENDING_DIR=tmp_path / "pending")


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "admin")
    return client


def _post(client: FlaskClient, path: str, data: dict, form_page: str = "/mapping/") -> object:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_page)},
                       content_type="multipart/form-data")


def _hash(app: Flask) -> list[tuple[str, str]]:
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        return [(s.snapshot_id, s.content_hash) for s in store.list_snapshots()]


def test_editor_shows_headers_beside_fields_with_suggestions_and_never_offers_sensitive_columns(
        admin: FlaskClient) -> None:
    response = _post(admin, "/mapping/", {"export": (io.BytesIO(ITRENT), "itrent.csv"), "start": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "never read: NI Number, Date of Birth, Ethnic Origin." in html
    assert '<option value="Person Number" selected>Person Number</option>' in html  # suggested for the staff id
    assert '<option value="NI Number" disabled>NI Number (never read)</option>' in html
    assert re.findall(r'<td>(\w+)<input type="hidden" name="role_code"', html) == ["AHT", "HDT", "HoY", "TCH"]
    assert re.findall(r'<td>([\w ]+)<input type="hidden" name="school_code"', html) == [
        "ASH", "Elm site", "Oakfield Primary"]
    assert "Alan" not in html and "QQ123456C" not in html  # names and NI numbers are never shown


def test_saved_mapping_imports_through_the_confirm_page(app: Flask, admin: FlaskClient, tmp_path: Path) -> None:
    saved = _post(admin, "/mapping/save", {
        "name": "oak-itrent", "title": "Our iTrent", "col_staff_id": "Person Number",
        "col_name": ["Forenames", "Surname"], "col_email": "Work Email Address", "col_school_id": "Location",
        "col_role": "Post Category", "col_started_on": "Assignment Start Date",
        "col_left_on": "Assignment End Date", "extra_roles": "{}",
        "role_code": ["AHT", "HDT", "HoY", "TCH"], "role_value": ["senior-leader", "headteacher", "middle-leader",
                                                                  "teacher"],
        "school_code": ["ASH", "Elm site", "Oakfield Primary"], "school_value": ["", "ELM", ""], "subjects": ""})
    assert saved.status_code == 302 and saved.location.endswith("/mapping/import")
    kept = json.loads((tmp_path / "mappings" / "oak-itrent.json").read_text(encoding="utf-8"))
    assert kept["columns"]["name"] == ["Forenames", "Surname"] and kept["schools"] == {"Elm site": "ELM"}
    before = _hash(app)
    checked = _post(admin, "/mapping/import", {"export": (io.BytesIO(ITRENT), "itrent.csv"), "mapping": "oak-itrent",
                                               "school": "", "as_of": "2026-09-10"}, "/mapping/import")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200, html
    assert "<li>Moved school: 1 (Alan Turing [S2] OAK -&gt; ELM)</li>" in html
    assert "<li>Left: 1 (Edsger Dijkstra [S4])</li>" in html
    token = re.search(r'action="/mapping/import/([\w-]+)"', html).group(1)  # type: ignore[union-attr]
    assert _hash(app) == before
    stored = admin.post(f"/mapping/import/{token}", data={"action": "confirm",
                                                           "csrf_token": csrf_token(admin, "/mapping/import")})
    assert stored.status_code == 302 and "snapshot=2026-09-10" in stored.location
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        staff = store.read_table("2026-09-10", "staff").set_index("staff_id")
    assert staff.at["S5", "role"] == "middle-leader" and staff.at["S4", "left_on"] == "2026-09-10"
    assert not left_behind(tmp_path / "pending")  # the export is not kept after confirming


def test_cancel_stores_nothing_and_deletes_the_export(app: Flask, admin: FlaskClient, tmp_path: Path) -> None:
    export = ITRENT.replace(b"Elm site", b"ELM").replace(b"HoY", b"TCH")
    checked = _post(admin, "/mapping/import", {"export": (io.BytesIO(export), "itrent.csv"), "mapping": "itrent",
                                               "as_of": "2026-09-10"}, "/mapping/import")
    token = re.search(r'action="/mapping/import/([\w-]+)"', checked.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    (waiting,) = [p for p in (tmp_path / "pending" / token).iterdir() if p.name != "meta.json"]
    assert stat.S_IMODE(waiting.stat().st_mode) == 0o600  # the export as uploaded: its owner's eyes only
    before = _hash(app)
    cancelled = admin.post(f"/mapping/import/{token}", data={"action": "cancel",
                                                              "csrf_token": csrf_token(admin, "/mapping/import")})
    assert cancelled.status_code == 302
    assert "Cancelled: nothing was stored." in admin.get("/mapping/import").get_data(as_text=True)
    assert _hash(app) == before and not left_behind(tmp_path / "pending")
    again = admin.post(f"/mapping/import/{token}", data={"action": "confirm",
                                                          "csrf_token": csrf_token(admin, "/mapping/import")})
    assert again.status_code == 404


def test_bad_export_shows_every_problem_and_keeps_nothing(app: Flask, admin: FlaskClient, tmp_path: Path) -> None:
    response = _post(admin, "/mapping/import", {"export": (io.BytesIO(ITRENT), "itrent.csv"), "mapping": "itrent",
                                                "as_of": "2026-09-10"}, "/mapping/import")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "3 error(s): nothing was stored." in html
    assert "<td>itrent.csv</td><td>3</td><td>Location</td><td>Elm site</td>" in html
    assert "<td>itrent.csv</td><td>5</td><td>Post Category</td><td>HoY</td>" in html
    assert "Store this snapshot" not in html and not left_behind(tmp_path / "pending")


def test_a_mapping_that_reads_a_sensitive_column_is_not_saved(admin: FlaskClient, tmp_path: Path) -> None:
    refused = _post(admin, "/mapping/save", {"name": "bad", "col_staff_id": "Person Number", "col_role": "Post",
                                             "col_name": "Date of Birth"})
    assert refused.status_code == 302
    assert ("Not saved: Mapping from the page: name is mapped to &#39;Date of Birth&#39;, a column netmap never "
            "reads") in admin.get("/mapping/").get_data(as_text=True)
    assert not (tmp_path / "mappings" / "bad.json").exists()


def test_a_damaged_role_codes_field_is_refused_not_an_error(admin: FlaskClient, tmp_path: Path) -> None:
    for damaged in ("{not json", "[1, 2]", '{"TCH": 3}'):
        refused = _post(admin, "/mapping/save", {"name": "damaged", "col_staff_id": "Person Number",
                                                 "extra_roles": damaged})
        assert refused.status_code == 400 and "came back damaged" in refused.get_data(as_text=True)
    assert not (tmp_path / "mappings" / "damaged.json").exists()


def test_an_import_dated_before_the_latest_snapshot_is_refused(admin: FlaskClient) -> None:
    response = _post(admin, "/mapping/import", {"export": (io.BytesIO(ITRENT), "itrent.csv"), "mapping": "itrent",
                                                "as_of": "2026-06-30"}, "/mapping/import")
    assert response.status_code == 422
    assert ("The snapshot date 2026-06-30 is before the latest snapshot (2026-07-01); an import builds the next "
            "snapshot on the latest. Give a later date.") in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["hr", "ceo", "network-lead"])
def test_only_admins_use_the_pages(app: Flask, role: str) -> None:
    client = app.test_client()
    login(client, role, purpose=None)
    assert client.get("/mapping/").status_code == 403
    assert client.get("/mapping/import").status_code == 403


def _checked_token(admin: FlaskClient) -> str:
    export = ITRENT.replace(b"Elm site", b"ELM").replace(b"HoY", b"TCH")
    checked = _post(admin, "/mapping/import", {"export": (io.BytesIO(export), "itrent.csv"), "mapping": "itrent",
                                               "as_of": "2026-09-10"}, "/mapping/import")
    assert checked.status_code == 200, checked.get_data(as_text=True)
    return re.search(r'action="/mapping/import/([\w-]+)"', checked.get_data(as_text=True)).group(1)  # type: ignore[union-attr]


def test_a_second_click_on_confirm_gets_the_first_clicks_answer_and_stores_nothing_twice(
        app: Flask, admin: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = _checked_token(admin)
    second = app.test_client()
    login(second, "admin")  # the same admin's second request, as a browser sends on a double click
    forms = [{"action": "confirm", "csrf_token": csrf_token(client, "/mapping/import")} for client in (admin, second)]
    writes: list[str] = []
    real_write = SQLiteStore.write_snapshot

    def slow_write(store: SQLiteStore, *args: object, **kwargs: object) -> object:
        writes.append(threading.current_thread().name)
        time.sleep(0.3)  # the second click arrives while the first is storing
        return real_write(store, *args, **kwargs)

    monkeypatch.setattr(SQLiteStore, "write_snapshot", slow_write)
    answers: dict[int, object] = {}
    clicks = [threading.Thread(target=lambda i=i, c=c: answers.__setitem__(i, c.post(f"/mapping/import/{token}",
                                                                                    data=forms[i])))
              for i, c in enumerate((admin, second))]
    for click in clicks:
        click.start()
        time.sleep(0.05)
    for click in clicks:
        click.join(10)
    assert [answers[i].status_code for i in (0, 1)] == [302, 302]  # type: ignore[attr-defined]
    assert answers[0].location == answers[1].location and "snapshot=2026-09-10" in answers[1].location  # type: ignore[attr-defined]
    assert len(writes) == 1
    assert "Stored snapshot 2026-09-10" in second.get("/mapping/import").get_data(as_text=True)
    assert [s for s, _ in _hash(app)] == ["2026-07-01", "2026-09-10"]
    assert [p.name for p in (tmp_path / "pending").iterdir()] == [f"{token}.done.json"]
    later = admin.post(f"/mapping/import/{token}", data={"action": "cancel",
                                                          "csrf_token": csrf_token(admin, "/mapping/import")})
    assert later.status_code == 404  # another button on a finished import: nothing to cancel
    other = app.test_client()
    login(other, "hr", purpose=None)
    assert other.post(f"/mapping/import/{token}", data={"action": "confirm"}).status_code in (400, 403)
