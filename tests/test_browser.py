"""End to end in real Chromium (Debian's, driven by Playwright): log in, the maps really draw, filters,
search, a person's page, a CSV download, and names that try to inject HTML staying plain text.

Screenshots of every page go to test-artifacts/screenshots/ (printed at the end of the run); the time to first
draw of each map goes to test-artifacts/first-draw.json (measured, never asserted: see benchmarks/).
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.browser import (
    ARTIFACTS,
    AXE,
    FIRST_DRAW,
    SHOTS,
    XSS,
    _accessibility_problems,
    _log_in,
    _serve,
    _shot,
)
from tests.conftest import REPO, skip_unless_required
from tests.web_helpers import NO_STABILITY, make_app

pytestmark = pytest.mark.slow  # a real browser: seconds a test
# The tests that serve trusts of their own run in a worker apart from those of the sample's server: the whole module
# in one worker was the suite's critical path (README, "Development").
OWN_TRUSTS = pytest.mark.xdist_group("tests/test_browser.py::own-trusts")

try:
    from playwright.sync_api import Browser, Page
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("trust") / "trust"
    shutil.copytree(REPO / "data" / "samples" / "trust", folder)
    staff = folder / "staff.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")  # ST0001: a headteacher whose name tries to inject HTML
    fields[3] = '"' + XSS + '"'
    lines[1] = ",".join(fields)
    fields = lines[3].split(",")  # ST0003: a subject with "href" in it, which pyvis would turn into HTML
    fields[4] = "href=javascript:alert(2)"
    lines[3] = ",".join(fields)
    staff.write_text("\n".join(lines) + "\n", encoding="utf-8")
    web = tmp_path_factory.mktemp("web")
    app = make_app(web, read_trust(folder)[0])
    # an earlier term, with every seventh collaboration not yet begun: the dashboard's change and Compare show it
    earlier = tmp_path_factory.mktemp("earlier") / "trust"
    shutil.copytree(folder, earlier)
    ties = (earlier / "collaborations.csv").read_text(encoding="utf-8").splitlines()
    kept = [ties[0]] + [line for k, line in enumerate(ties[1:]) if k % 7]
    (earlier / "collaborations.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    with SQLiteStore(web / "store.db") as store:
        analysis_of(store, store.write_snapshot(read_trust(earlier)[0], "2026-03-01", source="test").snapshot,
                    NO_STABILITY)
    yield from _serve(app)


@pytest.fixture(scope="module")
def hostile_ids_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A tiny trust whose ids are "/"-bearing and JavaScript's own property names (tests/hostile_ids.py)."""
    from tests.hostile_ids import hostile_id_trust

    folder = hostile_id_trust(tmp_path_factory.mktemp("hostile-ids") / "trust")
    yield from _serve(make_app(tmp_path_factory.mktemp("web-hostile-ids"), read_trust(folder)[0]))


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("dialog", lambda dialog: (problems.append(f"a script ran: {dialog.message}"), dialog.dismiss()))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("request", lambda r: problems.append(f"request left the app: {r.url}")
           if not r.url.startswith(server) and not r.url.startswith(("data:", "blob:")) else None)
    _log_in(tab, server, "admin")
    tab.problems = problems  # type: ignore[attr-defined]
    yield tab
    assert problems == [], problems  # no script injected, no CSP violation, nothing fetched from outside
    context.close()


def _drawn(page: Page, index: int = 0) -> dict:
    # map.js marks a map drawn after vis-network's first frame (wait_for_function would need eval, which the
    # app's Content-Security-Policy forbids, rightly).
    page.locator(".map").nth(index).and_(page.locator(".map[data-drawn=true]")).wait_for(timeout=60_000)
    return page.evaluate(f"""() => {{
        const m = window.netmapMaps[{index}];
        const canvas = document.querySelectorAll('.map canvas')[{index}];
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < pixels.length; i += 4) {{
          if (pixels[i + 3] > 0 && (pixels[i] < 230 || pixels[i + 1] < 230 || pixels[i + 2] < 230)) inked++;
        }}
        return {{nodes: m.nodes.length, edges: m.edges.length, inked: inked, firstDraw: m.firstDraw,
                 ids: m.nodes.get().map(n => n.key), titles: m.nodes.get().map(n => n.title)}};
    }}""")


