"""Non-interference: what a CEO or a network lead is shown does not depend on the private facts of the units hidden
from them (issue 27, requirement 2; the method: docs/suppression.md).

One hand-built trust of five schools over two snapshots (2026-03-01 and 2026-09-15), in several variants that differ
only in what is hidden from those roles:

    A 12 staff, B 10, C 8, D 6 (hidden with Fir as its complement), F "Fir" 1 to 4 (always small).
    Groups: LEADS (6 members; the network lead leads it), NET (5; hidden with SMALL as its complement) and SMALL
    (1 to 4 members, some at Fir and some at shown schools).

The variants change Fir's staff count within the hidden range, its staff's ties to each other and to staff of shown
schools (members of the lead's group among them), a secondment from Fir, and SMALL's members. For each role, every
page, CSV, JSON map payload and download that webapp.policy.ROUTES lets the role reach is fetched, for each
snapshot, and the answers (status, type and bytes, with CSRF tokens and clock times taken out) must be identical in
every variant. An admin's answers do differ between the variants: the test can tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from webapp.policy import ANY, BY_LINK, PUBLIC, ROUTES

pytestmark = pytest.mark.slow  # five trusts, every page for two roles: a minute

FIRST, SECOND = "2026-03-01", "2026-09-15"
SHOWN = {"A": 12, "B": 10, "C": 8, "D": 6}
NAMES = {"A": "Ash", "B": "Beech", "C": "Cedar", "D": "Damson", "F": "Fir"}
SHOWN_TIES = [("a1", "b1"), ("a2", "b2"), ("a3", "c1"), ("b3", "c2"), ("c4", "d1"), ("d2", "a6"), ("a5", "b5")]
MEMBERS = {"LEADS": ["a1", "a2", "b1", "b2", "c1", "c2"], "NET": ["a3", "a4", "b3", "b4", "c3"]}


@dataclass(frozen=True)
class Variant:
    """What is hidden from aggregate roles: Fir's staff, their ties (within Fir, and with staff of shown schools),
    a secondment of one of them, and the small group's members."""

    fir: int
    ties: tuple[tuple[str, str], ...]
    small: tuple[str, ...]
    seconded: bool = False
    why: str = field(default="", compare=False)


VARIANTS = (
    Variant(3, (("f1", "f2"), ("f2", "f3"), ("f1", "a1"), ("f2", "b1")), ("f1", "a5", "b5"), why="as loaded"),
    Variant(1, (), ("a5",), why="one person, no ties, a one-member group"),
    Variant(4, (("f1", "f2"), ("f2", "f3"), ("f3", "f4"), ("f1", "a1"), ("f2", "a2"), ("f3", "c1"), ("f4", "d1"),
                ("f1", "a5"), ("f2", "b5"), ("f3", "a12")), ("f1", "f2", "f3", "a5"),
            why="ties to every school and to the lead's members; group members' ties"),
    Variant(2, (("f1", "f2"), ("f1", "c8"), ("f2", "d6"), ("f1", "b10"), ("f2", "a3")), ("b5", "c5", "a6", "f2"),
            seconded=True, why="a secondment from Fir to Ash under way"),
    Variant(4, (("f1", "f2"), ("f2", "f3"), ("f3", "f4")), ("a5", "b5"), why="isolated: no tie to another school"),
)


def _write_trust(folder: Path, as_of: str, variant: Variant) -> Path:
    folder.mkdir(parents=True)
    (folder / "schools.csv").write_text("school_id,name,phase,joined_on\n" + "".join(
        f"{s},{n} School,primary,2015-09-01\n" for s, n in NAMES.items()))
    staff = ["staff_id,school_id,role,name,subjects,started_on"]
    ties = ["source_staff_id,target_staff_id,kind"]
    for school, n in {**SHOWN, "F": variant.fir}.items():
        people = [f"{school.lower()}{i}" for i in range(1, n + 1)]
        staff += [f"{p},{school},{'headteacher' if p[1:] == '1' else 'teacher'},Person {p.upper()},maths,2015-09-01"
                  for p in people]
        if school != "F":
            ties += [f"{a},{b},co-planning" for a, b in zip(people, people[1:], strict=False)]
    ties += [f"{a},{b},advice" for a, b in (*SHOWN_TIES, *variant.ties)]
    ties.append("c1,d1,advice" if as_of == FIRST else "a2,c3,peer-review")  # something changes between snapshots
    (folder / "staff.csv").write_text("\n".join(staff) + "\n")
    (folder / "collaborations.csv").write_text("\n".join(ties) + "\n")
    (folder / "groups.csv").write_text("group_id,name,kind,subject,phase\nLEADS,Leaders network,expert-network,,\n"
                                       "NET,Maths network,subject-community,maths,\n"
                                       "SMALL,Small schools network,expert-network,,\n")
    members = [(p, g) for g, people in MEMBERS.items() for p in people] + [(p, "SMALL") for p in variant.small]
    (folder / "memberships.csv").write_text("staff_id,group_id,role\n" + "".join(
        f"{p},{g},{'lead' if i == 0 else 'member'}\n" for g in ("LEADS", "NET", "SMALL")
        for i, p in enumerate(p for p, group in members if group == g)))
    if variant.seconded:
        (folder / "secondments.csv").write_text("staff_id,from_school_id,to_school_id,starts_on,ends_on,purpose\n"
                                                "f1,F,A,2025-01-01,,covering a maths post\n")
    return folder


