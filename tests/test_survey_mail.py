"""Survey links sent by email to a local SMTP server the test starts (aiosmtpd): each person with an address
gets one message with their own link and nobody else's, in the round's own wording; people without an address
are counted, not mailed, and theirs are the only links handed over; without a mail server nothing is sent and
the user is told how to set one. From the web app, a few hundred emails go out in the background while the
round's page shows the progress, and the audit log says whose links were sent."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.cli import main
from netmap.ingest.validate import read_trust
from netmap.sample.generator import generate_sample
from netmap.store import SQLiteStore
from netmap.survey.service import link_of
from tests.trusts import NOTICE, PLANTED
from tests.web_helpers import DEFAULT_PURPOSE, csrf_token, login, make_app
from webapp.accounts import Accounts

DURING = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []
        self.refuse: set[str] = set()  # addresses the server refuses, as for a mistyped address

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: ANN001, N802
        if address in self.refuse:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's interface
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp() -> tuple[int, _Inbox]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_open_sends_each_person_their_own_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp) -> None:  # noqa: ANN001
    port, inbox = smtp
    folder = tmp_path / "trust"
    shutil.copytree(PLANTED, folder)
    staff = folder / "staff.csv"
    lines = staff.read_text().splitlines()
    staff.write_text("\n".join([lines[0] + ",email"] + [line + ("," + line.split(",")[0] + "@trust.example"
                                                                if not line.startswith("d") else ",")
                                                         for line in lines[1:]]) + "\n")
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    run = CliRunner().invoke
    assert run(main, ["load", str(folder), "--as-of", "2026-07-01"]).exit_code == 0
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE)
    round_id = run(main, ["survey", "create", "--base", "2026-07-01", "--title", "Summer 2026", "--question", "send",
                          "--opens", "2026-07-02", "--closes", "2099-07-20", "--notice", str(notice)]
                   ).stdout.split()[2]
    unset = run(main, ["survey", "open", round_id, "--links-out", str(tmp_path / "l.csv"), "--send"])
    assert unset.exit_code == 1 and "set NETMAP_SMTP_HOST and NETMAP_SMTP_FROM" in unset.output
    assert f"{round_id}  draft" in run(main, ["survey", "list"]).stdout  # refused before opening: still a draft
    for name, value in {"NETMAP_SMTP_HOST": "127.0.0.1", "NETMAP_SMTP_PORT": str(port),
                        "NETMAP_SMTP_SECURITY": "none", "NETMAP_SMTP_FROM": "survey@trust.example"}.items():
        monkeypatch.setenv(name, value)
    again = run(main, ["survey", "links", round_id, "--out", str(tmp_path / "l.csv"), "--send"])
    assert "is draft" in again.output  # links are reissued only once a round is open
    opened = run(main, ["survey", "open", round_id, "--links-out", str(tmp_path / "l.csv"), "--send"])
    assert opened.exit_code == 0, opened.output
    assert "9 of 11 links sent by email, 2 with no email address; 2 links written" in opened.stdout
    assert "Sending" in opened.stderr  # the progress bar
    links = dict(line.split(",")[0::4] for line in (tmp_path / "l.csv").read_text().splitlines()[1:])
    assert sorted(links) == ["d1", "d2"]  # only the links nobody was emailed are handed over
    assert len(inbox.messages) == 9
    with SQLiteStore(tmp_path / "cli.db") as store:
        for recipients, message in inbox.messages:
            person = recipients[0].split("@")[0]
            found = re.findall(r"http://\S+/survey/(\S+)", message.get_content())
            assert recipients == [f"{person}@trust.example"] and message["Subject"] == "Summer 2026"
            assert len(found) == 1 and link_of(store, found[0], DURING)[0].staff_id == person  # their own only
    inbox.messages.clear()
    inbox.refuse.add("b1@trust.example")
    refused = run(main, ["survey", "links", round_id, "--remind", "--out", str(tmp_path / "r.csv"), "--send"])
    assert refused.exit_code == 0, refused.output  # one refused address does not stop the others
    assert "8 of 11 links sent by email, 1 failed, 2 with no email address; 3 links written" in refused.stdout
    assert sorted(line.split(",")[0] for line in (tmp_path / "r.csv").read_text().splitlines()[1:]) == [
        "b1", "d1", "d2"]
    monkeypatch.setenv("NETMAP_SMTP_PORT", "9")  # nothing listens there: sending stops before the first email
    stopped = run(main, ["survey", "links", round_id, "--staff", "a1", "--staff", "b2", "--out",
                         str(tmp_path / "s.csv"), "--send"])
    assert stopped.exit_code == 1 and "0 of 2 links sent by email, 2 failed; 2 links written" in stopped.output
    assert "refused or failed after 0 of 2 emails" in stopped.output and len(inbox.messages) == 8


def _with_emails(staff: Path, without: str) -> None:
    """Give everyone in staff.csv an email address, except those whose id starts with `without`."""
    lines = staff.read_text().splitlines()
    staff.write_text("\n".join([lines[0] + ",email"] + [
        line + ("," if line.startswith(without) else "," + line.split(",")[0] + "@trust.example")
        for line in lines[1:]]) + "\n")


def test_the_web_sends_a_few_hundred_in_the_background(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       smtp) -> None:  # noqa: ANN001
    port, inbox = smtp
    folder = tmp_path / "trust"
    generate_sample(folder, schools=6, staff=320, seed=4)
    first = (folder / "staff.csv").read_text().splitlines()[1].split(",")[0]
    _with_emails(folder / "staff.csv", without=first)
    for name, value in {"NETMAP_SMTP_HOST": "127.0.0.1", "NETMAP_SMTP_PORT": str(port),
                        "NETMAP_SMTP_SECURITY": "none", "NETMAP_SMTP_FROM": "survey@trust.example"}.items():
        monkeypatch.setenv(name, value)
    app = make_app(tmp_path / "web", read_trust(folder)[0])
    admin = app.test_client()
    login(admin, "admin")
    token = csrf_token(admin, "/surveys/")
    created = admin.post("/surveys/", data={"title": "Autumn <b>survey</b>", "base": "2026-07-01",
                                            "questions": ["planning"], "max_names": "3", "opens": "2026-07-02",
                                            "closes": "2099-07-20", "custom_kind": "advice", "notice": NOTICE,
                                            "csrf_token": token})
    round_id = created.headers["Location"].rsplit("/", 1)[1]
    page = f"/surveys/{round_id}"
    bad = admin.post(f"{page}/wording", data={"subject": "{title}", "body": "Hello {name}",
                                              "csrf_token": csrf_token(admin, page)}, follow_redirects=True)
    assert "The email&#39;s wording was not changed. The email&#39;s body must contain {link}" in bad.get_data(
        as_text=True)
    kept = admin.post(f"{page}/wording", data={"subject": "Please answer: {title}", "body":
                                               "Hello {name},\n\n{link}\n\nUntil {closes_on}. <script>",
                                               "csrf_token": csrf_token(admin, page)}, follow_redirects=True)
    text = kept.get_data(as_text=True)
    assert "Please answer: Autumn &lt;b&gt;survey&lt;/b&gt;" in text  # the preview, escaped
    assert "Hello Alex Example," in text and "Until 2099-07-20. &lt;script&gt;" in text
    opened = admin.post(f"{page}/open", data={"csrf_token": csrf_token(admin, page), "format": "csv", "send": "1",
                                              "purpose": DEFAULT_PURPOSE})
    handed = opened.get_data(as_text=True).splitlines()
    assert opened.mimetype == "text/csv" and len(handed) == 2 and handed[1].startswith(first + ",")
    job = app.extensions["netmap_mail_jobs"][round_id]
    assert job.finished.wait(120), "the sending did not finish"
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        asked = len(store.read_dataset("2026-07-01").staff) - 1  # everyone in post but the one without an address
    progress = admin.get(f"{page}/sending").get_json()
    assert progress["sent"] == len(inbox.messages) == job.delivery.total and progress["remaining"] == 0
    assert progress["failed"] == 0 and not progress["running"] and progress["total"] >= 250
    assert asked >= progress["total"]
    recipients = [r[0] for r, _m in inbox.messages]
    assert len(set(recipients)) == len(recipients)  # one message a person
    subject, body = inbox.messages[0][1]["Subject"], inbox.messages[0][1].get_content()
    assert subject == "Please answer: Autumn <b>survey</b>" and body.startswith("Hello ")
    assert "Until 2099-07-20. <script>" in body and "/survey/" in body
    shown = admin.get(page).get_data(as_text=True)
    assert f"{progress['sent']:,}</span> sent, <span data-count=\"failed\">0</span> failed" in shown
    assert "Finished." in shown
    again = admin.post(f"{page}/open", data={"csrf_token": csrf_token(admin, page), "format": "csv",
                                             "purpose": DEFAULT_PURPOSE},
                       follow_redirects=True)
    assert f"Round {round_id} is already open" in again.get_data(as_text=True)
    with Accounts(app.config["NETMAP_USERS_DB"]) as accounts:
        subjects = [r[3] for r in accounts.audit.records(user="admin")]
    assert any(s == f"opened round {round_id}: links of everyone it asks ({progress['total'] + 1:,} staff)"
               for s in subjects)
    assert f"survey round {round_id}: links as a CSV: 1 staff: {first}" in subjects
    sent = [s for s in subjects if s.startswith(f"emailed links of survey round {round_id}: sent")]
    assert sent and sum(len(s.split(": ", 2)[2].split(", ")) for s in sent) == progress["sent"]
