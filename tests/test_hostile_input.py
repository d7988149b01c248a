"""Hostile and odd input: each file of the attack run refused with one clear error, within 1 GB, from the CLI and
the upload page; rows a workbook under-declares still read; encodings told apart; control characters refused.

What rejecting each hostile file costs (seconds, peak memory) is measured by benchmarks/hostile_input.py."""

from __future__ import annotations

import codecs
import io
import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from netmap.errors import IngestError
from netmap.ingest.sandbox import validate_with_limits
from netmap.ingest.validate import validate_source
from netmap.store import SQLiteStore
from tests.conftest import REPO, TINY, edit
from tests.hostile_files import HOSTILE, rewrite_sheet, write_workbook
from tests.web_helpers import csrf_token, login

ONE_GB = 1 << 30


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ONE_GB, ONE_GB))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("hostile")
    return {name: make(TINY, work) for name, (make, _) in HOSTILE.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_cli_refuses_each_hostile_file_within_one_gigabyte(hostile: dict[str, Path], name: str,
                                                           tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", "from netmap.cli import main; main()", "validate",
                             str(hostile[name])],
                            capture_output=True, text=True, timeout=300, preexec_fn=_cap_memory, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert HOSTILE[name][1] in output
    assert "Traceback" not in output and "MemoryError" not in output


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HOSTILE))
def test_upload_page_refuses_each_hostile_file(app: Flask, hostile: dict[str, Path], name: str) -> None:
    client = app.test_client()
    login(client, "admin")
    source = hostile[name]
    files = [source] if source.is_file() else sorted(source.glob("*.csv"))
    data = {"csrf_token": csrf_token(client, "/upload/"), "as_of": "2026-09-01",
            "files": [(io.BytesIO(f.read_bytes()), f.name) for f in files]}
    # Built here so that its body's temporary file (werkzeug spools bodies over 500 KB) is closed, not leaked.
    environ = EnvironBuilder(path="/upload/", method="POST", data=data,
                             content_type="multipart/form-data").get_environ()
    try:
        response = client.open(environ)
        html = response.get_data(as_text=True)
    finally:
        environ["wsgi.input"].close()
    assert response.status_code == 422
    assert HOSTILE[name][1] in html
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-07-01"]


def test_validation_in_a_child_stops_at_its_memory_limit(tiny: Path) -> None:
    with pytest.raises(IngestError, match="needed more than the 40 MB of memory allowed"):
        validate_with_limits(tiny, memory_mb=40, seconds=120)


def test_validation_in_a_child_stops_at_its_time_limit(tiny: Path) -> None:
    with pytest.raises(IngestError, match=r"took longer than the 0.01 s allowed"):
        validate_with_limits(tiny, memory_mb=2048, seconds=0.01)


def test_validation_in_a_child_returns_what_validation_in_process_does(tiny: Path) -> None:
    edit(tiny, "staff", "S4,ELM,teacher", "S4,ELM,techer")
    dataset, report = validate_with_limits(tiny, memory_mb=2048, seconds=120)
    assert dataset is None and [(p.file, p.row, p.column) for p in report.errors] == [("staff.csv", 5, "role")]
    edit(tiny, "staff", "S4,ELM,techer", "S4,ELM,teacher")
    dataset, _ = validate_with_limits(tiny, memory_mb=2048, seconds=120)
    in_process, _ = validate_source(tiny)
    assert dataset is not None and in_process is not None and dataset.equals(in_process)


