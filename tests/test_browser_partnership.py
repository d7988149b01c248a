"""A partnership of trusts in Chromium, as its users meet it: a trust's admin turns consent on (the Partnership page
before and after), then an account of the partnership sees the consenting trusts as one network (its dashboard and
school map) while a trust's hr sees their own trust only; screenshots of each, and axe-core's accessibility check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from netmap.ingest.validate import read_trust
from tests.browser import SHOTS, _accessibility_problems, _log_in, waitress_server
from tests.trusts import PARTNERSHIP
from tests.web_helpers import PASSWORD, make_app
from webapp.accounts import Accounts
from webapp.accounts.partnership import PARTNERSHIP as OF_PARTNERSHIP

pytestmark = pytest.mark.slow  # a real browser: seconds a test

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass

PAGES = ("/schools/", "/schools/NA", "/groups/", "/staff/", "/wiring/", "/expertise/", "/partnership/")
ACCOUNTS = {"north-admin": ("admin", "NORTH"), "south-admin": ("admin", "SOUTH"), "north-hr": ("hr", "NORTH"),
            "partner-ceo": ("ceo", OF_PARTNERSHIP)}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hand-built partnership (NORTH, SOUTH, WEST) served, with an admin of two trusts, NORTH's hr and a ceo
    of the partnership."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_MIN_GROUP_SIZE", "4")
        app = make_app(tmp_path_factory.mktemp("partnership-web"), read_trust(PARTNERSHIP)[0])
        with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
            for name, (role, trust) in ACCOUNTS.items():
                accounts.users.add(name, role, PASSWORD)
                accounts.partnership.set_trust(name, trust)
        with waitress_server(app) as address:
            yield address


def _page(browser: Browser, server: str, name: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
    _log_in(page, server, name, purpose=False)
    return page


def _switch_on(browser: Browser, server: str, admin: str, trust_name: str) -> list[str]:
    page = _page(browser, server, admin)
    page.goto(f"{server}/partnership/")
    page.click(f"text=Turn the partnership on for {trust_name}")
    page.wait_for_url(f"{server}/partnership/")
    problems = _accessibility_problems(page)
    page.context.close()
    return problems


def _dead_links(page: Page) -> list[str]:
    """The page's own links (header and main) that do not end, redirects followed (to state a purpose, say), in a
    page the signed-in user may see."""
    links = page.eval_on_selector_all("header a[href^='/'], main a[href^='/']",
                                      "els => els.map(e => e.getAttribute('href'))")
    site = "/".join(page.url.split("/", 3)[:3])
    return [f"{link} {status}" for link in sorted(set(links))
            if (status := page.request.get(site + link).status) != 200]


def test_consent_then_the_partnership_sees_one_network_and_a_trust_its_own(browser: Browser, served: str) -> None:
    north = _page(browser, served, "north-admin")
    north.goto(f"{served}/partnership/")
    assert "does not consent" in north.inner_text("main")
    north.screenshot(path=str(SHOTS / "partnership-before-consent.png"), full_page=True)
    before_problems = _accessibility_problems(north)
    north.context.close()
    ceo = _page(browser, served, "partner-ceo")
    ceo.goto(f"{served}/")
    refused = ceo.inner_text("main")
    ceo.context.close()
    switch_problems = _switch_on(browser, served, "north-admin", "Northern Schools Trust") + _switch_on(
        browser, served, "south-admin", "Southern Learning Trust")
    ceo = _page(browser, served, "partner-ceo")
    ceo.goto(f"{served}/partnership/")
    assert "2 trusts consent" in ceo.inner_text("main")
    ceo.screenshot(path=str(SHOTS / "partnership-after-consent.png"), full_page=True)
    ceo.goto(f"{served}/")
    ceo.screenshot(path=str(SHOTS / "partnership-ceo-dashboard.png"), full_page=True)
    dashboard_problems = _accessibility_problems(ceo)
    dead_links = _dead_links(ceo)
    for path in PAGES:
        ceo.goto(f"{served}{path}")
        dead_links += _dead_links(ceo)
    ceo.goto(f"{served}/map/")
    ceo.locator(".map[data-drawn=true]").wait_for(timeout=30_000)
    ceo.screenshot(path=str(SHOTS / "partnership-ceo-school-map.png"), full_page=True)
    ceo.context.close()
    hr = _page(browser, served, "north-hr")
    hr.goto(f"{served}/schools/")
    own_schools = hr.inner_text("main")
    hr.screenshot(path=str(SHOTS / "partnership-north-hr-schools.png"), full_page=True)
    for path in PAGES:
        hr.goto(f"{served}{path}")
        dead_links += _dead_links(hr)
    hr.context.close()
    assert "fewer than two trusts" in refused.lower() or "consent" in refused.lower()
    assert "South" not in own_schools and "West" not in own_schools and "North" in own_schools
    assert dead_links == []  # every link the partnership's ceo is offered opens for them
    assert (before_problems, switch_problems, dashboard_problems) == ([], [], [])
