"""The map JSON kept per snapshot view (webapp/network_map.py `_kept_json`): a map asked again is sent as built the
first time, every view of a staff map is still audited, and no user is ever sent a map kept for another scope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import webapp.network_map as network_map
from tests.trusts import LEAD_SCOPE, planted_dataset
from tests.web_helpers import login, make_app
from webapp.accounts import Accounts


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_MIN_GROUP_SIZE", "3")  # schools C and D hidden from the board (the CEO)
        created = make_app(tmp_path_factory.mktemp("map-cache"), planted_dataset())
    with Accounts(created.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    return created


def _client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    login(client, role)
    return client


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Calls to webapp.network_map's `name`, recorded (and passed on)."""
    calls: list[Any] = []
    real = getattr(network_map, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(network_map, name, counting)
    return calls


def test_a_staff_map_asked_again_is_sent_as_kept_and_audited_each_time(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = _client(app, "admin")
    built, audited = _counted(monkeypatch, "staff_map"), _counted(monkeypatch, "audit")
    first = admin.get("/map/data?view=staff&school=A")
    again = admin.get("/map/data?view=staff&school=A")
    assert first.status_code == again.status_code == 200
    assert first.mimetype == "application/json" and first.get_data() == again.get_data()
    assert len(built) == 1  # built once
    assert [a[0] for a in audited] == ["view", "view"]  # every view of people's names is audited
    assert {n["id"] for n in again.get_json()["nodes"]} >= {"a1", "a2"}
    admin.get("/map/data?view=staff&school=A&size=betweenness")
    assert len(built) == 2  # other parameters: another map


def _people(drawn: dict) -> set[str]:
    return {n["id"] for n in drawn["nodes"] if n.get("shape") != "text"}  # not the schools' names


def test_a_map_kept_for_one_scope_is_never_sent_to_another(app: Flask) -> None:
    admin, ceo, lead = _client(app, "admin"), _client(app, "ceo"), _client(app, "network-lead")
    for _ in range(2):  # the second time, every map is the kept one
        everyone = _people(admin.get("/map/data?view=staff&school=A").get_json())
        led = _people(lead.get("/map/data?view=staff&school=A").get_json())
        assert led == LEAD_SCOPE != everyone  # the lead's members only
        assert "C" in {n["id"] for n in admin.get("/map/data").get_json()["nodes"]}
        assert "C" not in {n["id"] for n in ceo.get("/map/data").get_json()["nodes"]}  # a small school, hidden
        assert ceo.get("/map/data?view=staff&school=A").status_code == 403  # no names for the board


def test_a_kept_map_is_the_map_built_afresh(app: Flask, tmp_path: Path) -> None:
    """The kept JSON equals the JSON of a fresh app (nothing kept) for the same request."""
    admin = _client(app, "admin")
    path = "/map/data?view=staff&school=B&hard=1"
    admin.get(path)
    kept = admin.get(path).get_json()
    fresh = _client(make_app(tmp_path, planted_dataset()), "admin").get(path).get_json()
    assert kept == fresh


def test_a_view_keeps_the_most_recently_used_and_lets_the_least_recently_used_go(app: Flask) -> None:
    """TrustView.kept, behind the map JSON, name places and a lead's kept people: a value asked again is not made
    again, the least recently used goes past the limit, and the dict is replaced whole (a reader holding the old
    one sees it unchanged)."""
    from netmap.store import SQLiteStore
    from webapp.data import TrustView

    made: list[str] = []

    def make(key: str) -> Any:
        return lambda: made.append(key) or key.upper()

    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        view = TrustView(store.snapshot(None), store)
        for key in ("a", "b", "c"):
            assert view.kept("test", key, make(key), 3) == key.upper()
        assert view.kept("test", "a", make("a"), 3) == "A"  # kept: not made again, and now the most recent
        view.kept("test", "d", make("d"), 3)  # b, the least recently used, goes
        assert list(view.layout_cache["test"]) == ["c", "a", "d"]
        assert made == ["a", "b", "c", "d"]
        held = view.layout_cache["test"]
        view.kept("test", "c", make("c"), 3)
        assert held == {"c": "C", "a": "A", "d": "D"} and list(view.layout_cache["test"]) == ["a", "d", "c"]


def _placed(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Calls to the two name placements webapp.graphview makes: for zooming (`name_places`) and for the page's
    box (`screen_places`), recorded (and passed on)."""
    import webapp.graphview as graphview

    calls: dict[str, list[Any]] = {"name_places": [], "screen_places": []}

    def counted(real: Any, made: list[Any]) -> Any:
        def counting(*args: Any) -> Any:
            made.append(args)
            return real(*args)

        return counting

    for name, made in calls.items():
        monkeypatch.setattr(graphview, name, counted(getattr(graphview, name), made))
    return calls


@pytest.mark.parametrize("path", ["/map/data?view=staff&school=A", "/map/data?view=staff&person=a2&depth=2",
                                  "/map/data", "/map/data?view=wiring"])
def test_a_map_for_a_page_box_has_its_names_placed_once_as_placing_them_twice_did(
        path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first request of a map with the page's box places its names once, for the box: the places for
    zooming (name_places) are not made, since the box's placement reads only their order and rank; and the map
    sent is the one placing them for zooming first, then for the box, makes. They are made, once, when a page
    without a box or a download asks for the same map."""
    from netmap.store import SQLiteStore
    from webapp.data import TrustView
    from webapp.graphview import MapFilters, on_screen, school_map, staff_map, wiring_map, with_backbone

    app = make_app(tmp_path, planted_dataset())
    admin = _client(app, "admin")
    calls = _placed(monkeypatch)
    sent = admin.get(f"{path}{'&' if '?' in path else '?'}width=900&height=700", headers={"X-Map-Form": "plain"})
    assert sent.status_code == 200
    assert (len(calls["name_places"]), len(calls["screen_places"])) == (0, 1)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:  # placed for zooming, then for the box: as before
        view = TrustView(store.snapshot(None), store)
        drawn = (staff_map(view, MapFilters(school="A")) if "school=A" in path else
                 staff_map(view, MapFilters(person="a2", depth=2)) if "person" in path else
                 wiring_map(view) if "wiring" in path else with_backbone(school_map(view)))
        expected = on_screen(view, drawn, 900, 700)
    assert sent.get_json() == json.loads(app.json.dumps(expected))
    assert any(n.get("name_at", {}).get("at") for n in expected["nodes"])  # names shown, placed for the box
    for made in calls.values():
        made.clear()  # the expected map's own placements
    admin.get(path)  # no box: the places for zooming, made now
    admin.get(f"{path}{'&' if '?' in path else '?'}format=html")  # a download: those, kept
    assert (len(calls["name_places"]), len(calls["screen_places"])) == (1, 0)