def _overlaps(page: Page, index: int = 0) -> dict:
    """Pairs of nodes whose discs overlap, and whose bounding boxes (disc and label, as vis-network measured them
    in this browser's font) overlap, from vis-network's own positions and boxes."""
    return page.evaluate(f"""() => {{
        const m = window.netmapMaps[{index}];
        const ids = m.nodes.getIds();
        const at = m.network.getPositions(ids);
        const box = Object.fromEntries(ids.map(id => [id, m.network.getBoundingBox(id)]));
        const size = Object.fromEntries(m.nodes.get().map(n => [n.id, n.size]));
        const discs = [], labels = [];
        for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {{
            const a = ids[i], b = ids[j];
            if (Math.hypot(at[a].x - at[b].x, at[a].y - at[b].y) < size[a] + size[b]) discs.push([a, b]);
            const p = box[a], q = box[b];
            if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom) labels.push([a, b]);
        }}
        return {{discs: discs, labels: labels}};
    }}""")


def _node_point(page: Page, node: str) -> dict:
    """Zoom in on `node` as a user would (neighbours can overlap it at trust scale), then say where on the page
    a visible part of it is drawn (the centre, or the nearest point no neighbour covers), for clicking or
    hovering."""
    return page.evaluate("""(key) => {
        const m = window.netmapMaps[0].network;
        const node = 'node:' + key;  // map.js prefixes the data's ids
        m.focus(node, {scale: 4, animation: false});
        const c = m.canvasToDOM(m.getPositions([node])[node]);
        const box = document.querySelector('.map').getBoundingClientRect();
        let at = c;
        search: for (let r = 0; r <= 24; r += 3) {
            for (let a = 0; a < 360; a += 30) {
                const p = {x: c.x + r * Math.cos(a * Math.PI / 180), y: c.y + r * Math.sin(a * Math.PI / 180)};
                if (m.getNodeAt(p) === node) { at = p; break search; }
            }
        }
        return {x: box.left + at.x, y: box.top + at.y};
    }""", node)


