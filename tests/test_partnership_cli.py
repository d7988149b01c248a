"""`netmap partnership` and `netmap users set-trust` as a user meets them (docs/partnerships.md): exact messages,
consent audited, and the partnership's analysis naming who bridges the trusts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.cli import main
from tests.trusts import PARTNERSHIP
from webapp.accounts import Accounts
from webapp.accounts.partnership import PARTNERSHIP as OF_PARTNERSHIP


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("NETMAP_USERS_DB", str(tmp_path / "users.db"))
    monkeypatch.setenv("NETMAP_SECRET_KEY", "test-secret")
    runner = CliRunner()
    umask = os.umask(0o022)  # netmap sets the process's umask: give the rest of the session its own back
    os.umask(umask)
    request.addfinalizer(lambda: os.umask(umask))

    def invoke(*args: str):
        return runner.invoke(main, list(args))

    return invoke


def test_consent_and_the_partnerships_analysis(run, tmp_path: Path) -> None:
    assert run("load", str(PARTNERSHIP), "--as-of", "2026-07-01").exit_code == 0
    refused = run("partnership", "analyse")
    assert refused.exit_code == 1
    assert "needs at least 2 trusts to consent; 0 of 3 (NORTH, SOUTH, WEST) do" in refused.output
    assert run("partnership", "consent", "NORTH", "on").output == ("The partnership view is on for Northern Schools "
                                                                   "Trust (NORTH).\n")
    assert run("partnership", "consent", "SOUTH", "on").exit_code == 0
    unknown = run("partnership", "consent", "EAST", "on")
    assert unknown.exit_code == 1 and "names no trust 'EAST'; its trusts: NORTH, SOUTH, WEST" in unknown.output
    status = run("partnership", "status").output.splitlines()
    assert status[0].startswith("NORTH\tNorthern Schools Trust\tconsents since ")
    assert status[2] == "WEST\tWestern Academies\tdoes not consent"
    assert status[3] == "2 of 3 trusts consent: the partnership view analyses them as one network."
    analysed = run("partnership", "analyse")
    assert analysed.exit_code == 0, analysed.output
    lines = analysed.output.splitlines()
    assert lines[0] == ("Partnership of 2 trusts on 2026-07-01: Northern Schools Trust (NORTH), Southern Learning "
                        "Trust (SOUTH)")
    assert lines[1] == "8 staff in post; 2 with a tie to another trust."
    # Bea bridges the two trusts: a broker in the partnership, nobody special in NORTH alone (12/21 by hand:
    # tests/test_trusts.py); WEST did not consent, so N1's tie to W1 is not counted
    assert lines[3] == "BEA\tNORTH\t1\t0.571 / 0.000\tbroker / central connector"
    assert lines[4].startswith("S1\tSOUTH\t1\t0.571 / ")
    with Accounts(tmp_path / "users.db") as accounts:
        actions = [(action, subject) for _at, _user, action, subject in accounts.audit.entries()]
    assert ("partnership consent", "NORTH on") in actions
    assert ("partnership analysed", "snapshot 2026-07-01: 2 staff: BEA, S1") in actions


def test_set_trust(run, tmp_path: Path) -> None:
    assert run("users", "add", "north-hr", "--role", "hr").exit_code == 0
    assert run("users", "set-trust", "north-hr", "NORTH").output == "north-hr sees trust NORTH.\n"
    assert run("users", "set-trust", "north-hr", "--partnership").output == "north-hr sees the partnership.\n"
    with Accounts(tmp_path / "users.db") as accounts:
        assert accounts.partnership.trust_of("north-hr") == OF_PARTNERSHIP
    assert run("users", "set-trust", "north-hr", "--none").exit_code == 0
    both = run("users", "set-trust", "north-hr", "NORTH", "--none")
    assert both.exit_code == 2 and "Give one of TRUST, --partnership or --none." in both.output
    assert "No user called 'nobody'" in run("users", "set-trust", "nobody", "NORTH").output
    with Accounts(tmp_path / "users.db") as accounts:
        assert accounts.partnership.trust_of("north-hr") is None
        assert ("trust assigned", "north-hr: trust NORTH") in [(a, s) for _t, _u, a, s in accounts.audit.entries()]
    # a removed account's trust goes with it: the name re-added starts with none
    assert run("users", "set-trust", "north-hr", "NORTH").exit_code == 0
    assert run("users", "remove", "north-hr").exit_code == 0
    assert run("users", "add", "north-hr", "--role", "hr").exit_code == 0
    with Accounts(tmp_path / "users.db") as accounts:
        assert accounts.partnership.trust_of("north-hr") is None
