"""A role's view of a snapshot is computed once, not on every request (webapp.hidden, Snapshot.without): two
requests of one role reuse it, a change of what it depends on (an exclusion, a lead's groups or assigned people,
the thresholds) gives a fresh one, and two roles never share a view they should not."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, g

from netmap.kept_analysis import analysis_of
from netmap.rights.exclusion import exclude_person, snapshots_holding
from netmap.snapshot import VIEWS_KEPT, Hidden, Snapshot
from netmap.store import SQLiteStore
from tests.hidden_units import SECOND, VARIANTS, hidden_units_app
from tests.web_helpers import NO_STABILITY, login
from webapp import data, hidden
from webapp.accounts import Accounts
from webapp.auth import accounts


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """Two snapshots of five schools, two of them (and two groups) hidden from aggregate roles; the network lead
    leads LEADS (tests/test_suppression_noninterference.py)."""
    return hidden_units_app(tmp_path, VARIANTS[0])


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often a role's view is derived: the lead's members read from a snapshot, a narrowed view built."""
    calls = {"members": 0, "narrowed": 0}
    members, narrowed = hidden.people_seen_by_lead, data.TrustView._narrowed

    def count_members(*args: object) -> frozenset[str]:
        calls["members"] += 1
        return members(*args)  # type: ignore[arg-type]

    def count_narrowed(self: data.TrustView, hide: Hidden) -> data.TrustView:
        calls["narrowed"] += 1
        return narrowed(self, hide)

    monkeypatch.setattr(hidden, "people_seen_by_lead", count_members)
    monkeypatch.setattr(data.TrustView, "_narrowed", count_narrowed)
    return calls


def _view(app: Flask, role: str) -> data.TrustView:
    """The second snapshot's view as `role` is given it, in a request of its own."""
    with app.test_request_context("/"):
        g.user = accounts().users.get(role)
        info = data.get_store().snapshot(_second(app))
        return data.view_of(info)


def _staff_ids(app: Flask, view: data.TrustView) -> set[str]:
    """The staff `view` shows (read from the store in an app context of its own)."""
    with app.app_context():
        return set(view.staff["staff_id"])


def _second(app: Flask) -> str:
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        return next(s.snapshot_id for s in store.list_snapshots() if s.as_of == SECOND)


@pytest.mark.parametrize("role", ["ceo", "network-lead"])
def test_two_requests_of_a_role_reuse_its_view(app: Flask, counted: dict[str, int], role: str) -> None:
    client = app.test_client()
    login(client, role)
    assert client.get("/").status_code == 200
    first = dict(counted)
    assert first["narrowed"] >= 1  # the role's view was derived once ...
    for _ in range(3):
        assert client.get("/").status_code == 200
        assert client.get("/schools/").status_code == 200
    assert counted == first  # ... and never again
    assert _view(app, role) is _view(app, role)


def test_roles_share_a_view_only_when_it_leaves_out_the_same(app: Flask) -> None:
    """A view depends on what it leaves out alone: a lead who sees nobody more than a CEO is given the CEO's
    (the same object); once they lead a hidden group and are assigned a colleague at a hidden school, their own."""
    assert _view(app, "network-lead") is _view(app, "ceo") and _view(app, "ceo").hidden
    assert _view(app, "admin") is not _view(app, "ceo") and not _view(app, "admin").hidden
    with Accounts(app.config["NETMAP_USERS_DB"]) as users:
        users.users.set_groups("network-lead", ["LEADS", "NET"])
        users.users.set_people("network-lead", ["d1"], "supporting a colleague at a small school")
    lead, ceo = _view(app, "network-lead"), _view(app, "ceo")
    assert lead is not ceo
    assert "NET" in ceo.hidden.groups and "NET" not in lead.hidden.groups
    assert "d1" in _staff_ids(app, lead) and "d1" not in _staff_ids(app, ceo)


def test_a_leads_new_groups_or_people_give_a_fresh_view(app: Flask, counted: dict[str, int]) -> None:
    before = _view(app, "network-lead")
    with Accounts(app.config["NETMAP_USERS_DB"]) as users:
        users.users.set_people("network-lead", ["f1"], "supporting a colleague at a small school")
    assigned = _view(app, "network-lead")
    assert assigned is not before and "f1" in assigned.hidden.kept and "f1" not in before.hidden.kept
    members = counted["members"]
    with Accounts(app.config["NETMAP_USERS_DB"]) as users:
        users.users.set_groups("network-lead", ["LEADS", "NET"])
    regrouped = _view(app, "network-lead")
    assert regrouped not in (before, assigned) and "NET" not in regrouped.hidden.groups
    assert counted["members"] == members + 1  # the members of the groups now led, read once
    assert _view(app, "network-lead") is regrouped and counted["members"] == members + 1
    with Accounts(app.config["NETMAP_USERS_DB"]) as users:
        users.users.set_groups("network-lead", ["LEADS"])
        users.users.set_people("network-lead", [], "")
    assert _view(app, "network-lead") is before


def test_an_exclusion_or_new_thresholds_give_a_fresh_view(app: Flask) -> None:
    before, ceo = _view(app, "network-lead"), _view(app, "ceo")
    shown = _staff_ids(app, before)
    second = _second(app)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        exclude_person(store, "a1", "objected", snapshots_holding(store, "a1"))
        analysis_of(store, store.snapshot(second), NO_STABILITY)
    excluded = _view(app, "network-lead")
    assert excluded is not before and _view(app, "ceo") is not ceo
    assert "a1" not in _staff_ids(app, excluded) and "a1" in shown
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        store.write_thresholds(second, {"stability_draws": "0"})
        analysis_of(store, store.snapshot(second), NO_STABILITY)
    assert _view(app, "network-lead") is not excluded


def test_a_snapshot_keeps_a_bounded_number_of_narrowed_views(app: Flask) -> None:
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        whole = Snapshot(store.snapshot(_second(app)), store, NO_STABILITY)

        def without(person: str) -> Snapshot:
            return whole.without(Hidden(frozenset({"F"}), kept=frozenset({person})))

        first = without("f0")
        assert without("f0") is first
        for n in range(1, VIEWS_KEPT):
            without(f"f{n}")
        assert without("f0") is first  # used last: kept when the next one comes
        without(f"f{VIEWS_KEPT}")
        assert len(whole._without) == VIEWS_KEPT and without("f0") is first
        for n in range(VIEWS_KEPT + 1, 2 * VIEWS_KEPT + 1):
            without(f"f{n}")
        assert len(whole._without) == VIEWS_KEPT and without("f0") is not first  # the least recently used went
