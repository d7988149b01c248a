"""Small-group suppression attacked by subtraction, as a CEO or a network lead would (issue 27, requirement 2;
the method: docs/suppression.md).

A hand-built trust of six schools over two snapshots, 2026-03-01 and 2026-09-15:

    A 12 -> 13 staff, B 10 -> 11, C 8, D 6, E 4 -> 6 (grows past 5), F 3 (always small).
    First snapshot: E (4) and F (3) are hidden (7 people together).
    Second: F (3) is hidden, with D (6, the smallest other) as its complement; E (6) would be shown.
    Collaborations: a chain inside each school; A-B, A-C, B-C across; e1-a1 and e2-b1; c1-d1 in the first
    snapshot only, d1-f1 in the second only, so Fir (isolated at first) becomes connected.
    Starters: seven in the 2025 autumn term, two in the 2026 spring term, three in the 2026 summer term and one in
    the 2026 autumn term; everyone else started in 2015.

Each of the issue's five routes has a test of its own; then every aggregate page and CSV of both snapshots and
every reporting period is read, and the figures shown are put into linear equations over the unknown figures of
every school in every snapshot: no hidden school's figure may be determined by them.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from webapp.accounts import Accounts

FIRST, SECOND = "2026-03-01", "2026-09-15"
SIZES = {FIRST: {"A": 12, "B": 10, "C": 8, "D": 6, "E": 4, "F": 3},
         SECOND: {"A": 13, "B": 11, "C": 8, "D": 6, "E": 6, "F": 3}}
HIDDEN = {FIRST: {"E", "F"}, SECOND: {"D", "F"}}
HIDDEN_ANYWHERE = HIDDEN[FIRST] | HIDDEN[SECOND]
NAMES = {"A": "Ash", "B": "Beech", "C": "Cedar", "D": "Damson", "E": "Elm", "F": "Fir"}
STARTS = {"a10": "2025-09-01", "a11": "2025-10-05", "a12": "2025-11-10", "b9": "2025-09-01", "b10": "2025-12-01",
          "c8": "2025-09-15", "d6": "2025-10-01",              # 2025 autumn: 7
          "a9": "2026-01-05", "b8": "2026-02-10",              # 2026 spring: 2
          "e5": "2026-05-01", "e6": "2026-06-01", "a13": "2026-07-01",  # 2026 summer: 3 (second snapshot)
          "b11": "2026-09-01"}                                 # 2026 autumn: 1 (second snapshot)
ROLES = ("ceo", "network-lead")


def _staff_ids(school: str, n: int) -> list[str]:
    return [f"{school.lower()}{i}" for i in range(1, n + 1)]


def _write_trust(folder: Path, as_of: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "schools.csv").write_text("school_id,name,phase,joined_on\n" + "".join(
        f"{s},{n} School,primary,2015-09-01\n" for s, n in NAMES.items()))
    staff, ties = ["staff_id,school_id,role,name,subjects,started_on"], ["source_staff_id,target_staff_id,kind"]
    for school, n in SIZES[as_of].items():
        people = _staff_ids(school, n)
        staff += [f"{p},{school},{'headteacher' if p.endswith('1') and len(p) == 2 else 'teacher'},"
                  f"Person {p.upper()},,{STARTS.get(p, '2015-09-01')}" for p in people]
        ties += [f"{a},{b},co-planning" for a, b in zip(people, people[1:], strict=False)]
    ties += ["a1,b1,advice", "a2,b2,co-planning", "a3,c1,advice", "b3,c2,peer-review", "e1,a1,advice",
             "e2,b1,co-planning", "c1,d1,advice" if as_of == FIRST else "d1,f1,advice"]
    (folder / "staff.csv").write_text("\n".join(staff) + "\n")
    (folder / "collaborations.csv").write_text("\n".join(ties) + "\n")
    (folder / "groups.csv").write_text("group_id,name,kind,subject,phase\nLEADS,Leaders network,expert-network,,\n"
                                       "SMALL,Small schools network,expert-network,,\n")
    (folder / "memberships.csv").write_text("staff_id,group_id,role\na1,LEADS,lead\na2,LEADS,member\n"
                                            "b1,LEADS,member\nb2,LEADS,member\nc1,LEADS,member\nc2,LEADS,member\n"
                                            "e1,SMALL,lead\nf1,SMALL,member\nd1,SMALL,member\n")
    return folder


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The web app over both snapshots, a user of each role; the network lead leads LEADS."""
    from tests.web_helpers import NO_STABILITY, make_app

    root = tmp_path_factory.mktemp("attack")
    with SQLiteStore(root / "store.db") as store:
        for as_of in (FIRST, SECOND):
            dataset = read_trust(_write_trust(root / as_of, as_of))[0]
            analysis_of(store, store.write_snapshot(dataset, as_of, source="test").snapshot, NO_STABILITY)
    app = make_app(root, None)
    with Accounts(root / "users.db") as accounts:
        accounts.users.set_groups("network-lead", ["LEADS"])
    return app


