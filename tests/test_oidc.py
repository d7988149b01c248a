"""Signing in with the trust's accounts (webapp.oidc) against a real OpenID Connect provider process
(tests/oidc_provider.py): login, logout, wrong audience, nonce, signature and expiry, groups changing between
logins, Entra's group overage, Google's hosted domain, and the second factor from amr for roles that see names."""

from __future__ import annotations

import datetime as dt
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from netmap.cli import main
from netmap.dataset import Dataset
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.oidc_provider import MFA, PWD, ROLE_MAP, USERS, Provider, oidc_provider, provider_user, walk_to
from tests.trusts import PLANTED, planted_dataset
from tests.web_helpers import PASSWORD, csrf_token, login, make_app
from webapp.accounts import Accounts
from webapp.accounts.database import SCHEMA_VERSION

PUBLIC = "http://127.0.0.1:5000"
CALLBACK = PUBLIC + "/login/provider/callback"
@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with oidc_provider(tmp_path_factory.mktemp("provider"), CALLBACK, PUBLIC + "/login") as running:
        yield running


@pytest.fixture(scope="module")
def planted_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted trust loaded and analysed once for the module (the tests only read it)."""
    folder = tmp_path_factory.mktemp("planted")
    make_app(folder, planted_dataset())
    return folder / "store.db"


@pytest.fixture
def app(provider: Provider, planted_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The web app over the planted trust, signing in through the provider (as Google: a hosted domain)."""
    _configure(provider, tmp_path, monkeypatch)
    return make_app(tmp_path, None, NETMAP_DB=planted_store)


def _configure(provider: Provider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings of an app signing in through `provider`, with the module's users and role map."""
    provider.set_users(USERS)
    role_map = tmp_path / "roles.toml"
    role_map.write_text(ROLE_MAP, encoding="utf-8")
    for name, value in {"ISSUER": provider.issuer, "CLIENT_ID": provider.client_id,
                        "CLIENT_SECRET": provider.client_secret, "ROLE_MAP": str(role_map),
                        "PROVIDER_NAME": "Test Provider", "ALLOWED_DOMAIN": "trust.example",
                        "GROUPS_URL": provider.issuer + "/graph/me/getMemberObjects"}.items():
        monkeypatch.setenv(f"NETMAP_OIDC_{name}", value)
    monkeypatch.setenv("NETMAP_PUBLIC_URL", PUBLIC)


def sign_in(client: FlaskClient, name: str, http: requests.Session | None = None, password: str = "provider-pw",
            tamper: tuple[Provider, str] | None = None, target: str = "/staff/") -> tuple[int, str]:
    """Click "Sign in with" (from a link to `target`), sign in at the provider as `name`, and hand its answer to
    netmap; returns netmap's status and page (or redirect target)."""
    started = client.get("/login/provider", query_string={"next": target})
    assert started.status_code == 302, started.get_data(as_text=True)
    back = walk_to(started.headers["Location"], CALLBACK, http or requests.Session(), name, password)
    if tamper:
        tamper[0].tamper_next_id_token(tamper[1])
    parts = urlsplit(back)
    answer = client.get(f"{parts.path}?{parts.query}")
    return answer.status_code, answer.headers.get("Location") or answer.get_data(as_text=True)


def _audit(app: Flask) -> list[tuple[str, str, str]]:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        return [(user, action, subject) for _at, user, action, subject in accounts.audit.entries()]


def test_the_login_page_offers_the_provider_and_keeps_local_accounts(app: Flask) -> None:
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "Sign in with Test Provider" in page and 'name="password"' in page


def test_the_request_carries_pkce_state_and_nonce(app: Flask, provider: Provider) -> None:
    sent = parse_qs(urlsplit(app.test_client().get("/login/provider").headers["Location"]).query)
    assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) >= 43
    assert sent["state"][0] and sent["nonce"][0] and sent["redirect_uri"] == [CALLBACK]
    assert sent["client_id"] == [provider.client_id] and sent["hd"] == ["trust.example"]


