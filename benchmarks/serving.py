"""`netmap serve` (waitress) under load: many users on loopback requesting the pages people use, with the
latencies they see and the memory and CPU of the serving process. A load generator, bounded in time and requests.
python -m benchmarks.serving --db STORE --out RESULT.json (the store's latest snapshot, its analysis kept)."""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psutil

# The pages people use, in the proportions they use them (issue 33: dashboard, schools, people, groups, school
# staff maps, secondments), as one cycle of 20 requests; {school} and {person} go round a spread of the snapshot's
# schools (its isolated ones first, whose pages rank secondees) and staff, so that many islands are drawn at once.
MIX = (("/", 3), ("/schools/", 2), ("/schools/{school}", 4), ("/staff/?sort=betweenness", 2), ("/staff/{person}", 3),
       ("/groups/", 1), ("/map/data?view=staff&school={school}", 3), ("/secondments/?school={school}", 2))
SPREAD = 12  # schools and people the mix goes round


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:  # the login's redirect is not followed: the first page is timed
        return None


def _login(base: str, user: str, password: str) -> str:
    """The session cookie after logging in through the login form (CSRF token included); the dashboard the
    login redirects to is not fetched, so the benchmark's first request is the first page the server builds."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), NoRedirect())
    html = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token, "no CSRF token on the login page"
    form = urllib.parse.urlencode({"name": user, "password": password, "csrf_token": token.group(1)}).encode()
    try:
        opener.open(f"{base}/login", data=form).read()
    except urllib.error.HTTPError as redirect:  # 302 to the dashboard, not followed
        if redirect.code != 302:
            raise
    jar = next(h for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)).cookiejar
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def start_server(db: Path, users_db: Path, neo4j_uri: str | None = None) -> tuple[str, subprocess.Popen[bytes]]:
    """`netmap serve` on a free loopback port over `db`, or the Neo4j at `neo4j_uri` (plain HTTP allowed: the
    load generator is not a browser); its address and process. The caller terminates it."""
    port = _free_port()
    env = {**os.environ, "NETMAP_DB": str(db), "NETMAP_USERS_DB": str(users_db), "NETMAP_ALLOW_HTTP": "1",
           "NETMAP_SECRET_KEY": "benchmark", "NETMAP_REQUIRE_MFA": "0",  # pages measured, not the login
           **({"NETMAP_NEO4J_URI": neo4j_uri} if neo4j_uri else {})}
    server = subprocess.Popen([sys.executable, "-c", "from netmap.cli import main; main()", "serve", "--port",
                               str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return f"http://127.0.0.1:{port}", server


def wait_until_up(base: str, limit_s: float = 120) -> float:
    """Seconds until the server answers its login page (OSError after `limit_s`)."""
    started = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(f"{base}/login", timeout=5).read()
            return time.perf_counter() - started
        except OSError:
            if time.perf_counter() - started > limit_s:
                raise
            time.sleep(0.1)


def cycle() -> list[str]:
    """MIX as one cycle of page templates, each page's turns spread through it (not all of one page together)."""
    turns = sorted(((k + 0.5) / weight, page) for page, weight in MIX for k in range(weight))
    return [page for _, page in turns]


