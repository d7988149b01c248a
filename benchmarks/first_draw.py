"""Time to first draw of the big maps in Chromium (issue 29, item 6): from navigation to vis-network's first
`afterDrawing`, and separately the map's JSON request, on the 25-school trust (W1) and the connected 150-school,
12,000-staff trust (L1): its school map (backbone, and every link) and its largest school's staff map; warm (the
map opened again) and cold (the first opening of each map after the server starts).

    python -m benchmarks.first_draw --out benchmarks/results/DATE-first-draw.json [--runs 5] [--sizes S,L1]
        [--cold-runs 3]

Debian's Chromium through Playwright, launched as tests/browser.py launches it; the app served by waitress (as
`netmap serve`, warming new views while idle: webapp.warm_up) on loopback, over a store whose snapshot is already
analysed (as after a restart). Warm: each page is loaded `--runs` times in a fresh tab (the browser's cache keeps
the vendored scripts, as a user's would after the first page); the median and best are kept, with the load
average before and after (the benchmark machine is shared: a loaded machine stretches every time). map.js keeps
the timings: the JSON in, the names' font ready (`font_wait_ms`: how long the draw waited for it after the JSON),
the DataSets made (`datasets_ms`), `new vis.Network` (`build_ms`) and the first frame.

Cold: each run starts a new app (nothing computed: a server just started) and a new browser context (nothing
cached: scripts and font fetched too), logs in, and opens the one map: `after_warm_up` once the warm-up begun by
the first page has finished (how long that took after the log-in is `warm_up_wait_s`), `at_once` straight after
the log-in. Beside the times, the CPU the load cost: this process's (the server: the request and the page's
files, and any warm-up still running: `server_cpu_s`), the page's renderer's main thread (CDP's TaskDuration:
`renderer_main_thread_s`) and every process of the browser's (`browser_cpu_by_process`, summed in
`browser_cpu_s`; much of it, the GPU process's and the browser's own, runs beside the page's main thread).
`estimate_s`, the server's CPU plus the renderer's main thread, is the estimate of the load's time on an idle
machine (they run one after the other: the page draws once the JSON is in); `cpu_s`, the server's and every
browser process's, is an upper bound on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.runner import HUB_SCHOOLS, SEED, SIZES, _machine, bench_app, log_in_browser

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}

TIMINGS = """() => { const m = window.netmapMaps[0];
    const data = performance.getEntriesByType('resource').find(e => e.name.includes('/map/data'));
    return {navigation_to_draw_ms: m.timings.drawn, fetch_to_draw_ms: m.firstDraw,
            json_request_ms: data.responseEnd - data.requestStart, json_kb: data.encodedBodySize / 1024,
            font_wait_ms: Math.max(0, m.timings.font - m.timings.json),
            datasets_ms: m.timings.received - Math.max(m.timings.json, m.timings.font),
            build_ms: m.timings.built - m.timings.received, first_frame_ms: m.timings.drawn - m.timings.built,
            nodes: m.nodes.length, edges: m.edges.length}; }"""


def _prepared(work: Path, size: str) -> tuple[Path, str]:
    """A store holding a generated trust of `size`, loaded and analysed (the analysis kept with it, as after a
    restart), and the trust's largest school's id."""
    import pandas as pd

    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample
    from netmap.snapshot import Snapshot
    from netmap.store import SQLiteStore

    schools, staff = SIZES[size]
    hubs = {"hub_schools": HUB_SCHOOLS[size]} if size in HUB_SCHOOLS else {}
    generate_sample(work / "trust", schools=schools, staff=staff, seed=SEED, **hubs)
    largest = str(pd.read_csv(work / "trust" / "staff.csv", dtype=str)["school_id"].value_counts().index[0])
    with SQLiteStore(work / "store.db") as store:
        store.write_snapshot(read_trust(work / "trust")[0], "2026-07-01", source="bench")
        Snapshot.open(store).analyse()
    return work / "store.db", largest


def _app(db: Path, users: Path) -> Any:
    """A new app over `db` (a server just started: nothing computed), warming new views as `netmap serve` does."""
    app, client = bench_app(db, users, warm_up=True)
    while client.get("/").status_code == 503:  # analysed in the background if the store has no analysis yet
        time.sleep(0.5)
    return app


def _serve(app: Any) -> tuple[Any, str]:
    """`app` served by waitress on loopback in a daemon thread: the server and its address."""
    from waitress.server import create_server

    http = create_server(app, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=http.run, daemon=True).start()
    return http, f"http://127.0.0.1:{http.effective_port}"


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

    http, base = _serve(app)
    found: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
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


def _children_cpu() -> dict[int, tuple[str, float]]:
    """Each process this one started, however deep, by pid: its kind (Chromium's --type: renderer, gpu-process,
    utility ...; "browser" for Chromium's own, "driver" for Playwright's) and its CPU seconds (user + system)."""
    import psutil

    found = {}
    for child in psutil.Process().children(recursive=True):
        try:
            times, command = child.cpu_times(), child.cmdline()
        except psutil.Error:  # ended meanwhile
            continue
        kinds = [a.split("=", 1)[1] for a in command if a.startswith("--type=")]
        kind = kinds[0] if kinds else "browser" if "chrom" in " ".join(command[:1]) else "driver"
        found[child.pid] = (kind, times.user + times.system)
    return found


def _cpu_by_kind(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
    """CPU seconds each kind of process spent between two _children_cpu readings."""
    spent: dict[str, float] = {}
    for pid, (kind, cpu) in after.items():
        spent[kind] = round(spent.get(kind, 0.0) + cpu - before.get(pid, (kind, 0.0))[1], 3)
    return spent


def _warm_up_done(timeout: float = 120.0) -> float:
    """Seconds until no warm-up thread (webapp.warm_up) runs in this process, waiting at most `timeout`."""
    started = time.perf_counter()
    while any(t.name.startswith("warm up") for t in threading.enumerate()):
        if time.perf_counter() - started > timeout:
            break
        time.sleep(0.05)
    return time.perf_counter() - started


def _cold_load(browser: Any, db: Path, users: Path, path: str, wait: bool) -> dict[str, Any]:
    """One cold opening of `path`: a new app and a new browser context, logged in, then (with `wait`, once the
    warm-up has finished) the map page loaded: TIMINGS, and the CPU of this process and of the browser's."""
    app, _client = bench_app(db, users, warm_up=True)  # its first page is the browser's: the view made there
    http, base = _serve(app)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    log_in_browser(page, base)
    page.close()
    waited = _warm_up_done() if wait else 0.0
    load = os.getloadavg()
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Performance.enable")
    server, children = time.process_time(), _children_cpu()
    tab.goto(base + path)
    tab.locator(".map[data-drawn=true]").wait_for(timeout=120_000)
    server = time.process_time() - server
    spent = _cpu_by_kind(children, _children_cpu())
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    found = tab.evaluate(TIMINGS)
    context.close()
    http.close()
    _warm_up_done()  # nothing of this run's app left running into the next
    main_thread = metrics.get("TaskDuration", 0.0)
    return {**found, "warm_up_wait_s": round(waited, 3), "server_cpu_s": round(server, 3),
            "renderer_main_thread_s": round(main_thread, 3), "browser_cpu_s": round(sum(spent.values()), 3),
            "estimate_s": round(server + main_thread, 3), "cpu_s": round(server + sum(spent.values()), 3),
            "browser_cpu_by_process": spent, "load_average": load}


