"""What only the embedded store can show: identical file contents, and a killed process changing nothing.

The behaviour every store shares is in test_store_contract.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from netmap.errors import StorageError
from netmap.ingest.validate import read_trust
from netmap.store import SQLiteStore
from netmap.store.sqlite import SCHEMA_VERSION
from tests.conftest import REPO, edit
from tests.trusts import SAMPLE


def test_loading_twice_leaves_identical_contents(store: SQLiteStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    first = store.write_snapshot(dataset, "2026-01-01", source="tiny")
    before = store.dump()
    again = store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    assert (first.status, again.status) == ("created", "unchanged")
    assert store.dump() == before


def test_changed_data_on_the_same_date_replaces_that_snapshot_only_when_asked(store: SQLiteStore,
                                                                              tiny: Path) -> None:
    original = read_trust(tiny)[0]
    store.write_snapshot(original, "2026-01-01", source="tiny")
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    changed, _ = read_trust(tiny)
    assert store.write_snapshot(changed, "2026-01-01", source="tiny", replace="2026-01-01").status == "replaced"
    assert [s.snapshot_id for s in store.list_snapshots()] == ["2026-01-01"]
    assert store.read_dataset().equals(changed)
    kept = store.write_snapshot(original, "2026-01-01", source="tiny")  # not asked to replace: a second one
    assert (kept.status, kept.snapshot.snapshot_id) == ("created", "2026-01-01-2")
    assert store.read_dataset("2026-01-01").equals(changed) and store.read_dataset("2026-01-01-2").equals(original)


def test_failure_part_way_leaves_the_store_as_it_was(store: SQLiteStore, tiny: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    before = store.dump()
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    changed, _ = read_trust(tiny)
    original = SQLiteStore._insert_parts

    def fail_on_ties(self, as_of, parts, progress):  # the tables before the ties are written, then it fails
        first = [p for p in parts if p[0] != "collaborations"][:3]
        original(self, as_of, first, progress)
        raise OSError("disk unplugged")

    monkeypatch.setattr(SQLiteStore, "_insert_parts", fail_on_ties)
    for as_of in ("2026-01-01", "2026-02-01"):  # replacing an old snapshot, and adding a new one
        with pytest.raises(OSError, match="disk unplugged"):
            store.write_snapshot(changed, as_of, source="tiny")
        assert store.dump() == before


def test_sqlite_error_becomes_storage_error(store: SQLiteStore, tiny: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    def broken(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    before = store.dump()
    monkeypatch.setattr(SQLiteStore, "_insert_parts", broken)
    with pytest.raises(StorageError, match="database or disk is full.*the store is unchanged"):
        store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    assert store.dump() == before


def test_killed_load_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    dataset, _ = read_trust(SAMPLE)
    with SQLiteStore(db) as store:
        store.write_snapshot(dataset, "2026-01-01", source="sample")
        before = store.dump()
    # A second load, of a new date, that pauses after its first batch of ties until it is killed.
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from netmap.ingest.validate import read_trust
        from netmap.store import sqlite as module
        module.BATCH_ROWS = 1000
        dataset, _ = read_trust(Path({str(SAMPLE)!r}))
        written = 0
        def progress(rows):
            global written
            written += rows
            if written > 5000:
                print("WRITING", flush=True)
                time.sleep(60)
        module.SQLiteStore(Path({str(db)!r})).write_snapshot(dataset, "2026-02-01", source="x", progress=progress)
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                               cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "WRITING"
        with SQLiteStore(db) as reader:  # mid-load, readers see only the complete snapshot
            assert [s.as_of for s in reader.list_snapshots()] == ["2026-01-01"]
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close()
    with SQLiteStore(db) as store:
        assert store.dump() == before
        assert store.read_dataset().equals(dataset)


def test_unopenable_store_names_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StorageError, match="choose another with --db or NETMAP_DB"):
        SQLiteStore(blocker / "store.db")


def test_forgetting_a_snapshot_leaves_no_row_behind(store: SQLiteStore, tiny: Path) -> None:
    empty = store.dump()
    store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    store.delete_snapshot("2026-01-01")
    assert store.dump() == empty


def test_content_hash_tells_blank_from_the_word_none(tiny: Path) -> None:
    from netmap.dataset import Dataset

    dataset, _ = read_trust(tiny)
    tables = dict(dataset.tables())
    staff = tables["staff"].copy()
    staff.loc[0, "subjects"] = "None"  # S1's subjects were blank
    changed = Dataset.from_tables({**tables, "staff": staff})
    assert changed.content_hash() != dataset.content_hash()
    assert read_trust(tiny)[0].content_hash() == dataset.content_hash()


def _write_version_1_store(path: Path, dataset, as_of: str) -> None:  # noqa: ANN001 - a Dataset
    """A store as netmap's first schema wrote it: one SQL row per data row, extra columns as JSON."""
    import json
    import sqlite3

    from netmap.contract import TABLE_NAMES, table_spec
    from netmap.store.records import table_rows

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE snapshots (as_of TEXT PRIMARY KEY, loaded_at TEXT NOT NULL, source TEXT NOT NULL, "
                 "content_hash TEXT NOT NULL, counts TEXT NOT NULL, extra_columns TEXT NOT NULL)")
    extras = {name: dataset.extra_columns(name) for name in TABLE_NAMES}
    conn.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?)", (as_of, "2026-01-02T00:00:00+00:00", "v1",
                 dataset.content_hash(), json.dumps(dataset.counts()), json.dumps(extras)))
    for name in TABLE_NAMES:
        columns = table_spec(name).column_names
        conn.execute(f'CREATE TABLE "{name}" (snapshot TEXT NOT NULL REFERENCES snapshots(as_of), row_no INTEGER '
                     f'NOT NULL, {", ".join(columns)}, attributes TEXT, PRIMARY KEY (snapshot, row_no))')
        conn.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" * (len(columns) + 3))})',  # noqa: S608
                         [(as_of, *row) for row in table_rows(name, dataset.table(name), extras[name])])
    conn.execute("PRAGMA user_version=1")
    conn.close()


