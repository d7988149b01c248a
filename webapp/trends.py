"""Trends across every snapshot (netmap.analysis.trends) as charts with their numbers beside them: the trust's on
the dashboard, a school's on its page, a group's on its page. Figures of schools and groups hidden from a role
(too few people) in any snapshot have no chart for it, in any snapshot (webapp.hidden)."""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, request

from netmap.analysis.trends import TRUST_TRENDS, Trends, trends
from webapp.access import Scope, scope, suppressed_groups, suppressed_schools
from webapp.charts import line_chart
from webapp.data import analysed_views, require_view
from webapp.hidden import hidden_from_user

__all__ = ["GROUP_TRENDS", "SCHOOL_TRENDS", "bp", "series", "trends_of_store"]

bp = Blueprint("trends", __name__, url_prefix="/trends")
SCHOOL_TRENDS = {"external_ties": ("Collaborations with other schools", False),
                 "schools_reached": ("Other schools reached", False)}
GROUP_TRENDS = {"conductivity": ("Conductivity (share of member pairs who collaborate)", True),
                "active_members": ("Members who collaborate with another member", False)}
_lock = threading.Lock()
KEPT_TRENDS = 8  # series kept at once: the whole trust's, and each hidden set's (a role's, a lead's groups)


def trends_of_store() -> Trends:
    """The series over every snapshot analysed so far (a snapshot still being analysed joins once it is done),
    as the user's role is given them (webapp.hidden); computed once per set of analysed snapshots and hidden
    units, looked up once per request."""
    if "trends" in g:
        found: Trends = g.trends
        return found
    views = analysed_views()
    key = tuple((v.snapshot_id, v.info.content_hash, v.analysis_key) for v in views)
    cache: dict[tuple[tuple[str, str, str], ...], Trends] = current_app.extensions.setdefault("netmap_trends", {})
    with _lock:
        if key not in cache:
            if len(cache) >= KEPT_TRENDS:  # the oldest goes: a reload or a new hidden set made it stale
                del cache[next(iter(cache))]
            cache[key] = trends([v.analysis for v in views])
        kept = cache[key]
    g.trends = kept
    return kept


# trust-wide counts of schools or groups: (the Trends table, its key, the flag counted)
COUNTED = {"isolated_schools": ("schools", "school_id", "is_isolated"),
           "dormant_groups": ("groups", "group_id", "is_dormant")}


def series(of: str, item: str, metric: str, found: Scope | None = None) -> list[tuple[str, Any]]:
    """(date, value) over the snapshots for the trust, one school or one group. With `found` a scope that sees
    aggregates, the trust's counts of isolated schools and dormant groups leave out those hidden in any snapshot
    (the count minus the schools named would tell a hidden one's state)."""
    t = trends_of_store()
    if of == "trust" and found is not None and found.suppress and metric in COUNTED:
        return _counted_without_hidden(t, metric, found)
    if of == "trust":
        frame = t.trust
    elif of == "school":
        frame = t.schools[t.schools["school_id"] == item] if len(t.schools) else t.schools
    else:
        frame = t.groups[t.groups["group_id"] == item] if len(t.groups) else t.groups
    if metric not in frame.columns:
        return []
    return [(d, None if v is None or v != v else v) for d, v in zip(frame["as_of"], frame[metric], strict=True)]


def _counted_without_hidden(t: Trends, metric: str, found: Scope) -> list[tuple[str, Any]]:
    table, key, flag = COUNTED[metric]
    frame = getattr(t, table)
    left_out = hidden_from_user()
    hidden = left_out.schools if table == "schools" else left_out.groups - set(found.groups or ())
    if not len(frame):
        return [(d, 0) for d in t.trust["as_of"]]
    kept = frame[~frame[key].isin(hidden)]
    counts = kept[kept[flag].fillna(False).astype(bool)].groupby("as_of").size()
    return [(d, int(counts.get(d, 0))) for d in t.trust["as_of"]]


@bp.route("/chart.svg")
def chart() -> Any:
    """?of=trust|school|group&id=ID&metric=NAME: the series as an SVG chart."""
    of, item, metric = request.args.get("of", "trust"), request.args.get("id", ""), request.args.get("metric", "")
    charts: dict[str, dict[str, tuple[Any, ...]]] = {"trust": TRUST_TRENDS, "school": SCHOOL_TRENDS,
                                                     "group": GROUP_TRENDS}
    known = charts.get(of)
    if known is None or metric not in known:
        abort(404, description="No such chart.")
    view = require_view()
    found = scope(view)
    if (of == "school" and item in suppressed_schools(view, found)) or (
            of == "group" and item in suppressed_groups(view, found)):
        abort(403)  # hidden in any snapshot the series covers: hidden in all of them
    points = series(of, item, metric, found)
    title, share = known[metric][0], known[metric][1]
    svg = line_chart([d for d, _ in points], [v for _, v in points], title, share=share)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})
