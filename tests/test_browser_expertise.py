"""The Expertise page in Chromium, as a network lead's colleague in HR uses it: a Year 5 maths problem asked from
a primary school (primary evidence first, the phase said), a typing slip read as the topic, and a topic nobody
has (what was searched, and the nearest topics with evidence as links that search them). Screenshots of each;
axe finds no serious problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import _accessibility_problems, _log_in, _shot, serve_small_trust

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def expertise_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    yield from serve_small_trust(tmp_path_factory, "expertise")


def test_expertise_found_as_people_ask(browser, expertise_server) -> None:  # noqa: ANN001
    server, _ = expertise_server
    page = browser.new_context(viewport={"width": 1300, "height": 1000}, bypass_csp=True).new_page()
    _log_in(page, server, "hr")
    page.goto(f"{server}/expertise/")
    page.fill("input[name=topic]", "Year 5 fractions")
    page.select_option("select[name=school]", "SCH02")
    page.click("form.filters button[type=submit]")
    searched = page.locator("p.searched").inner_text()
    assert searched.startswith("Searched for maths (also: ") and searched.endswith("; primary evidence preferred.")
    rows = page.locator("table.data tbody tr")
    assert rows.count() >= 5 and "maths" in rows.first.inner_text().lower()
    _shot(page, "expertise-year5-fractions")
    assert _accessibility_problems(page) == []
    page.goto(f"{server}/expertise/?topic=mathmatics&school=SCH02")
    assert "'mathmatics' read as maths" in page.locator("p.searched").inner_text()
    assert page.locator("table.data tbody tr td:nth-child(6)").first.inner_text() == "works at the school"
    page.goto(f"{server}/expertise/?topic=astronomy")
    nobody = page.locator("div.nobody").inner_text()
    assert 'Nobody in post shows evidence of "astronomy" (searched for astronomy).' in nobody
    assert "Topics with evidence nearest to it:" in nobody
    _shot(page, "expertise-nobody")
    assert _accessibility_problems(page) == []
    page.locator("div.nobody a").first.click()
    assert page.locator("table.data tbody tr").count() >= 1  # a suggestion finds people