def test_a_version_1_store_is_converted_on_opening(tmp_path: Path, tiny: Path) -> None:
    from netmap.dataset import Dataset

    dataset, _ = read_trust(tiny)
    tables = dict(dataset.tables())
    tables["staff"] = tables["staff"].assign(payroll_no=["P1", None, "P3", "P4", "P5"])  # an extra column
    dataset = Dataset.from_tables(tables)
    _write_version_1_store(tmp_path / "old.db", dataset, "2026-01-01")
    with SQLiteStore(tmp_path / "old.db") as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-01-01"]
        assert store.read_dataset().equals(dataset)
        assert store.read_dataset().extra_columns("staff") == ["contract", "payroll_no"]
        assert not any(line.startswith('CREATE TABLE "staff"') for line in store.dump())
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.write_snapshot(dataset, "2026-01-01", source="again", replace="2026-01-01").status == "unchanged"


def test_a_store_written_before_tie_kinds_and_respondents_still_says_unchanged(tmp_path: Path, tiny: Path) -> None:
    """tests/data/stores/tiny-before-tie-kinds.db was written by netmap before the contract gained tie_kinds and
    respondents, and schools their priority: reloading the same files must find it unchanged (an empty table
    added later is not stored and not hashed, nor a blank column added later), and the new tables read back
    empty, the new column blank."""
    import shutil

    path = tmp_path / "old.db"
    shutil.copy(REPO / "tests" / "data" / "stores" / "tiny-before-tie-kinds.db", path)
    with SQLiteStore(path) as old:
        assert old.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").status == "unchanged"
        # converted to snapshot ids in place: the date is the id, and the parts still point at their snapshot
        assert [(s.snapshot_id, s.as_of) for s in old.list_snapshots()] == [("2026-01-05", "2026-01-05")]
        assert old._conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table in ("table_parts", "analyses"):
            ddl = old._conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            assert "snapshots(snapshot_id)" in ddl.replace('"', ""), ddl
        stored = old.read_dataset("2026-01-05")
        assert stored.tie_kinds.empty and stored.respondents.empty
        assert stored.schools["priority"].isna().all()
        assert stored.equals(read_trust(tiny)[0])


def test_tie_kinds_and_respondents_round_trip(store: SQLiteStore, tiny: Path) -> None:
    (tiny / "tie_kinds.csv").write_text("kind,flow,label\nphonics,target-to-source,Phonics advice\n",
                                        encoding="utf-8")
    (tiny / "respondents.csv").write_text("staff_id,round,responded_on\nS1,R1,2025-10-01\nS2,R1,\n",
                                          encoding="utf-8")
    edit(tiny, "collaborations", "S4,S3,advice", "S4,S3,Phonics")
    dataset, _ = read_trust(tiny)
    assert list(dataset.collaborations["kind"]) == ["co-planning", "advice", "coaching", "phonics"]
    store.write_snapshot(dataset, "2026-01-05", source="tiny")
    assert store.read_dataset().equals(dataset)
    assert store.list_snapshots()[0].counts["respondents"] == 2


