"""The analysis as one Excel workbook people can read: a sheet per table with names beside ids, readable headings,
number formats (thousands, percentages, decimals), frozen headings and filters, and a sheet saying what each column
holds, taken from the columns declared in netmap.analysis.columns. Text that a spreadsheet would run as a formula
is neutralised (netmap.spreadsheet); numbers stay numbers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from netmap.analysis.columns import COLUMNS, MetricColumn, help_text
from netmap.analysis.engine import Analysis
from netmap.analysis.options import AnalysisOptions
from netmap.headings import heading
from netmap.spreadsheet import neutralise

__all__ = ["NUMBER_FORMATS", "SHEETS", "write_analysis_workbook"]

SHEETS = ("staff", "schools", "groups", "wiring", "bridges")
NUMBER_FORMATS = {"count": "#,##0", "share": "0.0%", "number": "0.00", "p_value": "0.000"}
# Which kind of thing an id column names, so that its name can sit beside it.
_NAMED_BY = {"staff_id": "staff", "person_a": "staff", "person_b": "staff", "key_connectors": "staff",
             "school_id": "schools", "seconded_to": "schools", "school_a": "schools", "school_b": "schools",
             "schools_missing": "schools", "group_id": "groups", "groups": "groups"}
_NAME_HELP = "The name of the {what} in the column to its left, from the trust's files."
_KINDS: dict[tuple[str, str], MetricColumn] = {(c.table, c.name): c for c in COLUMNS}


def write_analysis_workbook(analysis: Analysis, path: Path, names: Mapping[str, Mapping[str, str]],
                            options: AnalysisOptions | None = None) -> Path:
    """Write the analysis to `path`: Summary, then Staff, Schools, Groups, Wiring, Bridges, then About the
    columns. `names` maps "staff", "schools" and "groups" to each id's name; returns the path."""
    options = options or AnalysisOptions()
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook has one sheet
    summary.title = "Summary"
    _write_summary(summary, analysis)
    described: list[tuple[str, str, str, str]] = []
    for table in SHEETS:
        sheet = book.create_sheet(table.capitalize())
        described += _write_table(sheet, table, getattr(analysis, table), names, options)
    _write_descriptions(book.create_sheet("About the columns"), described)
    book.save(path)
    return path


def _write_summary(sheet: Worksheet, analysis: Analysis) -> None:
    """Each figure of the summary on a row, readable name first; lists and tables as JSON text."""
    sheet.append(["Figure", "Value"])
    for key, value in analysis.summary.items():
        shown = json.dumps(value, default=str) if isinstance(value, (dict, list)) else value
        sheet.append([heading(key), _cell(shown)])
    _finish(sheet, {"A": 40, "B": 60})


def _write_table(sheet: Worksheet, table: str, frame: pd.DataFrame, names: Mapping[str, Mapping[str, str]],
                 options: AnalysisOptions) -> list[tuple[str, str, str, str]]:
    """One analysis table with a name column after each id column; returns its (sheet, heading, column,
    description) rows for the description sheet."""
    columns: list[tuple[str, str, str, Any]] = []  # (heading, description, number format, values)
    for name in frame.columns:
        column = _KINDS.get((table, name))
        description = help_text(column, options) if column else ""
        fmt = NUMBER_FORMATS.get(column.kind, "General") if column else "General"
        columns.append((heading(name), description, fmt, frame[name]))
        what = _NAMED_BY.get(name)
        if what:
            lookup = names.get(what, {})
            columns.append(("Name" if name == "staff_id" else f"{heading(name)} (name)",
                            _NAME_HELP.format(what={"staff": "person", "schools": "school", "groups": "group"}[what]),
                            "General", frame[name].map(lambda v, lookup=lookup: _names_of(v, lookup))))
    headings = [h for h, _d, _f, _v in columns]
    sheet.append([neutralise(h) for h in headings])
    for row in zip(*(values for _h, _d, _f, values in columns), strict=True):
        sheet.append([_cell(v) for v in row])
    for index, (_h, _d, fmt, _v) in enumerate(columns, start=1):
        if fmt != "General":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
    _finish(sheet, {get_column_letter(i): min(40, max(10, len(h) + 2)) for i, h in enumerate(headings, start=1)})
    return [(sheet.title, h, str(n), d) for (h, d, _f, _v), n in zip(columns, _source_names(frame), strict=True)]


def _source_names(frame: pd.DataFrame) -> list[str]:
    """The frame's column names as CSVs and the CLI call them, with "" for each added name column."""
    out: list[str] = []
    for name in frame.columns:
        out.append(str(name))
        if _NAMED_BY.get(name):
            out.append("")
    return out


def _write_descriptions(sheet: Worksheet, described: list[tuple[str, str, str, str]]) -> None:
    """Every column of every sheet: where it is, its heading, its name in netmap's CSVs, what it holds."""
    sheet.append(["Sheet", "Column", "Name in netmap's CSV files", "What it holds"])
    for row in described:
        sheet.append([neutralise(v) for v in row])
    _finish(sheet, {"A": 12, "B": 36, "C": 28, "D": 100})
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _finish(sheet: Worksheet, widths: Mapping[str, float]) -> None:
    """Bold, frozen headings with filters, and readable column widths."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width


def _names_of(value: Any, lookup: Mapping[str, str]) -> str | None:
    """The names of one id or of a ";"-joined list of ids (an unknown id stays as it is)."""
    if _missing(value) or value == "":
        return None
    return "; ".join(lookup.get(part, part) for part in str(value).split(";") if part)


def _cell(value: Any) -> Any:
    """A value as a cell holds it: numpy scalars as Python ones, missing as empty, formula-like text neutralised."""
    if hasattr(value, "item"):
        value = value.item()
    if _missing(value):
        return None
    return neutralise(value) if isinstance(value, str) else value


def _missing(value: Any) -> bool:
    """None, NaN or pandas' NA."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
