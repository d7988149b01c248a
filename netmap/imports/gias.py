"""The DfE's register of schools (Get Information About Schools, GIAS) read as a trust's schools.csv: its
"establishment fields" download (Windows-1252 CSV, about 130 columns, often zipped) filtered to one trust by its
UID, with URNs as school ids, phases from the type and phase of education, pupils, free school meals, local
authority and region as context, and British National Grid references converted to latitude and longitude.

Every problem is reported at once, with file, row, column and fix (netmap.ingest.report), and nothing is written
unless the whole trust reads cleanly. Coordinates are converted by PROJ (pyproj) on this machine: its network
access (grid downloads) is switched off, so nothing leaves the machine.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyproj
import pyproj.network

from netmap.contract import normalise_header
from netmap.dataset import Dataset
from netmap.errors import ValidationFailed
from netmap.imports.carry import raw_tables
from netmap.ingest.reader import decode_text
from netmap.ingest.report import Problem, ValidationReport
from netmap.ingest.validate import validate_tables

__all__ = ["MAX_GIAS_BYTES", "REQUIRED", "GiasSchools", "phase_of", "read_gias", "schools_dataset",
           "to_lat_long", "write_schools"]

MAX_GIAS_BYTES = 256 << 20  # England's whole register (about 50,000 establishments) is about 70 MB of CSV

URN, NAME, TYPE, STATUS, PHASE = ("URN", "EstablishmentName", "TypeOfEstablishment (name)",
                                  "EstablishmentStatus (name)", "PhaseOfEducation (name)")
TRUST, TRUST_NAME, EASTING, NORTHING = "Trusts (code)", "Trusts (name)", "Easting", "Northing"
REQUIRED = (URN, NAME, TYPE, STATUS, PHASE, TRUST, EASTING, NORTHING)
# Columns kept as the school's context when the file has them (GIAS's header: netmap's column).
CONTEXT = {"LA (name)": "local_authority", "Postcode": "postcode", "NumberOfPupils": "pupils",
           "PercentageFSM": "fsm_percent", TYPE: "establishment_type", STATUS: "status"}
LOW_AGE, HIGH_AGE, REGION, CLOSE_DATE = "StatutoryLowAge", "StatutoryHighAge", "GOR (name)", "CloseDate"

OPEN_STATUSES = ("open", "open, but proposed to close")
CLOSED, PROPOSED = "closed", "proposed to open"
# PhaseOfEducation (name), folded: netmap's phase. Special and alternative provision come from the type first.
PHASES = {"nursery": "nursery", "primary": "primary", "middle deemed primary": "primary", "secondary": "secondary",
          "middle deemed secondary": "secondary", "16 plus": "post-16", "all-through": "all-through",
          "all through": "all-through"}
_SPECIAL = re.compile(r"special")
_ALTERNATIVE = re.compile(r"alternative provision|pupil referral unit")
_POST_16 = re.compile(r"16[ -]19|16 to 19|sixth form|further education")
# The National Grid's extent (EPSG:27700's area of use), in metres.
MAX_EASTING, MAX_NORTHING = 700_000, 1_300_000
DOWNLOAD_FIX = ("Download the establishment fields CSV from Get Information About Schools (Downloads > "
                "Establishment fields), and give it unchanged, or as the zip it comes in.")

_TO_WGS84 = None  # built on first use: PROJ reads its database once


@dataclass(frozen=True)
class GiasSchools:
    """One trust's schools read from GIAS: the schools table in netmap's contract, the trust's name, how many
    were left out and why, and the warnings found (schools without a place on the map)."""

    schools: pd.DataFrame
    trust: str
    trust_name: str
    left_out: dict[str, int] = field(default_factory=dict)
    report: ValidationReport = field(default_factory=lambda: ValidationReport(""))


def read_gias(path: Path, trust: str, include_closed: bool = False) -> GiasSchools:
    """The schools of the trust whose UID (GIAS's Trusts (code)) is `trust`, open ones only unless
    `include_closed`; schools proposed to open are always left out (they have no staff yet). Raises
    ValidationFailed with every problem found, file, row, column and fix each."""
    report = ValidationReport(str(path))
    name, text = _text_of(path, report)
    frame = _table(name, text, report) if text is not None else None
    if frame is None:
        raise ValidationFailed(report)
    trust = trust.strip()
    codes = frame[TRUST].str.strip()
    rows = frame[codes == trust]
    if rows.empty:
        report.add(Problem("error", "unknown-trust", name, None, TRUST, trust,
                           f"No school in the file belongs to the trust with UID {trust!r} "
                           f"({codes[codes != ''].nunique():,} trusts are in it).", _trust_fix(frame, trust)))
        raise ValidationFailed(report)
    status = rows[STATUS].str.strip().str.casefold()
    unknown = ~status.isin((*OPEN_STATUSES, CLOSED, PROPOSED))
    for index in rows.index[unknown]:
        report.add(Problem("error", "unknown-status", name, _row(index), STATUS, rows.at[index, STATUS],
                           f"The status {rows.at[index, STATUS]!r} is not one GIAS uses.",
                           "Give the file as GIAS wrote it: Open, Open, but proposed to close, Closed or Proposed "
                           "to open."))
    kept = status.isin(OPEN_STATUSES) | (include_closed & (status == CLOSED))
    left_out = {label: int(n) for label, n in (("closed", (status == CLOSED).sum() * (not include_closed)),
                                               ("proposed to open", (status == PROPOSED).sum())) if n}
    schools = _schools(name, rows[kept], include_closed, report)
    if not report.ok:
        raise ValidationFailed(report)
    trust_names = rows[TRUST_NAME].str.strip() if TRUST_NAME in rows else pd.Series(dtype=object)
    return GiasSchools(schools, trust, next((n for n in trust_names if n), trust), left_out, report)


def write_schools(found: GiasSchools, folder: Path, overwrite: bool = False) -> Path:
    """Write `found`'s schools as `folder`/schools.csv (UTF-8), whole or not at all; an existing schools.csv is
    only replaced with `overwrite`."""
    target = folder / "schools.csv"
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".schools-", suffix=".csv", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            found.schools.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def schools_dataset(found: GiasSchools, report: ValidationReport) -> Dataset | None:
    """A trust's first snapshot from the register alone: its schools, no staff or groups yet (they come through
    their imports), checked as any load is; None, with the problems in `report`, when it does not pass."""
    schools = found.schools.replace("", None)
    return validate_tables(raw_tables(Dataset.from_tables({"schools": schools}), "the GIAS download"), report)


def phase_of(establishment_type: str, phase: str, low_age: str = "", high_age: str = "") -> str | None:
    """netmap's phase for a GIAS row: special or alternative provision from the type of establishment, else the
    phase of education, else (16-19 types, "Not applicable") the type and the statutory ages; None if none
    tells."""
    kind = establishment_type.casefold()
    if _SPECIAL.search(kind):
        return "special"
    if _ALTERNATIVE.search(kind):
        return "alternative-provision"
    if (mapped := PHASES.get(phase.strip().casefold())) is not None:
        return mapped
    if _POST_16.search(kind):
        return "post-16"
    low, high = _number(low_age), _number(high_age)
    if low is None or high is None:
        return None
    if low >= 16:
        return "post-16"
    if high <= 5:
        return "nursery"
    if high <= 11:
        return "primary"
    return "secondary" if low >= 10 else "all-through"


def to_lat_long(eastings: list[float], northings: list[float]) -> list[tuple[float, float]]:
    """(latitude, longitude) in WGS84 of British National Grid references (OSGB36, EPSG:27700), by PROJ."""
    global _TO_WGS84
    if _TO_WGS84 is None:
        pyproj.network.set_network_enabled(False)  # no grid is fetched from the internet, whatever PROJ's config
        _TO_WGS84 = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    longitudes, latitudes = _TO_WGS84.transform(eastings, northings, errcheck=True)
    return [(round(float(lat), 6), round(float(lon), 6)) for lat, lon in zip(latitudes, longitudes, strict=True)]


def _text_of(path: Path, report: ValidationReport) -> tuple[str, str | None]:
    """The CSV's name as problems cite it and its text: the file itself, or the one CSV inside a zip."""
    name = path.name
    if not path.is_file():
        report.add(Problem("error", "missing-file", name, None, None, None, f"There is no file {path}.",
                           "Check the path, or " + DOWNLOAD_FIX[0].lower() + DOWNLOAD_FIX[1:]))
        return name, None
    if path.stat().st_size > MAX_GIAS_BYTES:
        report.add(_too_large(name))
        return name, None
    if not zipfile.is_zipfile(path):
        return name, _decoded(path.read_bytes(), name, report)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1 or not members[0].filename.lower().endswith(".csv"):
                listed = ", ".join(m.filename for m in members[:5]) or "nothing"
                report.add(Problem("error", "zip-contents", name, None, None, None,
                                   f"The zip holds {len(members)} file(s) ({listed}); GIAS's download holds one "
                                   "CSV file.", "Unzip it and give the establishment fields CSV itself."))
                return name, None
            member = members[0]
            name = f"{path.name}/{member.filename}"
            if member.file_size > MAX_GIAS_BYTES:
                report.add(_too_large(name))
                return name, None
            with archive.open(member) as inside:
                raw = inside.read(MAX_GIAS_BYTES + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:  # damaged, or encrypted
        report.add(Problem("error", "bad-zip", name, None, None, None, f"The zip cannot be read ({exc}).",
                           "Download it again, or unzip it and give the CSV file."))
        return name, None
    if len(raw) > MAX_GIAS_BYTES:
        report.add(_too_large(name))
        return name, None
    return name, _decoded(raw, name, report)


def _decoded(raw: bytes, name: str, report: ValidationReport) -> str | None:
    """The text (netmap.ingest.reader.decode_text), or None with a fix that sends the user back to GIAS: a file
    that is not text is not its download."""
    text = decode_text(raw, name, report)
    if text is None:
        report.problems[-1] = dataclasses.replace(report.problems[-1], fix=DOWNLOAD_FIX)
    return text


def _too_large(name: str) -> Problem:
    return Problem("error", "too-large", name, None, None, None,
                   f"The file is over {MAX_GIAS_BYTES >> 20} MB: more than England's whole register.",
                   DOWNLOAD_FIX)


def _table(name: str, text: str, report: ValidationReport) -> pd.DataFrame | None:
    """The file as a table of strings with GIAS's headers, or None with the problem reported (not CSV, or
    without the columns netmap reads)."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        report.add(Problem("error", "malformed-csv", name, None, None, None,
                           f"The file cannot be read as CSV ({str(exc).strip() or 'it is empty'}).", DOWNLOAD_FIX))
        return None
    by_folded = {normalise_header(h): h for h in frame.columns}
    frame = frame.rename(columns={by_folded[normalise_header(c)]: c for c in (*REQUIRED, *CONTEXT, LOW_AGE,
                                                                               HIGH_AGE, REGION, CLOSE_DATE,
                                                                               TRUST_NAME)
                                  if normalise_header(c) in by_folded})
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        looks = ("it is not GIAS's establishment fields file" if len(missing) > len(REQUIRED) // 2
                 else "GIAS's file has them")
        for column in missing:
            report.add(Problem("error", "missing-column", name, 1, column, None,
                               f"The column {column} is missing ({looks}).", DOWNLOAD_FIX))
        return None
    return frame


def _row(index: object) -> int:
    """The spreadsheet row of a frame index: the header is row 1."""
    return int(str(index)) + 2


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _schools(name: str, rows: pd.DataFrame, include_closed: bool, report: ValidationReport) -> pd.DataFrame:
    """The kept rows as netmap's schools table, each problem reported with its row and column."""
    records: list[dict[str, str]] = []
    places: list[tuple[int, float, float]] = []
    seen: dict[str, int] = {}
    for index, row in rows.iterrows():
        at = _row(index)
        urn = row[URN].strip()
        if not urn.isdigit():
            report.add(Problem("error", "bad-urn", name, at, URN, row[URN], f"{row[URN]!r} is not a URN.",
                               "A URN is the school's number in GIAS, all digits: give the file as GIAS wrote it."))
        elif urn in seen:
            report.add(Problem("error", "duplicate-id", name, at, URN, urn,
                               f"URN {urn} is listed again (first on row {seen[urn]}).",
                               "Delete the repeated row, or download the file again."))
        seen.setdefault(urn, at)
        if not row[NAME].strip():
            report.add(Problem("error", "missing-value", name, at, NAME, None, "The school has no name.",
                               "Fill in EstablishmentName on this row, or download the file again."))
        phase = phase_of(row[TYPE], row[PHASE], row.get(LOW_AGE, ""), row.get(HIGH_AGE, ""))
        if phase is None:
            report.add(Problem("error", "unknown-phase", name, at, PHASE, row[PHASE],
                               f"Neither the phase {row[PHASE]!r}, the type {row[TYPE]!r} nor the statutory ages say "
                               "whether this is a nursery, primary, secondary, all-through, special, alternative "
                               "provision or post-16 school.",
                               f"Fill in {LOW_AGE} and {HIGH_AGE} on this row (the ages the school takes), or "
                               "check the row in GIAS."))
        record = {"school_id": urn, "name": row[NAME].strip(), "phase": phase or "",
                  "region": row.get(REGION, "").strip(), "latitude": "", "longitude": ""}
        for source, column in CONTEXT.items():
            record[column] = row.get(source, "").strip()
        for column in ("pupils", "fsm_percent"):
            if record[column] and _number(record[column]) is None:
                source = next(s for s, c in CONTEXT.items() if c == column)
                report.add(Problem("warning", "not-a-number", name, at, source, record[column],
                                   f"{record[column]!r} is not a number: left blank.",
                                   "None needed: it is context only, shown beside the school."))
                record[column] = ""
        if include_closed:
            record["closed_on"] = _iso(row.get(CLOSE_DATE, ""))
        place = _grid_reference(name, at, row, report)
        if place is not None:
            places.append((len(records), *place))
        records.append(record)
    if places:
        for (k, _e, _n), (lat, lon) in zip(places, to_lat_long([e for _, e, _ in places],
                                                               [n for _, _, n in places]), strict=True):
            records[k]["latitude"], records[k]["longitude"] = f"{lat:.6f}", f"{lon:.6f}"
    columns = ["school_id", "name", "phase", "region", "latitude", "longitude", *CONTEXT.values()]
    return pd.DataFrame(records, columns=columns + (["closed_on"] if include_closed else []), dtype=object)


def _grid_reference(name: str, at: int, row: pd.Series, report: ValidationReport) -> tuple[float, float] | None:
    """The row's (easting, northing) in metres; None, with a warning, when GIAS gives none (blank or 0), or with an
    error when they are not numbers on the National Grid."""
    easting, northing = row[EASTING].strip(), row[NORTHING].strip()
    if easting in ("", "0") or northing in ("", "0"):
        report.add(Problem("warning", "no-place", name, at, EASTING if easting in ("", "0") else NORTHING, None,
                           f"{row[NAME].strip() or row[URN]} has no grid reference: it is left off the geographic "
                           "map.", "Ask GIAS to add it, or fill in latitude and longitude in schools.csv."))
        return None
    found = []
    for column, text, top in ((EASTING, easting, MAX_EASTING), (NORTHING, northing, MAX_NORTHING)):
        value = _number(text)
        if value is None or not 0 <= value <= top:
            report.add(Problem("error", "bad-grid-reference", name, at, column, text,
                               f"{text!r} is not a National Grid {column.lower()} (metres, 0 to {top:,}).",
                               "Give the file as GIAS wrote it; a place outside Great Britain has none."))
        found.append(value)
    easting_m, northing_m = found
    if easting_m is None or northing_m is None or not (0 <= easting_m <= MAX_EASTING and
                                                        0 <= northing_m <= MAX_NORTHING):
        return None
    return easting_m, northing_m


def _iso(text: str) -> str:
    """GIAS's DD-MM-YYYY date as YYYY-MM-DD; anything else as written."""
    match = re.fullmatch(r"(\d{2})-(\d{2})-(\d{4})", text.strip())
    return f"{match[3]}-{match[2]}-{match[1]}" if match else text.strip()


def _trust_fix(frame: pd.DataFrame, asked: str) -> str:
    """How to find the trust's UID: the trusts whose name contains what was asked, or the nearest UIDs."""
    trusts = frame[[TRUST, TRUST_NAME]] if TRUST_NAME in frame else frame[[TRUST]].assign(**{TRUST_NAME: ""})
    trusts = trusts[trusts[TRUST].str.strip() != ""].drop_duplicates(TRUST)
    named = trusts[trusts[TRUST_NAME].str.casefold().str.contains(asked.casefold(), regex=False)] if asked \
        else trusts.iloc[:0]
    if len(named) == 0:
        near = difflib.get_close_matches(asked, list(trusts[TRUST].str.strip()), n=3, cutoff=0.6)
        named = trusts[trusts[TRUST].str.strip().isin(near)]
    suggestions = "; ".join(f"{code.strip()} ({title.strip()})" for code, title in
                            zip(named[TRUST], named[TRUST_NAME], strict=True)) if len(named) else ""
    hint = f"Did you mean {suggestions}? " if suggestions else ""
    return (f"{hint}Give --trust the trust's UID: the number GIAS shows as the trust's UID on its page, and in the "
            f"{TRUST} column.")
