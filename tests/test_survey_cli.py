"""`netmap survey` end to end on the planted trust: create, open (links CSV for a mail merge, owner-only),
answers through the links, status with the research thresholds and the list for reminders, reissue, close into
an analysed snapshot."""

from __future__ import annotations

import csv
import datetime as dt
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.cli import main
from netmap.errors import SurveyError
from netmap.store import SQLiteStore
from netmap.survey.answers import Nomination
from netmap.survey.service import answer, link_of
from tests.trusts import NOTICE, PLANTED
from webapp.accounts import Accounts

DURING = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - invoke(*args) -> Result
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("NETMAP_USERS_DB", str(tmp_path / "users.db"))
    monkeypatch.setenv("NETMAP_PUBLIC_URL", "https://netmap.trust.example/")
    runner = CliRunner()

    def invoke(*args: str):  # noqa: ANN202
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert invoke("load", str(PLANTED), "--as-of", "2026-07-01").exit_code == 0
    return invoke


def _links(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["staff_id"]: row["link"] for row in csv.DictReader(handle)}


def test_a_round_from_creation_to_an_analysed_snapshot(run, tmp_path: Path) -> None:  # noqa: ANN001
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    created = run("survey", "create", "--base", "2026-07-01", "--title", "Summer 2026", "--question", "planning",
                  "--custom", "phonics:advice:Whose advice do you seek on phonics?", "--max-names", "5",
                  "--opens", "2026-07-02", "--closes", "2099-07-20", "--notice", str(notice))
    assert created.exit_code == 0, created.output
    round_id = created.stdout.split()[2]
    assert f"{round_id}  draft" in run("survey", "list").stdout
    out = tmp_path / "links.csv"
    opened = run("survey", "open", round_id, "--links-out", str(out))
    assert opened.stdout.strip() == f"Opened round {round_id}: 11 links written to {out}."
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # whoever holds a link can answer as that person
    links = _links(out)
    assert len(links) == 11 and all(u.startswith("https://netmap.trust.example/survey/") for u in links.values())
    token = {p: u.rsplit("/", 1)[1] for p, u in links.items()}
    with SQLiteStore(tmp_path / "cli.db") as store:
        answer(store, token["a1"], [Nomination("a1", "phonics", "b1")], submit=True, version=0, now=DURING)
    status = run("survey", "status", round_id, "--waiting", str(tmp_path / "waiting.csv"))
    assert "trust  whole trust" in status.stdout and "1 of 11" in status.stdout
    assert "interpret with caution" in status.stdout and "10 people have not answered" in status.stdout
    again = run("survey", "open", round_id, "--links-out", str(tmp_path / "again-open.csv"))
    assert again.exit_code == 1 and not (tmp_path / "again-open.csv").exists()
    assert f"Round {round_id} is already open: its links were handed over when it opened" in again.output
    assert f"`netmap survey links {round_id} --staff ID --out FILE` / `--remind --out FILE`" in again.output
    reminded = run("survey", "links", round_id, "--remind", "--out", str(tmp_path / "remind.csv"))
    assert "Reminded 10 people who have not submitted" in reminded.stdout
    reminders = _links(tmp_path / "remind.csv")
    assert len(reminders) == 10 and "a1" not in reminders  # a1 submitted: not reminded
    with SQLiteStore(tmp_path / "cli.db") as store:
        assert link_of(store, token["b1"], DURING)[0].staff_id == "b1"  # the link b1 holds still works
        assert link_of(store, reminders["b1"].rsplit("/", 1)[1], DURING)[0].staff_id == "b1"
    reissued = run("survey", "links", round_id, "--staff", "b1", "--out", str(tmp_path / "again.csv"))
    assert reissued.exit_code == 0 and list(_links(tmp_path / "again.csv")) == ["b1"]
    assert reissued.stdout.startswith(f"Reissued links of b1, round {round_id}: 1 links written")
    with SQLiteStore(tmp_path / "cli.db") as store, pytest.raises(SurveyError, match="withdrawn"):
        link_of(store, reminders["b1"].rsplit("/", 1)[1], DURING)  # reissuing ends every earlier link of b1
    closed = run("survey", "close", round_id)
    assert closed.exit_code == 0, closed.output
    assert "snapshot 2099-07-20 created, analysed (12 collaborations)" in closed.stdout  # 11 carried over, 1 new
    assert "Writing snapshot 2099-07-20" in closed.stderr
    assert run("survey", "close", round_id).stdout.count("unchanged") == 1
    assert run("survey", "delete", round_id, "--yes").stdout.strip() == (
        f"Deleted round {round_id} with its links and answers.")
    assert run("survey", "list").stdout == "" and "2099-07-20" in run("snapshots").stdout  # the snapshot stays
    # every hand-over of links, list of who has not answered, close and deletion is in the web app's audit log,
    # with whose links, as the same actions on the Surveys page are
    with Accounts(tmp_path / "users.db") as accounts:
        trail = [(user.startswith("cli"), action, subject) for _at, user, action, subject in accounts.audit.entries()]
    assert all(by_cli for by_cli, _action, _subject in trail)
    actions = {action: subject for _cli, action, subject in trail}
    assert actions["survey round opened"].endswith(f"11 links written to {out}): 11 staff: " + ", ".join(
        sorted(links)))
    assert actions["download"].startswith(f"round {round_id}: who has not answered, written to ") and \
        ": 10 staff: " in actions["download"]
    assert ": 10 staff: " in actions["survey reminders"] and actions["survey links reissued"].endswith(": 1 staff: b1")
    assert {"survey round closed", "survey round deleted"} <= set(actions)