@pytest.fixture(scope="module")
def clients(app: Flask) -> dict[str, FlaskClient]:
    from tests.web_helpers import login

    found = {}
    for role in (*ROLES, "admin"):
        client = app.test_client()
        login(client, role)
        found[role] = client
    return found


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return response.get_data(as_text=True)


def _csv(client: FlaskClient, url: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_get(client, url))))


def _number(text: str) -> float | None:
    """A figure as shown ("1,234", "12.5 %", "0.250"), or None for a hidden or empty cell."""
    text = text.strip().replace(",", "")
    if text.endswith("%"):
        text = text[:-1].strip()
    try:
        return float(text)
    except ValueError:
        return None


def _trend_rows(html: str) -> dict[str, list[tuple[str, float | None]]]:
    """Each trend table on a page: its caption -> (snapshot, value) rows."""
    found = {}
    for caption, body in re.findall(r"<caption>(.*?)</caption>.*?<tbody>(.*?)</tbody>", html, re.S):
        found[caption] = [(d, _number(v)) for d, v in re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", body)]
    return found


# --- route 1: the new joiners page's date ----------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_route_1_a_free_joiners_date_is_refused_to_aggregate_roles(clients: dict[str, FlaskClient],
                                                                   role: str) -> None:
    """Moving "since" one day at a time isolates single starters: 2026-01-05 against 2026-01-06 differ by a9
    alone. An aggregate role chooses among fixed reporting periods instead, and is told so."""
    for url in ("/joiners/?since=2026-01-05", "/joiners/?since=2026-01-06&table=cohorts&format=csv"):
        response = clients[role].get(url)
        assert response.status_code == 400, url
        text = response.get_data(as_text=True)
        assert "reporting period" in text and "2026-01-01" in text  # what to choose instead
    assert clients["admin"].get("/joiners/?since=2026-01-05").status_code == 200  # named roles keep free dates


@pytest.mark.parametrize("role", ROLES)
def test_route_1_every_reporting_period_shows_the_same_cohorts_and_hides_small_ones_everywhere(
        clients: dict[str, FlaskClient], role: str) -> None:
    """Whatever period is chosen, a term's cohort reads the same (so no two periods differ by part of a term),
    cohorts of fewer than 5 starters are hidden in every period, and the established staff row does not move.
    The hidden schools' starters are left out before anything is counted (d6 of Damson, e5 and e6 of Elm): the
    2025 autumn term's 6 others are hidden with the small terms (2 + 1 + 1 starters) as their complement."""
    page = _get(clients[role], "/joiners/")
    periods = re.findall(r'<option value="(\d{4}-\d{2}-\d{2})"', page)
    assert "2025-09-01" in periods and "2026-01-01" in periods and "2026-04-20" in periods
    seen: dict[str, tuple[str, ...]] = {}
    for since in periods:
        for row in _csv(clients[role], f"/joiners/?since={since}&table=cohorts&format=csv"):
            cells = tuple(row.values())
            assert seen.setdefault(row["cohort"], cells) == cells, (since, row)
    for small in ("2025 autumn", "2026 spring", "2026 summer", "2026 autumn"):
        assert seen[small][1:] == ("fewer than 5",) * 4, small
    admin = {r["cohort"]: r for r in _csv(clients["admin"], "/joiners/?since=2025-09-01&table=cohorts&format=csv")}
    assert admin["2025 autumn"]["people"] == "7"  # every school's starters


