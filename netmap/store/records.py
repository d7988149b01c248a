"""Turn a dataset table into stored records and back.

Rows (Neo4j, and SQLite stores of schema version 1): (row_no, the contract's columns in order, attributes),
where attributes is a JSON object of the user's extra columns (None when there are none), so rows round-trip
exactly, column order included. Column parts (the SQLite store): {"columns": [...], "values": [[...], ...]}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, count, islice, repeat
from typing import Any

import pandas as pd

from netmap.contract import table_spec

__all__ = ["frame_from_columns", "frame_from_rows", "table_rows"]

READ_CHUNK_ROWS = 50_000


def table_rows(name: str, frame: pd.DataFrame, extras: list[str]) -> Iterator[tuple[Any, ...]]:
    """(row_no, *contract values, attributes JSON) for each row of table `name`, zipped from whole columns."""
    columns = [frame[c].tolist() for c in table_spec(name).column_names]
    attributes: Iterable[str | None] = repeat(None, len(frame))
    if extras:
        attributes = [json.dumps(dict(zip(extras, values, strict=True)), ensure_ascii=False)
                      for values in zip(*(frame[c].tolist() for c in extras), strict=True)]
    return zip(count(), *columns, attributes)


def frame_from_rows(name: str, rows: Iterable[Sequence[Any]], extras: list[str]) -> pd.DataFrame:
    """The table `name` rebuilt from rows of (*contract values, attributes JSON), in row order.

    Rows are taken a chunk at a time and each distinct value is kept once (a staff id repeated across a
    million ties is one string, not a million), so a national snapshot fits in memory.
    """
    columns = list(table_spec(name).column_names)
    data: dict[str, list[object]] = {c: [] for c in columns}
    attributes: list[object] = []
    shared: dict[object, object] = {}
    rows = iter(rows)
    while chunk := list(islice(rows, READ_CHUNK_ROWS)):
        for values, column in zip(zip(*chunk, strict=True), [*columns, None], strict=False):
            target = attributes if column is None else data[column]
            target.extend(map(shared.setdefault, values, values))
    if extras:
        parsed = [json.loads(str(a)) if a else {} for a in attributes]
        for extra in extras:
            data[extra] = [a.get(extra) for a in parsed]
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()}, columns=columns + extras)
    if name == "collaborations":
        frame["weight"] = frame["weight"].astype("float64")
    return frame


def frame_from_columns(name: str, parts: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Table `name` rebuilt from stored parts (at least one), each {"columns": [...], "values": [[...], ...]}, in
    order; taken one at a time, so `parts` may decode each as it is asked for.

    As in frame_from_rows, each distinct value is kept once.
    """
    parts = iter(parts)
    first = next(parts)
    columns: list[str] = first["columns"]
    data: dict[str, list[object]] = {c: [] for c in columns}
    shared: dict[object, object] = {}
    for part in chain((first,), parts):
        for column, values in zip(columns, part["values"], strict=True):
            data[column].extend(map(shared.setdefault, values, values))
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()}, columns=columns)
    if name == "collaborations":
        frame["weight"] = frame["weight"].astype("float64")
    return frame
