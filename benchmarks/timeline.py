"""The test suite's critical path, from the timeline the last run left (tests/timeline.py writes
test-artifacts/timeline.jsonl): each worker's busy time and idle tail, the groups it ran in order with their
lengths, the slowest tests, and how busy the whole machine's cores were across the run (/proc/stat).

    python -m benchmarks.timeline                       # after ./run tests (or any pytest run)
    python -m benchmarks.timeline --min-group 5         # list only groups of 5 s or more, in each worker's order
    python -m benchmarks.timeline --group-lengths tests/data/group_lengths.json  # for heaviest_groups_first

On a shared machine the wall times stretch; the order and the relative sizes still show what to fix: a worker
idle at the end while the other runs a long group taken late, or a group longer than half the run.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

TIMELINE = Path(__file__).resolve().parent.parent / "test-artifacts" / "timeline.jsonl"  # tests/timeline.py's


@dataclass
class Segment:
    """A run of one group's tests, back to back in one worker."""

    group: str
    start: float
    end: float
    tests: int = 0
    cpu_s: float = 0.0


@dataclass
class Worker:
    name: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def busy(self) -> float:
        return sum(s.end - s.start for s in self.segments)

    @property
    def last_end(self) -> float:
        return max(s.end for s in self.segments)


def read_timeline(path: Path) -> tuple[list[dict], dict[str, dict]]:
    """The test records, in order of their start, and the run's start and end records."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tests = sorted((r for r in records if r["event"] == "test"), key=lambda r: r["start"])
    marks = {r["event"]: r for r in records if r["event"] in ("run-start", "run-end")}
    return tests, marks


def workers_of(tests: list[dict]) -> dict[str, Worker]:
    """Each worker's tests gathered into segments of consecutive tests of one group."""
    workers: dict[str, Worker] = {}
    for test in tests:
        worker = workers.setdefault(test["worker"], Worker(test["worker"]))
        last = worker.segments[-1] if worker.segments else None
        if last is None or last.group != test["group"]:
            last = Segment(test["group"], test["start"], test["end"])
            worker.segments.append(last)
        last.end, last.tests, last.cpu_s = test["end"], last.tests + 1, last.cpu_s + test["cpu_s"]
    return workers


def machine_use(tests: list[dict], marks: dict[str, dict], start: float, step: float) -> list[tuple[float, float]]:
    """The machine's busy share of all its cores (0 to 1) in each `step` seconds of the run, from the /proc/stat
    counters noted at the run's start, at each test's end and at the run's end."""
    samples = [(r.get("at") or r["end"], r["machine_cpu"]) for r in
               [marks.get("run-start", {}), *tests, marks.get("run-end", {})] if r.get("machine_cpu")]
    samples.sort(key=lambda sample: sample[0])
    slices: list[tuple[float, float]] = []
    edge, previous = start + step, samples[0] if samples else None
    for at, counters in samples[1:]:
        if previous is not None and at >= edge:
            busy, total = counters[0] - previous[1][0], counters[1] - previous[1][1]
            slices.append((previous[0] - start, busy / total if total else 0.0))
            previous, edge = (at, counters), at + step
    if previous is not None and samples and samples[-1][0] > previous[0]:  # the last, shorter slice
        busy, total = samples[-1][1][0] - previous[1][0], samples[-1][1][1] - previous[1][1]
        slices.append((previous[0] - start, busy / total if total else 0.0))
    return slices


def report(path: Path, min_group: float, slowest: int, step: float) -> dict[str, float]:
    """Print the run's critical path; return each group's length (s), summed over its segments."""
    tests, marks = read_timeline(path)
    if not tests:
        raise SystemExit(f"{path} holds no test: run the suite first")
    workers = workers_of(tests)
    start = marks.get("run-start", {}).get("at", tests[0]["start"])
    end = max(worker.last_end for worker in workers.values())
    wall = marks.get("run-end", {}).get("at", end) - start
    groups: dict[str, float] = {}
    for worker in workers.values():
        for segment in worker.segments:
            groups[segment.group] = groups.get(segment.group, 0.0) + segment.end - segment.start
    busy = sum(worker.busy for worker in workers.values())
    print(f"{len(tests)} tests, {len(groups)} groups, {len(workers)} workers; run {wall:.1f} s wall "
          f"(start-up to the first test {tests[0]['start'] - start:.1f} s, the last test's end to the run's end "
          f"{wall - (end - start):.1f} s)")
    print(f"busy {busy:.1f} s in all: {busy / len(workers):.1f} s a worker if shared evenly; the longest group "
          f"{max(groups.values()):.1f} s ({max(groups, key=lambda g: groups[g])})")
    for worker in sorted(workers.values(), key=lambda w: w.name):
        within = worker.last_end - worker.segments[0].start - worker.busy
        print(f"\n{worker.name}: {sum(s.tests for s in worker.segments)} tests, busy {worker.busy:.1f} s, "
              f"its own CPU {sum(s.cpu_s for s in worker.segments):.1f} s, idle within {within:.1f} s, "
              f"idle tail {end - worker.last_end:.1f} s")
        short, short_s = 0, 0.0
        for segment in worker.segments:
            length = segment.end - segment.start
            if length < min_group:
                short, short_s = short + 1, short_s + length
                continue
            if short:
                print(f"  {'':>8}  {short_s:7.1f} s  ({short} shorter groups)")
                short, short_s = 0, 0.0
            print(f"  +{segment.start - start:7.1f}  {length:7.1f} s  {segment.group} ({segment.tests} tests, "
                  f"worker CPU {segment.cpu_s:.1f} s)")
        if short:
            print(f"  {'':>8}  {short_s:7.1f} s  ({short} shorter groups)")
    print(f"\nslowest {slowest} tests (setup to teardown):")
    for test in sorted(tests, key=lambda t: t["start"] - t["end"])[:slowest]:
        print(f"  {test['end'] - test['start']:7.1f} s  {test['worker']}  {test['test'].split('@')[0]}")
    slices = machine_use(tests, marks, start, step)
    first, last = marks.get("run-start", {}).get("machine_cpu"), marks.get("run-end", {}).get("machine_cpu")
    if first and last and last[1] > first[1]:
        cpus = marks["run-start"].get("cpus") or 1
        print(f"\nwhole machine: its {cpus} cores {100 * (last[0] - first[0]) / (last[1] - first[1]):.0f} % busy "
              f"across the run (every process: the tests, their servers and browsers, and anything else running)")
    if slices:
        print(f"  by {step:.0f} s: " + " ".join(f"{100 * share:.0f}" for _, share in slices) + " (%)")
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("timeline", type=Path, nargs="?", default=TIMELINE)
    parser.add_argument("--min-group", type=float, default=3.0, help="list groups at least this long (s)")
    parser.add_argument("--slowest", type=int, default=15)
    parser.add_argument("--step", type=float, default=60.0, help="the machine's use in slices of this length (s)")
    parser.add_argument("--group-lengths", type=Path,
                        help="write each group's length (s) here, as JSON (tests/conftest.py orders the groups by it)")
    parser.add_argument("--source", default="", help="with --group-lengths: the run's date, commit and machine")
    args = parser.parse_args()
    groups = report(args.timeline, args.min_group, args.slowest, args.step)
    if args.group_lengths:
        source = f"benchmarks/timeline.py from {args.timeline.name} (run of {len(groups)} groups, {args.source})"
        kept = {"source": source, "lengths": {group: round(seconds, 1) for group, seconds in sorted(groups.items())}}
        args.group_lengths.write_text(json.dumps(kept, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
