"""What an import builds on: the latest stored snapshot's tables, carried into the next snapshot as raw tables
so that the import's own table and the carried ones pass the same validation as any load."""

from __future__ import annotations

import pandas as pd

from netmap.dataset import Dataset
from netmap.ingest.reader import RawTable

__all__ = ["raw_tables"]


def raw_tables(dataset: Dataset, label: str) -> dict[str, RawTable]:
    """Each table of `dataset` as the validator reads a file: text cells (None where blank), its row numbers as a
    spreadsheet of it would show them, the file named "`name` of `label`" (e.g. "groups of snapshot 2026-07-20")."""
    tables: dict[str, RawTable] = {}
    for name, frame in dataset.stored_tables():
        text = frame.astype(object).where(frame.notna(), None)
        if "weight" in text.columns:
            text["weight"] = [None if w is None else f"{w:g}" for w in text["weight"]]
        text = text.reset_index(drop=True)
        rows = pd.Series(range(2, len(text) + 2), dtype="int64")
        tables[name] = RawTable(name, f"{name} of {label}", text, rows, dataset.extra_columns(name))
    return tables
