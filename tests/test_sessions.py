"""Sessions that end and throttling that holds: each finding of the attack run, reproduced and refused."""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from netmap.cli import main
from netmap.config import read_settings
from tests.trusts import planted_dataset
from tests.web_helpers import PASSWORD, csrf_token, login
from webapp.accounts import ADDRESS_FAILURES, LOCKOUT_FAILURES, Accounts, LockedOut
from webapp.accounts import users as users_module


def _client_with_cookie_of(app: Flask, other: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of `other`'s session cookie."""
    copy = app.test_client()
    cookie = other.get_cookie("session")
    assert cookie is not None
    copy.set_cookie("session", cookie.value)
    return copy


def test_a_copied_cookie_dies_with_logout(app: Flask) -> None:
    browser = app.test_client()
    login(browser, "hr")
    thief = _client_with_cookie_of(app, browser)
    assert thief.get("/staff/").status_code == 200
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})
    assert thief.get("/staff/").status_code == 302


def test_a_session_ends_eight_hours_after_login_however_active(app: Flask) -> None:
    browser = app.test_client()
    login(browser, "hr")
    assert browser.get("/staff/").status_code == 200
    with browser.session_transaction() as session:
        session["since"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=8, minutes=1)).isoformat()
    assert browser.get("/staff/").status_code == 302


def test_removing_and_adding_a_name_again_revives_no_cookie(app: Flask) -> None:
    browser = app.test_client()
    login(browser, "hr")
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.remove("hr")
        accounts.users.add("hr", "hr", PASSWORD)
    assert browser.get("/staff/").status_code == 302


