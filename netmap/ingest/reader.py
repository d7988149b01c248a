"""Read a trust's input, a folder of CSV files or one .xlsx workbook, into raw string tables.

Nothing is interpreted here beyond decoding and header matching: every cell stays a string so that the
validator can report bad values exactly as the user typed them, with the row number their spreadsheet shows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netmap.contract import TABLE_NAMES, normalise_header, table_spec
from netmap.errors import IngestError
from netmap.ingest.limits import MAX_CELLS, MAX_COLUMNS, check_workbook_archive
from netmap.ingest.report import Problem, ValidationReport

__all__ = ["RawTable", "decode_text", "read_grid", "read_source"]

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # UTF-32's before UTF-16's: longer
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Three or more letters outside ASCII in a row: how text in another encoding (Shift-JIS, Big5, ...) looks when
# read as Windows-1252, and how names in Windows-1252 almost never look.
_MOJIBAKE = re.compile(r"[^\x00-\x7f]{3,}")


@dataclass
class RawTable:
    """One file's cells as stripped strings (None where blank), columns renamed to contract names where they match.

    `frame` has one row per non-blank spreadsheet row; `rows` gives each row's number as the user sees it
    (the header is row 1). `extra_columns` are the user's own columns, kept as attributes.
    """

    name: str
    file: str
    frame: pd.DataFrame
    rows: pd.Series
    extra_columns: list[str] = field(default_factory=list)


def read_source(path: Path, report: ValidationReport) -> dict[str, RawTable]:
    """Read every contract table found at `path` (folder or .xlsx), adding read problems to `report`."""
    if not path.exists():
        raise IngestError(f"{path} does not exist. Give a folder of CSV files or an .xlsx workbook.",
                          file=str(path))
    if path.is_dir():
        grids = _read_folder(path, report)
    elif path.suffix.lower() in {".xlsx", ".xlsm"}:
        grids = _read_workbook(path, report)
    else:
        raise IngestError(f"{path} is neither a folder nor an .xlsx workbook. Give a folder of CSV files "
                          "(schools.csv, staff.csv, ...) or one workbook with a sheet per file.", file=str(path))
    tables: dict[str, RawTable] = {}
    for name in TABLE_NAMES:
        spec = table_spec(name)
        if name not in grids:
            if not spec.optional:
                report.add(Problem("error", "missing-file", f"{name}.csv", None, None, None,
                                   f"The required file {name} is missing.",
                                   f"Add {name}.csv to the folder (or a sheet named {name} to the workbook); "
                                   "see docs/data-format.md for its columns."))
            continue
        file, grid = grids[name]
        table = _to_table(name, file, grid, report)
        if table is not None:
            tables[name] = table
    return tables


def read_grid(path: Path, report: ValidationReport) -> pd.DataFrame | None:
    """One CSV file, or an .xlsx workbook's first sheet, as a grid of text cells (the header its first row), read
    as every input is (encodings, size limits); None, with the problem reported, when it cannot be read."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return _read_csv_grid(path, report)
    workbook = _open_workbook(path)
    try:
        return _sheet_grid(workbook.worksheets[0], path.name, report)
    finally:
        workbook.close()


def _read_folder(folder: Path, report: ValidationReport) -> dict[str, tuple[str, pd.DataFrame | None]]:
    grids: dict[str, tuple[str, pd.DataFrame | None]] = {}
    for file in sorted(folder.iterdir()):
        if not file.is_file() or file.suffix.lower() != ".csv":
            continue
        name = normalise_header(file.stem)
        if name not in TABLE_NAMES:
            report.add(Problem("warning", "unknown-file", file.name, None, None, None,
                               "This file is not part of the data contract and was ignored.",
                               f"Rename it to one of {', '.join(n + '.csv' for n in TABLE_NAMES)} if it holds one "
                               "of those tables, or move it out of the folder."))
            continue
        if name in grids:
            report.add(Problem("error", "duplicate-file", file.name, None, None, None,
                               f"Both {grids[name][0]} and {file.name} hold the {name} table.",
                               "Keep one of them."))
            continue
        grids[name] = (file.name, _read_csv_grid(file, report))
    return grids


def _read_csv_grid(file: Path, report: ValidationReport) -> pd.DataFrame | None:
    text = _decode(file, report)
    if text is None:
        return None
    if not text.strip():
        return pd.DataFrame()
    if not _within_limits(file.name, text, report):
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=object, keep_default_na=False,
                            skip_blank_lines=False, engine="c")
    except pd.errors.EmptyDataError:  # only blank lines and stray control characters
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        report.add(Problem("error", "malformed-csv", file.name, None, None, None,
                           f"The file cannot be read as CSV ({exc}).",
                           "Check that row for an unquoted comma or a missing closing quote, "
                           "or re-save the file from your spreadsheet as CSV."))
        return None
    return frame.fillna("")  # short rows leave NaN in their missing cells


