"""Schools: the table, and each school's page with its ties, key connectors, groups and map."""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import Blueprint, render_template, request

from netmap.analysis.cohesion import reciprocity_by_kind, respondents
from netmap.analysis.priorities import context_columns
from netmap.analysis.sensitivity import stability_line, stable_in
from netmap.suppression import fewer_than, hide_rows
from netmap.tie_kinds import tie_kinds
from webapp.access import scope, suppressed_groups, suppressed_schools
from webapp.auth import audit
from webapp.data import TrustView, require_row, require_view
from webapp.formatting import shown
from webapp.metric_help import help_for
from webapp.table_columns import csv_columns
from webapp.tables import csv_response, index_page
from webapp.trends import SCHOOL_TRENDS, series

bp = Blueprint("schools", __name__, url_prefix="/schools")

COLUMNS = ["school_id", "staff", "response_rate", "response_band", "internal_ties", "external_ties", "ei_index",
           "ei_expected", "ei_p_value", "density", "degree_centralization", "reciprocity", "schools_reached",
           "groups_represented", "is_isolated", "is_hard_isolated", "dependency", "is_key_person_risk", "caveat"]


@bp.route("/")
def index() -> Any:
    view = require_view()
    schools = view.analysis.schools.drop(columns=["key_connectors"])
    found = scope(view)
    frame = hide_rows(schools, schools["school_id"], suppressed_schools(view, found), FIGURES, found.min_group_size)
    frame.insert(1, "priority", frame["school_id"].map(dict(zip(view.schools["school_id"],
                                                                 view.schools["priority"], strict=True))))
    return index_page(frame, "school_id", view.school_names,
                      "School", ["priority", *COLUMNS[1:]], template="schools/index.html", context={"view": view},
                      filename=f"schools-{view.as_of}.csv", default_sort="external_ties", descending=False,
                      filters=("priority", "is_isolated", "is_hard_isolated", "is_key_person_risk", "caveat"))


def _context(view: TrustView, school_id: str) -> list[tuple[str, str]]:
    """The trust's priority for the school and its own context columns, as (label, value), blanks left out."""
    row = view.schools.set_index("school_id").loc[school_id]
    shown = ["priority", *context_columns(view.schools)]
    return [(c.replace("_", " ").capitalize(), str(row[c])) for c in shown if row[c] not in (None, "")]


