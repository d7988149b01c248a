"""Two snapshots compared, on a hand-built pair where every change is known (tests/data/planted, then a later
snapshot in which):

    a1-c1 ended (lost, across schools), d1 now asks a1 for advice (gained, across), c3 joined Cedar and works with
    c2 (gained, inside C); a4 (no ties) left. Every other tie persists: 9 of the original 10.
    Cedar's only outside tie was a1-c1: Cedar became isolated. Damson, isolated, became connected.
    Headteachers (a1, b1, c1): 1 of 3 pairs collaborated (a1-c1), now none: conductivity fell.
    Key connectors: Cedar's (a1, c1) are gone with its outside tie; Damson's outside tie a1-d1 makes a1 and d1 its
    key connectors.
A leader should read: one school newly cut off, one newly connected, the heads' network weaker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from netmap.analysis import analyse
from netmap.analysis.compare import Comparison, Snapshot, compare
from netmap.cli import main
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.trusts import PLANTED, later_trust


def _side(folder: Path, as_of: str) -> Snapshot:
    graphs = build_graphs(read_trust(folder)[0], as_of)
    return Snapshot(graphs, analyse(graphs))


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, Snapshot]:
    return (_side(PLANTED, "2026-07-01"),
            _side(later_trust(tmp_path_factory.mktemp("later") / "trust"), "2026-12-01"))


def _ties(result: Comparison, status: str) -> set[tuple[str, str]]:
    chosen = result.ties[result.ties["status"] == status]
    return set(zip(chosen["person_a"], chosen["person_b"], strict=True))


def test_every_gain_loss_persistence_joiner_and_leaver_is_found(sides: tuple[Snapshot, Snapshot]) -> None:
    result = compare(*sides)
    assert _ties(result, "gained") == {("a1", "d1"), ("c2", "c3")}
    assert _ties(result, "lost") == {("a1", "c1")}
    assert len(_ties(result, "persisting")) == 9
    assert result.summary["ties"] == {"gained": 2, "lost": 1, "persisting": 9}
    assert result.summary["cross_school_ties"] == {"gained": 1, "lost": 1, "persisting": 2}
    people = result.people.set_index("staff_id")["status"]
    assert (people["a4"], people["c3"], people["a1"]) == ("left", "joined", "stayed")
    assert result.summary["people"] == {"joined": 1, "left": 1, "stayed": 10}


def test_schools_groups_and_key_connectors_that_changed(sides: tuple[Snapshot, Snapshot]) -> None:
    result = compare(*sides)
    schools = result.schools.set_index("school_id")
    assert schools.loc["C", "isolation"] == "became isolated" and schools.loc["D", "isolation"] == "became connected"
    assert (schools.loc["C", "cross_school_lost"], schools.loc["C", "ties_gained"]) == (1, 1)  # a1-c1; c2-c3
    assert (result.summary["schools_became_isolated"], result.summary["schools_became_connected"]) == (["C"], ["D"])
    heads = result.groups.set_index("group_id").loc["HEADS"]
    assert (heads["conductivity_before"], heads["conductivity_after"], heads["change"]) == (pytest.approx(1 / 3), 0.0,
                                                                                            "fell")
    assert result.groups.set_index("group_id").loc["MATHS", "change"] == "same"
    between = result.groups.set_index("group_id")[["ties_gained", "ties_lost", "ties_persisting"]]
    assert between.loc["HEADS"].tolist() == [0, 1, 0]  # a1-c1 ended
    assert between.loc["MATHS"].tolist() == [0, 0, 1]  # a2-b2 kept
    assert between.loc["DORM"].tolist() == [0, 0, 0]  # nobody in DORM collaborates
    keys = result.roles[result.roles["kind"] == "key connector"]
    assert set(zip(keys["staff_id"], keys["school_id"], keys["change"], strict=True)) == {
        ("a1", "D", "gained"), ("d1", "D", "gained"), ("a1", "C", "lost"), ("c1", "C", "lost")}


def test_a_snapshot_against_itself_changes_nothing(sides: tuple[Snapshot, Snapshot]) -> None:
    result = compare(sides[0], sides[0])
    assert result.summary["ties"] == {"gained": 0, "lost": 0, "persisting": 10}
    assert result.summary["people"]["joined"] == result.summary["people"]["left"] == 0
    assert set(result.groups["change"]) == {"same"} and result.roles.empty
    assert set(result.schools["isolation"]) <= {"", "isolated"}
    assert set(result.communities["event"]) == {"continued"}


def test_comparing_backwards_mirrors_forwards(sides: tuple[Snapshot, Snapshot]) -> None:
    forwards, backwards = compare(*sides), compare(*reversed(sides))
    assert _ties(forwards, "gained") == _ties(backwards, "lost")
    assert _ties(forwards, "lost") == _ties(backwards, "gained")
    assert _ties(forwards, "persisting") == _ties(backwards, "persisting")
    swap = {"joined": "left", "left": "joined", "stayed": "stayed"}
    assert dict(zip(forwards.people["staff_id"], forwards.people["status"].map(swap), strict=True)) == dict(
        zip(backwards.people["staff_id"], backwards.people["status"], strict=True))
    assert forwards.summary["schools_became_isolated"] == backwards.summary["schools_became_connected"]
    flip = {"gained": "lost", "lost": "gained"}
    assert set(zip(forwards.roles["kind"], forwards.roles["staff_id"], forwards.roles["school_id"],
                   forwards.roles["change"].map(flip), strict=True)) == set(
        zip(backwards.roles["kind"], backwards.roles["staff_id"], backwards.roles["school_id"],
            backwards.roles["change"], strict=True))


def test_netmap_compare_writes_every_table_and_says_what_changed(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "store.db"
    assert runner.invoke(main, ["load", str(PLANTED), "--as-of", "2026-07-01", "--db", str(db)]).exit_code == 0
    later = later_trust(tmp_path / "later")
    assert runner.invoke(main, ["load", str(later), "--as-of", "2026-12-01", "--db", str(db)]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(main, ["compare", "--db", str(db), "--out", str(out)])  # default: the last two
    assert result.exit_code == 0, result.output
    assert "2026-07-01 → 2026-12-01" in result.output and "Ties: 2 gained, 1 lost, 9 persisting" in result.output
    assert "Became isolated: Cedar Primary" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["communities.csv", "groups.csv", "people.csv", "roles.csv",
                                                     "schools.csv", "summary.json", "ties.csv"]
    assert json.loads((out / "summary.json").read_text())["ties"]["gained"] == 2
    same = runner.invoke(main, ["compare", "2026-07-01", "2026-07-01", "--db", str(db)])
    assert same.exit_code == 0 and "Ties: 0 gained, 0 lost, 10 persisting" in same.output
    missing = runner.invoke(main, ["compare", "2026-07-01", "2025-01-01", "--db", str(db)])
    assert missing.exit_code != 0 and "2025-01-01" in missing.output and "Traceback" not in missing.output


def test_the_compare_page_shows_the_changes_and_the_people_behind_them_to_those_who_may_see_them(
        tmp_path: Path) -> None:
    import csv
    import io

    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import NO_STABILITY, login, make_app

    app = make_app(tmp_path / "web", read_trust(PLANTED)[0])
    admin, ceo = app.test_client(), app.test_client()
    login(admin, "admin")
    login(ceo, "ceo", purpose=None)
    assert "Comparing needs two snapshots" in admin.get("/compare/").get_data(as_text=True)
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(later_trust(tmp_path / "later"))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot, NO_STABILITY)
    page = admin.get("/compare/").get_data(as_text=True)  # default: the last two
    assert "Became isolated: <a href=\"/schools/C\">Cedar Primary</a>" in page
    assert "Became connected: <a href=\"/schools/D\">Damson Primary</a>" in page
    assert "New teacher C" in page and "Isolate A" in page  # joined, left
    rows = list(csv.DictReader(io.StringIO(admin.get("/compare/?table=ties&format=csv").get_data(as_text=True))))
    assert {(r["status"], r["name_a"], r["name_b"]) for r in rows if r["status"] != "persisting"} == {
        ("gained", "Head of A", "Head of D"), ("gained", "Teacher C", "New teacher C"),
        ("lost", "Head of A", "Head of C")}
    drawn = admin.get("/compare/map?before=2026-07-01&after=2026-12-01").get_json()
    assert {(e["from"], e["to"]): e["layer"] for e in drawn["edges"]} == {
        ("A", "B"): "persisting", ("A", "C"): "lost", ("A", "D"): "gained"}
    assert [e["label"].rsplit(": ", 1)[1] for e in drawn["legend"] if "layer" in e] == ["1", "1", "1"]
    standalone = admin.get("/compare/map?before=2026-07-01&after=2026-12-01&format=html")
    assert standalone.mimetype == "text/html" and "new vis.Network" in standalone.get_data(as_text=True)
    backwards = admin.get("/compare/?before=2026-12-01&after=2026-07-01").get_data(as_text=True)
    assert "Became isolated: <a href=\"/schools/D\">Damson Primary</a>" in backwards
    aggregate = ceo.get("/compare/").get_data(as_text=True)
    assert "Cedar Primary" in aggregate and "Head of A" not in aggregate and "New teacher C" not in aggregate
    assert ceo.get("/compare/?table=ties&format=csv").status_code == 403


def test_communities_are_followed_by_the_people_they_share() -> None:
    """Earlier: 0 = {a,b,c,d}, 1 = {e,f,g}, 2 = {h,i}, 3 = {j,k,l,m}, 4 = {n,o}.
    Later:   0 = {a,b,c,x} (0 continues: 3 of its 4), 1 = {e,f,g,h,i} (1 and 2 merged, keeping 1),
             2 = {j,k}, 3 = {l,m} (3 split in halves: new numbers 5, 6), 4 = {y,z} (born: 7), 5 = {d} (born: 8;
             d's old community continues without them), and n, o left (4 dissolved)."""
    from netmap.analysis.compare import track_communities

    before = {**dict.fromkeys("abcd", 0), **dict.fromkeys("efg", 1), **dict.fromkeys("hi", 2),
              **dict.fromkeys("jklm", 3), **dict.fromkeys("no", 4)}
    after = {**dict.fromkeys("abcx", 0), **dict.fromkeys("efghi", 1), **dict.fromkeys("jk", 2),
             **dict.fromkeys("lm", 3), **dict.fromkeys("yz", 4), "d": 5}
    events = track_communities(before, after)
    got = {(r.community_before if r.community_before is not pd.NA else None,
            r.community_after if r.community_after is not pd.NA else None, r.event,
            r.tracked if r.tracked is not pd.NA else None) for r in events.itertuples()}
    assert got == {(0, 0, "continued", 0), (1, 1, "merged", 1), (2, 1, "merged", 1), (3, 2, "split", 5),
                   (3, 3, "split", 6), (None, 4, "born", 7), (None, 5, "born", 8), (4, None, "dissolved", None)}
    # the same snapshot twice: every community continues under its own number
    same = track_communities(before, before)
    assert set(same["event"]) == {"continued"} and list(same["tracked"]) == list(same["community_after"])