def _decode(file: Path, report: ValidationReport) -> str | None:
    """The file's text (decode_text)."""
    return decode_text(file.read_bytes(), file.name, report)


def decode_text(raw: bytes, name: str, report: ValidationReport) -> str | None:
    """Text read as `name`: UTF-8, or UTF-16/32 with a byte-order mark (Excel's "Unicode text"), or Windows-1252
    (what Excel's plain "CSV" and the DfE's downloads write in England); None, with one problem reported, for
    anything else."""
    fix = "Save it from your spreadsheet as 'CSV UTF-8 (Comma delimited)'."
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                report.add(Problem("error", "encoding", name, None, None, None,
                                   f"The file starts as {encoding.upper()} text but is not ({exc.reason} at byte "
                                   f"{exc.start:,}).", fix))
                return None
    head = raw[:4096]
    if head.count(0) > len(head) // 10:  # UTF-16 is every other byte NUL for English text; a stray NUL is not
        report.add(Problem("error", "encoding", name, None, None, None,
                           "The file holds NUL bytes: it looks like UTF-16 or UTF-32 text without the byte-order "
                           "mark that says which, or is not a text file at all.", fix))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        report.add(Problem("error", "encoding", name, None, None, None,
                           "The file is neither UTF-8 nor Windows-1252 text.", fix))
        return None
    garbled = _MOJIBAKE.search(text)
    if garbled:
        report.add(Problem("error", "encoding", name, None, None, None,
                           f"The file is not UTF-8, and read as Windows-1252 it gives garbled text such as "
                           f"{garbled.group()[:12]!r}: it is in another encoding (Shift-JIS, Big5, ...).", fix))
        return None
    return text


def _within_limits(name: str, text: str, report: ValidationReport) -> bool:
    """False, with the limit reported, when the header has more than MAX_COLUMNS columns or the file more than
    MAX_CELLS cells: counted from the first line and the line breaks, before pandas builds anything."""
    first_line = text[:text.find("\n") + 1 or len(text)]
    columns = 1 + first_line.count(",")  # an upper bound (quoted commas count too), exact for real headers
    if columns > MAX_COLUMNS:
        columns = len(next(csv.reader([first_line.rstrip("\r\n")]), []))
    if columns > MAX_COLUMNS:
        report.add(Problem("error", "too-many-columns", name, 1, None, None,
                           f"The header row has {columns:,} columns; netmap reads at most {MAX_COLUMNS}.",
                           "Delete the empty or unused columns at the right of the sheet and save it again."))
        return False
    cells = columns * (text.count("\n") + 1)
    if cells > MAX_CELLS:
        report.add(Problem("error", "too-many-cells", name, None, None, None,
                           f"The file has about {cells:,} cells; netmap reads at most {MAX_CELLS:,} from one file.",
                           "Check it is the right file; split a larger trust's data by snapshot."))
        return False
    return True


