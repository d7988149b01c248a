"""Secondments (hr, admin): ranked candidates for a school, a what-if scenario with before/after numbers and
maps, saved scenarios, introductions for a disconnected colleague, leaver risk and key players."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from netmap.analysis.key_players import fragmenting_players, pairs_cut_apart, reaching_players
from netmap.analysis.whatif import Change, Leave, Second, analyse_after, what_if
from netmap.errors import AnalysisError
from webapp.auth import accounts, audit
from webapp.data import TrustView, current_view, require_view
from webapp.graphview import school_map
from webapp.network_map import one_person
from webapp.table_columns import csv_columns
from webapp.tables import Column, csv_response, table_page

bp = Blueprint("secondments", __name__, url_prefix="/secondments")
_KINDS = {"Leave": Leave, "Second": Second}


def _changes() -> list[Change]:
    return [_KINDS[c["type"]](**{k: v for k, v in c.items() if k != "type"}) for c in session.get("scenario", [])]


def _store(changes: list[Change]) -> None:
    session["scenario"] = [{"type": type(c).__name__, **dataclasses.asdict(c)} for c in changes]


@bp.route("/")
def index() -> Any:
    view = require_view()
    args = request.args
    school, subject, role = args.get("school", ""), args.get("subject", ""), args.get("role", "")
    candidates, central = [], []
    if school:
        try:
            candidates = view.recommend(school, subject=subject or None, role=role or None, top=15)
            central = view.recommend(school, subject=subject or None, role=role or None, top=5, central=True)
        except AnalysisError as exc:
            flash(str(exc), "error")
        audit("download" if args.get("format") == "csv" else "view", f"secondment candidates for {school}")
    changes = _changes()
    result, error = None, ""
    if changes:
        try:
            result = what_if(view.graphs, changes)
        except AnalysisError as exc:
            error = str(exc)
    typed = args.get("person", "").strip()
    person = one_person(view, typed) if typed else ""
    intros = []
    if person:
        try:
            intros = view.introductions(person)
        except AnalysisError as exc:
            flash(str(exc), "error")
        audit("view", f"introductions for {person}")
    to_help = view.schools_to_help
    under_way = _under_way(view)
    flags = view.planner.scenario_flags(result, changes) if result is not None else []
    download = request.args.get("format") == "csv"
    if download and args.get("table") == "candidates":
        frame = pd.DataFrame([dataclasses.asdict(c) for c in candidates + central])
        if len(frame):
            frame.insert(3, "from_school", frame["from_school_id"].map(view.school_names))
        return csv_response(frame, f"secondment-candidates-{school}-{view.as_of}.csv")
    if download and args.get("table") == "whatif" and result is not None:
        return csv_response(_before_after(view, result), f"what-if-{view.as_of}.csv")
    if download and args.get("table") == "to_help":
        audit("download", "schools to help first")
        return csv_response(to_help, f"schools-to-help-{view.as_of}.csv")
    if download and args.get("table") == "secondments":
        audit("download", "current and planned secondments")
        return csv_response(under_way[csv_columns("secondments under way")], f"secondments-{view.as_of}.csv")
    subjects = view.subjects_taught
    return render_template("secondments/index.html", view=view, school=school, subject=subject, role=role,
                           candidates=candidates, central=central, changes=changes, result=result, error=error,
                           person=person, typed=typed,
                           intros=intros, subjects=subjects, schools=sorted(view.school_names.items()),
                           saved=accounts().scenarios.all_scenarios(), names=view.staff_names,
                           to_help=to_help, under_way=under_way,
                           flags=flags,
                           target_isolated=bool(school) and school in set(view.analysis.summary["isolated_schools"]))


def _under_way(view: TrustView) -> pd.DataFrame:
    """Current and planned secondments in the data, with names (hr and admin see every name)."""
    table = view.secondments_under_way
    return pd.DataFrame({"status": table["status"], "staff_id": table["staff_id"],
                         "name": table["staff_id"].map(view.staff_names),
                         "from_school": table["from_school_id"].map(view.school_names),
                         "to_school": table["to_school_id"].map(view.school_names),
                         "starts_on": table["starts_on"], "ends_on": table["ends_on"], "purpose": table["purpose"],
                         "from_school_id": table["from_school_id"], "to_school_id": table["to_school_id"]})


def _before_after(view: TrustView, result: Any) -> pd.DataFrame:
    """The what-if table as rows: each school's ties, reach and dependency before and after the scenario."""
    before, after = result.before, result.after
    return pd.DataFrame([{"school_id": s, "school": view.school_names.get(s, s),
                          "ties_before": before.external_ties.get(s),
                          "ties_after": after.external_ties.get(s), "reach_before": before.schools_reached.get(s),
                          "reach_after": after.schools_reached.get(s), "dependency_before": before.dependency.get(s),
                          "dependency_after": after.dependency.get(s)} for s in result.schools])


