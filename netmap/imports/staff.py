"""Staff from a MIS or HR export, through a column mapping: read only the mapped columns, translate role and
subject codes and school names, and build the next snapshot's staff table on the latest one's.

Problems name the export's own file, spreadsheet row and header, and say the fix (in the export or the mapping).
Whoever the last snapshot held in post and the export no longer lists has left: they stay in the staff table with
a leaving day (so their ties keep their history, and their netmap account stops working, see webapp.leavers).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netmap.contract import ROLES, normalise_header
from netmap.dataset import Dataset
from netmap.imports.carry import raw_tables
from netmap.imports.mapping import FIELDS, StaffMapping, is_sensitive
from netmap.ingest.reader import RawTable, read_grid
from netmap.ingest.report import Problem, ValidationReport
from netmap.ingest.validate import validate_tables

__all__ = ["StaffExport", "codes_in", "next_dataset", "read_staff_export", "resolve_school", "schools_named"]

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d %B %Y",
                 "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")
_LABELS = {f.name: f.label for f in FIELDS}


@dataclass
class StaffExport:
    """An export read through a mapping: its staff as a contract table (rows numbered as in the export), the
    columns dropped unread, and the export header each contract column came from (for messages)."""

    file: str
    table: RawTable
    dropped: list[str]
    headers: dict[str, str]
    school: str | None = None
    reported: set[tuple[int | None, str | None]] = field(default_factory=set)

    def dropped_note(self) -> str:
        """One sentence: which columns were dropped unread, the sensitive ones first."""
        if not self.dropped:
            return "Every column of the export was mapped."
        sensitive = [h for h in self.dropped if is_sensitive(h)]
        other = [h for h in self.dropped if not is_sensitive(h)]
        parts = []
        if sensitive:
            parts.append(f"{', '.join(sensitive)} (never kept: identifiers and special categories)")
        if other:
            parts.append(f"{', '.join(other)} (not mapped)")
        return f"Dropped {len(self.dropped)} column(s) unread: {'; '.join(parts)}."


def _iso(text: str) -> str:
    """A date in a common export format as YYYY-MM-DD; anything else as given, for validation to report."""
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def resolve_school(value: str, mapping: StaffMapping, schools: pd.DataFrame) -> str | None:
    """The school id an export's school value names: through the mapping's [schools], or a school's own id or
    name (case and spacing ignored); None when none, or when the name is two schools' (never a guess)."""
    folded = normalise_header(value)
    for key, school_id in mapping.schools.items():
        if normalise_header(key) == folded:
            return school_id
    named = schools_named(value, schools)
    return named[0] if len(named) == 1 else None


def schools_named(value: str, schools: pd.DataFrame) -> list[str]:
    """The schools whose id is `value` (that one alone), else those whose name is (case and spacing ignored)."""
    folded = normalise_header(value)
    ids = [str(s) for s in schools["school_id"] if normalise_header(str(s)) == folded]
    return ids or [str(s) for s, name in zip(schools["school_id"], schools["name"], strict=True)
                   if normalise_header(str(name or "")) == folded]