def _file_bytes(path: Path) -> bytes:
    """The store file and its journal files, as a forensic reader would see them."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_forgotten_names_cannot_be_read_back_from_the_file(tmp_path: Path, tiny: Path) -> None:
    path = tmp_path / "store.db"
    edit(tiny, "staff", "Grace Hopper", "Forgettable Person-Zqx")
    with SQLiteStore(path) as store:
        store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
        edit(tiny, "staff", "Forgettable Person-Zqx", "Grace Hopper")
        store.write_snapshot(read_trust(tiny)[0], "2026-02-01", source="tiny")
        assert b"Forgettable Person-Zqx" in _file_bytes(path)
        assert store._conn.execute("PRAGMA secure_delete").fetchone() == (1,)
        store.delete_snapshot("2026-01-01")
        assert b"Forgettable Person-Zqx" not in _file_bytes(path)
        assert b"Grace Hopper" in _file_bytes(path)


def test_store_files_are_readable_by_their_owner_only(tmp_path: Path, tiny: Path) -> None:
    path = tmp_path / "new" / "store.db"
    with SQLiteStore(path) as store:
        store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
        modes = {p.name: p.stat().st_mode & 0o777 for p in path.parent.iterdir()}
    assert modes and set(modes.values()) == {0o600}, modes
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_store_opened_read_only_can_be_listed_and_read(tmp_path: Path, tiny: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """os.access is made to say what it says to a user without write permission (CI runs as root, who may write
    any file)."""
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    path.chmod(0o400)
    monkeypatch.setattr("netmap.store.sqlite.os.access", lambda p, mode: mode != os.W_OK)
    with SQLiteStore(path, create=False) as store:
        assert store.read_only and [s.as_of for s in store.list_snapshots()] == ["2026-01-01"]
        assert store.read_dataset().equals(read_trust(tiny)[0])
        with pytest.raises(StorageError, match="readonly|read-only"):
            store.write_snapshot(read_trust(tiny)[0], "2026-02-01", source="tiny")


def _tamper(path: Path, old: bytes, new: bytes) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        for snapshot, name, part, payload in conn.execute("SELECT snapshot, name, part, payload FROM table_parts"):
            if old in payload:
                conn.execute("UPDATE table_parts SET payload = ? WHERE snapshot = ? AND name = ? AND part = ?",
                             (payload.replace(old, new), snapshot, name, part))
    conn.close()


def test_content_changed_outside_netmap_is_caught_on_read_and_repaired_by_reloading(tmp_path: Path,
                                                                                    tiny: Path) -> None:
    path = tmp_path / "store.db"
    original = read_trust(tiny)[0]
    with SQLiteStore(path) as store:
        store.write_snapshot(original, "2026-01-01", source="tiny")
    _tamper(path, b"Grace Hopper", b"Grace Hoppe_")
    with SQLiteStore(path) as store:
        with pytest.raises(StorageError, match="is damaged: its content no longer matches its hash"):
            store.read_dataset("2026-01-01")
        assert store.write_snapshot(original, "2026-01-01", source="tiny").status == "repaired"
        assert store.read_dataset("2026-01-01").equals(original)
        assert store.write_snapshot(original, "2026-01-01", source="tiny").status == "unchanged"


def test_a_corrupt_payload_is_a_clear_error_not_a_traceback(tmp_path: Path, tiny: Path) -> None:
    path = tmp_path / "store.db"
    with SQLiteStore(path) as store:
        store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    _tamper(path, b'{"columns"', b'{"colu\xff\x00ns"')
    result = subprocess.run([sys.executable, "-c", "from netmap.cli import main; main()", "analyse", "--db",
                             str(path), "--out", str(tmp_path / "out")], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Snapshot 2026-01-01 in" in result.stderr and "is damaged" in result.stderr
    with SQLiteStore(path) as store:
        with pytest.raises(StorageError, match="is damaged"):
            store.read_table("2026-01-01", "staff")
