"""`netmap import staff`, `netmap import groups` and `netmap load --mapping` as a data manager meets them: the
summary of changes, the question, and nothing stored on a no or on bad input (checked on the store file's bytes)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.cli import main
from netmap.store import SQLiteStore
from tests.trusts import TINY

ITRENT = ("Person Number,Forenames,Surname,NI Number,Date of Birth,Work Email Address,Location,Post Category,"
          "Assignment Start Date,Assignment End Date,Ethnic Origin\n"
          "S1,Ada,Lovelace,QQ123456C,01/01/1970,ada@oak.example,Oakfield Primary,HDT,01-Sep-2010,,WBRI\n"
          "S2,Alan,Turing,QQ123457C,01/01/1980,Alan.Turing@oak.example,ELM,TCH,01-Sep-2018,,WBRI\n"
          "S3,Grace,Hopper,QQ123458C,01/01/1970,grace@elm.example,Elm Park Academy,AHT,01/09/2012,,WBRI\n"
          "S5,Barbara,Liskov,QQ123459C,01/01/1970,barbara@ash.example,ASH,TCH,01/09/2024,,WBRI\n"
          "S6,Zoë,O’Neill,QQ123460C,01/01/1990,zoe@elm.example,ELM,TAS,01/09/2026,,WBRI\n")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """A store holding TINY as the snapshot of 2026-07-20."""
    path = tmp_path / "netmap.db"
    monkeypatch.setenv("NETMAP_DB", str(path))
    monkeypatch.setenv("NETMAP_USERS_DB", str(tmp_path / "users.db"))
    umask = os.umask(0o022)  # netmap sets the process's umask: give the rest of the session its own back
    os.umask(umask)
    request.addfinalizer(lambda: os.umask(umask))
    assert _run("load", str(TINY), "--as-of", "2026-07-20").exit_code == 0
    return path


def _run(*args: str, answer: str | None = None):
    return CliRunner().invoke(main, list(args), input=answer, catch_exceptions=False)


def _from(text: str, start: str) -> list[str]:
    """The lines of `text` from the first that starts with `start` (after the warnings a load prints)."""
    lines = text.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith(start)):]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "itrent-autumn.csv"
    path.write_text(ITRENT, encoding="cp1252")
    return path


def test_import_staff_shows_changes_and_stores_nothing_on_no(db: Path, export: Path) -> None:
    before = _digest(db)
    result = _run("import", "staff", str(export), "--mapping", "itrent", "--as-of", "2026-09-10", answer="n\n")
    assert result.exit_code == 0
    assert _from(result.stdout, "Dropped") == [
        "Dropped 3 column(s) unread: NI Number, Date of Birth, Ethnic Origin (never kept: identifiers and special "
        "categories).",
        "Staff from itrent-autumn.csv through mapping itrent, compared with snapshot 2026-07-20:",
        "  Joined: 1 (Zoë O’Neill [S6])",
        "  Moved school: 1 (Alan Turing [S2] OAK -> ELM)",
        "  Changed role: 1 (Grace Hopper [S3] middle-leader -> senior-leader)",
        "  Left: 1 (Edsger Dijkstra [S4])",
        "  Leavers stay in the map's history, and their netmap accounts close from their leaving day: an account "
        "linked to their staff id or email is disabled at its next request.",
        "Store this as the snapshot of 2026-09-10? [y/N]: n",
        "Cancelled: nothing was stored."]
    assert _digest(db) == before


def test_import_staff_on_yes_stores_the_next_snapshot(db: Path, export: Path) -> None:
    result = _run("import", "staff", str(export), "--mapping", "itrent", "--as-of", "2026-09-10", answer="y\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == ("Loaded snapshot 2026-09-10: 3 schools, 6 staff, 2 groups, "
                                              "3 memberships, 4 collaborations, 0 secondments.")
    with SQLiteStore(db) as store:
        assert [s.snapshot_id for s in store.list_snapshots()] == ["2026-07-20", "2026-09-10"]
        staff = store.read_table("2026-09-10", "staff").set_index("staff_id")
    assert staff.at["S4", "left_on"] == "2026-09-10" and staff.at["S2", "email"] == "alan.turing@oak.example"
    assert "QQ123456C" not in db.read_bytes().decode("latin-1")


def test_import_on_the_latest_snapshots_date_replaces_it(db: Path, export: Path) -> None:
    result = _run("import", "staff", str(export), "--mapping", "itrent", "--as-of", "2026-07-20", "--yes")
    assert result.exit_code == 0, result.output
    assert (f"It replaces snapshot 2026-07-20 (from {TINY}, loaded" in result.stdout
            and "Replaced snapshot 2026-07-20: 3 schools, 6 staff" in result.stdout)


def test_bad_export_stores_nothing_and_names_row_column_and_fix(db: Path, tmp_path: Path) -> None:
    before = _digest(db)
    path = tmp_path / "bad.csv"
    path.write_text(ITRENT.replace("Elm Park Academy,AHT", "Birch Lane,AHT").replace("ASH,TCH", "ASH,XX"))
    result = _run("import", "staff", str(path), "--mapping", "itrent", "--yes")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "ERROR   bad.csv, row 4, column Location: 'Birch Lane' is not a school netmap knows (schools: ASH, ELM, OAK). "
        "Fix: Add 'Birch Lane' = \"SCHOOL_ID\" under [schools] in mapping itrent, or load the school first (netmap "
        "import gias, or schools.csv).",
        "ERROR   bad.csv, row 5, column Post Category: 'XX' is not in mapping itrent's role vocabulary. Fix: Add 'XX' "
        "under [roles] in the mapping with one of teacher, middle-leader, senior-leader, headteacher, support, "
        "central (or choose it on the mapping page), or correct the cell."]
    assert result.stderr.splitlines()[-1] == ("Error: 2 error(s) in bad.csv: nothing was stored. Fix them "
                                              "(in the file, or in the mapping where a line says so) and import "
                                              "again.")
    assert _digest(db) == before


def test_unknown_mapping_is_one_line(db: Path, export: Path) -> None:
    result = _run("import", "staff", str(export), "--mapping", "arbor")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No mapping called 'arbor'. Built in: itrent, sims, workforce-census;")


def test_import_groups_matches_emails_and_lists_unmatched(db: Path, export: Path, tmp_path: Path) -> None:
    assert _run("import", "staff", str(export), "--mapping", "itrent", "--as-of", "2026-09-10", "--yes").exit_code == 0
    maths = tmp_path / "MATHS.txt"
    maths.write_text("alan.turing@OAK.example\nzoe@elm.example\ngrace.hoper@elm.example\n")
    before = _digest(db)
    result = _run("import", "groups", str(maths), "--as-of", "2026-09-11", answer="n\n")
    assert _from(result.stdout, "MATHS from") == [
        "MATHS from MATHS.txt: 2 member(s); 1 joined, 1 left, 1 line(s) unmatched.",
        "  MATHS.txt, line 3: 'grace.hoper@elm.example' matches no staff email (never stored). Closest: Grace Hopper.",
        "Store this as the snapshot of 2026-09-11? [y/N]: n",
        "Cancelled: nothing was stored."]
    assert _digest(db) == before
    assert _run("import", "groups", str(maths), "--as-of", "2026-09-11", "--yes").exit_code == 0
    with SQLiteStore(db) as store:
        rows = store.read_table("2026-09-11", "memberships")
    maths_rows = rows[rows["group_id"] == "MATHS"].set_index("staff_id")
    assert maths_rows["left_on"].to_dict() == {"S2": None, "S3": "2026-09-11", "S6": None}
    assert "grace.hoper" not in db.read_bytes().decode("latin-1")


def test_load_with_mapping_reads_staff_csv_as_the_export(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "autumn"
    shutil.copytree(TINY, folder)
    (folder / "staff.csv").write_text(ITRENT, encoding="cp1252")
    before = _digest(db)
    result = _run("load", str(folder), "--mapping", "itrent", "--as-of", "2026-09-10", answer="n\n")
    assert result.exit_code == 0, result.output
    assert "  Left: 1 (Edsger Dijkstra [S4])" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "Cancelled: nothing was stored."
    assert _digest(db) == before
    result = _run("load", str(folder), "--mapping", "itrent", "--as-of", "2026-09-10", "--yes")
    assert result.exit_code == 0, result.output
    with SQLiteStore(db) as store:
        staff = store.read_table("2026-09-10", "staff")
    assert sorted(staff["staff_id"]) == ["S1", "S2", "S3", "S4", "S5", "S6"]


def test_load_with_mapping_refuses_a_bad_export_and_stores_nothing(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "autumn"
    shutil.copytree(TINY, folder)
    (folder / "staff.csv").write_text(ITRENT.replace("Post Category", "Post"), encoding="cp1252")
    before = _digest(db)
    result = _run("load", str(folder), "--mapping", "itrent", "--yes")
    assert result.exit_code == 1
    assert result.stdout.startswith("ERROR   staff.csv, row 1, column Post Category: The export has no column "
                                    "'Post Category', which mapping itrent reads for role.")
    assert _digest(db) == before


def test_import_groups_refuses_a_list_nothing_decodes_in_one_line(db: Path, export: Path, tmp_path: Path) -> None:
    assert _run("import", "staff", str(export), "--mapping", "itrent", "--as-of", "2026-09-10", "--yes").exit_code == 0
    maths = tmp_path / "MATHS.txt"
    maths.write_bytes(b"alan.turing@oak.example\n\x81\x8d\x90@x\n")
    before = _digest(db)
    result = _run("import", "groups", str(maths), "--as-of", "2026-09-11", "--yes")
    assert result.exit_code == 1
    assert ("MATHS.txt is not text netmap can read (neither UTF-8, UTF-16 nor Windows-1252). Fix: save the list as "
            "CSV UTF-8 (or as plain text, one email per line) and upload it again.") in result.stderr
    assert _digest(db) == before
