"""Imports run down the layers only: the store never imports the survey or the analysis built on it, and the
library never imports the web app (read from the source, so an import inside a function counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# (package whose modules are checked, packages they must never import)
FORBIDDEN = [
    ("netmap/store", ("netmap.survey", "netmap.analysis", "webapp")),
    ("netmap", ("webapp",)),
]


def imported_modules(path: Path, root: Path) -> set[str]:
    """Every module `path` (below `root`) imports, absolute, wherever in the file the import stands."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def breaches(folder: str, forbidden: tuple[str, ...], root: Path = REPO) -> list[str]:
    """Each import of a module in `folder` (below `root`) that names one of `forbidden` or a module inside it."""
    return sorted(f"{path.relative_to(root).as_posix()} imports {name}"
                  for path in (root / folder).rglob("*.py")
                  for name in imported_modules(path, root)
                  if any(name == f or name.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize(("folder", "forbidden"), FORBIDDEN)
def test_no_import_runs_back_up(folder: str, forbidden: tuple[str, ...]) -> None:
    assert breaches(folder, forbidden) == []


def test_the_check_sees_imports_anywhere_in_a_file(tmp_path: Path) -> None:
    (tmp_path / "netmap" / "store").mkdir(parents=True)
    source = "def f():\n    from ..survey import links\n    import webapp.views\n    from . import base\n"
    (tmp_path / "netmap" / "store" / "probe.py").write_text(source, encoding="utf-8")
    assert breaches("netmap/store", ("netmap.survey", "webapp"), root=tmp_path) == [
        "netmap/store/probe.py imports netmap.survey",
        "netmap/store/probe.py imports netmap.survey.links",
        "netmap/store/probe.py imports webapp.views",
    ]
