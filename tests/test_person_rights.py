"""People's rights on the embedded store (netmap.rights, `netmap person`, the admin page): a subject access export
holding everything about one person and nothing of other people's they should not see; erasure from every
snapshot, survey round and the users file, checked on the files' bytes and with the audit chain still verifying;
exclusion from analysis and its withdrawal; clear refusals that change nothing."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from netmap.cli import main
from netmap.errors import StorageError
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of, kept_analysis
from netmap.rights.holdings import find_holdings
from netmap.store import SQLiteStore
from netmap.survey.answers import Nomination
from netmap.survey.service import answer, create_round, open_round, roster_of
from tests.conftest import REPO
from tests.trusts import SUBJECT_EMAIL as EMAIL
from tests.trusts import SUBJECT_ID as PERSON
from tests.trusts import SUBJECT_NAME as NAME
from tests.trusts import SUBJECT_ROUND as SPEC
from tests.trusts import SUBJECT_ROUND_DAY as DURING
from tests.trusts import subject_trust as _trust
from webapp.accounts.database import Accounts


@pytest.fixture(autouse=True)
def _hooks(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry points of this checkout's pyproject.toml, as `pip install -e .` would register them: until the
    installed metadata has the netmap.person_* groups, a copy made from pyproject.toml is put first on the path."""
    if list(entry_points(group="netmap.person_records")):
        return
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    folder = tmp_path_factory.mktemp("metadata")
    info = folder / "netmap-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: netmap\nVersion: 0.1.0\n", encoding="utf-8")
    groups = {"console_scripts": project["scripts"], **project["entry-points"]}
    (info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()) + "\n"
        for group, points in groups.items()), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    assert list(entry_points(group="netmap.person_records"))


@pytest.fixture
def held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """(store, users file): the trust in two snapshots, a survey round PERSON answered and was named in, and a
    users file with PERSON's own account, a grant naming them and audit entries about them."""
    db, users = tmp_path / "store.db", tmp_path / "users.db"
    monkeypatch.setenv("NETMAP_DB", str(db))
    monkeypatch.setenv("NETMAP_USERS_DB", str(users))
    monkeypatch.chdir(tmp_path)
    dataset = read_trust(_trust(tmp_path / "trust"))[0]
    with SQLiteStore(db) as store:
        store.write_snapshot(dataset, "2026-01-05", source="files")
        store.write_snapshot(dataset, "2026-07-01", source="files")
        round_id = create_round(store, SPEC)
        tokens = dict(open_round(store, round_id, now=DURING))
        answer(store, tokens[PERSON], [Nomination(PERSON, "planning", "S3")], submit=True, version=0, now=DURING)
        answer(store, tokens["S3"], [Nomination("S3", "planning", PERSON)], submit=True, version=0, now=DURING)
        answer(store, tokens["S1"], [Nomination("S1", "planning", "S3")], submit=True, version=0, now=DURING)
    with Accounts(users) as accounts:
        accounts.users.add(EMAIL, "hr", staff_id=PERSON)
        accounts.users.add("lead", "network-lead")
        accounts.users.set_people("lead", [PERSON, "S3"], "support a new maths lead")
        accounts.audit.record("ceo1", "view", f"staff page {PERSON}", "review")
        accounts.audit.record("ceo1", "view", "school page OAK", "review")
        accounts.audit.record(EMAIL, "login", "from 10.0.0.7")
        accounts.audit.record("cli:ops", "download", f"links: 2 staff: S1, {PERSON}")
    yield db, users


def _run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.output