# --- route 2: trends ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_route_2_a_school_hidden_in_any_snapshot_has_no_trend_in_any(clients: dict[str, FlaskClient],
                                                                      role: str) -> None:
    """Damson is shown in the first snapshot and hidden in the second; Elm the other way round. Neither's page,
    in either snapshot, may show the other snapshot's figures in a trend table or chart."""
    first, second = (_snapshot_id(clients["admin"], d) for d in (FIRST, SECOND))
    for school in ("D", "E"):
        for snapshot in (first, second):
            html = _get(clients[role], f"/schools/{school}?snapshot={snapshot}")
            assert not _trend_rows(html), (school, snapshot)
        for metric in ("external_ties", "schools_reached"):
            chart = clients[role].get(f"/trends/chart.svg?of=school&id={school}&metric={metric}")
            assert chart.status_code == 403
    assert _trend_rows(_get(clients[role], f"/schools/A?snapshot={first}"))  # a school never hidden keeps it
    group = _get(clients[role], f"/groups/SMALL?snapshot={first}")
    assert not _trend_rows(group)


# --- route 3: dashboard alerts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_route_3_alerts_never_name_a_hidden_school(clients: dict[str, FlaskClient], role: str) -> None:
    """Fir (3 staff) is isolated in the first snapshot: the alerts may not say so, nor count it."""
    first, second = (_snapshot_id(clients["admin"], d) for d in (FIRST, SECOND))
    for snapshot, hidden in ((first, HIDDEN[FIRST]), (second, HIDDEN[SECOND])):
        html = _get(clients[role], f"/?snapshot={snapshot}")
        alerts = html.split('<ul class="alerts">', 1)[1].split("</ul>", 1)[0]
        for school in hidden:
            assert NAMES[school] not in alerts, (snapshot, school)
            assert f"/schools/{school}\"" not in alerts, (snapshot, school)
        changes = html.split("<h2>Alerts</h2>", 1)[1].split("<h2>Trends", 1)[0]
        for school in HIDDEN_ANYWHERE:  # the change since the previous snapshot hides a school hidden in either
            assert f"{NAMES[school]} School" not in changes.split("</ul>", 1)[1], (snapshot, school)
    admin = _get(clients["admin"], f"/?snapshot={first}")
    assert "Fir School" in admin.split('<ul class="alerts">', 1)[1].split("</ul>", 1)[0]  # admin's view unchanged


# --- route 4: map and wiring edges -------------------------------------------------------------------------------

