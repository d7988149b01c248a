"""Every .cypher file passes Neo4j's own linter, told the graph model and each query's declared parameters."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from graph_queries import declared_parameters, load_query, query_names
from netmap.store.graph_model import LABELS, PROPERTY_KEYS, RELATIONSHIP_TYPES
from tests.conftest import REPO

LINTER = REPO / "tools" / "cypher-lint"
pytestmark = pytest.mark.slow  # Neo4j's linter in Node.js: seconds a run (test_graph_queries.py checks parameters)


def _linter_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (LINTER / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        return "run `npm ci` in tools/cypher-lint (.ci/run does)"
    return None


@pytest.fixture(scope="module", autouse=True)
def _linter() -> None:
    reason = _linter_missing()
    if reason and os.environ.get("CI"):
        pytest.fail(f"Neo4j's Cypher linter must run in CI: {reason}")
    if reason:
        pytest.skip(f"Neo4j's Cypher linter is not available: {reason}")


def lint(queries: list[tuple[str, str, tuple[str, ...]]]) -> dict[str, list[dict]]:
    payload = {"schema": {"labels": list(LABELS), "relationshipTypes": list(RELATIONSHIP_TYPES),
                          "propertyKeys": list(PROPERTY_KEYS)},
               "queries": [{"name": n, "text": t, "parameters": list(p)} for n, t, p in queries]}
    done = subprocess.run(["node", "lint.mjs"], input=json.dumps(payload), capture_output=True, text=True,
                          cwd=LINTER, check=True, timeout=120)
    return {r["name"]: r["diagnostics"] for r in json.loads(done.stdout)}


GOOD = "MATCH (p:Staff {snapshot_id: $snapshot_id})-[:WORKS_AT]->(s:School) RETURN p.name, s.school_id"
BROKEN = [
    (GOOD.replace(":Staff", ":Staf"), "Label Staf is not present"),
    (GOOD.replace("WORKS_AT", "WORK_AT"), "Relationship type WORK_AT is not present"),
    (GOOD.replace("p.name", "p.nmae"), "nmae is not present"),
    (GOOD.replace("$snapshot_id", "$snapshotid"), "Parameter $snapshotid is not defined"),
    (GOOD.replace("RETURN", "RETRUN"), "Invalid input"),
]


@pytest.fixture(scope="module")
def linted() -> dict[str, list[dict]]:
    """Every query of graph_queries/ (by its name), the good example ("good") and each broken one ("broken-K"),
    linted in one run of Node.js: starting it and loading the linter is most of a run's cost, and each query is
    linted on its own (lint.mjs), so sharing the run changes no query's diagnostics."""
    queries = [(n, load_query(n), declared_parameters(n)) for n in query_names()]
    assert not {"good", *(f"broken-{k}" for k in range(len(BROKEN)))} & {n for n, _, _ in queries}
    examples = [("good", GOOD, ("snapshot_id",))]
    examples += [(f"broken-{k}", broken, ("snapshot_id",)) for k, (broken, _) in enumerate(BROKEN)]
    return lint(queries + examples)


def test_every_query_passes_neo4j_linter(linted: dict[str, list[dict]]) -> None:
    names = query_names()
    assert len(names) >= 20
    assert {n: linted[n] for n in names if linted[n]} == {}


@pytest.mark.parametrize(("k", "message"), [(k, message) for k, (_, message) in enumerate(BROKEN)])
def test_a_broken_query_is_caught(linted: dict[str, list[dict]], k: int, message: str) -> None:
    assert linted["good"] == []
    assert any(message in d["message"] for d in linted[f"broken-{k}"]), linted[f"broken-{k}"]
