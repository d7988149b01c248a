"""The browser tests' shared parts: Debian's Chromium launched through Playwright (one per test module), the
production server (waitress) serving an app on a loopback port, logging in, screenshots, and axe-core's
accessibility check. Screenshots go to test-artifacts/screenshots/; the time to first draw of each map that
tests/test_browser.py measures goes to test-artifacts/first-draw.json (measured, never asserted: see benchmarks/).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from netmap.ingest.validate import read_trust
from tests.conftest import REPO, skip_unless_required
from tests.web_helpers import PASSWORD, make_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
SHOTS = ARTIFACTS / "screenshots"
XSS = "<img src=x onerror=alert(1)>"
FIRST_DRAW: dict[str, float] = {}

try:
    from playwright.sync_api import Browser, Page, Playwright, sync_playwright
except ImportError:  # pragma: no cover - reported by the skip below
    sync_playwright = None


def _missing() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
    return None


@contextmanager
def waitress_server(app: Any, port: int = 0, threads: int = 8) -> Iterator[str]:
    """The production server `netmap serve` runs (waitress), serving `app` on a loopback port from a thread; yields
    its address. Stopped in order: the request threads finish first, then the server's own loop closes every
    connection from inside itself. Closing it from outside while a request was in flight (the browser's last fetch)
    wrote to a closed pipe and failed the test that happened to be running."""
    from waitress import wasyncore
    from waitress.server import create_server

    http = create_server(app, host="127.0.0.1", port=port, threads=threads)
    thread = threading.Thread(target=http.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.effective_port}"
    finally:
        http.task_dispatcher.shutdown(timeout=30)  # waits for requests in flight
        http.trigger.pull_trigger(lambda: wasyncore.close_all(http._map))  # the loop ends when its map is empty
        thread.join(timeout=30)
        if thread.is_alive():  # pragma: no cover - a hung server is a failure, not a leak into the next test
            raise RuntimeError("waitress did not stop within 30 s")


def _serve(app: Any) -> Iterator[str]:
    with waitress_server(app) as address:
        yield address


def serve_small_trust(tmp_path_factory: pytest.TempPathFactory, name: str,
                      prepare: Callable[[Path], None] | None = None) -> Iterator[tuple[str, Path]]:
    """A small generated trust of its own (6 schools, 240 staff), served, with its store's path: for a browser
    test that writes snapshots the other tests must not see. `prepare` may edit its files before loading."""
    from netmap.sample.generator import generate_sample

    folder = tmp_path_factory.mktemp(f"{name}-trust") / "trust"
    generate_sample(folder, schools=6, staff=240, seed=3)
    if prepare is not None:
        prepare(folder)
    web = tmp_path_factory.mktemp(f"{name}-web")
    app = make_app(web, read_trust(folder)[0])
    for address in _serve(app):
        yield address, web / "store.db"


def start_playwright() -> Iterator[Playwright]:
    """Playwright's driver, once a worker (a second sync_playwright in the same thread is refused), skipped with the
    reason where it cannot run (failed in CI); on closing, the first-draw times tests/test_browser.py measured are
    written out."""
    skip_unless_required(_missing(), "CI", "the browser tests")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        yield playwright
    if FIRST_DRAW:  # another module's browser (tests/test_browser_survey.py) measures none: it keeps these
        (ARTIFACTS / "first-draw.json").write_text(json.dumps(FIRST_DRAW, indent=2) + "\n", encoding="utf-8")


def launch_chromium(playwright: Playwright, *args: str) -> Browser:
    """Debian's Chromium with the flags a closed network needs, and any `args` more."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", *args])


def _log_in(page: Page, server: str, name: str, purpose: bool = True) -> None:
    """Log in as `name`; with `purpose`, state one as a user does before their first person's page (the purpose
    step itself is tested in test_access.py)."""
    page.goto(f"{server}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    if purpose:
        page.goto(f"{server}/purpose/")
        page.select_option("select[name=purpose]", "Checking the data's quality")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{server}/")


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


AXE = REPO / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def _accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands (WCAG 2.x A and AA rules, contrast
    included), each with up to three of the elements it found."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})
        .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.help + ' ' + JSON.stringify(v.nodes.slice(0, 3).map(n => n.target))))""")
    return list(found)
