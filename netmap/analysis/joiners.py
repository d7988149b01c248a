"""New joiners' integration over time: for each member of staff who started on or after a date, the first
snapshot in which they collaborate with anyone, with someone at another school, and belong to a group, and how
many days after starting that was; then, per cohort (the school term they started in), the share integrated by
the latest snapshot, against staff who were already there. Staff who came with a school that joined the trust
start with the trust on the day it joined (their started_on may be years before, at the school).

For each school that joined on or after the date: the first snapshot it is in, and the first in which its staff
collaborate with another school and share a group with someone at another school, with the days after joining.

A snapshot is a survey: "first tie on 2026-12-01, 91 days after starting" means the first survey after they
started that found them collaborating, so the days are an upper bound, as fine as the snapshots are frequent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from netmap.analysis.engine import Analysis
from netmap.analysis.tables import columns_of

__all__ = ["ESTABLISHED", "MILESTONES", "SCHOOL_MILESTONES", "SPRING_ENDS", "Integration", "integration",
           "reporting_periods", "term_of", "term_start"]

# milestone: (what the analysis' staff table says, the words for it)
MILESTONES = {"tie": ("soft_degree", "first collaboration"),
              "cross_school_tie": ("cross_school_ties", "first collaboration with another school"),
              "group": ("hard_degree", "first group shared with a colleague")}


def _collaborates_across(schools: pd.DataFrame) -> pd.Series:
    return schools["external_ties"] > 0


def _shares_a_group_across(schools: pd.DataFrame) -> pd.Series:
    return ~schools["is_hard_isolated"].astype(bool)


# a school's milestone: (a test on rows of the analysis' schools table, the words for it)
SCHOOL_MILESTONES: dict[str, tuple[Callable[[pd.DataFrame], pd.Series], str]] = {
    "cross_school_tie": (_collaborates_across, "first collaboration with another school"),
    "shared_group": (_shares_a_group_across, "first group shared with another school")}
Side = tuple[Analysis, pd.DataFrame, pd.DataFrame]  # a snapshot's analysis, its staff table and its schools table


@dataclass(frozen=True)
class Integration:
    people: pd.DataFrame   # staff_id, school_id, started_on, cohort, and per milestone: first_<m>, days_to_<m>
    cohorts: pd.DataFrame  # cohort, joiners, and per milestone: the share that reached it by the latest snapshot
    schools: pd.DataFrame  # school_id, joined_on, first_snapshot, and per school milestone: first_<m>, days_to_<m>


ESTABLISHED = "established staff"  # the cohorts table's comparison row
SPRING_ENDS = (4, 20)  # (month, day) the summer term starts: after Easter, a fixed day so that terms never move


def term_of(day: str) -> str:
    """The school term a date falls in, as "2025 autumn", "2026 spring" or "2026 summer" (England: autumn from
    September, spring from January, summer from April after Easter, taken here as 20 April)."""
    date = dt.date.fromisoformat(day)
    if date.month >= 9:
        return f"{date.year} autumn"
    if (date.month, date.day) < SPRING_ENDS:
        return f"{date.year} spring"
    return f"{date.year} summer"


def term_start(term: str) -> str:
    """The first day of a term named as term_of names it ("2026 summer" -> "2026-04-20").

    Examples
    --------
    >>> term_start("2025 autumn"), term_start("2026 spring"), term_start("2026 summer")
    ('2025-09-01', '2026-01-01', '2026-04-20')
    """
    year, season = term.split(" ")
    month, day = {"autumn": (9, 1), "spring": (1, 1), "summer": SPRING_ENDS}[season]
    return dt.date(int(year), month, day).isoformat()


def reporting_periods(latest: str, years: int = 3) -> list[tuple[str, str]]:
    """The fixed reporting periods a role that sees aggregates may choose, as (first day, words), earliest first:
    each term of the `years` academic years up to the one `latest` (a date) falls in, autumn terms named as the
    start of their academic year too. Starting only on a term's first day means that two choices always differ
    by whole terms, whose cohorts are suppressed alike in every choice (docs/suppression.md).

    Examples
    --------
    >>> reporting_periods("2026-09-15", years=1)
    [('2026-09-01', 'the 2026-27 academic year (from the 2026 autumn term)')]
    """
    date = dt.date.fromisoformat(latest)
    last = date.year if date.month >= 9 else date.year - 1  # the academic year `latest` falls in
    periods = []
    for year in range(last - years + 1, last + 1):
        periods.append((term_start(f"{year} autumn"),
                        f"the {year}-{(year + 1) % 100:02d} academic year (from the {year} autumn term)"))
        periods += [(term_start(f"{year + 1} {season}"), f"the {year + 1} {season} term onwards")
                    for season in ("spring", "summer")]
    return [(start, words) for start, words in periods if start <= latest]


def _days(since: str, reached: str | None) -> int | None:
    return (dt.date.fromisoformat(reached) - dt.date.fromisoformat(since)).days if reached else None


def integration(sides: Sequence[Side], since: str) -> Integration:
    """`sides`: each snapshot's analysis with its staff table (staff_id, school_id, started_on, ...) and schools
    table (school_id, joined_on, ...), any order. Joiners: staff who started with the trust on or after `since`
    and are in post in at least one snapshot. The comparison row "established" is everyone else in post at the
    latest snapshot whose start date is known or not."""
    ordered = sorted(sides, key=lambda side: side[0].as_of)
    joined_trust: dict[str, str] = {}
    for _analysis, _staff, schools in ordered:
        joined_trust.update((s, day) for s, day in zip(schools["school_id"], schools["joined_on"], strict=True)
                            if isinstance(day, str) and day)
    started: dict[str, str] = {}
    for _analysis, staff, _schools in ordered:
        for person, home, day in zip(staff["staff_id"], staff["school_id"], staff["started_on"], strict=True):
            days = [d for d in (day, joined_trust.get(home)) if isinstance(d, str) and d]
            if days:
                started[person] = max(days)
    joiners = sorted(p for p, day in started.items() if day >= since)
    first: dict[str, dict[str, str]] = {p: {} for p in joiners}
    school: dict[str, str] = {}
    for analysis, _staff, _schools in ordered:
        table = analysis.staff.set_index("staff_id")
        for person in joiners:
            if person not in table.index:
                continue
            school[person] = table.at[person, "school_id"]
            for milestone, (column, _words) in MILESTONES.items():
                if milestone not in first[person] and (table.at[person, column] or 0) > 0:
                    first[person][milestone] = analysis.as_of
    rows = []
    for person in joiners:
        if person not in school:
            continue  # started after the latest snapshot, or left before the first
        row: dict[str, object] = {"staff_id": person, "school_id": school[person], "started_on": started[person],
                                  "cohort": term_of(started[person])}
        for milestone in MILESTONES:
            reached = first[person].get(milestone)
            row[f"first_{milestone}"] = reached
            row[f"days_to_{milestone}"] = _days(started[person], reached)
        rows.append(row)
    people = pd.DataFrame(rows, columns=columns_of("joiners people"))
    return Integration(people, _cohorts(people, ordered[-1][0] if ordered else None),
                       _joined_schools(ordered, joined_trust, since))


def _joined_schools(ordered: Sequence[Side], joined_trust: dict[str, str], since: str) -> pd.DataFrame:
    """Each school that joined on or after `since` and is in a snapshot: the first snapshot it is in, and the
    first that shows each school milestone, with days after joining."""
    rows = []
    for school, joined in sorted(joined_trust.items()):
        if joined < since:
            continue
        row: dict[str, object] = {"school_id": school, "joined_on": joined, "first_snapshot": None}
        row.update({f"{kind}_{m}": None for m in SCHOOL_MILESTONES for kind in ("first", "days_to")})
        for analysis, _staff, _schools in ordered:
            table = analysis.schools[analysis.schools["school_id"] == school]
            if table.empty:
                continue
            row["first_snapshot"] = row["first_snapshot"] or analysis.as_of
            for milestone, (reached, _words) in SCHOOL_MILESTONES.items():
                if row[f"first_{milestone}"] is None and bool(reached(table).iloc[0]):
                    row[f"first_{milestone}"] = analysis.as_of
                    row[f"days_to_{milestone}"] = _days(joined, analysis.as_of)
        if row["first_snapshot"] is not None:
            rows.append(row)
    return pd.DataFrame(rows, columns=columns_of("joiners schools"))


def _cohorts(people: pd.DataFrame, latest: Analysis | None) -> pd.DataFrame:
    """Per cohort: joiners and the share that reached each milestone by the latest snapshot; then the staff
    already there before (in post at the latest snapshot, not joiners) for comparison."""
    rows = []
    for cohort, group in sorted(people.groupby("cohort"), key=lambda item: _term_order(str(item[0]))):
        rows.append({"cohort": cohort, "people": len(group),
                     **{f"share_with_{m}": float(group[f"first_{m}"].notna().mean()) for m in MILESTONES}})
    if latest is not None:
        staff = latest.staff[~latest.staff["staff_id"].isin(set(people["staff_id"]))]
        if len(staff):
            rows.append({"cohort": ESTABLISHED, "people": len(staff),
                         **{f"share_with_{m}": float((staff[column].fillna(0) > 0).mean())
                            for m, (column, _words) in MILESTONES.items()}})
    return pd.DataFrame(rows, columns=columns_of("joiners cohorts"))


def _term_order(cohort: str) -> tuple[int, int]:
    year, term = cohort.split(" ")
    return int(year), ("spring", "summer", "autumn").index(term)