def _map_payloads(client: FlaskClient, first: str, second: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for snapshot in (first, second):
        for kind in ("schools", "wiring"):
            url = f"/map/data?view={kind}&snapshot={snapshot}"
            found.append((url, client.get(url).get_json()))
            for school in NAMES:
                url = f"/map/data?view={kind}&school={school}&snapshot={snapshot}"
                found.append((url, client.get(url).get_json()))
            found.append((url + "&format=html", client.get(url + "&format=html").get_data(as_text=True)))
    url = f"/compare/map?before={first}&after={second}"
    found.append((url, client.get(url).get_json()))
    found.append((url + "&format=html", client.get(url + "&format=html").get_data(as_text=True)))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_route_4_no_map_or_wiring_table_draws_a_hidden_schools_links(clients: dict[str, FlaskClient],
                                                                     role: str) -> None:
    """Counting a hidden school's lines gives its hidden "schools reached": no map (JSON or HTML download), no
    wiring CSV and no school's table of ties may show a link of a school hidden in that snapshot."""
    first, second = (_snapshot_id(clients["admin"], d) for d in (FIRST, SECOND))
    client = clients[role]
    for url, drawn in _map_payloads(client, first, second):
        hidden = HIDDEN_ANYWHERE if url.startswith("/compare") else HIDDEN[SECOND if second in url else FIRST]
        if isinstance(drawn, str):
            edges = re.findall(r'"from":\s*"([A-F])",\s*"to":\s*"([A-F])"', drawn)
            nodes = set(re.findall(r'"id":\s*"([A-F])"', drawn))
        else:
            edges = [(e["from"], e["to"]) for e in drawn["edges"]]
            nodes = {n["id"] for n in drawn["nodes"]}
        assert not [e for e in edges if set(e) & hidden], url
        assert not nodes & hidden, url  # not even placed: a force layout puts a school beside those it reaches
    for snapshot, as_of in ((first, FIRST), (second, SECOND)):
        rows = _csv(client, f"/wiring/?format=csv&snapshot={snapshot}")
        assert not [r for r in rows if {r["school_a"], r["school_b"]} & HIDDEN[as_of]], as_of
        matrix = _get(client, f"/wiring/?snapshot={snapshot}")
        for school in HIDDEN[as_of]:
            assert f"{NAMES[school]} School" not in matrix.split("<table", 1)[1], (as_of, school)
        for school in NAMES:
            ties = _csv(client, f"/schools/{school}?format=csv&snapshot={snapshot}")
            if school in HIDDEN[as_of]:
                assert ties == [], (as_of, school)
            assert not [r for r in ties if r["school_id"] in HIDDEN[as_of]], (as_of, school)


# --- route 5: totals across snapshots and the compare page -------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_route_5_the_compare_page_hides_a_school_hidden_in_either_snapshot_everywhere(
        clients: dict[str, FlaskClient], role: str) -> None:
    """Fir became connected (d1-f1) and Damson lost its tie with Cedar: "became connected: Fir" says that Fir's
    staff had no tie to another school. Neither is named; their rows are hidden in both directions; and the
    trust's totals are the shown rows' (the hidden schools' staff are left out before the comparison, as the page
    says), so that nothing is left over to attribute to them."""
    first, second = (_snapshot_id(clients["admin"], d) for d in (FIRST, SECOND))
    for before, after in ((first, second), (second, first)):
        html = _get(clients[role], f"/compare/?before={before}&after={after}")
        alerts = html.split('<ul class="alerts">', 1)[1].split("</ul>", 1)[0]
        for school in HIDDEN_ANYWHERE:
            assert NAMES[school] not in alerts, (before, school)
        rows = {r["school_id"]: r for r in _csv(clients[role], f"/compare/?before={before}&after={after}"
                                                              "&table=schools&format=csv")}
        for school in HIDDEN_ANYWHERE:
            assert set(list(rows[school].values())[1:]) == {"fewer than 5"}, (before, school)
        assert "Figures for your role leave out 3 small schools" in html
        totals = _compare_totals(html)
        for column, total in totals.items():
            shown = sum(float(r[column]) for r in rows.values() if r[column] != "fewer than 5")
            assert total == shown, (before, column)  # the hidden schools are in no total


def _compare_totals(html: str) -> dict[str, float]:
    """The trust's totals on the compare page, as the schools table's columns would add up to them: each
    collaboration counts once for each school of its two people, so a column's sum is the total plus its
    cross-school part."""
    head = html.split('<section class="headline">', 1)[1].split("</section>", 1)[0]
    numbers = [float(n.replace(",", "")) for n in re.findall(r"<strong>([\d,]+)</strong>", head)]
    across = [float(n.replace(",", "")) for n in re.findall(r'<span class="base">([\d,]+) across', head)]
    totals = {}
    for i, status in enumerate(("gained", "lost", "persisting")):
        totals[f"ties_{status}"] = numbers[i] + across[i]
        totals[f"cross_school_{status}"] = 2 * across[i]
    return totals


