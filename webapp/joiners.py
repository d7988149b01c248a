"""New joiners' integration (netmap.analysis.joiners): per cohort of starters, the share who collaborate, reach
another school and share a group by the latest snapshot, against established staff (every role; roles that see
aggregates choose a fixed reporting period, a term's first day, and small cohorts are hidden with a complement
in every period alike: docs/suppression.md); and, for roles that see names, each joiner's first snapshot and days
to each milestone; and each school that joined since the date, from the first snapshot it is in to its first
collaboration and first shared group with another school."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from flask import Blueprint, abort, render_template, request

from netmap.analysis.joiners import (
    ESTABLISHED,
    MILESTONES,
    SCHOOL_MILESTONES,
    Integration,
    integration,
    reporting_periods,
    term_of,
    term_start,
)
from netmap.suppression import hide_rows, suppressed_keys
from webapp.access import scope, suppressed_schools
from webapp.auth import audit
from webapp.data import TrustView, analysed_views, require_view
from webapp.table_columns import csv_columns
from webapp.tables import csv_response

bp = Blueprint("joiners", __name__, url_prefix="/joiners")


@bp.route("/")
def index() -> Any:
    view = require_view()
    found = scope(view)
    if found.suppress:
        since, result, periods = _reporting_period(view, found.min_group_size)
    else:
        default = (dt.date.fromisoformat(view.as_of) - dt.timedelta(days=365)).isoformat()
        since, periods = request.args.get("since") or default, []
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            abort(400, description=f"Write the date as YYYY-MM-DD, e.g. {default}.")
        result = _integration(since)
    cohorts = result.cohorts
    schools = result.schools
    schools = hide_rows(schools, schools["school_id"], suppressed_schools(view, found),
                        [c for c in schools.columns if c not in ("school_id", "joined_on")], found.min_group_size)
    people = pd.DataFrame()
    if found.sees_names:
        people = result.people if found.people is None else result.people[
            result.people["staff_id"].isin(found.people)]
        people = people.assign(name=people["staff_id"].map(lambda p: view.staff_names.get(p, p)))
    table = request.args.get("table", "")
    if request.args.get("format") == "csv":
        if table == "people":  # refused by the gate to roles that see nobody by name (webapp.policy)
            audit("download", f"new joiners since {since}")
            return csv_response(people[csv_columns("joiners people named")], f"joiners-since-{since}.csv")
        if table == "schools":
            return csv_response(schools.assign(name=schools["school_id"].map(view.school_names))[
                csv_columns("joiners schools named")], f"schools-joined-since-{since}.csv")
        return csv_response(cohorts, f"joiner-cohorts-since-{since}.csv")
    audit("view", f"new joiners since {since}")
    return render_template("joiners/index.html", view=view, since=since, cohorts=cohorts, people=people,
                           schools=schools, names=found.sees_names, milestones=MILESTONES,
                           school_milestones=SCHOOL_MILESTONES, periods=periods,
                           people_keys=["name", "school_id", "started_on", *(f"first_{m}" for m in MILESTONES)],
                           school_keys=["school_id", "joined_on", "first_snapshot",
                                        *(f"first_{m}" for m in SCHOOL_MILESTONES)])


def _reporting_period(view: TrustView, min_group_size: int) -> tuple[str, Integration, list[tuple[str, str]]]:
    """For a role that sees aggregates: the chosen fixed reporting period (?since= one of its first days, by
    default the term a year before the snapshot), the integration over it, and the periods to choose from; 400
    for any other date. Cohorts are whole terms, computed once from the earliest period and suppressed alike
    in every period (with their complement), and the established staff row is the same in every period, so
    that no two choices differ by fewer than min_group_size starters (docs/suppression.md)."""
    views = analysed_views()
    periods = reporting_periods(max([v.as_of for v in views] or [view.as_of]))
    starts = [start for start, _words in periods]
    year_ago = (dt.date.fromisoformat(view.as_of) - dt.timedelta(days=365)).isoformat()
    since = request.args.get("since") or term_start(term_of(max(year_ago, starts[0])))
    if since not in starts:
        choices = ", ".join(starts)
        abort(400, description=f"New joiners are shown by fixed reporting period, not from any date: moving a "
                               f"date by a day would single out one starter. Choose the first day of a term: "
                               f"{choices} (?since=...); admin and hr may choose any date.")
    whole = _integration(starts[0])
    cohorts = whole.cohorts
    small = suppressed_keys(pd.Series(cohorts["people"].to_numpy(), index=cohorts["cohort"].to_numpy()),
                            min_group_size)
    cohorts = hide_rows(cohorts, cohorts["cohort"], small, [c for c in cohorts.columns if c != "cohort"],
                        min_group_size)
    in_period = cohorts["cohort"].map(lambda c: c == ESTABLISHED or term_start(str(c)) >= since)
    people, schools = whole.people, whole.schools
    return since, Integration(people[people["started_on"] >= since], cohorts[in_period].reset_index(drop=True),
                              schools[schools["joined_on"] >= since]), periods


def _integration(since: str) -> Integration:
    """Over every snapshot analysed so far (a snapshot still being analysed joins when it is done)."""
    return integration([(side.analysis, side.table("staff"), side.table("schools")) for side in analysed_views()],
                       since)
