"""Time to first draw of the big maps in Chromium (issue 29, item 6): from navigation to vis-network's first
`afterDrawing`, and separately the map's JSON request, on the 25-school trust (W1) and the connected 150-school,
12,000-staff trust (L1): its school map (backbone, and every link) and its largest school's staff map.

    python -m benchmarks.first_draw --out benchmarks/results/DATE-first-draw.json [--runs 5] [--sizes S,L1]

Debian's Chromium through Playwright, launched as tests/browser.py launches it; the app served by waitress (as
`netmap serve`) on loopback. Each page is loaded `--runs` times in a fresh tab (the browser's cache keeps the
vendored scripts, as a user's would after the first page); the median and best are kept, with the load average
before and after (the benchmark machine is shared: a loaded machine stretches every time). map.js keeps the timings:
the JSON in, the names' font ready (`font_wait_ms`: how long the draw waited for it after the JSON), the DataSets made
(`datasets_ms`), `new vis.Network` (`build_ms`) and the first frame.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.runner import HUB_SCHOOLS, SEED, SIZES, _machine, bench_app, log_in_browser

TIMINGS = """() => { const m = window.netmapMaps[0];
    const data = performance.getEntriesByType('resource').find(e => e.name.includes('/map/data'));
    return {navigation_to_draw_ms: m.timings.drawn, fetch_to_draw_ms: m.firstDraw,
            json_request_ms: data.responseEnd - data.requestStart, json_kb: data.encodedBodySize / 1024,
            font_wait_ms: Math.max(0, m.timings.font - m.timings.json),
            datasets_ms: m.timings.received - Math.max(m.timings.json, m.timings.font),
            build_ms: m.timings.built - m.timings.received, first_frame_ms: m.timings.drawn - m.timings.built,
            nodes: m.nodes.length, edges: m.edges.length}; }"""


def _app(work: Path, size: str) -> tuple[Any, str]:
    """The app over a generated trust of `size` (loaded, analysed), and its largest school's id."""
    import pandas as pd

    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample
    from netmap.store import SQLiteStore

    schools, staff = SIZES[size]
    hubs = {"hub_schools": HUB_SCHOOLS[size]} if size in HUB_SCHOOLS else {}
    generate_sample(work / "trust", schools=schools, staff=staff, seed=SEED, **hubs)
    largest = str(pd.read_csv(work / "trust" / "staff.csv", dtype=str)["school_id"].value_counts().index[0])
    with SQLiteStore(work / "store.db") as store:
        store.write_snapshot(read_trust(work / "trust")[0], "2026-07-01", source="bench")
    app, client = bench_app(work / "store.db", work / "users.db")
    assert client.get("/map/data").status_code in (200, 503), "the benchmark user could not log in"
    while client.get("/map/data").status_code == 503:  # analysed in the background: wait, then time the pages
        time.sleep(0.5)
    client.get("/map/data?view=schools&links=all")
    return app, largest


def _pages(size: str, largest: str) -> dict[str, str]:
    pages = {"school_map": "/map/"}
    if size != "S":
        pages["school_map_all_links"] = "/map/?links=all"
        pages["largest_school_staff_map"] = f"/map/?view=staff&school={largest}"
    return pages


def _measure(app: Any, pages: dict[str, str], runs: int) -> dict[str, Any]:
    """Each page's timings (TIMINGS) over `runs` loads: median and best of each, and the last run's counts; and
    the first load's (`first_load`: the server builds the map, its layout and names for the first time, not
    counted in the median)."""
    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    http = create_server(app, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=http.run, daemon=True).start()
    base = f"http://127.0.0.1:{http.effective_port}"
    found: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        log_in_browser(page, base)
        page.close()
        for label, path in pages.items():
            samples = []
            for _run in range(runs + 1):  # the first load warms the server's layout cache: not counted
                tab = context.new_page()
                tab.goto(base + path)
                tab.locator(".map[data-drawn=true]").wait_for(timeout=120_000)
                samples.append(tab.evaluate(TIMINGS))
                tab.close()
            first, samples = samples[0], samples[1:]
            found[label] = {key: {"median": statistics.median(s[key] for s in samples),
                                  "best": min(s[key] for s in samples), "first_load": first[key]}
                            for key in samples[0] if key not in ("nodes", "edges")}
            found[label].update(nodes=samples[-1]["nodes"], edges=samples[-1]["edges"], path=path)
        browser.close()
    http.close()
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.first_draw", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="S,L1", help="Comma-separated sizes of benchmarks.runner.SIZES.")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": _machine(), "runs": args.runs, "load_average_before": os.getloadavg()}
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="netmap-first-draw-") as tmp:
            app, largest = _app(Path(tmp), size)
            results[size] = {"schools": SIZES[size][0], "staff": SIZES[size][1],
                             "load_average": os.getloadavg(), **_measure(app, _pages(size, largest), args.runs)}
    results["load_average_after"] = os.getloadavg()
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
