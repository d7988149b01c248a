"""How long `netmap --version` and `netmap --help` take to start, next to importing pandas and NetworkX (what
they took 2.4-3.2 times as long as, issue 32) and a bare Python in the same run.

    python -m benchmarks.startup --out benchmarks/results/DATE-startup.json [--tree DIR]

Each command runs as its own process, `--runs` times; the best CPU time (user + system of the child: what the wall
time would be on an idle machine, near enough, since a loaded one stretches the wall time) and the best wall time
are kept. `--tree` measures another checkout (e.g. `git archive` of an earlier commit unpacked in a temporary
folder) with the same interpreter, for a before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
COMMANDS = {
    "python": "pass",
    "import pandas, networkx": "import pandas, networkx",
    "netmap --version": "from netmap.cli import main; main(['--version'], prog_name='netmap')",
    "netmap --help": "from netmap.cli import main; main(['--help'], prog_name='netmap')",
}


def _run_once(code: str, tree: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one child running `code` in `tree`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                   capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(tree: Path, runs: int) -> dict[str, Any]:
    """Best wall and CPU time of each command over `runs` runs, and each as a multiple of importing pandas and
    NetworkX."""
    best: dict[str, dict[str, float]] = {}
    for _ in range(runs):  # interleaved, so that a busy moment falls on every command alike
        for name, code in COMMANDS.items():
            wall, cpu = _run_once(code, tree)
            kept = best.setdefault(name, {"wall_s": wall, "cpu_s": cpu})
            kept["wall_s"], kept["cpu_s"] = min(kept["wall_s"], wall), min(kept["cpu_s"], cpu)
    reference = best["import pandas, networkx"]["cpu_s"]
    for name in ("netmap --version", "netmap --help"):
        best[name]["cpu_times_pandas_networkx"] = round(best[name]["cpu_s"] / reference, 2)
    return {name: {k: round(v, 3) for k, v in values.items()} for name, values in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tree", type=Path, default=REPO, help="the checkout to measure (default: this one)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    result = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                          "cpus": os.cpu_count(), "load_average": os.getloadavg()},
              "tree": str(args.tree), "runs": args.runs, "best": measure(args.tree.resolve(), args.runs)}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["best"], indent=2))


if __name__ == "__main__":
    main()
