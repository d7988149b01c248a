"""The audit trail (what it records, readable, filtered, downloadable, pruned), retention of snapshots, the staff
transparency page and the DPIA pack."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from markupsafe import escape

from netmap.cli import main
from tests.conftest import TINY
from tests.web_helpers import csrf_token, login
from webapp import dpia
from webapp.accounts import LOCKOUT_FAILURES, Accounts


@pytest.fixture
def cli(app: Flask, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NETMAP_USERS_DB", str(app.config["NETMAP_USERS_DB"]))
    monkeypatch.setenv("NETMAP_DB", str(app.config["NETMAP_DB"]))
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(main, list(args), catch_exceptions=False, **kw)


def _actions(app: Flask, **filters: str) -> list[tuple[str, str, str, str]]:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        return [r[1:] for r in accounts.audit.records(**filters)]


def test_logins_failures_lockouts_and_logouts_are_audited(app: Flask) -> None:
    client = app.test_client()
    for _ in range(LOCKOUT_FAILURES):
        login(client, "ceo", "not the password")
    login(client, "ceo")
    login(client, "hr", purpose=None)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    records = _actions(app)
    assert [a for u, a, _s, _p in records if u == "ceo"].count("failed login") == LOCKOUT_FAILURES
    assert ("ceo", "login refused (locked)", "from 127.0.0.1", "") in records
    assert {("hr", "login"), ("hr", "logout")} <= {(u, a) for u, a, _s, _p in records}


def test_failed_login_names_are_digests_and_refusals_cannot_flood_the_log(app: Flask, clock) -> None:
    from webapp.auth import REFUSALS_OVERALL, REFUSALS_PER_ADDRESS

    clock(dt.datetime.now(dt.UTC))  # every attempt inside the limit's 60 s, however slow the machine
    client = app.test_client()
    login(client, "my secret password", "x")  # typed into the name field by mistake
    login(client, "My Secret Password", "x")
    failures = [(u, s) for u, a, s, _p in _actions(app) if a == "failed login"]
    assert len(failures) == 2 and failures[0] == failures[1]  # the same name, however typed, the same digest
    assert failures[0][0].startswith("unknown name ") and "secret" not in failures[0][0]
    for number in range(3 * REFUSALS_PER_ADDRESS):  # a script trying names from one address
        login(client, f"guess{number}", "x")
    refusals = [(u, a, s, p) for u, a, s, p in _actions(app) if a in ("failed login", "refusals not recorded")]
    assert len(refusals) == REFUSALS_PER_ADDRESS + 1
    assert refusals[0][1:3] == ("refusals not recorded", "from 127.0.0.1")
    assert refusals[0][3] == f"more than {REFUSALS_PER_ADDRESS} from here or {REFUSALS_OVERALL} in all within 60 s"
    other = app.test_client()  # another address is still recorded: the limit is per address first
    other.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    login(other, "ceo", "not the password")
    assert ("ceo", "failed login", "from 10.0.0.7", "") in _actions(app)
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        assert accounts.audit.verify().broken_at is None


def test_user_changes_from_the_cli_are_audited(app: Flask, cli) -> None:
    assert cli("users", "add", "new-lead", "--role", "network-lead", "--password-stdin",
               input="a good long password\n").exit_code == 0
    assert cli("users", "set-groups", "new-lead", "MATHS", "HEADS").exit_code == 0
    assert cli("users", "set-role", "new-lead", "hr").exit_code == 0
    assert cli("users", "remove", "new-lead").exit_code == 0
    actions = [(a, s) for u, a, s, _p in _actions(app) if u.startswith("cli")]
    assert set(actions) >= {("user added", "new-lead (network-lead)"), ("groups assigned", "new-lead: MATHS, HEADS"),
                            ("role changed", "new-lead is now hr"), ("user removed", "new-lead")}


def test_uploads_and_saved_scenarios_are_audited(app: Flask) -> None:
    admin = app.test_client()
    login(admin, "admin")
    token = csrf_token(admin, "/secondments/")
    admin.post("/secondments/scenario", data={"csrf_token": token, "action": "leave", "staff_id": "a1"})
    admin.post("/secondments/scenario", data={"csrf_token": token, "action": "save", "name": "Cover for A"})
    files = {p.name: p.read_bytes() for p in TINY.glob("*.csv")}
    data = {"csrf_token": csrf_token(admin, "/upload/"), "as_of": "2026-09-01",
            "files": [(io.BytesIO(content), name) for name, content in files.items()]}
    assert admin.post("/upload/", data=data, content_type="multipart/form-data").status_code == 302
    records = {(a, s) for _u, a, s, _p in _actions(app, user="admin")}
    assert ("upload", "snapshot 2026-09-01 created (5 file(s))") in records
    assert any(a == "scenario saved" and s.startswith("Cover for A (1 change(s)") for a, s in records)


def test_the_audit_page_reads_well_filters_and_downloads(app: Flask) -> None:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.audit.record("hr", "view", "staff a2", "Planning a secondment")
        accounts._conn.execute("UPDATE audit_log SET at = '2026-01-05T09:30:00+00:00' WHERE subject = 'staff a2'")
        accounts.audit.record("ceo", "login", "from 127.0.0.1")
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get("/audit?user=hr").get_data(as_text=True)
    assert "2026-01-05 09:30:00" in page and "Planning a secondment" in page and "from 127.0.0.1" not in page
    assert "staff a2" not in admin.get("/audit?since=2026-02-01").get_data(as_text=True)
    assert "staff a2" in admin.get("/audit?since=2026-01-05&until=2026-01-05").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(admin.get("/audit?format=csv&action=view&user=hr").get_data(as_text=True))))
    assert [(r["time"], r["user"], r["subject"], r["purpose"]) for r in rows] == [
        ("2026-01-05 09:30:00", "hr", "staff a2", "Planning a secondment")]


def test_audit_prune_deletes_old_entries(app: Flask, cli) -> None:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.audit.record("hr", "view", "staff OLD")
        accounts._conn.execute("UPDATE audit_log SET at = '2020-01-01T00:00:00+00:00'")
        accounts.audit.record("hr", "view", "staff NEW")
    result = cli("audit", "prune", "--older-than", "30")
    assert result.exit_code == 0 and result.output == "Deleted 1 audit entries older than 30 days.\n"
    assert {s for _u, a, s, _p in _actions(app) if a == "view"} == {"staff NEW"}


def test_forget_older_than_deletes_snapshots_past_retention(app: Flask, cli) -> None:
    old = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    assert cli("load", str(TINY), "--as-of", old).exit_code == 0
    result = cli("forget", "--older-than", "365")
    assert result.exit_code == 0 and f"Deleted snapshot {old}" in result.output
    assert "2026-07-01" in cli("snapshots").output and old not in cli("snapshots").output
    assert "Give either a snapshot ID or --older-than DAYS" in cli("forget").output


def test_the_dashboard_warns_of_snapshots_past_retention(app: Flask) -> None:
    admin = app.test_client()
    login(admin, "admin")
    assert "older than the trust keeps" not in admin.get("/").get_data(as_text=True)  # 2026-07-01: within 1095 days
    app.config["NETMAP_SETTINGS"] = __import__("dataclasses").replace(app.config["NETMAP_SETTINGS"],
                                                                      snapshot_retention_days=30)
    page = " ".join(admin.get("/").get_data(as_text=True).split())
    assert "1 snapshot(s) are older than the trust keeps snapshots (30 days): 2026-07-01" in page


def test_staff_can_read_what_the_trust_sees_without_an_account(app: Flask) -> None:
    page = app.test_client().get("/about-your-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Who you work with" in text and "fewer than 5 people are hidden" in text
    assert "kept for 1095 days" in text


def test_the_privacy_report_is_drawn_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_MIN_GROUP_SIZE", "7")
    monkeypatch.setenv("NETMAP_SNAPSHOT_RETENTION_DAYS", "730")
    monkeypatch.setenv("NETMAP_NEO4J_URI", "neo4j+s://graph.trust.example:7687")
    result = CliRunner().invoke(main, ["privacy-report", "--no-counts", "--out", str(tmp_path / "dpia")])
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "dpia" / "privacy-report.md").read_text(encoding="utf-8")
    html = (tmp_path / "dpia" / "privacy-report.html").read_text(encoding="utf-8")
    for text in (markdown, html):
        assert "fewer than" in text and "7" in text and "730 days" in text
        # a Neo4j on another machine receives the data: the pack must not say that nothing leaves
        assert "Nothing leaves the machine" not in text and "Personal data leaves the machine" in text
        assert "the Neo4j server at neo4j+s://graph.trust.example:7687" in text
        assert text.count("OPEN") >= 8
        for section in ("Risk register", "Necessity and proportionality", "Profiling and automated decisions",
                        "People's rights", "Sign-off", "Legitimate interests", "Article 22"):
            assert section in text, section
        assert "not counted (--no-counts)" in text
        assert "monitoring workers" in text  # the ICO guidance's expectations, each with how it is met
        assert all(expectation in text or str(escape(expectation)) in text for expectation, _ in dpia.MONITORING)
    assert "| `ceo` | Schools" not in markdown and "| `ceo` | The trust" in markdown
    register = [line for line in markdown.splitlines() if line.startswith("| ") and line.count(" | ") == 4]
    assert len(register) == 2 + len(dpia.RISKS)  # heading, rule and one row per risk, every cell filled
    assert all(cell.strip() for row in register for cell in row.strip("|").split(" | "))
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(("settings", "leaves"), [
    ({}, []),
    ({"NETMAP_NEO4J_URI": "bolt://127.0.0.1:7687", "NETMAP_SMTP_HOST": "localhost"}, []),
    ({"NETMAP_NEO4J_URI": "neo4j+s://1a2b3c4d.databases.neo4j.io"}, ["Neo4j Aura"]),
    ({"NETMAP_SMTP_HOST": "smtp.office365.com", "NETMAP_SMTP_FROM": "survey@trust.example"},
     ["the mail relay smtp.office365.com:587"]),
])
def test_what_leaves_the_machine_follows_the_settings(settings: dict[str, str], leaves: list[str]) -> None:
    from netmap.config import read_settings

    found = dpia.outbound(read_settings(settings))
    assert [place.to.split(" (")[0].split(",")[0] for place in found] == leaves


def test_the_privacy_report_counts_whom_each_role_sees(app: Flask, cli, tmp_path: Path) -> None:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
        accounts.users.add("lead2", "network-lead", "a password for lead two")  # leads nothing yet
    result = cli("privacy-report", "--out", str(tmp_path / "dpia"))
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "dpia" / "privacy-report.md").read_text(encoding="utf-8")
    client = app.test_client()
    login(client, "network-lead")
    seen = len(list(csv.DictReader(io.StringIO(client.get("/staff/?format=csv").get_data(as_text=True)))))
    everyone = len(list(csv.DictReader(io.StringIO(_staff_csv(app)))))
    assert f"snapshot 2026-07-01, {everyone} staff in post" in markdown
    assert f"| `hr` | 1 | everyone: {everyone} |" in markdown
    assert "| `ceo` | 1 | nobody by name |" in markdown
    # the lead of MATHS sees in the pack exactly as many as the web's staff table lists for them
    assert 0 < seen < everyone
    assert f"| `network-lead` | 2 | 0 to {seen} each (median {seen / 2:g}), by the networks each leads |" in markdown


def _staff_csv(app: Flask) -> str:
    client = app.test_client()
    login(client, "hr")
    return client.get("/staff/?format=csv").get_data(as_text=True)


def test_audit_verify_finds_an_entry_changed_removed_or_inserted(app: Flask, cli) -> None:
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        for subject in ("staff a1", "staff a2", "staff a3"):
            accounts.audit.record("hr", "view", subject, "Planning a secondment")
    intact = cli("audit", "verify")
    assert intact.exit_code == 0 and intact.output.startswith("The audit log is intact: 3 entries chained. Head: ")
    head = intact.output.split("Head: ")[1].strip()
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts._conn.execute("UPDATE audit_log SET subject = 'staff b9' WHERE subject = 'staff a2'")
    changed = cli("audit", "verify")
    assert changed.exit_code == 1
    assert "(hr: view), entry 2 in order, or the one before it, does not match its chain" in changed.output
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        accounts._conn.execute("DELETE FROM audit_log WHERE subject = 'staff b9'")  # removing it is no better
    assert "entry 2 in order" in cli("audit", "verify").output
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:  # a whole chain rebuilt without that entry
        accounts._conn.execute("UPDATE audit_log SET hash = ''")
        accounts.audit.seal_unchained()
    assert cli("audit", "verify").exit_code == 0  # consistent again, but the head recorded earlier is gone
    rebuilt = cli("audit", "verify", "--head", head)
    assert rebuilt.exit_code == 1 and f"The head {head} is not in the audit log's chain" in rebuilt.output


def test_audit_chain_survives_pruning_and_converting_an_older_file(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "users.db"
    old = sqlite3.connect(path)  # a version-4 users file: an audit log without hashes
    old.execute("CREATE TABLE audit_log (at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL, "
                "subject TEXT NOT NULL, purpose TEXT NOT NULL DEFAULT '')")
    old.executemany("INSERT INTO audit_log VALUES (?, 'hr', 'view', ?, '')",
                    [("2020-01-01T00:00:00+00:00", "staff a1"), ("2026-11-01T00:00:00+00:00", "staff a2")])
    old.execute("PRAGMA user_version=4")
    old.commit()
    old.close()
    with Accounts(path) as accounts:
        assert accounts.audit.verify().entries == 2 and accounts.audit.verify().broken_at is None
        accounts.audit.record("hr", "view", "staff a3")
        head = accounts.audit.verify().head
        assert accounts.audit.delete_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) == 1
        after = accounts.audit.verify(head)
        assert (after.entries, after.broken_at, after.head_seen, after.head) == (2, None, True, head)
        assert [r[3] for r in accounts.audit.records()] == ["staff a3", "staff a2"]
