"""The fuzz run of the CSV and workbook readers (tests/fuzz_readers.py), bounded in examples and in memory."""

from __future__ import annotations

import pytest

from benchmarks.hostile_input import fuzz_readers

pytestmark = pytest.mark.slow
# Hypothesis's own default a fuzzer (15 for the workbook bombs), derandomised: the same inputs every run, about 20 s;
# the full run (500 a fuzzer) is benchmarks/hostile_input.py's.
EXAMPLES = 100


def test_the_readers_survive_fuzzing_within_one_gigabyte() -> None:
    result = fuzz_readers(EXAMPLES)
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    assert result.stdout.count("no failure") == 5, result.stdout