def test_mistakes_are_one_clear_line(run, tmp_path: Path) -> None:  # noqa: ANN001
    bad = run("survey", "create", "--base", "2026-07-01", "--title", "T", "--question", "gossip")
    assert bad.exit_code == 2 and "gossip not in the question bank" in bad.output
    created = run("survey", "create", "--base", "2026-07-01", "--title", "T", "--question", "send",
                  "--opens", "2026-07-02", "--closes", "2099-07-20")
    round_id = created.stdout.split()[2]
    refused = run("survey", "open", round_id, "--links-out", str(tmp_path / "l.csv"))
    assert refused.exit_code == 1 and "cannot open without a privacy notice" in refused.output
    assert not (tmp_path / "l.csv").exists()
    assert "No survey round 'nope'" in run("survey", "status", "nope").output
    assert "No snapshot 2025-01-01" in run("survey", "create", "--base", "2025-01-01", "--title", "T",
                                                 "--question", "send").output


def test_the_email_wording_is_checked_and_kept(run, tmp_path: Path) -> None:  # noqa: ANN001
    round_id = run("survey", "create", "--base", "2026-07-01", "--title", "T", "--question", "send").stdout.split()[2]
    assert "Subject: {title}" in run("survey", "wording", round_id).stdout
    body = tmp_path / "body.txt"
    body.write_text("Hello {name}, please answer by {closes_on}.", encoding="utf-8")
    refused = run("survey", "wording", round_id, "--body", str(body))
    assert refused.exit_code == 1 and "The email's body must contain {link}" in refused.output
    body.write_text("Hello {name.__class__}: {link}", encoding="utf-8")
    assert "uses {name.__class__}, which is not a placeholder" in run("survey", "wording", round_id, "--body",
                                                                    str(body)).output
    assert "must not carry {link}" in run("survey", "wording", round_id, "--subject", "{link}").output
    body.write_text("Dear {name},\n{link}\nThanks, the trust ({title}, until {closes_on}; {{not a field}})",
                    encoding="utf-8")
    kept = run("survey", "wording", round_id, "--subject", "Survey: {title}", "--body", str(body))
    assert kept.exit_code == 0 and "Subject: Survey: {title}" in kept.stdout
    assert "Subject: Survey: {title}\n\nDear {name}," in run("survey", "wording", round_id).stdout
