"""The staff export pages in Chromium: an iTrent export of a generated trust's staff mapped on the page, then
imported through the confirm page; screenshots of both, and axe-core's accessibility check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from netmap.store import SQLiteStore
from tests.browser import SHOTS, _accessibility_problems, _log_in, serve_small_trust
from tests.mis_exports import write_export

pytestmark = pytest.mark.slow  # a real browser: seconds a test

try:
    from playwright.sync_api import Browser
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """The small trust served, its store, and its folder (for the export made from its staff)."""
    folders: list[Path] = []
    for address, store in serve_small_trust(tmp_path_factory, "mapping", folders.append):
        yield address, store, folders[0]


def test_map_an_export_then_import_it_through_the_confirm_page(browser: Browser, served: tuple[str, Path, Path],
                                                               tmp_path: Path) -> None:
    server, store_path, trust = served
    staff = pd.read_csv(trust / "staff.csv", dtype=str, keep_default_na=False).replace("", None)
    schools = pd.read_csv(trust / "schools.csv", dtype=str)
    in_post = staff[staff["left_on"].isna()]
    leavers = list(in_post["staff_id"][:3])
    autumn = staff[~staff["staff_id"].isin(leavers)].copy()
    mover = autumn.index[autumn["left_on"].isna() & (autumn["school_id"] != schools["school_id"][1])][0]
    autumn.loc[mover, "school_id"] = schools["school_id"][1]
    export = write_export("itrent", autumn, schools, tmp_path / "itrent-autumn.csv")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    _log_in(page, server, "admin", purpose=False)
    page.goto(f"{server}/mapping/")
    page.set_input_files("input[name=export]", str(export))
    page.select_option("select[name=start]", "itrent")
    page.click("main button[type=submit]")
    assert "never read: NI Number, Date of Birth, Gender, Ethnic Origin." in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "mapping-editor.png"), full_page=True)
    editor_problems = _accessibility_problems(page)
    page.fill("input[name=name]", "our-itrent")
    page.click("main form.mapping button[type=submit]")
    page.wait_for_url(f"{server}/mapping/import")
    page.set_input_files("input[name=export]", str(export))
    page.select_option("select[name=mapping]", "our-itrent")
    page.fill("input[name=as_of]", "2026-09-30")
    page.click("main button[type=submit]")
    summary = page.inner_text("ul.summary")
    assert "Left: 3 (" in summary and "Moved school: 1 (" in summary and "Joined: 0" in summary
    page.screenshot(path=str(SHOTS / "mapping-confirm.png"), full_page=True)
    confirm_problems = _accessibility_problems(page)
    with SQLiteStore(store_path) as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-07-01"]
    page.dblclick("button[value=confirm]")  # a careless double click: stored once, no error page
    page.wait_for_url(f"{server}/?snapshot=2026-09-30")
    with SQLiteStore(store_path) as store:
        left = store.read_table("2026-09-30", "staff").set_index("staff_id").loc[leavers, "left_on"]
    assert list(left) == ["2026-09-30"] * 3
    context.close()
    assert (editor_problems, confirm_problems) == ([], [])
