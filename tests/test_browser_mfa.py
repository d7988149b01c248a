"""Setting up an authenticator in a real browser: the password, the enrolment page with its QR code drawn by the
server (nothing fetched from elsewhere), the first code, the recovery codes shown once, and the code at the next
login. Screenshots: mfa-enrol, mfa-recovery-codes, mfa-code."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from netmap.ingest.validate import read_trust
from tests.browser import _accessibility_problems, _serve, _shot
from tests.conftest import TINY
from tests.web_helpers import PASSWORD, make_app

pytestmark = pytest.mark.slow

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass


@pytest.fixture(scope="module")
def mfa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The tiny trust with NETMAP_REQUIRE_MFA on; the ceo's account made 120 days ago and never used since."""
    app = make_app(tmp_path_factory.mktemp("mfa-web"), read_trust(TINY)[0], NETMAP_REQUIRE_MFA=True)
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=120)).isoformat()
    with sqlite3.connect(app.config["NETMAP_USERS_DB"]) as conn:
        conn.execute("UPDATE users SET created_at = ? WHERE name = 'ceo'", (long_ago,))
    yield from _serve(app)


def _password(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_enrolling_an_authenticator(browser: Browser, mfa_server: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 900}, bypass_csp=True)  # for axe-core
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((mfa_server, "data:")) else None)
    _password(page, mfa_server, "hr")
    page.wait_for_url(f"{mfa_server}/login/enrol**")
    qr = page.locator("figure.qr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150  # type: ignore[index]
    _shot(page, "mfa-enrol")
    assert _accessibility_problems(page) == []
    secret = page.locator("code.secret").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator("ul.recovery-codes li").count() == 10
    _shot(page, "mfa-recovery-codes")
    assert _accessibility_problems(page) == []
    page.click("text=I have kept them: continue")
    page.wait_for_url(f"{mfa_server}/")
    page.click("form.logout button")
    page.wait_for_url(f"{mfa_server}/login")
    _password(page, mfa_server, "hr")
    page.wait_for_url(f"{mfa_server}/login/code**")
    _shot(page, "mfa-code")
    page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{mfa_server}/")
    assert outside == []
    context.close()


def test_the_admin_users_page_lists_unused_accounts(browser: Browser, mfa_server: str) -> None:
    context = browser.new_context(viewport={"width": 1300, "height": 900}, bypass_csp=True)  # for axe-core
    page = context.new_page()
    _password(page, mfa_server, "admin")
    page.wait_for_url(f"{mfa_server}/login/enrol**")
    page.fill("input[name=code]", pyotp.TOTP(page.locator("code.secret").inner_text()).now())
    page.click("main button[type=submit]")
    page.click("text=I have kept them: continue")
    page.wait_for_url(f"{mfa_server}/")
    page.click("nav >> text=Users")
    page.get_by_role("heading", name="Not used for 90 days").wait_for()
    review = page.locator("table.data").first
    assert review.locator("tbody tr").count() == 1 and "ceo" in review.inner_text()
    assert page.locator("table.data").last.locator("tbody tr").count() == 4
    _shot(page, "admin-users")
    assert _accessibility_problems(page) == []
    context.close()
