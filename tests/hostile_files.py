"""Input files that broke netmap in the attack run, generated on demand (never committed): each is small on disk
and would cost minutes and gigabytes to read naively. Used by tests/test_hostile_input.py and by
benchmarks/hostile_input.py, which records what rejecting each costs."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import string
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
    _streamed_part(book, f"xl/worksheets/{sheet}", head, [repeated], times, tail)


def _streamed_part(book: Path, part: str, head: bytes, pieces: list[bytes], times: int, tail: bytes) -> None:
    """Replace (or add) the part `part` of a workbook with head + `times` pieces + tail, the pieces taken in turn
    from `pieces`, written in chunks (never whole in memory). An added shared strings part is declared in
    [Content_Types].xml, as Excel declares it."""
    original = book.with_suffix(".orig.xlsx")
    shutil.move(book, original)
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == part:
                continue
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and part.endswith("sharedStrings.xml"):
                data = data.replace(b"</Types>", b'<Override PartName="/' + part.encode() + b'" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"'
                                    b"/></Types>")
            target.writestr(item.filename, data)
        with target.open(part, "w", force_zip64=True) as stream:
            stream.write(head)
            for start in range(0, times, 100_000):
                count = min(times, start + 100_000) - start
                stream.write(pieces[0] * count if len(pieces) == 1 else
                             b"".join(pieces[i % len(pieces)] for i in range(start, start + count)))
            stream.write(tail)
    original.unlink()


_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"
_STYLES_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_STRINGS_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


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


def wide_row_workbook(trust: Path, work: Path) -> Path:
    """One row of 5 million empty cells: a few KB zipped, gigabytes once openpyxl builds the row."""
    book = work / "wide-row.xlsx"
    write_workbook(trust, book)
    _streamed_sheet(book, _sheet_of(book, "Staff"), _SHEET_HEAD + b"<row>", b"<c/>", 5_000_000,
                    b"</row>" + _SHEET_TAIL)
    return book


def many_cells_workbook(trust: Path, work: Path) -> Path:
    """4 MB: 12 million empty cells, under the unzipped-size limit; each row carries a random attribute so that
    the sheet compresses like a real one (about 15 times), not like a zip bomb."""
    book = work / "many-cells.xlsx"
    write_workbook(trust, book)
    noise = random.Random(26).randbytes(4 * 1_000_000).hex().encode()
    rows = [b'<row x="' + noise[8 * i:8 * i + 8] + b'">' + b"<c/>" * 12 + b"</row>" for i in range(1_000_000)]
    _streamed_part(book, f"xl/worksheets/{_sheet_of(book, 'Staff')}", _SHEET_HEAD, rows, len(rows), _SHEET_TAIL)
    return book


def styles_bomb_workbook(trust: Path, work: Path) -> Path:
    """About 0.5 MB: a styles.xml of 3 million cell formats (openpyxl parses styles.xml whole)."""
    book = work / "styles-bomb.xlsx"
    write_workbook(trust, book)
    _streamed_part(book, "xl/styles.xml", _STYLES_HEAD + b'<cellXfs count="3000000">',
                   [b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'], 3_000_000,
                   b"</cellXfs></styleSheet>")
    return book


def many_fonts_workbook(trust: Path, work: Path) -> Path:
    """A styles.xml of 400,000 fonts, each a different size: under the size limit and compressed like real XML."""
    book = work / "many-fonts.xlsx"
    write_workbook(trust, book)
    fonts = [b'<font><sz val="%d"/></font>' % (7 + i * 7919 % 1_000_003) for i in range(400_000)]
    _streamed_part(book, "xl/styles.xml", _STYLES_HEAD + b'<fonts count="400000">', fonts, len(fonts),
                   b"</fonts></styleSheet>")
    return book


def shared_strings_bomb_workbook(trust: Path, work: Path) -> Path:
    """About 0.5 MB: a sharedStrings.xml of 12 million strings (openpyxl keeps every one)."""
    book = work / "shared-strings-bomb.xlsx"
    write_workbook(trust, book)
    _streamed_part(book, "xl/sharedStrings.xml", _STRINGS_HEAD, [b"<si><t>x</t></si>"], 12_000_000, b"</sst>")
    return book


def many_strings_workbook(trust: Path, work: Path) -> Path:
    """1.2 million distinct shared strings: under the size limit and compressed like real XML."""
    book = work / "many-strings.xlsx"
    write_workbook(trust, book)
    strings = [b"<si><t>S%07d</t></si>" % (i * 7919 % 10_000_000) for i in range(1_200_000)]
    _streamed_part(book, "xl/sharedStrings.xml", _STRINGS_HEAD, strings, len(strings), b"</sst>")
    return book


def huge_string_workbook(trust: Path, work: Path) -> Path:
    """One shared string of 1 MB of random letters (a cell holds at most 32,767 characters)."""
    book = work / "huge-string.xlsx"
    write_workbook(trust, book)
    letters = "".join(random.Random(26).choices(string.ascii_letters, k=1 << 20)).encode()
    _streamed_part(book, "xl/sharedStrings.xml", _STRINGS_HEAD, [b"<si><t>" + letters + b"</t></si>"], 1, b"</sst>")
    return book


def deep_nesting_workbook(trust: Path, work: Path) -> Path:
    """A cell nesting 600,000 elements of random names inside each other (openpyxl keeps them until the row
    ends); random names make it compress like real XML."""
    book = work / "deep-nesting.xlsx"
    write_workbook(trust, book)
    rng = random.Random(26)
    names = ["".join(rng.choices(string.ascii_lowercase, k=4)).encode() for _ in range(600_000)]
    opening = b"".join(b"<" + n + b">" for n in names)
    closing = b"".join(b"</" + n + b">" for n in reversed(names))
    _streamed_part(book, f"xl/worksheets/{_sheet_of(book, 'Staff')}", _SHEET_HEAD + b'<row r="1"><c r="A1">',
                   [opening + closing], 1, b"</c></row>" + _SHEET_TAIL)
    return book


def far_row_workbook(trust: Path, work: Path) -> Path:
    """A row numbered two billion: openpyxl would yield every empty row before it."""
    book = work / "far-row.xlsx"
    write_workbook(trust, book)
    rewrite_sheet(book, _sheet_of(book, "Staff"), lambda xml: xml.replace(
        b"</sheetData>", b'<row r="2000000000"><c r="A2000000000" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData>"))
    return book


def many_sheets_workbook(trust: Path, work: Path) -> Path:
    """The trust's sheets and 150 empty ones."""
    book = work / "many-sheets.xlsx"
    write_workbook(trust, book)
    workbook = openpyxl.load_workbook(book)
    for number in range(150):
        workbook.create_sheet(f"Extra {number}")
    workbook.save(book)
    return book


