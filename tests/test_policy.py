"""The access policy (webapp.policy) itself: every route of the app has an entry and every entry a route, a route
without one is refused, person-level downloads and maps ask a purpose and are audited, the commands that write
named data are audited and write owner-only files, and docs/access-policy.md lists every entry. What each identity
gets route by route, derived from the same policy, is tests/test_access.py."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from netmap.cli import main
from netmap.ingest.validate import read_trust
from tests.trusts import EVALUATION_DATES, NOTICE, PLANTED, intervention_folder, planted_dataset
from tests.web_helpers import login, make_app
from webapp.accounts import Accounts
from webapp.policy import AGGREGATE, ANY, BY_LINK, COMMANDS, PUBLIC, ROLES, ROUTES, SCOPES, When, render_markdown

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "access-policy.md"
# Named data leaving as a file or a map: a download format, or a route that is itself a file, a map's payload or
# the JSON of its name suggestions
FILE_FORMATS = {"csv", "html"}
FILES_AND_MAPS = {"exports.download", "network_map.data", "compare.changes", "person_rights.download",
                  "network_map.people"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(tmp_path_factory.mktemp("policy"), read_trust(PLANTED)[0])


def test_every_route_has_a_policy_entry_and_every_entry_a_route(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ROUTES))
    assert not missing, f"routes with no entry in webapp/policy.py ROUTES (the gate refuses them): {missing}"
    stale = sorted(set(ROUTES) - endpoints)
    assert not stale, f"webapp/policy.py ROUTES names endpoints the app does not have: {stale}"


def test_a_route_without_an_entry_is_refused_to_everyone(tmp_path: Path) -> None:
    app = make_app(tmp_path, planted_dataset())
    app.add_url_rule("/unlisted", "unlisted", lambda: "every salary in the trust")
    anonymous, admin = app.test_client(), app.test_client()
    login(admin, "admin")
    for client in (anonymous, admin):
        response = client.get("/unlisted")
        text = response.get_data(as_text=True)
        assert response.status_code == 403 and "salary" not in text
        assert "no entry in netmap&#39;s access policy" in text or "no entry in netmap's access policy" in text


def test_every_entry_names_known_roles_and_a_purpose_only_where_names_can_be_seen() -> None:
    for endpoint, rule in ROUTES.items():
        assert rule.who and set(rule.who) <= {*ROLES, PUBLIC, BY_LINK}, endpoint
        assert not (rule.public and (rule.named or rule.purpose)), f"{endpoint}: public yet person-level"
        if rule.named == (When(),):  # person-level only: a role that sees nobody by name cannot be let in
            assert not [r for r in rule.who if r in SCOPES and SCOPES[r].rows == AGGREGATE], endpoint
    assert set(SCOPES) == set(ROLES)


def _example(when: When) -> dict[str, str]:
    """A query `when` holds for."""
    return {name: "x" if ANY in values else sorted(values)[0] for name, values in when.args}


def test_named_downloads_and_maps_ask_a_purpose_and_are_audited() -> None:
    """Whatever carries names out as a file (CSV, HTML map, GraphML, GEXF, XLSX) or as a map's payload needs a
    stated purpose and is audited with it (tests/test_access.py fetches each and reads the audit row)."""
    checked = set()
    for endpoint, rule in ROUTES.items():
        for when in rule.named:
            asked = [_example(when)]
            if endpoint not in FILES_AND_MAPS:  # a file: the same request with ?format= of each download
                asked = [{**asked[0], "format": f} for f in rule.downloads if f in FILE_FORMATS]
            for query in asked:
                if rule.is_named(query):
                    checked.add(endpoint)
                    assert rule.needs_purpose(query) and rule.audited, f"{endpoint} {query}: no purpose or audit"
    assert checked >= FILES_AND_MAPS | {"staff.index", "joiners.index", "compare.index", "wiring.bridges",
                                        "secondments.risk", "expertise.index", "challenges.show", "rounds.show",
                                        "rounds.open_", "rounds.reissue", "rounds.remind_"}


def test_forms_handing_over_named_files_carry_their_own_purpose(app: Flask) -> None:
    """A route reached only by POST (a form) whose answer is person-level and a download (a survey round's links)
    must state its purpose in the form itself (IN_FORM): a POST is never redirected to state one. The gate
    enforces it (tests/test_purpose.py posts each without, then with, one)."""
    methods = {rule.endpoint: rule.methods - {"HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()}
    forms = {endpoint for endpoint, rule in ROUTES.items()
             if methods[endpoint] == {"POST"} and rule.is_named({}) and rule.downloads}
    assert forms == {"rounds.open_", "rounds.reissue", "rounds.remind_"}
    for endpoint in forms:
        assert ROUTES[endpoint].asks_in_form({}) and ROUTES[endpoint].audited, endpoint
    in_form = {endpoint for endpoint, rule in ROUTES.items() if any(when.form for when in rule.purpose)}
    assert in_form == forms, "a purpose in the form is for POST forms only: a GET is asked once a session"


def test_json_routes_are_refused_as_json() -> None:
    """A route answering a script's JSON cannot follow a redirect to state a purpose: it is marked json, and the
    gate answers 403 with the reason as JSON instead (tests/test_purpose.py)."""
    assert ROUTES["network_map.people"].json and ROUTES["network_map.people"].needs_purpose({})


def test_the_access_policy_document_lists_every_entry() -> None:
    """docs/access-policy.md holds the policy's tables as generated now (`python -m webapp.policy`), so it lists
    every role, route and command with what the policy says of it."""
    text = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- generated from webapp/policy.py: begin -->\n", "<!-- generated from webapp/policy.py: end -->"
    assert begin in text and end in text
    assert text.split(begin, 1)[1].split(end, 1)[0] == render_markdown(), (
        "docs/access-policy.md is out of date: regenerate its tables with `python -m webapp.policy`")
    missing = [f"`{endpoint}`" for endpoint in ROUTES if f"`{endpoint}`" not in text]
    missing += [f"`netmap {command}`" for command in COMMANDS if f"`netmap {command}`" not in text]
    missing += [f"`{role}`" for role in ROLES if f"`{role}`" not in text]
    assert not missing, f"docs/access-policy.md does not list: {missing}"


def test_commands_writing_named_data_are_audited_and_write_owner_only(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command of COMMANDS, run on the planted trust: its files are readable by their owner alone, and the
    audit log has an entry for it by the person at the terminal."""
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("NETMAP_USERS_DB", str(tmp_path / "users.db"))
    monkeypatch.setenv("NETMAP_PUBLIC_URL", "https://netmap.trust.example/")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    run("load", str(PLANTED), "--as-of", "2026-07-01")
    run("load", str(PLANTED), "--as-of", "2026-08-01")  # a second snapshot, to compare
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    round_id = run("survey", "create", "--base", "2026-07-01", "--title", "Summer", "--question", "planning",
                   "--opens", "2026-07-02", "--closes", "2099-07-20", "--notice", str(notice)).split()[2]
    series = str(intervention_folder(tmp_path / "series", planted=True))
    for day in EVALUATION_DATES:  # a group joined between two snapshots, in a store of its own
        run("load", series, "--as-of", day, "--db", str(tmp_path / "series.db"))
    out = tmp_path / "out"
    invocations = {
        "analyse": ["analyse", "--out", str(out / "analysis")],
        "export": ["export", "--format", "graphml", "--out", str(out / "net.graphml")],
        "survey open": ["survey", "open", round_id, "--links-out", str(out / "links.csv")],
        "survey links": ["survey", "links", round_id, "--out", str(out / "again.csv")],
        "survey status": ["survey", "status", round_id, "--waiting", str(out / "waiting.csv")],
        "compare": ["compare", "--out", str(out / "compared")],
        "evaluate": ["evaluate", "--group", "MATHS", "--db", str(tmp_path / "series.db"), "--out",
                     str(out / "evaluated")],
        "find-expertise": ["find-expertise", "maths", "--out", str(out / "experts.csv")],
        "person export": ["person", "export", "a1", "--out", str(out / "a1.zip")],
    }
    assert set(invocations) == set(COMMANDS), "every command of the policy is run here"
    out.mkdir(mode=0o700)
    for command, args in invocations.items():
        with Accounts(tmp_path / "users.db") as accounts:
            before = len(accounts.audit.records())
        run(*args)
        with Accounts(tmp_path / "users.db") as accounts:
            records = accounts.audit.records()  # newest first
            added = records[:len(records) - before]
        assert any(str(r[1]).startswith("cli") for r in added), f"netmap {command} wrote no audit entry"
        written = Path(args[args.index(COMMANDS[command].writes) + 1])
        files = [written] if written.is_file() else [p for p in written.rglob("*") if p.is_file()]
        assert files, command
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"netmap {command}: {path} is not owner-only"


NAV = {"staff.index": "/staff/", "expertise.index": "/expertise/", "challenges.index": "/challenges/",
       "secondments.index": "/secondments/", "rounds.index": "/surveys/", "upload.index": "/upload/",
       "admin.users": "/users", "admin.audit_log": "/audit", "admin.thresholds": "/thresholds"}


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_shows_a_role_the_pages_the_policy_lets_it_use(app: Flask, role: str) -> None:
    client = app.test_client()
    login(client, role)
    nav = client.get("/").get_data(as_text=True).split("<nav>", 1)[1].split("</nav>", 1)[0]
    shown = {endpoint for endpoint, path in NAV.items() if f'href="{path}"' in nav}
    assert shown == {endpoint for endpoint in NAV if role in ROUTES[endpoint].who}
