"""The suite's timeline (tests/timeline.py) and its reader (benchmarks/timeline.py), on a hand-made run of two workers
whose busy times, idle tail, groups in order and machine use are worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.timeline import machine_use, read_timeline, report, workers_of
from tests.timeline import Recorder, machine_cpu


def _run(path: Path) -> Path:
    """Run start at 100 s; gw0 runs group A (two tests, 100-130 and 130-160) then B (160-170); gw1 runs C (100-190);
    run end at 195. The machine's counters: half busy until 160 s, then all busy (130 of 190 ticks in all)."""
    lines = [{"event": "run-start", "worker": "main", "at": 100.0, "machine_cpu": [0, 0], "cpus": 2},
             {"event": "test", "worker": "gw0", "test": "t/a.py::one@t/a.py", "group": "A", "start": 100.0,
              "end": 130.0, "cpu_s": 20.0, "machine_cpu": [30, 60]},
             {"event": "test", "worker": "gw0", "test": "t/a.py::two@t/a.py", "group": "A", "start": 130.0,
              "end": 160.0, "cpu_s": 25.0, "machine_cpu": [60, 120]},
             {"event": "test", "worker": "gw0", "test": "t/b.py::one@t/b.py", "group": "B", "start": 160.0,
              "end": 170.0, "cpu_s": 5.0, "machine_cpu": [80, 140]},
             {"event": "test", "worker": "gw1", "test": "t/c.py::one@t/c.py", "group": "C", "start": 100.0,
              "end": 190.0, "cpu_s": 80.0, "machine_cpu": [120, 180]},
             {"event": "run-end", "worker": "main", "at": 195.0, "machine_cpu": [130, 190]}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_each_workers_groups_busy_time_and_idle_tail(tmp_path: Path) -> None:
    tests, marks = read_timeline(_run(tmp_path / "timeline.jsonl"))
    workers = workers_of(tests)
    assert [(s.group, s.start, s.end, s.tests, s.cpu_s) for s in workers["gw0"].segments] == [
        ("A", 100.0, 160.0, 2, 45.0), ("B", 160.0, 170.0, 1, 5.0)]
    assert (workers["gw0"].busy, workers["gw1"].busy) == (70.0, 90.0)
    end = max(w.last_end for w in workers.values())
    assert (end - workers["gw0"].last_end, end - workers["gw1"].last_end) == (20.0, 0.0)  # gw0 waits 20 s
    assert machine_use(tests, marks, 100.0, 60.0) == [(0.0, 0.5), (60.0, 1.0)]


def test_the_report_gives_each_groups_length(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report(_run(tmp_path / "timeline.jsonl"), 0.0, 2, 60.0) == {"A": 60.0, "B": 10.0, "C": 90.0}
    out = capsys.readouterr().out
    assert "4 tests, 3 groups, 2 workers; run 95.0 s wall" in out
    assert "gw0: 3 tests, busy 70.0 s, its own CPU 50.0 s, idle within 0.0 s, idle tail 20.0 s" in out
    assert "whole machine: its 2 cores 68 % busy" in out and "by 60 s: 50 100 (%)" in out


def test_the_recorder_starts_the_file_afresh_and_appends_a_line_a_test(tmp_path: Path) -> None:
    path = tmp_path / "artifacts" / "timeline.jsonl"
    recorder = Recorder("main", lambda item: "G", path)
    recorder.start_run()
    recorder.start_run()  # a second run: the first one's lines are gone
    recorder.end_run()
    events = [json.loads(line)["event"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert events == ["run-start", "run-end"]


def test_the_machines_counters_are_busy_within_total() -> None:
    counters = machine_cpu()
    if counters is None:
        pytest.skip("no /proc/stat on this system")
    busy, total = counters
    assert 0 <= busy <= total
