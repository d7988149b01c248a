"""Groups: every expert network and subject community, and each one's members, conductivity and map."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from netmap.analysis.group_metrics import GROUP_COLUMNS
from netmap.suppression import fewer_than, hide_rows, suppressed_keys
from webapp.access import scope, scoped_view, suppressed_groups
from webapp.auth import audit
from webapp.data import require_row
from webapp.tables import index_page
from webapp.trends import GROUP_TRENDS, series

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.route("/")
def index() -> Any:
    view, found = scoped_view()
    groups = view.analysis.groups
    frame = hide_rows(groups, groups["group_id"], suppressed_groups(view, found), FIGURES, found.min_group_size)
    return index_page(frame, "group_id", view.group_names, "Group", list(GROUP_COLUMNS[1:]),
                      template="groups/index.html", context={"view": view}, filename=f"groups-{view.as_of}.csv",
                      default_sort="conductivity", descending=False, filters=("kind", "is_dormant"))


@bp.route("/<path:group_id>")
def show(group_id: str) -> Any:
    view, row = require_row("groups", "group_id", group_id)
    found = scope(view)
    staff = view.staff
    members = staff[staff["groups"].map(lambda s: group_id in s.split(";"))]
    group_hidden = group_id in suppressed_groups(view, found)
    missing = [] if group_hidden else [(s, view.school_names.get(s, s))
                                       for s in (row["schools_missing"] or "").split(";") if s]
    context = {"view": view, "group_id": group_id, "row": row, "missing": missing, "name": view.group_names[group_id],
               "hidden": group_hidden, "fewer": fewer_than(found.min_group_size),
               "names": found.sees_names, "trend_titles": GROUP_TRENDS,
               "trends": {} if group_hidden else {
                   m: points for m in GROUP_TRENDS if len(points := series("group", group_id, m)) >= 2}}
    if not found.may_list_members(group_id):  # aggregate: members counted by school, small counts hidden
        counts = members.groupby("school_id").size()
        hidden = suppressed_keys(counts, found.min_group_size)
        counted = [(s, view.school_names.get(s, s), fewer_than(found.min_group_size) if s in hidden else int(n))
                   for s, n in counts.items()]
        return render_template("groups/show.html", by_school=[], counted=counted, leads=[], **context)
    inside = set(members["staff_id"])
    memberships = view.table("memberships")
    leads = memberships.loc[(memberships["group_id"] == group_id) & (memberships["role"] == "lead"), "staff_id"]
    context["leads"] = [(p, view.staff_names.get(p, p)) for p in sorted(set(leads) & inside)]
    by_school = []
    for school_id, people in members.groupby("school_id"):
        listed = [(p, view.staff_names.get(p, p), any(n in inside for n in view.undirected[p]))
                  for p in sorted(people["staff_id"])]
        by_school.append((school_id, view.school_names.get(school_id, school_id), listed))
    audit("view", f"group {group_id} members")
    return render_template("groups/show.html", by_school=by_school, counted=[], **context)


FIGURES = [c for c in GROUP_COLUMNS[1:] if c != "kind"]  # a hidden group's schools are left out with its members
