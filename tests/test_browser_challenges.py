"""A challenge in Chromium, as a trust runs one: a network lead's colleague in HR posts it, reads the experts
and connectors netmap suggests, invites the best expert, who offers help through their link on a phone; HR
records the collaboration that followed (the colleague chosen by type-ahead) and an admin writes it into a new
snapshot, whose soft wiring then holds the tie. Screenshots of each step; axe finds no serious problem."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from netmap.store import SQLiteStore
from tests.browser import _accessibility_problems, _log_in, _shot, serve_small_trust

pytestmark = pytest.mark.slow

CLOSES = (dt.date.today() + dt.timedelta(days=21)).isoformat()


@pytest.fixture(scope="module")
def challenge_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A small trust of its own: writing the recorded ties adds a snapshot the other browser tests must not see."""
    yield from serve_small_trust(tmp_path_factory, "challenge")


def test_a_challenge_posted_answered_through_a_link_and_recorded(browser, challenge_server) -> None:  # noqa: ANN001, F811
    server, db = challenge_server
    hr = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    _log_in(hr, server, "hr")
    hr.goto(f"{server}/challenges/")
    hr.fill("input[name=title]", "Maths catch-up in Year 6")
    hr.fill("input[name=topic]", "Mathematics")
    hr.check("input[name=schools][value=SCH02]")
    hr.fill("input[name=closes_on]", CLOSES)
    hr.fill("textarea[name=description]", "Our Year 6 fell behind in fractions. Who has a programme that worked?")
    _shot(hr, "challenges-post")
    hr.click("form.challenge-form button[type=submit]")
    hr.wait_for_url(re.compile(r"/challenges/1$"))
    assert "Posted 'Maths catch-up in Year 6'" in hr.locator("p.flash").inner_text()
    experts = hr.locator("table.experts tbody tr")
    assert experts.count() >= 3
    first = experts.first.locator("td").first.inner_text()
    assert "maths" in experts.first.inner_text().lower()  # its evidence says why
    assert hr.locator("table.connectors tbody tr").count() >= 1
    seeds = hr.locator("table.seeds tbody tr")
    assert seeds.count() == 3 and "Seed it with these people" in hr.content()
    _shot(hr, "challenge-suggestions")
    experts.first.locator("button:has-text(\"Invite\")").click()
    flash = hr.locator("p.flash.link")
    flash.wait_for()
    link = re.search(r"http://\S+/challenge/[A-Za-z0-9_\-]+", flash.inner_text()).group(0)
    assert f"Invitation for {first}" in flash.inner_text()
    # the expert answers on a phone, without an account
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    token = link.rsplit("/", 1)[1]
    phone.goto(f"{server}/challenge/{token}")
    assert "Maths catch-up in Year 6" in phone.content() and f"{first}, you are invited" in phone.content()
    phone.fill("textarea[name=message]", "We ran a fractions programme last spring: happy to share and visit.")
    phone.click("button[value=offer]")
    phone.locator("p.flash").wait_for()
    assert "your offer has reached" in phone.locator("p.flash").inner_text()
    _shot(phone, "challenge-offer-phone")
    # HR sees the offer and records the collaboration with a colleague at the school, chosen by type-ahead
    hr.goto(f"{server}/challenges/1")
    assert "offered to help" in hr.locator("table.answers").inner_text()
    colleague = _someone_at(db, "SCH02")
    field = hr.locator("form.record-tie input[name=with]")
    field.click()
    hr.keyboard.type(colleague.split()[0][:4], delay=40)
    hr.locator("#people-suggestions option").first.wait_for(state="attached", timeout=5000)
    field.fill(colleague)
    hr.click("form.record-tie button[type=submit]")
    hr.locator("p.flash").wait_for()
    assert f"Recorded: {first} and {colleague}" in hr.locator("p.flash").inner_text()
    _shot(hr, "challenge-recorded")
    # an admin writes the recorded collaborations into a new snapshot
    admin = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    _log_in(admin, server, "admin")
    admin.goto(f"{server}/challenges/")
    _shot(admin, "challenges-admin")
    admin.click("button:has-text(\"Write them into a new snapshot\")")
    admin.locator("p.flash").first.wait_for(timeout=30_000)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    with SQLiteStore(db) as store:
        ties = store.read_dataset(today).collaborations
        staff = store.read_dataset(today).staff
    names = dict(zip(staff["name"], staff["staff_id"], strict=False))
    added = ties[ties["challenge"].notna()] if "challenge" in ties.columns else ties.iloc[0:0]
    assert list(zip(added["source_staff_id"], added["target_staff_id"], added["kind"], strict=True)) == [
        (names[first], names[colleague], "joint-project")]
    # axe (which injects its script, so the app's Content-Security-Policy is bypassed for it alone)
    checked = browser.new_context(viewport={"width": 1300, "height": 1000}, bypass_csp=True).new_page()
    _log_in(checked, server, "hr")
    for url in (f"{server}/challenges/1?snapshot=2026-07-01", f"{server}/challenges/",
                f"{server}/challenge/{token}"):
        checked.goto(url)
        assert _accessibility_problems(checked) == [], url


def _someone_at(db: Path, school: str) -> str:
    """A name at `school` that nobody else in the trust has (a name chosen from suggestions is then one person)."""
    with SQLiteStore(db) as store:
        staff = store.read_dataset().staff
    unique = staff[~staff["name"].duplicated(keep=False) & staff["left_on"].isna()]
    return str(unique.loc[unique["school_id"] == school, "name"].iloc[0])
