"""Groups: every expert network and subject community, and each one's members, conductivity and map."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from werkzeug.wrappers import Response

from netmap.analysis.group_metrics import GROUP_COLUMNS
from webapp.auth import audit, login_required
from webapp.data import current_view, require_view
from webapp.tables import Column, table_page

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.route("/")
@login_required
def index() -> Any:
    view = require_view()
    frame = view.analysis.groups.copy()
    frame.insert(1, "name", frame["group_id"].map(view.group_names))
    link = lambda row: url_for("groups.show", group_id=row["group_id"])  # noqa: E731
    columns = [Column("group_id", "Group", link), Column("name", "Name", link)] + [
        Column(c, c.replace("_", " ")) for c in GROUP_COLUMNS[1:]]
    page = table_page(frame, columns, filename=f"groups-{view.as_of}.csv", default_sort="conductivity",
                      descending=False, filters=("kind", "is_dormant"))
    if isinstance(page, Response):
        return page
    return render_template("groups/index.html", view=view, page=page)


@bp.route("/<group_id>")
@login_required
def show(group_id: str) -> Any:
    view = current_view()
    if view is None or group_id not in view.group_names:
        abort(404, description=f"No group {group_id!r} in this snapshot.")
    row = view.analysis.groups.set_index("group_id").loc[group_id]
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