@pytest.mark.parametrize("role", ROLES)
def test_route_5_the_dashboards_change_since_the_previous_snapshot_does_not_count_hidden_schools(
        clients: dict[str, FlaskClient], role: str) -> None:
    """"Isolated schools: 1 -> 0" with none named tells that a hidden school was isolated and is no longer."""
    second = _snapshot_id(clients["admin"], SECOND)
    html = _get(clients[role], f"/?snapshot={second}")
    figures = dict(re.findall(r"<tr><t[hd][^>]*>([^<]+)</t[hd]><td>([^<]*)</td>", html))
    assert figures.get("Isolated schools") is None  # an admin's label; an aggregate role's reads otherwise
    admin = _get(clients["admin"], f"/?snapshot={second}")
    assert "Isolated schools" in admin


@pytest.mark.parametrize("role", ROLES)
def test_route_5_two_small_isolated_schools_are_not_given_away_by_the_trusts_totals(
        tmp_path: Path, role: str) -> None:
    """Elm (4) and Fir (3) hidden together, neither collaborating with another school: were they in the trust's
    totals, its cross-school collaborations minus the shown schools' would be 0, and so each hidden school's ("its
    staff have no ties"). Their staff are left out before analysis instead, so the totals are exactly the shown
    schools' and say nothing of theirs, whether they collaborate or not; no third school need be hidden."""
    from tests.web_helpers import login, make_app

    folder = _write_trust(tmp_path / "trust", FIRST)
    staff = folder / "staff.csv"
    staff.write_text("".join(line for line in staff.read_text().splitlines(keepends=True)
                             if not line.startswith(("d", "c"))))  # Ash, Beech, Elm, Fir
    ties = folder / "collaborations.csv"
    ties.write_text("".join(line for line in ties.read_text().splitlines(keepends=True)
                            if not line.startswith(("e1,", "e2,", "a3,c1", "b3,c2", "c", "d"))))
    memberships = folder / "memberships.csv"
    memberships.write_text("".join(line for line in memberships.read_text().splitlines(keepends=True)
                                   if not line.startswith(("c", "d"))))
    client = make_app(tmp_path / "web", read_trust(folder)[0]).test_client()
    login(client, role)
    rows = {r["school_id"]: r for r in _csv(client, "/schools/?format=csv")}
    hidden = {s for s, r in rows.items() if r["staff"] == "fewer than 5"}
    assert hidden == {"E", "F"}  # 7 people in two schools: no complement needed
    html = _get(client, "/")
    collaborations = _number(re.search(r"<strong>([\d,]+)</strong> collaborations", html).group(1)) or 0  # type: ignore[union-attr]
    share = _number(re.search(r"<strong>([\d.]+) %</strong> cross-school", html).group(1)) or 0  # type: ignore[union-attr]
    across = round(collaborations * share / 100)
    for column, total in (("external_ties", 2 * across), ("internal_ties", collaborations - across)):
        shown = sum(float(r[column]) for s, r in rows.items() if s not in hidden)
        assert total == shown, column


# --- every page, by subtraction ----------------------------------------------------------------------------------

def _snapshot_id(client: FlaskClient, as_of: str) -> str:
    html = _get(client, "/")
    found = re.findall(r'<option value="([^"]+)"[^>]*>' + re.escape(as_of), html)
    assert found, as_of
    return found[0]


class Ledger:
    """Linear equations over the unknown figures x[(snapshot, school, metric)]: each shown figure is one."""

    def __init__(self) -> None:
        self.rows: list[dict[tuple[str, str, str], float]] = []
        self.values: list[float] = []

    def shown(self, terms: dict[tuple[str, str, str], float], value: float) -> None:
        self.rows.append(terms)
        self.values.append(value)

    def pins(self, unknown: tuple[str, str, str]) -> bool:
        """Whether the equations determine `unknown` (its unit vector lies in their row space)."""
        keys = sorted({k for row in self.rows for k in row} | {unknown})
        index = {k: i for i, k in enumerate(keys)}
        matrix = np.zeros((len(self.rows), len(keys)))
        for r, row in enumerate(self.rows):
            for k, c in row.items():
                matrix[r, index[k]] = c
        unit = np.zeros((1, len(keys)))
        unit[0, index[unknown]] = 1
        return bool(np.linalg.matrix_rank(np.vstack([matrix, unit])) == np.linalg.matrix_rank(matrix))


METRICS = ("staff", "external_ties", "schools_reached")


