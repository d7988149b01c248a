"""Staff: the sortable, filterable table of metrics, and each person's page with their network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from werkzeug.wrappers import Response

from netmap.analysis.communities import stability_of, stability_sentence
from netmap.analysis.sensitivity import stability_line, stable_in
from netmap.analysis.staff_metrics import STAFF_COLUMNS
from webapp.access import named_view, require_person
from webapp.auth import audit
from webapp.data import current_view
from webapp.tables import Column, table_page

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/")
def index() -> Any:
    view, scope = named_view()
    frame = view.staff if scope.people is None else view.staff[view.staff["staff_id"].isin(scope.people)]
    link = lambda row: url_for("staff.show", staff_id=row["staff_id"])  # noqa: E731
    figures = request.args.get("figures", "overview")
    figures = figures if figures in FIGURES else "overview"
    chosen = FIGURES["all" if request.args.get("format") == "csv" else figures]  # a download has every figure
    columns = [Column("name", "Name", link), Column("school_id", "School", names=view.school_names),
               Column("role", "Role")] + [Column(c, names=view.school_names if c == "seconded_to" else None)
                                          for c in chosen]
    listed = _named_list(request.args)
    if listed:  # a named list: how stable each name on it is, beside it (and in its CSV)
        stable = stable_in(view.analysis, listed)
        frame = frame.assign(stable_in=[stable.get((str(p), ""), "") for p in frame["staff_id"]])
        columns.insert(3, Column("stable_in", "Stable in"))
    page = table_page(frame, columns, filename=f"staff-{view.as_of}.csv", default_sort="betweenness", ids=("staff_id",),
                      filters=("school_id", "role", "ona_role", "is_isolate", "is_disconnected", "community"))
    audit("download" if isinstance(page, Response) else "view",
          "staff table" + (f" ({request.query_string.decode()})" if request.query_string else ""))
    if isinstance(page, Response):
        return page
    schools = sorted(view.school_names.items())
    asks = figures == "structure" or "community" in request.args  # the pages that show people's communities
    unstable = asks and not stability_of(view.analysis.summary)["stable"]
    return render_template("staff/index.html", view=view, page=page, schools=schools, figures=figures,
                           choices=FIGURE_NAMES, communities=stability_sentence(view.analysis.summary) if unstable
                           else None, stability=stability_line(view.analysis, listed) if listed else None)


def _named_list(args: Mapping[str, str]) -> str | None:
    """The named list (netmap.analysis.sensitivity.LISTS) the table's filter shows, if it shows one: brokers or
    isolates by their role, disconnected staff by their flag."""
    role = args.get("ona_role", "")
    if role in ("broker", "isolate"):
        return role
    return "disconnected" if args.get("is_disconnected") == "True" else None


# The figures the staff table shows at once: a page as wide as a screen, each set for one question. The CSV
# download always has every figure.
FIGURES = {
    "overview": ("ona_role", "soft_degree", "cross_school_ties", "schools_reached", "betweenness", "is_disconnected"),
    "brokerage": ("betweenness", "constraint", "effective_size", "broker_coordinator", "broker_consultant",
                  "broker_representative", "broker_gatekeeper", "broker_liaison"),
    "survey": ("response", "times_named", "soft_in_degree", "soft_out_degree", "seconded_to"),
    "structure": ("hard_degree", "core_number", "community", "is_isolate", "is_disconnected"),
    "all": tuple(c for c in STAFF_COLUMNS[2:] if c != "groups"),
}
FIGURE_NAMES = {"overview": "Overview", "brokerage": "Brokerage", "survey": "Survey and direction",
                "structure": "Groups and structure", "all": "Every figure (wide)"}


@bp.route("/<path:staff_id>")
def show(staff_id: str) -> Any:
    view = current_view()
    scope = require_person(view, staff_id)
    if view is None or staff_id not in view.works_at:
        abort(404, description=f"No member of staff {staff_id!r} in post in this snapshot.")
    island = view.around(view.works_at[staff_id])  # their ties never leave their island: its graphs, not all
    row = view.staff.set_index("staff_id").loc[staff_id]
    soft = island.graphs.soft
    school_of = island.graphs.school_of
    ties = []
    for other in sorted(island.undirected[staff_id], key=lambda p: view.staff_names.get(p, p)):
        if not scope.may_name(other):
            continue  # a network lead sees the collaborators inside their scope (the count above has everyone)
        kinds = set(soft.edges[staff_id, other]["kinds"]) if soft.has_edge(staff_id, other) else set()
        kinds |= set(soft.edges[other, staff_id]["kinds"]) if soft.has_edge(other, staff_id) else set()
        direction = ("both" if soft.has_edge(staff_id, other) and soft.has_edge(other, staff_id)
                     else "they name" if soft.has_edge(staff_id, other) else "named by")
        ties.append((other, view.staff_names.get(other, other), view.school_names.get(school_of[other], ""),
                     ", ".join(sorted(kinds)), direction))
    audit("view", f"staff {staff_id}")
    groups = [(g, view.group_names.get(g, g)) for g in (row["groups"] or "").split(";") if g]
    intros = [i for i in view.introductions(staff_id) if scope.may_name(i.staff_id)] \
        if bool(row["is_disconnected"]) else []
    under_way = view.secondments_under_way
    seconded = list(under_way[under_way["staff_id"] == staff_id].itertuples())
    return render_template("staff/show.html", view=view, staff_id=staff_id, row=row, ties=ties, groups=groups,
                           intros=intros, seconded=seconded,
                           name=view.staff_names.get(staff_id, staff_id),
                           school=view.school_names.get(row["school_id"], row["school_id"]))