@bp.route("/<path:school_id>")
def show(school_id: str) -> Any:
    view, row = require_row("schools", "school_id", school_id)
    found = scope(view)
    hidden = suppressed_schools(view, found)
    wiring = view.analysis.wiring
    mine = wiring[(wiring["school_a"] == school_id) | (wiring["school_b"] == school_id)].copy()
    mine["other"] = mine["school_a"].where(mine["school_b"] == school_id, mine["school_b"])
    ties: list[tuple[str, str, int | str, int | str]] = [(o, view.school_names.get(o, o), int(s), int(h)) for o, s, h in
            sorted(zip(mine["other"], mine["soft_ties"], mine["hard_links"], strict=True), key=lambda t: -t[1])]
    # a hidden school's pairs are its links (their number is its hidden "schools reached"): none listed
    ties = [] if school_id in hidden else [t for t in ties if t[0] not in hidden]
    if request.args.get("format") == "csv":
        frame = pd.DataFrame(ties, columns=csv_columns("school links"))
        return csv_response(frame, f"school-ties-{school_id}-{view.as_of}.csv")
    every_connector = [c for c in (view.analysis.schools.set_index("school_id").at[school_id, "key_connectors"]
                                   or "").split(";") if c]
    connectors = [c for c in every_connector if found.may_name(c)]
    stable = stable_in(view.analysis, "key connector")
    staff = view.staff
    here = set(";".join(staff.loc[staff["school_id"] == school_id, "groups"]).split(";")) - {""}
    small_groups = suppressed_groups(view, found)  # left out with their members: they are missing everywhere
    groups = view.analysis.groups
    missing = [g for g, m in zip(groups["group_id"], groups["schools_missing"], strict=True)
               if m and _listed(school_id, m) and g not in small_groups and school_id not in hidden]
    if connectors and school_id not in hidden:
        audit("view", f"school {school_id} key connectors")
    understudies = ({c: [u for u in view.island_planner(school_id).understudies(school_id, c, top=8)
                         if found.may_name(u.staff_id)][:5]
                     for c in connectors} if bool(row["is_key_person_risk"]) and school_id not in hidden else {})
    secondees = (view.recommend(school_id, top=5)
                 if bool(row["is_isolated"]) and found.people is None and school_id not in hidden else [])
    trend_points = {} if school_id in hidden else {
        m: points for m in SCHOOL_TRENDS if len(points := series("school", school_id, m)) >= 2}
    under_way = view.secondments_under_way
    under_way = under_way[(under_way["from_school_id"] == school_id) | (under_way["to_school_id"] == school_id)]
    seconded = [(r.staff_id if found.may_name(r.staff_id) else "", r.status, r.from_school_id, r.to_school_id,
                 r.starts_on, r.ends_on) for r in under_way.itertuples()] if school_id not in hidden else []
    return render_template("schools/show.html", view=view, school_id=school_id, row=row, ties=ties,
                           measures=[] if school_id in hidden else _measures(view, school_id, row),
                           context=_context(view, school_id), seconded=seconded,
                           trends=trend_points, trend_titles=SCHOOL_TRENDS,
                           secondees=secondees, understudies=understudies,
                           unnamed_connectors=len(every_connector) - len(connectors), hidden=school_id in hidden,
                           fewer=fewer_than(found.min_group_size), names=found.sees_names,
                           staff_here=found.sees_names and (found.people is None or not found.people.isdisjoint(
                               staff.loc[staff["school_id"] == school_id, "staff_id"])),
                           connectors=[(c, view.staff_names.get(c, c), stable.get((c, school_id), ""))
                                       for c in connectors],
                           stability=stability_line(view.analysis, "key connector"),
                           groups_here=sorted((g, view.group_names.get(g, g)) for g in here),
                           groups_missing=[(g, view.group_names.get(g, g)) for g in missing])


def _listed(school_id: str, schools: str) -> bool:
    """Whether `school_id` is one of the ;-separated `schools`: found in place, not by splitting the list (a national
    group's list of schools missing from it runs to thousands, and a school's page reads every group's)."""
    return (schools == school_id or schools.startswith(f"{school_id};") or schools.endswith(f";{school_id}")
            or f";{school_id};" in schools)


def _measures(view: TrustView, school_id: str, row: pd.Series) -> list[tuple[str, str, str]]:
    """The school's mixing and cohesion as (label, help, text): the E-I index against chance, density,
    centralisation, and reciprocity with its value per kind of tie (docs/metrics.md)."""
    ei, expected, p = row["ei_index"], row["ei_expected"], row["ei_p_value"]
    if pd.isna(ei):
        mixing = "–"
    else:
        mixing = f"{shown('ei_index', ei)}, against {shown('ei_expected', expected)} if ties fell at random"
        if not pd.isna(p):
            side = "more inward" if ei < expected else "more outward"
            mixing += (f" ({side} than chance explains: p = {shown('ei_p_value', p)})" if p < 0.05 else
                       f" (within what chance gives: p = {shown('ei_p_value', p)})")
    graphs = view.around(school_id).graphs  # a school's ties never leave its island: its graphs, not all
    labels = {k.kind: k.label for k in tie_kinds(graphs.dataset)}
    by_kind = [f"{labels.get(kind, kind)} {shown('reciprocity', share)}" for (school, kind), share in
               reciprocity_by_kind(graphs.soft, graphs.school_of, respondents(graphs.soft)).items()
               if school == school_id]
    returned = shown("reciprocity", row["reciprocity"]) + (f" ({', '.join(by_kind)})" if by_kind else "")
    return [("E-I index", help_for("ei_index"), mixing),
            ("Density", help_for("density"), shown("density", row["density"])),
            ("Centralisation", help_for("degree_centralization"),
             shown("degree_centralization", row["degree_centralization"])),
            ("Reciprocity", help_for("reciprocity"), returned)]


FIGURES = COLUMNS[1:]  # every figure about a school's people; a hidden school's caveat is left out with them