def _pair(as_of: str, a: str, b: str) -> tuple[str, str, str]:
    return (as_of, "|".join(sorted((a, b))), "soft_ties")


@pytest.mark.parametrize("role", ROLES)
def test_no_hidden_schools_figure_is_recovered_by_subtracting_across_pages_totals_and_snapshots(
        clients: dict[str, FlaskClient], role: str) -> None:
    """Every school figure the role is shown, in both snapshots: the schools table's CSV, each school's page,
    trend tables and table of ties with other schools, the dashboards' totals (staff; collaborations and the
    cross-school share, which give the sum of every school's collaborations with others), the maps' nodes. Known
    to any attacker besides: a school's collaborations with others are the sum of its pairs'. None of it may pin
    a hidden school's figure in either snapshot."""
    client = clients[role]
    ledger = Ledger()
    ids = {as_of: _snapshot_id(clients["admin"], as_of) for as_of in (FIRST, SECOND)}
    for as_of, snapshot in ids.items():
        for school in NAMES:  # what everyone knows: a school's ties with others are the sum over its pairs
            ledger.shown({(as_of, school, "external_ties"): 1.0,
                          **{_pair(as_of, school, other): -1.0 for other in NAMES if other != school}}, 0.0)
        for row in _csv(client, f"/schools/?format=csv&snapshot={snapshot}"):
            for metric in METRICS:
                value = _number(row[metric])
                if value is not None:
                    ledger.shown({(as_of, row["school_id"], metric): 1.0}, value)
        html = _get(client, f"/?snapshot={snapshot}")
        staff = _number(re.search(r"<strong>([\d,]+)</strong> staff in post", html).group(1))  # type: ignore[union-attr]
        ledger.shown({(as_of, s, "staff"): 1.0 for s in NAMES}, staff or 0)
        ties = _number(re.search(r"<strong>([\d,]+)</strong> collaborations", html).group(1))  # type: ignore[union-attr]
        share = _number(re.search(r"<strong>([\d.]+) %</strong> cross-school", html).group(1))  # type: ignore[union-attr]
        ledger.shown({(as_of, s, "external_ties"): 1.0 for s in NAMES}, round(2 * (ties or 0) * (share or 0) / 100))
        for school in NAMES:
            page = _get(client, f"/schools/{school}?snapshot={snapshot}")
            for caption, points in _trend_rows(page).items():
                metric = "external_ties" if caption.startswith("Collaborations") else "schools_reached"
                for date, value in points:
                    if value is not None:
                        ledger.shown({(date, school, metric): 1.0}, value)
            for row in _csv(client, f"/schools/{school}?format=csv&snapshot={snapshot}"):
                value = _number(row["soft_ties"])
                if value is not None:
                    ledger.shown({_pair(as_of, school, row["school_id"]): 1.0}, value)
    for url, drawn in _map_payloads(client, ids[FIRST], ids[SECOND]):
        if url.startswith("/compare") or not isinstance(drawn, dict):
            continue
        for node in drawn["nodes"]:
            match = re.search(r"([\d,]+) staff, ([\d,]+) ties to ([\d,]+) other", node.get("title", ""))
            if match and node["id"] in NAMES:
                shown_as_of = SECOND if f"snapshot={ids[SECOND]}" in url else FIRST
                for metric, value in zip(METRICS, match.groups(), strict=True):
                    ledger.shown({(shown_as_of, node["id"], metric): 1.0}, float(value.replace(",", "")))
    assert len(ledger.rows) > 60  # the attacker had plenty to work with
    for as_of, hidden in HIDDEN.items():
        for school in hidden:
            for metric in METRICS:
                assert not ledger.pins((as_of, school, metric)), (role, as_of, school, metric)
    admin = Ledger()  # the method finds what is there to find: an admin's schools table pins every figure
    for row in _csv(clients["admin"], f"/schools/?format=csv&snapshot={ids[FIRST]}"):
        admin.shown({(FIRST, row["school_id"], "staff"): 1.0}, float(row["staff"]))
    assert admin.pins((FIRST, "F", "staff"))
