"""An analysis kept with its snapshot: turned into parts a store can hold, and back, exactly.

Each column of each table is one part: numbers and flags as a NumPy array file (read without pickle), text as
JSON compressed with zlib (encoded and compressed a slice of rows at a time, so the text is never whole in memory:
a national snapshot's list of each group's missing schools is 0.4 GB of JSON, a few MB compressed; parts kept
before 2026-12-08 hold plain JSON and still read); one more part, "meta", made last, holds the column names and
types, the summary, the timings and each part's CRC-32. A set without its meta, missing a part or with a part
that fails its CRC (a write cut short, a damaged file) is no kept analysis: computed afresh, as a user wants of a
cache that can always be rebuilt, rather than an error page. The parts are made one at a time as a store writes
them, and a part stays a few MB even for a national snapshot, so a store writes and reads it in one piece. The
parts are keyed by the snapshot's content hash and `options_key`, so a reload with new contents, or other
thresholds, is never served stale.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zlib
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from netmap.analysis.engine import Analysis, plain_json
from netmap.analysis.options import AnalysisOptions
from netmap.errors import StorageError

__all__ = ["OPTIONAL_TABLES", "RULES_VERSION", "STEP_OPTIONS", "TABLES", "KeptAnalysis", "Part",
           "analysis_from_parts", "analysis_to_parts", "options_key"]

TABLES = ("staff", "schools", "groups", "wiring", "bridges")
OPTIONAL_TABLES = ("stability",)  # absent from analyses kept before it existed, or with it off
Part = tuple[str, bytes]  # (name, payload): "meta", or "<table>/<column number>"
TEXT_ROWS = 1_000  # rows of a text column encoded to JSON at a time (a group's missing schools: 20 kB a row)


# How ties and measures are read. Raise it when a change alters what a kept analysis holds for the same data and
# options (v2: survey ties end when their reporter answers again without them; communities only when stable), so
# that an analysis kept by an older netmap is computed afresh rather than served stale.
RULES_VERSION = 2

# The stability step's options: kept analyses are filed without them, so an analysis kept before the step existed
# (or with it off) still loads, its pages saying "stability not computed".
STEP_OPTIONS = ("stability_draws", "stability_staff_limit")


def options_key(options: AnalysisOptions) -> str:
    """A short digest of every threshold of the main analysis (not STEP_OPTIONS) and of the rules' version: equal
    options and rules, equal key."""
    values = {k: v for k, v in dataclasses.asdict(options).items() if k not in STEP_OPTIONS}
    text = json.dumps({"rules": RULES_VERSION, **values}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def analysis_to_parts(analysis: Analysis) -> Iterator[Part]:
    """The analysis as named parts (see the module docstring), each made when the one before has been taken,
    "meta" last: a store that writes them in several transactions holds no meta until every part is written."""
    frames = {table: frame for table in TABLES + OPTIONAL_TABLES
              if (frame := getattr(analysis, table)) is not None}
    tables = {table: {"columns": [str(c) for c in frame.columns], "dtypes": [str(t) for t in frame.dtypes],
                      "rows": len(frame)} for table, frame in frames.items()}
    checks = {}
    for table, frame in frames.items():
        for number, column in enumerate(frame.columns):
            name, payload = f"{table}/{number}", _column_bytes(frame[column])
            checks[name] = zlib.crc32(payload)
            yield name, payload
    meta = {"as_of": analysis.as_of, "tables": tables, "summary": analysis.summary, "timings": analysis.timings,
            "checks": checks}
    yield "meta", json.dumps(meta, default=plain_json).encode()


def analysis_from_parts(parts: list[Part], snapshot_id: str = "",
                        forget: Callable[[], None] | None = None) -> Analysis:
    """The analysis the parts were made from, with every table's columns, order, types and values. Each table is
    decoded when first used: the dashboard of a national snapshot needs the summary and the school and group
    tables, not 490,000 rows of staff.

    Raises StorageError (naming snapshot `snapshot_id`, the table and column) when the set is incomplete or a
    part fails its CRC-32 (netmap.snapshot then computes the analysis afresh), or, for parts kept before CRCs
    (2026-12-08), when a table's part cannot be decoded on first use, after calling `forget` (which drops the
    kept analysis, so that re-analysing computes it afresh)."""
    return KeptAnalysis(dict(parts), snapshot_id, forget)


class KeptAnalysis(Analysis):
    """An Analysis read back from its parts, a table at a time, on first use of each."""

    def __init__(self, payloads: dict[str, bytes], snapshot_id: str = "",
                 forget: Callable[[], None] | None = None) -> None:  # no dataclass __init__: tables come later
        self._snapshot_id, self._forget = snapshot_id, forget
        try:
            meta = json.loads(payloads["meta"])
            self.as_of, self.summary, self.timings = meta["as_of"], meta["summary"], meta["timings"]
            specs, checks = meta["tables"], meta.get("checks")  # no checks: kept before 2026-12-08
        except (KeyError, TypeError, ValueError) as exc:  # json.JSONDecodeError and UnicodeDecodeError included
            raise self._damaged("meta", None, f"its meta part is missing or unreadable ({exc!r})") from exc
        for table, spec in specs.items():
            for number, column in enumerate(spec["columns"]):
                payload = payloads.get(f"{table}/{number}")
                if payload is None:
                    raise self._damaged(table, column, "the part is missing")
                if checks is not None and checks.get(f"{table}/{number}") != zlib.crc32(payload):
                    raise self._damaged(table, column, "the part fails its CRC-32")
        self._payloads, self._specs = payloads, specs

    def _damaged(self, table: str, column: str | None, why: str) -> StorageError:
        where = f"table {table}" + ("" if column is None else f", column {column}")
        return StorageError(f"The analysis kept with snapshot {self._snapshot_id} is damaged ({where}: {why}). "
                            f"Re-analyse it (netmap analyse --snapshot {self._snapshot_id}).")

    def _table(self, table: str) -> pd.DataFrame:
        spec = self._specs[table]
        columns = {}
        for number, (name, dtype) in enumerate(zip(spec["columns"], spec["dtypes"], strict=True)):
            try:
                columns[name] = _column_from(self._payloads[f"{table}/{number}"], dtype)
            except (zlib.error, ValueError, TypeError) as exc:  # json, np.load and dtype errors are ValueErrors
                if self._forget is not None:
                    self._forget()
                raise self._damaged(table, name, f"the part cannot be decoded ({exc})") from exc
        return pd.DataFrame(columns, columns=spec["columns"], index=pd.RangeIndex(spec["rows"]))

    # Each table a cached property: decoded from its parts the first time it is read.
    staff = cached_property(lambda self: self._table("staff"))
    schools = cached_property(lambda self: self._table("schools"))
    groups = cached_property(lambda self: self._table("groups"))
    wiring = cached_property(lambda self: self._table("wiring"))
    bridges = cached_property(lambda self: self._table("bridges"))
    stability = cached_property(lambda self: self._table("stability") if "stability" in self._specs else None)


def _column_bytes(values: pd.Series) -> bytes:
    if values.dtype.kind in "biuf":
        buffer = io.BytesIO()
        np.save(buffer, values.to_numpy(), allow_pickle=False)
        return b"N" + buffer.getvalue()
    cells = [None if _missing(v) else v for v in values.tolist()]
    packer = zlib.compressobj(level=1)  # the fastest level: already 20 to 100 times smaller on these lists
    pieces = [b"Z", packer.compress(b"[")]
    for start in range(0, len(cells), TEXT_ROWS):  # the JSON of the whole list, a slice of rows at a time
        text = json.dumps(cells[start:start + TEXT_ROWS], default=plain_json)[1:-1]
        pieces.append(packer.compress(((", " if start else "") + text).encode()))
    pieces += [packer.compress(b"]"), packer.flush()]
    return b"".join(pieces)


def _column_from(payload: bytes, dtype: str) -> pd.Series:
    if payload[:1] == b"N":
        return pd.Series(np.load(io.BytesIO(payload[1:]), allow_pickle=False), dtype=dtype)
    text = zlib.decompress(payload[1:]) if payload[:1] == b"Z" else payload[1:]  # b"J": plain, kept before
    return pd.Series(json.loads(text), dtype=dtype)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)
