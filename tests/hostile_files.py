"""Input files that broke netmap in the attack run, generated on demand (never committed): each is small on disk
and would cost minutes and gigabytes to read naively. Used by tests/test_hostile_input.py and by
benchmarks/hostile_input.py, which records what rejecting each costs."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd

__all__ = ["HOSTILE", "write_workbook", "rewrite_sheet"]


def write_workbook(folder: Path, path: Path) -> None:
    """The CSV trust in `folder` as one workbook, a sheet per file, dates as real Excel dates."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for csv_file in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(csv_file.stem.capitalize())
        frame = pd.read_csv(csv_file, dtype=str, keep_default_na=False)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            cells: list[object] = []
            for column, value in zip(frame.columns, row, strict=True):
                if value and column.endswith(("_on",)):
                    cells.append(dt.datetime.fromisoformat(value))
                elif column == "weight" and value:
                    cells.append(float(value))
                else:
                    cells.append(value or None)
            sheet.append(cells)
    book.save(path)


def rewrite_sheet(book: Path, sheet: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one sheet's XML inside a workbook (sheet is e.g. 'sheet3.xml'), leaving the other parts as they are."""
    original = book.with_suffix(".orig.xlsx")
    shutil.move(book, original)
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == f"xl/worksheets/{sheet}" else data)
    original.unlink()


def _sheet_of(book: Path, title: str) -> str:
    """The XML part name of the sheet titled `title` (sheets are numbered in order)."""
    titles = openpyxl.load_workbook(book, read_only=True).sheetnames
    return f"sheet{titles.index(title) + 1}.xml"


def _streamed_sheet(book: Path, sheet: str, head: bytes, repeated: bytes, times: int, tail: bytes) -> None:
    """Replace a sheet's XML with head + repeated * times + tail, written in chunks (never whole in memory)."""
    original = book.with_suffix(".orig.xlsx")
    shutil.move(book, original)
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != f"xl/worksheets/{sheet}":
                target.writestr(item.filename, source.read(item.filename))
                continue
            with target.open(item.filename, "w", force_zip64=True) as stream:
                stream.write(head)
                block = repeated * 100_000
                for _ in range(times // 100_000):
                    stream.write(block)
                stream.write(repeated * (times % 100_000))
                stream.write(tail)
    original.unlink()


_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def far_cell_workbook(trust: Path, work: Path) -> Path:
    """42 KB: the staff sheet declares A1:XFD1048576 and writes one cell there."""
    book = work / "far-cell.xlsx"
    write_workbook(trust, book)
    sheet = _sheet_of(book, "Staff")
    rewrite_sheet(book, sheet, lambda xml: re.sub(
        rb"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        re.sub(rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)))
    return book


def zip_bomb_workbook(trust: Path, work: Path) -> Path:
    """A few MB that unzip to 1 GB of rows."""
    book = work / "zip-bomb.xlsx"
    write_workbook(trust, book)
    row = b'<row><c t="inlineStr"><is><t>bomb</t></is></c></row>'
    _streamed_sheet(book, _sheet_of(book, "Staff"), _SHEET_HEAD, row, (1 << 30) // len(row), _SHEET_TAIL)
    return book


def many_cells_workbook(trust: Path, work: Path) -> Path:
    """Under the unzipped-size limit, but 12 million empty cells."""
    book = work / "many-cells.xlsx"
    write_workbook(trust, book)
    _streamed_sheet(book, _sheet_of(book, "Staff"), _SHEET_HEAD, b"<row>" + b"<c/>" * 12 + b"</row>", 1_000_000,
                    _SHEET_TAIL)
    return book


def wide_row_workbook(trust: Path, work: Path) -> Path:
    """One row of 5 million empty cells: a few KB zipped, gigabytes once openpyxl builds the row."""
    book = work / "wide-row.xlsx"
    write_workbook(trust, book)
    _streamed_sheet(book, _sheet_of(book, "Staff"), _SHEET_HEAD + b"<row>", b"<c/>", 5_000_000,
                    b"</row>" + _SHEET_TAIL)
    return book


def dtd_workbook(trust: Path, work: Path) -> Path:
    """A sheet whose XML declares a DTD with an external entity, and uses it in a cell."""
    book = work / "dtd.xlsx"
    write_workbook(trust, book)
    rewrite_sheet(book, _sheet_of(book, "Staff"), lambda xml: xml.replace(
        b"?>", b'?>\n<!DOCTYPE worksheet [<!ENTITY who SYSTEM "file:///etc/hostname">]>', 1).replace(
        b"</sheetData>", b'<row r="40"><c r="A40" t="inlineStr"><is><t>&who;</t></is></c></row></sheetData>'))
    return book


def _csv_trust(trust: Path, work: Path, name: str, staff_csv: bytes) -> Path:
    folder = work / name
    shutil.copytree(trust, folder)
    (folder / "staff.csv").write_bytes(staff_csv)
    return folder


def million_columns_csv(trust: Path, work: Path) -> Path:
    """7.9 MB: a staff.csv whose header has a million columns."""
    header = ",".join(f"c{i}" for i in range(1_000_000)).encode()
    return _csv_trust(trust, work, "million-columns", header + b"\nS1\n")


def blank_headers_csv(trust: Path, work: Path) -> Path:
    """3 MB of commas: a header of three million blank columns."""
    return _csv_trust(trust, work, "blank-headers", b"," * 3_000_000 + b"\n" + b"," * 3_000_000 + b"\n")


HOSTILE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {  # name: (generator, what the error says)
    "far-cell workbook": (far_cell_workbook, "netmap reads at most 200 columns"),
    "zip-bomb workbook": (zip_bomb_workbook, "more than netmap reads from a workbook (256 MB)"),
    "many-cells workbook": (many_cells_workbook, "more than 10,000,000 cells"),
    "wide-row workbook": (wide_row_workbook, "more than 16,384 cells, more than Excel allows"),
    "DTD workbook": (dtd_workbook, "cannot be read as an .xlsx workbook"),
    "million-column CSV": (million_columns_csv, "header row has 1,000,000 columns; netmap reads at most 200"),
    "blank-header CSV": (blank_headers_csv, "header row has 3,000,001 columns; netmap reads at most 200"),
}
