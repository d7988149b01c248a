"""The maps of a school's, a group's and a person's pages, as a CEO, a network lead and HR see them on a desktop and
a 390 px phone: the page's own school, group or person picked out and named in the key, the key's shapes and lines,
and no dead end. Screenshots in test-artifacts/screenshots/focus-*.png."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest

from netmap.ingest.validate import read_trust
from tests.browser import _log_in, _serve, _shot
from tests.conftest import REPO
from tests.web_helpers import make_app
from webapp.accounts import Accounts

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("tests/test_browser_focus.py")]
SAMPLE = REPO / "data" / "samples" / "trust"

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass


def _rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _school_without_maths() -> str:
    """A primary school none of whose staff is in the secondary maths community (the lead's group)."""
    maths = {r["staff_id"] for r in _rows("memberships.csv") if r["group_id"] == "MATHS"}
    with_maths = {r["school_id"] for r in _rows("staff.csv") if r["staff_id"] in maths}
    return min(r["school_id"] for r in _rows("schools.csv") if r["phase"] == "primary"
               and r["school_id"] not in with_maths)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = make_app(tmp_path_factory.mktemp("web"), read_trust(SAMPLE)[0])
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    yield from _serve(app)


def _open(browser: Browser, server: str, role: str, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    _log_in(page, server, role, purpose=role != "ceo")
    return page


def _key(page: Page) -> list[str]:
    page.locator(".map[data-drawn=true]").first.wait_for(timeout=60_000)
    return [t.strip() for t in page.locator(".legend .legend-item").all_inner_texts()]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_ceos_school_page_picks_out_the_school_on_the_trust_map(browser: Browser, server: str,
                                                                 width: int) -> None:
    page = _open(browser, server, "ceo", width)
    page.goto(f"{server}/schools/SCH03")
    name = page.locator("h1").inner_text()
    assert _key(page)[0].startswith(f"{name}: this page's school")
    page.locator(".map-wrap").scroll_into_view_if_needed()
    _shot(page, f"focus-ceo-school-{width}")
    page.close()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_lead_on_a_school_without_their_people_sees_the_schools_around_it(browser: Browser, server: str,
                                                                            width: int) -> None:
    school = _school_without_maths()
    page = _open(browser, server, "network-lead", width)
    page.goto(f"{server}/schools/{school}")
    assert page.get_by_text("None of the people in the networks you lead work here").is_visible()
    assert "this page's school" in _key(page)[0]
    assert "Nobody matches" not in page.content()
    _shot(page, f"focus-lead-school-{width}")
    page.close()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_hrs_school_group_and_person_maps_name_their_focus_with_shapes_and_lines(browser: Browser, server: str,
                                                                              width: int) -> None:
    page = _open(browser, server, "hr", width)
    page.goto(f"{server}/schools/SCH03")
    key = _key(page)
    assert "staff (full colour); their contacts at other schools lighter" in key[0] and "headteacher" in key
    assert "collaboration between schools" in key
    _shot(page, f"focus-hr-school-{width}")
    page.goto(f"{server}/groups/MATHS")
    key = _key(page)
    assert any(k.startswith("Secondary maths community: the group this map is about") for k in key)
    assert "member of a group (hard wiring)" in key and "teacher" in key
    _shot(page, f"focus-hr-group-{width}")
    page.goto(f"{server}/staff/ST0010")
    assert "the person this map is about" in _key(page)[0]
    _shot(page, f"focus-hr-person-{width}")
    page.close()

