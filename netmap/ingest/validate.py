"""Validate raw tables against the data contract, reporting every problem at once, and build the Dataset.

Each rule adds Problems naming file, spreadsheet row, column, the bad value and the fix. Checks work on whole
columns (and on unique values where parsing is involved) so that millions of rows validate in seconds.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from netmap.contract import (
    COORDINATE_RANGES,
    DATE_ORDER,
    MAX_EXTRA_LENGTH,
    TIE_KINDS,
    Column,
    normalise_header,
    table_spec,
)
from netmap.dataset import Dataset
from netmap.errors import ValidationFailed
from netmap.ingest.characters import describe, first_hidden
from netmap.ingest.reader import RawTable, read_source
from netmap.ingest.report import Problem, Severity, ValidationReport

__all__ = ["MAX_PROBLEMS_PER_RULE", "read_trust", "validate_source", "validate_tables"]

# Past this many rows failing one rule in one column, the rest are summed up in one line: a mapping mistake
# (say, the wrong column exported) would otherwise print a million identical lines.
MAX_PROBLEMS_PER_RULE = 1000

_SHOWN = 40  # characters of an over-long value shown in its problem
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def read_trust(path: Path) -> tuple[Dataset, ValidationReport]:
    """Read and validate a trust's files; raise ValidationFailed (holding the full report) on any error."""
    dataset, report = validate_source(path)
    if dataset is None:
        raise ValidationFailed(report)
    return dataset, report


def validate_source(path: Path) -> tuple[Dataset | None, ValidationReport]:
    """Check every rule on the files at `path`; the Dataset is None when any error was found."""
    report = ValidationReport(str(path))
    return validate_tables(read_source(path, report), report), report


def validate_tables(raw: dict[str, RawTable], report: ValidationReport) -> Dataset | None:
    """Check every rule on tables already read (from files, or an import's mapped tables), adding problems to
    `report`; the Dataset, or None when any error was found."""
    checked: dict[str, pd.DataFrame] = {}
    if "tie_kinds" in raw:  # first: the kinds it declares are allowed in collaborations
        checked["tie_kinds"] = _check_table(raw["tie_kinds"], report)
    declared = tuple(k for k in checked["tie_kinds"]["kind"].dropna() if k not in TIE_KINDS) if checked else ()
    for name, table in raw.items():
        if name != "tie_kinds":
            checked[name] = _check_table(table, report, {"kind": declared} if name == "collaborations" else {})
    _check_references(raw, checked, report)
    _check_date_order(raw, checked, report)
    if "schools" in checked:
        _check_trusts(raw["schools"], checked["schools"], report)
    if "collaborations" in checked:
        checked["collaborations"] = _check_ties(raw["collaborations"], checked["collaborations"], report)
    if "secondments" in checked:
        _check_secondments(raw["secondments"], checked, report)
    _warn_unconnected(raw, checked, report)
    if {"respondents", "collaborations"} <= checked.keys():
        _warn_answers_without_response(raw["respondents"], raw["collaborations"].file, checked, report)
    if not report.ok:
        return None
    return Dataset.from_tables(checked)


def _says(template: str, **fixed: str) -> Callable[[str | None], str]:
    """A message for each failing value: `template` with {value} (format specs such as {value!r} allowed) and
    the `fixed` fields filled in; rules checked in a loop bind their names this way, not through a closure."""
    return lambda value: template.format(value=value, **fixed)


class _Reporter:
    """Adds one Problem per failing row of a mask, capped per rule and column."""

    def __init__(self, report: ValidationReport, table: RawTable) -> None:
        self.report, self.table = report, table

    def rows(self, mask: pd.Series, rule: str, column: str | None, values: pd.Series | None,
             message: Callable[[str | None], str], fix: Callable[[str | None], str],
             severity: Severity = "error") -> None:
        if not mask.to_numpy().any():
            return
        bad = mask[mask].index
        for count, index in enumerate(bad):
            if count == MAX_PROBLEMS_PER_RULE:
                self.report.add(Problem(severity, rule, self.table.file, None, column, None,
                                        f"{len(bad) - count} more rows fail this check in this column.",
                                        "Fix the rows above first; the rest are likely the same mistake."))
                return
            value = None if values is None else values.at[index]
            self.report.add(Problem(severity, rule, self.table.file, int(self.table.rows.at[index]),
                                    column, value, message(value), fix(value)))


