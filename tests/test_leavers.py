"""Leavers lose access and unused accounts are reviewed: an account linked to a staff id closes at the first request
after a load (or HR's leavers file) says the person has left, once in the audit log; login is then refused with
the reason; accounts nobody has used for 90 days are listed (command line, admin page, CSV) and can be disabled."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from netmap.cli import main
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.web_helpers import NO_STABILITY, PASSWORD, csrf_token, login, make_app
from webapp.accounts import Accounts

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _held_on_today(clock: Callable[[dt.datetime], None]) -> None:
    """netmap's clock held at noon (UTC) of TODAY for each test: leaving days are set relative to TODAY, and a run
    crossing midnight must not turn tomorrow's leaver into today's."""
    clock(dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))


@pytest.fixture
def app(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The tiny trust (staff S1 to S5) with `sam` added by the command line linked to S1 and `hr` linked to S2
    afterwards; the command line uses the same users file and store."""
    created = make_app(tmp_path / "web", read_trust(tiny)[0])
    monkeypatch.setenv("NETMAP_USERS_DB", str(created.config["NETMAP_USERS_DB"]))
    monkeypatch.setenv("NETMAP_DB", str(created.config["NETMAP_DB"]))
    assert cli("users", "add", "sam", "--role", "hr", "--staff-id", "S1", "--password-stdin",
               input=PASSWORD + "\n").exit_code == 0
    assert cli("users", "link", "hr", "S2").output == "hr is linked to staff S2.\n"
    return created


def cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def load_with_leavers(app: Flask, tiny: Path, leavers: dict[str, dt.date], as_of: str = "2026-09-01") -> None:
    """Load (and analyse) a later snapshot of the tiny trust in which `leavers` have a left_on."""
    path = tiny / "staff.csv"
    rows = [r.split(",") for r in path.read_text(encoding="utf-8").splitlines()]
    left_on = rows[0].index("left_on")
    for row in rows:
        if row[0] in leavers:
            row[left_on] = leavers[row[0]].isoformat()
    path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        analysis_of(store, store.write_snapshot(read_trust(tiny)[0], as_of, source="test").snapshot, NO_STABILITY)


def logged_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def disabled_records(app: Flask, name: str) -> list[str]:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        return [subject for _at, _u, action, subject, _p in accounts.audit.records(user=name)
                if action == "account disabled"]


def test_a_load_marking_people_left_closes_their_accounts_at_the_next_request(app: Flask, tiny: Path) -> None:
    sam, hr, ceo = logged_in(app, "sam"), logged_in(app, "hr"), logged_in(app, "ceo")
    assert sam.get("/staff/").status_code == hr.get("/staff/").status_code == 200
    yesterday = TODAY - dt.timedelta(days=1)
    load_with_leavers(app, tiny, {"S1": yesterday, "S2": TODAY})
    assert sam.get("/staff/").status_code == 302  # the very next request
    assert hr.get("/staff/").status_code == 302
    assert ceo.get("/").status_code == 200  # not linked to anyone: unaffected
    assert sam.get("/staff/").status_code == 302
    refused = login(app.test_client(), "sam", purpose=None)
    assert refused.status_code == 403
    assert f"This account is disabled (left on {yesterday.isoformat()})" in refused.get_data(as_text=True)
    subjects = disabled_records(app, "sam")
    assert len(subjects) == 1  # once, however many requests and logins follow
    assert subjects[0] == f"left on {yesterday.isoformat()} (staff S1, staff.csv of snapshot 2026-09-01)"
    assert len(disabled_records(app, "hr")) == 1


def test_a_leaving_day_still_to_come_changes_nothing_yet(app: Flask, tiny: Path) -> None:
    sam = logged_in(app, "sam")
    load_with_leavers(app, tiny, {"S1": TODAY + dt.timedelta(days=1)})
    assert sam.get("/staff/").status_code == 200
    assert disabled_records(app, "sam") == []


