"""Fuzzing the CSV and workbook readers with Hypothesis: whatever bytes a file holds, validation answers with a
report or an IngestError, never another exception. Run by tests/test_fuzz.py in a child process capped at 1 GB
of memory, so that unbounded memory fails the run too:

    python -m tests.fuzz_readers EXAMPLES
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netmap.errors import IngestError
from netmap.ingest import limits
from netmap.ingest.validate import validate_source
from tests.conftest import TINY
from tests.hostile_files import write_workbook

_WORK = Path(tempfile.mkdtemp(prefix="netmap-fuzz-"))
_BOOK = _WORK / "template.xlsx"
write_workbook(TINY, _BOOK)
_SHEETS = {name: zipfile.ZipFile(_BOOK).read(name) for name in zipfile.ZipFile(_BOOK).namelist()}
_STAFF_SHEET = "xl/worksheets/sheet5.xml"

# Text shaped like a CSV: the contract's headers and ids, separators, quotes, line breaks and odd characters.
_CSV_PIECES = st.sampled_from(["staff_id", "school_id", "role", "name", "OAK", "S1", "teacher", ",", ",,", '"',
                               '""', "\n", "\r\n", "\r", "\t", ";", "=1+1", "\x00", "\ufeff", "é", "—", " ",
                               "2026-01-01", "31/12/2026", "nan", "None", "-1", "1e309", "\u202e", "山田"])
_CSV_TEXT = st.lists(st.one_of(_CSV_PIECES, st.text(max_size=8)), max_size=60).map("".join)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-32", "latin-1", "shift_jis"])


def _validate(source: Path) -> None:
    try:
        validate_source(source)
    except IngestError:
        pass  # a clear, expected refusal


def _folder_with_staff(data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(dir=_WORK))
    shutil.copytree(TINY, folder, dirs_exist_ok=True)
    (folder / "staff.csv").write_bytes(data)
    return folder


_SETTINGS = settings(deadline=None, database=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@given(st.binary(max_size=2000))
def fuzz_csv_bytes(data: bytes) -> None:
    _validate(_folder_with_staff(data))


@given(_CSV_TEXT, _ENCODINGS)
def fuzz_csv_text(text: str, encoding: str) -> None:
    _validate(_folder_with_staff(text.encode(encoding, errors="replace")))


@given(st.binary(max_size=3000))
def fuzz_workbook_bytes(data: bytes) -> None:
    book = Path(tempfile.mkdtemp(dir=_WORK)) / "trust.xlsx"
    book.write_bytes(data)
    _validate(book)


@given(st.integers(min_value=0, max_value=4000), st.integers(min_value=0, max_value=40), st.binary(max_size=60))
def fuzz_workbook_sheet(at: int, cut: int, insert: bytes) -> None:
    """A valid workbook whose staff sheet's XML has `cut` bytes at `at` replaced by `insert`."""
    xml = _SHEETS[_STAFF_SHEET]
    at = min(at, len(xml))
    changed = xml[:at] + insert + xml[at + cut:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _SHEETS.items():
            archive.writestr(name, changed if name == _STAFF_SHEET else content)
    book = Path(tempfile.mkdtemp(dir=_WORK)) / "trust.xlsx"
    book.write_bytes(buffer.getvalue())
    _validate(book)


# The bomb kinds of tests/hostile_files.py, at sizes Hypothesis picks past each limit: (part, head, repeated piece,
# tail, the limit the count of pieces passes). {p} is the namespace prefix, if any, of the sheet's elements.
_BOMBS = {
    "styles": ("xl/styles.xml", b"<styleSheet><cellXfs>", b"<xf/>", b"</cellXfs></styleSheet>",
               limits.MAX_PART_ELEMENTS),
    "shared strings": ("xl/sharedStrings.xml", b"<sst>", b"<si><t>x</t></si>", b"</sst>", limits.MAX_SHARED_STRINGS),
    "nesting": (_STAFF_SHEET, b"<{p}worksheet><{p}sheetData><{p}row><{p}c>", b"<x>", b"", limits.MAX_OTHER_ELEMENTS),
    "wide row": (_STAFF_SHEET, b"<{p}worksheet><{p}sheetData><{p}row>", b"<{p}c/>",
                 b"</{p}row></{p}sheetData></{p}worksheet>", limits.MAX_ROW_CELLS),
    "long text": (_STAFF_SHEET, b"<{p}worksheet><{p}sheetData><{p}row><{p}c><{p}is><{p}t>", b"a",
                  b"</{p}t></{p}is></{p}c></{p}row></{p}sheetData></{p}worksheet>", limits.MAX_TEXT_BYTES),
}


@given(st.sampled_from(sorted(_BOMBS)), st.floats(min_value=1.0, max_value=1.5), st.booleans(),
       st.sampled_from([b"", b"x:", b"main:"]))
def fuzz_workbook_bombs(kind: str, over: float, stored: bool, prefix: bytes) -> None:
    """A valid workbook with one part replaced by a bomb past its limit: refused, with one clear IngestError.
    Stored uncompressed, each limit's own count refuses it; deflated, mostly the compression ratio does."""
    part, head, piece, tail, limit = _BOMBS[kind]
    xmlns = b' xmlns%s="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' % (b":" + prefix[:-1]
                                                                                         if prefix else b"")
    head, piece, tail = (x.replace(b"{p}", prefix) for x in (head, piece, tail))
    head = head.replace(b">", xmlns + b">", 1)
    book = Path(tempfile.mkdtemp(dir=_WORK)) / "trust.xlsx"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, content in _SHEETS.items():
            if name != part:
                archive.writestr(name, content)
        archive.writestr(part, head + piece * (int(limit * over) + 1) + tail)
    try:
        validate_source(book)
    except IngestError as exc:
        assert "netmap" in str(exc) or "Excel" in str(exc), exc
    else:
        raise AssertionError(f"a {kind} bomb ({over:.2f} times the limit) was not refused")
    finally:
        book.unlink()


FUZZERS = (fuzz_csv_bytes, fuzz_csv_text, fuzz_workbook_bytes, fuzz_workbook_sheet, fuzz_workbook_bombs)
BOMB_EXAMPLES = 15  # each builds and refuses a part of up to 40 MB: a few seconds (CI stays well under 20 minutes)


def main(examples: int) -> None:
    try:
        for fuzzer in FUZZERS:
            count = min(examples, BOMB_EXAMPLES) if fuzzer is fuzz_workbook_bombs else examples
            settings(_SETTINGS, max_examples=count)(fuzzer)()
            print(f"{fuzzer.__name__}: {count} examples, no failure", flush=True)
    finally:
        shutil.rmtree(_WORK, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
