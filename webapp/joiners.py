"""New joiners' integration (netmap.analysis.joiners): per cohort of starters, the share who collaborate, reach
another school and share a group by the latest snapshot, against established staff (every role; small cohorts'
shares hidden from aggregate roles); and, for roles that see names, each joiner's first snapshot and days to each
milestone; and each school that joined since the date, from the first snapshot it is in to its first collaboration
and first shared group with another school."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from flask import Blueprint, abort, render_template, request

from netmap.analysis.joiners import MILESTONES, SCHOOL_MILESTONES, Integration, integration
from netmap.suppression import hide_rows
from webapp.access import scope, suppressed_schools
from webapp.auth import audit
from webapp.data import analysed_views, require_view
from webapp.purpose import purpose_redirect
from webapp.tables import csv_response

bp = Blueprint("joiners", __name__, url_prefix="/joiners")


@bp.route("/")
def index() -> Any:
    view = require_view()
    found = scope(view)
    default = (dt.date.fromisoformat(view.as_of) - dt.timedelta(days=365)).isoformat()
    since = request.args.get("since") or default
    try:
        dt.date.fromisoformat(since)
    except ValueError:
        abort(400, description=f"Write the date as YYYY-MM-DD, e.g. {default}.")
    result = _integration(since)
    cohorts = result.cohorts
    if found.suppress:
        small = set(cohorts.loc[cohorts["people"] < found.min_group_size, "cohort"])
        cohorts = hide_rows(cohorts, cohorts["cohort"], small, [c for c in cohorts.columns if c != "cohort"],
                            found.min_group_size)
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
        if table == "people":
            if not found.sees_names:
                abort(403)
            if (ask := purpose_redirect(downloads_only=True)) is not None:
                return ask
            audit("download", f"new joiners since {since}")
            return csv_response(people, f"joiners-since-{since}.csv")
        if table == "schools":
            return csv_response(schools.assign(name=schools["school_id"].map(view.school_names)),
                                f"schools-joined-since-{since}.csv")
        return csv_response(cohorts, f"joiner-cohorts-since-{since}.csv")
    audit("view", f"new joiners since {since}")
    return render_template("joiners/index.html", view=view, since=since, cohorts=cohorts, people=people,
                           schools=schools, names=found.sees_names, milestones=MILESTONES,
                           school_milestones=SCHOOL_MILESTONES)


def _integration(since: str) -> Integration:
    """Over every snapshot analysed so far (a snapshot still being analysed joins when it is done)."""
    return integration([(side.analysis, side.table("staff"), side.table("schools")) for side in analysed_views()],
                       since)
