"""The audit log (admin) and the metric definitions page (everyone)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from netmap.analysis.options import AnalysisOptions
from netmap.contract import BUILTIN_TIE_KINDS
from netmap.tie_kinds import tie_kinds
from webapp.auth import accounts, role_required
from webapp.data import current_view
from webapp.metric_help import HELP
from webapp.tables import Column, table_page

bp = Blueprint("admin", __name__)


@bp.route("/audit")
@role_required("admin")
def audit_log() -> Any:
    frame = pd.DataFrame(accounts().audit.entries(limit=100_000), columns=["at", "user", "action", "subject"])
    columns = [Column(c, c) for c in frame.columns]
    page = table_page(frame, columns, filename="audit-log.csv", default_sort="at", filters=("user", "action"))
    if isinstance(page, Response):
        return page
    return render_template("admin/audit.html", page=page)


@bp.route("/metrics")
@role_required("admin", "hr", "ceo", "network-lead")
def metrics() -> Any:
    options = [(f.name, getattr(AnalysisOptions(), f.name), f.metadata["help"])
               for f in dataclasses.fields(AnalysisOptions)]
    view = current_view()
    kinds = tie_kinds(view.dataset) if view is not None else list(BUILTIN_TIE_KINDS)
    return render_template("admin/metrics.html", help=HELP, options=options, kinds=kinds)