def real_wide_row_workbook(trust: Path, work: Path) -> Path:
    """One row of 100,000 cells, each with a random attribute so that it compresses like a real sheet."""
    book = work / "real-wide-row.xlsx"
    write_workbook(trust, book)
    noise = random.Random(26).randbytes(4 * 100_000).hex().encode()
    cells = [b'<c x="' + noise[8 * i:8 * i + 8] + b'"/>' for i in range(100_000)]
    _streamed_part(book, f"xl/worksheets/{_sheet_of(book, 'Staff')}", _SHEET_HEAD + b"<row>", cells, len(cells),
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


_RATIO = "times its size, more than a real workbook has (netmap allows 100 times)"
HOSTILE: dict[str, tuple[Callable[[Path, Path], Path], str]] = {  # name: (generator, what the error says)
    "far-cell workbook": (far_cell_workbook, "netmap reads at most 200 columns"),
    "zip-bomb workbook": (zip_bomb_workbook, "more than netmap reads from a workbook (256 MB)"),
    "many-cells workbook": (many_cells_workbook, "more than 10,000,000 cells"),
    "wide-row workbook": (wide_row_workbook, _RATIO),
    "real-wide-row workbook": (real_wide_row_workbook, "more than 16,384 cells, more than Excel allows"),
    "styles-bomb workbook": (styles_bomb_workbook, _RATIO),
    "many-fonts workbook": (many_fonts_workbook, "more than 300,000 XML elements (styles, fonts, fills, ...)"),
    "shared-strings-bomb workbook": (shared_strings_bomb_workbook, _RATIO),
    "many-strings workbook": (many_strings_workbook, "more than 1,000,000 shared strings"),
    "huge-string workbook": (huge_string_workbook, "KB of text in one place, more than a cell holds"),
    "deep-nesting workbook": (deep_nesting_workbook, "XML elements that are not rows, cells or text"),
    "far-row workbook": (far_row_workbook, "past the last row Excel allows (1,048,576)"),
    "many-sheets workbook": (many_sheets_workbook, "has 155 sheets, more than netmap reads from a workbook (100)"),
    "DTD workbook": (dtd_workbook, "cannot be read as an .xlsx workbook"),
    "million-column CSV": (million_columns_csv, "header row has 1,000,000 columns; netmap reads at most 200"),
    "blank-header CSV": (blank_headers_csv, "header row has 3,000,001 columns; netmap reads at most 200"),
}
