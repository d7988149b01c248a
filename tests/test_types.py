"""mypy over netmap, webapp and graph_queries (strict on netmap.analysis and netmap.store; pyproject.toml says
how): the suite fails on any type error, so CI, which runs the suite, type-checks every change. mypy keeps its
incremental cache in test-artifacts/mypy-cache (out of the sources, not committed): a fresh checkout checks
everything (about 19 s), a rerun only what changed since (mypy compares each file's hash with the cache's)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed: pip install -e '.[dev]' (./run tests does)")
def test_mypy_finds_no_error() -> None:
    cache = REPO / "test-artifacts" / "mypy-cache"
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache)], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")
