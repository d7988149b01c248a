"""Validate input in a child process with a memory and a time limit: what the web app does with an upload.

The reader's own limits (netmap.ingest.limits) refuse every hostile file we know of in seconds; this is the
backstop for the ones we do not, so that one admin's upload can never take the shared server down with it.
The child is `python -m netmap.ingest.sandbox`; on Linux and macOS its address space is capped with
RLIMIT_AS (Windows has no such limit: there only the time limit holds).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from netmap.dataset import Dataset
from netmap.errors import IngestError
from netmap.ingest.report import ValidationReport

__all__ = ["validate_with_limits"]

_OUT_OF_MEMORY = 3  # the child's exit status when its memory limit stopped it


def validate_with_limits(source: Path, *, memory_mb: int, seconds: float) -> tuple[Dataset | None, ValidationReport]:
    """`validate_source(source)` run in a child allowed `memory_mb` of memory and `seconds` of time; IngestError
    naming the limit when it needs more."""
    with tempfile.TemporaryDirectory(prefix="netmap-validate-") as work:
        answer = Path(work) / "answer.pickle"
        child = subprocess.Popen([sys.executable, "-m", "netmap.ingest.sandbox", str(source), str(answer),
                                  str(memory_mb)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        try:
            _, stderr = child.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise IngestError(f"Checking {source.name} took longer than the {seconds:g} s allowed, and was stopped. "
                              "Check these are the right files; a larger trust loads with `netmap load` on the "
                              "server (NETMAP_UPLOAD_SECONDS raises the limit).", file=source.name) from None
        if child.returncode == _OUT_OF_MEMORY:
            raise IngestError(f"Checking {source.name} needed more than the {memory_mb:,} MB of memory allowed, and "
                              "was stopped. Check these are the right files; a larger trust loads with "
                              "`netmap load` on the server (NETMAP_UPLOAD_MEMORY_MB raises the limit).",
                              file=source.name)
        if child.returncode != 0:
            last = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            raise IngestError(f"Checking {source.name} failed unexpectedly ({last[0]}).", file=source.name)
        kind, *payload = pickle.loads(answer.read_bytes())  # noqa: S301 - written by our own child just now
    if kind == "error":
        message, file, row, column = payload
        raise IngestError(message, file=file, row=row, column=column)
    dataset, report = payload
    return dataset, report


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows
        return
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(source: Path, answer: Path, memory_mb: int) -> int:
    _limit_memory(memory_mb)
    try:
        from netmap.ingest.validate import validate_source  # imported under the limit: it counts too

        try:
            dataset, report = validate_source(source)
            result: tuple[object, ...] = ("ok", dataset, report)
        except IngestError as exc:
            result = ("error", str(exc), exc.file, exc.row, exc.column)
        answer.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        return _OUT_OF_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])))