def _click_node(page: Page, node: str, panel: Any) -> None:
    """Click a node as a user would; once more if a late redraw moved the view between aiming and clicking."""
    for attempt in range(2):
        point = _node_point(page, node)
        page.mouse.click(point["x"], point["y"])
        try:
            panel.wait_for(state="visible", timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - a Playwright timeout: aim again
            if attempt:
                raise


def test_school_map_draws_every_school(page: Page, server: str) -> None:
    page.goto(f"{server}/map/")
    drawn = _drawn(page)
    FIRST_DRAW["school map (25 schools)"] = round(drawn["firstDraw"])
    assert drawn["nodes"] == 25 and drawn["edges"] > 100
    assert drawn["inked"] > 5000  # the canvas is not blank
    # 25 schools: coloured by their 7 phases; then the line drawn, the mark of an isolated school and the shape of
    # one in no group with another school
    assert page.locator(".legend .legend-item").count() == 10
    assert _overlaps(page) == {"discs": [], "labels": []}
    assert _label_pixels(page) >= 11  # legible with the whole trust in view, before any zooming
    _shot(page, "map-schools")


def _label_pixels(page: Page, index: int = 0) -> float:
    """How tall, in screen pixels, the map's labels are drawn when the map fits its box (as first drawn)."""
    return page.evaluate(f"""() => {{
        const m = window.netmapMaps[{index}];
        return m.network.getScale() * m.options.nodes.font.size; }}""")


def _colours(page: Page, index: int = 0) -> dict:
    """Each node's fill colour as the map drew it, by its id in the data."""
    return page.evaluate(f"""() => Object.fromEntries(window.netmapMaps[{index}].nodes.get().map(
        n => [n.key, typeof n.color === 'string' ? n.color : (n.color || {{}}).background]))""")


def test_the_hard_vs_soft_map_keeps_the_school_maps_places_and_colours(page: Page, server: str) -> None:
    page.goto(f"{server}/map/")
    _drawn(page)
    colours = _colours(page)
    places = page.evaluate("() => window.netmapMaps[0].network.getPositions()")
    page.goto(f"{server}/wiring/")
    drawn = _drawn(page)
    assert _colours(page) == colours and page.evaluate("() => window.netmapMaps[0].network.getPositions()") == places
    assert _overlaps(page) == {"discs": [], "labels": []}
    layers = page.evaluate("() => window.netmapMaps[0].edges.get().map(e => e.layer)")
    assert drawn["edges"] == len(layers) and {"both", "soft only", "hard only"} <= set(layers)
    page.get_by_label("a shared group, but nobody collaborates", exact=False).uncheck()  # the key hides a kind
    hidden = page.evaluate("() => window.netmapMaps[0].edges.get({filter: e => e.hidden}).map(e => e.layer)")
    assert hidden and set(hidden) == {"hard only"}
    page.goto(f"{server}/map/?view=staff&school=SCH01")
    _drawn(page)
    staff = _colours(page)
    assert {staff[p] for p in ("ST0002", "ST0003")} == {colours["SCH01"]}
    _shot(page, "wiring-school-level")


@pytest.fixture(scope="module", params=[5, 60, 150], ids=lambda n: f"{n}-schools")
def trust_of_size(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """A generated trust of 5, 60 or 150 schools (20 staff a school), served."""
    from netmap.sample.generator import generate_sample

    schools = request.param
    folder = tmp_path_factory.mktemp(f"trust-{schools}") / "trust"
    generate_sample(folder, schools=schools, staff=20 * schools, seed=schools)
    for url in _serve(make_app(tmp_path_factory.mktemp(f"web-{schools}"), read_trust(folder)[0])):
        yield schools, url


@OWN_TRUSTS
def test_no_school_discs_or_labels_overlap_at_5_60_and_150_schools(browser: Browser, trust_of_size: tuple) -> None:
    schools, url = trust_of_size
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    _log_in(tab, url, "admin", purpose=False)
    for path, name in (("/map/", "map-schools"), ("/wiring/", "wiring-school-level")):
        tab.goto(f"{url}{path}")
        drawn = _drawn(tab)
        assert drawn["nodes"] >= schools  # the generator adds a central team
        assert _overlaps(tab) == {"discs": [], "labels": []}, (schools, path)
        _shot(tab, f"{name}-{schools}-schools")
    context.close()


def test_the_hard_wiring_draws_at_most_one_line_per_membership(page: Page, server: str) -> None:
    page.goto(f"{server}/map/?view=staff&school=SCH01&hard=1")
    drawn = page.evaluate("""() => new Promise(done => {
        const wait = () => { const m = window.netmapMaps[0];
            if (!m || !document.querySelector('.map[data-drawn=true]')) return setTimeout(wait, 100);
            const hard = m.edges.get({filter: e => e.layer === 'hard'});
            const hubs = m.nodes.get({filter: n => n.layer === 'hard'});
            done({hard: hard.length, hubs: hubs.length, toHubs: hard.every(e => hubs.some(h => h.id === e.to))}); };
        wait(); })""")
    with (REPO / "data" / "samples" / "trust" / "memberships.csv").open(encoding="utf-8") as handle:
        memberships = sum(1 for _ in handle) - 1
    assert 0 < drawn["hard"] <= memberships and drawn["hubs"] > 0 and drawn["toHubs"]
    _shot(page, "map-staff-hard-hubs")


def test_full_staff_map_of_the_sample_trust_draws(page: Page, server: str) -> None:
    page.goto(f"{server}/map/?view=staff")
    drawn = _drawn(page)
    FIRST_DRAW["staff map (1,964 staff, 15,409 ties)"] = round(drawn["firstDraw"])
    assert drawn["nodes"] == 1964 and drawn["edges"] == 15409 and drawn["inked"] > 20000
    _shot(page, "map-staff-full")


def test_filter_to_one_school(page: Page, server: str) -> None:
    page.goto(f"{server}/map/")
    page.select_option("select[name=school]", "SCH01")
    page.click("text=Show staff")
    drawn = _drawn(page)
    own = [title for title in drawn["titles"] if ", Oakfield Academy" in title]  # people: "name\nrole, school"
    assert len(own) == 131 and drawn["nodes"] > len(own)  # its 131 staff and their contacts elsewhere
    _shot(page, "map-one-school")


def test_search_a_person_then_open_their_page(page: Page, server: str) -> None:
    page.goto(f"{server}/map/")
    page.fill("input[name=person]", "ST0002")
    page.click("text=Show staff")
    drawn = _drawn(page)
    assert "ST0002" in drawn["ids"] and drawn["nodes"] == 22  # ST0002 and their 21 collaborators
    panel = page.locator(".panel")
    _click_node(page, "ST0002", panel)
    names = page.evaluate("window.netmapMaps[0].nodes.get('node:ST0002').name")
    assert panel.locator("h3").inner_text() == names and "senior-leader" in panel.inner_text()
    _shot(page, "map-person-panel")
    page.click(".panel a")
    page.wait_for_url(f"{server}/staff/ST0002")
    assert page.locator("h2", has_text="Collaborators").count() == 1
    _drawn(page)  # their own two-step network on their page
    _shot(page, "person-page")


def test_download_a_csv(page: Page, server: str) -> None:
    page.goto(f"{server}/staff/")
    with page.expect_download() as download:
        page.click("text=Download CSV")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("staff_id,name,school_id,role,seconded_to,response,times_named,"
                                           "soft_in_degree")
    assert len(text.splitlines()) == 1965
    _shot(page, "staff-table")


def test_html_in_the_data_renders_as_plain_text(page: Page, server: str) -> None:
    page.goto(f"{server}/staff/ST0001")
    assert page.locator("h1").inner_text() == XSS
    assert page.locator("main img").count() == 0
    page.goto(f"{server}/staff/ST0003")
    assert "href=javascript:alert(2)" in page.locator("main > p").nth(1).inner_text()
    assert page.locator("main a[href^=javascript]").count() == 0
    page.goto(f"{server}/map/?view=staff&person=ST0001")
    _drawn(page)
    point = _node_point(page, "ST0001")
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".vis-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert XSS in tooltip.inner_text() and tooltip.locator("img").count() == 0
    _click_node(page, "ST0001", page.locator(".panel"))
    assert page.locator(".panel h3").inner_text() == XSS and page.locator(".panel img").count() == 0
    _shot(page, "escaping")


@pytest.mark.parametrize(("name", "path"), [
    ("dashboard", "/"), ("schools", "/schools/"), ("school", "/schools/SCH05"), ("groups", "/groups/"),
    ("group", "/groups/MATHS"), ("wiring", "/wiring/"), ("bridges", "/wiring/bridges"), ("upload", "/upload/"),
    ("audit", "/audit"), ("definitions", "/metrics"), ("person-find", "/admin/person"),
    ("person-rights", "/admin/person/ST0001"),
])
def test_every_page_renders(page: Page, server: str, name: str, path: str) -> None:
    page.goto(f"{server}{path}")
    assert page.locator("h1").count() == 1
    if page.locator(".map").count():
        _drawn(page)
    _shot(page, name)


def test_an_upload_on_a_taken_date_shows_what_is_there_and_stores_nothing(page: Page, server: str) -> None:
    """The earlier term is stored as of 2026-03-01: uploading other files for that date stops and asks."""
    from tests.conftest import TINY

    page.goto(f"{server}/upload/")
    page.set_input_files("input[type=file]", sorted(str(p) for p in TINY.glob("*.csv")))
    page.fill("input[name=as_of]", "2026-03-01")
    page.locator("button", has_text="Validate and load").click()
    page.wait_for_load_state()
    assert "A snapshot dated 2026-03-01 is already stored (below)" in page.locator(".flash.error").inner_text()
    assert page.locator("table.taken tbody tr").count() == 1
    assert page.locator("select[name=replace]").input_value() == "2026-03-01"
    assert page.locator("input[name=on_taken][value=ask]").is_checked()
    _shot(page, "upload-taken")
    expected = "Failed to load resource: the server responded with a status of 409 (CONFLICT)"
    page.problems.remove(expected)  # type: ignore[attr-defined]  # the refusal's status, logged by Chromium
    page.goto(f"{server}/")
    assert [o.get_attribute("value") for o in page.locator("select[name=snapshot] option").all()] == [
        "2026-03-01", "2026-07-01"]  # nothing was stored


def test_secondment_scenario_maps(page: Page, server: str) -> None:
    page.goto(f"{server}/secondments/?school=SCH12&subject=maths")
    page.locator("text=Add to scenario").first.click()
    page.wait_for_url("**/secondments/?school=SCH12*")
    assert "Second " in page.locator("ol.scenario").inner_text()
    before, after = _drawn(page, 0), _drawn(page, 1)
    assert before["nodes"] == after["nodes"] == 25 and after["edges"] > before["edges"]
    _shot(page, "secondments")


def test_secondment_candidates_as_an_hr_lead_reads_them(page: Page, server: str) -> None:
    """A high-priority primary's candidates: the schools' staff ranked with a reason each, the central team apart."""
    page.goto(f"{server}/secondments/?school=SCH05")
    schools, central = page.locator("table.candidates").nth(0), page.locator("table.candidates.central")
    assert page.locator("h3#central-team").inner_text() == "From the central team"
    assert schools.locator("tbody tr").count() == 15 and central.locator("tbody tr").count() == 5
    reasons = [row.locator("td").nth(8).inner_text() for row in schools.locator("tbody tr").all()]
    assert all(r.startswith(("Same phase", "Close phase", "Other phase")) for r in reasons), reasons
    assert all(row.locator("td").nth(8).inner_text().startswith("Central team")
               for row in central.locator("tbody tr").all())
    page.locator("h2#candidates").scroll_into_view_if_needed()
    _shot(page, "secondments-candidates")


def test_logged_in_through_the_production_server(page: Page, server: str) -> None:
    """The page fixture logged in through waitress (netmap serve's server): the dashboard answers from it."""
    response = page.goto(f"{server}/")
    assert response is not None and response.status == 200
    assert response.headers["server"] == "waitress" and len(response.headers["x-request-id"]) == 12
    assert page.locator("h1").inner_text() == "Dashboard"


@OWN_TRUSTS
def test_ids_that_are_javascript_property_names_or_hold_a_slash_still_draw(browser: Browser,
                                                                          hostile_ids_server: str) -> None:
    from tests.hostile_ids import SCHOOLS, STAFF

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    _log_in(page, hostile_ids_server, "admin")
    page.goto(f"{hostile_ids_server}/map/")
    drawn = _drawn(page)
    assert sorted(drawn["ids"]) == sorted(SCHOOLS.values()) and drawn["nodes"] == 3
    page.goto(f"{hostile_ids_server}/map/?view=staff")
    drawn = _drawn(page)
    assert set(STAFF.values()) <= set(drawn["ids"]) and drawn["nodes"] == 5 and drawn["edges"] == 3
    _click_node(page, "S/3", page.locator(".panel"))
    assert page.locator(".panel h3").inner_text() == "Grace Hopper"
    page.locator(".panel a").click()
    page.wait_for_url("**/staff/S%2F3")  # map.js encodes the id; the server reads it back
    assert "Grace Hopper" in page.locator("h1").inner_text()
    _shot(page, "hostile-ids-person")
    assert errors == []
    context.close()


def _staff_names() -> set[str]:
    import csv

    with (REPO / "data" / "samples" / "trust" / "staff.csv").open(encoding="utf-8") as handle:
        return {row["name"] for row in csv.DictReader(handle)} | {XSS}


@pytest.mark.parametrize(("name", "path"), [
    ("dashboard", "/"), ("map-schools", "/map/"), ("schools", "/schools/"), ("school", "/schools/SCH05"),
    ("groups", "/groups/"), ("group", "/groups/MATHS"), ("wiring", "/wiring/"),
    ("map-staff-request", "/map/?view=staff")])
def test_a_ceo_sees_no_staff_name_in_any_page_or_the_data_it_fetches(browser: Browser, server: str, name: str,
                                                                    path: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    fetched: list[str] = []
    page.on("response", lambda r: fetched.append(r.text()) if "json" in r.headers.get("content-type", "") else None)
    _log_in(page, server, "ceo", purpose=False)
    page.goto(f"{server}{path}")
    if page.locator(".map").count():
        _drawn(page)
    _shot(page, f"ceo-{name}")
    shown = page.content() + "".join(fetched)
    leaked = {n for n in _staff_names() if n in shown}
    assert not leaked, f"staff names shown to the ceo on {path}: {sorted(leaked)[:5]}"
    assert page.locator("nav a", has_text="Staff").count() == 0
    context.close()


def test_person_search_suggests_names_from_any_part(page: Page, server: str) -> None:
    page.goto(f"{server}/map/?view=staff&school=SCH01")
    page.locator("input[name=person]").press_sequentially("james", delay=30)
    options = page.locator("#people-suggestions option")
    options.first.wait_for(state="attached", timeout=10_000)
    labels = options.evaluate_all("os => os.map(o => o.value)")
    assert labels and all("james" in label.lower() for label in labels)
    page.click("#map-filters button[type=submit] >> nth=0")
    page.wait_for_url("**person=james**")
    assert page.locator("p.flash.error", has_text="Several people match").count() == 1
    _shot(page, "person-search")


def test_person_search_without_a_purpose_says_why_it_suggests_nobody(browser: Browser, server: str) -> None:
    """The type-ahead answers only once a purpose is stated; until then the field says so instead of staying mute."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    _log_in(page, server, "admin", purpose=False)
    page.goto(f"{server}/map/")
    page.locator("input[name=person]").press_sequentially("james", delay=30)
    note = page.locator(".suggest-note")
    note.wait_for(timeout=10_000)
    assert "purpose" in note.inner_text().lower()
    assert page.locator("#people-suggestions option").count() == 0
    _shot(page, "person-search-without-purpose")
    context.close()


def test_a_page_prints_as_a_board_paper(page: Page, server: str) -> None:
    page.goto(f"{server}/schools/SCH05")
    _drawn(page)
    page.emulate_media(media="print")
    assert page.locator("header.top nav").is_hidden() and page.locator("a.download").first.is_hidden()
    assert page.locator("h1").is_visible() and page.locator("table.data").first.is_visible()
    _shot(page, "print-school")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.emulate_media(media="screen")


ROLE_PAGES = [("dashboard", "/"), ("map", "/map/"), ("schools", "/schools/"), ("school", "/schools/SCH05"),
              ("staff", "/staff/"), ("person", "/staff/ST0002"), ("groups", "/groups/"), ("group", "/groups/MATHS"),
              ("wiring", "/wiring/"), ("secondments", "/secondments/?school=SCH12"), ("definitions", "/metrics"),
              ("upload", "/upload/"), ("audit", "/audit"), ("bridges", "/wiring/bridges"),
              ("school-staff-map", "/map/?view=staff&school=SCH05"), ("purpose", "/purpose/"), ("compare", "/compare/"),
              ("compare-people", "/compare/?school=SCH03"),
              ("compare-evaluation", "/compare/?intervention=group:SEND#evaluation"),
              ("joiners", "/joiners/?since=2025-09-01"), ("about-your-data", "/about-your-data")]


@pytest.mark.parametrize("role", ["admin", "hr", "ceo", "network-lead"])
def test_screenshots_of_every_page_for_each_role(browser: Browser, server: str, role: str) -> None:
    """Every page as each role meets it (refusals included), saved for people to look at, and checked by axe-core
    for serious and critical accessibility problems (axe is injected past the app's CSP, in this context only)."""
    skip_unless_required(None if AXE.exists() else "axe-core is not installed: npm ci in tools/axe", "CI",
                         "the accessibility checks")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    problems = {"login": _accessibility_problems(page) if page.goto(f"{server}/login") else []}
    _log_in(page, server, role)
    statuses = {}
    for name, path in ROLE_PAGES:
        response = page.goto(f"{server}{path}")
        assert response is not None
        statuses[name] = response.status
        if page.locator(".map").count():
            _drawn(page)
        _shot(page, f"role-{role}-{name}")
        problems[name] = _accessibility_problems(page)
    context.close()
    (ARTIFACTS / f"accessibility-{role}.json").write_text(json.dumps(problems, indent=2) + "\n", encoding="utf-8")
    assert {name: found for name, found in problems.items() if found} == {}
    refused = {name for name, status in statuses.items() if status == 403}
    assert set(statuses.values()) <= {200, 403}
    expected = {"admin": set(), "hr": {"upload", "audit"},
                "ceo": {"staff", "person", "secondments", "upload", "audit", "bridges"},
                "network-lead": {"staff", "person", "secondments", "upload", "audit", "bridges"}}[role]
    assert refused == expected


def test_a_map_downloads_as_a_picture_and_as_a_file_that_draws_offline(page: Page, server: str, browser: Browser,
                                                                       tmp_path: Path) -> None:
    page.goto(f"{server}/wiring/")
    drawn = _drawn(page)
    with page.expect_download() as picture:
        page.get_by_text("picture with title and key (PNG)").first.click()
    png = Path(picture.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert picture.value.suggested_filename.startswith("netmap-wiring-")
    with page.expect_download() as printed:
        page.get_by_text("page to print (PDF)").first.click()
    assert Path(printed.value.path()).read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as saved:
        page.get_by_text("interactive file (HTML").first.click()
    file = tmp_path / "map.html"
    saved.value.save_as(file)
    offline = browser.new_context(offline=True)
    tab = offline.new_page()
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    tab.goto(file.as_uri())
    tab.locator("body[data-drawn=true]").wait_for(timeout=30_000)
    assert tab.evaluate("() => document.querySelectorAll('#map canvas').length") == 1
    assert tab.locator(".legend span").count() == len(page.locator(".legend .legend-item").all())
    assert requests == [] and drawn["nodes"] > 0
    tab.screenshot(path=str(SHOTS / "map-standalone-html.png"))
    offline.close()


def test_a_map_moves_and_zooms_from_the_keyboard_and_names_its_table(page: Page, server: str) -> None:
    page.goto(f"{server}/map/")
    _drawn(page)
    view = "() => [window.netmapMaps[0].network.getScale(), window.netmapMaps[0].network.getViewPosition()]"
    before = page.evaluate(view)
    page.locator(".map .vis-network").focus()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith("School map: arrow keys")
    for key in ("+", "+", "ArrowRight", "ArrowRight"):
        page.keyboard.down(key)
        page.wait_for_timeout(150)
        page.keyboard.up(key)
    after = page.evaluate(view)
    assert after[0] > before[0] and after[1]["x"] != before[1]["x"]
    assert page.locator(".map-table a").get_attribute("href") == "/schools/"


def test_clicking_a_school_on_the_school_map_opens_its_page(page: Page, server: str) -> None:
    page.goto(f"{server}/map/")
    _drawn(page)
    point = _node_point(page, "SCH03")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"{server}/schools/SCH03")


def test_two_snapshots_maps_keep_the_schools_places_and_compare_draws_the_changes(page: Page, server: str) -> None:
    places = {}
    for as_of in ("2026-03-01", "2026-07-01"):
        page.goto(f"{server}/map/?snapshot={as_of}")
        _drawn(page)
        places[as_of] = page.evaluate("() => window.netmapMaps[0].network.getPositions()")
    flags = {as_of: {n["id"]: n.get("isolated", False) for n in
                     page.request.get(f"{server}/map/data?snapshot={as_of}").json()["nodes"]}
             for as_of in places}
    steady = [s for s in flags["2026-07-01"] if flags["2026-03-01"].get(s) == flags["2026-07-01"][s]]
    moved = {s: ((places["2026-03-01"]["node:" + s]["x"] - places["2026-07-01"]["node:" + s]["x"]) ** 2 +
                 (places["2026-03-01"]["node:" + s]["y"] - places["2026-07-01"]["node:" + s]["y"]) ** 2) ** 0.5
             for s in steady}
    assert len(steady) >= 20 and max(moved.values()) < 1.0, moved  # in the map's own units: a school is ~30 wide
    page.goto(f"{server}/compare/")
    drawn = _drawn(page)
    layers = set(page.evaluate("() => window.netmapMaps[0].edges.get().map(e => e.layer)"))
    assert drawn["edges"] > 0 and layers <= {"gained", "lost", "persisting"} and "persisting" in layers
    assert _overlaps(page) == {"discs": [], "labels": []}
    _shot(page, "compare-changes")


def test_a_schools_staff_keep_their_places_and_compare_draws_who_joined_left_and_changed(page: Page,
                                                                                          server: str) -> None:
    """The staff map of one school in both snapshots: everyone drawn at the same place; on the Compare page the
    school's people with their collaborations begun, ended and kept as layers the key can hide."""
    places = {}
    for as_of in ("2026-03-01", "2026-07-01"):
        page.goto(f"{server}/map/?view=staff&school=SCH03&snapshot={as_of}")
        _drawn(page)
        places[as_of] = page.evaluate("() => window.netmapMaps[0].network.getPositions()")
    data = page.request.get(f"{server}/map/data?view=staff&school=SCH03").json()
    school = next(n["label"] for n in data["nodes"] if n["id"] == "\x1eschool:SCH03")  # its name over its people
    own = {"node:" + p for p, info in data["info"].items() if info["school"] == school}  # not their contacts
    both = [k for k in own if k in places["2026-03-01"]]
    assert len(both) >= 20
    moved = max(math.dist((places["2026-03-01"][k]["x"], places["2026-03-01"][k]["y"]),
                          (places["2026-07-01"][k]["x"], places["2026-07-01"][k]["y"])) for k in both)
    assert moved < 1.0, moved
    page.goto(f"{server}/compare/?before=2026-03-01&after=2026-07-01&school=SCH03#people-changes")
    _drawn(page, 0)
    _drawn(page, 1)
    people = "window.netmapMaps.find(m => m.view === 'people changes')"
    edges = page.evaluate(f"() => {people}.edges.get()")
    layers = [e["layer"] for e in edges]
    assert page.evaluate(f"() => {people}.nodes.length") >= 20 and "gained" in layers and "persisting" in layers
    kept = page.locator(".legend label", has_text="collaborations kept").locator("input")
    kept.uncheck()
    assert page.evaluate("() => window.netmapMaps.length") == 2  # each map drawn once
    hidden = [e["layer"] for e in page.evaluate(f"() => {people}.edges.get()") if e.get("hidden")]
    assert hidden == ["persisting"] * layers.count("persisting") and len(hidden) < len(edges)
    kept.check()
    page.locator("#people-changes").scroll_into_view_if_needed()
    _shot(page, "compare-people-changes")


@pytest.mark.parametrize("role", ["admin", "hr", "ceo", "network-lead"])
def test_no_page_a_role_reaches_is_wider_than_a_phone(browser: Browser, server: str, role: str) -> None:
    """On a 390 px screen every page fits its width (a wide table scrolls inside its own box, not the page)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _log_in(page, server, role)
    too_wide = {}
    for name, path in ROLE_PAGES:
        response = page.goto(f"{server}{path}")
        assert response is not None
        if response.status != 200:
            continue
        if page.locator(".map").count():
            _drawn(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            too_wide[name] = width
            _shot(page, f"phone-{role}-{name}")
    context.close()
    assert too_wide == {}


def test_metric_help_opens_from_the_keyboard_and_by_a_tap(page: Page, server: str) -> None:
    page.goto(f"{server}/schools/")
    tip = page.locator("th details.help").first
    assert tip.locator(".tip").is_hidden()
    tip.locator("summary").focus()
    page.keyboard.press("Enter")
    assert tip.locator(".tip").is_visible() and "More" in tip.locator(".tip").inner_text()
    _shot(page, "metric-help-open")
    page.keyboard.press("Enter")
    assert tip.locator(".tip").is_hidden()
    tip.locator("summary").click()  # a tap is a click to the page
    assert tip.locator(".tip").is_visible()


@OWN_TRUSTS
def test_the_school_map_shows_its_backbone_past_60_schools_with_a_control(browser: Browser,
                                                                         trust_of_size: tuple) -> None:
    schools, url = trust_of_size
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    _log_in(tab, url, "admin", purpose=False)
    tab.goto(f"{url}/map/")
    drawn = _drawn(tab)
    if schools <= 60:  # 61 with the central team at 60: the backbone is the default past 60 schools or 400 lines
        assert tab.locator("nav.links-toggle").count() == (1 if schools == 60 else 0)
    note = tab.locator(".map-note")
    _shot(tab, f"map-schools-backbone-{schools}-schools")
    if schools >= 60:
        assert "links between schools are drawn" in note.inner_text() and "choose “all links”" in note.inner_text()
        tab.locator("nav.links-toggle a", has_text="all links").click()
        every = _drawn(tab)
        assert every["edges"] > drawn["edges"]
        assert tab.locator(".map-note").inner_text().startswith(f"All {every['edges']:,} links between schools")
        _shot(tab, f"map-schools-all-links-{schools}-schools")
    context.close()


def test_a_big_schools_staff_map_groups_its_people_by_role(page: Page, server: str) -> None:
    page.goto(f"{server}/map/?view=staff&school=SCH01")
    _drawn(page)
    labels = page.evaluate("""() => window.netmapMaps[0].nodes.get({filter: n => n.key.includes('\\x1erole:')})
        .map(n => n.name)""")
    assert any(label.startswith("teacher (") for label in labels)
    _shot(page, "map-staff-school-grouped")
