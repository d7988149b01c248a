"""A map's JSON in the compact form the page asks for (map.js `unpacked` turns it back): nodes, edges and people's
details as columns, a column of repeated values (colours, shapes, kinds of line) as indices into its distinct
values, lines' ends as node indices, places to a hundredth of a map unit. The same map in under half the bytes:
a school's staff map of 1,531 people and 4,145 lines is 1.2 MB as objects."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["packed"]

ROUNDED = ("x", "y", "size")  # map units: a hundredth is far below a pixel at any zoom the page allows
_MISSING = object()


def packed(drawn: dict) -> dict:
    """`drawn` (a map's JSON as webapp.graphview builds it) in the compact form, marked `"packed": 1`."""
    nodes = [{k: round(v, 2) if k in ROUNDED and isinstance(v, float) else v for k, v in n.items()}
             for n in drawn["nodes"]]
    index = {n["id"]: i for i, n in enumerate(nodes)}
    edges = [{**e, "from": index.get(e["from"], e["from"]), "to": index.get(e["to"], e["to"])}
             for e in drawn["edges"]]  # an end that is not a node (none is) stays its id
    info = drawn.get("info") or {}
    return {**drawn, "packed": 1, "nodes": columns(nodes), "edges": columns(edges),
            "info": {"ids": list(info), "rows": columns(list(info.values()))}}


def columns(rows: list[dict]) -> dict:
    """`rows` as {"n": how many, "columns": {key: column}}: a column is {"v": distinct values, "c": each row's
    index into them, -1 where the row has no such key} when values repeat, else {"p": each row's value, null
    where it has none}."""
    keys = sorted({k for row in rows for k in row})
    return {"n": len(rows), "columns": {key: _column([row.get(key, _MISSING) for row in rows]) for key in keys}}


def _column(values: list[Any]) -> dict:
    distinct: dict[Any, int] = {}
    firsts: list[Any] = []
    codes = []
    for value in values:
        if value is _MISSING:
            codes.append(-1)
            continue
        key = _key(value)
        if key not in distinct:
            distinct[key] = len(firsts)
            firsts.append(value)
        codes.append(distinct[key])
    if len(firsts) <= len(values) // 2 or any(v is None for v in values):  # null would read as missing in "p"
        return {"v": firsts, "c": codes}
    return {"p": [None if v is _MISSING else v for v in values]}


def _key(value: Any) -> Any:
    """A hashable stand-in for a JSON value: equal only for equal values of one type (True is not 1)."""
    if isinstance(value, dict | list):
        return "json", json.dumps(value, sort_keys=True)
    return type(value).__name__, value