def _app(root: Path, variant: Variant) -> Flask:
    """The web app over both snapshots of `variant`, loaded and analysed, a user of each role; the network lead
    leads LEADS."""
    from tests.web_helpers import NO_STABILITY, make_app
    from webapp.accounts import Accounts

    with SQLiteStore(root / "store.db") as store:
        for as_of in (FIRST, SECOND):
            dataset = read_trust(_write_trust(root / as_of, as_of, variant))[0]
            analysis_of(store, store.write_snapshot(dataset, as_of, source="test").snapshot, NO_STABILITY)
    app = make_app(root, None)
    with Accounts(root / "users.db") as accounts:
        accounts.users.set_groups("network-lead", ["LEADS"])
    return app


# --- every request a role may make, from the policy -----------------------------------------------------------

PATH_VALUES = {  # what each path argument of a route is tried with (a new argument fails the test until added)
    "school_id": tuple(NAMES), "group_id": ("LEADS", "NET", "SMALL"), "staff_id": ("a1", "a5", "c3", "d1", "f1", "f4"),
    "fmt": ("graphml", "gexf", "xlsx"), "which": ("before", "after"), "scenario_id": ("1",), "round_id": ("r1",),
    "challenge_id": ("1",),
}
ANY_VALUES = {"school": tuple(NAMES), "group": ("LEADS", "SMALL"), "person": ("a1",), "subject": ("maths",),
              "phase": ("primary",), "role": ("teacher",)}  # a policy condition's "any value"
PAGE_ARGUMENTS = {  # the query arguments a page reads beyond those the policy names (webapp.policy.When)
    "network_map.data": [{"view": v} for v in ("schools", "wiring", "staff")]
    + [{"view": v, "school": s} for v in ("schools", "wiring") for s in NAMES] + [{"view": "staff", "group": "LEADS"}],
    "network_map.index": [{"school": "A"}, {"group": "LEADS"}, {"view": "wiring"}],
    "compare.index": [{"table": t, "format": "csv"} for t in ("schools", "groups")]
    + [{"before": "{second}", "after": "{first}"}],
    "compare.changes": [{"before": "{first}", "after": "{second}"}, {"before": "{first}", "after": "{second}",
                                                                    "format": "html"},
                        {"before": "{first}", "after": "{second}", "group": "LEADS"}],
    "joiners.index": [{"since": "2025-09-01"}, {"table": "cohorts", "format": "csv"},
                      {"table": "schools", "format": "csv"}, {"table": "people", "format": "csv"}],
    "trends.chart": [{"of": o, "id": i, "metric": m} for o, i, m in (
        ("trust", "", "isolated_schools"), ("trust", "", "dormant_groups"), ("trust", "", "staff"),
        ("school", "A", "external_ties"), ("school", "F", "schools_reached"), ("group", "SMALL", "conductivity"),
        ("group", "LEADS", "active_members"))],
    "groups.index": [{"format": "csv"}], "schools.index": [{"format": "csv"}], "wiring.index": [{"format": "csv"}],
}


def _queries(endpoint: str) -> Iterator[dict[str, str]]:
    """The query strings tried on `endpoint`: none, each download its policy entry lists, each condition of its
    named or purpose rules (ANY: each school or group), and the page's own arguments."""
    route = ROUTES[endpoint]
    yield {}
    for download in route.downloads:
        if download in ("csv", "html"):
            yield {"format": download}
    for when in (*route.named, *route.purpose):
        choices: list[dict[str, str]] = [{}]
        for name, values in when.args:
            options = sorted(ANY_VALUES[name] if ANY in values else values)
            choices = [{**c, name: v} for c in choices for v in options]
        yield from choices
    yield from PAGE_ARGUMENTS.get(endpoint, [])


