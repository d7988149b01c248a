"""Trends across snapshots on the planted pair of tests/test_compare.py (2026-07-01, then 2026-12-01 when a1-c1
ended, d1-a1 began and c3 joined Cedar): the trust's cross-school share goes from 3 of 10 collaborations to 3 of
11, Cedar's collaborations with other schools from 1 to 0, the heads' conductivity from 1/3 to 0. A leader should
read Cedar and the heads' network as where collaboration weakened."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netmap.analysis import analyse
from netmap.analysis.trends import trends
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK
from tests.trusts import PLANTED, later_trust, planted_dataset


def _analysis(folder: Path, as_of: str):  # noqa: ANN202 - an Analysis
    return analyse(build_graphs(read_trust(folder)[0], as_of), QUICK)


def test_the_series_follow_the_snapshots_in_date_order(tmp_path: Path) -> None:
    later = _analysis(later_trust(tmp_path / "later"), "2026-12-01")
    result = trends([later, _analysis(PLANTED, "2026-07-01")])  # given out of order
    trust = result.trust.set_index("as_of")
    assert list(trust.index) == ["2026-07-01", "2026-12-01"]
    assert list(trust["cross_school_share"]) == [pytest.approx(3 / 10), pytest.approx(3 / 11)]
    assert list(trust["isolated_schools"]) == [1, 1]  # Damson out, Cedar in
    assert list(trust["collaborations"]) == [10, 11]
    assert trust["response_rate"].isna().all()  # no respondents file: coverage unknown, not zero
    cedar = result.schools[result.schools["school_id"] == "C"]
    assert list(cedar["external_ties"]) == [1, 0] and list(cedar["is_isolated"]) == [False, True]
    heads = result.groups[result.groups["group_id"] == "HEADS"]
    assert list(heads["conductivity"]) == [pytest.approx(1 / 3), 0.0]


def test_charts_and_their_numbers_on_the_dashboard_school_and_group_pages(tmp_path: Path) -> None:
    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import NO_STABILITY, login, make_app

    app = make_app(tmp_path / "web", planted_dataset())
    client = app.test_client()
    login(client, "admin")
    assert "Trends, snapshot by snapshot" not in client.get("/").get_data(as_text=True)  # one snapshot: no trend
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(later_trust(tmp_path / "later"))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot, NO_STABILITY)
    page = client.get("/").get_data(as_text=True)
    assert "Trends, snapshot by snapshot" in page
    assert "<td>2026-07-01</td><td>30.0 %</td>" in page and "<td>2026-12-01</td><td>27.3 %</td>" in page
    assert "/trends/chart.svg?of=trust" in page
    chart = client.get("/trends/chart.svg?of=trust&metric=cross_school_share")
    assert chart.mimetype == "image/svg+xml" and chart.data.startswith(b"<?xml") and b"<svg" in chart.data
    assert not re.search(rb"""(href|src)=["']https?:""", chart.data)  # namespaces only: nothing to fetch
    school = client.get("/schools/C").get_data(as_text=True)
    assert "Over time" in school and "/trends/chart.svg?of=school&amp;id=C&amp;metric=external_ties" in school
    group = client.get("/groups/HEADS").get_data(as_text=True)
    assert "<td>2026-07-01</td><td>33.3 %</td>" in group and "<td>2026-12-01</td><td>0.0 %</td>" in group
    assert client.get("/trends/chart.svg?of=school&id=C&metric=nonsense").status_code == 404


def test_a_later_snapshots_school_map_keeps_the_earlier_places(tmp_path: Path) -> None:
    """Ash and Beech keep their places; Cedar (newly isolated) moves to the isolated column on the right and
    Damson (newly connected) beside Ash, its new partner."""
    import math

    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import NO_STABILITY, login, make_app

    app = make_app(tmp_path / "web", planted_dataset())
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(later_trust(tmp_path / "later"))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot, NO_STABILITY)
    client = app.test_client()
    login(client, "admin")
    after = {n["id"]: (n["x"], n["y"]) for n in client.get("/map/data").get_json()["nodes"]}
    before = {n["id"]: (n["x"], n["y"]) for n in client.get("/map/data?snapshot=2026-07-01").get_json()["nodes"]}
    assert all(math.dist(before[s], after[s]) < 1.0 for s in "AB"), (before, after)
    assert after["C"][0] > max(after[s][0] for s in "ABD")  # newly isolated: the column on the right
    assert math.dist(after["D"], after["A"]) < math.dist(before["D"], before["A"])  # beside its new partner


