"""`netmap import gias`: the DfE's register read as one trust's schools.csv, against a realistic fixture built from
GIAS's published column list (tests/gias_fixture.py) and hand-made bad files; coordinates checked against the
Ordnance Survey's own worked example and an independent implementation of its published formulae."""

from __future__ import annotations

import io
import math
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from netmap.cli import main
from netmap.errors import ValidationFailed
from netmap.imports.gias import phase_of, read_gias, to_lat_long, write_schools
from netmap.ingest.validate import validate_source
from netmap.store import SQLiteStore
from tests.conftest import REPO
from tests.gias_fixture import COLUMNS, OAK, gias_bytes, gias_rows, write_gias
from tests.trusts import PLANTED
from tests.web_helpers import csrf_token, login


@pytest.fixture
def download(tmp_path: Path) -> Path:
    return write_gias(tmp_path)


def _oak(rows: list[dict[str, str]], *statuses: str) -> list[dict[str, str]]:
    return [r for r in rows if r["Trusts (code)"] == OAK and r["EstablishmentStatus (name)"] in statuses]


def _failure(path: Path, trust: str = OAK) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        read_gias(path, trust)
    return [p.describe() for p in caught.value.report.errors]


# --- reading -----------------------------------------------------------------------------------------------------

def test_the_download_is_windows_1252_and_names_keep_curly_apostrophes_and_accents(download: Path) -> None:
    raw = download.read_bytes()
    assert "St Thérèse’s".encode("cp1252") in raw  # the fixture is what GIAS writes: not UTF-8
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    names = set(read_gias(download, OAK).schools["name"])
    expected = {r["EstablishmentName"] for r in _oak(gias_rows(), "Open", "Open, but proposed to close")}
    assert names == expected
    assert any("’" in n for n in names) and any("é" in n or "ë" in n for n in names)


def test_only_the_trusts_open_schools_are_kept_with_urns_as_ids(download: Path) -> None:
    rows = gias_rows()
    found = read_gias(download, OAK)
    expected = _oak(rows, "Open", "Open, but proposed to close")
    assert list(found.schools["school_id"]) == [r["URN"] for r in expected]
    assert found.trust_name == "Oakfield Learning Trust"
    assert found.left_out == {"closed": len(_oak(rows, "Closed")), "proposed to open": len(_oak(rows,
                                                                                               "Proposed to open"))}
    assert found.left_out["closed"] >= 2 and found.left_out["proposed to open"] >= 1
    first = found.schools.iloc[0]
    source = expected[0]
    assert (first["local_authority"], first["region"], first["pupils"], first["fsm_percent"], first["postcode"]) == (
        source["LA (name)"], source["GOR (name)"], source["NumberOfPupils"], source["PercentageFSM"],
        source["Postcode"])
    assert "closed_on" not in found.schools.columns


def test_include_closed_keeps_closed_schools_with_their_iso_closing_date_but_never_proposed_ones(
        download: Path) -> None:
    rows = gias_rows()
    found = read_gias(download, OAK, include_closed=True)
    expected = _oak(rows, "Open", "Open, but proposed to close", "Closed")
    assert list(found.schools["school_id"]) == [r["URN"] for r in expected]
    closed = found.schools[found.schools["status"] == "Closed"]
    assert set(closed["closed_on"]) == {"2024-08-31"}
    assert found.left_out == {"proposed to open": len(_oak(rows, "Proposed to open"))}


@pytest.mark.parametrize(("kind", "phase", "low", "high", "expected"), [
    ("Academy converter", "Primary", "4", "11", "primary"),
    ("Academy converter", "Middle deemed primary", "8", "12", "primary"),
    ("Academy converter", "Middle deemed secondary", "9", "13", "secondary"),
    ("Academy sponsor led", "Secondary", "11", "18", "secondary"),
    ("Free schools", "All-through", "4", "18", "all-through"),
    ("Academy converter", "Nursery", "2", "5", "nursery"),
    ("Academy 16-19 converter", "16 plus", "16", "19", "post-16"),
    ("Free schools 16 to 19", "Not applicable", "16", "19", "post-16"),
    ("Academy special converter", "Not applicable", "2", "19", "special"),
    ("Free schools special", "Secondary", "11", "16", "special"),  # the type decides before the phase
    ("Academy alternative provision sponsor led", "Not applicable", "11", "16", "alternative-provision"),
    ("Pupil referral unit", "Not applicable", "5", "16", "alternative-provision"),
    ("Academy converter", "Not applicable", "4", "11", "primary"),  # the ages decide when nothing else does
    ("Academy converter", "Not applicable", "3", "16", "all-through"),
    ("Academy converter", "Not applicable", "", "", None),
])
def test_phases_come_from_the_type_then_the_phase_then_the_ages(kind: str, phase: str, low: str, high: str,
                                                                 expected: str | None) -> None:
    assert phase_of(kind, phase, low, high) == expected


