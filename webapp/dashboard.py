"""The dashboard: headline numbers and the alerts a network lead acts on, each linking to its detail."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from webapp.auth import login_required
from webapp.data import current_view, snapshots

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def index() -> Any:
    view = current_view()
    if view is None:
        return render_template("dashboard/empty.html")
    a = view.analysis
    schools = a.schools
    risks = schools[schools["is_key_person_risk"]].sort_values("dependency", ascending=False)
    return render_template(
        "dashboard/index.html", view=view, summary=a.summary, snapshots=snapshots(),
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