@bp.route("/scenario", methods=["POST"])
def change_scenario() -> Any:
    """Add a secondment or a leaver to the scenario, remove one, clear it, or save it."""
    form = request.form
    changes = _changes()
    action = form.get("action")
    if action == "second":
        changes.append(Second(form["staff_id"], form["from_school_id"], form["to_school_id"]))
    elif action == "second-by-name":
        view = current_view()
        person = one_person(view, form.get("staff_id", "").strip()) if view is not None else ""
        target = form.get("to_school_id", "")
        if person and view is not None:
            home = view.graphs.school_of[person]
            if target == home:
                flash(f"{view.staff_names.get(person, person)} already works at "
                      f"{view.school_names.get(home, home)}: choose another school.", "error")
            else:
                changes.append(Second(person, home, target))
    elif action == "leave":
        view = current_view()
        leaver = one_person(view, form["staff_id"].strip()) if view is not None else ""
        if leaver:
            changes.append(Leave(leaver))
    elif action == "remove":
        index = form.get("index", -1, type=int)  # not a number: removes nothing
        if 0 <= index < len(changes):
            changes.pop(index)
    elif action == "clear":
        changes = []
    elif action == "save":
        view = current_view()
        name = form.get("name", "").strip() or "Untitled scenario"
        if view is not None and changes:
            accounts().scenarios.save(name, g.user.name, view.snapshot_id, session["scenario"])
            audit("scenario saved", f"{name} ({len(changes)} change(s), snapshot {view.snapshot_id})")
            flash(f"Saved scenario {name!r}.", "ok")
    _store(changes)
    return redirect(url_for("secondments.index", school=form.get("school", ""), snapshot=form.get("snapshot", "")))


@bp.route("/scenario/<int:scenario_id>")
def open_scenario(scenario_id: int) -> Any:
    saved = accounts().scenarios.get(scenario_id)
    if saved is None:
        abort(404, description="No such saved scenario.")
    name, snapshot, changes = saved
    session["scenario"] = changes
    flash(f"Opened scenario {name!r} (made on snapshot {snapshot}).", "ok")
    return redirect(url_for("secondments.index", snapshot=snapshot))


@bp.route("/map/<any(before, after):which>")
def scenario_map(which: str) -> Any:
    """The school map before or after the scenario, with schools in the same places."""
    view = require_view()
    if which == "before" or not _changes():
        return jsonify(school_map(view))
    return jsonify(school_map(_after(view, _changes())))


def _after(view: TrustView, changes: list[Change]) -> TrustView:
    cache = current_app.extensions.setdefault("netmap_scenarios", {})
    key = (view.as_of, view.info.content_hash, tuple(changes))
    if key not in cache:
        graphs, analysis = analyse_after(view.graphs, changes)
        school_map(view)  # make sure the 'before' positions exist, then reuse them
        cache.clear()
        after = TrustView.in_memory(view.info, graphs.dataset, analysis)
        after.layout_cache["schools"] = view.layout_cache["schools"]
        cache[key] = after
    return cache[key]


@bp.route("/risk")
def risk() -> Any:
    view = require_view()
    table = view.planner.leaver_risk()
    table.insert(1, "name", table["staff_id"].map(view.staff_names))
    columns = [Column("name", "Name", lambda r: url_for("staff.show", staff_id=r["staff_id"])),
               Column("school_id", "School", names=view.school_names),
               Column("schools_cut_off", "Schools cut off", names=view.school_names),
               Column("external_ties_lost"), Column("brokerage_lost"), Column("betweenness")]
    page = table_page(table, columns, filename=f"leaver-risk-{view.as_of}.csv", default_sort="number_cut_off",
                      filters=("school_id",), ids=("staff_id",))
    audit("download" if isinstance(page, Response) else "view", "leaver risk")
    if isinstance(page, Response):
        return page
    return render_template("secondments/risk.html", view=view, page=page)


MAX_KEY_PLAYERS = 10  # beyond this a set is a list of everyone central, not a plan


@bp.route("/key-players")
def key_players() -> Any:
    """If these k leave (KPP-Neg) and who reaches most in two steps (KPP-Pos), by name; computed once per k."""
    view = require_view()
    k = min(max(request.args.get("k", 3, type=int) or 3, 1), MAX_KEY_PLAYERS, max(len(view.graphs.undirected), 1))
    key = f"key players {k}"
    if key not in view.layout_cache:
        network = view.graphs.undirected
        leave = fragmenting_players(network, k) if len(network) else None
        view.layout_cache[key] = (leave, reaching_players(network, k) if len(network) else None,
                                  pairs_cut_apart(network, leave.people) if leave else 0, len(network))
    leave, reach, cut, people = view.layout_cache[key]
    audit("view", f"key players (k = {k})")
    return render_template("secondments/key_players.html", view=view, k=k, leave=leave, reach=reach, cut=cut,
                           people=people, most=MAX_KEY_PLAYERS, school_of=view.graphs.school_of)