# --- coordinates ---------------------------------------------------------------------------------------------------

AIRY = (6_377_563.396, 6_356_256.909)
WGS84 = (6_378_137.0, 6_356_752.314245)


def _os_grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """OS "A guide to coordinate systems in Great Britain", annex C: National Grid to OSGB36 latitude and
    longitude (degrees), written out independently of PROJ."""
    a, b = AIRY
    f0, lat0, lon0, n0, e0 = 0.9996012717, math.radians(49), math.radians(-2), -100_000, 400_000
    e2, n = 1 - b * b / (a * a), (a - b) / (a + b)
    lat, m = lat0, 0.0
    while True:
        lat = (northing - n0 - m) / (a * f0) + lat
        d, s = lat - lat0, lat + lat0
        m = b * f0 * ((1 + n + 1.25 * n**2 + 1.25 * n**3) * d - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(d)
                      * math.cos(s) + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * d) * math.cos(2 * s)
                      - 35 / 24 * n**3 * math.sin(3 * d) * math.cos(3 * s))
        if abs(northing - n0 - m) < 1e-5:
            break
    sin, tan, sec = math.sin(lat), math.tan(lat), 1 / math.cos(lat)
    nu = a * f0 / math.sqrt(1 - e2 * sin**2)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin**2) ** 1.5
    eta2 = nu / rho - 1
    de = easting - e0
    lat_out = (lat - tan / (2 * rho * nu) * de**2
               + tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2) * de**4
               - tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4) * de**6)
    lon_out = (lon0 + sec / nu * de - sec / (6 * nu**3) * (nu / rho + 2 * tan**2) * de**3
               + sec / (120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4) * de**5
               - sec / (5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6) * de**7)
    return math.degrees(lat_out), math.degrees(lon_out)


def _osgb36_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """The OS's published Helmert transformation (annex, OSGB36 to WGS84, about 5 m), by cartesian coordinates."""
    a, b = AIRY
    e2 = 1 - b * b / (a * a)
    phi, lam = math.radians(lat), math.radians(lon)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    x, y, z = nu * math.cos(phi) * math.cos(lam), nu * math.cos(phi) * math.sin(lam), (1 - e2) * nu * math.sin(phi)
    tx, ty, tz, s = 446.448, -125.157, 542.060, -20.4894e-6  # the inverse of WGS84 to OSGB36
    rx, ry, rz = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))
    x2 = tx + (1 + s) * x - rz * y + ry * z
    y2 = ty + rz * x + (1 + s) * y - rx * z
    z2 = tz - ry * x + rx * y + (1 + s) * z
    a, b = WGS84
    e2 = 1 - b * b / (a * a)
    p = math.hypot(x2, y2)
    phi = math.atan2(z2, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        phi = math.atan2(z2 + e2 * nu * math.sin(phi), p)
    return math.degrees(phi), math.degrees(math.atan2(y2, x2))


def _metres(one: tuple[float, float], other: tuple[float, float]) -> float:
    lat = math.radians((one[0] + other[0]) / 2)
    return 6_371_000 * math.hypot(math.radians(one[0] - other[0]), math.radians(one[1] - other[1]) * math.cos(lat))


def test_the_independent_formula_reproduces_the_ordnance_surveys_worked_example() -> None:
    """Annex C: E 651409.903, N 313177.270 is 52°39'27.2531" N, 1°43'4.5177" E on OSGB36."""
    lat, lon = _os_grid_to_osgb36(651_409.903, 313_177.270)
    assert lat == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-7)
    assert lon == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-7)


