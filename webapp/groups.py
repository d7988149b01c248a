"""Groups: every expert network and subject community, and each one's members, conductivity and map."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from netmap.analysis.group_metrics import GROUP_COLUMNS
from webapp.auth import audit, login_required
from webapp.data import require_row, require_view
from webapp.tables import index_page

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.route("/")
@login_required
def index() -> Any:
    view = require_view()
    return index_page(view.analysis.groups, "group_id", view.group_names, "Group", list(GROUP_COLUMNS[1:]),
                      template="groups/index.html", context={"view": view}, filename=f"groups-{view.as_of}.csv",
                      default_sort="conductivity", descending=False, filters=("kind", "is_dormant"))


@bp.route("/<path:group_id>")
@login_required
def show(group_id: str) -> Any:
    view, row = require_row("groups", "group_id", group_id)
    staff = view.staff
    members = staff[staff["groups"].map(lambda s: group_id in s.split(";"))]
    inside = set(members["staff_id"])
    by_school = []
    for school_id, people in members.groupby("school_id"):
        listed = [(p, view.staff_names.get(p, p), any(n in inside for n in view.undirected[p]))
                  for p in sorted(people["staff_id"])]
        by_school.append((school_id, view.school_names.get(school_id, school_id), listed))
    missing = [(s, view.school_names.get(s, s)) for s in (row["schools_missing"] or "").split(";") if s]
    audit("view", f"group {group_id} members")
    return render_template("groups/show.html", view=view, group_id=group_id, row=row, by_school=by_school,
                           missing=missing, name=view.group_names[group_id])