def test_rows_past_a_sheets_declared_dimension_are_read(tiny: Path, tmp_path: Path) -> None:
    existing = {tuple(line.split(",")[:3]) for line in (tiny / "collaborations.csv").read_text().splitlines()}
    ties = [(f"S{a}", f"S{b}", kind) for kind in ("advice", "coaching", "peer-review") for a in range(1, 6)
            for b in range(1, 6) if a != b and (f"S{a}", f"S{b}", kind) not in existing][:50]
    with (tiny / "collaborations.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(f"{a},{b},{kind},1,2026-01-01\n" for a, b, kind in ties)
    book = tmp_path / "trust.xlsx"
    write_workbook(tiny, book)
    from openpyxl import load_workbook

    sheet = f"sheet{load_workbook(book, read_only=True).sheetnames.index('Collaborations') + 1}.xml"
    rewrite_sheet(book, sheet, lambda xml: re.sub(rb'<dimension ref="A1:E55"\s*/>', b'<dimension ref="A1:B10"/>', xml))
    assert b'ref="A1:B10"' in zipfile.ZipFile(book).read(f"xl/worksheets/{sheet}")
    from_xlsx, report = validate_source(book)
    from_csv, _ = validate_source(tiny)
    assert from_xlsx is not None and from_csv is not None, report.errors
    assert len(from_xlsx.collaborations) == len(from_csv.collaborations) == 54
    assert from_xlsx.equals(from_csv)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_byte_order_mark_load_like_utf8(tiny: Path, codec: str) -> None:
    edit(tiny, "staff", "Grace Hopper", "Zoë Ōkubo")
    expected, _ = validate_source(tiny)
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    path = tiny / "staff.csv"
    path.write_bytes(bom + path.read_text(encoding="utf-8").encode(codec))
    dataset, report = validate_source(tiny)
    assert report.ok and dataset is not None and expected is not None
    assert dataset.equals(expected)


def test_utf16_without_a_byte_order_mark_is_one_clear_error(tiny: Path) -> None:
    path = tiny / "staff.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    _, report = validate_source(tiny)
    assert [(p.rule, p.file) for p in report.errors] == [("encoding", "staff.csv")]
    assert "UTF-16 or UTF-32 text without the byte-order mark" in report.errors[0].message


def test_shift_jis_is_refused_not_loaded_garbled(tiny: Path) -> None:
    edit(tiny, "staff", "Grace Hopper", "山田花子")
    path = tiny / "staff.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("shift_jis"))
    _, report = validate_source(tiny)
    assert [(p.rule, p.file) for p in report.errors] == [("encoding", "staff.csv")]
    assert "another encoding" in report.errors[0].message or "neither UTF-8" in report.errors[0].message


def test_western_names_in_windows_1252_still_load(tiny: Path) -> None:
    edit(tiny, "staff", "Grace Hopper", "Zoë Brontë-Müller")
    path = tiny / "staff.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    dataset, report = validate_source(tiny)
    assert report.ok and dataset is not None and "Zoë Brontë-Müller" in dataset.staff["name"].tolist()


@pytest.mark.parametrize(("old", "new", "column"), [
    ("S4,ELM,teacher", "S\x004,ELM,teacher", "staff_id"),
    ("S4,ELM,teacher", "S\t4,ELM,teacher", "staff_id"),
    ("Grace Hopper", "Grace\x07Hopper", "name"),
])
def test_control_characters_are_refused(tiny: Path, old: str, new: str, column: str) -> None:
    edit(tiny, "staff", old, new)
    _, report = validate_source(tiny)
    problems = [(p.rule, p.file, p.column) for p in report.errors if p.rule == "control-character"]
    assert problems == [("control-character", "staff.csv", column)]
    assert "U+00" in report.errors[0].message


def test_a_too_wide_workbook_row_names_the_cell(tiny: Path, tmp_path: Path) -> None:
    book = tmp_path / "trust.xlsx"
    write_workbook(tiny, book)
    from openpyxl import load_workbook

    sheet = f"sheet{load_workbook(book, read_only=True).sheetnames.index('Staff') + 1}.xml"
    rewrite_sheet(book, sheet, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="9"><c r="HZ9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    _, report = validate_source(book)
    assert [(p.rule, p.row, p.column) for p in report.errors] == [("too-many-columns", 9, "HZ")]


@pytest.mark.parametrize(("fields", "said"), [
    ({}, "Choose the files to upload"),
    ({"files": (io.BytesIO(b""), "")}, "Choose the files to upload"),  # the browser's "no file chosen"
    ({"files": "not a file"}, "Choose the files to upload"),
    ({"other": (io.BytesIO(b"staff_id\n"), "staff.csv")}, "Choose the files to upload"),  # the wrong field
    ({"files": [(io.BytesIO(b""), "staff.csv"), (io.BytesIO(b"x\n"), "schools.csv")]},
     "&#39;staff.csv&#39; is empty (0 bytes)"),
    ({"files": (io.BytesIO(b""), "trust.xlsx")}, "&#39;trust.xlsx&#39; is empty (0 bytes)"),
])
def test_an_upload_without_anything_to_read_is_a_clear_400(app: Flask, fields: dict[str, object],
                                                           said: str) -> None:
    client = app.test_client()
    login(client, "admin")
    data = {"csrf_token": csrf_token(client, "/upload/"), "as_of": "2026-09-01", **fields}
    response = client.post("/upload/", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert said in response.get_data(as_text=True)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-07-01"]


def test_an_upload_without_a_snapshot_date_is_a_clear_400(app: Flask) -> None:
    client = app.test_client()
    login(client, "admin")
    response = client.post("/upload/", data={"csrf_token": csrf_token(client, "/upload/"), "as_of": "soon",
                                             "files": (io.BytesIO(b"x\n"), "staff.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "(Snapshot date: Not a valid date value.)" in response.get_data(as_text=True)


def test_an_empty_post_without_its_form_token_is_a_clear_400(app: Flask) -> None:
    client = app.test_client()
    login(client, "admin")
    response = client.post("/upload/", data=b"")
    assert response.status_code == 400
    assert "security token is missing" in response.get_data(as_text=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["styles-bomb workbook", "shared-strings-bomb workbook", "many-strings workbook"])
def test_netmap_load_of_a_bomb_stores_nothing(hostile: dict[str, Path], name: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from netmap.cli import main

    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    result = CliRunner().invoke(main, ["load", str(hostile[name]), "--as-of", "2026-09-01"])
    assert result.exit_code == 1 and HOSTILE[name][1] in result.output
    with SQLiteStore(tmp_path / "cli.db") as store:
        assert store.list_snapshots() == []
