"""The school map's geographic layout in real Chromium: the toggle on the map page, the same schools, links and
marks as the usual layout, schools where their coordinates put them, no two discs or labels overlapping at 25
and 150 schools, and nothing fetched from outside the app (no map tiles). Screenshots:
test-artifacts/screenshots/map-geographic-{25,150}-schools.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from netmap.ingest.validate import read_trust
from tests.browser import _log_in, _serve, _shot
from tests.web_helpers import make_app

pytestmark = pytest.mark.slow  # a real browser: seconds a test

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass


@pytest.fixture(scope="module", params=[25, 150], ids=lambda n: f"{n}-schools")
def trust_of_size(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str, Path]]:
    """A generated trust of 25 or 150 schools (20 staff a school, each school with a place), served."""
    from netmap.sample.generator import generate_sample

    schools = request.param
    folder = tmp_path_factory.mktemp(f"geo-trust-{schools}") / "trust"
    generate_sample(folder, schools=schools, staff=20 * schools, seed=schools)
    for url in _serve(make_app(tmp_path_factory.mktemp(f"geo-web-{schools}"), read_trust(folder)[0])):
        yield schools, url, folder


def _drawn(page: Page) -> dict:
    """The map once drawn (map.js marks it): its nodes' ids, places and marks, and its edges."""
    page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)
    return page.evaluate("""() => {
        const m = window.netmapMaps[0];
        const at = m.network.getPositions();
        return {nodes: m.nodes.get().map(n => ({key: n.key, x: at[n.id].x, y: at[n.id].y, size: n.size,
                                                 shape: n.shape, isolated: !!n.isolated})),
                edges: m.edges.get().map(e => [e.from, e.to, e.width].join(' ')).sort()};
    }""")


def _overlaps(page: Page) -> dict:
    """Pairs of nodes whose discs, or whose boxes (disc and label, as vis-network measured them), overlap."""
    return page.evaluate("""() => {
        const m = window.netmapMaps[0];
        const ids = m.nodes.getIds();
        const at = m.network.getPositions(ids);
        const box = Object.fromEntries(ids.map(id => [id, m.network.getBoundingBox(id)]));
        const size = Object.fromEntries(m.nodes.get().map(n => [n.id, n.size]));
        const discs = [], labels = [];
        for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
            const a = ids[i], b = ids[j], p = box[a], q = box[b];
            if (Math.hypot(at[a].x - at[b].x, at[a].y - at[b].y) < size[a] + size[b]) discs.push([a, b]);
            if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom) labels.push([a, b]);
        }
        return {discs: discs, labels: labels};
    }""")


def test_the_geographic_layout_draws_the_same_map_at_the_schools_places(browser: Browser,
                                                                        trust_of_size: tuple) -> None:
    schools, url, folder = trust_of_size
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None)
    _log_in(tab, url, "admin", purpose=False)
    tab.goto(f"{url}/map/")
    usual = _drawn(tab)
    tab.get_by_role("navigation", name="Layout of the school map").get_by_role("link", name="geographic").click()
    tab.wait_for_url(f"{url}/map/?layout=geographic")
    assert tab.get_by_text("Each school at its place, north up, on a plain background").is_visible()
    drawn = _drawn(tab)
    same = ("key", "size", "shape", "isolated")
    assert sorted(tuple(n[k] for k in same) for n in drawn["nodes"]) == sorted(
        tuple(n[k] for k in same) for n in usual["nodes"])  # the same schools, sizes and marks
    assert drawn["edges"] == usual["edges"]  # the same links, as wide
    assert _overlaps(tab) == {"discs": [], "labels": []}, schools
    # where the schools stand: the most easterly school right of the most westerly, the most northerly above
    # the most southerly (the central team, without a place, in the row under the map)
    places = pd.read_csv(folder / "schools.csv", dtype={"school_id": str}).dropna(subset=["latitude"])
    at = {n["key"]: (n["x"], n["y"]) for n in drawn["nodes"]}
    east, west = places.loc[places["longitude"].idxmax(), "school_id"], places.loc[places["longitude"].idxmin(),
                                                                                   "school_id"]
    north, south = places.loc[places["latitude"].idxmax(), "school_id"], places.loc[places["latitude"].idxmin(),
                                                                                    "school_id"]
    assert at[east][0] > at[west][0] and at[north][1] < at[south][1]
    unplaced = set(at) - set(places["school_id"])
    assert unplaced and min(at[s][1] for s in unplaced) > max(at[s][1] for s in places["school_id"])
    _shot(tab, f"map-geographic-{schools}-schools")
    tab.get_by_role("link", name="by collaboration").click()
    assert _drawn(tab)["edges"] == usual["edges"]
    assert outside == []  # no map tiles, nothing at all fetched from outside the app
    context.close()
