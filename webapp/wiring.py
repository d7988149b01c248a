"""Hard against soft wiring: the two layers side by side, the school x school matrix, and what each misses."""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from netmap.analysis.communities import stability_of, stability_sentence
from netmap.analysis.wiring import LINKED_BY
from netmap.layout import MAX_SCHOOL_NODES, schools_around
from netmap.suppression import fewer_than, suppressed_keys
from webapp.access import require_names, scope, suppressed_schools
from webapp.auth import audit
from webapp.data import require_view
from webapp.tables import Column, csv_response, table_page

bp = Blueprint("wiring", __name__, url_prefix="/wiring")
HEAT_LEVELS = 9
MAX_MATRIX_SCHOOLS = 150  # above this the matrix shows the chosen school's neighbourhood; the CSV has every pair


@bp.route("/")
def index() -> Any:
    view = require_view()
    found = scope(view)
    hidden = suppressed_schools(view, found)
    pairs = view.school_pairs
    if hidden:  # a hidden school's pairs are its links: their number is its hidden "schools reached"
        pairs = pairs[~(pairs["school_a"].isin(hidden) | pairs["school_b"].isin(hidden))]
    if request.args.get("format") == "csv":
        return csv_response(pairs, f"wiring-{view.as_of}.csv")
    schools = sorted(set(view.school_names) - hidden)
    school = request.args.get("school") or (schools[0] if schools else "")
    shown = schools if len(schools) <= MAX_MATRIX_SCHOOLS else sorted(
        set(schools_around(view, school if school in schools else schools[0], MAX_MATRIX_SCHOOLS)) - hidden)
    key = f"matrix {found.min_group_size if hidden else ''} " + " ".join(shown)
    if key not in view.layout_cache:  # the same for every user: rendered once (22,500 cells at 150 schools)
        # Markup is safe here: it wraps the output of an autoescaped .html template, in which every school name
        # was already escaped (tests/test_webapp.py checks a hostile name through the cache).
        top = max(1, int(view.analysis.wiring["soft_ties"].max())) if len(view.analysis.wiring) else 1
        view.layout_cache[key] = Markup(render_template(
            "wiring/_matrix.html", view=view, shown=shown, matrix=_matrix(pairs, shown),
            heat=lambda n: min(HEAT_LEVELS, round(HEAT_LEVELS * n / top))))
    groups = view.analysis.groups
    dormant = groups[groups["is_dormant"]]
    clusters = view.analysis.summary["wiring"]["informal_clusters_without_formal_home"]
    if found.suppress:
        small = suppressed_keys(pd.Series({c["community"]: c["size"] for c in clusters}, dtype=float),
                                found.min_group_size)
        clusters = [{**c, "size": fewer_than(found.min_group_size)} if c["community"] in small else c
                    for c in clusters]
        clusters = [{**c, "schools": [s for s in c["schools"] if s not in hidden]} for c in clusters]  # links
    kinds = pairs["linked_by"].value_counts()
    counts = view.analysis.summary["counts"]
    return render_template("wiring/index.html", view=view, schools=schools, shown=shown,
                           matrix_html=view.layout_cache[key], dormant=[(g, view.group_names.get(g, g), c) for g, c in
                                    zip(dormant["group_id"], dormant["conductivity"], strict=True)],
                           clusters=clusters, communities=stability_sentence(view.analysis.summary),
                           communities_stable=bool(stability_of(view.analysis.summary)["stable"]),
                           summary=view.analysis.summary["wiring"], school=school,
                           hidden_schools=bool(hidden),
                           names=found.sees_names, kinds={k: int(kinds.get(k, 0)) for k in LINKED_BY},
                           soft=int(counts["soft_ties_undirected"]), hard=int(counts["hard_links"]),
                           focus=school if len(schools) > MAX_SCHOOL_NODES else "")


def _matrix(pairs: pd.DataFrame, schools: list[str]) -> dict[str, dict[str, tuple[int, int, str]]]:
    """School x school: matrix[a][b] = (soft ties, hard links, linked by). Plain dicts: the page reads 22,500
    cells at 150 schools, and a DataFrame lookup per cell made it take half a second."""
    cells = {(a, b): (int(s), int(h), k) for a, b, h, s, k in
             pairs[["school_a", "school_b", "hard_links", "soft_ties", "linked_by"]].itertuples(index=False)}
    return {a: {b: cells.get((a, b)) or cells.get((b, a)) or (0, 0, "") for b in schools} for a in schools}


@bp.route("/bridges")
def bridges() -> Any:
    """Soft-only bridges: cross-school ties no group supports (people by name: within the user's scope)."""
    view = require_view()
    found = require_names(view)
    bridges = view.analysis.bridges
    if found.people is not None:
        bridges = bridges[bridges["person_a"].isin(found.people) & bridges["person_b"].isin(found.people)]
    frame = bridges.assign(name_a=bridges["person_a"].map(lambda p: view.staff_names.get(p, p)),
                           name_b=bridges["person_b"].map(lambda p: view.staff_names.get(p, p)))[
        ["person_a", "name_a", "school_a", "person_b", "name_b", "school_b"]]
    columns = [Column("name_a", "Person", lambda r: url_for("staff.show", staff_id=r["person_a"])),
               Column("school_a", "School", names=view.school_names),
               Column("name_b", "Person", lambda r: url_for("staff.show", staff_id=r["person_b"])),
               Column("school_b", "School", names=view.school_names)]
    page = table_page(frame, columns, filename=f"soft-only-bridges-{view.as_of}.csv", default_sort="school_a",
                      ids=("person_a", "person_b"),
                      descending=False, filters=("school_a", "school_b"))
    audit("download" if isinstance(page, Response) else "view", "soft-only bridges")
    if isinstance(page, Response):
        return page
    return render_template("wiring/bridges.html", view=view, page=page)
