"""Schools: the table, and each school's page with its ties, key connectors, groups and map."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from webapp.auth import audit, login_required
from webapp.data import require_row, require_view
from webapp.tables import index_page

bp = Blueprint("schools", __name__, url_prefix="/schools")

COLUMNS = ["school_id", "staff", "response_rate", "internal_ties", "external_ties", "ei_index", "schools_reached",
           "groups_represented", "is_isolated", "is_hard_isolated", "dependency", "is_key_person_risk", "caveat"]


@bp.route("/")
@login_required
def index() -> Any:
    view = require_view()
    return index_page(view.analysis.schools.drop(columns=["key_connectors"]), "school_id", view.school_names,
                      "School", COLUMNS[1:], template="schools/index.html", context={"view": view},
                      filename=f"schools-{view.as_of}.csv", default_sort="external_ties", descending=False,
                      filters=("is_isolated", "is_hard_isolated", "is_key_person_risk", "caveat"))


@bp.route("/<path:school_id>")
@login_required
def show(school_id: str) -> Any:
    view, row = require_row("schools", "school_id", school_id)
    wiring = view.analysis.wiring
    mine = wiring[(wiring["school_a"] == school_id) | (wiring["school_b"] == school_id)].copy()
    mine["other"] = mine["school_a"].where(mine["school_b"] == school_id, mine["school_b"])
    ties = [(o, view.school_names.get(o, o), int(s), int(h)) for o, s, h in
            sorted(zip(mine["other"], mine["soft_ties"], mine["hard_links"], strict=True), key=lambda t: -t[1])]
    connectors = [c for c in (row["key_connectors"] or "").split(";") if c]
    groups = view.analysis.groups
    staff = view.staff
    here = set(";".join(staff.loc[staff["school_id"] == school_id, "groups"]).split(";")) - {""}
    missing = [g for g, m in zip(groups["group_id"], groups["schools_missing"], strict=True)
               if school_id in (m or "").split(";")]
    if connectors:
        audit("view", f"school {school_id} key connectors")
    return render_template("schools/show.html", view=view, school_id=school_id, row=row, ties=ties,
                           connectors=[(c, view.staff_names.get(c, c)) for c in connectors],
                           groups_here=sorted((g, view.group_names.get(g, g)) for g in here),
                           groups_missing=[(g, view.group_names.get(g, g)) for g in missing])
