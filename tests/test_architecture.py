"""The import arrows of docs/architecture.md: each layer imports only the layers below it. Every module's imports
are read with ast (those made only for type checking too, and those inside functions), so a test fails the moment
an arrow runs the wrong way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the command modules: netmap.cli, its shared options, and one *_cli module per family of commands
COMMANDS = tuple(sorted(f"netmap.{path.stem}" for path in (ROOT / "netmap").glob("*.py")
                        if path.stem in ("cli", "cli_common") or path.stem.endswith("_cli")))
WEB = ("webapp", "flask", "werkzeug", "pyvis", "flask_wtf")

# (modules the rule is about, modules they must not import, why): docs/architecture.md draws the same arrows
RULES = [
    (("netmap",), WEB, "the library runs without the web: commands, scripts and tests import it alone"),
    (("graph_queries",), ("netmap", "webapp"), "the Cypher files and their loader stand alone (a store reads them)"),
    (("netmap.contract",), ("netmap",), "the data contract is the bottom layer: it imports nothing of netmap"),
    (("netmap.ingest",), ("netmap.store", "netmap.analysis", "netmap.layout", "netmap.survey", *COMMANDS),
     "reading files produces a dataset; where it is kept and what is computed from it come later"),
    (("netmap.store",), ("netmap.analysis", "netmap.layout", "netmap.ingest", "netmap.survey", "netmap.kept_analysis",
                         *COMMANDS),
     "a store keeps snapshots and kept results, whatever computed them"),
    (("netmap.analysis",), ("netmap.store", "netmap.ingest", "netmap.survey", "netmap.layout", "netmap.kept_analysis",
                            "netmap.config", *COMMANDS),
     "measures are pure functions of a snapshot's graphs: no storage, no settings, no drawing"),
    (("netmap.layout",), ("netmap.store", "netmap.ingest", "netmap.survey", "netmap.kept_analysis", *COMMANDS),
     "layout places what a snapshot holds, as plain data: no storage, no framework, no drawing library"),
]


def _modules(package: str) -> list[tuple[str, Path]]:
    """Each module of `package` (a folder at the repository's root) by its dotted name."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` (below `root`) imports, by absolute name: a relative import resolved against the
    module's package (``from ..survey import links`` in netmap/store counts as netmap.survey and netmap.survey.links),
    wherever in the file the import stands."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            if node.level:
                names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


MODULES = [m for package in ("netmap", "webapp", "graph_queries") for m in _modules(package)]


@pytest.mark.parametrize(("subjects", "forbidden", "why"), RULES, ids=[r[0][0] for r in RULES])
def test_no_arrow_runs_the_wrong_way(subjects: tuple[str, ...], forbidden: tuple[str, ...], why: str) -> None:
    wrong = sorted(f"{module} imports {name}" for module, path in MODULES if _within(module, subjects)
                   for name in imports_of(path) if _within(name, forbidden) and not _within(name, subjects))
    assert wrong == [], f"{why}: {wrong}"


def test_only_commands_import_commands() -> None:
    """The library never imports its command line (the web's own commands may reuse its helpers)."""
    wrong = sorted(f"{module} imports {name}" for module, path in MODULES
                   if _within(module, ("netmap",)) and not _within(module, COMMANDS)
                   for name in imports_of(path) if _within(name, COMMANDS))
    assert wrong == []


def test_the_rules_see_every_layer() -> None:
    """The walk finds the modules it judges (a renamed folder would otherwise pass every rule vacuously)."""
    names = {m for m, _ in MODULES}
    for subjects, _forbidden, _why in RULES:
        assert any(_within(m, subjects) for m in names), subjects
    assert "netmap.layout.schools" in names and "webapp.graphview" in names
    assert "netmap.layout" in imports_of(ROOT / "webapp" / "graphview.py")  # the web draws what layout places


def test_a_wrong_arrow_is_found(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from webapp.data import TrustView\n"
                      "def f():\n    import pyvis.network\n", encoding="utf-8")
    assert imports_of(module, root=tmp_path) == {"typing", "webapp.data", "pyvis.network"}


def test_a_relative_import_is_resolved(tmp_path: Path) -> None:
    (tmp_path / "netmap" / "store").mkdir(parents=True)
    probe = tmp_path / "netmap" / "store" / "probe.py"
    probe.write_text("def f():\n    from ..survey import links\n    from . import base\n", encoding="utf-8")
    assert imports_of(probe, root=tmp_path) == {"netmap.survey", "netmap.survey.links", "netmap.store",
                                                "netmap.store.base"}
