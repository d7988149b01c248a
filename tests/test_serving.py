"""Serving for real: one store per process, a clear page (503) when the store cannot be reached, request ids,
and a login page that explains plain HTTP from another machine instead of failing with a bare 400."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

from netmap.ingest.validate import read_trust
from tests.trusts import PLANTED, planted_dataset
from tests.web_helpers import csrf_token, login, make_app


def test_the_store_is_opened_once_per_thread_not_per_request(app: Flask) -> None:
    from webapp.data import get_store

    with app.test_request_context("/"):
        first = get_store()
    with app.test_request_context("/schools/"):
        assert get_store() is first


def test_an_unreachable_store_gives_a_clear_503_with_a_request_id(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(tmp_path, None, NETMAP_STORE="bolt://127.0.0.1:1")
    client = app.test_client()
    login(client, "admin")
    with caplog.at_level(logging.ERROR, logger="webapp.security"):
        response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Cannot reach Neo4j at bolt://127.0.0.1:1" in html and "Check the server is running" in html
    request_id = response.headers["X-Request-Id"]
    assert len(request_id) == 12 and f"<code>{request_id}</code>" in html
    assert any(request_id in record.getMessage() for record in caplog.records)


def test_every_response_carries_a_request_id(app: Flask) -> None:
    ids = {app.test_client().get("/login").headers["X-Request-Id"] for _ in range(3)}
    assert len(ids) == 3


LAN = {"REMOTE_ADDR": "192.168.1.20"}


def test_plain_http_from_another_machine_is_explained_on_the_login_page(tmp_path: Path) -> None:
    app = make_app(tmp_path, planted_dataset())
    client = app.test_client()
    html = client.get("/login", base_url="http://netmap.trust.lan", environ_base=LAN).get_data(as_text=True)
    assert "You reached netmap over plain HTTP from another machine" in html and "NETMAP_ALLOW_HTTP=1" in html
    assert "plain HTTP" not in client.get("/login").get_data(as_text=True)  # this machine: fine
    assert "plain HTTP" not in client.get("/login", base_url="https://netmap.trust.lan",
                                          environ_base=LAN).get_data(as_text=True)


def test_a_form_without_its_session_says_why_instead_of_a_bare_400(tmp_path: Path) -> None:
    app = make_app(tmp_path, planted_dataset(), WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.delete_cookie("session")  # what a browser does with a Secure cookie over plain HTTP
    response = client.post("/login", data={"name": "admin", "password": "x" * 20, "csrf_token": token},
                           base_url="http://netmap.trust.lan", environ_base=LAN)
    assert response.status_code == 400
    assert "your browser would not keep its login cookie" in response.get_data(as_text=True)


def test_allowing_plain_http_on_a_trusted_network_drops_the_secure_flag(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_ALLOW_HTTP", "1")
    app = make_app(tmp_path, planted_dataset())
    assert app.config["SESSION_COOKIE_SECURE"] is False
    client = app.test_client()
    assert "plain HTTP" not in client.get("/login", base_url="http://netmap.trust.lan",
                                          environ_base=LAN).get_data(as_text=True)
    monkeypatch.delenv("NETMAP_ALLOW_HTTP")
    assert make_app(tmp_path / "secure", None).config["SESSION_COOKIE_SECURE"] is True


def test_a_request_never_analyses_a_snapshot_is_analysed_in_the_background(tmp_path: Path) -> None:
    import time

    from netmap.analysis.options import AnalysisOptions
    from netmap.analysis.stored import options_key
    from netmap.store import SQLiteStore

    app = make_app(tmp_path, None)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:  # loaded by the library alone: nothing analysed yet
        info = store.write_snapshot(read_trust(PLANTED)[0], "2026-07-01", source="test").snapshot
    client = app.test_client()
    login(client, "admin")
    first = client.get("/")
    html = first.get_data(as_text=True)
    assert first.status_code == 503 and first.headers["Retry-After"] == "5"
    assert "This snapshot is being analysed" in html and "Snapshot as of <strong>2026-07-01</strong>" in html
    assert '<meta http-equiv="refresh" content="5">' in html
    deadline = time.monotonic() + 60
    while (response := client.get("/")).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert response.status_code == 200 and "Dashboard" in response.get_data(as_text=True)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert store.read_analysis(info, options_key(AnalysisOptions())) is not None  # kept for the next start
