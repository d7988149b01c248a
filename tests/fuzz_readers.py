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


FUZZERS = (fuzz_csv_bytes, fuzz_csv_text, fuzz_workbook_bytes, fuzz_workbook_sheet)


def main(examples: int) -> None:
    try:
        for fuzzer in FUZZERS:
            settings(_SETTINGS, max_examples=examples)(fuzzer)()
            print(f"{fuzzer.__name__}: {examples} examples, no failure", flush=True)
    finally:
        shutil.rmtree(_WORK, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