def test_the_snapshot_is_read_once_not_at_every_request(app: Flask, tiny: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = SQLiteStore.read_table
    monkeypatch.setattr(SQLiteStore, "read_table",
                        lambda self, as_of, name: reads.append(name) or real(self, as_of, name))
    sam = logged_in(app, "sam")
    for _ in range(3):
        assert sam.get("/login").status_code == 200  # a page that reads no trust data itself
    # the schools once too, at the first signed-in page (which trusts the store holds: webapp.trusts)
    assert reads == ["staff", "schools"]
    load_with_leavers(app, tiny, {"S3": TODAY})  # a new snapshot: read again, once
    for _ in range(2):
        sam.get("/login")
    assert reads == ["staff", "schools", "staff"]


def test_hr_leavers_file_closes_an_account_before_the_next_load(app: Flask, tmp_path: Path) -> None:
    sam = logged_in(app, "sam")
    bad = tmp_path / "leavers-bad.csv"
    bad.write_text(f"staff_id,left_on\nS1,{TODAY.isoformat()}\nS2,31/08/2026\n", encoding="utf-8")
    refused = cli("users", "leavers", str(bad))
    assert refused.exit_code == 1
    assert ("leavers-bad.csv, row 3, column left_on: '31/08/2026' is not a date; write it as YYYY-MM-DD"
            in refused.output)
    assert sam.get("/staff/").status_code == 200  # nothing was recorded
    good = tmp_path / "leavers.csv"
    good.write_text(f"staff_id,left_on\nS1,{TODAY.isoformat()}\nS9,2030-01-01\n", encoding="utf-8")
    recorded = cli("users", "leavers", str(good))
    assert recorded.exit_code == 0, recorded.output
    assert recorded.output == (f"Recorded 2 leaver(s) from leavers.csv.\nsam (staff S1) leaves on {TODAY.isoformat()}"
                               ": the account stops working at its next request from that day.\n")
    assert sam.get("/staff/").status_code == 302
    assert disabled_records(app, "sam") == [f"left on {TODAY.isoformat()} (staff S1, HR's leavers file)"]


def test_linking_to_a_staff_id_not_in_the_latest_snapshot_warns(app: Flask) -> None:
    result = CliRunner().invoke(main, ["users", "link", "hr", "S99"])
    assert result.exit_code == 0
    assert result.stdout == "hr is linked to staff S99.\n"
    assert result.stderr == ("Warning: staff S99 is not in the latest snapshot (2026-07-01); check the id, since the "
                             "account closes only when that person's record says they have left.\n")
    assert cli("users", "link", "hr", "S3").stderr == ""


def test_a_leavers_file_without_its_columns_is_refused(app: Flask, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,date\nS1,2026-01-01\n", encoding="utf-8")
    result = cli("users", "leavers", str(wrong))
    assert result.exit_code == 1 and "wrong.csv needs the columns staff_id, left_on" in result.output


def test_enabling_again_and_unlinking_lets_a_wrongly_linked_person_back(app: Flask, tiny: Path) -> None:
    load_with_leavers(app, tiny, {"S1": TODAY})
    assert login(app.test_client(), "sam", purpose=None).status_code == 403
    assert cli("users", "link", "sam", "").exit_code == 0
    assert cli("users", "enable", "sam").output == "sam may log in again.\n"
    assert login(app.test_client(), "sam", purpose=None).status_code == 302


def _age(app: Flask, name: str, days: int, column: str) -> None:
    """Pretend `name`'s last login (or creation) was `days` ago: the time the review looks back over."""
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()
    with sqlite3.connect(app.config["NETMAP_USERS_DB"]) as conn:
        conn.execute(f"UPDATE users SET {column} = ? WHERE name = ?", (at, name))  # noqa: S608 - a test's constant


def test_accounts_unused_for_90_days_are_listed_and_can_be_disabled(app: Flask) -> None:
    for name in ("admin", "hr", "ceo", "network-lead"):
        logged_in(app, name)  # everyone has logged in now ...
    _age(app, "hr", 91, "last_login_at")  # ... but hr last did so 91 days ago
    _age(app, "sam", 120, "created_at")  # and sam, made 120 days ago, never has
    _age(app, "ceo", 89, "last_login_at")
    listed = cli("users", "list", "--unused", "90").output.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["hr", "sam"]
    assert listed[1] == "sam\thr\tstaff S1\tno authenticator\tnever logged in\tactive"
    admin = logged_in(app, "admin")
    page = admin.get("/users").get_data(as_text=True)
    review = page.split("<h2>Every account</h2>")[0]
    assert {'name="name" value="hr"', 'name="name" value="sam"'} == set(re.findall(r'name="name" value="[^"]+"',
                                                                                  review))
    rows = list(csv.DictReader(io.StringIO(admin.get("/users?format=csv").get_data(as_text=True))))
    assert {row["user"]: row["unused"] for row in rows} == {"admin": "no", "ceo": "no", "hr": "yes",
                                                             "network-lead": "no", "sam": "yes"}
    hr = logged_in(app, "hr")
    _age(app, "hr", 91, "last_login_at")
    done = admin.post("/users/disable", data={"name": "hr", "csrf_token": csrf_token(admin, "/users")})
    assert done.status_code == 302
    assert hr.get("/staff/").status_code == 302  # their session ended
    assert login(app.test_client(), "hr", purpose=None).status_code == 403
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert ("admin", "account disabled", "hr, from the Users page") in {
            r[1:4] for r in accounts.audit.records(user="admin")}
    assert re.findall(r'name="name" value="([^"]+)"', admin.get("/users").get_data(as_text=True)) == ["sam"]
    own = admin.post("/users/disable", data={"name": "admin", "csrf_token": csrf_token(admin, "/users")})
    assert own.status_code == 400


def test_a_version_4_users_file_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "users.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
                     "created_at TEXT NOT NULL, session_key TEXT NOT NULL DEFAULT '')")
        conn.execute("INSERT INTO users VALUES ('old', 'hr', 'x', '2025-01-01T00:00:00+00:00', 'key')")
        conn.execute("PRAGMA user_version=4")
    with Accounts(path) as accounts:
        user = accounts.users.get("old")
        assert user is not None and (user.staff_id, user.disabled, user.has_second_factor) == ("", "", False)
        assert accounts.second_factors.recovery_codes_left("old") == 0 and accounts.leavers.left_on("S1") is None
    with Accounts(path) as again:  # opening it again changes nothing
        assert again.users.get("old") == user


def test_a_survey_rounds_snapshot_never_hides_a_leaver(app: Flask, tiny: Path) -> None:
    """A round's snapshot carries the staff of its older base snapshot; dated after a load that marks S1 as left,
    it must not make S1 look in post again: leavers come from the latest load."""
    yesterday = TODAY - dt.timedelta(days=1)
    load_with_leavers(app, tiny, {"S1": yesterday}, as_of=TODAY.isoformat())
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        base = store.read_dataset(store.list_snapshots()[0].snapshot_id)  # S1 still in post there
        later = (TODAY + dt.timedelta(days=30)).isoformat()
        store.write_snapshot(base, later, source="survey round r9: Summer")
    assert login(app.test_client(), "sam", purpose=None).status_code == 403  # sam is linked to S1
