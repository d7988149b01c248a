"""Each workbook limit of netmap.ingest.limits on a tiny workbook, the limit lowered to fit: the check refuses
exactly what passes it, whatever namespace prefix or chunk boundary hides it. The real-sized hostile workbooks are
in tests/test_hostile_input.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from netmap.errors import IngestError
from netmap.ingest import limits
from netmap.ingest.limits import check_workbook_archive

_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _book(tmp_path: Path, parts: dict[str, bytes]) -> Path:
    path = tmp_path / "trust.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _sheet(rows: bytes, prefix: bytes = b"") -> bytes:
    p = prefix + b":" if prefix else b""
    xmlns = _MAIN.replace(b"xmlns=", b"xmlns:" + prefix + b"=") if prefix else _MAIN
    return b"<" + p + b"worksheet " + xmlns + b"><" + p + b"sheetData>" + rows + b"</" + p + b"sheetData></" + p + \
        b"worksheet>"


def _refusal(tmp_path: Path, parts: dict[str, bytes]) -> str:
    with pytest.raises(IngestError) as caught:
        check_workbook_archive(_book(tmp_path, parts))
    return str(caught.value)


@pytest.mark.parametrize("prefix", [b"", b"x"])
def test_cells_in_one_row_are_counted_with_or_without_a_namespace_prefix(tmp_path: Path, prefix: bytes,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROW_CELLS", 3)
    p = prefix + b":" if prefix else b""
    row = b"<" + p + b"row>" + (b"<" + p + b"c/>") * 3 + b"</" + p + b"row>"
    check_workbook_archive(_book(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(row * 5, prefix)}))
    wide = b"<" + p + b"row>" + (b"<" + p + b"c/>") * 4 + b"</" + p + b"row>"
    assert "has a row of sheet1.xml with more than 3 cells" in _refusal(
        tmp_path, {"xl/worksheets/sheet1.xml": _sheet(row + wide + row, prefix)})


def test_a_row_split_across_chunks_is_counted_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROW_CELLS", 300)
    monkeypatch.setattr(limits, "_CHUNK", 64)  # a row of 301 cells spans about 20 chunks
    ok = b"<row>" + b'<c r="A1"/>' * 300 + b"</row>"
    check_workbook_archive(_book(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(ok * 3)}))
    wide = b"<row>" + b'<c r="A1"/>' * 301 + b"</row>"
    assert "more than 300 cells" in _refusal(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(ok + wide)})


@pytest.mark.parametrize(("reference", "refused"), [
    (b"XFD1048576", False), (b"A1048577", True), (b"AAAA1", True), (b"1048576", False), (b"2000000000", True),
])
def test_references_past_the_last_row_or_column_are_refused(tmp_path: Path, reference: bytes,
                                                            refused: bool) -> None:
    attribute = b'r="' + reference + b'"'
    row = (b"<row " + attribute + b"/>") if reference.isdigit() else (b"<row><c " + attribute + b"/></row>")
    parts = {"xl/worksheets/sheet1.xml": _sheet(b'<row r="1" spans="1:2"/>' + row)}
    if refused:
        assert f"refers to cell or row {reference.decode()} in sheet1.xml" in _refusal(tmp_path, parts)
    else:
        check_workbook_archive(_book(tmp_path, parts))


def test_shared_strings_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 10)
    strings = b"<sst " + _MAIN + b">" + b"<si><t>a</t></si>" * 10 + b"</sst>"
    check_workbook_archive(_book(tmp_path, {"xl/sharedStrings.xml": strings}))
    more = strings.replace(b"</sst>", b"<si><t>b</t></si></sst>")
    assert "has more than 10 shared strings" in _refusal(tmp_path, {"xl/sharedStrings.xml": more})


def test_elements_of_styles_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PART_ELEMENTS", 12)
    styles = b"<styleSheet " + _MAIN + b"><fonts>" + b"<font/>" * 10 + b"</fonts></styleSheet>"
    check_workbook_archive(_book(tmp_path, {"xl/styles.xml": styles}))
    assert "has a part, xl/styles.xml, of more than 12 XML elements" in _refusal(
        tmp_path, {"xl/styles.xml": styles.replace(b"<font/>", b"<font/><font/>", 2)})


def test_text_longer_than_any_cell_is_refused_even_across_chunks(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 1000)
    monkeypatch.setattr(limits, "_CHUNK", 300)
    cell = b'<row><c t="inlineStr"><is><t>' + b"a" * 990 + b"</t></is></c></row>"
    check_workbook_archive(_book(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(cell * 3)}))
    assert "more than 0 KB of text in one place" in _refusal(
        tmp_path, {"xl/worksheets/sheet1.xml": _sheet(cell.replace(b"a" * 990, b"a" * 1001))})


def test_elements_that_are_not_cells_are_counted_across_parts(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_OTHER_ELEMENTS", 20)
    cells = b"<row>" + b'<c t="inlineStr"><is><t>1</t></is></c>' * 50 + b"</row>"  # 3 elements a cell: no slack
    nested = b"<c>" + b"<x>" * 12 + b"</x>" * 12 + b"</c>"
    sheet = _sheet(cells + b"<row>" + nested + b"</row>")  # 12 others: 2 + 12 <x> - 2 the cell may write
    check_workbook_archive(_book(tmp_path, {"xl/worksheets/sheet1.xml": sheet}))
    assert "has more than 20 XML elements that are not rows, cells or text (the last in xl/worksheets/sheet2" in \
        _refusal(tmp_path, {"xl/worksheets/sheet1.xml": sheet, "xl/worksheets/sheet2.xml": sheet})


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_a_dtd_in_any_part_is_refused(tmp_path: Path, part: str) -> None:
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x ' + _MAIN + b">&a;</x>"
    assert f"its part {part} declares a DTD" in _refusal(tmp_path, {part: xml})


def test_the_zip_directory_is_checked_before_anything_is_unzipped(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = _sheet(b"<row><c/></row>")
    monkeypatch.setattr(limits, "MAX_WORKBOOK_PARTS", 3)
    assert "holds 4 parts" in _refusal(tmp_path, {f"docProps/p{n}.xml": b"<x/>" for n in range(4)})
    monkeypatch.setattr(limits, "MAX_SHEETS", 2)
    assert "has 3 sheets" in _refusal(tmp_path, {f"xl/worksheets/sheet{n}.xml": sheet for n in range(3)})
    monkeypatch.setattr(limits, "RATIO_CHECKED_FROM", 1000)
    repeated = _sheet(b"<row><c/></row>" * 10_000)  # 150 KB that deflate packs into a few hundred bytes
    assert "sheet1.xml, that unzips to" in _refusal(tmp_path, {"xl/worksheets/sheet1.xml": repeated})


def test_a_sheet_under_another_name_is_still_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl follows the workbook's relationships, whatever a part is called: XML anywhere is scanned."""
    monkeypatch.setattr(limits, "MAX_PART_ELEMENTS", 100)
    sheet = _sheet(b"<row>" + b"<c/>" * 200 + b"</row>")
    check_workbook_archive(_book(tmp_path, {"xl/media/image1.png": b"\x89PNG\r\n\x1a\n\x00\x00<" + bytes(500)}))
    assert "has a part, xl/media/image1.png, of more than 100 XML elements" in _refusal(
        tmp_path, {"xl/media/image1.png": sheet})


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_xml_that_is_not_utf8_is_refused(tmp_path: Path, codec: str) -> None:
    sheet = _sheet(b"<row><c/></row>").decode().encode(codec)
    assert "its part xl/worksheets/sheet1.xml is not UTF-8 XML" in _refusal(
        tmp_path, {"xl/worksheets/sheet1.xml": sheet})
