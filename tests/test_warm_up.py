"""webapp.warm_up: the latest snapshot's school places and its largest island's graphs computed in the background,
a step at a time while the app answers no request; what it keeps changes no map and reaches no role it should not."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import netmap.snapshot
from netmap.ingest.validate import read_trust
from netmap.snapshot import Snapshot
from netmap.store import SnapshotInfo, SQLiteStore
from tests.trusts import LEAD_SCOPE, PARTNERSHIP, planted_dataset, two_cliques
from tests.web_helpers import login, make_app
from webapp.accounts import Accounts
from webapp.data import TrustView, get_store, release_store, stored_view
from webapp.warm_up import Requests, warm_up


def _app(folder: Path, warm: bool) -> Flask:
    """The planted trust's app, warming new views or not; schools C and D hidden from the board (the CEO)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_MIN_GROUP_SIZE", "3")
        app = make_app(folder, planted_dataset(), WARM_UP=warm)
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    return app


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, Flask]:
    """The same trust served warming (first) and not (second)."""
    return _app(tmp_path_factory.mktemp("warm"), True), _app(tmp_path_factory.mktemp("cold"), False)


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    login(client, role)
    return client


def _warmed() -> None:
    """Wait for every warm-up thread of this process to finish."""
    for thread in threading.enumerate():
        if thread.name.startswith("warm up"):
            thread.join(timeout=60)
            assert not thread.is_alive()


