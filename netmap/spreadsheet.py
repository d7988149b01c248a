"""Cells safe to open in a spreadsheet: every CSV netmap writes, from the CLI or the web, passes through here.

A cell that starts with = + - @, a tab or a carriage return is run as a formula by Excel and LibreOffice (CSV
injection): a staff name such as `=HYPERLINK(...)` must stay text in HR's spreadsheet. Such text gets a leading
apostrophe, which spreadsheets show as text and do not display; numbers are never changed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["neutralise", "neutralised_frame"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value`, with a leading quote when it is text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralised_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and headings are neutralised (numeric columns are left as they are)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise, na_action="ignore")
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
