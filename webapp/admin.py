"""The audit log (admin) and the metric definitions page (everyone)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from webapp.auth import role_required, users
from webapp.metric_help import HELP
from webapp.tables import Column, table_page

bp = Blueprint("admin", __name__)


@bp.route("/audit")
@role_required("admin")
def audit_log() -> Any:
    frame = pd.DataFrame(users().audit_entries(limit=100_000), columns=["at", "user", "action", "subject"])
    columns = [Column(c, c) for c in frame.columns]
    page = table_page(frame, columns, filename="audit-log.csv", default_sort="at", filters=("user", "action"))
    if isinstance(page, Response):
        return page
    return render_template("admin/audit.html", page=page)


@bp.route("/metrics")
@role_required("admin", "hr", "ceo", "network-lead")
def metrics() -> Any:
    return render_template("admin/metrics.html", help=HELP)