def _open_workbook(path: Path) -> Any:
    """The workbook at `path`, read-only, once its archive passed the size checks; IngestError when damaged."""
    import openpyxl  # imported here: only workbook users pay for it

    check_workbook_archive(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        raise IngestError(f"{path.name} cannot be opened as an .xlsx workbook ({exc}). "
                          "Re-save it from Excel as .xlsx.", file=path.name) from exc
    return workbook


def _read_workbook(path: Path, report: ValidationReport) -> dict[str, tuple[str, pd.DataFrame | None]]:
    workbook = _open_workbook(path)
    grids: dict[str, tuple[str, pd.DataFrame | None]] = {}
    try:
        for sheet in workbook.worksheets:
            name = normalise_header(sheet.title)
            label = f"{path.name} [{sheet.title}]"
            if name not in TABLE_NAMES:
                report.add(Problem("warning", "unknown-file", label, None, None, None,
                                   "This sheet is not part of the data contract and was ignored.",
                                   f"Rename it to one of {', '.join(TABLE_NAMES)} if it holds one of those "
                                   "tables."))
                continue
            grids[name] = (label, _sheet_grid(sheet, label, report))
    except IngestError:
        raise
    except Exception as exc:  # a sheet's XML that openpyxl cannot parse (a DTD, bad markup, ...)
        raise IngestError(f"{path.name} cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}). "
                          "Re-save it from Excel as .xlsx.", file=path.name) from exc
    finally:
        workbook.close()
    return grids


def _sheet_grid(sheet: Any, label: str, report: ValidationReport) -> pd.DataFrame | None:
    """Every written row of a sheet from A1, whatever size the sheet declares: openpyxl's read-only mode trusts
    the sheet's <dimension>, which some programs write wrong (rows past it would be dropped silently)."""
    sheet.reset_dimensions()
    grid = []
    for number, row in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
        if len(row) > MAX_COLUMNS:
            beyond = [i for i, v in enumerate(row[MAX_COLUMNS:], start=MAX_COLUMNS) if _cell_text(v).strip()]
            if beyond:
                far = _column_letter(beyond[0])
                report.add(Problem("error", "too-many-columns", label, number, far, None,
                                   f"Cell {far}{number} holds a value; netmap reads at most {MAX_COLUMNS} columns "
                                   f"(A to {_column_letter(MAX_COLUMNS - 1)}).",
                                   "Delete the values far to the right of the table and save the workbook again."))
                return None
            row = row[:MAX_COLUMNS]
        grid.append([_cell_text(v) for v in row])
    width = max(map(len, grid), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in grid], dtype=object)


def _cell_text(value: object) -> str:
    """A workbook cell as the text the user sees: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_table(name: str, file: str, grid: pd.DataFrame | None,
              report: ValidationReport) -> RawTable | None:
    """Match headers to the contract and drop blank rows; None when the table cannot be used at all.

    `grid` holds every cell as text, the header in its first row.
    """
    if grid is None:
        return None
    spec = table_spec(name)
    if grid.empty:
        report.add(Problem("error", "empty-file", file, None, None, None,
                           "The file is empty: it has no header row and no data.",
                           f"Add a header row ({', '.join(spec.required_columns)}) and the data below it."))
        return None
    header = [str(h).strip() for h in grid.iloc[0]]
    body = grid.iloc[1:]
    keep: dict[int, str] = {}
    seen: dict[str, int] = {}
    extras: list[str] = []
    for index, text in enumerate(header):
        if not text:
            if body.iloc[:, index].str.strip().ne("").any():
                report.add(Problem("error", "blank-header", file, 1, _column_letter(index), None,
                                   f"Column {_column_letter(index)} has values but no header.",
                                   "Give the column a header, or delete it."))
            continue
        canonical = normalise_header(text)
        label = canonical if canonical in spec.column_names else text
        if canonical in seen:
            report.add(Problem("error", "duplicate-column", file, 1, text, text,
                               f"Two columns are both headed {text!r} (columns {_column_letter(seen[canonical])} "
                               f"and {_column_letter(index)}).", "Delete or rename one of them."))
            continue
        seen[canonical] = index
        keep[index] = label
        if label not in spec.column_names:
            extras.append(label)
    cells = {label: _stripped(body.iloc[:, index].to_numpy()) for index, label in keep.items()}
    filled = np.zeros(len(body), dtype=bool)
    for _values, blank in cells.values():
        filled |= ~blank
    numbers = np.arange(2, len(body) + 2)  # spreadsheet rows: the header is row 1
    if not filled.all():
        cells = {label: (values[filled], blank) for label, (values, blank) in cells.items()}
        numbers = numbers[filled]
    frame = pd.DataFrame({label: pd.Series(values, dtype=object) for label, (values, _) in cells.items()},
                         columns=list(cells))
    rows = pd.Series(numbers, dtype="int64")
    if frame.empty:
        report.add(Problem("error", "empty-file", file, None, None, None,
                           "The file has a header row but no data rows.",
                           "Add the data below the header, or check you exported the right sheet."))
        return None
    return RawTable(name, file, frame, rows, extras)


def _stripped(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cells without surrounding spaces, None where blank; the blank mask). Each distinct value is stripped
    once (a staff id repeated across a million ties is one string): several times faster on large files."""
    codes, uniques = pd.factorize(cells)
    cleaned = np.array([text.strip() or None for text in uniques], dtype=object)
    if not len(cleaned):
        return np.full(len(codes), None, dtype=object), np.ones(len(codes), dtype=bool)
    values = cleaned[codes]
    return values, np.equal(values, None)  # type: ignore[call-overload]  # numpy's stubs omit object operands


def _column_letter(index: int) -> str:
    """Spreadsheet column letter (0 -> A, 26 -> AA), the way users find a column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters

