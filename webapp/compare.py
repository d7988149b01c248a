"""The Compare page: what changed between two snapshots (netmap.analysis.compare), with the schools, groups and,
for roles that see names, the people behind each number, and whether an intervention (joining a group, a
secondment) paid off (netmap.analysis.evaluation); every table downloads as CSV."""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import Blueprint, abort, jsonify, render_template, request

from netmap.analysis.compare import Comparison, Snapshot, community_events, compare
from netmap.analysis.evaluation import Evaluation, Intervention, evaluate
from netmap.analysis.tables import columns_of
from netmap.errors import AnalysisError
from netmap.layout import has_places
from netmap.suppression import fewer_than, hide_rows
from webapp.access import Scope, require_names, scope, suppressed_groups, suppressed_schools
from webapp.auth import audit
from webapp.data import TrustView, ready_view, snapshots
from webapp.graphview import MapFilters, TooLarge, changes_map, people_changes_map
from webapp.hidden import without_hidden_schools
from webapp.network_map import DOWNLOADS, send_map
from webapp.tables import csv_response

bp = Blueprint("compare", __name__, url_prefix="/compare")
SHOWN_ROWS = 200  # a page lists at most this many rows of a long table (its CSV has them all); joiners and
# leavers are listed in full, as many as the tile counts


@bp.route("/map")
def changes() -> Any:
    """The school map of ?after= with the pairs of schools whose collaboration began, ended or continued since
    ?before= (JSON for map.js)."""
    before, after = _view(request.args.get("before", "")), _view(request.args.get("after", ""))
    school, group = request.args.get("school", ""), request.args.get("group", "")
    if school or group:
        return _people_changes(before, after, MapFilters(school=school, group=group))
    found = scope(after)
    hidden = suppressed_schools(after, found)  # the same in both: a unit hidden in any snapshot is in all
    drawn = changes_map(after, before, hidden, found.min_group_size,
                        geographic=request.args.get("layout") == "geographic")
    return send_map(after, without_hidden_schools(drawn, after, hidden, found.min_group_size))


def _people_changes(before: TrustView, after: TrustView, f: MapFilters) -> Any:
    """A school's staff or a group's members in both snapshots, who joined and left and which of their
    collaborations began, ended or continued: for roles that see names, within their scope."""
    found = require_names(after)
    try:
        drawn = people_changes_map(after, before, f, found.people, scope(before).people)
    except TooLarge as exc:
        return jsonify({"nodes": [], "edges": [], "legend": [], "info": {}, "message": str(exc)})
    if request.args.get("format") not in DOWNLOADS:  # a download is audited by send_map, as every map's is
        audit("view", f"people's changes {before.snapshot_id} to {after.snapshot_id} "
                      f"({request.query_string.decode()})")
    return send_map(after, drawn)


@bp.route("/")
def index() -> Any:
    ids = [s.snapshot_id for s in snapshots()]  # a snapshot's id: its date, or date-N for a later one that day
    if len(ids) < 2:
        return render_template("compare/index.html", dates=ids, result=None)
    before = request.args.get("before") or ids[-2]
    after = request.args.get("after") or ids[-1]
    views = _view(before), _view(after)
    found = scope(views[1])
    result = _comparison(*views)
    tables = _tables(result, views, found)
    evaluation = _evaluation(views, found, request.args.get("intervention", ""))
    if isinstance(evaluation, Evaluation):
        tables["evaluation"] = evaluation.table()
    wanted = request.args.get("table", "")
    if request.args.get("format") == "csv":
        if wanted not in tables:
            abort(404, description=f"No table {wanted!r} here.")
        audit("download", f"comparison {before} to {after}: {wanted}")
        return csv_response(tables[wanted], f"compare-{before}-{after}-{wanted}.csv")
    audit("view", f"comparison {before} to {after}")
    names = {**views[0].school_names, **views[1].school_names}
    summary = _shown_summary(result, suppressed_schools(views[1], found))
    shown = _shown_rows(tables)
    return render_template("compare/index.html", dates=ids, before=before, after=after, result=result,
                           summary=summary, community_events=community_events(result.communities),
                           evaluation=evaluation, intervention=request.args.get("intervention", ""),
                           tables={k: v if k == "people" else v.head(SHOWN_ROWS) for k, v in shown.items()},
                           totals={k: len(v) for k, v in shown.items()}, school_names=names,
                           group_names={**views[0].group_names, **views[1].group_names},
                           staff_names={**views[0].staff_names, **views[1].staff_names},
                           names=found.sees_names, shown_rows=SHOWN_ROWS, offers_geography=has_places(views[1]),
                           geographic=request.args.get("layout") == "geographic" and has_places(views[1]),
                           chosen={"school": request.args.get("school", ""), "group": request.args.get("group", "")},
                           choices={"schools": sorted(names.items(), key=lambda item: item[1]),
                                    "groups": sorted({**views[0].group_names, **views[1].group_names}.items(),
                                                     key=lambda item: item[1])})