def _graphs_built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Calls to build_graphs made by a snapshot (its islands' graphs), recorded (and passed on)."""
    calls: list[Any] = []
    real = netmap.snapshot.build_graphs

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(netmap.snapshot, "build_graphs", counting)
    return calls


def test_the_first_page_warms_the_places_and_the_largest_islands_graphs_and_no_map_changes(
        apps: tuple[Flask, Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    warm, cold = apps
    admin, plain = _client(warm, "admin"), _client(cold, "admin")
    assert admin.get("/").status_code == 200  # the first page makes the view: the warm-up starts after it
    _warmed()
    (view,) = warm.extensions["netmap_cache"]._views.values()
    assert {"schools", "staff centres"} <= set(view.layout_cache)  # the school map's places, computed
    built = _graphs_built(monkeypatch)
    path = "/map/data?view=staff&school=A&width=900&height=700"
    sent = admin.get(path).get_json()
    assert built == []  # the largest island's graphs (A, B and C's) were ready: the map built none
    assert sent == plain.get(path).get_json()  # the same map as an app that warms nothing
    assert len(built) == 1  # ... which built them for its map
    for path in ("/map/data?width=900&height=700", "/map/data?view=staff&school=D"):
        assert admin.get(path).get_json() == plain.get(path).get_json()


def test_a_role_shown_less_gets_the_map_of_an_app_that_warms_nothing(apps: tuple[Flask, Flask]) -> None:
    """The warm-up computes on the whole view only: the board's view (small schools hidden) and a network lead's
    (their members only) make their own, and get exactly the maps an app without a warm-up sends."""
    warm, cold = apps
    for role, path in (("ceo", "/map/data?width=900&height=700"), ("ceo", "/map/data"),
                       ("network-lead", "/map/data?view=staff&school=A&width=900&height=700")):
        sent, plain = _client(warm, role).get(path), _client(cold, role).get(path)
        _warmed()
        assert sent.status_code == plain.status_code == 200
        assert sent.get_json() == plain.get_json(), (role, path)
    board = {n["id"] for n in _client(warm, "ceo").get("/map/data").get_json()["nodes"]}
    assert "C" not in board and "D" not in board  # the small schools stay hidden from the board
    led = {n["id"] for n in _client(warm, "network-lead").get("/map/data?view=staff&school=A").get_json()["nodes"]
           if n.get("shape") != "text"}
    assert led == LEAD_SCOPE


def _blocked(requests: Requests) -> tuple[threading.Thread, threading.Event]:
    """A request being answered (counted by `requests`) until the event returned is set."""
    release = threading.Event()

    def answer(environ: dict, start_response: Any) -> Iterable[bytes]:
        release.wait(10)
        return [b""]

    counted = requests.counting(answer)
    thread = threading.Thread(target=lambda: counted({}, lambda *a: None))
    thread.start()
    return thread, release


def test_the_warm_up_waits_while_a_request_is_answered(tmp_path: Path) -> None:
    """No step begins while a request is being answered; once none is, the steps run."""
    app = _app(tmp_path, False)
    requests = Requests()
    assert requests.wait_idle(0.01)
    answering, release = _blocked(requests)
    with app.app_context():
        view = stored_view(_latest(app))  # the cache's latest view (an app that warms nothing: not warmed yet)
    assert not requests.wait_idle(0.05)
    thread = warm_up(app, view, requests)
    thread.join(0.3)
    assert thread.is_alive() and view.layout_cache == {} and "islands" not in view.__dict__  # nothing done
    release.set()
    answering.join()
    thread.join(60)
    assert not thread.is_alive() and "schools" in view.layout_cache and "islands" in view.__dict__


def test_idle_means_no_request_answered_for_the_quiet_time() -> None:
    requests = Requests()
    answering, release = _blocked(requests)
    assert not requests.wait_idle(0.05)  # one being answered
    release.set()
    answering.join()
    started = time.monotonic()
    assert requests.wait_idle(5, quiet=0.2) and time.monotonic() - started >= 0.15  # waited for the quiet
    assert not requests.wait_idle(0.05, quiet=10)  # not quiet long enough in time


def test_a_served_app_warms_up_and_a_test_app_only_when_asked(tmp_path: Path) -> None:
    served = make_app(tmp_path / "served", None, TESTING=False)  # as `netmap serve` makes it
    tested = make_app(tmp_path / "tested", None)
    assert "netmap_warm_up" in served.extensions and "netmap_warm_up" not in tested.extensions
    assert "netmap_requests" in tested.extensions  # requests are counted either way


def test_a_trust_of_one_island_has_its_whole_graphs_warmed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cliques joined by one tie: one island, so the warm-up builds the whole graphs (which a school's map then
    uses, as does a map of every member of staff), and the maps are those of an app that warms nothing."""
    dataset = read_trust(two_cliques(tmp_path / "trust"))[0]
    warm, cold = make_app(tmp_path / "warm", dataset, WARM_UP=True), make_app(tmp_path / "cold", dataset)
    admin, plain = _client(warm, "admin"), _client(cold, "admin")
    admin.get("/")
    _warmed()
    built = _graphs_built(monkeypatch)
    paths = ("/map/data?view=staff&width=900&height=700", "/map/data?view=staff&school=B&width=900&height=700")
    sent = [admin.get(path).get_json() for path in paths]
    assert built == []  # nothing left to build
    assert sent == [plain.get(path).get_json() for path in paths]


def _latest(app: Flask) -> SnapshotInfo:
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        return store.snapshot(None)


def test_two_first_requests_at_once_start_one_warm_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests both missing the view cache (each made a view before either kept one) keep one view between
    them, and warm it once: the second's view is dropped, not warmed beside it (twice the graphs' memory)."""
    app = _app(tmp_path, False)
    warmed: list[TrustView] = []
    app.extensions["netmap_warm_up"] = warmed.append  # as init_app sets it, recording instead of warming
    both = threading.Barrier(2, timeout=20)
    looked_up = TrustView.kept_analysis

    def together(view: TrustView) -> Any:  # each request made its view and missed: neither has kept one yet
        both.wait()
        return looked_up(view)

    monkeypatch.setattr(TrustView, "kept_analysis", together)
    info = _latest(app)
    views: list[TrustView] = []

    def request() -> None:
        with app.app_context():
            views.append(stored_view(info))
            release_store()

    requests = [threading.Thread(target=request) for _ in range(2)]
    for thread in requests:
        thread.start()
    for thread in requests:
        thread.join(60)
    assert len(views) == 2 and views[0] is views[1]
    assert warmed == [views[0]]  # a store of one trust: its latest view is warmed, once


def test_a_replaced_views_warm_up_stops_before_its_next_step(tmp_path: Path) -> None:
    """An admin's new thresholds make a new view of the latest snapshot: the old view's warm-up, waiting for the
    server to be idle, stops there and computes nothing for a view no page will use again."""
    app = _app(tmp_path, False)
    requests = Requests()
    answering, release = _blocked(requests)
    info = _latest(app)
    with app.app_context():
        view = stored_view(info)
        thread = warm_up(app, view, requests)  # waiting: a request is being answered
        store = get_store()
        store.write_thresholds(info.snapshot_id, {**store.read_thresholds(info.snapshot_id), "dormant_share": "0.3"})
        Snapshot(info, store).analyse()  # as the admin's page has it analysed
        assert stored_view(info) is not view  # the new thresholds' view replaces it
    release.set()
    answering.join()
    thread.join(60)
    assert not thread.is_alive() and view.layout_cache == {} and "islands" not in view.__dict__  # nothing done


def test_a_store_of_several_trusts_is_not_warmed(tmp_path: Path) -> None:
    """The whole view of a store of several trusts is the operator-admin's alone: nobody else's first map needs
    its places or graphs, so none are built for it (a store of one trust is: the test of two first requests)."""
    app = make_app(tmp_path, read_trust(PARTNERSHIP)[0], WARM_UP=True)
    warmed: list[TrustView] = []
    app.extensions["netmap_warm_up"] = warmed.append
    with app.app_context():
        stored_view(_latest(app))
    assert warmed == []