def test_signing_in_gives_the_role_of_the_mapped_group_and_no_password(app: Flask) -> None:
    client = app.test_client()
    outcome = sign_in(client, "alice")
    assert outcome == (302, "/staff/"), outcome[1][-1500:]
    assert client.get("/staff/").status_code == 200  # hr sees staff by name
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.get("alice").role == "hr"
        assert accounts.users.issuer_of("alice") == app.config["NETMAP_SETTINGS"].oidc.issuer
    assert any(e[:2] == ("alice", "login") and "with the identity provider as " in e[2] for e in _audit(app))
    for password in ("", "provider-pw", PASSWORD):  # no local password opens the account
        assert login(app.test_client(), "alice", password or "x" * 12, purpose=None).status_code == 401


@pytest.mark.parametrize("target", ["/\\evil.example/", "/\t/evil.example", "//evil.example"])
def test_signing_in_never_sends_anyone_off_site(app: Flask, target: str) -> None:
    assert sign_in(app.test_client(), "alice", target=target)[:2] == (302, "/")


def test_logout_ends_the_session_here_and_at_the_provider(app: Flask, provider: Provider) -> None:
    client, http = app.test_client(), requests.Session()
    assert sign_in(client, "alice", http)[0] == 302
    out = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert out.status_code == 302 and out.headers["Location"].startswith(provider.issuer + "/session/end")
    assert parse_qs(urlsplit(out.headers["Location"]).query)["post_logout_redirect_uri"] == [PUBLIC + "/login"]
    assert client.get("/staff/").status_code == 302  # signed out here
    assert walk_to(out.headers["Location"], PUBLIC + "/login", http, "", "").startswith(PUBLIC + "/login")
    started = app.test_client().get("/login/provider")  # signed out there: the provider asks for the password
    page = http.get(started.headers["Location"], timeout=10).text
    assert 'name="password"' in page


@pytest.mark.parametrize("flaw", ["audience", "nonce", "expired", "signature"])
def test_an_id_token_with_a_flaw_is_refused(app: Flask, provider: Provider, flaw: str) -> None:
    client = app.test_client()
    status, page = sign_in(client, "alice", tamper=(provider, flaw))
    assert status == 400 and "did not pass netmap&#39;s checks" in page
    assert client.get("/staff/").status_code == 302
    refused = [e for e in _audit(app) if e[1] == "sign-in refused"]
    assert refused and "token refused" in refused[0][2]  # newest first
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.get("alice") is None  # nothing stored


def test_an_answer_for_another_browser_is_refused(app: Flask) -> None:
    """A callback whose state this browser never sent (login CSRF) signs nobody in."""
    started = app.test_client().get("/login/provider")
    back = walk_to(started.headers["Location"], CALLBACK, requests.Session(), "alice", "provider-pw")
    other = app.test_client()
    other.get("/login/provider")  # a flow of its own, with another state
    parts = urlsplit(back)
    assert other.get(f"{parts.path}?{parts.query}").status_code == 400
    assert other.get("/staff/").status_code == 302


def test_group_changes_take_effect_at_the_next_sign_in(app: Flask, provider: Provider) -> None:
    client = app.test_client()
    sign_in(client, "bob")
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert (accounts.users.get("bob").role, accounts.users.groups_of("bob")) == ("network-lead", ["MATHS"])
    provider.set_users({**USERS, "bob": provider_user(["grp-heads-leads", "grp-maths-leads"], MFA, name="bob")})
    sign_in(client, "bob")
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.groups_of("bob") == ["HEADS", "MATHS"]
    provider.set_users({**USERS, "bob": provider_user(["grp-ceo"], MFA, name="bob")})
    assert sign_in(client, "bob")[0] == 302
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert (accounts.users.get("bob").role, accounts.users.groups_of("bob")) == ("ceo", [])
    assert client.get("/staff/").status_code == 403  # a ceo sees nobody by name
    provider.set_users({**USERS, "bob": provider_user([], MFA, name="bob")})
    status, page = sign_in(app.test_client(), "bob")
    assert status == 403 and "None of your groups gives a role" in page


