"""Analyses kept with their snapshots: exact round trip through the stored parts, kept by `netmap load`, used by
`netmap analyse` (which gives the same files as computing afresh), and keyed by contents and options."""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.analysis import Analysis, AnalysisOptions, analyse
from netmap.analysis.stored import analysis_from_parts, analysis_to_parts, options_key
from netmap.cli import main
from netmap.errors import StorageError
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.snapshot import Snapshot
from netmap.store import SQLiteStore


def test_an_analysis_survives_its_parts_exactly(sample_analysis: Analysis) -> None:
    analysis = sample_analysis
    back = analysis_from_parts(analysis_to_parts(analysis))
    for table in ("staff", "schools", "groups", "wiring", "bridges"):
        before, after = getattr(analysis, table), getattr(back, table)
        assert before.equals(after) and list(before.dtypes) == list(after.dtypes), table
    assert json.dumps(back.summary, sort_keys=True) == json.dumps(analysis.summary, sort_keys=True, default=float)
    assert back.as_of == analysis.as_of and back.timings == analysis.timings


def test_text_is_kept_compressed_a_slice_of_rows_at_a_time_and_plain_json_kept_before_still_reads(
        sample_analysis: Analysis, monkeypatch: pytest.MonkeyPatch) -> None:
    import netmap.analysis.stored as stored

    monkeypatch.setattr(stored, "TEXT_ROWS", 7)  # the sample's staff ids in many slices, and a last short one
    parts = dict(analysis_to_parts(sample_analysis))
    staff_ids = parts["staff/0"]
    assert staff_ids[:1] == b"Z"
    assert json.loads(zlib.decompress(staff_ids[1:])) == list(sample_analysis.staff["staff_id"])
    plain = {name: b"J" + zlib.decompress(p[1:]) if p[:1] == b"Z" else p for name, p in parts.items()}
    plain["meta"] = _without_checks(plain["meta"])  # kept before parts carried CRCs
    assert analysis_from_parts(list(plain.items())).staff.equals(sample_analysis.staff)
    empty = sample_analysis.bridges.iloc[0:0]
    assert stored._column_bytes(empty["person_a"]) == b"Z" + zlib.compress(b"[]", 1)


def test_the_key_follows_every_threshold() -> None:
    assert options_key(AnalysisOptions()) == options_key(AnalysisOptions())
    assert options_key(AnalysisOptions(dormant_share=0.3)) != options_key(AnalysisOptions())
    # the stability step's options do not: an analysis kept before the step, or without it, still loads
    assert options_key(AnalysisOptions(stability_draws=0, stability_staff_limit=9)) == options_key(AnalysisOptions())


def test_an_analysis_kept_under_older_rules_is_not_served(monkeypatch: pytest.MonkeyPatch) -> None:
    """A netmap that reads ties differently files its analyses under another key, so an upgrade recomputes."""
    import netmap.analysis.stored as stored

    now = options_key(AnalysisOptions())
    monkeypatch.setattr(stored, "RULES_VERSION", stored.RULES_VERSION - 1)
    assert options_key(AnalysisOptions()) != now


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "store.db"))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_load_keeps_the_analysis_and_analyse_uses_it(run, tiny: Path, tmp_path: Path) -> None:
    assert run("load", str(tiny), "--as-of", "2026-01-05").exit_code == 0
    with SQLiteStore(tmp_path / "store.db") as store:
        info = store.snapshot()
        assert store.read_analysis(info, options_key(AnalysisOptions())) is not None
        fresh = analyse(build_graphs(store.read_dataset(), info.as_of))
    kept = run("analyse", "--out", str(tmp_path / "kept"))
    assert "Using the analysis kept with snapshot 2026-01-05." in kept.stderr
    assert (tmp_path / "kept" / "staff.csv").read_text() == fresh.staff.to_csv(
        index=False, float_format="%.10g", lineterminator="\n")
    other = run("analyse", "--out", str(tmp_path / "other"), "--set", "dormant_share=0.9")
    assert "Using the analysis kept" not in other.stderr  # other thresholds: computed, then kept too
    assert "Using the analysis kept" in run("analyse", "--out", str(tmp_path / "again"), "--set",
                                            "dormant_share=0.9").stderr
    summary = json.loads((tmp_path / "other" / "summary.json").read_text())
    assert summary["options"]["dormant_share"] == 0.9


def test_a_kept_analysis_decodes_a_table_only_when_it_is_used(sample_analysis: Analysis) -> None:
    analysis = sample_analysis
    back = analysis_from_parts(analysis_to_parts(analysis))
    assert back.summary == json.loads(json.dumps(analysis.summary, default=float))
    assert "staff" not in vars(back) and "schools" not in vars(back)  # nothing decoded yet
    assert back.schools.equals(analysis.schools)
    assert "schools" in vars(back) and "staff" not in vars(back)


def _without_checks(meta: bytes) -> bytes:
    """The meta part as kept before parts carried CRCs."""
    return json.dumps({k: v for k, v in json.loads(meta).items() if k != "checks"}).encode()


