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

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.store import SQLiteStore
from tests.hidden_units import FIRST, NAMES, SECOND, VARIANTS, hidden_units_app
from webapp.policy import ANY, BY_LINK, PUBLIC, ROUTES

pytestmark = pytest.mark.slow  # five trusts, every page for two roles: a minute

# --- every request a role may make, from the policy -----------------------------------------------------------

PATH_VALUES = {  # what each path argument of a route is tried with (a new argument fails the test until added)
    "school_id": tuple(NAMES), "group_id": ("LEADS", "NET", "SMALL"), "staff_id": ("a1", "a5", "c3", "d1", "f1", "f4"),
    "fmt": ("graphml", "gexf", "xlsx"), "which": ("before", "after"), "scenario_id": ("1",), "round_id": ("r1",),
    "challenge_id": ("1",),
}
ANY_VALUES = {"school": tuple(NAMES), "group": ("LEADS", "SMALL"), "person": ("a1",), "subject": ("maths",),
              "phase": ("primary",), "role": ("teacher",)}  # a policy condition's "any value"
BOXES = [{"width": "1233", "height": "598"}, {"width": "343", "height": "598"}]  # the page's map box, desktop and phone
PAGE_ARGUMENTS = {  # the query arguments a page reads beyond those the policy names (webapp.policy.When)
    "network_map.data": [{"view": v} for v in ("schools", "wiring", "staff")]
    + [{"view": v, "school": s} for v in ("schools", "wiring") for s in NAMES] + [{"view": "staff", "group": "LEADS"}]
    + [{"view": v, **box} for v in ("schools", "wiring") for box in BOXES]
    + [{"view": "staff", "group": "LEADS", **BOXES[1]}],
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
    return [hidden_units_app(tmp_path_factory.mktemp(f"variant{i}"), v) for i, v in enumerate(VARIANTS)]


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
