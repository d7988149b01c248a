"""The Cypher files: loaded by name, parameters declared, shipped inside the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graph_queries import declared_parameters, load_query, query_names
from netmap.imports.mapping import builtin_names
from tests.conftest import REPO


@pytest.mark.parametrize("name", query_names())
def test_header_declares_exactly_the_parameters_used(name: str) -> None:
    text = load_query(name)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    assert set(declared_parameters(name)) == set(re.findall(r"\$(\w+)", body))
    assert re.fullmatch(r"[a-z]+_[a-z_]+", name), "files are named verb_object.cypher"


def test_queries_are_cached_and_unknown_names_fail_clearly() -> None:
    assert load_query("list_snapshots") is load_query("list_snapshots")
    with pytest.raises(KeyError, match="No query named 'list_snapshot'; known: begin_snapshot"):
        load_query("list_snapshot")


def test_no_query_is_built_from_strings_in_code() -> None:
    """Every query the Neo4j adapter sends comes from load_query (the driver double refuses anything else);
    here we also check no Cypher keyword appears in a Python string of the adapter."""
    source = (REPO / "netmap" / "store" / "neo4j.py").read_text(encoding="utf-8")
    assert not re.search(r"[\"'](MATCH|MERGE|CREATE|UNWIND|RETURN)\b", source)


@pytest.mark.slow
def test_the_built_wheel_contains_every_query(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("netmap-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"graph_queries/{q}.cypher" for q in query_names()} <= names
    assert "graph_queries/__init__.py" in names
    assert {f"netmap/imports/mappings/{m}.toml" for m in builtin_names()} <= names  # the built-in staff mappings
