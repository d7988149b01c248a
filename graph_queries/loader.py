"""Load netmap's Cypher queries, one per `verb_object.cypher` file in this package, by name and cached.

Each file starts with a `// Parameters: $a, $b` header (or `// Parameters: none`); tests check that header
against the body and run Neo4j's own linter over every file. Queries are typed LiteralString: they are fixed
text shipped with the package, never built from data.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import LiteralString, cast

__all__ = ["declared_parameters", "load_query", "query_names"]

_HEADER = re.compile(r"^//\s*Parameters:\s*(.*)$", re.MULTILINE)


@cache
def load_query(name: str) -> LiteralString:
    """The text of graph_queries/`name`.cypher; KeyError naming the known queries when there is none."""
    path = resources.files(__package__).joinpath(f"{name}.cypher")
    if not path.is_file():
        raise KeyError(f"No query named {name!r}; known: {', '.join(query_names())}")
    return cast(LiteralString, path.read_text(encoding="utf-8"))


def query_names() -> list[str]:
    """Every query shipped in the package, sorted."""
    return sorted(p.name.removesuffix(".cypher") for p in resources.files(__package__).iterdir()
                  if p.name.endswith(".cypher"))


def declared_parameters(name: str) -> tuple[str, ...]:
    """The parameters a query's header declares, without the `$`."""
    match = _HEADER.search(load_query(name))
    if match is None:
        raise ValueError(f"{name}.cypher has no '// Parameters:' header")
    text = match.group(1).strip()
    return () if text == "none" else tuple(p.strip().lstrip("$") for p in text.split(","))
