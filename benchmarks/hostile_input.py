"""What refusing each hostile file of the attack run costs (wall time and peak memory), from the CLI
(`netmap validate`) and from the upload page's path (validation in a child with limits), and how long a login
takes for a known and an unknown user name (they should match: no user enumeration); and the readers' full fuzz run
(tests/fuzz_readers.py, 500 examples a fuzzer within 1 GB; the test suite runs a smaller one, tests/test_fuzz.py).

    python -m benchmarks.hostile_input --out benchmarks/results/DATE-hostile-input.json

The files are generated (tests/hostile_files.py), never committed. Targets (issue 26): each refused in under
10 s and under 300 MB of peak memory, from the CLI and from the upload page's path; `within_targets` says whether
it was (time: the wall time, or the CPU time when the machine was loaded: its load average is recorded too).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10
TARGET_MB = 300
FUZZ_EXAMPLES = 500  # a fuzzer (the workbook bombs: tests.fuzz_readers.BOMB_EXAMPLES)
ONE_GB = 1 << 30
# Runs one command as a child and reports its wall time, its CPU time (what the wall time would be on an idle
# machine, near enough: a loaded one makes the wall time longer) and peak memory (ru_maxrss of the child, in KB).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - start, "returncode": done.returncode,
                  "cpu_seconds": used.ru_utime + used.ru_stime, "peak_mb": used.ru_maxrss / 1024,
                  "said": (done.stdout + done.stderr).strip()[-1500:]}))
"""
_SANDBOX = """
import sys
from pathlib import Path
from netmap.errors import IngestError
from netmap.ingest.sandbox import validate_with_limits
try:
    dataset, report = validate_with_limits(Path(sys.argv[1]), memory_mb=2048, seconds=120)
    print("; ".join(p.message for p in report.errors)[:300])
except IngestError as exc:
    print(str(exc)[:300])
"""


def _measured(command: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True,
                         cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    return dict(json.loads(out.stdout))


def hostile_files(work: Path) -> list[dict[str, Any]]:
    from tests.conftest import TINY
    from tests.hostile_files import HOSTILE

    rows = []
    for name, (make, expected) in HOSTILE.items():
        source = make(TINY, work)
        size = sum(f.stat().st_size for f in ([source] if source.is_file() else source.iterdir()))
        cli = _measured([sys.executable, "-c", "from netmap.cli import main; main()", "validate", str(source)])
        upload = _measured([sys.executable, "-c", _SANDBOX, str(source)])
        within = all(min(run["seconds"], run["cpu_seconds"]) < TARGET_SECONDS and run["peak_mb"] < TARGET_MB
                     for run in (cli, upload))
        rows.append({"file": name, "size_mb": size / 2**20, "cli": cli, "upload": upload,
                     "refused_clearly": expected in cli["said"] and expected in upload["said"],
                     "within_targets": within, "load_average": os.getloadavg()[0]})
        print(f"{name:30} {size / 2**20:6.2f} MB  CLI {cli['seconds']:5.1f} s ({cli['cpu_seconds']:4.1f} s CPU) "
              f"{cli['peak_mb']:4.0f} MB   upload {upload['seconds']:5.1f} s ({upload['cpu_seconds']:4.1f} s CPU) "
              f"{upload['peak_mb']:4.0f} MB  "
              f"{'ok' if within and rows[-1]['refused_clearly'] else 'MISSED'}  (load {os.getloadavg()[0]:.1f})",
              flush=True)
    return rows


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ONE_GB, ONE_GB))


def fuzz_readers(examples: int) -> subprocess.CompletedProcess[str]:
    """The five fuzzers of tests/fuzz_readers.py at `examples` each (Hypothesis derandomised: the same inputs every
    run), in a child capped at 1 GB of memory, so that unbounded memory fails the run too."""
    return subprocess.run([sys.executable, "-m", "tests.fuzz_readers", str(examples)], capture_output=True,
                          text=True, cwd=REPO, timeout=900, preexec_fn=_cap_memory,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def fuzz_run(examples: int = FUZZ_EXAMPLES) -> dict[str, Any]:
    """The full fuzz run, timed: wall and CPU seconds, and whether every fuzzer ended without a failure."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = fuzz_readers(examples)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"examples": examples, "seconds": time.perf_counter() - start,
            "cpu_seconds": used.ru_utime + used.ru_stime - before.ru_utime - before.ru_stime,
            "no_failure": done.returncode == 0 and done.stdout.count("no failure") == 5,
            "said": (done.stdout + done.stderr[-1500:]).strip(), "load_average": os.getloadavg()[0]}


def login_times(attempts: int = 15) -> dict[str, float]:
    """Median seconds of a wrong-password login for an existing and for an unknown user name."""
    from webapp.accounts import Accounts

    with tempfile.TemporaryDirectory() as folder, Accounts(Path(folder) / "users.db") as accounts:
        accounts.users.add("head-of-hr", "hr", "a long enough password")
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for n in range(attempts):
            for kind, name in (("known", "head-of-hr"), ("unknown", f"nobody-{n}")):
                start = time.perf_counter()
                accounts.users.authenticate(name, "a wrong guess", f"10.0.{n}.{len(kind)}")
                times[kind].append(time.perf_counter() - start)
    return {f"{kind}_name_ms": 1000 * statistics.median(values) for kind, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--fuzz-only", action="store_true", help="only the full fuzz run")
    args = parser.parse_args()
    result: dict[str, Any] = {"date": time.strftime("%Y-%m-%d")}
    if not args.fuzz_only:
        with tempfile.TemporaryDirectory(prefix="netmap-hostile-") as work:
            result |= {"files": hostile_files(Path(work)), "login": login_times()}
        print(json.dumps(result["login"]))
    result["fuzz"] = fuzz_run()
    print(json.dumps(result["fuzz"]))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
