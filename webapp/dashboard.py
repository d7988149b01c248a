"""The dashboard: headline numbers and the alerts a network lead acts on, each linking to its detail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from flask import Blueprint, current_app, render_template

from netmap.suppression import fewer_than, suppressed_keys
from webapp.access import scope, suppressed_schools
from webapp.auth import login_required
from webapp.data import current_view, snapshots
from webapp.formatting import with_base

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def index() -> Any:
    view = current_view()
    if view is None:
        return render_template("dashboard/empty.html")
    a = view.analysis
    found = scope(view)
    schools = a.schools
    hidden = suppressed_schools(view, found)
    risks = schools[schools["is_key_person_risk"] & ~schools["school_id"].isin(hidden)].sort_values(
        "dependency", ascending=False)
    return render_template(
        "dashboard/index.html", view=view, summary=a.summary, snapshots=snapshots(), names=found.sees_names,
        by_role=_response_by_role(a.summary, found.min_group_size if found.suppress else 0),
        expired=_past_retention(), with_base=with_base,
        isolated=[(s, view.school_names.get(s, s)) for s in a.summary["isolated_schools"]],
        too_few=[(s, view.school_names.get(s, s)) for s in a.summary["schools_with_too_few_responses"]],
        dormant=[(g, view.group_names.get(g, g)) for g in a.summary["dormant_groups"]],
        risks=[(r.school_id, view.school_names.get(r.school_id, r.school_id), r.dependency)
               for r in risks.itertuples()],
        new_joiners=_new_joiners(view))


def _new_joiners(view: Any) -> list[tuple[str, str, bool]]:
    """Schools that joined in the year before the snapshot, with whether they are isolated."""
    schools = view.schools
    year_ago = f"{int(view.as_of[:4]) - 1}{view.as_of[4:]}"
    recent = schools[schools["joined_on"].fillna("") > year_ago]
    isolated = set(view.analysis.summary["isolated_schools"])
    return [(s, n, s in isolated) for s, n in zip(recent["school_id"], recent["name"], strict=True)]


def _response_by_role(summary: dict[str, Any], min_group_size: int) -> list[tuple[str, str]]:
    """Each role's survey response as text; roles of too few people surveyed (and those hidden with them) read
    "fewer than N" when `min_group_size` is set."""
    by_role = summary["response"].get("by_role", {})
    surveyed = pd.Series({role: r["surveyed"] for role, r in by_role.items()}, dtype=float)
    hidden = suppressed_keys(surveyed, min_group_size) if min_group_size else set()
    text = []
    for role, r in by_role.items():
        if role in hidden:
            text.append((role, f"{fewer_than(min_group_size)} surveyed"))
        elif r["rate"] is None:
            text.append((role, "not surveyed"))
        else:
            text.append((role, f"{100 * r['rate']:.0f} % ({r['responded']} of {r['surveyed']})"))
    return text


def _past_retention() -> list[str]:
    """Snapshots older than NETMAP_SNAPSHOT_RETENTION_DAYS, oldest first."""
    days = current_app.config["NETMAP_SETTINGS"].snapshot_retention_days
    cutoff = (dt.date.today() - dt.timedelta(days=days)).isoformat()
    return [s.as_of for s in snapshots() if s.as_of < cutoff]
