"""The hand-built partnership (NORTH, SOUTH, WEST: tests/data/partnership) served by the web app to accounts of
its trusts, for the partnership's web tests and their attacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from tests.trusts import PARTNERSHIP
from tests.web_helpers import PASSWORD, csrf_token, login, make_app
from webapp.accounts import Accounts

__all__ = ["consent", "partnership_app", "signed_in"]


def partnership_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, accounts: dict[str, tuple[str, str]]) -> Flask:
    """The web app over the partnership, with make_app's accounts of no trust and `accounts` (name -> role, trust);
    aggregates describe at least 4 people (NORTH's school has 4 staff, SOUTH's 4); north-lead, when there, leads
    MATHS, a group NORTH shares with SOUTH."""
    monkeypatch.setenv("NETMAP_MIN_GROUP_SIZE", "4")
    made = make_app(tmp_path, read_trust(PARTNERSHIP)[0])
    with Accounts(made.config["NETMAP_USERS_DB"]) as kept:
        for name, (role, trust) in accounts.items():
            kept.users.add(name, role, PASSWORD)
            kept.partnership.set_trust(name, trust)
        if "north-lead" in accounts:
            kept.users.set_groups("north-lead", ["MATHS"])
    return made


def signed_in(app: Flask, name: str) -> FlaskClient:
    """A client of `app` logged in as `name` (with a purpose stated)."""
    client = app.test_client()
    assert login(client, name).status_code == 302
    return client


def consent(app: Flask, admin: str, on: bool = True) -> None:
    """`admin` turns the partnership on (or off) for their own trust, through the Partnership page."""
    client = signed_in(app, admin)
    done = client.post("/partnership/consent", data={"consent": "on" if on else "off",
                                                     "csrf_token": csrf_token(client, "/partnership/")})
    assert done.status_code == 302, done.get_data(as_text=True)
