"""The command line as a user meets it: exit codes, one-line errors, exact messages."""

from __future__ import annotations

import json
import os
import pwd
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.cli import main
from netmap.config import data_dir
from netmap.store import SQLiteStore
from tests.conftest import edit
from webapp.accounts import Accounts, User


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
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_validate_ok(run, tiny: Path) -> None:
    result = run("validate", str(tiny))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == ("OK: 3 schools, 5 staff, 2 groups, 3 memberships, 4 collaborations, "
                                              "0 secondments.")


def test_validate_lists_every_error_and_exits_1(run, tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "staff", "S2,OAK,teacher", "S2,OAK,teachr")
    edit(tiny, "staff", "S4,ELM,teacher", "S4,ELM,head")
    result = run("validate", str(tiny), "--report", str(tmp_path / "problems.csv"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == ("ERROR   staff.csv, row 3, column role: 'teachr' is not an allowed role. Fix: Did you mean "
                        "'teacher'? Use one of: teacher, middle-leader, senior-leader, headteacher, support, central.")
    assert lines[1].startswith("ERROR   staff.csv, row 5, column role: 'head' is not an allowed role.")
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == ("Error: 2 error(s) found; nothing was loaded. "
                                              "Fix them and run `netmap validate` again.")
    report = (tmp_path / "problems.csv").read_text(encoding="utf-8").splitlines()
    assert report[0] == "severity,rule,file,row,column,value,message,fix" and len(report) == 4  # 2 errors, 1 warning


def test_load_and_snapshots(run, tiny: Path, tmp_path: Path) -> None:
    result = run("load", str(tiny), "--as-of", "2026-01-05")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("Loaded snapshot 2026-01-05: 3 schools, 5 staff, 2 groups, "
                                              "3 memberships, 4 collaborations, 0 secondments.")
    again = run("load", str(tiny), "--as-of", "2026-01-05")
    assert again.stdout.splitlines()[-1].startswith("Already loaded, unchanged: snapshot 2026-01-05")
    listing = run("snapshots").stdout.splitlines()
    assert listing[1].split()[:6] == ["2026-01-05", "2026-01-05", "5", "3", "2", "4"]  # id, date, counts
    assert "Writing snapshot 2026-01-05" in result.stderr  # the progress bar


def test_a_load_is_dated_by_its_data_and_an_old_survey_is_warned_about(run, tiny: Path, tmp_path: Path) -> None:
    """Without --as-of the snapshot takes the data's latest tie (2025-10-01), not today. Dated 2027-01-05, every
    tie of the tiny trust is over 400 days old: load and analyse say so instead of silently reporting no ties."""
    dated = run("load", str(tiny))
    assert dated.exit_code == 0, dated.output
    assert ("Dating the snapshot 2025-10-01, the latest tie or survey answer in " f"{tiny} (--as-of YYYY-MM-DD "
            "gives another date).") in dated.stderr
    assert dated.stdout.splitlines()[-1].startswith("Loaded snapshot 2025-10-01:") and "Warning" not in dated.stderr
    warning = ("Warning: The tie window drops 4 of 4 ties (100%): they were observed more than 400 days before "
               "2027-01-05 (the latest of them on 2025-10-01), so they do not count and schools may look isolated. "
               "Date the snapshot nearer the survey (--as-of), or lengthen the tie window "
               "(--set tie_window_days=DAYS).")
    old = run("load", str(tiny), "--as-of", "2027-01-05")
    assert warning in old.stderr.splitlines()
    analysed = run("analyse", "--snapshot", "2027-01-05", "--out", str(tmp_path / "out"))
    assert warning in analysed.stderr.splitlines() and " 0 soft ties;" in analysed.stdout
    assert "Warning" not in run("analyse", "--snapshot", "2025-10-01", "--out", str(tmp_path / "o2")).stderr


def test_a_load_of_undated_data_needs_its_date(run, tiny: Path) -> None:
    ties = tiny / "collaborations.csv"
    ties.write_text(ties.read_text(encoding="utf-8").replace(",2025-10-01", ",").replace(",2025-09-01", ","),
                    encoding="utf-8")
    result = run("load", str(tiny))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (f"Error: {tiny} holds no dated tie or survey answer to date the "
                                              "snapshot by; nothing was loaded. Give its date with --as-of "
                                              "YYYY-MM-DD.")
    assert "No snapshots yet" in run("snapshots").stdout


def test_a_load_on_a_taken_date_is_refused_until_the_user_chooses(run, tiny: Path, tmp_path: Path) -> None:
    assert run("load", str(tiny), "--as-of", "2026-01-05").exit_code == 0
    with SQLiteStore(tmp_path / "cli.db") as store:
        (stored,) = store.list_snapshots()
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    refused = run("load", str(tiny), "--as-of", "2026-01-05")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.stderr.splitlines()[-1] == (
        f"Error: A snapshot dated 2026-01-05 is already stored: 2026-01-05 (from {tiny}, loaded {stored.loaded_at}: "
        "3 schools, 5 staff, 2 groups, 3 memberships, 4 collaborations). Nothing was loaded. To replace it, run the "
        "load again with --replace 2026-01-05; to keep both, with --keep-both (the new one gets its own id).")
    with SQLiteStore(tmp_path / "cli.db") as store:
        assert store.list_snapshots() == [stored]
    both = run("load", str(tiny), "--as-of", "2026-01-05", "--keep-both")
    assert both.stdout.splitlines()[-1].startswith("Loaded snapshot 2026-01-05-2 (dated 2026-01-05): 3 schools")
    edit(tiny, "staff", "Alan M. Turing", "Alan Mathison Turing")
    replaced = run("load", str(tiny), "--as-of", "2026-01-05", "--replace", "2026-01-05")
    assert replaced.stdout.splitlines()[-1].startswith("Replaced snapshot 2026-01-05: 3 schools")
    listing = [line.split()[:2] for line in run("snapshots").stdout.splitlines()[1:]]
    assert sorted(listing) == [["2026-01-05", "2026-01-05"], ["2026-01-05-2", "2026-01-05"]]
    with SQLiteStore(tmp_path / "cli.db") as store:
        assert "Alan Mathison Turing" in set(store.read_dataset("2026-01-05").staff["name"])
        assert "Alan M. Turing" in set(store.read_dataset("2026-01-05-2").staff["name"])
    unknown = run("load", str(tiny), "--as-of", "2026-01-05", "--replace", "2026-01-09")
    assert unknown.exit_code == 1 and "There is no snapshot 2026-01-09 to replace" in unknown.stderr
    assert run("load", str(tiny), "--replace", "2026-01-05", "--keep-both").exit_code == 2
    forgotten = run("forget", "2026-01-05-2")
    assert forgotten.stdout.startswith("Deleted snapshot 2026-01-05-2 dated 2026-01-05 (from ")
    assert [line.split()[0] for line in run("snapshots").stdout.splitlines()[1:]] == ["2026-01-05"]


def test_load_with_errors_stores_nothing(run, tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "collaborations", "S4,S3", "S4,S4")
    result = run("load", str(tiny))
    assert result.exit_code == 1
    assert "ERROR   collaborations.csv, row 5, column target_staff_id" in result.stdout
    assert result.stderr.splitlines()[-1].startswith("Error: 1 error(s) in the input; first: collaborations.csv")
    with SQLiteStore(tmp_path / "cli.db") as store:
        assert store.list_snapshots() == []


def test_db_option_overrides_the_environment(run, tiny: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "other.db"
    assert run("load", str(tiny), "--db", str(other)).exit_code == 0
    assert "There is no store at" in run("snapshots").stderr  # the default store was never made
    assert len(run("snapshots", "--db", str(other)).stdout.splitlines()) == 2


def test_bad_date_option(run, tiny: Path) -> None:
    result = run("load", str(tiny), "--as-of", "05/01/2026")
    assert result.exit_code == 2
    assert "'05/01/2026' does not match the format '%Y-%m-%d'" in result.stderr


def test_unknown_setting_stops_with_a_hint(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_DBB", "x")
    result = run("snapshots")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Unknown setting NETMAP_DBB. Did you mean NETMAP_DB?")


def test_sample(run, tmp_path: Path) -> None:
    result = run("sample", "--schools", "5", "--staff", "200", "--seed", "3", "--out", str(tmp_path / "s"))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Wrote {tmp_path / 's'}: 6 schools, 200 staff, 25 groups")
    assert "Generating staff" in result.stderr


@pytest.mark.slow  # the demo always loads and analyses the 2,000-staff sample, three terms of it: 10 s of CPU
def test_demo(run, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a trust's own store (NETMAP_DB) holding a snapshot on the sample's last date, its own users file, and a
    # Neo4j named in the settings: the demo must touch none of them
    assert run("load", str(tiny), "--as-of", "2026-07-01").exit_code == 0
    assert run("users", "add", "head", "--role", "admin").exit_code == 0
    trust_files = {path: path.read_bytes() for path in (tmp_path / "cli.db", tmp_path / "users.db")}
    monkeypatch.setenv("NETMAP_NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens: opening it would fail
    demo = run("demo", "--no-serve")
    assert demo.exit_code == 0, demo.output
    assert "Loaded snapshot 2026-07-01: 25 schools, 2000 staff, 26 groups" in demo.stdout
    # one snapshot at the end of each term (SCH22 joined in February; ORACY launched in January), so that trends,
    # new joiners and Compare have something to show at once
    assert "Loaded snapshot 2025-12-19: 23 schools" in demo.stdout and ", 25 groups" in demo.stdout
    assert [line.split(":")[0] for line in demo.stdout.splitlines() if line.startswith("Loaded")] == [
        "Loaded snapshot 2025-12-19", "Loaded snapshot 2026-03-27", "Loaded snapshot 2026-07-01"]
    folder = data_dir() / "demo"  # the session's temporary data folder (tests/conftest.py), never the user's
    lines = demo.stdout.splitlines()
    assert lines[-3] == (f"The sample trust (2000 staff) is in {folder / 'netmap.db'}, as of the end of each term "
                         "of 2025/26: 2025-12-19, 2026-03-27, 2026-07-01.")
    assert lines[-2].startswith(f"The demo keeps its store and users in {folder}, apart from your trust's own")
    assert {path: path.read_bytes() for path in trust_files} == trust_files  # not a byte of the trust's changed
    with SQLiteStore(tmp_path / "cli.db", create=False) as trust:
        assert [s.source for s in trust.list_snapshots()] == [str(tiny)]
    password = lines[-1].split("password ")[1].split(" ")[0]
    accounts = Accounts(folder / "users.db")
    users = accounts.users
    assert users.authenticate("demo-admin", password) == User("demo-admin", "admin")
    assert [u.name for u in users.all_users()] == ["demo-admin"]
    with Accounts(tmp_path / "users.db") as trust_accounts:
        assert [u.name for u in trust_accounts.users.all_users()] == ["head"]
    assert lines[-1].endswith("The demo asks for no second factor, since its people are made up; a trust's own "
                              "server asks every account for one (NETMAP_REQUIRE_MFA, docs/accounts.md).")
    served = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: served.append(app))  # the app the demo would serve
    again = run("demo")
    assert "Already loaded, unchanged" in again.stdout
    config = served[0].config  # its own store and users, embedded whatever NETMAP_NEO4J_URI says, no second factor
    assert (config["NETMAP_DB"], config["NETMAP_USERS_DB"], config["NETMAP_STORE"], config["NETMAP_REQUIRE_MFA"]) == (
        folder / "netmap.db", folder / "users.db", None, False)
    assert users.authenticate("demo-admin", password) is None  # a new one-time password each run
    accounts.close()


def test_the_session_never_sees_the_users_own_data() -> None:
    """tests/conftest.py moves HOME and the data folder for the whole session and drops the user's settings."""
    own_home = Path(pwd.getpwuid(os.getuid()).pw_dir)  # the account's real home, whatever HOME says
    assert Path.home() != own_home and not data_dir().is_relative_to(own_home)
    assert data_dir().is_relative_to(Path(tempfile.gettempdir()))
    assert not [v for v in os.environ if v.startswith("NETMAP_") and not v.startswith("NETMAP_TEST_")]


def test_serve_starts_the_app_locally(run, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append(kw))  # the production server
    result = run("serve", "--port", "5099")
    assert result.stdout == "netmap is running at http://127.0.0.1:5099/  (Ctrl+C stops it)\n"
    assert calls[0] == {"host": "127.0.0.1", "port": 5099, "threads": 8, "ident": "netmap",
                        "clear_untrusted_proxy_headers": True}  # no trusted proxy: forwarded headers dropped


def test_users_commands(run) -> None:
    added = run("users", "add", "sam", "--role", "hr")
    assert added.exit_code == 0 and added.stdout.startswith("Added sam (hr). Password: ")
    assert run("users", "set-role", "sam", "ceo").stdout == "sam is now ceo.\n"
    assert run("users", "list").stdout == "sam\tceo\tunlinked\tno authenticator\tnever logged in\tactive\n"
    duplicate = run("users", "add", "sam", "--role", "hr")
    assert duplicate.exit_code == 1 and "There is already a user called 'sam'" in duplicate.stderr
    assert run("users", "add", "bad", "--role", "king").exit_code == 2
    assert run("users", "remove", "sam").stdout == "Removed sam.\n"
    assert "No user called 'sam'" in run("users", "remove", "sam").stderr


def test_sample_refuses_too_few_staff(run, tmp_path: Path) -> None:
    result = run("sample", "--schools", "10", "--staff", "50", "--out", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert "at least 1 school and 10 staff per school" in result.stderr


def test_analyse_writes_six_outputs(run, tmp_path: Path) -> None:
    from tests.trusts import PLANTED

    assert run("load", str(PLANTED), "--as-of", "2026-07-01").exit_code == 0
    result = run("analyse", "--out", str(tmp_path / "out"), "--set", "dormant_share=0.25")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("Analysed snapshot 2026-07-01 in ")
    assert result.stdout.splitlines()[0].endswith("11 staff, 10 soft ties; 1 isolated school(s), 1 isolate(s), "
                                                  "3 disconnected, 1 dormant group(s).")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "bridges.csv", "groups.csv", "schools.csv", "staff.csv", "summary.json", "wiring.csv"]
    assert "Analysing" in result.stderr


def test_outputs_naming_people_are_readable_by_their_owner_only(run, tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "collaborations", "S4,S3", "S4,S4")
    run("validate", str(tiny), "--report", str(tmp_path / "problems.csv"))
    edit(tiny, "collaborations", "S4,S4", "S4,S3")
    assert run("load", str(tiny), "--as-of", "2026-01-05").exit_code == 0
    assert run("analyse", "--out", str(tmp_path / "results")).exit_code == 0
    for kind in ("graphml", "xlsx"):
        assert run("export", "--format", kind, "--out", str(tmp_path / f"network.{kind}")).exit_code == 0
    written = [tmp_path / "problems.csv", tmp_path / "results", *(tmp_path / "results").iterdir(),
               tmp_path / "network.graphml", tmp_path / "network.xlsx", tmp_path / "cli.db"]
    assert len(written) > 8
    assert {path.name: oct(path.stat().st_mode & 0o077) for path in written} == {p.name: "0o0" for p in written}
    with Accounts(tmp_path / "users.db") as accounts:  # and each is in the audit log, by the person at the terminal
        downloads = [subject for _at, user, action, subject in accounts.audit.entries()
                     if action == "download" and user.startswith("cli")]
    assert sorted(downloads) == sorted([
        f"analysis of snapshot 2026-01-05 (every person's figures) written to {tmp_path / 'results'}",
        f"snapshot 2026-01-05 as graphml (people by name) written to {tmp_path / 'network.graphml'}",
        f"snapshot 2026-01-05 as xlsx (people by name) written to {tmp_path / 'network.xlsx'}"])


def test_analyse_unknown_snapshot(run, tmp_path: Path) -> None:
    run("init-store")
    result = run("analyse", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The store holds no snapshot yet.")


def test_a_mistyped_db_is_refused_not_created(run, tiny: Path, tmp_path: Path) -> None:
    assert run("load", str(tiny), "--db", str(tmp_path / "trust.db")).exit_code == 0
    for command in (["snapshots"], ["analyse", "--out", str(tmp_path / "out")], ["forget", "2026-01-05"]):
        result = run(*command, "--db", str(tmp_path / "turst.db"))
        assert result.exit_code == 1 and f"There is no store at {tmp_path / 'turst.db'}" in result.stderr
    assert not (tmp_path / "turst.db").exists()


def test_forget_deletes_a_snapshot(run, tiny: Path) -> None:
    run("load", str(tiny), "--as-of", "2026-01-05")
    result = run("forget", "2026-01-05")
    assert result.exit_code == 0 and result.stdout.startswith(f"Deleted snapshot 2026-01-05 (from {tiny}, loaded ")
    assert result.stdout.endswith(": 3 schools, 5 staff, 2 groups, 3 memberships, 4 collaborations) and all its "
                                  "data.\n")
    again = run("forget", "2026-01-05")
    assert again.exit_code == 1 and "The store holds no snapshot yet." in again.stderr


def test_planner_commands(run, tmp_path: Path) -> None:
    from tests.trusts import PLANTED

    run("load", str(PLANTED), "--as-of", "2026-07-01")
    whatif = run("whatif", "--second", "a2:A:D", "--json", str(tmp_path / "w.json"))
    assert whatif.exit_code == 0, whatif.output
    lines = whatif.stdout.splitlines()
    assert lines[0].split()[0] == "school" and lines[-4].split() == ["D", "0", "3", "0", "2", "-", "100%"]
    assert "isolated schools: D -> none" in whatif.stdout
    assert json.loads((tmp_path / "w.json").read_text())["after"]["external_ties"]["D"] == 3
    recommend = run("recommend", "--school", "D", "--top", "2")
    assert recommend.stdout.splitlines()[0].startswith(" 1. ")
    assert "connects Damson Primary to 2 schools it has no ties with" in recommend.stdout
    risk = run("risk", "--top", "2").stdout.splitlines()
    assert {risk[1].split()[0], risk[2].split()[0]} == {"a1", "c1"} and risk[1].split()[2] == "C"
    intro = run("introduce", "--staff", "c2")
    assert "Maths teacher A (a2)" in intro.stdout
    bad = run("whatif", "--join", "a1")
    assert bad.exit_code == 1 and "--join 'a1': write STAFF_ID:GROUP_ID" in bad.stderr
    assert run("whatif").exit_code == 2


def test_whatif_applies_changes_in_the_order_given_and_refuses_contradictions(run) -> None:
    from tests.trusts import PLANTED

    assert run("load", str(PLANTED), "--as-of", "2026-07-01").exit_code == 0
    ordered = run("whatif", "--tie", "d1:a4", "--leave", "d1")
    assert ordered.exit_code == 0, ordered.output
    refused = run("whatif", "--leave", "c1", "--tie", "c1:a1")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.stderr.strip() == ("Error: Change 2 (tie c1 -> a1) names c1, who leaves in change 1: give the "
                                      "leave last, or drop one of the two.")
    # grouped by option (click's own order) this would be leave a4, leave d1, join d1: refused
    interleaved = run("whatif", "--leave", "a4", "--join", "d1:HEADS", "--leave", "d1")
    assert interleaved.exit_code == 0, interleaved.output
    backwards = run("whatif", "--leave", "d1", "--join", "d1:HEADS")
    assert "Change 2 (d1 joins HEADS) names d1, who leaves in change 1" in backwards.stderr


def test_csv_outputs_of_the_cli_neutralise_formulas(run, tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "staff", "S5,", "=HYPERLINK(S5),")
    assert run("load", str(tiny)).exit_code == 0
    assert run("analyse", "--out", str(tmp_path / "out")).exit_code == 0
    staff = (tmp_path / "out" / "staff.csv").read_text(encoding="utf-8")
    assert "\n'=HYPERLINK(S5)," in staff and "\n=HYPERLINK" not in staff
    edit(tiny, "staff", "S4,ELM,teacher", "S4,ELM,@cmd")
    run("validate", str(tiny), "--report", str(tmp_path / "problems.csv"))
    report = (tmp_path / "problems.csv").read_text(encoding="utf-8")
    assert ",'@cmd," in report and ",@cmd," not in report


@pytest.mark.parametrize("uri", ["neo4j://neo4j:s3cret-pw@localhost:7687", "bolt://:s3cret-pw@db.trust.local"])
def test_a_password_in_a_neo4j_uri_is_never_echoed(run, uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("snapshots", "--store", uri)
    assert result.exit_code == 1 and "s3cret-pw" not in result.output + result.stderr
    assert "***" in result.stderr and "holds credentials" in result.stderr
    monkeypatch.setenv("NETMAP_NEO4J_URI", uri)
    result = run("snapshots")
    assert result.exit_code == 1 and "s3cret-pw" not in result.output + result.stderr


@pytest.mark.parametrize(("uri", "message"), [("neo4j://[::1", "is not a well-formed URI"),
                                              ("neo4j://db:port", "is not a well-formed URI"),
                                              ("neo4j://", "names no host")])
def test_a_malformed_neo4j_uri_is_one_line_not_a_traceback(run, uri: str, message: str) -> None:
    result = run("snapshots", "--store", uri)
    assert result.exit_code == 1 and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_unwritable_out_is_one_line_not_a_traceback(run, tiny: Path, tmp_path: Path) -> None:
    run("load", str(tiny))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("analyse", "--out", str(blocker / "out"))
    assert result.exit_code == 1 and f"Error: Cannot use {blocker / 'out'}: Not a directory" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("validate", str(tiny), "--report", str(blocker / "problems.csv"))
    assert result.exit_code == 1 and "Cannot use" in result.stderr