def _measure_cold(db: Path, work: Path, pages: dict[str, str], runs: int) -> dict[str, Any]:
    """Each page's cold opening (`_cold_load`), `runs` times after the warm-up and `runs` times at once: every
    run kept, and the median of each figure."""
    from playwright.sync_api import sync_playwright

    found: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        for label, path in pages.items():
            found[label] = {"path": path}
            for mode, wait in (("after_warm_up", True), ("at_once", False)):
                samples = [_cold_load(browser, db, work / f"users-{label}-{mode}-{k}.db", path, wait)
                           for k in range(runs)]
                found[label][mode] = {
                    "median": {key: statistics.median(s[key] for s in samples) for key in samples[0]
                               if key not in ("nodes", "edges", "load_average", "browser_cpu_by_process")},
                    "runs": samples}
        browser.close()
    return found


def _commit() -> str:
    """The checkout's commit (short), "+changes" when it has uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False,
                              cwd=Path(__file__).parent).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("+changes" if git("status", "--porcelain", "--untracked-files=no")
                                                  else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.first_draw", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5, help="Warm loads of each page (after one first load).")
    parser.add_argument("--cold-runs", type=int, default=3,
                        help="Cold openings of each page, after the warm-up and at once (0: none).")
    parser.add_argument("--sizes", default="S,L1", help="Comma-separated sizes of benchmarks.runner.SIZES.")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": _machine(), "commit": _commit(), "runs": args.runs,
                               "cold_runs": args.cold_runs, "load_average_before": os.getloadavg()}
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="netmap-first-draw-") as tmp:
            db, largest = _prepared(Path(tmp), size)
            pages = _pages(size, largest)
            results[size] = {"schools": SIZES[size][0], "staff": SIZES[size][1], "load_average": os.getloadavg()}
            if args.cold_runs:
                results[size]["cold"] = _measure_cold(db, Path(tmp), pages, args.cold_runs)
            if args.runs:
                results[size]["warm"] = _measure(_app(db, Path(tmp) / "users.db"), pages, args.runs)
    results["load_average_after"] = os.getloadavg()
    results["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
