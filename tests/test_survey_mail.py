"""Survey links sent by email to a local SMTP server the test starts (aiosmtpd): each person with an address
gets one message with their own link and nobody else's; people without an address are counted, not mailed;
without a mail server nothing is sent and the user is told how to set one."""

from __future__ import annotations

import shutil
import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.cli import main
from tests.test_compare import PLANTED
from tests.test_survey import NOTICE


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

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
    assert "11 links written" in opened.stdout and "9 sent by email, 2 with no email address" in opened.stdout
    links = dict(line.split(",")[0::4] for line in (tmp_path / "l.csv").read_text().splitlines()[1:])
    assert len(inbox.messages) == 9
    for recipients, message in inbox.messages:
        person = recipients[0].split("@")[0]
        body = message.get_content()
        assert recipients == [f"{person}@trust.example"] and message["Subject"] == "Summer 2026"
        assert links[person] in body and sum(link in body for link in links.values()) == 1  # their own only
