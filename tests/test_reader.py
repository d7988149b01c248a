"""Reading input: encodings Excel produces, .xlsx workbooks, file-name matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmap.ingest.validate import validate_source
from tests.conftest import edit
from tests.hostile_files import write_workbook


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_excel_encodings_load(tiny: Path, encoding: str) -> None:
    edit(tiny, "staff", "Grace Hopper", "Zoë O’Connor – Head of Maths")
    path = tiny / "staff.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    dataset, report = validate_source(tiny)
    assert report.ok and dataset is not None
    assert "Zoë O’Connor – Head of Maths" in dataset.staff["name"].tolist()
    assert dataset.staff.columns[0] == "staff_id"  # the BOM is not part of the first header


def test_undecodable_file_is_reported(tiny: Path) -> None:
    (tiny / "groups.csv").write_bytes(b"group_id,name,kind\nG1,\x81\x8d,expert-network\n")
    _, report = validate_source(tiny)
    assert [(p.rule, p.file) for p in report.errors] == [("encoding", "groups.csv")]


def test_malformed_csv_is_reported(tiny: Path) -> None:
    (tiny / "groups.csv").write_text("group_id,name,kind\nG1,a,expert-network,extra,more\n", encoding="utf-8")
    _, report = validate_source(tiny)
    assert [p.rule for p in report.errors] == ["malformed-csv"]
    assert "line 2" in report.errors[0].message


def test_file_names_match_like_headers(tiny: Path) -> None:
    (tiny / "staff.csv").rename(tiny / "Staff.CSV")
    (tiny / "notes.csv").write_text("anything\n1\n", encoding="utf-8")
    dataset, report = validate_source(tiny)
    assert dataset is not None
    assert [(p.rule, p.file) for p in report.warnings if p.rule == "unknown-file"] == [("unknown-file", "notes.csv")]


def test_xlsx_workbook_loads_the_same_as_csv(tiny: Path, tmp_path: Path) -> None:
    book = tmp_path / "trust.xlsx"
    write_workbook(tiny, book)
    from_csv, _ = validate_source(tiny)
    from_xlsx, report = validate_source(book)
    assert report.ok and from_csv is not None and from_xlsx is not None
    assert from_xlsx.equals(from_csv)


def test_xlsx_problems_name_the_sheet_and_row(tiny: Path, tmp_path: Path) -> None:
    edit(tiny, "staff", "S4,ELM,teacher", "S4,ELM,techer")
    book = tmp_path / "trust.xlsx"
    write_workbook(tiny, book)
    _, report = validate_source(book)
    assert [(p.file, p.row, p.column) for p in report.errors] == [("trust.xlsx [Staff]", 5, "role")]


def test_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    from netmap.errors import IngestError

    bad = tmp_path / "trust.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(IngestError, match="cannot be opened as an .xlsx workbook"):
        validate_source(bad)
