"""The audit log (admin) and the metric definitions page (everyone)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd
from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from netmap.analysis.options import AnalysisOptions
from netmap.analysis.wiring import LINKED_BY_MEANING
from netmap.contract import BUILTIN_TIE_KINDS
from netmap.tie_kinds import tie_kinds
from webapp.auth import accounts, role_required
from webapp.data import current_view
from webapp.formatting import heading
from webapp.metric_help import HELP
from webapp.tables import Column, table_page

bp = Blueprint("admin", __name__)


@bp.route("/audit")
@role_required("admin")
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
@role_required("admin", "hr", "ceo", "network-lead")
def metrics() -> Any:
    options = [(f.name, getattr(AnalysisOptions(), f.name), f.metadata["help"])
               for f in dataclasses.fields(AnalysisOptions)]
    view = current_view()
    kinds = tie_kinds(view.dataset) if view is not None else list(BUILTIN_TIE_KINDS)
    return render_template("admin/metrics.html", help=HELP, options=options, kinds=kinds, heading=heading,
                           linked_by=LINKED_BY_MEANING)