def test_a_later_snapshots_staff_map_keeps_everyones_place_and_the_changes_map_shows_who_changed(
        tmp_path: Path) -> None:
    """Between the planted pair: everyone in both is drawn where they were; c3 (joined Cedar, works with c2) beside
    c2; a4 left. On the people's changes map of the heads' network a1-c1 ended; of Ash, a4 is drawn grey where
    they were; of Cedar, c3 is outlined as joined, c2-c3 is a collaboration begun and a1 at Ash, its contact
    elsewhere, is drawn with the collaboration with c1 that ended."""
    import math

    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import NO_STABILITY, login, make_app

    app = make_app(tmp_path / "web", planted_dataset())
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(later_trust(tmp_path / "later"))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot, NO_STABILITY)
    client, ceo = app.test_client(), app.test_client()
    login(client, "admin")
    login(ceo, "ceo", purpose=None)
    after = {n["id"]: (n["x"], n["y"]) for n in client.get("/map/data?view=staff").get_json()["nodes"]}
    before = {n["id"]: (n["x"], n["y"]) for n in
              client.get("/map/data?view=staff&snapshot=2026-07-01").get_json()["nodes"]}
    both = set(before) & set(after)
    assert both == set(before) - {"a4"} and set(after) - both == {"c3"}
    assert all(math.dist(before[p], after[p]) < 1.0 for p in both), (before, after)
    assert math.dist(after["c3"], after["c2"]) < 60  # a newcomer beside the colleague they work with
    url = "/compare/map?before=2026-07-01&after=2026-12-01"
    heads = client.get(f"{url}&group=HEADS").get_json()
    assert {(e["from"], e["to"], e["layer"]) for e in heads["edges"]} == {("a1", "c1", "lost")}
    ash = {n["id"]: n for n in client.get(f"{url}&school=A").get_json()["nodes"]}
    assert ash["a4"]["layer"] == "left" and math.dist((ash["a4"]["x"], ash["a4"]["y"]), before["a4"]) < 1.0
    assert "layer" not in ash["a1"]  # in both: drawn as on the staff map
    cedar = client.get(f"{url}&school=C").get_json()
    assert {n["id"]: n.get("layer") for n in cedar["nodes"]} == {"c1": None, "c2": None, "c3": "joined", "a1": None}
    assert next(n for n in cedar["nodes"] if n["id"] == "a1")["size"] < 10  # a contact at another school: smaller
    assert {(e["from"], e["to"], e["layer"]) for e in cedar["edges"]} == {
        ("c2", "c3", "gained"), ("a1", "c1", "lost"), ("c1", "c2", "persisting")}  # Cedar's tie out of it ended
    assert any("joined (blue outline) since 2026-07-01: 1" in entry["label"] for entry in cedar["legend"])
    assert ceo.get(f"{url}&school=C").status_code == 403  # people by name: not for an aggregate role
    page = client.get("/compare/?before=2026-07-01&after=2026-12-01&school=C").get_data(as_text=True)
    assert "/compare/map?before=2026-07-01&amp;after=2026-12-01&amp;school=C" in page


def test_someone_who_leaves_a_group_but_still_collaborates_keeps_the_collaboration_on_its_changes_map(
        tmp_path: Path) -> None:
    """b2 leaves the maths community but still works with a2 (a2-b2 in both snapshots): on the community's
    changes map b2 has left the group, not the trust, and their collaboration is kept, not ended. A network lead
    should read: the collaboration outlived the membership."""
    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import NO_STABILITY, login, make_app

    app = make_app(tmp_path / "web", planted_dataset())
    folder = later_trust(tmp_path / "later")
    members = folder / "memberships.csv"
    members.write_text(members.read_text().replace("b2,MATHS,member\n", ""))
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        analysis_of(store, store.write_snapshot(read_trust(folder)[0], "2026-12-01", source="test").snapshot,
                    NO_STABILITY)
    client = app.test_client()
    login(client, "admin")
    maths = client.get("/compare/map?before=2026-07-01&after=2026-12-01&group=MATHS").get_json()
    b2 = next(n for n in maths["nodes"] if n["id"] == "b2")
    assert b2["layer"] == "left" and "left the group after 2026-07-01" in b2["title"]
    assert [(e["from"], e["to"], e["layer"]) for e in maths["edges"]] == [("a2", "b2", "persisting")]
