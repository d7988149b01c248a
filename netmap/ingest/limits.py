"""Bounds on what a trust's input may hold, checked before anything large is built in memory.

A real trust's files are small beside these limits (the largest benchmark, every academy in England, is 500,000
staff and 5 million ties in CSV); a hostile or broken file that declares a million columns, a sheet of
17 billion cells or a workbook that unzips to gigabytes is refused in seconds with one error naming the limit,
instead of exhausting the machine. Workbooks are bounded tighter than CSV because Excel itself stops at about a
million rows a sheet: a trust beyond that loads CSV files.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from netmap.errors import IngestError

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_ROW_CELLS", "MAX_WORKBOOK_BYTES", "MAX_WORKBOOK_CELLS",
           "check_workbook_archive"]

MAX_COLUMNS = 200               # columns with a header or a value, per file or sheet (the contract uses at most 8)
MAX_CELLS = 100_000_000         # rows x columns of one CSV file (the 5-million-tie benchmark file has 25 million)
MAX_WORKBOOK_BYTES = 256 << 20  # a workbook's parts once unzipped (Excel's largest sheet is about 100 MB of XML)
MAX_WORKBOOK_CELLS = 10_000_000  # cells written in a workbook's sheets, all together
MAX_ROW_CELLS = 16_384          # cells in one written row: Excel's own last column, XFD

_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")  # a <c> cell element, with or without a namespace prefix
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CHUNK = 8 << 20


def check_workbook_archive(path: Path) -> None:
    """IngestError unless the workbook at `path` unzips within MAX_WORKBOOK_BYTES and its sheets write at most
    MAX_WORKBOOK_CELLS cells, none of their rows more than MAX_ROW_CELLS.

    Sizes are the ones the archive declares, which bound what unzipping can produce (Python's zipfile stops at the
    declared size); cells are counted by scanning each sheet's XML in chunks, in constant memory, before openpyxl
    builds anything.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unzipped = sum(m.file_size for m in members)
            if unzipped > MAX_WORKBOOK_BYTES:
                raise IngestError(
                    f"{path.name} unzips to {unzipped / 2**20:,.0f} MB, more than netmap reads from a workbook "
                    f"({MAX_WORKBOOK_BYTES >> 20} MB). Save each sheet as a CSV file and load the folder instead.",
                    file=path.name)
            cells = 0
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                    cells += _count_cells(archive, member, path.name)
                    if cells > MAX_WORKBOOK_CELLS:
                        raise IngestError(
                            f"{path.name} has more than {MAX_WORKBOOK_CELLS:,} cells, more than netmap reads from "
                            "a workbook. Save each sheet as a CSV file and load the folder instead.", file=path.name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise IngestError(f"{path.name} cannot be opened as an .xlsx workbook ({exc}). Re-save it from Excel "
                          "as .xlsx.", file=path.name) from exc


def _count_cells(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> int:
    """Cells written in one sheet's XML; IngestError as soon as one row writes more than MAX_ROW_CELLS."""
    total = row_cells = 0
    tail = b""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            text = tail + chunk
            # While more follows, keep back the text from the last "<": a tag split across chunks counts once, whole.
            cut = text.rfind(b"<") if chunk else -1
            body, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
            for index, piece in enumerate(_ROW.split(body)):
                if index:  # a new row starts with this piece
                    row_cells = 0
                found = len(_CELL.findall(piece))
                row_cells, total = row_cells + found, total + found
                if row_cells > MAX_ROW_CELLS:
                    sheet = member.filename.rsplit("/", 1)[-1]
                    raise IngestError(
                        f"A row of {sheet} in {file} has more than {MAX_ROW_CELLS:,} cells, more than Excel allows. "
                        "The workbook is damaged or was not written by a spreadsheet program: re-save it from "
                        "Excel, or save the sheet as CSV.", file=file)
            if not chunk:
                return total
