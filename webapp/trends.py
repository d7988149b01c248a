"""Trends across every snapshot (netmap.analysis.trends) as charts with their numbers beside them: the trust's on
the dashboard, a school's on its page, a group's on its page. Figures of schools and groups hidden from a role
(too few people) have no chart for it."""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, request

from netmap.analysis.trends import TRUST_TRENDS, Trends, trends
from webapp.access import scope, suppressed_groups, suppressed_schools
from webapp.charts import line_chart
from webapp.data import TrustView, analysed_views, require_view

__all__ = ["GROUP_TRENDS", "SCHOOL_TRENDS", "bp", "series", "trends_of_store"]

bp = Blueprint("trends", __name__, url_prefix="/trends")
SCHOOL_TRENDS = {"external_ties": ("Collaborations with other schools", False),
                 "schools_reached": ("Other schools reached", False)}
GROUP_TRENDS = {"conductivity": ("Conductivity (share of member pairs who collaborate)", True),
                "active_members": ("Members who collaborate with another member", False)}
_lock = threading.Lock()


def trends_of_store() -> Trends:
    """The series over every snapshot analysed so far (a snapshot still being analysed joins once it is done);
    computed once per set of analysed snapshots, looked up once per request."""
    if "trends" in g:
        found: Trends = g.trends
        return found
    views = analysed_views()
    key = tuple((v.snapshot_id, v.info.content_hash) for v in views)
    cache = current_app.extensions.setdefault("netmap_trends", {})
    with _lock:
        if cache.get("key") != key:
            cache.update(key=key, trends=trends([v.analysis for v in views]))
        kept: Trends = cache["trends"]
    g.trends = kept
    return kept


def series(of: str, item: str, metric: str) -> list[tuple[str, Any]]:
    """(date, value) over the snapshots for the trust, one school or one group."""
    t = trends_of_store()
    if of == "trust":
        frame = t.trust
    elif of == "school":
        frame = t.schools[t.schools["school_id"] == item] if len(t.schools) else t.schools
    else:
        frame = t.groups[t.groups["group_id"] == item] if len(t.groups) else t.groups
    if metric not in frame.columns:
        return []
    return [(d, None if v is None or v != v else v) for d, v in zip(frame["as_of"], frame[metric], strict=True)]


@bp.route("/chart.svg")
def chart() -> Any:
    """?of=trust|school|group&id=ID&metric=NAME: the series as an SVG chart."""
    of, item, metric = request.args.get("of", "trust"), request.args.get("id", ""), request.args.get("metric", "")
    charts: dict[str, dict[str, tuple[Any, ...]]] = {"trust": TRUST_TRENDS, "school": SCHOOL_TRENDS,
                                                     "group": GROUP_TRENDS}
    known = charts.get(of)
    if known is None or metric not in known:
        abort(404, description="No such chart.")
    view: TrustView = require_view()
    found = scope(view)
    if (of == "school" and item in suppressed_schools(view, found)) or (
            of == "group" and item in suppressed_groups(view, found)):
        abort(403)
    points = series(of, item, metric)
    title, share = known[metric][0], known[metric][1]
    svg = line_chart([d for d, _ in points], [v for _, v in points], title, share=share)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})
