"""The fuzz run of the CSV and workbook readers (tests/fuzz_readers.py), bounded in examples and in memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow
EXAMPLES = 500  # per fuzzer (40 for the workbook bombs), five fuzzers: about a minute
ONE_GB = 1 << 30


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ONE_GB, ONE_GB))


def test_the_readers_survive_fuzzing_within_one_gigabyte() -> None:
    result = subprocess.run([sys.executable, "-m", "tests.fuzz_readers", str(EXAMPLES)], capture_output=True,
                            text=True, cwd=REPO, timeout=900, preexec_fn=_cap_memory,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    assert result.stdout.count("no failure") == 5, result.stdout
