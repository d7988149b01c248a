"""The validated trust: one DataFrame per contract table, values normalised, user's extra columns kept.

Conventions inside a Dataset, relied on by the stores and the analysis:
- every value is a `str` or `None` (missing), except `collaborations.weight`, a positive float;
- dates are ISO `YYYY-MM-DD` strings (so they sort and compare as text);
- enum values are the contract's canonical spelling; `subjects` is `;`-joined, trimmed, without repeats;
- the contract's columns come first in contract order, then the user's extra columns in their original order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netmap.contract import TABLE_NAMES, table_spec

__all__ = ["Dataset", "empty_table"]


def empty_table(name: str, extra_columns: list[str] | None = None) -> pd.DataFrame:
    """An empty frame with the contract's columns for `name` (used for an absent optional file)."""
    columns = list(table_spec(name).column_names) + list(extra_columns or [])
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    if name == "collaborations":
        frame["weight"] = frame["weight"].astype("float64")
    return frame


def _conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract columns first (missing ones blank, weight 1), then extras; text as object with None."""
    frame = frame.reset_index(drop=True)
    contract = list(table_spec(name).column_names)
    for column in contract:
        if column not in frame.columns:
            frame[column] = 1.0 if column == "weight" else None
    frame = frame[contract + [c for c in frame.columns if c not in contract]]
    for column in frame.columns:
        if name == "collaborations" and column == "weight":
            frame[column] = frame[column].astype("float64")
        elif frame[column].dtype != object:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        else:  # already text: only NaN (not None) needs replacing, and usually there is none
            values = frame[column].to_numpy()
            missing = pd.isna(values)
            if any(v is not None for v in values[missing]):
                frame[column] = pd.Series(np.where(missing, None, values), dtype=object)
    return frame


@dataclass(frozen=True)
class Dataset:
    """A whole trust at one moment: schools, staff, groups, memberships, collaborations, secondments, the
    trust's own tie kinds and who answered the survey."""

    schools: pd.DataFrame
    staff: pd.DataFrame
    groups: pd.DataFrame
    memberships: pd.DataFrame
    collaborations: pd.DataFrame
    secondments: pd.DataFrame
    tie_kinds: pd.DataFrame
    respondents: pd.DataFrame
    # Frames derived from the tables for a date (staff in post: netmap.graphs.active_staff), computed once per
    # dataset and date because the tables never change. Outside equality; a `replace`d dataset starts without.
    derived: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict, init=False, compare=False,
                                                         repr=False)

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> Dataset:
        """Build from a mapping of table name to frame; an absent table becomes empty.

        Enforces the value conventions above: text columns become object dtype with None for missing.
        """
        return cls(**{name: _conform(name, tables[name]) if name in tables else empty_table(name)
                      for name in TABLE_NAMES})

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def tables(self) -> Iterator[tuple[str, pd.DataFrame]]:
        for name in TABLE_NAMES:
            yield name, self.table(name)

    def stored_tables(self) -> Iterator[tuple[str, pd.DataFrame]]:
        """The tables a store writes and a content hash covers: all but an empty table that a later contract
        version added and that has no extra columns, and without a column a later version added that is blank
        throughout; so snapshots stored before that version keep their hash (reading one back adds the column,
        blank)."""
        for name, frame in self.tables():
            spec = table_spec(name)
            if len(frame) or spec.since == 1 or self.extra_columns(name):
                later = [c.name for c in spec.columns if c.since > 1 and frame[c.name].isna().all()]
                yield name, frame.drop(columns=later) if later else frame

    def extra_columns(self, name: str) -> list[str]:
        """The user's own columns of table `name`, in their original order."""
        contract = set(table_spec(name).column_names)
        return [c for c in self.table(name).columns if c not in contract]

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.stored_tables()}

    def content_hash(self) -> str:
        """A digest of every value and column: equal datasets give equal digests, and any changed value, column
        or order changes it. Vectorised (pandas' row hashes plus the null mask), so millions of rows take
        seconds."""
        digest = hashlib.sha256()
        for name, frame in self.stored_tables():
            digest.update(f"\x1e{name}\x1f{len(frame)}\x1f".encode() + "\x1f".join(map(str, frame.columns)).encode())
            if len(frame):
                digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
                digest.update(frame.isna().to_numpy().tobytes())
        return digest.hexdigest()

    def equals(self, other: Dataset) -> bool:
        """True when every table has the same columns, in the same order, and the same values."""
        return all(self.table(n).reset_index(drop=True).equals(other.table(n).reset_index(drop=True))
                   for n in TABLE_NAMES)