def test_meta_is_the_last_part_and_checks_every_other(sample_analysis: Analysis) -> None:
    """A store writing the parts in several transactions holds no meta until every part is written."""
    parts = list(analysis_to_parts(sample_analysis))
    assert parts[-1][0] == "meta" and all(name != "meta" for name, _ in parts[:-1])
    checks = json.loads(parts[-1][1])["checks"]
    assert checks == {name: zlib.crc32(payload) for name, payload in parts[:-1]}


@pytest.mark.parametrize(("damage", "message"), [
    (lambda parts: parts.pop("staff/2"), "table staff, column {2}: the part is missing"),
    (lambda parts: parts.update({"staff/0": parts["staff/0"][:-3] + b"xyz"}),
     "table staff, column {0}: the part fails its CRC-32"),
    (lambda parts: parts.pop("meta"), "table meta: its meta part is missing or unreadable"),
    (lambda parts: parts.update({"meta": b'{"as_of": "2026'}), "table meta: its meta part is missing or unreadable"),
])
def test_a_damaged_or_incomplete_set_is_refused_naming_the_place_and_the_fix(
        sample_analysis: Analysis, damage, message: str) -> None:
    parts = dict(analysis_to_parts(sample_analysis))
    damage(parts)
    with pytest.raises(StorageError) as refused:
        analysis_from_parts(list(parts.items()), "2026-01-05")
    columns = list(sample_analysis.staff.columns)
    assert str(refused.value).startswith("The analysis kept with snapshot 2026-01-05 is damaged (")
    assert message.format(*columns) in str(refused.value)
    assert str(refused.value).endswith("Re-analyse it (netmap analyse --snapshot 2026-01-05).")


def _set_part(db: Path, name: str, payload: bytes) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("UPDATE analyses SET payload = ? WHERE name = ?", (payload, name)).rowcount == 1
    conn.close()


def test_a_damaged_kept_analysis_is_computed_afresh_and_kept_again(run, tiny: Path, tmp_path: Path) -> None:
    assert run("load", str(tiny), "--as-of", "2026-01-05").exit_code == 0
    db, key = tmp_path / "store.db", options_key(AnalysisOptions())
    with SQLiteStore(db) as store:
        info = store.snapshot()
        good = dict(store.read_analysis(info, key) or [])
        fresh = analyse(build_graphs(store.read_dataset(), info.as_of))
    _set_part(db, "staff/0", good["staff/0"][:-1] + bytes([good["staff/0"][-1] ^ 1]))
    result = run("analyse", "--out", str(tmp_path / "out"))
    assert "Using the analysis kept" not in result.stderr  # the damaged set is no kept analysis
    assert (tmp_path / "out" / "staff.csv").read_text() == fresh.staff.to_csv(
        index=False, float_format="%.10g", lineterminator="\n")
    with SQLiteStore(db) as store:
        assert dict(store.read_analysis(info, key) or [])["staff/0"] == good["staff/0"]  # kept again, whole
    assert "Using the analysis kept" in run("analyse", "--out", str(tmp_path / "again")).stderr


def test_an_older_kept_part_that_cannot_be_decoded_names_the_fix_and_is_dropped(
        run, tiny: Path, tmp_path: Path) -> None:
    """Parts kept before CRCs are checked only when their table is first read: a clear StorageError, and the kept
    analysis dropped, so that the fix it names (or the next page) computes it afresh."""
    assert run("load", str(tiny), "--as-of", "2026-01-05").exit_code == 0
    db, key = tmp_path / "store.db", options_key(AnalysisOptions())
    with SQLiteStore(db) as store:
        good = dict(store.read_analysis(store.snapshot(), key) or [])
    _set_part(db, "meta", _without_checks(good["meta"]))
    _set_part(db, "staff/0", b"Z" + b"not zlib")
    with SQLiteStore(db) as store:
        snapshot = Snapshot.open(store)
        kept = snapshot.analysis
        assert kept.schools is not None  # another table still reads
        with pytest.raises(StorageError, match=re.escape(
                "The analysis kept with snapshot 2026-01-05 is damaged (table staff, column staff_id: the part "
                "cannot be decoded (")) as refused:
            _ = kept.staff
        assert str(refused.value).endswith("Re-analyse it (netmap analyse --snapshot 2026-01-05).")
        assert store.read_analysis(store.snapshot(), key) is None and snapshot.kept_analysis() is None
    assert "Using the analysis kept" not in run("analyse", "--snapshot", "2026-01-05", "--out",
                                                str(tmp_path / "out")).stderr


def test_sqlite_makes_the_parts_before_taking_its_write_lock(tmp_path: Path, tiny: Path,
                                                             sample_analysis: Analysis) -> None:
    """Making a national snapshot's parts takes seconds; a survey save waits only 5 s for the lock."""
    with SQLiteStore(tmp_path / "store.db") as store:
        info = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").snapshot
        locked = []

        def parts() -> Iterator[tuple[str, bytes]]:
            for part in analysis_to_parts(sample_analysis):
                locked.append(store._conn.in_transaction)
                yield part

        store.write_analysis(info, "k", parts())
        assert locked and not any(locked)
        assert analysis_from_parts(store.read_analysis(info, "k") or []).staff.equals(sample_analysis.staff)
