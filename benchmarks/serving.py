"""`netmap serve` (waitress) under load: many users on loopback requesting the pages people use, with the
latencies they see and the memory of the serving process. A load generator, bounded in time and requests."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psutil

PAGES = ("/", "/schools/", "/groups/", "/wiring/", "/map/data", "/staff/?sort=betweenness")


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


def bench_serving(db: Path, users_db: Path, user: str, password: str, *, clients: int = 50,
                  requests_each: int = 12, timeout_s: float = 600) -> dict[str, Any]:
    """Start `netmap serve` on a free port, time its first request, then `clients` threads each request the
    pages in turn `requests_each` times; p50/p95/max latency, errors, and the server's peak memory."""
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
        errors = [0]
        failed: list[str] = []  # "STATUS PATH" of each answer that was not 200, so that a failure says what failed
        deadline = time.perf_counter() + timeout_s
        lock = threading.Lock()

        def client(k: int) -> None:
            for i in range(requests_each):
                if time.perf_counter() > deadline:
                    return
                seconds, status = fetch(PAGES[(k + i) % len(PAGES)])
                with lock:
                    latencies.append(seconds)
                    errors[0] += status != 200
                    if status != 200:
                        failed.append(f"{status} {PAGES[(k + i) % len(PAGES)]}")

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        load_start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - load_start
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
            "max_s": ordered[-1] if ordered else None, "server_peak_rss_mb": peak[0], "pages": list(PAGES),
            "failed": failed}