def test_coordinates_agree_with_the_ordnance_surveys_formulae_within_ten_metres(download: Path) -> None:
    """Every school of the fixture's trust, and The Aldgate School's published grid reference (533498, 181201,
    by Aldgate in the City of London: about 51.513 N, 0.077 W)."""
    points = [(533_498.0, 181_201.0)] + [(float(r["Easting"]), float(r["Northing"])) for r in gias_rows()[:40]
                                         if r["Easting"]]
    converted = to_lat_long([e for e, _ in points], [n for _, n in points])
    for (easting, northing), place in zip(points, converted, strict=True):
        assert _metres(place, _osgb36_to_wgs84(*_os_grid_to_osgb36(easting, northing))) < 10, (easting, northing)
    assert converted[0] == pytest.approx((51.513, -0.077), abs=0.001)


def test_schools_without_a_grid_reference_are_kept_without_a_place_with_a_warning(download: Path) -> None:
    found = read_gias(download, OAK)
    placeless = found.schools[found.schools["latitude"] == ""]
    expected = [r["URN"] for r in _oak(gias_rows(), "Open", "Open, but proposed to close") if not r["Easting"]]
    assert list(placeless["school_id"]) == expected and expected
    assert [p.rule for p in found.report.warnings] == ["no-place"] * len(expected)
    assert found.report.warnings[0].describe().endswith(
        "has no grid reference: it is left off the geographic map. Fix: Ask GIAS to add it, or fill in latitude "
        "and longitude in schools.csv.")


# --- the written file, the command, and what it feeds ---------------------------------------------------------------

def test_the_written_schools_file_validates_with_a_trusts_other_files(download: Path, tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    write_schools(read_gias(download, OAK), folder)
    first = pd.read_csv(folder / "schools.csv", dtype=str).iloc[0]["school_id"]
    for name in ("groups", "memberships", "collaborations"):
        shutil.copy(REPO / "tests" / "data" / "tiny" / f"{name}.csv", folder)
    tiny_staff = (REPO / "tests" / "data" / "tiny" / "staff.csv").read_text(encoding="utf-8")
    (folder / "staff.csv").write_text(tiny_staff.replace(",OAK,", f",{first},").replace(",ELM,", f",{first},")
                                      .replace(",ASH,", f",{first},"), encoding="utf-8")
    dataset, report = validate_source(folder)
    assert report.errors == [] and dataset is not None
    schools = dataset.table("schools").set_index("school_id")
    assert schools.loc[first, "latitude"] and float(schools.loc[first, "latitude"]) == pytest.approx(53.785303)


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "cli.db"))
    umask = os.umask(0o022)  # netmap sets the process's umask: give the rest of the session its own back
    os.umask(umask)
    request.addfinalizer(lambda: os.umask(umask))
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_command_reads_the_zip_as_downloaded_and_says_what_it_wrote(tmp_path: Path, run) -> None:
    zipped = write_gias(tmp_path, zipped=True)
    result = run("import", "gias", str(zipped), "--trust", OAK, "--to", str(tmp_path / "trust"))
    assert result.exit_code == 0, result.output
    kept = _oak(gias_rows(), "Open", "Open, but proposed to close")
    assert f"Wrote {len(kept)} schools of Oakfield Learning Trust (UID {OAK}) to {tmp_path / 'trust' / 'schools.csv'}" \
        in result.output
    assert "(--include-closed keeps closed ones)." in result.output
    placed = sum(1 for r in kept if r["Easting"])
    assert f"{placed} of {len(kept)} have a place on the geographic map." in result.output
    assert (tmp_path / "trust" / "schools.csv").read_text(encoding="utf-8").count("\n") == len(kept) + 1


def test_the_command_never_replaces_a_schools_file_unless_told(download: Path, tmp_path: Path, run) -> None:
    (tmp_path / "schools.csv").write_text("school_id,name,phase\nOAK,Oak,primary\n", encoding="utf-8")
    result = run("import", "gias", str(download), "--trust", OAK, "--to", str(tmp_path))
    assert result.exit_code == 1
    assert "schools.csv already exists; nothing was written. Give --overwrite to replace it" in result.output
    assert (tmp_path / "schools.csv").read_text(encoding="utf-8") == "school_id,name,phase\nOAK,Oak,primary\n"
    assert run("import", "gias", str(download), "--trust", OAK, "--to", str(tmp_path), "--overwrite").exit_code == 0
    assert "Oakfield Learning Trust" not in (tmp_path / "schools.csv").read_text(encoding="utf-8")  # the trust's
    assert (tmp_path / "schools.csv").read_text(encoding="utf-8").startswith("school_id,name,phase,region,latitude")


