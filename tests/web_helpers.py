"""Helpers for the web tests: an app over a loaded store, users of each role, logging in with CSRF, enrolling an
authenticator (codes computed with pyotp, as the app would)."""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import jinja2
import pyotp
from flask import Flask
from flask.testing import FlaskClient

from netmap import clock
from netmap.analysis.options import AnalysisOptions
from netmap.dataset import Dataset
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.trusts import planted_dataset
from webapp import create_app
from webapp.accounts import Accounts

PASSWORD = "correct horse battery"
ROLES = ("admin", "hr", "ceo", "network-lead")


def make_app(tmp_path: Path, dataset: Dataset | None, *, stability: bool = False, **config: object) -> Flask:
    """The app over `dataset`, loaded, with a user of each role. NETMAP_REQUIRE_MFA is off, as a trust may set
    it, so that a test logs in with a password alone as often as it likes (an authenticator code is accepted once
    per 30 seconds); tests/test_mfa.py and tests/test_access.py's second-factor tests turn it on. The named lists'
    stability is computed only with `stability` (its draws are most of an analysis's time)."""
    db, users = tmp_path / "store.db", tmp_path / "users.db"
    SQLiteStore(db).close()  # created as netmap creates a store
    if dataset is not None:  # loaded and analysed, as `netmap load` does (the web app only reads analyses)
        _copy_store(analysed_store(dataset, stability), db)
    with Accounts(users) as accounts:
        for role in ROLES:
            accounts.users.add(role, role, PASSWORD)
    app = create_app({"TESTING": True, "NETMAP_DB": db, "NETMAP_USERS_DB": users, "SECRET_KEY": "test-secret",
                      "NETMAP_REQUIRE_MFA": False, **config})
    app.jinja_env.bytecode_cache = _TEMPLATES
    return app


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in memory for every app of the session: a served app compiles each template
    once, but the tests build hundreds of apps, and compiling cost about 40% of a test's app, log-in and first
    pages. Jinja checks each entry against its template's source, so an edited template is compiled again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _CompiledTemplates()


NO_STABILITY = AnalysisOptions(stability_draws=0)  # for a test that does not test the named lists' stability

_ANALYSED: dict[tuple[str, dt.date, bool], Path] = {}  # (dataset's digest, today, stability) -> its analysed store
_ANALYSED_FOLDER = Path(tempfile.mkdtemp(prefix="netmap-tests-stores-"))
atexit.register(shutil.rmtree, _ANALYSED_FOLDER, ignore_errors=True)


def analysed_store(dataset: Dataset, stability: bool = False) -> Path:
    """A store holding `dataset` as snapshot 2026-07-01, analysed (with the named lists' stability only when
    `stability`; otherwise stability_draws=0): built once a session for each dataset (and clock's day), so that
    the web tests' apps cost a file copy, not a load and an analysis. Never write to it: copy it (make_app does)."""
    key = (_digest(dataset), clock.today(), stability)
    if key not in _ANALYSED:
        path = _ANALYSED_FOLDER / f"{len(_ANALYSED)}.db"
        with SQLiteStore(path) as store:
            analysis_of(store, store.write_snapshot(dataset, "2026-07-01", source="test").snapshot,
                        None if stability else NO_STABILITY)
        _ANALYSED[key] = path
    return _ANALYSED[key]


def _digest(dataset: Dataset) -> str:
    """`dataset`'s content hash; planted_dataset()'s (shared read only for the session, most apps' data) computed
    once, as it cost about a quarter of each app's CPU."""
    return _planted_digest() if dataset is planted_dataset() else dataset.content_hash()


@functools.cache
def _planted_digest() -> str:
    return planted_dataset().content_hash()


def _copy_store(source: Path, target: Path) -> None:
    """Copy the store at `source` over the store at `target` (SQLite's backup, so its write-ahead log comes too)."""
    with contextlib.closing(sqlite3.connect(source)) as original, contextlib.closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


DEFAULT_PURPOSE = "Checking the data's quality"


def login(client: FlaskClient, name: str, password: str = PASSWORD, purpose: str | None = DEFAULT_PURPOSE):
    """Log in (returns the login response); then, unless `purpose` is None, state a purpose for person-level
    data as a user does the first time they open a person's page."""
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_token(client)})
    if purpose is not None and response.status_code == 302:
        stated = client.post("/purpose/", data={"purpose": purpose, "detail": "",
                                                "csrf_token": csrf_token(client, "/purpose/")})
        assert stated.status_code == 302, stated.get_data(as_text=True)
    return response


def enrol(client: FlaskClient, name: str) -> tuple[str, list[str]]:
    """Log in as `name` for the first time and enrol through the pages; the secret and the recovery codes."""
    response = login(client, name, purpose=None)
    assert response.status_code == 302 and response.location.startswith("/login/enrol"), response.location
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page and 'class="qr"' in page  # the QR code, drawn on the server, inline
    found = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert found, page
    secret = found.group(1)
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now(),
                                              "csrf_token": csrf_token(client, "/login/enrol")})
    assert done.status_code == 200, done.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    return secret, codes


def left_behind(pending: Path) -> list[str]:
    """What a finished import left in the pending-imports folder besides its outcome (the answer a second click
    gets: a message and an address, never the files): should be nothing."""
    return sorted(p.name for p in pending.iterdir() if not p.name.endswith(".done.json"))
