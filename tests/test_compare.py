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
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from netmap.analysis import analyse
from netmap.analysis.compare import Comparison, Snapshot, compare
from netmap.analysis.engine import Analysis
from netmap.cli import main
from netmap.dataset import Dataset
from netmap.graphs import TrustGraphs, build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK
from tests.trusts import PLANTED, later_trust, planted_dataset


def _side(folder: Path, as_of: str) -> Snapshot:
    graphs = build_graphs(read_trust(folder)[0], as_of)
    return Snapshot(graphs, analyse(graphs, QUICK))


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

    app = make_app(tmp_path / "web", planted_dataset())
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
    assert admin.get("/compare/map?before=2026-07-01&after=2026-12-01&school=A&format=png").status_code == 200
    from webapp.accounts import Accounts

    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        downloads = [s for _, u, a, s in accounts.audit.entries() if (u, a) == ("admin", "download")]
    assert ("What changed between two snapshots as html, snapshot 2026-12-01 (before=2026-07-01&after=2026-12-01&"
            "format=html)") in downloads
    assert ("Who joined, left and collaborates anew as png, snapshot 2026-12-01 (before=2026-07-01&after=2026-12-01&"
            "school=A&format=png)") in downloads
    backwards = admin.get("/compare/?before=2026-12-01&after=2026-07-01").get_data(as_text=True)
    assert "Became isolated: <a href=\"/schools/D\">Damson Primary</a>" in backwards
    aggregate = ceo.get("/compare/").get_data(as_text=True)
    assert "Cedar Primary" in aggregate and "Head of A" not in aggregate and "New teacher C" not in aggregate
    assert ceo.get("/compare/?table=ties&format=csv").status_code == 403


def test_the_map_of_changes_offers_the_geographic_layout_where_schools_have_places(tmp_path: Path) -> None:
    """The same pairs and layers as the usual map of changes, each school at its place: A west, B east, C north."""
    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import login, make_app

    places = {"A": "53.80,-1.60", "B": "53.80,-1.40", "C": "53.95,-1.50", "D": "53.70,-1.50"}

    def placed(folder: Path) -> Path:
        schools = folder / "schools.csv"
        lines = schools.read_text(encoding="utf-8").splitlines()
        schools.write_text("\n".join([lines[0] + ",latitude,longitude"] + [
            f"{line},{places[line.split(',', 1)[0]]}" for line in lines[1:]]) + "\n", encoding="utf-8")
        return folder

    app = make_app(tmp_path / "web", read_trust(placed(shutil.copytree(PLANTED, tmp_path / "first")))[0])
    admin = app.test_client()
    login(admin, "admin")
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(placed(later_trust(tmp_path / "later")))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot)
    page = admin.get("/compare/").get_data(as_text=True)
    assert '<a href="/compare/?before=2026-07-01&amp;after=2026-12-01&amp;layout=geographic">geographic</a>' in page
    shown = admin.get("/compare/?layout=geographic").get_data(as_text=True)
    assert "/compare/map?before=2026-07-01&amp;after=2026-12-01&amp;layout=geographic" in shown
    usual = admin.get("/compare/map?before=2026-07-01&after=2026-12-01").get_json()
    drawn = admin.get("/compare/map?before=2026-07-01&after=2026-12-01&layout=geographic").get_json()
    assert {(e["from"], e["to"], e["layer"]) for e in drawn["edges"]} == {
        (e["from"], e["to"], e["layer"]) for e in usual["edges"]}
    at = {n["id"]: (n["x"], n["y"]) for n in drawn["nodes"]}
    assert at["A"][0] < at["B"][0] and at["C"][1] < at["D"][1]  # west left of east, north above south


def _two_rounds_dataset() -> Dataset:
    """PLANTED with dated ties from two survey rounds. Autumn: a1 names c1 and b1, b2 names a2, c1 names c2;
    a3's tie to b3 was loaded from a file of 2025-01-05. Spring: a1 names b1 again (not c1), b2 is asked but does
    not answer, c1 answers; c2 left in January. Compared on 2025-12-01 and 2026-04-01."""
    dataset = read_trust(PLANTED)[0]
    ties = pd.DataFrame([("a1", "c1", "peer-review", 1.0, "2025-11-10"), ("a1", "b1", "advice", 1.0, "2025-11-10"),
                         ("a1", "b1", "advice", 1.0, "2026-03-10"), ("b2", "a2", "co-planning", 1.0, "2025-11-12"),
                         ("c1", "c2", "advice", 1.0, "2025-11-11"), ("a3", "b3", "advice", 1.0, "2025-01-05")],
                        columns=["source_staff_id", "target_staff_id", "kind", "weight", "observed_on"])
    answers = pd.DataFrame([("a1", "autumn", "2025-11-10"), ("b2", "autumn", "2025-11-12"),
                            ("c1", "autumn", "2025-11-11"), ("a1", "spring", "2026-03-10"), ("b2", "spring", None),
                            ("c1", "spring", "2026-03-11")], columns=["staff_id", "round", "responded_on"]
                           ).assign(kinds="advice co-planning peer-review")  # both rounds asked every kind here
    staff = dataset.staff.assign(left_on=dataset.staff["left_on"].where(dataset.staff["staff_id"] != "c2",
                                                                        "2026-01-31"))
    tables = {**dict(dataset.tables()), "collaborations": ties, "respondents": answers, "staff": staff}
    return Dataset.from_tables(tables)


