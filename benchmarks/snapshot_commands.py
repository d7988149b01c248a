"""The planner's commands (`recommend`, `introduce`, `risk`) on the sample trust, reading the analysis kept with the
snapshot (netmap.snapshot.Snapshot) against analysing it afresh as they did before.

python -m benchmarks.snapshot_commands [--reference CHECKOUT] [--out RESULT.json]

In process: the planner set up over the kept analysis (`Snapshot.open(store).planner`) next to the old way
(`read_graphs` then `analyse`), and the analysis alone (read back against computed). As commands, each in its own
process, best of three wall and CPU seconds: this checkout's netmap and, with --reference, an older checkout's
(e.g. main before the Snapshot) taking turns with it, whose output must be the same, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
REPEATS = 3


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def _in_process(db: Path, school: str) -> dict[str, Any]:
    """Planner set-up and the analysis alone, over the kept analysis and afresh (best of REPEATS each)."""
    from netmap.analysis import analyse
    from netmap.analysis.planner import Planner
    from netmap.graphs import read_graphs
    from netmap.snapshot import Snapshot
    from netmap.store import SQLiteStore

    with SQLiteStore(db) as store:
        graphs = read_graphs(store)
        fresh = min(_timed(lambda: analyse(graphs))[1] for _ in range(REPEATS))
        kept = min(_timed(lambda: Snapshot.open(store).kept_analysis())[1] for _ in range(REPEATS))
        before = min(_timed(lambda: Planner(read_graphs(store), analyse(read_graphs(store))))[1]
                     for _ in range(REPEATS))
        after = min(_timed(lambda: Snapshot.open(store).planner)[1] for _ in range(REPEATS))
        ranked = len(Snapshot.open(store).planner.recommend(school))
    return {"analysis_computed_s": fresh, "analysis_kept_read_s": kept, "planner_setup_before_s": before,
            "planner_setup_after_s": after, "candidates_for_school": ranked}


def _command(tree: Path, db: Path, home: Path, args: list[str]) -> tuple[str, float, float]:
    """`netmap ARGS` from the checkout `tree`, once, in its own process: its output, wall time and CPU time (user
    and system: far less disturbed than wall time by other work on a busy machine)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "NETMAP_DB": str(db), "HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from netmap.cli import main; main()", *args], env=env,
                          capture_output=True, text=True, check=True, cwd=home)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return done.stdout, wall, cpu


def _commands(trees: dict[str, Path], db: Path, home: Path, args: list[str]) -> dict[str, Any]:
    """Each checkout's command REPEATS times, the checkouts taking turns (so a change in the machine's load
    falls on both): best wall and CPU seconds of each, and whether every output was the same."""
    outputs: set[str] = set()
    best: dict[str, list[float]] = {name: [float("inf"), float("inf")] for name in trees}
    for _ in range(REPEATS):
        for name, tree in trees.items():
            output, wall, cpu = _command(tree, db, home, args)
            outputs.add(output)
            best[name] = [min(best[name][0], wall), min(best[name][1], cpu)]
    row: dict[str, Any] = {"args": args}
    for name, (wall, cpu) in best.items():
        prefix = "" if name == "this" else f"{name}_"
        row.update({f"{prefix}seconds": wall, f"{prefix}cpu_seconds": cpu})
    if len(trees) > 1:
        row["same_output"] = len(outputs) == 1
    return row


def run(reference: Path | None) -> dict[str, Any]:
    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import REFERENCE_DATE, SAMPLE_TRUST, generate_sample
    from netmap.snapshot import Snapshot
    from netmap.store import SQLiteStore

    with tempfile.TemporaryDirectory(prefix="netmap-bench-") as tmp:
        work = Path(tmp)
        trust = generate_sample(work / "trust", **SAMPLE_TRUST)
        db = work / "sample.db"
        with SQLiteStore(db, create=True) as store:
            info = store.write_snapshot(read_trust(work / "trust")[0], REFERENCE_DATE.isoformat(),
                                        source="benchmark").snapshot
            Snapshot(info, store).analyse()  # kept, as `netmap load` keeps it
        school = trust.isolated_schools[0] if trust.isolated_schools else "SCH01"
        person = read_trust(work / "trust")[0].staff["staff_id"].iloc[0]
        commands = {"recommend": ["recommend"], "recommend --school": ["recommend", "--school", school],
                    "introduce": ["introduce", "--staff", person], "risk": ["risk"]}
        results: dict[str, Any] = {"trust": SAMPLE_TRUST, "as_of": REFERENCE_DATE.isoformat(),
                                   "in_process": _in_process(db, school), "commands": {}}
        trees = {"this": REPO, **({"reference": reference} if reference is not None else {})}
        for name, args in commands.items():
            results["commands"][name] = _commands(trees, db, work, args)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=None,
                        help="An older checkout whose commands to time alongside (and whose output must match).")
    parser.add_argument("--out", type=Path, default=None, help="Results file (default benchmarks/results/).")
    args = parser.parse_args()
    results = run(args.reference)
    results["date"] = time.strftime("%Y-%m-%d", time.gmtime())
    results["machine"] = {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                          "load_average": os.getloadavg()}
    out = args.out or RESULTS / f"{results['date']}-sample-snapshot-commands.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
