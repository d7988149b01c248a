"""Behind a reverse proxy (webapp/proxy.py): the client's own address reaches throttling and the audit log when
the request comes from NETMAP_TRUSTED_PROXY, a forged X-Forwarded-For from anyone else is ignored, and over
HTTPS the CSRF check and the Referrer-Policy agree. tests/test_browser_proxy.py does the same through a real
nginx and Chromium."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.trusts import planted_dataset
from tests.web_helpers import PASSWORD, csrf_token, make_app
from webapp import policy
from webapp.accounts import Accounts

PROXY = "10.0.0.5"


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusted: str | None, **config: object) -> Flask:
    if trusted is not None:
        monkeypatch.setenv("NETMAP_TRUSTED_PROXY", trusted)
    return make_app(tmp_path, planted_dataset(), **config)


def _failed_login(client: FlaskClient, peer: str, forwarded: str) -> int:
    return client.post("/login", data={"name": "ceo", "password": "not the password",
                                       "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": peer}, headers={"X-Forwarded-For": forwarded}).status_code


def _audited_addresses(app: Flask) -> list[str]:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        return [entry[3] for entry in accounts.audit.entries() if entry[2] == "failed login"]


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "seen"), [
    ("10.0.0.5", PROXY, "203.0.113.7", "203.0.113.7"),                  # from the proxy: the client it names
    ("10.0.0.0/24", PROXY, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client's own header is not believed
    ("10.0.0.5", "::ffff:10.0.0.5", "203.0.113.7", "203.0.113.7"),     # the proxy, on a dual-stack socket
    ("10.0.0.5", "192.168.1.20", "203.0.113.7", "192.168.1.20"),        # straight to netmap: forged, ignored
    ("10.0.0.5", "not-an-address", "203.0.113.7", "not-an-address"),    # a unix socket's peer: no proxy
    (None, PROXY, "203.0.113.7", PROXY),                                # no proxy configured: ignored
])
def test_the_audit_log_records_the_address_the_trusted_proxy_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trusted: str | None, peer: str, forwarded: str,
        seen: str) -> None:
    app = _app(tmp_path, monkeypatch, trusted)
    assert _failed_login(app.test_client(), peer, forwarded) == 401
    assert _audited_addresses(app) == [f"from {seen}"]


def test_two_proxy_hops_name_the_client_before_the_outer_proxy(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_PROXY_HOPS", "2")
    app = _app(tmp_path, monkeypatch, PROXY)
    assert _failed_login(app.test_client(), PROXY, "198.51.100.1, 203.0.113.7, 10.9.9.9") == 401
    assert _audited_addresses(app) == ["from 203.0.113.7"]


def test_forged_headers_never_reach_the_app_from_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path, monkeypatch, PROXY)
    monkeypatch.setitem(policy.ROUTES, "probe", policy.Route((policy.PUBLIC,), "what the app sees of a request"))
    seen: dict[str, object] = {}

    @app.get("/probe")
    def probe() -> str:
        from flask import request

        seen.update(route=request.access_route, scheme=request.scheme, host=request.host,
                    forwarded=request.headers.get("Forwarded"))
        return "ok"

    app.test_client().get("/probe", environ_base={"REMOTE_ADDR": "192.168.1.20"}, headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example",
        "Forwarded": "for=203.0.113.7"})
    assert seen == {"route": ["192.168.1.20"], "scheme": "http", "host": "localhost", "forwarded": None}
    app.test_client().get("/probe", environ_base={"REMOTE_ADDR": PROXY}, headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "Host": "netmap.trust.example"})
    assert seen["scheme"] == "https" and seen["host"] == "netmap.trust.example"
    # docs/deployment.md's nginx passes the browser's Host on, and a client's own X-Forwarded-Host unchanged:
    # it must not change the host netmap sees (a loopback one would pass for a request to the server itself)
    for forged in ("127.0.0.1", "localhost:5000", "evil.example"):
        app.test_client().get("/probe", environ_base={"REMOTE_ADDR": PROXY}, headers={
            "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http", "Host": "netmap.trust.example",
            "X-Forwarded-Host": forged})
        assert seen["host"] == "netmap.trust.example", forged


def test_one_client_failing_behind_the_proxy_does_not_lock_out_another(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(tmp_path, monkeypatch, PROXY)
    client = app.test_client()

    def attempt(password: str, address: str) -> int:
        return client.post("/login", data={"name": "admin", "password": password, "csrf_token": csrf_token(client)},
                           environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": address}).status_code

    for _ in range(25):  # past both limits: five for the name there, twenty for the address
        assert attempt("not the password", "203.0.113.7") in (401, 429)
    assert attempt(PASSWORD, "203.0.113.7") == 429
    assert attempt(PASSWORD, "198.51.100.4") == 302


def test_over_https_the_referrer_policy_lets_the_csrf_check_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    """Flask-WTF refuses a form posted over HTTPS without a Referer from this origin; the app's own
    Referrer-Policy must therefore let the browser send one here (same-origin), and only here."""
    app = _app(tmp_path, monkeypatch, PROXY, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    base, address = "http://netmap.trust.example", {"REMOTE_ADDR": PROXY}
    proxied = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    page = client.get("/login", base_url=base, environ_base=address, headers=proxied)
    assert page.headers["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert token
    form = {"name": "admin", "password": PASSWORD, "csrf_token": token.group(1)}
    with caplog.at_level(logging.INFO, logger="webapp.security"):
        refused = client.post("/login", data=form, base_url=base, environ_base=address, headers=proxied)
    assert refused.status_code == 400 and "The referrer header is missing" in caplog.text  # no-referrer's doing
    elsewhere = {**proxied, "Referer": "https://other.example/login"}
    assert client.post("/login", data=form, base_url=base, environ_base=address, headers=elsewhere).status_code == 400
    ours = {**proxied, "Referer": "https://netmap.trust.example/login"}
    assert client.post("/login", data=form, base_url=base, environ_base=address, headers=ours).status_code == 302
