"""Numbers and ids as people read them: thousands separators, percentages, Yes/No, names for ids, readable
headings. Only what the pages show; CSV downloads keep the exact values and ids (netmap.analysis.columns says what
each column holds)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from netmap.analysis.columns import COLUMNS
from netmap.headings import heading

__all__ = ["heading", "shown", "with_base"]

KINDS = {c.name: c.kind for c in COLUMNS}


def shown(key: str, value: Any, names: Mapping[str, str] | None = None) -> str:
    """`value` of column `key` as a person reads it: counts with thousands separators, shares as percentages,
    flags as Yes/No, ids (and lists of ids) as names when `names` has them; text as it is."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "–"
    if isinstance(value, str) and KINDS.get(key) not in ("id", "list") and not _numeric(value):
        return value  # text, and "fewer than 5"
    kind = KINDS.get(key)
    if kind in ("id", "list") or names is not None:
        parts = [p for p in str(value).split(";") if p] if kind == "list" else [str(value)]
        return ", ".join((names or {}).get(p, p) for p in parts) or "–"
    if kind == "flag" or isinstance(value, bool):
        return "Yes" if str(value) in ("True", "1") else "No"
    number = float(value)
    if kind == "count":
        return f"{number:,.0f}"
    if kind == "share":
        percent = 100 * number
        return f"{percent:.1f} %" if 0 < abs(percent) < 10 else f"{percent:.0f} %"
    if kind == "number":
        return f"{number:,.2f}"
    if kind == "p_value":  # 0.001 is the smallest a test of 999 relabellings can give: not rounded to 0
        return f"{number:.3f}"
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def with_base(part: int, whole: int, noun: str) -> str:
    """"1,084 of 1,964 staff (55 %)": a count with its base and share."""
    share = f" ({100 * part / whole:.0f} %)" if whole else ""
    return f"{part:,} of {whole:,} {noun}{share}"


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text not in ("nan", "inf", "-inf")
