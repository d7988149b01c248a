"""Turn a dataset table into store rows and back, the same way for every store.

A row is (row_no, the contract's columns in order, attributes), where attributes is a JSON object of the
user's extra columns (None when there are none), so rows round-trip exactly, column order included.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pandas as pd

from netmap.contract import table_spec

__all__ = ["frame_from_rows", "table_rows"]


def table_rows(name: str, frame: pd.DataFrame, extras: list[str]) -> Iterator[tuple]:
    """(row_no, *contract values, attributes JSON) for each row of table `name`."""
    values = zip(*(frame[c].tolist() for c in table_spec(name).column_names), strict=True)
    if not extras:
        for number, row in enumerate(values):
            yield (number, *row, None)
        return
    extra_values = zip(*(frame[c].tolist() for c in extras), strict=True)
    for number, (row, extra) in enumerate(zip(values, extra_values, strict=True)):
        yield (number, *row, json.dumps(dict(zip(extras, extra, strict=True)), ensure_ascii=False))


def frame_from_rows(name: str, rows: Sequence[Sequence], extras: list[str]) -> pd.DataFrame:
    """The table `name` rebuilt from rows of (*contract values, attributes JSON), in row order."""
    columns = list(table_spec(name).column_names)
    data: dict[str, list[object]] = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    if extras:
        attributes = [json.loads(r[len(columns)]) if r[len(columns)] else {} for r in rows]
        for extra in extras:
            data[extra] = [a.get(extra) for a in attributes]
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()}, columns=columns + extras)
    if name == "collaborations":
        frame["weight"] = frame["weight"].astype("float64")
    return frame