def _two_rounds() -> tuple[Snapshot, Snapshot]:
    both = _two_rounds_dataset()
    return Snapshot(*_analysed(both, "2025-12-01")), Snapshot(*_analysed(both, "2026-04-01"))


def _analysed(dataset: Dataset, as_of: str) -> tuple[TrustGraphs, Analysis]:
    graphs = build_graphs(dataset, as_of)
    return graphs, analyse(graphs, QUICK)


def test_a_lost_tie_says_why_and_a_kept_one_whose_reporter_was_silent_is_unconfirmed() -> None:
    result = compare(*_two_rounds())
    ties = result.ties.set_index(["person_a", "person_b"])
    assert ties.loc[("a1", "c1"), ["status", "reason"]].tolist() == ["lost", "ended"]
    assert ties.loc[("c1", "c2"), ["status", "reason"]].tolist() == ["lost", "a person left"]
    assert ties.loc[("a3", "b3"), ["status", "reason"]].tolist() == ["lost", "older than the tie window"]
    assert ties.loc[("a1", "b1"), ["status", "reason"]].tolist() == ["persisting", ""]
    assert ties.loc[("a2", "b2"), ["status", "reason"]].tolist() == ["persisting", "unconfirmed"]
    assert result.summary["lost_ties"] == {"ended": 1, "a person left": 1, "older than the tie window": 1,
                                           "not in the later data": 0}
    assert result.summary["unconfirmed_ties"] == 1
    ended = result.schools.set_index("school_id")["ties_ended"]
    assert ended.to_dict() == {"A": 1, "B": 0, "C": 1, "D": 0}


def test_the_compare_page_counts_ended_ties_and_lists_why_each_was_lost(tmp_path: Path) -> None:
    """The two rounds as two stored snapshots: the page's headline and note count 1 ended and 1 gone with a
    leaver; an admin's list and CSV say why each was lost; the CEO (aggregates, every school here too small to
    show) sees no one's name and cannot download the list."""
    import csv
    import io

    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import login, make_app

    both = _two_rounds_dataset()
    app = make_app(tmp_path / "web", None)
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        for as_of in ("2025-12-01", "2026-04-01"):
            analysis_of(store, store.write_snapshot(both, as_of, source="test").snapshot)
    admin, ceo = app.test_client(), app.test_client()
    login(admin, "admin")
    login(ceo, "ceo", purpose=None)
    page = admin.get("/compare/").get_data(as_text=True)
    assert "1 ended, 1 as staff left" in page
    assert ("Of the 3 lost, 1 ended (the colleague who reported it answered the later survey without naming the "
            "other again), 1 went as one of the two left, 1 are older than the tie window") in page
    assert "1 kept are unconfirmed" in page
    rows = list(csv.DictReader(io.StringIO(admin.get("/compare/?table=ties&format=csv").get_data(as_text=True))))
    assert {(r["name_a"], r["name_b"], r["reason"]) for r in rows if r["status"] == "lost"} == {
        ("Head of A", "Head of C", "ended"), ("Head of C", "Teacher C", "a person left"),
        ("Teacher A", "Teacher B", "older than the tie window")}
    aggregate = ceo.get("/compare/").get_data(as_text=True)
    assert "Head of C" not in aggregate and "Teacher B" not in aggregate
    assert ceo.get("/compare/?table=ties&format=csv").status_code == 403


def test_the_people_table_lists_everyone_the_tiles_count_however_long_the_other_tables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Joiners and leavers are filtered before any cut: with room for 2 rows a table, the page still lists the one
    who joined and the one who left (the stayers that sort first used to take the rows)."""
    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.web_helpers import login, make_app
    from webapp import compare as compare_page

    monkeypatch.setattr(compare_page, "SHOWN_ROWS", 2)
    app = make_app(tmp_path / "web", planted_dataset())
    hr = app.test_client()
    login(hr, "hr")
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(later_trust(tmp_path / "later"))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot)
    page = hr.get("/compare/").get_data(as_text=True)
    tile = re.search(r"<strong>(\d+)</strong>staff joined<span class=\"base\">(\d+) left", page)
    assert tile is not None and tile.groups() == ("1", "1")
    table = page[page.index('aria-label="Staff who joined and left"'):]
    table = table[:table.index("</table>")]
    assert sorted(re.findall(r"<tr><td>([^<]+)</td><td>(\w+)</td>", table)) == [
        ("Isolate A", "left"), ("New teacher C", "joined")]
    assert "1 joined and 1 left." in page