def _zip(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _csv(files: dict[str, str], name: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(files[name]), dtype=str, keep_default_na=False)


def test_the_export_holds_everything_about_them_and_only_counts_of_what_others_said(
        held: tuple[Path, Path], tmp_path: Path) -> None:
    code, output = _run("person", "export", PERSON, "--out", str(tmp_path / "sar.zip"))
    assert code == 0, output
    assert output.startswith(f"Wrote {tmp_path / 'sar.zip'}: 2 snapshot(s), 1 survey round(s), 3 table(s) of the "
                             "users file.")
    assert stat.S_IMODE((tmp_path / "sar.zip").stat().st_mode) == 0o600
    files = _zip(tmp_path / "sar.zip")
    assert "Who\nreported them is not given" in files["README.txt"].replace("                              ", "")
    staff = _csv(files, "staff.csv")
    assert list(staff["snapshot_id"]) == ["2026-01-05", "2026-07-01"]
    assert set(staff["name"]) == {NAME} and set(staff["email"]) == {EMAIL}
    assert list(_csv(files, "memberships.csv")[["group_id", "group_name"]].iloc[0]) == ["MATHS", "Maths community"]
    # tiny: PERSON -> S3 co-planning (theirs, named); S3 -> PERSON advice and S1 -> PERSON coaching (counts only)
    reported = _csv(files, "ties_reported_by_you.csv")
    assert reported[["colleague_staff_id", "colleague_name", "kind"]].drop_duplicates().values.tolist() == [
        ["S3", "Grace Hopper", "co-planning"]]
    about = _csv(files, "ties_reported_about_you.csv")
    assert list(about.columns) == ["snapshot_id", "as_of", "kind", "ties"]
    assert about[about["as_of"] == "2026-07-01"][["kind", "ties"]].values.tolist() == [["advice", "1"],
                                                                                     ["coaching", "1"]]
    assert not any(name in files["ties_reported_about_you.csv"] for name in ("S1", "Ada", "Grace", "S3"))
    answers = _csv(files, "survey_answers.csv")
    assert answers[["sheet", "question", "colleague_staff_id", "colleague_name"]].values.tolist() == [
        ["submitted", "planning", "S3", "Grace Hopper"]]
    links = _csv(files, "survey_links.csv")
    assert links[["withdrawn_at", "answers_submitted_through_it"]].values.tolist() == [["", "yes"]]
    assert "digest" not in files["survey_links.csv"]
    assert _csv(files, "survey_named_by_others.csv").values.tolist() == [[links["round_id"][0], "planning", "1"]]
    account = _csv(files, "users_file/account.csv")
    assert account[["account", "role", "linked_staff_id"]].values.tolist() == [[EMAIL, "hr", PERSON]]
    assert "password" not in files["users_file/account.csv"]
    assert _csv(files, "users_file/access_grants.csv")[["granted_to_role", "purpose"]].values.tolist() == [
        ["network-lead", "support a new maths lead"]]
    audit = _csv(files, "users_file/audit_log.csv")
    assert audit[["by", "action"]].values.tolist() == [["other", "view"], [EMAIL, "login"],
                                                       ["command line", "download"]]
    assert json.loads(files["summary.json"])["files"]["staff.csv"] == 2
    with Accounts(held[1]) as accounts:
        newest = accounts.audit.entries(1)[0]
    assert newest[2:] == ("download", f"subject access export of staff {PERSON} written to {tmp_path / 'sar.zip'}"
                                      f": 1 staff: {PERSON}")


def test_person_list_finds_an_id_by_name_and_is_audited(held: tuple[Path, Path]) -> None:
    code, output = _run("person", "list", "--name", "quintrell")
    assert code == 0 and output.splitlines()[0] == f"{PERSON}\t{NAME}\tOAK\tteacher"
    assert "1 of 5 staff in snapshot 2026-07-01." in output
    with Accounts(held[1]) as accounts:
        assert accounts.audit.entries(1)[0][3] == ("staff ids and names of snapshot 2026-07-01 listed (name contains "
                                                   f"'quintrell'): 1 staff: {PERSON}")


def test_an_unknown_id_is_refused_naming_it_and_how_to_list_ids(held: tuple[Path, Path]) -> None:
    before = held[0].read_bytes()
    for command in ("export", "erase", "exclude"):
        code, output = _run("person", command, "zq-4471", "--yes" if command == "erase" else "--db", *(
            [] if command == "erase" else [str(held[0])]))
        assert code == 1
        assert "No one with staff id 'zq-4471' is held in any snapshot" in output
        assert "list them with `netmap person list`" in output
    assert held[0].read_bytes() == before


def test_erase_asks_first_and_a_no_changes_nothing(held: tuple[Path, Path]) -> None:
    code, output = _run("person", "erase", PERSON, input="n\n")
    assert code == 1 and "Erase ZQ-4471 from 2 snapshot(s), 1 survey round(s) and" in output
    with SQLiteStore(held[0]) as store:
        assert find_holdings(store, PERSON).holds_anything


def _files_of(path: Path) -> list[Path]:
    return [p for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal"))
            if p.exists()]


def test_after_erasure_no_file_holds_their_id_name_or_email_and_the_audit_chain_verifies(
        held: tuple[Path, Path]) -> None:
    db, users = held
    assert NAME.encode() in b"".join(p.read_bytes() for p in _files_of(db))  # the search can find them
    assert EMAIL.encode() in b"".join(p.read_bytes() for p in _files_of(users))
    code, output = _run("person", "erase", PERSON, "--yes")
    assert code == 0, output
    assert f"Erased {PERSON} from snapshot(s) 2026-01-05, 2026-07-01 (rewritten without them" in output
    assert "Users file" in output and "1 accounts" in output and "audit entries redacted" in output
    assert "Recomputed the analysis of snapshot(s) 2026-01-05, 2026-07-01" in output
    for path in [*_files_of(db), *_files_of(users)]:
        data = path.read_bytes().lower()
        for needle in (PERSON, NAME, EMAIL, "quintrell"):
            assert needle.lower().encode() not in data, f"{needle} in {path.name}"
    code, output = _run("audit", "verify")
    assert code == 0, output
    with SQLiteStore(db) as store:
        assert not find_holdings(store, PERSON).holds_anything
        latest = store.snapshot()
        dataset = store.read_dataset()
        assert list(dataset.staff["staff_id"]) == ["S1", "S3", "S4", "S5"]
        assert dataset.collaborations[["source_staff_id", "target_staff_id"]].values.tolist() == [["S4", "S3"]]
        assert kept_analysis(store, latest) is not None
        assert "S1" in {n.respondent for n, _ in store.read_answers(store.list_rounds()[0].round_id)[0]}
    with Accounts(users) as accounts:
        assert [u.name for u in accounts.users.all_users()] == ["lead"]
        subjects = [s for _at, _u, _a, s in accounts.audit.entries()]
        assert "school page OAK" in subjects
        assert any(s.startswith("staff page [erased person ") for s in subjects)


def test_the_audit_chain_still_catches_a_change_after_an_erasure(held: tuple[Path, Path]) -> None:
    assert _run("person", "erase", PERSON, "--yes")[0] == 0
    conn = sqlite3.connect(held[1])
    (erasure,) = conn.execute("SELECT DISTINCT erasure FROM audit_erasures").fetchone()
    (forged,) = conn.execute("SELECT hash FROM audit_log WHERE subject = 'school page OAK'").fetchone()
    conn.execute("UPDATE audit_log SET subject = 'school page ELM' WHERE subject = 'school page OAK'")
    conn.execute("INSERT INTO audit_erasures VALUES (?, ?)", (forged, erasure))  # hiding it under the erasure
    conn.commit()
    conn.close()
    code, output = _run("audit", "verify")
    assert code == 1 and "The audit log was altered: the entry of" in output and "(ceo1: view)" in output


def test_a_failed_erasure_changes_nothing(held: tuple[Path, Path]) -> None:
    with SQLiteStore(held[0]) as store:
        holdings = find_holdings(store, PERSON)
        before = store.dump()
        with pytest.raises(StorageError, match="There is no snapshot 2026-09-01 .* to erase ZQ-4471 from; nothing "
                                               "was changed"):
            store.erase_person(PERSON, {**holdings.datasets, "2026-09-01": holdings.datasets["2026-07-01"]})
        assert store.dump() == before


def test_an_excluded_person_is_left_out_of_every_read_and_analysis_until_included_again(
        held: tuple[Path, Path]) -> None:
    code, output = _run("person", "exclude", PERSON, "--reason", "objection of 2026-07-03, ref DP-12")
    assert code == 0, output
    assert "Recomputed the analysis of snapshot(s) 2026-01-05, 2026-07-01" in output
    code, output = _run("person", "excluded")
    assert output.startswith(f"{PERSON}\t") and "objection of 2026-07-03, ref DP-12" in output
    with SQLiteStore(held[0]) as store:
        dataset = store.read_dataset()
        assert PERSON not in set(dataset.staff["staff_id"])
        assert PERSON not in set(store.read_table("2026-07-01", "staff")["staff_id"])
        assert PERSON not in {*dataset.collaborations["source_staff_id"], *dataset.collaborations["target_staff_id"]}
        assert PERSON not in set(dataset.memberships["staff_id"])
        analysis = kept_analysis(store, store.snapshot())
        assert analysis is not None and PERSON not in set(analysis.staff["staff_id"])
        assert PERSON not in roster_of(store, SPEC).ids
        assert PERSON in set(store.read_dataset(with_excluded=True).staff["staff_id"])  # still held
    code, output = _run("person", "include", PERSON)
    assert code == 0 and f"{PERSON} is analysed again." in output
    with SQLiteStore(held[0]) as store:
        analysis = kept_analysis(store, store.snapshot())
        assert analysis is not None and PERSON in set(analysis.staff["staff_id"])
        assert store.excluded_people() == []
    code, output = _run("person", "include", PERSON)
    assert code == 1 and "No one with staff id 'ZQ-4471' is held in the exclusions (excluded now: nobody)" in output


def _web(held: tuple[Path, Path]):  # noqa: ANN202 - the app over the held store and users file
    from tests.web_helpers import PASSWORD
    from webapp import create_app

    with Accounts(held[1]) as accounts:
        accounts.users.add("admin1", "admin", PASSWORD)
        accounts.users.add("ceo2", "ceo", PASSWORD)
    return create_app({"TESTING": True, "NETMAP_DB": held[0], "NETMAP_USERS_DB": held[1], "SECRET_KEY": "test-secret",
                       "NETMAP_REQUIRE_MFA": False})


def test_a_running_web_app_stops_showing_a_person_once_excluded(held: tuple[Path, Path]) -> None:
    from tests.web_helpers import login

    with SQLiteStore(held[0]) as store:  # analysed, as `netmap load` leaves a snapshot
        for info in store.list_snapshots():
            analysis_of(store, info)
    client = _web(held).test_client()
    login(client, "admin1")
    assert NAME in client.get("/staff/?format=csv").get_data(as_text=True)
    assert _run("person", "exclude", PERSON)[0] == 0
    assert NAME not in client.get("/staff/?format=csv").get_data(as_text=True)
    assert "Grace Hopper" in client.get("/staff/?format=csv").get_data(as_text=True)


def test_the_admin_page_downloads_the_same_export_and_audits_it(held: tuple[Path, Path], tmp_path: Path) -> None:
    from tests.web_helpers import login

    app = _web(held)
    client = app.test_client()
    login(client, "ceo2")
    assert client.get(f"/admin/person/{PERSON}/export.zip").status_code == 403
    client = app.test_client()
    login(client, "admin1")
    page = client.get(f"/admin/person/{PERSON}")
    assert page.status_code == 200 and b"2 snapshot(s): 2026-01-05, 2026-07-01" in page.data
    response = client.get(f"/admin/person/{PERSON}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert {"README.txt", "staff.csv", "ties_reported_by_you.csv", "users_file/account.csv"} <= set(
            archive.namelist())
    assert client.get("/admin/person/NOBODY-1").status_code == 404
    with Accounts(held[1]) as accounts:
        assert ("admin1", "download", f"subject access export of staff {PERSON}") in [
            tuple(e[1:]) for e in accounts.audit.entries(5)]


if sys.platform == "win32":  # pragma: no cover - file modes
    pytestmark = pytest.mark.skip("file modes are POSIX")