def chosen(db: Path) -> tuple[list[str], list[str]]:
    """(schools, people) the mix goes round: the snapshot's isolated schools first, then schools spread evenly
    over the rest; staff in post spread evenly (from the store and its kept analysis, read in this process)."""
    from netmap.snapshot import Snapshot
    from netmap.store import SQLiteStore

    with SQLiteStore(db) as store:
        snapshot = Snapshot.open(store)
        kept = snapshot.kept_analysis()
        if kept is None:
            raise SystemExit(f"{db} keeps no analysis for its latest snapshot: run `netmap analyse` first")
        schools, staff = kept.schools, kept.staff
    isolated = list(schools.loc[schools["is_isolated"].astype(bool), "school_id"])[:SPREAD // 3]
    rest = [s for s in schools["school_id"] if s not in isolated]
    spread = [rest[k * len(rest) // (SPREAD - len(isolated))] for k in range(SPREAD - len(isolated))]
    people = [str(staff["staff_id"].iloc[k * len(staff) // SPREAD]) for k in range(SPREAD)]
    return [str(s) for s in isolated + spread], people


def bench_serving(db: Path, users_db: Path, user: str, password: str, *, clients: int = 50,
                  requests_each: int = 12, timeout_s: float = 600) -> dict[str, Any]:
    """Start `netmap serve` on a free port, time its first request, then `clients` threads each request the
    pages of the mix in turn `requests_each` times; p50/p95/max latency (also by page), errors, the server's peak
    memory and CPU, and the load average."""
    schools, people = chosen(db)
    pages = cycle()

    def page_for(k: int, i: int) -> str:
        template = pages[(k + i) % len(pages)]
        return template.format(school=schools[(k + 3 * i) % len(schools)], person=people[(k + 5 * i) % len(people)])

    base, server = start_server(db, users_db)
    process = psutil.Process(server.pid)
    peak = [0.0]
    stop = threading.Event()

    def watch_memory() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], process.memory_info().rss / 2**20)
            except psutil.Error:
                return
            time.sleep(0.05)

    threading.Thread(target=watch_memory, daemon=True).start()
    try:
        startup_s = wait_until_up(base)
        cookie = _login(base, user, password)

        def fetch(path: str) -> tuple[float, int]:
            request = urllib.request.Request(base + path, headers={"Cookie": cookie})
            begin = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            return time.perf_counter() - begin, status

        first_s, first_status = fetch("/")
        latencies: list[float] = []
        by_page: dict[str, list[float]] = {}
        errors = [0]
        failed: list[str] = []  # "STATUS PATH" of each answer that was not 200, so that a failure says what failed
        deadline = time.perf_counter() + timeout_s
        lock = threading.Lock()

        def client(k: int) -> None:
            for i in range(requests_each):
                if time.perf_counter() > deadline:
                    return
                path = page_for(k, i)
                seconds, status = fetch(path)
                with lock:
                    latencies.append(seconds)
                    by_page.setdefault(pages[(k + i) % len(pages)], []).append(seconds)
                    errors[0] += status != 200
                    if status != 200:
                        failed.append(f"{status} {path}")

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        load_start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - load_start
        cpu = process.cpu_times()
        load_average = os.getloadavg()
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
    ordered = sorted(latencies)
    return {"startup_s": startup_s, "first_request_s": first_s, "first_request_status": first_status,
            "clients": clients, "requests": len(latencies), "errors": errors[0], "wall_s": wall,
            "requests_per_s": len(latencies) / wall if wall else None,
            "p50_s": statistics.median(ordered) if ordered else None,
            "p95_s": ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
            "max_s": ordered[-1] if ordered else None, "server_peak_rss_mb": peak[0],
            "server_cpu_s": cpu.user + cpu.system, "load_average": load_average, "mix": dict(MIX),
            "schools": schools, "people": people,
            "by_page": {page: {"requests": len(times), "p50_s": statistics.median(times),
                               "p95_s": sorted(times)[int(0.95 * (len(times) - 1))], "max_s": max(times)}
                        for page, times in sorted(by_page.items())},
            "failed": failed}


def cpu_by_page(db: Path) -> dict[str, dict[str, dict[str, float]]]:
    """CPU seconds of each page of the mix in this process (the app's test client, no HTTP), over the same
    schools and people: "cold" the first time each is asked for, "warm" the second; what a page costs the server
    whatever else the machine runs (the latencies under load are wall-clock)."""
    from benchmarks.runner import bench_app

    schools, people = chosen(db)
    _, client = bench_app(db, Path(tempfile.mkdtemp()) / "users.db")
    found: dict[str, dict[str, dict[str, float]]] = {}
    for round_ in ("cold", "warm"):
        for page, _ in MIX:
            cpu = []
            for school, person in zip(schools, people, strict=True):
                start = time.process_time()
                status = client.get(page.format(school=school, person=person)).status_code
                cpu.append(time.process_time() - start)
                if status != 200:
                    raise SystemExit(f"{page} answered {status}")
            found.setdefault(round_, {})[page] = {"mean_cpu_s": sum(cpu) / len(cpu), "max_cpu_s": max(cpu)}
    return found


def main() -> None:
    from benchmarks.runner import _machine
    from webapp.accounts import Accounts

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests-each", type=int, default=12)
    args = parser.parse_args()
    users = Path(tempfile.mkdtemp()) / "users.db"
    with Accounts(users) as accounts:
        accounts.users.add("load", "admin", "load-test-password")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent, check=False).stdout.strip()
    by_page = cpu_by_page(args.db)
    result = {"db": str(args.db), "commit": commit, "machine": _machine(), "in_process_cpu_by_page": by_page,
              **bench_serving(args.db, users, "load", "load-test-password", clients=args.clients,
                              requests_each=args.requests_each)}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("by_page", "machine", "schools", "people")},
                     indent=2))


if __name__ == "__main__":
    main()
