"""Downloads of a whole snapshot (hr and admin, person-level: a stated purpose first): the network as GraphML or
GEXF for Gephi, the analysis as one XLSX workbook (netmap.export)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, send_file

from netmap.export import export_network, names_of
from netmap.workbook import write_analysis_workbook
from webapp.auth import audit
from webapp.data import require_view

bp = Blueprint("exports", __name__, url_prefix="/export")
_TYPES = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/<any(graphml, gexf, xlsx):fmt>")
def download(fmt: str) -> Any:
    view = require_view()
    with tempfile.TemporaryDirectory(prefix="netmap-export-") as folder:
        path = Path(folder) / f"netmap-{view.as_of}.{fmt}"
        if fmt == "xlsx":
            write_analysis_workbook(view.analysis, path, names_of(view.graphs), view.options)
        else:
            export_network(view.graphs, view.analysis, path, "graphml" if fmt == "graphml" else "gexf")
        content = path.read_bytes()
    audit("download", f"whole network as {fmt}")
    return send_file(io.BytesIO(content), mimetype=_TYPES[fmt], as_attachment=True,
                     download_name=f"netmap-{view.as_of}.{fmt}")
