"""What a big trust's first maps need, computed in the background while the server is idle (issue 29, item 6).

The first map of a snapshot computes what every later one reuses: the school map's places, and for a staff map
of a school its island's graphs (Snapshot.island_graphs: in a 12,000-staff trust one island, seconds of CPU).
Once the latest snapshot's whole view is made (webapp.data's cache calls `warm_up`; not in a store of several
trusts, whose whole view only the operator-admin sees), a daemon thread computes them: the school map's places
and the staff maps' school centres, then the dataset, the islands, the largest island's graphs and their
undirected form. It runs one step at a time, each only while the view is still the latest one cached (a view
replaced by a reload, new thresholds or a newer snapshot is let go before its next step) and once the server has
answered no request for QUIET_S (`Requests`): the request that made the view, and the pages following it at once
(a page, its map's data, a quick click to the next), never share the CPU with a step, which begin while someone
reads. A request arriving during a step shares the CPU with it for that step alone (the longest, the graphs,
about 1 s at 12,000 staff); a map asked for meanwhile computes what it needs itself, as it always did, or waits
for the step computing it.

What it keeps cannot reach a role that may not see it: it computes places and graphs, never a map, and only on
the snapshot's whole view; a role shown a narrowed view (units hidden from it: Snapshot.without) has that view's
own places and graphs, and every map is still built per request, for the user's scope. Bounded: one island of
the latest snapshot, once a view, kept where island_graphs keeps islands (ISLANDS_KEPT at most).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from flask import Flask

import netmap.layout as layout
from webapp.data import TrustView, is_latest_view, previous_snapshot, release_store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Requests", "init_app", "warm_up"]

log = logging.getLogger(__name__)

IDLE_WAIT_S = 600.0  # how long a step waits for the server to be idle before the warm-up gives up
QUIET_S = 2.0  # ... idle this long: a page's own requests (its HTML, then its map's data) and a quick click to
# the next page come closer together; a person reading a page leaves longer


class Requests:
    """How many requests the app is answering now (counted by `counting`), and waiting until it has answered none
    for a while."""

    def __init__(self) -> None:
        self._busy = 0
        self._last = time.monotonic()  # when the last request was answered
        self._changed = threading.Condition()

    def counting(self, wsgi_app: WSGIApplication) -> WSGIApplication:
        """`wsgi_app` counting each call as a request being answered while it runs."""
        def counted(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            with self._changed:
                self._busy += 1
            try:
                return wsgi_app(environ, start_response)
            finally:
                with self._changed:
                    self._busy -= 1
                    self._last = time.monotonic()
                    self._changed.notify_all()

        return counted

    def wait_idle(self, timeout: float, quiet: float = 0.0) -> bool:
        """Whether, within `timeout` seconds (waiting until then), the app came to answer no request and to have
        answered none for the last `quiet` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                now = time.monotonic()
                rest = 0.0 if self._busy else self._last + quiet - now
                if not self._busy and rest <= 0:
                    return True
                if now >= deadline:
                    return False
                self._changed.wait(min(deadline - now, rest) if rest > 0 else deadline - now)


def init_app(app: Flask) -> None:
    """Count `app`'s requests and, when the app's WARM_UP config is on, warm each new latest view (`warm_up`)."""
    requests = Requests()
    app.wsgi_app = requests.counting(app.wsgi_app)  # type: ignore[method-assign,assignment]
    app.extensions["netmap_requests"] = requests
    if app.config.get("WARM_UP"):
        app.extensions["netmap_warm_up"] = lambda view: warm_up(app, view, requests)


def warm_up(app: Flask, view: TrustView, requests: Requests) -> threading.Thread:
    """Start building `view`'s largest island's graphs in a daemon thread, step by step while `requests` is idle
    (see the module's docstring); the thread, started."""
    thread = threading.Thread(target=_run, args=(app, view, requests), name=f"warm up {view.snapshot_id}",
                              daemon=True)
    thread.start()
    return thread


def _run(app: Flask, view: TrustView, requests: Requests) -> None:
    """The warm-up's steps (`_steps`), each once the app is idle; errors logged, never raised (nothing waits on
    this thread)."""
    with app.app_context():
        try:
            for step in _steps(view):
                if not requests.wait_idle(IDLE_WAIT_S, QUIET_S):
                    log.info("warming up snapshot %s: the server was never idle; left to the first request",
                             view.snapshot_id)
                    return
                if not is_latest_view(view):  # replaced (a reload, new thresholds, a newer snapshot): let it go
                    log.info("warming up snapshot %s: its view was replaced; stopped", view.snapshot_id)
                    return
                step()
        except Exception:  # noqa: BLE001 - a warm-up that fails leaves the work to the request that needs it
            log.exception("warming up snapshot %s failed", view.snapshot_id)
        finally:
            release_store()


def _steps(view: TrustView) -> Iterator[Callable[[], object]]:
    """The warm-up's steps, in order: the school map's places and the staff maps' school centres (every user's
    first map; only once the snapshot before, whose places they keep, is ready: _places_settled), the dataset,
    the islands, the largest island's graphs (with the names and staff rows a map of it shares:
    TrustView.around; the whole graphs when the snapshot is one island), their undirected form. Each is run
    before the next is asked for."""
    if _places_settled(view):
        yield lambda: layout.school_positions(view)
        yield lambda: layout.staff_centres(view)
    yield lambda: view.dated
    yield lambda: view.islands
    school = view.islands.largest_school()
    if school is None:
        return
    if len(view.islands) == 1:  # the island is the snapshot: its whole graphs, which island_graphs then gives,
        yield lambda: view.graphs  # and a map of the whole trust's staff needs too
        yield lambda: view.graphs.undirected
    else:
        yield lambda: view.around(school)
        yield lambda: view.around(school).graphs.undirected


def _places_settled(view: TrustView) -> bool:
    """Whether `view`'s map places may be fixed now: no snapshot comes before it, or that one is analysed (a
    map keeps the earlier snapshot's places; one still being analysed would leave them out for good)."""
    return previous_snapshot(view.snapshot_id) is None or view.load_previous() is not None
