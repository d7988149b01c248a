"""The audit log and the users page (admin), and the metric definitions page (everyone)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from netmap.analysis.options import AnalysisOptions
from netmap.analysis.wiring import LINKED_BY_MEANING
from netmap.contract import BUILTIN_TIE_KINDS
from netmap.errors import AnalysisError, StorageError
from netmap.tie_kinds import tie_kinds
from webapp.auth import accounts, audit
from webapp.data import current_view, get_store
from webapp.formatting import heading
from webapp.metric_help import HELP
from webapp.tables import Column, table_page

bp = Blueprint("admin", __name__)
UNUSED_DAYS = 90  # the review of accounts nobody uses (docs/accounts.md)
# The thresholds an admin sets per snapshot (docs/metrics.md, Thresholds): the tie window and the response bands
THRESHOLDS = {"tie_window_days": "Tie window (days)", "min_response_rate": "Response rate to name people",
              "pattern_response_rate": "Response rate for patterns"}


@bp.route("/audit")
def audit_log() -> Any:
    """Every login, failed login, lockout, logout, upload, user change, scenario save and person-level view or
    download, with its purpose; filtered by user, action and dates (?since= and ?until=, YYYY-MM-DD)."""
    since, until = _date_arg("since"), _date_arg("until")
    log = accounts().audit
    frame = pd.DataFrame(log.records(since=since, until=until),
                         columns=["at", "user", "action", "subject", "purpose"])
    frame.insert(0, "time", frame["at"].map(_readable_time))
    columns = [Column("time", "Time (UTC)"), Column("user", "User"), Column("action", "Action"),
               Column("subject", "What"), Column("purpose", "Purpose")]
    page = table_page(frame, columns, filename="audit-log.csv", default_sort="at", filters=("user", "action"))
    if isinstance(page, Response):
        return page
    every = pd.DataFrame(log.records(), columns=["at", "user", "action", "subject", "purpose"])
    return render_template("admin/audit.html", page=page, users=sorted(every["user"].unique()),
                           actions=sorted(every["action"].unique()), since=since, until=until)


@bp.route("/users")
def users() -> Any:
    """Every account: role, linked staff id, second factor, last login and whether it is disabled; the ones nobody
    has logged in to for UNUSED_DAYS days listed apart, each with a button that disables it."""
    store = accounts().users
    unused = {u.name for u in store.unused(UNUSED_DAYS)}
    everyone = store.all_users()
    frame = pd.DataFrame([{"user": u.name, "account_role": u.role, "linked_staff": u.staff_id,
                           "second_factor": "yes" if u.has_second_factor else "no",
                           "last_login": u.last_login_at[:16].replace("T", " ") or "never",
                           "unused": "yes" if u.name in unused else "no", "status": u.disabled or "active"}
                          for u in everyone],
                         columns=["user", "account_role", "linked_staff", "second_factor", "last_login", "unused",
                                  "status"])
    # column names of their own: "name", "role" and "staff_id" would take the staff tables' definitions
    columns = [Column("user", "User"), Column("account_role", "Role"), Column("linked_staff", "Staff id"),
               Column("second_factor", "Authenticator"), Column("last_login", "Last login (UTC)"),
               Column("unused", f"Unused {UNUSED_DAYS} days"), Column("status", "Status")]
    page = table_page(frame, columns, filename="users.csv", default_sort="user", descending=False,
                      filters=("account_role", "unused"))
    if isinstance(page, Response):
        return page
    review = [u for u in everyone if u.name in unused and not u.disabled]
    return render_template("admin/users.html", page=page, review=review, days=UNUSED_DAYS)


@bp.route("/users/disable", methods=["POST"])
def disable_user() -> Any:
    """Disable one account (the review's button): its sessions end and it cannot log in until `netmap users
    enable`. An admin cannot disable their own account here (they would lock themselves out mid-review)."""
    name = request.form.get("name", "")
    if name == g.user.name:
        abort(400, description="You cannot disable your own account here; ask another admin, or use "
                               "`netmap users disable` on the server.")
    if accounts().users.get(name) is None:
        abort(404, description=f"No user called {name!r}.")
    if accounts().users.disable(name, f"disabled by {g.user.name}"):
        audit("account disabled", f"{name}, from the Users page")
    flash(f"{name} is disabled.", "info")
    return redirect(url_for("admin.users"))


@bp.route("/thresholds", methods=["GET", "POST"])
def thresholds() -> Any:
    """A snapshot's tie window and response thresholds (?snapshot=ID, default the latest), kept with it in the
    store and used by its analysis from then on; a bad value is refused naming the fix, nothing kept."""
    store = get_store()
    try:
        info = store.snapshot(request.values.get("snapshot") or None)
    except StorageError as exc:
        abort(404, description=str(exc))
    kept = store.read_thresholds(info.snapshot_id)
    values = ({name: request.form.get(name, "").strip() for name in THRESHOLDS} if request.method == "POST" else
              {name: kept.get(name, str(getattr(AnalysisOptions(), name))) for name in THRESHOLDS})
    if request.method == "POST":
        try:
            AnalysisOptions.from_thresholds(values)
        except AnalysisError as exc:
            flash(f"Nothing was changed: {exc}", "error")
            return redirect(url_for("admin.thresholds", snapshot=info.snapshot_id))
        store.write_thresholds(info.snapshot_id, values)
        audit("thresholds changed", f"snapshot {info.snapshot_id}: " + ", ".join(f"{k}={v}" for k, v in
                                                                                  values.items()))
        flash(f"Thresholds of snapshot {info.snapshot_id} saved; its pages are analysed again with them.", "ok")
        return redirect(url_for("admin.thresholds", snapshot=info.snapshot_id))
    return render_template("admin/thresholds.html", info=info, values=values, help=_threshold_help(),
                           snapshots=store.list_snapshots())


def _threshold_help() -> dict[str, tuple[str, str]]:
    """Each settable threshold's label, and its help and default from AnalysisOptions' declaration."""
    fields = {f.name: f for f in dataclasses.fields(AnalysisOptions)}
    return {name: (label, f"{fields[name].metadata['help']} Default {fields[name].default}.")
            for name, label in THRESHOLDS.items()}


def _date_arg(name: str) -> str:
    """A YYYY-MM-DD query argument, or "" when absent or not a date."""
    text = request.args.get(name, "")
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


def _readable_time(at: str) -> str:
    return dt.datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M:%S")


@bp.route("/metrics")
def metrics() -> Any:
    options = [(f.name, getattr(AnalysisOptions(), f.name), f.metadata["help"])
               for f in dataclasses.fields(AnalysisOptions)]
    view = current_view()
    kinds = tie_kinds(view.dataset) if view is not None else list(BUILTIN_TIE_KINDS)
    return render_template("admin/metrics.html", help=HELP, options=options, kinds=kinds, heading=heading,
                           linked_by=LINKED_BY_MEANING)
