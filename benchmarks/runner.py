"""Measure netmap against reference implementations in the same run, on trusts from netmap's own generator.

Each measure is reported next to its reference, so the ratio holds on any machine:
- load: validate + load rows/s into the embedded store, against SQLite's raw executemany of the same rows in
  one transaction (the ceiling);
- analyse: seconds per metric family and in total, and peak memory, against igraph computing betweenness,
  constraint, components, core numbers and Louvain on the same graph;
- web: server time and payload of the school map and a one-school staff map, and time to first draw in
  headless Chromium when it is installed;
- recommend: ranking secondees for one school.
Never run as timed assertions in the test suite: tests/test_benchmarks.py only checks the runner works.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
SIZES = {  # name: (schools, staff); about 10 reported ties per person
    "tiny": (6, 300),
    "XS": (5, 500),          # the smallest trusts
    "S": (24, 2_000),        # W1: one trust
    "L": (150, 12_000),      # W2: the largest trusts (six 25-school hubs side by side)
    "L1": (150, 12_000),     # W2 as one connected trust: every school in one hub
    "XL": (10_000, 500_000), # W3: every academy in England
}
HUB_SCHOOLS = {"L1": 150}  # sizes generated as one hub; the rest use the generator's 25-school hubs
SEED = 7
STEPS = ("load", "neo4j", "analyse", "web", "serve", "recommend", "compare", "survey")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def bench_load(folder: Path, work: Path, repeats: int) -> dict:
    """Validate + load into the embedded store against SQLite's raw executemany of the same rows, each the
    best of `repeats` runs into a fresh database (the first store is the one later steps read)."""
    from netmap.contract import TABLE_NAMES, table_spec
    from netmap.ingest.validate import read_trust
    from netmap.store import SQLiteStore

    ours: list[tuple[float, float]] = []
    raws: list[float] = []
    for run in range(repeats):
        (dataset, _), validate_s = _timed(lambda: read_trust(folder))
        store = SQLiteStore(work / ("bench.db" if run == 0 else f"bench-{run}.db"))
        _, load_s = _timed(lambda s=store, d=dataset: s.write_snapshot(d, "2026-07-01", source="bench"))
        store.close()
        ours.append((validate_s, load_s))
        raw = sqlite3.connect(work / f"raw-{run}.db", isolation_level=None)
        tables = {}
        for name in TABLE_NAMES:
            columns = table_spec(name).column_names
            raw.execute(f"CREATE TABLE {name} ({', '.join(columns)})")  # noqa: S608 - fixed contract names
            tables[name] = (f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})",  # noqa: S608
                            list(dataset.table(name)[list(columns)].itertuples(index=False, name=None)))

        def raw_insert(connection: sqlite3.Connection = raw, batches: dict = tables) -> None:
            connection.execute("BEGIN")
            for sql, values in batches.values():
                connection.executemany(sql, values)
            connection.execute("COMMIT")

        raws.append(_timed(raw_insert)[1])
        raw.close()
    rows = sum(dataset.counts().values())
    validate_s, load_s = min(ours, key=sum)
    raw_s = min(raws)
    rate = rows / (validate_s + load_s)
    reference_s = min(_pandas_reference(folder, dataset, work) for _ in range(repeats))
    return {"rows": rows, "repeats": repeats, "validate_s": validate_s, "load_s": load_s, "rows_per_s": rate,
            "raw_executemany_s": raw_s, "raw_rows_per_s": rows / raw_s, "share_of_raw": rate / (rows / raw_s),
            "pandas_reference_s": reference_s, "share_of_pandas_reference": reference_s / (validate_s + load_s),
            "runs": {"validate_and_load_s": [v + w for v, w in ours], "raw_executemany_s": raws},
            "peak_rss_mb": _peak_mb()}


def _pandas_reference(folder: Path, dataset: Any, work: Path) -> float:
    """What any loader must do at least: pandas reading the same CSV files, then writing (and syncing) the same
    bytes the embedded store writes, with no checking at all."""
    import pandas as pd

    from netmap.store.sqlite import _parts_of

    payload = b"".join(part[3] for part in _parts_of(dataset))
    start = time.perf_counter()
    for path in sorted(folder.glob("*.csv")):
        pd.read_csv(path, dtype=str, keep_default_na=False)
    with (work / "reference.bin").open("wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    return time.perf_counter() - start


def bench_analyse(db: Path, work: Path) -> tuple[dict, Any, Any]:
    """`netmap analyse` as a user runs it (its own process: wall time and peak memory), then the same analysis
    in this process for seconds per metric family, next to igraph on the same graph."""
    import igraph as ig

    from netmap.analysis import analyse_snapshot
    from netmap.graphs import active_staff, active_ties, build_graphs
    from netmap.store import SQLiteStore

    command = [sys.executable, "-c", "from netmap.cli import main; main()", "analyse", "--db", str(db),
               "--out", str(work / "analysis")]
    _, command_s = _timed(lambda: subprocess.run(command, check=True, capture_output=True))
    command_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with SQLiteStore(db) as store:
        info = store.snapshot(None)
        dataset, read_s = _timed(lambda: store.read_dataset(info.snapshot_id))
    analysis, total_s = _timed(lambda: analyse_snapshot(dataset, info.as_of))
    ours = dict(analysis.timings)
    people = list(active_staff(dataset, info.as_of)["staff_id"])
    index = {person: i for i, person in enumerate(people)}
    ties = active_ties(dataset, info.as_of, set(people))
    g = ig.Graph(n=len(people), edges=list(zip(ties["source_staff_id"].map(index), ties["target_staff_id"].map(index),
                                               strict=True)))
    g.simplify()  # the graph netmap analyses, U: one edge per pair of people, however many tie rows join them
    reference = {}
    for name, work_fn in (("betweenness", lambda: g.betweenness(directed=False)),
                          ("constraint", g.constraint),
                          ("components", g.connected_components),
                          ("core numbers", g.coreness),
                          ("louvain", g.community_multilevel)):
        reference[name] = _timed(work_fn)[1]
    comparable = ours["betweenness"] + ours["structural holes"] + ours["cores and communities"]
    igraph_same = sum(reference.values())
    summary = analysis.summary
    result = {"staff": summary["counts"]["staff"], "soft_ties": summary["counts"]["soft_ties"],
              "command_s": command_s, "command_peak_rss_mb": command_peak_mb,
              "read_dataset_s": read_s, "analyse_total_s": total_s, "families_s": ours, "igraph_s": reference,
              "comparable_netmap_s": comparable, "igraph_total_s": igraph_same,
              "ratio_to_igraph": comparable / igraph_same,
              "average_path": {k: summary["average_shortest_path"][k] for k in ("exact", "nodes", "sample_size",
                                                                                 "standard_error")}}
    graphs = build_graphs(dataset, info.as_of)
    result["igraph_edges"], result["netmap_edges"] = g.ecount(), graphs.undirected.number_of_edges()
    result["path_sampling_check"] = _path_sampling_error(graphs.undirected)
    return result, graphs, analysis


def _path_sampling_error(undirected: Any) -> dict:
    """The sampled average shortest path (used above `exact_path_limit` staff) against the exact value, on the
    largest component: how far the estimate falls from the truth, in steps and in its own standard errors."""
    import networkx as nx

    from netmap.analysis.centrality import average_path_length

    largest = undirected.subgraph(max(nx.connected_components(undirected), key=len))
    n = largest.number_of_nodes()
    exact = average_path_length(largest, exact_limit=n)
    sampled = average_path_length(largest, exact_limit=0, sample_size=500, seed=42)
    error = sampled.value - exact.value
    return {"nodes": n, "exact": exact.value, "sampled": sampled.value, "sample_size": sampled.sample_size,
            "standard_error": sampled.standard_error, "error": error,
            "error_in_standard_errors": error / sampled.standard_error if sampled.standard_error else None}


def bench_compare(folder: Path, db: Path) -> dict:
    """`netmap compare` between the snapshot loaded and the same trust four months later (people who joined or
    left, ties that began or fell out of the tie window in between), as a user runs it in its own process (wall
    time and that process's peak memory), then compare() alone in this process. Both snapshots' analyses are kept
    first, as after `netmap load`: the command measures reading, building the graphs and comparing."""
    import datetime as dt

    from netmap.analysis.compare import Snapshot, compare
    from netmap.graphs import build_graphs
    from netmap.ingest.validate import read_trust
    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore

    with SQLiteStore(db) as store:
        first = store.snapshot(None)
        later = (dt.date.fromisoformat(first.as_of) + dt.timedelta(days=120)).isoformat()
        analysis_of(store, first)
        second = store.write_snapshot(read_trust(folder)[0], later, source="benchmark").snapshot
        analysis_of(store, second)
        sides = [(store.read_dataset(s.snapshot_id), s.as_of) for s in (first, second)]
    script = ("import json, resource, sys; from netmap.cli import main; main(sys.argv[1:], standalone_mode=False); "
              "print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))")
    command = [sys.executable, "-c", script, "compare", first.snapshot_id, second.snapshot_id, "--db", str(db)]
    finished, command_s = _timed(lambda: subprocess.run(command, check=True, capture_output=True, text=True))
    peak_mb = int(finished.stdout.strip().splitlines()[-1]) / 1024
    from netmap.analysis import analyse

    snapshots = []
    for dataset, as_of in sides:
        graphs = build_graphs(dataset, as_of)
        snapshots.append(Snapshot(graphs, analyse(graphs)))
    result, compare_s = _timed(lambda: compare(*snapshots))
    return {"before": first.as_of, "after": later, "command_s": command_s, "command_peak_rss_mb": peak_mb,
            "compare_only_s": compare_s, "summary": result.summary}


BENCH_PASSWORD = "benchmark-password"  # the benchmark's admin, "bench"


def bench_app(db: Path, users: Path, warm_up: bool = False) -> tuple[Any, Any]:
    """The web app over the store `db`, its users in `users` with the benchmark's admin ("bench"), and a test
    client logged in as them with a purpose stated (as before person-level maps). Pages are measured, not the
    login: no second factor, no CSRF tokens. With `warm_up`, the app warms new views while idle as `netmap serve`
    does (webapp.warm_up; off by default, as in tests)."""
    from webapp import create_app
    from webapp.accounts import Accounts

    with Accounts(users) as accounts:
        accounts.users.add("bench", "admin", BENCH_PASSWORD)
    app = create_app({"TESTING": True, "NETMAP_DB": db, "NETMAP_USERS_DB": users, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "NETMAP_REQUIRE_MFA": False, "WARM_UP": warm_up})
    client = app.test_client()
    client.post("/login", data={"name": "bench", "password": BENCH_PASSWORD})
    stated = client.post("/purpose/", data={"purpose": "Checking the data's quality", "detail": ""})
    if stated.status_code != 302:
        raise SystemExit(f"the benchmark's admin could not log in and state a purpose: {stated.status_code}")
    return app, client


def bench_web(db: Path, work: Path, school: str) -> dict:
    app, client = bench_app(db, work / "users.db")

    def until_analysed() -> None:  # the app analyses a snapshot without a kept analysis in the background
        while client.get("/map/data").status_code == 503:
            time.sleep(0.2)

    _, warm_s = _timed(until_analysed)
    result: dict[str, Any] = {"first_request_with_analysis_s": warm_s}
    for label, path in (("school_map", "/map/data"),
                        ("school_map_around_one_school", f"/map/data?view=schools&school={school}"),
                        ("one_school_staff_map", f"/map/data?view=staff&school={school}"),
                        ("whole_trust_staff_map", "/map/data?view=staff")):
        response, seconds = _timed(lambda p=path: client.get(p))
        data = response.get_json()
        result[label] = {"server_s": seconds, "payload_kb": len(response.data) / 1024,
                         "nodes": len(data["nodes"]), "edges": len(data["edges"]), "message": data["message"]}
    result["first_draw_ms"] = _first_draw(app, school)
    return result


def _first_draw(app: Any, school: str) -> dict | str:
    """Milliseconds from fetching each map's data to vis-network's first frame, in headless Chromium."""
    import threading

    if not Path("/usr/bin/chromium").exists():
        return "chromium not installed"
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    draws = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log_in_browser(page, base)
        for label, path in (("school_map", "/map/"),
                            ("school_map_around_one_school", f"/map/?show=schools&school={school}"),
                            ("one_school_staff_map", f"/map/?view=staff&school={school}"),
                            ("whole_trust_staff_map", "/map/?view=staff")):
            page.goto(base + path)
            page.locator(".map[data-drawn=true]").wait_for(timeout=120_000)
            draws[label] = page.evaluate("window.netmapMaps[0].firstDraw")
        browser.close()
    http.shutdown()
    return draws


def log_in_browser(page: Any, base: str) -> None:
    """Log the benchmark's admin ("bench") in at `base` in a Playwright page and state a purpose, as a user does
    before person-level maps."""
    page.goto(f"{base}/login")
    page.fill("input[name=name]", "bench")
    page.fill("input[name=password]", BENCH_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/purpose/")
    page.select_option("select[name=purpose]", "Checking the data's quality")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def bench_neo4j_load(folder: Path) -> dict:
    """Validate + load into a live Neo4j (tools/neo4j-launcher on loopback) next to the embedded store's figure."""
    from benchmarks.neo4j_server import neo4j_server, unavailable
    from netmap.ingest.validate import read_trust
    from netmap.store.neo4j import Neo4jStore

    reason = unavailable()
    if reason:
        return {"skipped": reason}
    dataset, _ = read_trust(folder)
    rows = sum(dataset.counts().values())
    with neo4j_server() as uri, Neo4jStore(uri, user="neo4j", password=None, database="neo4j") as store:
        store.init_schema()
        _, load_s = _timed(lambda: store.write_snapshot(dataset, "2026-07-01", source="bench"))
    return {"rows": rows, "load_s": load_s, "rows_per_s": rows / load_s, "batch_size": store.batch_size}


def bench_serve(db: Path, work: Path) -> dict:
    """`netmap serve` under 50 concurrent users on loopback (benchmarks/serving.py)."""
    from benchmarks.serving import bench_serving
    from webapp.accounts import Accounts

    users = work / "serve-users.db"
    with Accounts(users) as accounts:
        accounts.users.add("load", "admin", "load-test-password")
    return bench_serving(db, users, "load", "load-test-password")


def bench_recommend(graphs: Any, analysis: Any, school: str) -> dict:
    from netmap.analysis.planner import Planner

    planner, init_s = _timed(lambda: Planner(graphs, analysis))
    ranked, rank_s = _timed(lambda: planner.recommend(school))
    return {"school": school, "planner_init_s": init_s, "recommend_s": rank_s, "total_s": init_s + rank_s,
            "candidates": len(ranked)}


def run(size: str, only: set[str], out: Path | None = None) -> dict:
    from netmap.sample.generator import generate_sample

    schools, staff = SIZES[size]
    hubs = {"hub_schools": HUB_SCHOOLS[size]} if size in HUB_SCHOOLS else {}
    with tempfile.TemporaryDirectory(prefix="netmap-bench-") as tmp:
        work = Path(tmp)
        trust, generate_s = _timed(lambda: generate_sample(work / "trust", schools=schools, staff=staff, seed=SEED,
                                                            **hubs))
        target = trust.isolated_schools[0] if trust.isolated_schools else "SCH01"
        results: dict[str, Any] = {
            "size": size, "schools": schools, "staff": staff, "seed": SEED, "generate_s": generate_s,
            "counts": trust.counts, "date": dt.date.today().isoformat(), "machine": _machine()}
        # every later step reads the store this writes; three runs each side, one at XL (each takes a minute)
        results["load"] = bench_load(work / "trust", work, repeats=1 if size == "XL" else 3)
        if "analyse" in only or "recommend" in only:
            results["analyse"], graphs, analysis = bench_analyse(work / "bench.db", work)
            if "recommend" in only:
                results["recommend"] = bench_recommend(graphs, analysis, target)
        if "web" in only:
            first_school = (work / "trust" / "schools.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
            results["web"] = bench_web(work / "bench.db", work, first_school)
        if "serve" in only:
            results["serve"] = bench_serve(work / "bench.db", work)
        if "survey" in only:
            from benchmarks.survey_load import bench_survey_load
            from benchmarks.survey_search import bench_survey_search

            results["survey"] = bench_survey_search(work / "bench.db")
            results["survey_submissions"] = bench_survey_load(work / "bench.db", work / "survey-users.db")
        if "compare" in only:  # after the web steps: it adds a later snapshot, which they would read instead
            results["compare"] = bench_compare(work / "trust", work / "bench.db")
        if "neo4j" in only:  # last: the JVM it starts would count in the analyse command's peak memory (RUSAGE)
            results["neo4j_load"] = bench_neo4j_load(work / "trust")
    target_file = out or RESULTS / f"{results['date']}-{size}.json"
    target_file.parent.mkdir(parents=True, exist_ok=True)
    target_file.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return results


def _machine() -> dict:
    import igraph
    import networkx
    import pandas

    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "networkx": networkx.__version__, "igraph": igraph.__version__, "pandas": pandas.__version__,
            "sqlite": sqlite3.sqlite_version}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--only", default=",".join(STEPS), help=f"Comma-separated subset of {', '.join(STEPS)}.")
    parser.add_argument("--out", type=Path, default=None, help="Results file (default benchmarks/results/).")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if not only <= set(STEPS):
        parser.error(f"--only takes {', '.join(STEPS)}")
    results = run(args.size, only, args.out)
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2, default=str))