def test_a_role_that_sees_names_needs_a_second_factor(app: Flask) -> None:
    status, page = sign_in(app.test_client(), "dave")  # hr, password only
    assert status == 403 and "needs a second factor" in page
    assert ("dave", "sign-in refused") in [e[:2] for e in _audit(app)]
    assert sign_in(app.test_client(), "carol")[0] == 302  # ceo: aggregates only, a password is enough
    assert sign_in(app.test_client(), "bob")[0] == 302  # a one-time code counts (amr otp)


def test_no_second_factor_is_asked_when_the_trust_leaves_it_to_the_provider(
        app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_OIDC_REQUIRE_MFA", "0")
    relaxed = make_app(tmp_path / "relaxed", None)
    assert sign_in(relaxed.test_client(), "dave")[0] == 302


def test_an_acr_value_can_stand_for_the_second_factor(app: Flask, provider: Provider, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    provider.set_users({**USERS, "dave": provider_user(["grp-hr"], PWD, name="dave", acr="urn:trust:mfa")})
    assert sign_in(app.test_client(), "dave")[0] == 403
    monkeypatch.setenv("NETMAP_OIDC_MFA_ACR", "urn:other, urn:trust:mfa")
    assert sign_in(make_app(tmp_path / "acr", None).test_client(), "dave")[0] == 302


def test_entra_group_overage_reads_the_groups_with_the_access_token(app: Flask) -> None:
    client = app.test_client()
    assert sign_in(client, "olga")[0] == 302
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.get("olga").role == "admin"


def test_an_account_outside_the_hosted_domain_is_refused(app: Flask) -> None:
    status, page = sign_in(app.test_client(), "gina")
    assert status == 403 and "outside trust.example" in page


def test_a_verified_email_can_be_mapped_when_the_provider_sends_no_groups(app: Flask) -> None:
    assert sign_in(app.test_client(), "frank")[0] == 302
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.get("frank").role == "ceo"


def test_a_local_account_of_the_same_name_is_not_taken_over(app: Flask) -> None:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.add("alice", "ceo", PASSWORD)
    status, page = sign_in(app.test_client(), "alice")
    assert status == 409 and "already an account called &#39;alice&#39;" in page
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.get("alice").role == "ceo" and accounts.users.issuer_of("alice") is None


def test_the_users_list_shows_who_signs_in_through_the_provider(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(app.test_client(), "alice")
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    listed = CliRunner().invoke(main, ["users", "list"])
    assert listed.exit_code == 0, listed.output
    issuer = app.config["NETMAP_SETTINGS"].oidc.issuer
    (line,) = [line for line in listed.output.splitlines() if line.startswith("alice\thr\t")]
    assert line.endswith(f"\tsigns in through {issuer}") and "\tno authenticator\t" in line  # the provider's MFA
    refused = CliRunner().invoke(main, ["users", "set-password", "alice", "--password-stdin"],
                                 input="a brand new password\n")
    assert refused.exit_code != 0 and "has no password here" in refused.output


def test_a_session_through_the_provider_still_ends_after_eight_hours(app: Flask) -> None:
    client = app.test_client()
    sign_in(client, "alice")
    with client.session_transaction() as session:
        session["since"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=8, minutes=1)).isoformat()
    assert client.get("/staff/").status_code == 302


def test_a_users_file_of_version_4_gains_external_identities_and_keeps_its_users(tmp_path: Path) -> None:
    path = tmp_path / "users.db"
    with Accounts(path) as accounts:
        accounts.users.add("hr", "hr", PASSWORD)
    with sqlite3.connect(path) as conn:  # as version 4 left it: no external identities
        conn.execute("DROP TABLE external_identities")
        conn.execute("PRAGMA user_version=4")
    conn.close()
    with Accounts(path) as accounts:
        user = accounts.users.sign_in_external("https://idp.example", "sub-1", "alice", "ceo", ())
        assert (user.name, user.role, accounts.users.issuer_of("alice")) == ("alice", "ceo", "https://idp.example")
        assert accounts.users.authenticate("hr", PASSWORD) is not None
        assert accounts._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_refusal_at_the_provider_is_shown_and_signs_nobody_in(app: Flask) -> None:
    client = app.test_client()
    state = parse_qs(urlsplit(client.get("/login/provider").headers["Location"]).query)["state"][0]
    answer = client.get(f"/login/provider/callback?error=access_denied&error_description=The+user+cancelled"
                        f"&state={state}")
    assert answer.status_code == 403
    assert "did not sign you in: you, or the provider, declined" in answer.get_data(as_text=True)
    assert "The user cancelled" not in answer.get_data(as_text=True)  # the caller's words are never shown
    assert client.get("/staff/").status_code == 302
    assert ("unknown", "sign-in refused") in [e[:2] for e in _audit(app)]


def test_anyone_sending_provider_errors_neither_fills_the_audit_log_nor_writes_on_a_page(app: Flask) -> None:
    client = app.test_client()
    for n in range(60):
        answer = client.get("/login/provider/callback", query_string={
            "error": "call-us-on-0800" if n % 2 else "access_denied",
            "error_description": "Your account is suspended: call 0800 000 000 now"})
        assert answer.status_code == 403
        page = answer.get_data(as_text=True)
        assert "0800" not in page and "suspended" not in page
    assert "does not recognise" in page
    refusals = [e for e in _audit(app) if e[1] in ("sign-in refused", "refusals not recorded")]
    assert len(refusals) <= 2 * 20 + 2  # per subject (each of the two codes, from this address) a minute, then one note
    assert ("(not logged in)", "refusals not recorded") in [e[:2] for e in refusals]
    assert all("0800" not in e[2] for e in refusals)


def test_an_unreachable_provider_or_one_of_another_issuer_is_said_so(
        app: Flask, provider: Provider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("NETMAP_OIDC_ISSUER", closed)
    answer = make_app(tmp_path / "closed", None).test_client().get("/login/provider")
    assert answer.status_code == 503 and f"Cannot reach the identity provider at {closed}" in answer.get_data(
        as_text=True)
    renamed = provider.issuer.replace("127.0.0.1", "localhost")  # the same server, under a name it does not use
    monkeypatch.setenv("NETMAP_OIDC_ISSUER", renamed)
    answer = make_app(tmp_path / "renamed", None).test_client().get("/login/provider")
    assert answer.status_code == 503 and f"says its issuer is &#39;{provider.issuer}&#39;" in answer.get_data(
        as_text=True)


def test_an_account_from_the_provider_is_linked_by_email_and_closes_when_its_person_leaves(
        provider: Provider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """alice's verified email is a2's in staff.csv's email column: her account is linked to a2 at sign-in, and
    when a later load says a2 has left, her session ends at the next request and signing in again is refused."""
    _configure(provider, tmp_path, monkeypatch)
    tables = dict(read_trust(PLANTED)[0].tables())
    staff = tables["staff"].copy()
    staff["email"] = ["Alice@Trust.example" if person == "a2" else None for person in staff["staff_id"]]
    app = make_app(tmp_path, Dataset.from_tables({**tables, "staff": staff}))
    client = app.test_client()
    assert sign_in(client, "alice")[0] == 302
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.users.get("alice").staff_id == "a2"
    assert client.get("/staff/").status_code == 200
    staff["left_on"] = [dt.date.today().isoformat() if person == "a2" else None for person in staff["staff_id"]]
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        later = (dt.date.today() + dt.timedelta(days=1)).isoformat()
        analysis_of(store, store.write_snapshot(Dataset.from_tables({**tables, "staff": staff}), later,
                                                source="test").snapshot)
    assert client.get("/staff/").status_code == 302  # the next request: signed out
    status, page = sign_in(app.test_client(), "alice")
    assert status == 403 and "This account is disabled (left on " in page
    assert any(e[:2] == ("alice", "account disabled") for e in _audit(app))
