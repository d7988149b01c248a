"""A second factor for local accounts, over HTTP: enrolment right after the password and before any page, a code
at each later login, replays and wrong codes refused and throttled, recovery codes used once, an admin's reset.
Codes are computed with pyotp, as the authenticator app would."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pyotp
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from netmap.cli import main
from netmap.dataset import Dataset
from netmap.ingest.validate import read_trust
from tests.conftest import TINY
from tests.web_helpers import csrf_token, enrol, login, make_app
from webapp import create_app
from webapp.accounts import Accounts, LockedOut
from webapp.accounts import second_factor as second_factor_module
from webapp.accounts.second_factor import CODE_FAILURES, RECOVERY_CODES


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_trust(TINY)[0]


@pytest.fixture
def app(tmp_path: Path, dataset: Dataset) -> Flask:
    """The tiny trust, with NETMAP_REQUIRE_MFA on as it is by default."""
    return make_app(tmp_path, dataset, NETMAP_REQUIRE_MFA=True)


def logout(client: FlaskClient) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/metrics")})


def give_code(client: FlaskClient, code: str) -> TestResponse:
    return client.post("/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login/code")})


def audited(app: Flask, name: str) -> list[tuple[str, str]]:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        return [(action, subject) for _at, _user, action, subject, _p in accounts.audit.records(user=name)]


def test_enrolment_comes_after_the_password_and_before_any_page(app: Flask) -> None:
    client = app.test_client()
    response = login(client, "hr", purpose=None)
    assert response.status_code == 302 and response.location.startswith("/login/enrol")
    assert client.get("/staff/").status_code == 302  # no page before enrolment
    wrong = client.post("/login/enrol", data={"code": "000000", "csrf_token": csrf_token(client, "/login/enrol")})
    assert wrong.status_code == 401 and "wrong or already used" in wrong.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    _secret, codes = enrol(app.test_client(), "hr")
    assert len(codes) == RECOVERY_CODES == len(set(codes))
    assert ("second factor enrolled", "from 127.0.0.1") in audited(app, "hr")


def test_the_first_page_after_enrolment_shows_the_recovery_codes_once(app: Flask) -> None:
    client = app.test_client()
    _secret, codes = enrol(client, "admin")
    assert client.get("/staff/").status_code == 200
    assert not any(code in client.get("/staff/").get_data(as_text=True) for code in codes)
    assert client.get("/login/enrol").status_code == 302  # the page is gone once enrolled: no second showing
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        stored = accounts._conn.execute("SELECT code_hash FROM recovery_codes").fetchall()
    assert len(stored) == RECOVERY_CODES and not any(code in h for (h,) in stored for code in codes)


def test_a_later_login_needs_a_code_and_a_code_works_once(app: Flask) -> None:
    client = app.test_client()
    secret, _codes = enrol(client, "hr")
    used_at_enrolment = pyotp.TOTP(secret).now()
    logout(client)
    response = login(client, "hr", purpose=None)
    assert response.status_code == 302 and response.location.startswith("/login/code")
    assert client.get("/staff/").status_code == 302
    assert give_code(client, used_at_enrolment).status_code == 401  # the same code again: a replay
    next_code = pyotp.TOTP(secret).at(time.time() + 30)  # the phone's clock a step ahead: within the drift window
    assert give_code(client, next_code).status_code == 302
    assert client.get("/staff/").status_code == 200
    logout(client)
    login(client, "hr", purpose=None)
    assert give_code(client, next_code).status_code == 401  # used once, refused ever after
    assert ("failed second factor", "from 127.0.0.1") in audited(app, "hr")


def test_a_code_from_too_far_off_is_refused(app: Flask) -> None:
    client = app.test_client()
    secret, _codes = enrol(client, "hr")
    logout(client)
    login(client, "hr", purpose=None)
    assert give_code(client, pyotp.TOTP(secret).at(time.time() + 120)).status_code == 401


def test_a_recovery_code_works_once(app: Flask) -> None:
    client = app.test_client()
    _secret, codes = enrol(client, "hr")
    logout(client)
    login(client, "hr", purpose=None)
    used = give_code(client, codes[0].upper().replace("-", " "))  # as typed from paper
    assert used.status_code == 302
    assert f"{RECOVERY_CODES - 1} left" in client.get("/staff/").get_data(as_text=True)
    assert ("login", "from 127.0.0.1 with recovery code") in audited(app, "hr")
    logout(client)
    login(client, "hr", purpose=None)
    assert give_code(client, codes[0]).status_code == 401
    assert give_code(client, codes[1]).status_code == 302


def test_wrong_codes_are_throttled_like_passwords(app: Flask) -> None:
    client = app.test_client()
    secret, _codes = enrol(client, "hr")
    logout(client)
    login(client, "hr", purpose=None)
    for _ in range(CODE_FAILURES):
        assert give_code(client, "123456").status_code == 401
    locked = give_code(client, pyotp.TOTP(secret).at(time.time() + 30))
    assert locked.status_code == 429 and "Too many wrong codes" in locked.get_data(as_text=True)


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    secret, _codes = enrol(app.test_client(), "hr")
    statuses = []
    for _ in range(4):  # the review's repro: the password, then four wrong codes, again and again
        client = app.test_client()
        assert login(client, "hr", purpose=None).location.startswith("/login/code")
        statuses += [give_code(client, "123456").status_code for _ in range(4)]
    assert statuses == [401] * CODE_FAILURES + [429] * (16 - CODE_FAILURES)
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"  # per account, not per address
    login(elsewhere, "hr", purpose=None)
    right = pyotp.TOTP(secret).at(time.time() + 30)
    assert give_code(elsewhere, right).status_code == 429
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    unlocked = CliRunner().invoke(main, ["users", "unlock", "hr"])
    assert unlocked.exit_code == 0 and f"{CODE_FAILURES} recent failed login(s) forgotten" in unlocked.output
    assert give_code(elsewhere, right).status_code == 302


def test_parallel_wrong_codes_are_checked_at_most_the_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    enrol(app.test_client(), "hr")
    checked = []
    real_match = second_factor_module._matching_step
    monkeypatch.setattr(second_factor_module, "_matching_step",
                        lambda secret, code, at: checked.append(code) or real_match(secret, code, at))
    outcomes: list[str] = []
    start = threading.Barrier(30)

    def guess(n: int) -> None:
        with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
            start.wait()
            try:
                outcomes.append("in" if accounts.second_factors.attempt("hr", f"{n:06d}") else "wrong")
            except LockedOut:
                outcomes.append("locked")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == CODE_FAILURES
    assert sorted(outcomes) == ["locked"] * (30 - CODE_FAILURES) + ["wrong"] * CODE_FAILURES


def test_a_right_code_or_a_reset_forgets_earlier_wrong_codes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    secret, _codes = enrol(app.test_client(), "hr")
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        factors = accounts.second_factors
        for _ in range(CODE_FAILURES - 1):
            assert factors.attempt("hr", "123456") is None
        assert factors.attempt("hr", pyotp.TOTP(secret).at(time.time() + 30)) == "authenticator code"
        for _ in range(CODE_FAILURES):  # counted afresh after the right code
            assert factors.attempt("hr", "123456") is None
        with pytest.raises(LockedOut):
            factors.attempt("hr", "123456")
        factors.reset("hr")
        assert accounts._conn.execute("SELECT count(*) FROM second_factor_failures").fetchone()[0] == 0


def test_the_second_step_must_follow_the_password_within_ten_minutes(app: Flask) -> None:
    client = app.test_client()
    login(client, "hr", purpose=None)
    with client.session_transaction() as session:
        session["pending_since"] = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=11)).isoformat()
    response = client.get("/login/enrol")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert app.test_client().get("/login/code").status_code == 302  # no password given at all


def test_an_admin_resets_a_lost_authenticator(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = app.test_client()
    enrol(client, "hr")
    assert client.get("/staff/").status_code == 200
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    result = CliRunner().invoke(main, ["users", "reset-mfa", "hr"])
    assert result.exit_code == 0 and "sessions have ended" in result.output
    assert client.get("/staff/").status_code == 302
    again = login(app.test_client(), "hr", purpose=None)
    assert again.location.startswith("/login/enrol")
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.second_factors.recovery_codes_left("hr") == 0
    assert ("second factor reset", "hr") in [(a, s) for _t, _u, a, s, _p in _all_records(app)]
    unknown = CliRunner().invoke(main, ["users", "reset-mfa", "nobody"])
    assert unknown.exit_code == 1 and "No user called 'nobody'" in unknown.output


def _all_records(app: Flask) -> list[tuple[str, str, str, str, str]]:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        return accounts.audit.records()


def test_an_enrolled_account_needs_its_code_even_with_the_setting_off(tmp_path: Path, dataset: Dataset) -> None:
    required = make_app(tmp_path / "on", dataset, NETMAP_REQUIRE_MFA=True)
    enrol(required.test_client(), "hr")
    relaxed = create_app({**required.config, "NETMAP_REQUIRE_MFA": False})  # the same users file, the setting off
    assert login(relaxed.test_client(), "hr", purpose=None).location.startswith("/login/code")
    assert login(relaxed.test_client(), "ceo", purpose=None).location == "/"  # not enrolled: the password alone


def test_the_first_admin_enrols_at_first_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users.db"
    monkeypatch.setenv("NETMAP_USERS_DB", str(users))
    added = CliRunner().invoke(main, ["users", "add", "first-admin", "--role", "admin", "--password-stdin"],
                               input="a long first password\n")
    assert added.exit_code == 0, added.output
    app = create_app({"TESTING": True, "NETMAP_DB": tmp_path / "store.db", "NETMAP_USERS_DB": users,
                      "SECRET_KEY": "test-secret"})  # NETMAP_REQUIRE_MFA as the environment leaves it: on
    assert app.config["NETMAP_REQUIRE_MFA"] is True
    response = login(app.test_client(), "first-admin", "a long first password", purpose=None)
    assert response.status_code == 302 and response.location.startswith("/login/enrol")


def test_setting_groups_keeps_the_recovery_codes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    _secret, codes = enrol(app.test_client(), "hr")
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    result = CliRunner().invoke(main, ["users", "set-groups", "hr", "EN-MATHS"])
    assert result.exit_code == 0, result.output
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.second_factors.recovery_codes_left("hr") == RECOVERY_CODES
    login(client := app.test_client(), "hr", purpose=None)
    assert give_code(client, codes[0]).status_code == 302


@pytest.mark.parametrize("target", ["/\\evil.example/", "/\t/evil.example", "//evil.example"])
def test_the_code_step_never_sends_anyone_off_site(app: Flask, target: str) -> None:
    client = app.test_client()
    secret, _codes = enrol(client, "hr")
    logout(client)
    login(client, "hr", purpose=None)
    response = client.post("/login/code", query_string={"next": target},
                           data={"code": pyotp.TOTP(secret).at(time.time() + 30),
                                 "csrf_token": csrf_token(client, "/login/code")})
    assert response.status_code == 302 and response.location == "/"
