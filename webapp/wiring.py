"""Hard against soft wiring: the two layers side by side, the school x school matrix, and what each misses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from webapp.auth import audit, login_required
from webapp.data import require_view
from webapp.graphview import schools_around
from webapp.tables import Column, csv_response, table_page

bp = Blueprint("wiring", __name__, url_prefix="/wiring")
HEAT_LEVELS = 9
MAX_MATRIX_SCHOOLS = 150  # above this the matrix shows the chosen school's neighbourhood; the CSV has every pair


@bp.route("/")
@login_required
def index() -> Any:
    view = require_view()
    if request.args.get("format") == "csv":
        return csv_response(view.analysis.wiring, f"wiring-{view.as_of}.csv")
    schools = sorted(view.school_names)
    school = request.args.get("school") or (schools[0] if schools else "")
    shown = schools if len(schools) <= MAX_MATRIX_SCHOOLS else sorted(
        schools_around(view, school if school in view.school_names else schools[0], MAX_MATRIX_SCHOOLS))
    key = "matrix " + " ".join(shown)
    if key not in view.layout_cache:  # the same for every user: rendered once (22,500 cells at 150 schools)
        # Markup is safe here: it wraps the output of an autoescaped .html template, in which every school name
        # was already escaped (tests/test_webapp.py checks a hostile name through the cache).
        top = max(1, int(view.analysis.wiring["soft_ties"].max())) if len(view.analysis.wiring) else 1
        view.layout_cache[key] = Markup(render_template(
            "wiring/_matrix.html", view=view, shown=shown, matrix=_matrix(view, shown),
            heat=lambda n: min(HEAT_LEVELS, round(HEAT_LEVELS * n / top))))
    groups = view.analysis.groups
    dormant = groups[groups["is_dormant"]]
    clusters = view.analysis.summary["wiring"]["informal_clusters_without_formal_home"]
    return render_template("wiring/index.html", view=view, schools=schools, shown=shown,
                           matrix_html=view.layout_cache[key], dormant=[(g, view.group_names.get(g, g), c) for g, c in
                                    zip(dormant["group_id"], dormant["conductivity"], strict=True)],
                           clusters=clusters, summary=view.analysis.summary["wiring"], school=school)


def _matrix(view: Any, schools: list[str]) -> dict[str, dict[str, tuple[int, int]]]:
    """School x school: matrix[a][b] = (soft ties, hard links). Plain dicts: the page reads 22,500 cells at 150
    schools, and a DataFrame lookup per cell made it take half a second."""
    cells = {(a, b): (int(s), int(h)) for a, b, h, s in view.analysis.wiring.itertuples(index=False, name=None)}
    return {a: {b: cells.get((a, b)) or cells.get((b, a)) or (0, 0) for b in schools} for a in schools}


@bp.route("/bridges")
@login_required
def bridges() -> Any:
    """Soft-only bridges: cross-school ties no group supports."""
    view = require_view()
    bridges = view.analysis.bridges
    frame = bridges.assign(name_a=bridges["person_a"].map(lambda p: view.staff_names.get(p, p)),
                           name_b=bridges["person_b"].map(lambda p: view.staff_names.get(p, p)))[
        ["person_a", "name_a", "school_a", "person_b", "name_b", "school_b"]]
    columns = [Column("person_a", "Person", lambda r: url_for("staff.show", staff_id=r["person_a"])),
               Column("name_a", "Name"), Column("school_a", "School"),
               Column("person_b", "Person", lambda r: url_for("staff.show", staff_id=r["person_b"])),
               Column("name_b", "Name"), Column("school_b", "School")]
    page = table_page(frame, columns, filename=f"soft-only-bridges-{view.as_of}.csv", default_sort="school_a",
                      descending=False, filters=("school_a", "school_b"))
    audit("download" if isinstance(page, Response) else "view", "soft-only bridges")
    if isinstance(page, Response):
        return page
    return render_template("wiring/bridges.html", view=view, page=page)