def read_staff_export(path: Path, mapping: StaffMapping, schools: pd.DataFrame, report: ValidationReport, *,
                      school: str | None = None) -> StaffExport | None:
    """Read the export at `path` through `mapping` into a staff table, adding every problem to `report`; None
    when the file or its headers cannot be used at all. `school`: the school a one-school export (SIMS) is from,
    for a mapping without a school column. `schools`: the trust's schools (id, name)."""
    file = path.name
    grid = read_grid(path, report)
    if grid is None:
        return None
    if grid.empty:
        report.add(Problem("error", "empty-file", file, None, None, None, "The export is empty.",
                           "Export the staff list again, with its header row."))
        return None
    header = [str(h).strip() for h in grid.iloc[0]]
    index_of = {normalise_header(h): i for i, h in reversed(list(enumerate(header))) if h}
    known = set(schools["school_id"].dropna())
    ok = True
    for f in FIELDS:
        for wanted in mapping.header_of(f.name):
            if normalise_header(wanted) not in index_of:
                ok = False
                report.add(Problem("error", "missing-column", file, 1, wanted, None,
                                   f"The export has no column {wanted!r}, which mapping {mapping.name} reads for "
                                   f"{f.label.lower()}.",
                                   f"Export it with that column, or change the mapping to the header your export "
                                   f"uses (its headers: {', '.join(h for h in header if h)})."))
    if not mapping.header_of("school_id"):
        if school is None:
            ok = False
            report.add(Problem("error", "no-school", file, None, None, None,
                               f"Mapping {mapping.name} has no school column, and no school was given.",
                               "Say which school this export is from (--school ID on the command line), or map "
                               "the export's school column."))
        elif school not in known:
            ok = False
            report.add(Problem("error", "unknown-school", file, None, None, school,
                               f"{school!r} is not a school of the latest snapshot.",
                               f"Give one of {', '.join(sorted(known))}, or load the school first."))
    if not ok:
        return None
    body = grid.iloc[1:].reset_index(drop=True)
    filled = body.apply(lambda row: any(str(v).strip() for v in row), axis=1) if len(body) else pd.Series([], bool)
    body = body[filled]
    rows = pd.Series([int(i) + 2 for i in body.index], dtype="int64")
    body = body.reset_index(drop=True)

    def cells(header_text: str) -> list[str | None]:
        return [str(v).strip() or None for v in body.iloc[:, index_of[normalise_header(header_text)]]]

    out: dict[str, list[str | None]] = {}
    headers: dict[str, str] = {}
    exported = StaffExport(file, RawTable("staff", file, pd.DataFrame(), rows), [], headers, school)
    for f in FIELDS:
        mapped = mapping.header_of(f.name)
        if not mapped:
            continue
        headers[f.name] = " + ".join(mapped)
        if f.name == "name":
            parts = [cells(h) for h in mapped]
            out["name"] = [" ".join(p for p in ps if p) or None for ps in zip(*parts, strict=True)]
            continue
        values = cells(mapped[0])
        if f.name == "role":
            values = [_role(v, i, mapping, exported, report, rows) for i, v in enumerate(values)]
        elif f.name == "school_id":
            values = [_school(v, i, mapping, schools, exported, report, rows) for i, v in enumerate(values)]
        elif f.name == "subjects":
            values = [_subjects(v, mapping) for v in values]
        elif f.name in ("started_on", "left_on"):
            values = [None if v is None else _iso(v) for v in values]
        elif f.name == "email":
            values = [None if v is None else v.lower() for v in values]
        out[f.name] = values
    if school is not None and "school_id" not in out:
        out["school_id"] = [school] * len(body)
        headers["school_id"] = "--school"
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in out.items()})
    frame, rows = _drop_repeats(frame, rows, exported, report)
    used = {normalise_header(h) for hs in mapping.columns.values() for h in hs}
    exported.dropped = [h for h in header if h and normalise_header(h) not in used]
    exported.table = RawTable("staff", file, frame, rows, ["email"] if "email" in frame.columns else [])
    return exported


def codes_in(path: Path, report: ValidationReport, columns: list[str | None], limit: int = 60
             ) -> tuple[list[str], dict[str, list[str]]]:
    """An export's headers, and the distinct values (at most `limit`, sorted) of each of `columns` it has: the
    role and school codes a mapping's vocabularies translate. Never other columns' values (names, NI numbers)."""
    grid = read_grid(path, report)
    if grid is None or grid.empty:
        return [], {}
    header = [str(h).strip() for h in grid.iloc[0]]
    values: dict[str, list[str]] = {}
    for wanted in columns:
        if wanted and wanted in header:
            cells = {str(v).strip() for v in grid.iloc[1:, header.index(wanted)] if str(v).strip()}
            values[wanted] = sorted(cells)[:limit]
    return [h for h in header if h], values


def _role(value: str | None, i: int, mapping: StaffMapping, exported: StaffExport, report: ValidationReport,
          rows: pd.Series) -> str | None:
    """The netmap role of export row `i`'s role code; None, with the problem reported, when the mapping lacks it."""
    if value is None:
        return None
    role = mapping.role_of(value)
    if role is None:
        header = exported.headers["role"]
        exported.reported.add((int(rows.iat[i]), header))
        report.add(Problem("error", "unknown-role-code", exported.file, int(rows.iat[i]), header, value,
                           f"{value!r} is not in mapping {mapping.name}'s role vocabulary.",
                           f"Add {value!r} under [roles] in the mapping with one of {', '.join(ROLES)} (or choose "
                           "it on the mapping page), or correct the cell."))
    return role


def _school(value: str | None, i: int, mapping: StaffMapping, schools: pd.DataFrame, exported: StaffExport,
            report: ValidationReport, rows: pd.Series) -> str | None:
    """The school id of export row `i`'s school value; None, with the problem reported, when no school is it."""
    if value is None:
        return None
    school_id = resolve_school(value, mapping, schools)
    if school_id is None:
        header = exported.headers["school_id"]
        exported.reported.add((int(rows.iat[i]), header))
        named = schools_named(value, schools)
        if len(named) > 1:
            report.add(Problem("error", "ambiguous-school", exported.file, int(rows.iat[i]), header, value,
                               f"{value!r} is the name of {len(named)} schools ({', '.join(named)}).",
                               f"Add {value!r} = \"SCHOOL_ID\" under [schools] in mapping {mapping.name} (or "
                               "choose it on the mapping page), or export the school's code instead of its name."))
            return None
        report.add(Problem("error", "unknown-school", exported.file, int(rows.iat[i]), header, value,
                           f"{value!r} is not a school netmap knows (schools: "
                           f"{', '.join(sorted(schools['school_id'].dropna()))}).",
                           f"Add {value!r} = \"SCHOOL_ID\" under [schools] in mapping {mapping.name}, or load the "
                           "school first (netmap import gias, or schools.csv)."))
    return school_id