def test_a_new_password_ends_sessions(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = app.test_client()
    login(browser, "hr")
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    result = CliRunner().invoke(main, ["users", "set-password", "hr", "--password-stdin"],
                                input="a brand new password\n")
    assert result.exit_code == 0, result.output
    assert "sessions have ended" in result.output
    assert browser.get("/staff/").status_code == 302
    assert login(app.test_client(), "hr").status_code == 401
    assert login(app.test_client(), "hr", "a brand new password").status_code == 302


def test_parallel_guesses_are_checked_at_most_the_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    checked = []
    real_check = users_module.check_password_hash
    monkeypatch.setattr(users_module, "check_password_hash",
                        lambda stored, given: checked.append(given) or real_check(stored, given))
    outcomes: list[str] = []
    start = threading.Barrier(40)

    def guess(n: int) -> None:
        with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
            start.wait()
            try:
                outcomes.append("wrong" if accounts.users.authenticate("admin", f"guess {n}", "10.0.0.9") is None
                                else "in")
            except LockedOut:
                outcomes.append("locked")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == LOCKOUT_FAILURES
    assert sorted(outcomes) == ["locked"] * (40 - LOCKOUT_FAILURES) + ["wrong"] * LOCKOUT_FAILURES


def test_an_unknown_name_costs_one_password_check_like_a_known_one(app: Flask,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    checked = []
    real_check = users_module.check_password_hash
    monkeypatch.setattr(users_module, "check_password_hash",
                        lambda stored, given: checked.append(stored) or real_check(stored, given))
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.authenticate("nobody-by-this-name", "a guess", "10.0.0.9") is None
        assert accounts.users.authenticate("admin", "a guess", "10.0.0.9") is None
    # both hashed alike (with the declared method: scrypt for a trust, the suite's cheap one here)
    assert len(checked) == 2 and {stored.split("$")[0] for stored in checked} == {read_settings().password_hash}


def test_someone_elsewhere_cannot_lock_the_admin_out(app: Flask) -> None:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        for _ in range(LOCKOUT_FAILURES):
            accounts.users.authenticate("admin", "a guess", "10.0.0.9")
        with pytest.raises(LockedOut):
            accounts.users.authenticate("admin", PASSWORD, "10.0.0.9")
        assert accounts.users.authenticate("admin", PASSWORD, "127.0.0.1") is not None


def test_one_address_cannot_try_many_names(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        for n in range(ADDRESS_FAILURES):
            assert accounts.users.authenticate(f"name {n}", "a guess", "10.0.0.9") is None
        checked = []
        real_check = users_module.check_password_hash
        monkeypatch.setattr(users_module, "check_password_hash",
                            lambda stored, given: checked.append(stored) or real_check(stored, given))
        for name in ("another name", "hr"):  # a name that is an account and one that is not: the same answer
            with pytest.raises(LockedOut, match="from this address"):
                accounts.users.authenticate(name, "a guess", "10.0.0.9")
        assert len(checked) == 2  # and the same cost
        assert accounts.users.authenticate("ceo", "a guess", "10.0.0.10") is None  # other addresses as before
        records = accounts.users.failed_login_records()
        with pytest.raises(LockedOut):
            accounts.users.authenticate("yet another name", "a guess", "10.0.0.9")
        assert accounts.users.failed_login_records() == records  # refused names are not kept piling up


def test_one_person_behind_a_shared_address_cannot_lock_out_the_school(app: Flask,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    school = "10.20.0.1"  # a school's NAT: everyone there has this address
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        for name in ("admin", "ceo", "network-lead"):  # mistyped passwords: they count only for their account
            for _ in range(LOCKOUT_FAILURES - 1):
                assert accounts.users.authenticate(name, "a guess", school) is None
        for n in range(ADDRESS_FAILURES):  # and someone tries many names
            assert accounts.users.authenticate(f"name {n}", "a guess", school) is None
        for name in ("hr", "admin"):  # everyone else logs in, and those who mistyped too
            assert accounts.users.authenticate(name, PASSWORD, school) is not None
        with pytest.raises(LockedOut, match="from this address"):  # a wrong password now reads as a lock ...
            accounts.users.authenticate("ceo", "a guess", school)
        with pytest.raises(LockedOut, match="Try again in"):  # ... and it was ceo's fifth there: ceo is locked
            accounts.users.authenticate("ceo", PASSWORD, school)
        assert accounts.users.authenticate("ceo", PASSWORD, "10.20.0.2") is not None  # but not elsewhere
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    assert CliRunner().invoke(main, ["users", "unlock", "ceo"]).exit_code == 0
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.authenticate("ceo", PASSWORD, school) is not None


def test_a_version_9_users_file_gains_the_known_column(tmp_path: Path) -> None:
    path = tmp_path / "users.db"
    with Accounts(path) as accounts:
        accounts.users.add("old", "hr", PASSWORD)
        accounts._conn.execute("DROP TABLE failed_logins")
        accounts._conn.execute("CREATE TABLE failed_logins (name_digest TEXT NOT NULL, address TEXT NOT NULL, "
                               "at TEXT NOT NULL)")
        accounts._conn.execute("INSERT INTO failed_logins VALUES ('x', '10.0.0.9', '2026-01-01')")
        accounts._conn.execute("PRAGMA user_version=9")
    with Accounts(path) as accounts:
        assert accounts.users.authenticate("old", "a guess", "10.0.0.9") is None
        assert accounts.users.authenticate("old", PASSWORD, "10.0.0.9") is not None


def test_an_admin_can_unlock_a_name(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    for _ in range(LOCKOUT_FAILURES):
        login(client, "ceo", "not the password")
    assert login(client, "ceo").status_code == 429
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    result = CliRunner().invoke(main, ["users", "unlock", "ceo"])
    assert result.exit_code == 0 and f"{LOCKOUT_FAILURES} recent failed login(s) forgotten" in result.output
    assert login(client, "ceo").status_code == 302


def test_failed_logins_keep_no_names_and_are_pruned(app: Flask, clock: Callable[[dt.datetime], None]) -> None:
    client = app.test_client()
    huge = "x" * 490_000
    response = client.post("/login", data={"name": huge, "password": "a guess", "csrf_token": csrf_token(client)})
    assert response.status_code == 400  # refused by the form: nothing recorded
    path = Path(app.config["NETMAP_USERS_DB"])
    with Accounts(path) as accounts:
        assert accounts.users.failed_login_records() == 0
        for n in range(3):
            accounts.users.authenticate(f"someone {n}", "a guess", "10.0.0.9")
        assert accounts.users.failed_login_records() == 3
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
        clock(later)
        accounts.users.authenticate("someone", "a guess", "10.0.0.9")
        assert accounts.users.failed_login_records() == 1  # the three older ones pruned
        written = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
    assert b"someone" not in written and b"xxxxxxxxxx" not in written


def test_a_version_1_users_file_is_converted(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "users.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, "
                 "created_at TEXT NOT NULL)")
    conn.execute("CREATE TABLE failed_logins (name TEXT NOT NULL, at TEXT NOT NULL)")
    conn.execute("INSERT INTO users VALUES ('old', 'hr', ?, '2026-01-01')",
                 (users_module.generate_password_hash(PASSWORD),))
    conn.execute("INSERT INTO failed_logins VALUES ('old', '2026-01-01')")
    conn.commit()
    conn.close()
    with Accounts(path) as accounts:
        user = accounts.users.authenticate("old", PASSWORD, "127.0.0.1")
        assert user is not None and len(user.session_key) >= 32
        assert accounts.users.failed_login_records() == 0


def test_behind_a_trusted_proxy_each_client_is_throttled_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web_helpers import make_app

    monkeypatch.setenv("NETMAP_TRUSTED_PROXY", "127.0.0.1")  # the test client's own address
    app = make_app(tmp_path, planted_dataset())
    client = app.test_client()

    def attempt(password: str, address: str) -> int:
        return client.post("/login", data={"name": "ceo", "password": password, "csrf_token": csrf_token(client)},
                           headers={"X-Forwarded-For": address}).status_code

    for _ in range(LOCKOUT_FAILURES):
        assert attempt("not the password", "203.0.113.7") == 401
    assert attempt(PASSWORD, "203.0.113.7") == 429
    assert attempt(PASSWORD, "198.51.100.4") == 302  # another client behind the same proxy is not locked out


def test_audit_entries_and_scenarios_past_retention_are_deleted(app: Flask) -> None:
    path = app.config["NETMAP_USERS_DB"]
    with Accounts(path) as accounts:
        accounts.audit.record("hr", "view", "staff OLD-ID-1")
        accounts.scenarios.save("old plan", "hr", "2026-07-01", [{"kind": "leave", "staff_id": "OLD-ID-2"}])
        accounts._conn.execute("UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00'")
        accounts._conn.execute("UPDATE scenarios SET saved_at = '2020-01-01T00:00:00+00:00'")
        accounts.audit.record("hr", "view", "staff NEW-ID")
    client = app.test_client()
    login(client, "admin")
    client.get("/")  # the first request of the hour prunes
    with Accounts(path) as accounts:
        assert [e[3] for e in accounts.audit.entries() if e[2] == "view"] == ["staff NEW-ID"]
        assert accounts.scenarios.all_scenarios() == []
    assert b"OLD-ID" not in b"".join(p.read_bytes() for p in Path(path).parent.glob(Path(path).name + "*"))


def test_challenges_closed_past_retention_are_deleted_with_everything_they_name(app: Flask) -> None:
    from netmap.challenges import ChallengeSpec

    path = app.config["NETMAP_USERS_DB"]
    with Accounts(path) as accounts:
        store = accounts.challenges
        old = store.post(ChallengeSpec("Old OLD-TITLE", "maths", ("A",), "2020-01-31"), "hr")
        new = store.post(ChallengeSpec("Current", "maths", ("A",), "2099-01-31"), "hr")
        for challenge_id, person in ((old, "OLD-ID-3"), (new, "NEW-ID")):
            challenge = store.get(challenge_id)
            assert challenge is not None
            store.invite(challenge, person)
            store.answer(challenge_id, person, "offer", f"notes of {person}")
            store.record_tie(challenge_id, person, "a1", "joint-project", "2020-01-10", "hr")
    client = app.test_client()
    login(client, "admin")
    client.get("/")  # the first request of the hour prunes
    with Accounts(path) as accounts:
        assert [c.challenge_id for c in accounts.challenges.all()] == [new]
        assert [t.source for t, _ in accounts.challenges.ties()] == ["NEW-ID"]
        assert [o.staff_id for o in accounts.challenges.offers(old)] == []
        assert [i.staff_id for i in accounts.challenges.invites(old)] == []
    assert b"OLD-ID" not in b"".join(p.read_bytes() for p in Path(path).parent.glob(Path(path).name + "*"))


def test_forget_deletes_the_saved_scenarios_of_that_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import TINY

    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "store.db"))
    monkeypatch.setenv("NETMAP_USERS_DB", str(tmp_path / "users.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(TINY), "--as-of", "2026-01-05"]).exit_code == 0
    with Accounts(tmp_path / "users.db") as accounts:
        accounts.scenarios.save("plan", "hr", "2026-01-05", [{"kind": "leave", "staff_id": "S1"}])
        accounts.scenarios.save("other", "hr", "2026-03-01", [{"kind": "leave", "staff_id": "S2"}])
    result = runner.invoke(main, ["forget", "2026-01-05"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 saved scenario(s) of snapshot 2026-01-05" in result.output
    with Accounts(tmp_path / "users.db") as accounts:
        assert [s[1] for s in accounts.scenarios.all_scenarios()] == ["other"]


def test_a_session_ends_with_the_browser_unless_kept(app: Flask) -> None:
    """On a shared staff-room PC, closing the browser must end the session: the cookie has no expiry unless the
    user ticks "keep me signed in" (and then lasts the 8 hours a session may last)."""
    client = app.test_client()
    plain = client.post("/login", data={"name": "hr", "password": PASSWORD,
                                         "csrf_token": csrf_token(client)})
    cookie = plain.headers["Set-Cookie"]
    assert "session=" in cookie and "Expires=" not in cookie and "Max-Age" not in cookie
    other = app.test_client()
    kept = other.post("/login", data={"name": "hr", "password": PASSWORD, "keep": "y",
                                       "csrf_token": csrf_token(other)})
    expires = kept.headers["Set-Cookie"].split("Expires=")[1].split(";")[0]
    lasts = email.utils.parsedate_to_datetime(expires) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=7, minutes=59) < lasts <= dt.timedelta(hours=8)


OFF_SITE = ("/\\evil.example/", "/\\/evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
            "//evil.example", "https://evil.example/")


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_login_never_sends_anyone_off_site(app: Flask, target: str) -> None:
    client = app.test_client()
    response = client.post("/login", query_string={"next": target},
                           data={"name": "hr", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.location == "/"
    kept = client.post("/login", query_string={"next": "/schools/?a=b"},
                       data={"name": "hr", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert kept.location == "/schools/?a=b"


def test_passwords_are_hashed_with_scrypt_at_its_cost_unless_the_tests_declare_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from tests.conftest import CHEAP_PASSWORD_HASH

    def stored_hash() -> str:
        with sqlite3.connect(tmp_path / "users.db") as conn:
            return str(conn.execute("SELECT password_hash FROM users WHERE name = 'hr'").fetchone()[0])

    with Accounts(tmp_path / "users.db") as accounts:
        accounts.users.add("hr", "hr", PASSWORD)
        assert stored_hash().startswith(CHEAP_PASSWORD_HASH + "$")  # the suite's declared cheap method
        monkeypatch.delenv("NETMAP_TEST_PASSWORD_HASH")  # as a trust runs: the declared default
        accounts.users.set_password("hr", PASSWORD)
        assert stored_hash().startswith("scrypt:32768:8:1$")
        assert accounts.users.authenticate("hr", PASSWORD, "127.0.0.1") is not None
        assert accounts.users.authenticate("hr", PASSWORD + "!", "127.0.0.1") is None
