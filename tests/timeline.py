"""The suite's timeline: where (which worker) and when each test ran, one JSON line a test in
test-artifacts/timeline.jsonl, with the machine's CPU counters (/proc/stat), so that benchmarks/timeline.py can
show each worker's busy time, its idle tail, the groups it ran in order, and how busy the whole machine was.

Always on and cheap (one short line and one read of /proc/stat a test: well under a millisecond); the file is
started afresh by each run's first process (the controller under pytest-xdist), so it holds the last run only (two
runs at once in one checkout mix their lines: run one at a time to read it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

TIMELINE = Path(__file__).resolve().parent.parent / "test-artifacts" / "timeline.jsonl"
PROC_STAT = Path("/proc/stat")


def machine_cpu() -> list[int] | None:
    """The whole machine's CPU time so far, in clock ticks: [busy, total] summed over every core (/proc/stat's
    first line; idle and iowait are not busy), or None where there is no /proc/stat."""
    try:
        with PROC_STAT.open(encoding="ascii") as handle:
            fields = [int(value) for value in handle.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    total = sum(fields[:8])  # guest times are already counted in user and nice
    return [total - idle, total]


def own_cpu() -> float:
    """This process's CPU time so far (user + system, s), its reaped children's included."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class Recorder:
    """A pytest plugin appending a line to TIMELINE for each test run in this process (a worker, or the only
    process without pytest-xdist), and one for the run's start and end (where the run was started)."""

    def __init__(self, worker: str, group_of: Callable[[pytest.Item], str], path: Path = TIMELINE) -> None:
        self.worker, self.group_of, self.path = worker, group_of, path

    def write(self, record: dict[str, object]) -> None:
        # One write of a line shorter than a page, in append mode: the workers' lines do not interleave.
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")

    def start_run(self) -> None:
        """Start the file afresh and note when the run started (in the process that started it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("", encoding="utf-8")
        self.write({"event": "run-start", "worker": self.worker, "at": time.time(), "machine_cpu": machine_cpu(),
                    "cpus": os.cpu_count()})

    def end_run(self) -> None:
        self.write({"event": "run-end", "worker": self.worker, "at": time.time(), "machine_cpu": machine_cpu()})

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, None, None]:
        """Time one test from its setup to its teardown (a module's or a worker's shared fixtures are set up in
        its first test and torn down in its last: a server's start and stop count there, as on the critical
        path; the CPU of a server process counts where it is reaped, at its stop)."""
        start, cpu = time.time(), own_cpu()
        yield
        self.write({"event": "test", "worker": self.worker, "test": item.nodeid, "group": self.group_of(item),
                    "start": start, "end": time.time(), "cpu_s": round(own_cpu() - cpu, 3),
                    "machine_cpu": machine_cpu()})


def register(config: pytest.Config, group_of: Callable[[pytest.Item], str]) -> None:
    """Record this process's tests in the timeline; the process that started the run (not a worker) starts the
    file and notes the run's start and end. A run that only collects leaves the last run's timeline alone."""
    if config.option.collectonly:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    recorder = Recorder(worker, group_of)
    config.pluginmanager.register(recorder, "netmap-timeline")
    if not hasattr(config, "workerinput"):
        recorder.start_run()
        config.add_cleanup(recorder.end_run)
