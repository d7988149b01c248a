"""Analyses kept with their snapshots: exact round trip through the stored parts, kept by `netmap load`, used by
`netmap analyse` (which gives the same files as computing afresh), and keyed by contents and options."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from netmap.analysis import Analysis, AnalysisOptions, analyse
from netmap.analysis.stored import analysis_from_parts, analysis_to_parts, options_key
from netmap.cli import main
from netmap.graphs import build_graphs
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
