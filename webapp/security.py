"""Response headers that keep staff data in the app, vendored vis-network, and one shape for every error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyvis
from flask import Blueprint, Flask, render_template, send_from_directory
from werkzeug.exceptions import HTTPException

__all__ = ["CSP", "init_app"]

# No external host for anything: scripts, styles, images, fonts and requests all come from this app.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
VIS = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"  # pyvis ships vis-network; served from here, no CDN

vendor = Blueprint("vendor", __name__, url_prefix="/vendor")


@vendor.route("/<any('vis-network.min.js', 'vis-network.css'):name>")
def vis(name: str) -> Any:
    return send_from_directory(VIS, name, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(vendor)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _error)


def _headers(response: Any) -> Any:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _error(exc: HTTPException) -> Any:
    messages = {413: "The upload is larger than this server accepts (NETMAP_UPLOAD_LIMIT_MB).",
                400: "The request could not be read. If you were submitting a form, reload the page and try again."}
    return render_template("error.html", code=exc.code, title=exc.name,
                           message=messages.get(exc.code or 0, exc.description)), exc.code
