"""The maps' names are drawn in the DejaVu Sans the app serves (webapp/static/fonts, app.css's @font-face), the
font the server measured them in (netmap.layout.labels.text_width), whatever the computer has installed; map.js
waits for it before the first draw. And the map the page draws from the packed JSON (webapp/map_wire.py) is the
map the plain JSON describes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

from netmap.layout.labels import LABEL_PX, text_width
from tests.browser import _log_in, serve_small_trust

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("tests/test_browser_map_font.py")]

MONO = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSansMono.ttf"
SAMPLES = ["Oakfield Academy", "Saint Mary's Church of England Primary", "mmmm iiii llll WWWW 1234"]
MEASURE = """(given) => { const m = window.netmapMaps[0];
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = given.font;
    ctx.fontKerning = 'none';  // the server's widths ignore kerning (it only ever narrows a name)
    return {widths: given.samples.map(s => ctx.measureText(s).width), timings: m.timings,
            faces: [...document.fonts].map(f => [f.family.replaceAll('"', ''), f.status])}; }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for address, _store in serve_small_trust(tmp_path_factory, "font"):
        yield address


def _measured(browser: object, server: str, font: bytes | None = None) -> dict:
    """The sample names' widths in the map's font, in a fresh browser context (nothing cached) on the school map;
    with `font`, those bytes served in place of the app's DejaVu Sans."""
    from netmap.layout.labels import LABEL_FONT

    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    if font is not None:
        page.route("**/static/fonts/DejaVuSans.ttf",
                   lambda route: route.fulfill(body=font, content_type="font/ttf"))
    _log_in(page, server, "admin", purpose=False)
    page.goto(f"{server}/map/")
    page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)
    found: dict = page.evaluate(MEASURE, {"font": f"{LABEL_PX}px {LABEL_FONT}", "samples": SAMPLES})
    context.close()
    return found


def test_names_are_measured_in_the_served_dejavu_sans_before_the_first_draw(browser: object, server: str) -> None:
    found = _measured(browser, server)
    assert ["DejaVu Sans", "loaded"] in found["faces"]
    timings = found["timings"]
    assert timings["font"] <= timings["received"] <= timings["built"] <= timings["drawn"]  # waited for, then drawn
    for sample, width in zip(SAMPLES, found["widths"], strict=True):
        assert width == pytest.approx(text_width(sample), abs=0.5), sample


def test_the_served_font_wins_over_an_installed_one(browser: object, server: str) -> None:
    """Served another font's file (DejaVu Sans Mono's) under DejaVu Sans's name, the page measures in it, not in the
    DejaVu Sans this computer has installed: the canvas uses the app's file, as on a computer without DejaVu."""
    found = _measured(browser, server, MONO.read_bytes())
    for sample, width in zip(SAMPLES, found["widths"], strict=True):
        assert width == pytest.approx(LABEL_PX * 0.602 * len(sample), abs=0.5), sample  # Mono: 1233/2048 an em
        assert abs(width - text_width(sample)) > 5


def test_the_page_draws_the_map_the_plain_json_describes(browser: object, server: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    _log_in(page, server, "admin")
    page.goto(f"{server}/map/?view=staff&school=SCH01&hard=1")
    page.locator(".map[data-drawn=true]").wait_for(timeout=60_000)
    drawn, plain = page.evaluate("""async () => { const m = window.netmapMaps[0];
        const plain = await (await fetch('/map/data?view=staff&school=SCH01&hard=1')).json();
        return [{nodes: m.nodes.get().map(n => [n.key, n.x, n.y, n.shape, JSON.stringify(n.color), n.title]),
                 edges: m.edges.get().map(e => [e.from, e.to, e.color, e.layer, e.title, e.width])}, plain]; }""")
    context.close()
    assert "packed" not in plain and len(plain["nodes"]) > 20
    assert sorted(drawn["nodes"]) == sorted(
        [n["id"], round(n["x"], 2), round(n["y"], 2), n.get("shape"), _json(n.get("color")), n.get("title")]
        for n in plain["nodes"])
    assert drawn["edges"] == [["node:" + e["from"], "node:" + e["to"], e.get("color"), e.get("layer"), e.get("title"),
                               e.get("width")] for e in plain["edges"]]


def _json(value: object) -> str | None:
    """JSON.stringify's text of a colour (a string or {background, border}), keys in the server's order."""
    import json

    return None if value is None else json.dumps(value, separators=(",", ":"))
