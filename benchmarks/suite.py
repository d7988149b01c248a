"""How long the test suite takes: `pytest` with the given arguments, in its own process, timed (wall, and the CPU
time of it and its workers), with the machine's load average before and after and pytest's own summary line.

    python -m benchmarks.suite --out benchmarks/results/DATE-tests-fast.json -- -n auto --dist loadgroup -m "not slow"

The whole suite is what `./run tests` runs (`-n auto --dist loadgroup`), the fast set the same with
`-m "not slow"` (README, "Development"). Targets (issue 32): the whole suite, as CI runs it, under 20 minutes on
a 2-core machine; the fast set under 2 minutes. On a loaded machine the wall time stretches and the CPU time
does not: both are recorded.
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

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("pytest_args", nargs="*", help="after --: pytest's arguments")
    args = parser.parse_args()
    load_before = os.getloadavg()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.pytest_args],
                          cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    result = {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                          "cpus": os.cpu_count(), "load_average_before": load_before,
                          "load_average_after": os.getloadavg()},
              "pytest_args": args.pytest_args, "returncode": done.returncode, "summary": lines[-1] if lines else "",
              "wall_s": round(wall, 1), "cpu_s": round(used.ru_utime + used.ru_stime, 1)}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