def _subjects(value: str | None, mapping: StaffMapping) -> str | None:
    """An export's subjects cell as netmap's `;`-joined subject names, codes translated, repeats dropped."""
    if value is None:
        return None
    parts = [p.strip() for p in re.split(f"[{re.escape(mapping.subject_separators)}]", value) if p.strip()]
    return ";".join(dict.fromkeys(mapping.subject_of(p) for p in parts)) or None


def _drop_repeats(frame: pd.DataFrame, rows: pd.Series, exported: StaffExport,
                  report: ValidationReport) -> tuple[pd.DataFrame, pd.Series]:
    """Rows repeating an earlier row exactly (a person with two identical assignment rows) dropped with a
    warning; rows that repeat an id with other values are left for validation to report as duplicate ids."""
    if "staff_id" not in frame.columns:
        return frame, rows
    repeated = frame.duplicated(keep="first") & frame["staff_id"].notna()
    for i in frame.index[repeated]:
        report.add(Problem("warning", "repeated-row", exported.file, int(rows.iat[i]),
                           exported.headers["staff_id"], frame.at[i, "staff_id"],
                           "This row repeats an earlier row exactly; it was read once.",
                           "Nothing to do, or export one row per person."))
    keep = ~repeated
    return frame[keep].reset_index(drop=True), rows[keep.to_numpy()].reset_index(drop=True)


def _merged_staff(exported: StaffExport, base: pd.DataFrame, as_of: str, schools: set[str]) -> RawTable:
    """The export's staff, then whoever `base` (the last snapshot's staff) holds at one of `schools` and the
    export does not list: left on `as_of` when they were in post at a school the export covers, as they were
    otherwise (the staff of a school no longer in the trust are not carried)."""
    new = exported.table.frame.copy()
    listed = set(new["staff_id"].dropna())
    extras = [c for c in base.columns if c not in new.columns]
    if extras and len(new):  # the trust's own columns (a note, an email not mapped) carried for those listed
        carried = base.drop_duplicates("staff_id").set_index("staff_id")[extras]
        for column in extras:
            new[column] = [carried[column].get(i) if i in carried.index else None for i in new["staff_id"]]
    absent = base[~base["staff_id"].isin(listed) & base["school_id"].isin(schools)].copy()
    covered = absent["school_id"] == exported.school if exported.school else pd.Series(True, index=absent.index)
    in_post = absent["left_on"].isna() | (absent["left_on"].fillna("") > as_of)
    absent.loc[covered & in_post, "left_on"] = as_of
    frame = pd.concat([new, absent[[c for c in absent.columns if c in new.columns or c in extras]]],
                      ignore_index=True)
    frame = frame.astype(object).where(frame.notna(), None)
    last = int(exported.table.rows.max()) if len(exported.table.rows) else 1
    rows = pd.concat([exported.table.rows, pd.Series(range(last + 1, last + 1 + len(absent)))], ignore_index=True)
    columns = [c for c in frame.columns if c not in {"staff_id", "school_id", "role", "name", "subjects",
                                                     "started_on", "left_on"}]
    return RawTable("staff", exported.file, frame, rows.astype("int64"), columns)


def next_dataset(base: Dataset, base_label: str, exported: StaffExport, as_of: str, report: ValidationReport,
                 tables: dict[str, RawTable] | None = None) -> Dataset | None:
    """The next snapshot: `base` (the last snapshot) with its staff replaced by the export's, leavers kept with
    their leaving day, and every table validated as a load is; None when `report` holds errors. `tables`: the
    other tables, when a load brings them (default: `base`'s). Problems the validator finds in the export name
    its header, not netmap's column."""
    raw = tables if tables is not None else raw_tables(base, base_label)
    schools = set(raw["schools"].frame["school_id"].dropna()) if "schools" in raw else set()
    raw["staff"] = _merged_staff(exported, base.staff, as_of, schools)
    own = ValidationReport(report.source)
    dataset = validate_tables(raw, own)
    last = int(exported.table.rows.max()) if len(exported.table.rows) else 1
    for problem in own.problems:
        if problem.severity == "warning" and (problem.file != exported.file or (problem.row or 0) > last):
            continue  # about what the last snapshot already held, not about this export
        if problem.file == exported.file and problem.row is not None and problem.row > last:  # a carried leaver
            problem = Problem(problem.severity, problem.rule, f"staff of {base_label}", None, problem.column,
                              problem.value, problem.message, problem.fix)
        elif problem.file == exported.file:
            column = exported.headers.get(problem.column or "", problem.column)
            if (problem.row, column) in exported.reported:
                continue  # already reported in the export's own terms
            if problem.column and column != problem.column:
                problem = Problem(problem.severity, problem.rule, problem.file, problem.row, column, problem.value,
                                  problem.message.replace(problem.column, str(column)),
                                  problem.fix.replace(problem.column, str(column)))
        report.add(problem)
    return dataset if report.ok else None