# --- bad files: every problem with file, row, column and fix; nothing written ----------------------------------

def test_an_unknown_trust_is_refused_with_the_trusts_whose_name_matches(download: Path) -> None:
    assert _failure(download, "oakfield") == [
        "edubasealldata20261207.csv, column Trusts (code): No school in the file belongs to the trust with UID "
        "'oakfield' (5 trusts are in it). Fix: Did you mean 16548 (Oakfield Learning Trust)? Give --trust the "
        "trust's UID: the number GIAS shows as the trust's UID on its page, and in the Trusts (code) column."]
    assert "Did you mean 16548 (Oakfield Learning Trust)?" in _failure(download, "16549")[0]


def test_a_file_without_gias_columns_names_each_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("school_id,name,phase\nOAK,Oak,primary\n", encoding="utf-8")
    errors = _failure(path)
    assert len(errors) == 8
    assert errors[0] == ("schools.csv, row 1, column URN: The column URN is missing (it is not GIAS's establishment "
                         "fields file). Fix: Download the establishment fields CSV from Get Information About "
                         "Schools (Downloads > Establishment fields), and give it unchanged, or as the zip it comes "
                         "in.")
    columns = [c for c in COLUMNS if c != "Easting"]
    (tmp_path / "short.csv").write_bytes(gias_bytes(gias_rows(schools=8), columns))
    assert _failure(tmp_path / "short.csv") == [
        "short.csv, row 1, column Easting: The column Easting is missing (GIAS's file has them). Fix: Download the "
        "establishment fields CSV from Get Information About Schools (Downloads > Establishment fields), and give "
        "it unchanged, or as the zip it comes in."]


def test_a_file_that_is_not_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "extract.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert _failure(path) == [
        "extract.pdf: The file is neither UTF-8 nor Windows-1252 text. Fix: Download the establishment fields CSV "
        "from Get Information About Schools (Downloads > Establishment fields), and give it unchanged, or as the "
        "zip it comes in."]


def test_a_zip_with_two_files_is_refused_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "extract.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("edubasealldata.csv", gias_bytes(gias_rows(schools=4)))
        archive.writestr("links.csv", b"URN,LinkURN\n")
    assert _failure(path) == [
        "extract.zip: The zip holds 2 file(s) (edubasealldata.csv, links.csv); GIAS's download holds one CSV file. "
        "Fix: Unzip it and give the establishment fields CSV itself."]


def test_every_bad_row_is_reported_at_once_with_its_row_and_column_and_nothing_is_written(tmp_path: Path) -> None:
    rows = gias_rows(schools=12)  # rows 0, 4 and 8 are the trust's; the header is row 1
    rows[0]["Easting"] = "NZ 123 456"
    rows[4].update({"PhaseOfEducation (name)": "Not applicable", "StatutoryLowAge": "", "StatutoryHighAge": "",
                    "TypeOfEstablishment (name)": "Academy converter", "URN": "12A"})
    rows[8].update({"Northing": "2500000", "EstablishmentStatus (name)": "Open"})
    (tmp_path / "bad.csv").write_bytes(gias_bytes(rows))
    errors = _failure(tmp_path / "bad.csv")
    assert [e.split(":")[0] for e in errors] == ["bad.csv, row 2, column Easting", "bad.csv, row 6, column URN",
                                                 "bad.csv, row 6, column PhaseOfEducation (name)",
                                                 "bad.csv, row 10, column Northing"]
    assert errors[0] == ("bad.csv, row 2, column Easting: 'NZ 123 456' is not a National Grid easting (metres, 0 "
                         "to 700,000). Fix: Give the file as GIAS wrote it; a place outside Great Britain has none.")
    assert not (tmp_path / "trust").exists()