def requests_of(app: Flask, role: str, snapshots: dict[str, str]) -> list[str]:
    """Every GET request `role` may make under the policy, for each snapshot."""
    urls = []
    for rule in app.url_map.iter_rules():
        route = ROUTES.get(rule.endpoint)
        if route is None or PUBLIC in route.who or BY_LINK in route.who or role not in route.who:
            continue
        if "GET" not in (rule.methods or ()):
            continue
        for argument in rule.arguments:
            assert argument in PATH_VALUES, f"{rule.rule}: add {argument!r} to PATH_VALUES"
        paths = [app.url_map.bind("localhost").build(rule.endpoint, values)
                 for values in _path_values(sorted(rule.arguments))]
        for path in paths:
            for query in _queries(rule.endpoint):
                filled = {k: v.format(**snapshots) for k, v in query.items()}
                chosen = [{}] if "before" in filled else [{"snapshot": s} for s in snapshots.values()]
                urls += [_url(path, {**filled, **snapshot}) for snapshot in chosen]
    return urls


def _path_values(arguments: list[str]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = [{}]
    for argument in arguments:
        found = [{**f, argument: v} for f in found for v in PATH_VALUES[argument]]
    return found


def _url(path: str, query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"{path}?{urlencode(query)}" if query else path


# --- what may legitimately vary -------------------------------------------------------------------------------

_VARYING = [
    (re.compile(rb'name="csrf_token"( type="hidden")? value="[^"]+"'), b'name="csrf_token" value="-"'),
    (re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"), b"<time>"),
]


def _answer(client: FlaskClient, url: str) -> tuple[int, str, bytes]:
    response = client.get(url)
    body = response.get_data()
    for pattern, replacement in _VARYING:
        body = pattern.sub(replacement, body)
    return response.status_code, response.headers.get("Content-Type", ""), body


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> list[Flask]:
    return [_app(tmp_path_factory.mktemp(f"variant{i}"), v) for i, v in enumerate(VARIANTS)]


def _client(app: Flask, role: str) -> FlaskClient:
    from tests.web_helpers import login

    client = app.test_client()
    login(client, role)
    return client


def _snapshot_ids(app: Flask) -> dict[str, str]:
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        listed = {s.as_of: s.snapshot_id for s in store.list_snapshots()}
    return {"first": listed[FIRST], "second": listed[SECOND]}


@pytest.mark.parametrize("role", ["ceo", "network-lead"])
def test_nothing_a_role_that_sees_aggregates_reaches_depends_on_the_hidden_units(apps: list[Flask],
                                                                                 role: str) -> None:
    """Every answer the policy lets the role have is the same, byte for byte, whatever Fir and the small group
    hold; and the role was told, once a page, that its figures leave small units out."""
    snapshots = _snapshot_ids(apps[0])
    urls = requests_of(apps[0], role, snapshots)
    reached = {url.split("?")[0].split("/")[1] for url in urls}
    assert {"", "schools", "groups", "wiring", "map", "compare", "joiners", "trends"} <= reached
    if role == "network-lead":
        assert {"staff", "expertise", "challenges", "surveys"} <= reached
    first = _client(apps[0], role)
    expected = {url: _answer(first, url) for url in urls}
    assert sum(status == 200 for status, _, _ in expected.values()) > 100  # pages, not refusals
    dashboard = expected[f"/?snapshot={snapshots['second']}"][2].decode()
    assert dashboard.count("Figures for your role leave out") == 1
    assert "leave out 2 small schools and 2 small groups" in dashboard
    differ = []
    for variant, app in zip(VARIANTS[1:], apps[1:], strict=True):
        assert _snapshot_ids(app) == snapshots
        client = _client(app, role)
        differ += [(variant.why, url) for url in urls if _answer(client, url) != expected[url]]
    assert not differ, f"{len(differ)} answers differ, e.g. {differ[:12]}"


def test_an_admin_sees_what_the_variants_change(apps: list[Flask]) -> None:
    """The variants do differ where a role that sees names looks: the test above could fail."""
    answers = {_answer(_client(app, "admin"), "/schools/?format=csv")[2] for app in apps}
    assert len(answers) == len(VARIANTS)
    assert all(b"fewer than" not in a for a in answers)
