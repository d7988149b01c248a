"""A trust's first map from the files it already has, through the pages alone, in real Chromium: from an empty data
folder, the DfE's GIAS download (zipped, as it downloads), an iTrent staff export and two group lists (a distribution
list and a Teams export) reach the dashboard and the geographic school map with no cell retyped and no command.
Clicks and typed fields are counted, the walk's wall time and both go to test-artifacts/walk.json (recorded in
benchmarks/results/, never asserted); a screenshot of each step goes to test-artifacts/screenshots/walk-*.png."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import pandas as pd
import pytest

from netmap.imports.gias import read_gias
from tests.browser import ARTIFACTS, SHOTS, _accessibility_problems, _serve
from tests.gias_fixture import OAK, gias_rows, write_gias
from tests.mis_exports import write_export
from tests.web_helpers import PASSWORD, make_app

pytestmark = pytest.mark.slow  # a real browser: seconds a test

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass

FORENAMES = ("Aoife", "Ben", "Chloé", "Dev", "Ellen", "Femi", "Grace", "Hamza", "Isla", "Jonah", "Kemi", "Liam")
SURNAMES = ("Okafor", "Hughes", "Patel", "Nowak", "Byrne", "Clarke", "Evans", "Murphy", "Shah", "Walsh", "Young",
            "Zhou", "Ahmed", "Bell", "Cole", "Doyle", "Fox", "Gray")
ROLES = ("headteacher", "senior-leader", "senior-leader", "middle-leader", "middle-leader", "middle-leader",
         "teacher", "teacher", "teacher", "teacher", "support", "support")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """What a trust has: GIAS's download (80 schools of five trusts and none, Oakfield's 17 open ones with unique
    names), an iTrent export of 12 staff a school (schools by name, NI numbers and the rest included), and two group
    lists: a distribution list with one mistyped address, and a Teams membership export."""
    folder = tmp_path_factory.mktemp("walk-files")
    gias = write_gias(folder, gias_rows(schools=80), zipped=True)
    schools = read_gias(gias, OAK).schools[["school_id", "name"]]
    staff = pd.DataFrame([{"staff_id": f"P{1000 + k}", "name": f"{FORENAMES[k % 12]} {SURNAMES[k // 12]}",
                           "school_id": school, "role": ROLES[k % 12], "subjects": None, "started_on": "2019-09-01",
                           "left_on": None} for k, school in enumerate(s for s in schools["school_id"] for _ in ROLES)])
    export = write_export("itrent", staff, schools, folder / "iTrent people and assignments.csv")
    emails = [f"{n.split(' ')[0]}.{n.split(' ')[1]}@trust.example".lower() for n in staff["name"]]
    maths = folder / "Maths community.txt"
    maths.write_text("\n".join([*emails[3:120:12], "isla.shaw@trust.example", ""]), encoding="utf-8")
    english = folder / "English community.csv"
    english.write_text("Display name,Email address,Role\n" + "".join(
        f"{n},{e},{'Owner' if i == 0 else 'Member'}\n" for i, (n, e) in enumerate(
            zip(staff["name"][4::24], emails[4::24], strict=True))), encoding="utf-8")
    return {"gias": gias, "export": export, "maths": maths, "english": english}


class Walk:
    """The browser tab with what the person did counted: clicks (a file chosen counts two: the button and the
    file), fields typed, and a screenshot and the elapsed time at the end of each step."""

    def __init__(self, page: Page, server: str) -> None:
        self.page, self.server = page, server
        self.clicks = self.typed = 0
        self.steps: list[dict[str, object]] = []
        self.started = time.perf_counter()

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.clicks += 1

    def link(self, name: str) -> None:
        self.page.get_by_role("link", name=name, exact=True).first.click()
        self.clicks += 1

    def choose_files(self, selector: str, *paths: Path) -> None:
        self.page.set_input_files(selector, [str(p) for p in paths])
        self.clicks += 2

    def type(self, selector: str, text: str) -> None:
        self.page.fill(selector, text)
        self.clicks, self.typed = self.clicks + 1, self.typed + 1

    def select(self, selector: str, value: str) -> None:
        self.page.select_option(selector, value)
        self.clicks += 2

    def step(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"walk-{len(self.steps) + 1}-{name}.png"), full_page=True)
        self.steps.append({"step": name, "clicks": self.clicks, "typed": self.typed,
                           "elapsed_s": round(time.perf_counter() - self.started, 2)})

    def accessibility(self) -> list[str]:
        """axe-core's serious problems on the page, its time left out of the walk's."""
        began = time.perf_counter()
        found = _accessibility_problems(self.page)
        self.started += time.perf_counter() - began
        return found

    def analysed(self) -> None:
        """Wait (without clicking) while the page says the snapshot is being analysed: it refreshes itself."""
        self.page.locator("h1", has_text="This snapshot is being analysed").wait_for(state="detached",
                                                                                    timeout=60_000)


def test_a_trust_reaches_its_dashboard_and_school_map_from_its_own_files(browser: Browser, files: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    app = make_app(tmp_path, None, NETMAP_MAPPINGS_DIR=tmp_path / "mappings",
                   NETMAP_PENDING_DIR=tmp_path / "pending")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)  # for axe-core
    outside: list[str] = []
    for server in _serve(app):
        page = context.new_page()
        page.on("request", lambda r, here=server: None if r.url.startswith((here, "data:")) else outside.append(r.url))
        walk = Walk(page, server)
        page.goto(f"{server}/login")
        walk.type("input[name=name]", "admin")
        walk.type("input[name=password]", PASSWORD)
        walk.click("button[type=submit]")
        assert page.locator("h1").inner_text() == "No data yet"
        walk.step("empty")
        empty_axe = walk.accessibility()

        walk.link("Upload the DfE's GIAS download")
        walk.choose_files("input[name=gias]", files["gias"])
        walk.type("input[name=gias_trust]", OAK)
        walk.click("main form.upload button[type=submit]")
        page.wait_for_url(f"{server}/mapping/")
        assert ": 17 school(s) from the GIAS download (1 without a place on the map), no staff yet." in page.inner_text(
            "main")
        walk.step("schools-loaded")

        walk.choose_files("input[name=export]", files["export"])
        walk.select("select[name=start]", "itrent")
        walk.click("main form.upload button[type=submit]")
        assert "never read: NI Number, Date of Birth, Gender, Ethnic Origin." in page.inner_text("main")
        walk.step("mapping")
        walk.type("input[name=name]", "oakfield-itrent")
        walk.click("main form.mapping button[type=submit]")
        page.wait_for_url(f"{server}/mapping/import")
        walk.choose_files("input[name=export]", files["export"])
        walk.select("select[name=mapping]", "oakfield-itrent")
        walk.click("main form.upload button[type=submit]")
        assert page.inner_text("ul.summary").startswith("Joined: 204 (")
        walk.step("staff-check")
        walk.click("button[value=confirm]")
        walk.analysed()
        walk.step("staff-stored")

        walk.link("Import groups")
        walk.choose_files("input[name=lists]", files["maths"], files["english"])
        walk.select("select[name=kind]", "subject-community")
        walk.click("main form.upload button[type=submit]")
        summary = page.inner_text("ul.summary")
        assert "maths-community (new group) from Maths community.txt: 10 member(s); 10 joined, 0 left, 1 line(s) " \
               "unmatched." in summary
        assert ("Maths community.txt, line 11: 'isla.shaw@trust.example' matches no staff email (never stored). "
                "Closest: Isla Shah.") in summary
        assert "english-community (new group) from English community.csv: 9 member(s); 9 joined" in summary
        walk.step("groups-check")
        axe = {"groups-check": walk.accessibility()}
        walk.click("button[value=confirm]")
        walk.analysed()
        counts = page.inner_text(".headline")
        assert page.inner_text("p.no-ties").startswith("No collaborations in this snapshot yet")
        assert "dormant: English community, Maths community" in page.inner_text("main")  # named as the files are
        page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)
        walk.step("dashboard")

        walk.link("Map")
        page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)
        page.get_by_role("navigation", name="Layout of the school map").get_by_role("link", name="geographic").click()
        walk.clicks += 1
        page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)
        drawn = page.evaluate("() => window.netmapMaps[0].nodes.get().length")
        walk.step("school-map")
    context.close()
    seconds = time.perf_counter() - walk.started
    (ARTIFACTS / "walk.json").write_text(json.dumps({
        "what": "empty data folder to the geographic school map through the pages (tests/test_browser_walk.py)",
        "files": {"gias": "80 schools, 17 open in the trust", "staff": "iTrent export, 204 staff",
                  "group_lists": 2},
        "clicks": walk.clicks, "typed_fields": walk.typed, "browser_wall_s": round(seconds, 1), "steps": walk.steps,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "load_average": os.getloadavg()},
    }, indent=2) + "\n", encoding="utf-8")
    assert "204 staff in post" in " ".join(counts.split()) and "17 schools" in " ".join(counts.split())
    assert "2 networks and communities" in " ".join(counts.split())
    assert drawn == 17
    assert outside == []
    assert ({"empty": empty_axe, **axe}) == {"empty": [], "groups-check": []}
