"""Bounds on what a trust's input may hold, checked before anything large is built in memory.

A real trust's files are small beside these limits (the largest benchmark, every academy in England, is 500,000
staff and 5 million ties in CSV); a hostile or broken file that declares a million columns, a sheet of
17 billion cells or a workbook that unzips to gigabytes is refused in seconds with one error naming the limit,
instead of exhausting the machine. Workbooks are bounded tighter than CSV because Excel itself stops at about a
million rows a sheet: a trust beyond that loads CSV files.

A workbook is checked in two steps before openpyxl sees it. First its zip directory: how many parts, how large
each unzips (the sizes the archive declares, which bound what unzipping can produce: Python's zipfile stops at the
declared size and checks the CRC) and how much each was compressed. Then every XML part is scanned in 1 MB chunks,
in constant memory, counting tags with regular expressions (fast, in C) rather than parsing them: a DTD, a run of
text longer than any cell, and more cells, rows, shared strings, styles or other elements than the limits are
refused as soon as they are seen. openpyxl parses styles.xml and workbook.xml whole, keeps every shared string,
and keeps the elements of a sheet that are not rows: those are what the limits below bound.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from netmap.errors import IngestError

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_COMPRESSION_RATIO", "MAX_OTHER_ELEMENTS", "MAX_PART_BYTES",
           "MAX_PART_ELEMENTS", "MAX_ROW_CELLS", "MAX_ROW_NUMBER", "MAX_SHARED_STRINGS",
           "MAX_SHARED_STRINGS_BYTES", "MAX_SHEETS", "MAX_TEXT_BYTES", "MAX_WORKBOOK_BYTES", "MAX_WORKBOOK_CELLS",
           "MAX_WORKBOOK_PARTS", "check_workbook_archive"]

MAX_COLUMNS = 200               # columns with a header or a value, per file or sheet (the contract uses at most 8)
MAX_CELLS = 100_000_000         # rows x columns of one CSV file (the 5-million-tie benchmark file has 25 million)
MAX_WORKBOOK_BYTES = 256 << 20  # a workbook's parts once unzipped (Excel's largest sheet is about 100 MB of XML)
MAX_WORKBOOK_CELLS = 10_000_000  # cells written in a workbook's sheets, all together
MAX_ROW_CELLS = 16_384          # cells in one written row: Excel's own last column, XFD
MAX_ROW_NUMBER = 1_048_576      # Excel's own last row
MAX_WORKBOOK_PARTS = 2_000      # files inside the .xlsx zip (a workbook of 8 sheets has about 20)
MAX_SHEETS = 100                # worksheets (the contract has 8 tables)
# Apache POI's default (ZipSecureFile's minimum inflate ratio of 0.01): Excel's XML compresses about 10 times
# (the 2,000-staff sample's sheets 3 to 10 times); only a part over 1 MB unzipped is held to it.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1 << 20
MAX_PART_BYTES = 16 << 20       # each part openpyxl parses whole: styles.xml, workbook.xml, relationships, theme
MAX_PART_ELEMENTS = 300_000     # XML elements in each such part (Excel allows 64,000 cell formats, ~3 elements each)
MAX_SHARED_STRINGS_BYTES = 64 << 20  # sharedStrings.xml unzipped: openpyxl keeps every string in memory
MAX_SHARED_STRINGS = 1_000_000  # distinct strings (a trust of 12,000 staff and 200,000 ties has about 250,000)
MAX_TEXT_BYTES = 256 << 10      # bytes between two tags: Excel's 32,767 characters a cell, escaped, fit with room
MAX_OTHER_ELEMENTS = 500_000    # elements in sheets and shared strings beyond rows, cells and their values
_CELL_ELEMENTS = 3              # elements a plain cell may write: <c>, <v> or <is><t>, <f>

_PREFIXED = re.compile(rb"<([A-Za-z_][\w.-]*):(?=[A-Za-z_])")  # a start tag's namespace prefix, e.g. <x:c
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
# An r="..." reference past Excel's grid: four letters or more, or seven digits or more (checked exactly below).
_FAR_REFERENCE = re.compile(rb"""r\s*=\s*["']([A-Za-z]{4,}\d*|[A-Za-z]*\d{7,})["']""")
_NAME_BYTES = 6  # bytes read after each "<": the longest name told apart ("sheet") and its delimiter
_IS_DELIMITER = np.isin(np.arange(256), np.frombuffer(b" \t\r\n/>", dtype=np.uint8))  # ends a tag's name
_IS_START = ~np.isin(np.arange(256), np.frombuffer(b"/!?", dtype=np.uint8))  # "<" then this: a start tag
_CHUNK = 1 << 20
_FIX = "Re-save it from Excel as .xlsx, or save each sheet as a CSV file and load the folder instead."


@dataclass
class _Counts:
    """What the scan has seen so far in the whole workbook."""

    cells: int = 0
    other: int = 0  # elements in sheets and shared strings that are not rows, cells or their values


def check_workbook_archive(path: Path) -> None:
    """IngestError, naming the limit, the value found and the fix, unless the workbook at `path` is within every
    limit above; checked before openpyxl opens it, in constant memory and in a few seconds at most."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_directory(members, path.name)
            counts = _Counts()
            for member in members:
                kind = _kind(archive, member, path.name)
                if kind == "sheet":
                    _scan_sheet(archive, member, path.name, counts)
                elif kind == "strings":
                    _scan_shared_strings(archive, member, path.name, counts)
                elif kind == "part":
                    _scan_part(archive, member, path.name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise IngestError(f"{path.name} cannot be opened as an .xlsx workbook ({exc}). Re-save it from Excel "
                          "as .xlsx.", file=path.name) from exc


def _name_kind(name: str) -> str | None:
    """What a part's name says it is: a sheet or the shared strings (streamed by openpyxl), another XML part
    (parsed whole), or None for a picture or other binary file."""
    lower = name.lower()
    if lower.startswith("xl/worksheets/") and not lower.endswith(".rels"):
        return "sheet"
    if lower.endswith("sharedstrings.xml"):
        return "strings"
    return "part" if lower.endswith((".xml", ".rels", ".vml")) else None


def _kind(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> str | None:
    """How a part is scanned: by its name, and any other part that starts like XML is scanned as a part read
    whole (openpyxl follows the workbook's relationships, whatever a part is called). IngestError for XML that
    is not UTF-8, which Excel always writes (the scan reads UTF-8 bytes)."""
    kind = _name_kind(member.filename)
    with archive.open(member) as stream:
        head = stream.read(64)
    wide = head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\x00<"))
    if wide or (kind is not None and b"\x00" in head):  # UTF-16 or UTF-32, or a named XML part that is binary
        raise _refuse(file, f"cannot be read as an .xlsx workbook: its part {member.filename} is not UTF-8 XML, "
                            "which Excel always writes", "Re-save it from Excel as .xlsx.")
    if kind is None and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "part"
    return kind


def _refuse(file: str, what: str, fix: str = _FIX) -> IngestError:
    return IngestError(f"{file} {what}. {fix}", file=file)


def _check_directory(members: list[zipfile.ZipInfo], file: str) -> None:
    """The limits the zip's central directory alone answers: parts, sheets, sizes and compression."""
    if len(members) > MAX_WORKBOOK_PARTS:
        raise _refuse(file, f"holds {len(members):,} parts, more than netmap reads from a workbook "
                            f"({MAX_WORKBOOK_PARTS:,}; a workbook of 8 sheets has about 20)")
    sheets = sum(_name_kind(m.filename) == "sheet" for m in members)
    if sheets > MAX_SHEETS:
        raise _refuse(file, f"has {sheets:,} sheets, more than netmap reads from a workbook ({MAX_SHEETS})",
                      "Keep only the sheets netmap reads (schools, staff, groups, ...) and save it again.")
    unzipped = sum(m.file_size for m in members)
    if unzipped > MAX_WORKBOOK_BYTES:
        raise _refuse(file, f"unzips to {unzipped / 2**20:,.0f} MB, more than netmap reads from a workbook "
                            f"({MAX_WORKBOOK_BYTES >> 20} MB)", "Save each sheet as a CSV file and load the folder "
                                                                "instead.")
    for member in members:
        name = member.filename
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise _refuse(file, f"has a part, {name}, that unzips to {ratio:,.0f} times its size, more than a "
                                f"real workbook has (netmap allows {MAX_COMPRESSION_RATIO} times): it is a zip bomb or "
                                "damaged")
        if _name_kind(name) == "strings" and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _refuse(file, f"holds {member.file_size / 2**20:,.0f} MB of shared strings, more than netmap "
                                f"reads ({MAX_SHARED_STRINGS_BYTES >> 20} MB)")


def _bodies(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> Iterator[_Tags]:
    """The part's tags in pieces of about 1 MB of XML, each cut just before a "<" so that no tag is split;
    IngestError on a DTD or a run of text longer than MAX_TEXT_BYTES."""
    tail = b""
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            text = tail + chunk
            cut = text.rfind(b"<") if chunk else len(text)
            body, tail = (text[:cut], text[cut:]) if cut > 0 else (b"", text)
            if b"<!" in body and _DTD.search(body):
                raise _refuse(file, f"cannot be read as an .xlsx workbook: its part {member.filename} declares a "
                                    "DTD (<!DOCTYPE> or <!ENTITY>), which Excel never writes",
                              "Re-save it from Excel as .xlsx.")
            if b":" in body and _PREFIXED.search(body):  # <x:c> is a cell as much as <c> is: count both alike
                body = _PREFIXED.sub(b"<", body)
            tags = _Tags(body)
            if len(tail) > MAX_TEXT_BYTES or tags.longest_text > MAX_TEXT_BYTES:
                raise _refuse(file, f"has a part, {member.filename}, with more than {MAX_TEXT_BYTES >> 10:,} KB "
                                    "of text in one place, more than a cell holds (32,767 characters)")
            if body:
                yield tags
            if not chunk:
                return


class _Tags:
    """The tags of a piece of XML, told apart by the bytes after each "<", with numpy (millions a second)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        padded = np.frombuffer(body + b" " * (_NAME_BYTES + 1), dtype=np.uint8)
        self.at = np.flatnonzero(padded[:len(body)] == ord("<"))
        # Column by column: one index array at a time (a 1 MB piece of "<<<<..." would need 48 MB at once).
        self.names = np.stack([padded[self.at + offset] for offset in range(1, _NAME_BYTES + 1)], axis=1)
        gaps = np.diff(self.at, prepend=0, append=len(body))
        self.longest_text = int(gaps.max()) if len(gaps) else 0
        self.starts = _IS_START[self.names[:, 0]]

    def named(self, name: bytes) -> np.ndarray:
        """A mask of the start tags named `name` (without a namespace prefix: those were removed)."""
        mask = _IS_DELIMITER[self.names[:, len(name)]]
        for index, byte in enumerate(name):
            mask &= self.names[:, index] == byte
        return mask


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> None:
    """A part openpyxl parses whole (styles.xml, workbook.xml, relationships): its elements, and its sheets."""
    if member.file_size > MAX_PART_BYTES:
        raise _refuse(file, f"has a part, {member.filename}, of {member.file_size / 2**20:,.0f} MB, more than "
                            f"netmap reads ({MAX_PART_BYTES >> 20} MB; Excel writes it in well under 1 MB)")
    elements = sheets = 0
    for tags in _bodies(archive, member, file):
        elements += int(tags.starts.sum())
        if elements > MAX_PART_ELEMENTS:
            raise _refuse(file, f"has a part, {member.filename}, of more than {MAX_PART_ELEMENTS:,} XML elements "
                                "(styles, fonts, fills, ...), more than netmap reads (Excel allows 64,000 cell "
                                "formats)", "Re-save it from Excel as .xlsx (Clear Formats in Excel removes unused "
                                            "styles), or save each sheet as a CSV file and load the folder instead.")
        if member.filename == "xl/workbook.xml":
            sheets += int(tags.named(b"sheet").sum())
            if sheets > MAX_SHEETS:
                raise _refuse(file, f"lists more than {MAX_SHEETS} sheets, more than netmap reads from a workbook",
                              "Keep only the sheets netmap reads (schools, staff, groups, ...) and save it again.")


def _scan_shared_strings(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str, counts: _Counts) -> None:
    strings = elements = 0
    for tags in _bodies(archive, member, file):
        strings += int(tags.named(b"si").sum())
        elements += int(tags.starts.sum())
        if strings > MAX_SHARED_STRINGS:
            raise _refuse(file, f"has more than {MAX_SHARED_STRINGS:,} shared strings, more than netmap reads "
                                "from a workbook", "Save each sheet as a CSV file and load the folder instead.")
        _check_other(counts, elements - 2 * strings, file, member.filename)  # <si><t> for each string
    counts.other += max(elements - 2 * strings, 0)


def _check_other(counts: _Counts, more: int, file: str, part: str) -> None:
    if counts.other + more > MAX_OTHER_ELEMENTS:
        raise _refuse(file, f"has more than {MAX_OTHER_ELEMENTS:,} XML elements that are not rows, cells or text "
                            f"(the last in {part}): it is damaged or was not written by a spreadsheet program")


def _scan_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str, counts: _Counts) -> None:
    """Cells, rows and other elements of one sheet; IngestError as soon as a limit is passed."""
    sheet = member.filename.rsplit("/", 1)[-1]
    row_cells = rows = cells = elements = 0  # row_cells: cells so far in the row still open
    for tags in _bodies(archive, member, file):
        _check_references(tags.body, sheet, file)
        is_row, is_cell = tags.named(b"row"), tags.named(b"c")
        started = int(is_row.sum())
        # Cells per row: index 0 counts the cells that continue the row left open by the previous piece.
        per_row = np.bincount(np.cumsum(is_row)[is_cell], minlength=started + 1)
        per_row[0] += row_cells
        if per_row.max() > MAX_ROW_CELLS:
            raise _refuse(file, f"has a row of {sheet} with more than {MAX_ROW_CELLS:,} cells, more than Excel "
                                "allows. The workbook is damaged or was not written by a spreadsheet program",
                          "Re-save it from Excel, or save the sheet as CSV.")
        row_cells = int(per_row[-1])
        rows, cells = rows + started, cells + int(is_cell.sum())
        elements += int(tags.starts.sum())
        if counts.cells + cells > MAX_WORKBOOK_CELLS:
            raise _refuse(file, f"has more than {MAX_WORKBOOK_CELLS:,} cells, more than netmap reads from a "
                                "workbook", "Save each sheet as a CSV file and load the folder instead.")
        _check_other(counts, elements - rows - _CELL_ELEMENTS * cells, file, member.filename)
    counts.cells += cells
    counts.other += max(elements - rows - _CELL_ELEMENTS * cells, 0)


def _check_references(body: bytes, sheet: str, file: str) -> None:
    """IngestError for a row or cell reference past Excel's last row or column: openpyxl would fill the gap."""
    for match in _FAR_REFERENCE.finditer(body):
        if not body[match.start() - 1:match.start()].isspace():  # another attribute ending in r, e.g. xr="..."
            continue
        reference = match.group(1)
        letters = reference.rstrip(b"0123456789")
        number = int(reference[len(letters):] or 0)
        if len(letters) > 3 or number > MAX_ROW_NUMBER:
            raise _refuse(file, f"refers to cell or row {reference[:20].decode(errors='replace')} in {sheet}, "
                                f"past the last row Excel allows ({MAX_ROW_NUMBER:,}) or column (XFD). The workbook "
                                "is damaged or was not written by a spreadsheet program",
                          "Re-save it from Excel, or save the sheet as CSV.")