def test_the_import_command_prints_every_error_and_writes_nothing(tmp_path: Path, run) -> None:
    rows = gias_rows(schools=12)
    rows[0]["Easting"] = "-5"
    (tmp_path / "bad.csv").write_bytes(gias_bytes(rows))
    result = run("import", "gias", str(tmp_path / "bad.csv"), "--trust", OAK, "--to", str(tmp_path / "trust"))
    assert result.exit_code == 1
    assert "ERROR   bad.csv, row 2, column Easting: '-5' is not a National Grid easting" in result.output
    assert result.output.rstrip().endswith("Error: 1 error(s) in bad.csv; nothing was written.")
    assert not (tmp_path / "trust").exists()


@pytest.mark.parametrize(("column", "value", "message"), [
    ("latitude", "north", "'north' is not a number of degrees."),
    ("latitude", "530034", "'530034' is outside -90 to 90 degrees."),
    ("longitude", "-181", "'-181' is outside -180 to 180 degrees."),
])
def test_the_contract_checks_latitude_and_longitude(tiny: Path, column: str, value: str, message: str) -> None:
    schools = (tiny / "schools.csv").read_text(encoding="utf-8").splitlines()
    other = "-1.5" if column == "latitude" else "53.8"
    lines = [schools[0] + ",latitude,longitude"] + [line + (f",{value},{other}" if column == "latitude" else
                                                            f",{other},{value}") for line in schools[1:2]]
    lines += [line + ",," for line in schools[2:]]
    (tiny / "schools.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, report = validate_source(tiny)
    assert [(p.row, p.column, p.message) for p in report.errors] == [(2, column, message)]


# --- the upload page's option -------------------------------------------------------------------------------------

def _planted_on_urns(urns: list[str]) -> dict[str, bytes]:
    """The planted trust's staff, groups, memberships and ties, its schools A-D renamed to `urns`."""
    files = {p.name: p.read_bytes() for p in PLANTED.glob("*.csv") if p.name != "schools.csv"}
    staff = files["staff.csv"].decode("utf-8")
    for school, urn in zip("ABCD", urns, strict=True):
        staff = staff.replace(f",{school},", f",{urn},")
    files["staff.csv"] = staff.encode("utf-8")
    return files


def _upload(client: FlaskClient, files: dict[str, bytes], gias: bytes | None, **fields: str):
    data = {"csrf_token": csrf_token(client, "/upload/"), "as_of": "2026-09-01", **fields,
            "files": [(io.BytesIO(content), name) for name, content in files.items()]}
    if gias is not None:
        data["gias"] = (io.BytesIO(gias), "edubasealldata20261207.csv")
    return client.post("/upload/", data=data, content_type="multipart/form-data")


def test_the_upload_page_takes_the_schools_from_a_gias_download(app: Flask) -> None:
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    rows = gias_rows()
    kept = _oak(rows, "Open", "Open, but proposed to close")
    response = _upload(client, _planted_on_urns([r["URN"] for r in kept[:4]]), gias_bytes(rows), gias_trust=OAK)
    assert response.status_code == 302, response.get_data(as_text=True)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        stored = store.read_dataset("2026-09-01")
    schools = stored.table("schools").set_index("school_id")
    assert list(schools.index) == [r["URN"] for r in kept]
    assert schools.loc[kept[0]["URN"], "name"] == kept[0]["EstablishmentName"]
    assert schools["latitude"].notna().sum() == sum(1 for r in kept if r["Easting"])


def test_the_upload_page_shows_the_gias_files_problems_and_stores_nothing(app: Flask) -> None:
    client = app.test_client()
    assert login(client, "admin").status_code == 302
    rows = gias_rows()
    kept = _oak(rows, "Open", "Open, but proposed to close")
    response = _upload(client, _planted_on_urns([r["URN"] for r in kept[:4]]), gias_bytes(rows), gias_trust="99999")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "1 error(s) in the GIAS file: nothing was loaded." in html
    assert "<td>edubasealldata20261207.csv</td><td></td><td>Trusts (code)</td><td>99999</td>" in html
    both = _upload(client, _planted_on_urns([r["URN"] for r in kept[:4]]) | {"schools.csv": b"school_id,name,phase\n"},
                   gias_bytes(rows), gias_trust=OAK)
    assert both.status_code == 422
    assert "Choose schools.csv or a GIAS download, not both" in both.get_data(as_text=True)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        assert [s.as_of for s in store.list_snapshots()] == ["2026-07-01"]
