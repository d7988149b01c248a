"""A real Neo4j Community server for the tests and benchmarks: tools/neo4j-launcher (the embedded database with its Bolt
connector, from Maven Central) started on a free loopback port for the test session, or the server named by
NETMAP_TEST_NEO4J_URI. Tests that need it are skipped, with the reason, where neither is available."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LAUNCHER = Path(__file__).parent.parent / "tools" / "neo4j-launcher"
CLASSES = LAUNCHER / "target" / "classes" / "netmap" / "Neo4jLauncher.class"
START_TIMEOUT_S = 300


def unavailable() -> str | None:
    """Why no Neo4j can be had here, or None."""
    if os.environ.get("NETMAP_TEST_NEO4J_URI"):
        return None
    if shutil.which("java") is None:
        return "no Neo4j: java is not installed and NETMAP_TEST_NEO4J_URI is not set"
    if not CLASSES.exists():
        return ("no Neo4j: build the launcher with `mvn -q -f tools/neo4j-launcher/pom.xml package` (.ci/run does) "
                "or set NETMAP_TEST_NEO4J_URI")
    return None


@contextmanager
def neo4j_server(data: Path | None = None) -> Iterator[str]:
    """The bolt:// URI of a running server, stopped cleanly afterwards and its data deleted, unless `data` names
    the folder to keep it in (a server of its own, started even where NETMAP_TEST_NEO4J_URI names one)."""
    if os.environ.get("NETMAP_TEST_NEO4J_URI") and data is None:
        yield os.environ["NETMAP_TEST_NEO4J_URI"]
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    keep = data is not None
    data = data or Path(tempfile.mkdtemp(prefix="netmap-neo4j-"))
    data.mkdir(parents=True, exist_ok=True)
    classpath = f"{LAUNCHER / 'target' / 'classes'}{os.pathsep}{LAUNCHER / 'target' / 'dependency' / '*'}"
    log = (data / "launcher.log").open("w")
    process = subprocess.Popen(["java", "-Xmx1g", "-cp", classpath, "netmap.Neo4jLauncher", str(port),
                                str(data / "db")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                               text=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("READY") or time.monotonic() > deadline:
            raise RuntimeError(f"Neo4j did not start: {(data / 'launcher.log').read_text()[-2000:]}")
        yield f"bolt://127.0.0.1:{port}"
    finally:
        if process.stdin:
            process.stdin.close()  # the launcher shuts Neo4j down when its input closes
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
        log.close()
        if not keep:
            shutil.rmtree(data, ignore_errors=True)
