"""Names you can read on every map, measured in Chromium: on trusts of 5, 25, 60 and 150 schools, on a 1280 px
desktop and a 390 px phone, the school map (sized by staff and by betweenness), the hard vs soft wiring map, the
biggest school's staff map, the biggest group's map and a person's two steps show names at least 11 px high at
fit, none overlapping another name or any disc or leaving the map; the K most important nodes by the map's
measure (K = 10 on the desktop, 5 on the phone: the guarantee docs/maps.md states) always named at fit, beside
their disc or set apart with a leader; and more names on zooming in. The boxes come from the library
(netmap/layout/labels.py) as the page drew them (map.js records each name it draws, with the width the browser
measured for it).

The counts go to test-artifacts/labels.json (benchmarks/results/ keeps a run's record)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from netmap.ingest.validate import read_trust
from tests.browser import ARTIFACTS, _log_in, _serve, _shot
from tests.web_helpers import make_app

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("tests/test_browser_labels.py")]

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
GUARANTEED = {"desktop": 10, "phone": 5}  # the most important nodes every map names at fit
COUNTS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module", params=[5, 25, 60, 150], ids=lambda n: f"{n}-schools")
def trust(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    """A generated trust of 5, 25, 60 or 150 schools (20 staff a school), served."""
    from netmap.sample.generator import generate_sample

    schools = request.param
    folder = tmp_path_factory.mktemp(f"labels-{schools}") / "trust"
    generate_sample(folder, schools=schools, staff=20 * schools, seed=schools)
    for url in _serve(make_app(tmp_path_factory.mktemp(f"labels-web-{schools}"), read_trust(folder)[0])):
        yield schools, url


def _names(page: Page) -> dict:
    """The names the map drew (map.js's record), every disc as drawn (page pixels within the map), the map's
    size, its scale, and its nodes' data (key, size, shown name place)."""
    page.locator(".map[data-drawn=true]").first.wait_for(timeout=120_000)
    page.wait_for_timeout(300)  # the fit's redraw
    return page.evaluate("""() => {
        const m = window.netmapMaps[0], net = m.network, scale = net.getScale();
        const shown = m.nodes.get({filter: n => !n.hidden});
        const at = net.getPositions(shown.map(n => n.id));
        const discs = shown.map(n => { const c = net.canvasToDOM(at[n.id]);
            return {key: n.key, x: c.x, y: c.y, r: (n.size || 0) * scale}; });
        const box = document.querySelector('.map canvas').getBoundingClientRect();
        return {names: m.names, discs: discs, scale: scale, width: box.width, height: box.height,
                nodes: m.nodes.get().map(n => ({key: n.key, size: n.size, at: n.name_at ? n.name_at.at : null,
                                                 rank: n.name_at ? n.name_at.rank : undefined})),
                line: (document.querySelector('.map-names') || {}).textContent || '',
                legend: (document.querySelector('.legend') || {}).textContent || '', turned: !!m.turned};
    }""")


def _problems(drawn: dict) -> list[str]:
    """What is wrong with the names drawn: too small, wider than their box, overlapping, off the map."""
    found = []
    names = drawn["names"]
    for n in names:
        if n["px"] < 11:
            found.append(f"{n['key']}: {n['px']} px")
        if n["measured"] > n["width"] + 0.5:
            found.append(f"{n['key']}: drawn {n['measured']:.1f} px wide in a {n['width']:.1f} px box")
        if n["left"] < -0.5 or n["top"] < -0.5 or n["left"] + n["width"] > drawn["width"] + 0.5 or \
                n["top"] + n["height"] > drawn["height"] + 0.5:
            found.append(f"{n['key']}: off the map at ({n['left']:.0f}, {n['top']:.0f})")
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if a["left"] < b["left"] + b["width"] - 0.1 and b["left"] < a["left"] + a["width"] - 0.1 and \
                    a["top"] < b["top"] + b["height"] - 0.1 and b["top"] < a["top"] + a["height"] - 0.1:
                found.append(f"names of {a['key']} and {b['key']} overlap")
        for d in drawn["discs"]:
            if a["left"] < d["x"] + d["r"] - 0.1 and d["x"] - d["r"] < a["left"] + a["width"] - 0.1 and \
                    a["top"] < d["y"] + d["r"] - 0.1 and d["y"] - d["r"] < a["top"] + a["height"] - 0.1:
                found.append(f"name of {a['key']} overlaps the disc of {d['key']}")
    return found


def _zoomed_in(page: Page) -> int:
    """How many names show after zooming in twice as close, on the middle of the map."""
    page.evaluate("() => { const n = window.netmapMaps[0].network; n.moveTo({scale: 2 * n.getScale()}); }")
    page.wait_for_timeout(400)
    return int(page.evaluate("() => window.netmapMaps[0].names.length"))


def _check(page: Page, what: str, top: str, guaranteed: int, shot: str = "") -> dict:
    """The map on `page` shows readable, separate names at fit, `top` (the biggest disc) and the `guaranteed`
    best ranked by the map's measure among them (those ranks the biggest discs), a name set apart only with the
    key saying what its leader is, and more names on zooming in; its counts."""
    drawn = _names(page)
    assert _problems(drawn) == [], what
    keys = {n["key"] for n in drawn["names"]}
    ranked = sorted((n for n in drawn["nodes"] if n.get("rank") is not None), key=lambda n: n["rank"])
    best, rest = ranked[:guaranteed], ranked[guaranteed:]
    assert top in keys, (what, top, sorted(keys)[:10])
    assert {n["key"] for n in best} <= keys, (what, sorted({n["key"] for n in best} - keys))
    if best and rest:  # the ranks follow the discs: no node left out is bigger than one named
        assert min(n["size"] for n in best) >= max(n["size"] for n in rest), what
    apart = sum(1 for n in drawn["names"] if n["apart"])
    if apart:
        assert "dotted hairline" in drawn["legend"], what
    assert "zoom in for more" in drawn["line"] or "Names of all" in drawn["line"], drawn["line"]
    if shot:
        _shot(page, shot)
    shown = len(drawn["names"])
    named = sum(1 for n in drawn["nodes"] if n["at"] is not None)
    more = _zoomed_in(page)
    if shown < named:
        assert more > shown, what
    return {"shown at fit": shown, "top named at fit": top in keys, "nodes": len(drawn["nodes"]),
            "guaranteed": len(best), "guaranteed named at fit": sum(1 for n in best if n["key"] in keys),
            "set apart (leader)": apart, "turned a quarter turn": drawn["turned"],
            "smallest px": min(n["px"] for n in drawn["names"]), "names on two lines": sum(
                1 for n in drawn["names"] if n["lines"] > 1), "shown zoomed in 2x": more,
            "scale at fit": round(drawn["scale"], 4), "map box px": [round(drawn["width"]), round(drawn["height"])]}


def _biggest_group(page: Page, url: str) -> str:
    """The group with the most members (ties: the smallest id), from the groups table's CSV."""
    response = page.request.get(f"{url}/groups/?format=csv")
    assert response.ok, response.status
    rows = list(csv.DictReader(io.StringIO(response.text())))
    most = max(int(r["members"]) for r in rows)
    return min(r["group_id"] for r in rows if int(r["members"]) == most)


def _top(page: Page, url: str, query: str = "") -> str:
    """The node a map names first: the one with the highest size measure (ties: the smallest id)."""
    response = page.request.get(f"{url}/map/data?{query}")
    assert response.ok, (query, response.status, response.text()[:200])
    nodes = response.json()["nodes"]
    people = [n for n in nodes if "name_at" in n and n.get("shape") != "text"]
    biggest = max(n["size"] for n in people)
    return min(str(n["id"]) for n in people if n["size"] == biggest)


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_maps_name_their_most_important_nodes_readably_at_fit(browser: Browser, trust: tuple[int, str],
                                                              screen: str) -> None:
    schools, url = trust
    context = browser.new_context(viewport=VIEWPORTS[screen])
    page = context.new_page()
    _log_in(page, url, "admin", purpose=True)
    record: dict[str, Any] = {}
    page.goto(f"{url}/map/")
    _names(page)  # drawn before the test asks for the same map itself
    top = _top(page, url, "view=schools")
    k = GUARANTEED[screen]
    record["school map"] = _check(page, f"school map, {schools} schools, {screen}", top, k,
                                  shot=f"names-school-map-{schools}-{screen}")
    page.goto(f"{url}/map/")  # sized by betweenness through the map's own control
    _names(page)
    page.select_option(".size-control select", "betweenness")
    page.locator(".map[data-drawn=true]").first.wait_for(timeout=120_000)
    record["school map by betweenness"] = _check(page, f"by betweenness, {schools}, {screen}",
                                                 _top(page, url, "view=schools&size=betweenness"), k,
                                                 shot=f"names-school-map-betweenness-{schools}-{screen}")
    page.goto(f"{url}/wiring/")
    record["wiring map"] = _check(page, f"wiring map, {schools} schools, {screen}", top, k,
                                  shot=f"names-wiring-map-{schools}-{screen}")
    page.goto(f"{url}/map/?view=staff&school={top}")
    _names(page)
    staff_top = _top(page, url, f"view=staff&school={top}")
    record["biggest school's staff map"] = _check(page, f"{top}'s staff, {schools} schools, {screen}", staff_top,
                                                  k, shot=f"names-staff-map-{schools}-{screen}")
    group = _biggest_group(page, url)
    page.goto(f"{url}/map/?view=staff&group={group}")
    _names(page)
    record["biggest group's map"] = _check(page, f"group {group}'s map, {schools} schools, {screen}",
                                           _top(page, url, f"view=staff&group={group}"), k,
                                           shot=f"names-group-map-{schools}-{screen}")
    page.goto(f"{url}/map/?view=staff&person={staff_top}&depth=2")
    _names(page)
    record["a person's two steps"] = _check(page, f"{staff_top}'s two steps, {schools} schools, {screen}",
                                            _top(page, url, f"view=staff&person={staff_top}&depth=2"), k,
                                            shot=f"names-person-map-{schools}-{screen}")
    context.close()
    COUNTS[f"{schools} schools, {screen}"] = record
    (ARTIFACTS / "labels.json").write_text(json.dumps(COUNTS, indent=2, sort_keys=True) + "\n", encoding="utf-8")