def _check_table(table: RawTable, report: ValidationReport,
                 also_allowed: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Check and normalise each column of one table; returns the normalised frame (same index).

    `also_allowed` adds values to an enum column (the trust's own tie kinds)."""
    spec = table_spec(table.name)
    reporter = _Reporter(report, table)
    raw = table.frame
    out: dict[str, pd.Series] = {}  # one frame built at the end: inserting column by column is slow
    for column in spec.columns:
        if also_allowed and column.name in also_allowed:
            column = dataclasses.replace(column, allowed=column.allowed + also_allowed[column.name])
        if column.name not in raw.columns:
            if column.required:
                report.add(Problem("error", "missing-column", table.file, 1, column.name, None,
                                   f"The required column {column.name} is missing.",
                                   f"Add a column headed {column.name} ({column.help or column.kind})."))
            out[column.name] = (pd.Series(1.0, index=raw.index) if column.kind == "weight" else
                                pd.Series(column.default, index=raw.index, dtype=object))
            continue
        values = raw[column.name]
        checked = _check_column(column, values, reporter)
        if column.kind in ("enum", "date", "list"):  # mapped values may hold NaN; ids and text are as read
            checked = checked.astype(object).where(checked.notna(), None)
        out[column.name] = checked
    for extra in table.extra_columns:
        out[extra] = _drop_too_long(extra, MAX_EXTRA_LENGTH, raw[extra], reporter)
    if spec.key and spec.key in raw.columns:
        keys = out[spec.key]
        duplicated = keys.notna() & keys.duplicated(keep="first")
        firsts = keys.notna() & ~duplicated & keys.isin(set(keys[duplicated]))
        first_row = dict(zip(keys[firsts], table.rows[firsts].astype(int), strict=True))
        reporter.rows(duplicated, "duplicate-id", spec.key, keys,
                      lambda v: f"{spec.key} {v!r} is used again (first on row {first_row[v]}).",
                      lambda v: f"Give each {table.name[:-1] if table.name != 'staff' else 'member of staff'} "
                                f"its own {spec.key}, or delete the repeated row.")
    return pd.DataFrame(out, index=raw.index)


def _check_column(column: Column, values: pd.Series, reporter: _Reporter) -> pd.Series:
    """Check one column's values by kind; returns them normalised (None for missing)."""
    name = column.name
    missing = values.isna()
    values = _drop_too_long(name, column.longest, values, reporter)
    in_id = column.kind == "id"
    hidden = {v: found for v in values.dropna().unique() if (found := first_hidden(v, in_id=in_id))}
    if hidden:
        what = "an invisible character" if in_id else "an invisible control character"
        reporter.rows(values.isin(set(hidden)), "control-character", name, values,
                      lambda v: f"{name} {v!r} holds {what}, {describe(hidden[v][1])}, at character "
                                f"{hidden[v][0] + 1}.",
                      lambda _v: "Retype the value; if it was pasted from another program, paste it as plain text.")
    if column.required:
        rule = "missing-id" if column.kind == "id" else "missing-value"
        reporter.rows(missing, rule, name, None,
                      lambda _v: f"{name} is empty.",
                      lambda _v: f"Fill in {name} on this row (it is required), or delete the row.")
    if column.kind == "enum":
        return _check_enum(column, values, reporter)
    if column.kind == "date":
        return _check_dates(column, values, reporter)
    if column.kind == "weight":
        return _check_weights(column, values, reporter)
    if column.kind == "list":
        return values.map(_normalise_list, na_action="ignore")
    if column.kind == "coordinate":
        _check_coordinates(column, values, reporter)
    return values


def _drop_too_long(name: str, longest: int, values: pd.Series, reporter: _Reporter) -> pd.Series:
    """`values` with those over `longest` characters reported and blanked, so that no later check repeats them
    (or copies megabytes into its message); the report shows their start and length."""
    too_long = {v for v in values.dropna().unique() if len(v) > longest}
    if not too_long:
        return values
    mask = values.isin(too_long)
    shown = values[mask].map(lambda v: f"{v[:_SHOWN]}... ({len(v):,} characters)")
    reporter.rows(mask, "too-long", name, shown,
                  lambda v: f"{name} {v!r} is longer than netmap keeps ({longest:,} characters).",
                  lambda _v: f"Shorten it to at most {longest:,} characters; check it is the right column.")
    return values.where(~mask, None)


def _check_enum(column: Column, values: pd.Series, reporter: _Reporter) -> pd.Series:
    canonical = {normalise_header(a): a for a in column.allowed}
    mapping = {v: canonical.get(normalise_header(v)) for v in values.dropna().unique()}
    normalised = values.map(mapping)
    bad = values.notna() & normalised.isna()
    allowed = ", ".join(column.allowed)

    def fix(value: str | None) -> str:
        close = difflib.get_close_matches(normalise_header(value or ""), list(canonical), n=1, cutoff=0.5)
        suggestion = f"Did you mean {canonical[close[0]]!r}? " if close else ""
        return f"{suggestion}Use one of: {allowed}."

    reporter.rows(bad, "not-allowed", column.name, values,
                  lambda v: f"{v!r} is not an allowed {column.name}.", fix)
    if column.default is not None:
        normalised = normalised.where(values.notna(), column.default)
    return normalised


def _parse_date(text: str) -> str | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _date_fix(value: str | None) -> str:
    match = _DMY_DATE.match(value or "")
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return f"Write dates as YYYY-MM-DD: {date(year, month, day).isoformat()}."
        except ValueError:
            pass
    return "Write dates as YYYY-MM-DD, e.g. 2024-09-01, and check the day exists."


def _check_dates(column: Column, values: pd.Series, reporter: _Reporter) -> pd.Series:
    mapping = {v: _parse_date(v) for v in values.dropna().unique()}
    parsed = values.map(mapping)
    bad = values.notna() & parsed.isna()
    reporter.rows(bad, "bad-date", column.name, values, lambda v: f"{v!r} is not a date.", _date_fix)
    return parsed


def _check_weights(column: Column, values: pd.Series, reporter: _Reporter) -> pd.Series:
    codes, uniques = pd.factorize(values.to_numpy())  # a few distinct weights among millions of ties
    converted = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce").to_numpy(dtype="float64")
    numbers = pd.Series(np.where(codes >= 0, converted[codes] if len(converted) else np.nan, np.nan),
                        index=values.index)
    non_numeric = values.notna() & numbers.isna()
    reporter.rows(non_numeric, "bad-weight", column.name, values,
                  lambda v: f"{v!r} is not a number.",
                  lambda _v: "Write the weight as a number above 0 (e.g. 1, 2.5), or leave it blank for 1.")
    not_positive = numbers.notna() & ~((numbers > 0) & numbers.map(math.isfinite, na_action="ignore").astype(bool))
    reporter.rows(not_positive, "bad-weight", column.name, values,
                  lambda v: f"{v!r} is not above 0.",
                  lambda _v: "Weights must be above 0; delete the row if the tie does not exist.")
    return numbers.fillna(1.0).astype("float64")


def _check_coordinates(column: Column, values: pd.Series, reporter: _Reporter) -> None:
    """Report latitudes and longitudes that are not decimal degrees within range (kept as written: they are
    drawn, never calculated with, and a store keeps them as text as it keeps every other column)."""
    low, high = COORDINATE_RANGES[column.name]
    numbers = pd.to_numeric(values, errors="coerce")
    example = "51.5074" if column.name == "latitude" else "-0.1278"
    reporter.rows(values.notna() & numbers.isna(), "bad-coordinate", column.name, values,
                  lambda v: f"{v!r} is not a number of degrees.",
                  lambda _v: f"Write {column.name} in decimal degrees (e.g. {example}), or leave it blank.")
    reporter.rows(numbers.notna() & ~numbers.between(low, high), "bad-coordinate", column.name, values,
                  lambda v: f"{v!r} is outside {low:g} to {high:g} degrees.",
                  lambda _v: f"Check {column.name} was not swapped with the other coordinate or given as a grid "
                             "reference (easting/northing: `netmap import gias` converts those).")


def _normalise_list(text: str) -> str | None:
    seen: dict[str, None] = {}
    for part in text.split(";"):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return ";".join(seen) or None


def _check_references(raw: dict[str, RawTable], checked: dict[str, pd.DataFrame],
                      report: ValidationReport) -> None:
    """Every staff, school and group a row refers to must exist in its own file."""
    for name, frame in checked.items():
        reporter = _Reporter(report, raw[name])
        for column in table_spec(name).columns:
            target = column.refers_to
            if target is None or target not in checked or column.name not in raw[name].frame.columns:
                continue
            key = table_spec(target).key
            known = set(checked[target][key].dropna())
            values = frame[column.name]
            unknown = values.notna() & ~values.isin(known)
            where = raw[target].file
            reporter.rows(unknown, "unknown-reference", column.name, values,
                          _says("{value!r} is not a {key} in {where}.", key=str(key), where=where),
                          _says("Correct the id, or add a row for it to {where}.", where=where))


def _check_date_order(raw: dict[str, RawTable], checked: dict[str, pd.DataFrame],
                      report: ValidationReport) -> None:
    for name, (start, end) in DATE_ORDER.items():
        if name not in checked:
            continue
        frame = checked[name]
        backwards = frame[start].notna() & frame[end].notna() & (frame[end].fillna("") < frame[start].fillna(""))
        _Reporter(report, raw[name]).rows(
            backwards, "date-order", end, frame[end],
            _says("{end} {value} is before {start}.", end=end, start=start),
            _says("Check both dates: {end} must be on or after {start}.", end=end, start=start))


def _check_trusts(table: RawTable, schools: pd.DataFrame, report: ValidationReport) -> None:
    """A store of several trusts (docs/partnerships.md): a trust_id on every school or on none, and one
    trust_name per trust_id."""
    trust = schools["trust_id"]
    if not trust.notna().any():
        return
    reporter = _Reporter(report, table)
    reporter.rows(trust.isna(), "trust-missing", "trust_id", trust,
                  lambda _v: "Other schools name their trust, but this one has no trust_id.",
                  lambda _v: "Give every school its trust_id, or leave the column blank for every school (one "
                             "trust).")
    named = schools[trust.notna() & schools["trust_name"].notna()]
    first = named.drop_duplicates("trust_id").set_index("trust_id")["trust_name"]
    expected = named["trust_id"].map(first)
    differs = pd.Series(False, index=schools.index)
    differs.loc[named.index] = named["trust_name"] != expected
    reporter.rows(differs, "trust-name", "trust_name", schools["trust_name"],
                  lambda v: f"The trust_name {v!r} differs from the name an earlier row gives the same trust_id.",
                  lambda _v: "Give each trust_id one trust_name (or leave trust_name blank after its first row).")


def _check_ties(table: RawTable, ties: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """Reject self-ties; merge rows repeating one observation (source, target, kind and observed_on) by summing
    weight, with a warning. The same tie observed on other dates stays a row of its own, so that the tie window
    chooses among observations before they are merged (netmap.graphs.latest_observations)."""
    reporter = _Reporter(report, table)
    self_tie = ties["source_staff_id"].notna() & (ties["source_staff_id"] == ties["target_staff_id"])
    reporter.rows(self_tie, "self-tie", "target_staff_id", ties["target_staff_id"],
                  lambda v: f"{v!r} is recorded as collaborating with themselves.",
                  lambda _v: "Correct the source or target id, or delete the row.")
    pair = ["source_staff_id", "target_staff_id", "kind", "observed_on"]
    repeated = ties.duplicated(pair, keep="first") & ties["source_staff_id"].notna()
    if not repeated.any():
        return ties
    first = ties[~repeated].reset_index().set_index(pair)["index"]
    keys = pd.MultiIndex.from_frame(ties.loc[repeated, pair])
    first_rows = table.rows.loc[first.loc[keys].to_numpy()].to_numpy()
    described = pd.Series([f"row {r}" for r in first_rows], index=ties.index[repeated])
    reporter.rows(repeated, "duplicate-tie", "target_staff_id", described,
                  lambda v: f"This tie repeats the one on {v} (same source, target, kind and observed_on); "
                            "the two are merged and their weights added.",
                  lambda _v: "Nothing, if the repeat is meant; otherwise delete the row.", severity="warning")
    merged = ties[~repeated].copy()
    merged["weight"] = ties.groupby(pair, sort=False, dropna=False)["weight"].transform("sum")[~repeated]
    return merged


def _check_secondments(table: RawTable, checked: dict[str, pd.DataFrame], report: ValidationReport) -> None:
    reporter = _Reporter(report, table)
    frame = checked["secondments"]
    same = frame["from_school_id"].notna() & (frame["from_school_id"] == frame["to_school_id"])
    reporter.rows(same, "same-school", "to_school_id", frame["to_school_id"],
                  lambda v: f"The secondment is from and to the same school {v!r}.",
                  lambda _v: "Correct from_school_id or to_school_id.")
    if "staff" in checked:
        home = frame["staff_id"].map(checked["staff"].set_index("staff_id")["school_id"].to_dict())
        moved = home.notna() & frame["from_school_id"].notna() & (home != frame["from_school_id"])
        reporter.rows(moved, "secondment-school", "from_school_id", frame["from_school_id"],
                      lambda v: f"from_school_id {v!r} is not the school staff.csv gives for this person.",
                      lambda _v: "Check which school they are seconded from; netmap keeps both as given.",
                      severity="warning")


def _warn_answers_without_response(table: RawTable, ties_file: str, checked: dict[str, pd.DataFrame],
                                   report: ValidationReport) -> None:
    """Warn about someone listed as not answering a round who named colleagues in it: a tie of theirs observed
    between the round's first and last answer (or undated), which usually means responded_on was left blank."""
    rows, ties = checked["respondents"], checked["collaborations"]
    rounds = rows["round"].fillna("")
    answered = rows["responded_on"]
    period = pd.DataFrame({"round": rounds, "on": answered}).dropna().groupby("round")["on"].agg(["min", "max"])
    named = ties.dropna(subset=["source_staff_id"]).reset_index().groupby("source_staff_id")
    first_tie: dict[int, str] = {}
    for index in rows.index[answered.isna() & rows["staff_id"].isin(set(ties["source_staff_id"]))]:
        theirs = named.get_group(rows.at[index, "staff_id"])
        seen = theirs["observed_on"]
        inside = seen.isna()
        if rounds.at[index] in period.index:
            start, end = period.loc[rounds.at[index]]
            inside |= (seen.fillna("") >= start) & (seen.fillna("") <= end)
        if inside.any():
            first_tie[index] = _describe_tie(theirs[inside].iloc[0], ties_file)
    where = pd.Series(first_tie, dtype=object).reindex(rows.index)
    _Reporter(report, table).rows(
        where.notna(), "named-without-response", "responded_on", where,
        lambda v: f"Listed as not answering the round, yet {v}.",
        lambda _v: "Fill in responded_on with the day they answered, or correct the tie's source_staff_id.",
        severity="warning")


def _describe_tie(tie: pd.Series, ties_file: str) -> str:
    """A tie as the warning above shows it: "S2 named S3 in collaborations.csv (advice, 2026-06-01)"."""
    return (f"{tie['source_staff_id']} named {tie['target_staff_id']} in {ties_file} ({tie['kind']}, "
            f"{tie['observed_on'] or 'undated'})")


def _warn_unconnected(raw: dict[str, RawTable], checked: dict[str, pd.DataFrame],
                      report: ValidationReport) -> None:
    """Legal but suspicious: staff with no tie of any kind, schools without staff, groups without members."""
    if {"staff", "collaborations", "memberships"} <= checked.keys():
        ties = checked["collaborations"]
        linked = set(ties["source_staff_id"].dropna()) | set(ties["target_staff_id"].dropna()) | set(
            checked["memberships"]["staff_id"].dropna())
        staff = checked["staff"]
        alone = staff["staff_id"].notna() & ~staff["staff_id"].isin(linked)
        _Reporter(report, raw["staff"]).rows(
            alone, "no-ties", "staff_id", staff["staff_id"],
            lambda v: f"{v!r} has no collaborations and belongs to no group.",
            lambda _v: "Nothing, if true: netmap will flag them as isolated. Otherwise check their ids.",
            severity="warning")
    for name, member_table, column, what in (("schools", "staff", "school_id", "staff"),
                                             ("groups", "memberships", "group_id", "members")):
        if name in checked and member_table in checked:
            ids = checked[name][column]
            empty = ids.notna() & ~ids.isin(set(checked[member_table][column].dropna()))
            _Reporter(report, raw[name]).rows(
                empty, f"no-{what}", column, ids,
                _says("{value!r} has no {what}.", what=what),
                _says("Nothing, if true; otherwise check the ids in {table}.csv.", table=member_table),
                severity="warning")