def _evaluation(views: tuple[TrustView, TrustView], found: Scope, key: str) -> Evaluation | str | None:
    """The chosen intervention's evaluation from the earlier view to the later (kept with the later view), or
    why there is none to show: its error, or, for a role whose aggregates are suppressed, members or comparison
    set below the threshold; None when none is chosen."""
    if not key:
        return None
    before, after = views
    refused = (f"Not shown: {fewer_than(found.min_group_size)} members or comparable staff, and a figure about so "
               "few people could single someone out.")
    try:
        intervention = Intervention.parse(key)
    except AnalysisError as exc:
        return str(exc)
    if intervention.group_id in suppressed_groups(after, found) | suppressed_groups(before, found):
        return refused
    cached = f"evaluation of {key} since {before.snapshot_id} {before.info.content_hash}"
    try:
        if cached not in after.layout_cache:
            after.layout_cache[cached] = evaluate(before.graphs, after.graphs, intervention,
                                                  min_comparison=found.min_group_size)
    except AnalysisError as exc:
        return str(exc)
    result: Evaluation = after.layout_cache[cached]
    if found.suppress and min(result.members, result.comparison) < found.min_group_size:
        return refused
    return result


def _view(snapshot_id: str) -> TrustView:
    stored = {s.snapshot_id: s for s in snapshots()}
    if snapshot_id not in stored:
        abort(404, description=f"No snapshot {snapshot_id!r}.")
    return ready_view(stored[snapshot_id])


def _comparison(before: TrustView, after: TrustView) -> Comparison:
    """Kept with the later view, per earlier snapshot: the same for every user."""
    key = f"comparison with {before.snapshot_id} {before.info.content_hash}"
    if key not in after.layout_cache:
        after.layout_cache[key] = compare(Snapshot(before.graphs, before.analysis),
                                          Snapshot(after.graphs, after.analysis))
    result: Comparison = after.layout_cache[key]
    return result


def _shown_rows(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The rows the page lists, filtered before any cut so that a table and its tile agree: people who joined or
    left (every one of them), communities that changed."""
    shown = dict(tables)
    if "people" in shown:
        shown["people"] = shown["people"][shown["people"]["status"] != "stayed"]
    if "communities" in shown:
        communities = shown["communities"]
        shown["communities"] = communities[(communities["event"] != "continued")
                                           | (communities["size_before"] != communities["size_after"])]
    return shown


def _shown_summary(result: Comparison, hidden: set[str]) -> dict[str, Any]:
    """The comparison's summary without hidden schools among those that became isolated or connected ("became
    connected" says that a school's staff had no tie to another school before)."""
    return {**result.summary,
            **{k: [s for s in result.summary[k] if s not in hidden]
               for k in ("schools_became_isolated", "schools_became_connected")}}


def _tables(result: Comparison, views: tuple[TrustView, TrustView], found: Scope) -> dict[str, pd.DataFrame]:
    """The tables this user may see: schools and groups for everyone (small ones' figures hidden from aggregate
    roles), ties, people and roles by name within the user's scope."""
    hidden = suppressed_schools(views[1], found)  # both views leave out the same units (webapp.hidden)
    small_groups = suppressed_groups(views[1], found)
    schools = hide_rows(result.schools, result.schools["school_id"], hidden,
                        [c for c in result.schools.columns if c != "school_id"], found.min_group_size)
    groups = hide_rows(result.groups, result.groups["group_id"], small_groups,
                       [c for c in result.groups.columns if c != "group_id"], found.min_group_size)
    tables = {"schools": schools, "groups": groups}
    if found.sees_names:
        ties, people, roles = result.ties, result.people, result.roles
        if found.people is not None:
            ties = ties[ties["person_a"].isin(found.people) & ties["person_b"].isin(found.people)]
            people = people[people["staff_id"].isin(found.people)]
            roles = roles[roles["staff_id"].isin(found.people)]
        names = {**views[0].staff_names, **views[1].staff_names}
        ties = ties.assign(name_a=ties["person_a"].map(lambda p: names.get(p, p)),
                           name_b=ties["person_b"].map(lambda p: names.get(p, p)))[columns_of("compare ties named")]
        communities = result.communities.astype(object)
        tables.update(ties=ties, people=people, roles=roles,
                      communities=communities.where(communities.notna(), None))  # pandas' NA has no truth value
    return tables
