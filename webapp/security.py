"""Response headers that keep staff data in the app, vendored vis-network, a request id on every request and
in every log line about it, and one shape for every error (a NetmapError as a clear page, never a bare 500)."""

from __future__ import annotations

import ipaddress
import logging
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyvis
from flask import Blueprint, Flask, g, render_template, request, send_from_directory
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from netmap.errors import NetmapError, StorageError

__all__ = ["CSP", "init_app", "is_plain_http_from_elsewhere"]

log = logging.getLogger(__name__)

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
    app.before_request(_request_id)
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(NetmapError, _netmap_error)
    app.register_error_handler(Exception, _unexpected)


def is_plain_http_from_elsewhere() -> bool:
    """True when this request came over plain HTTP to an address that names another machine: there the browser
    refuses the Secure session cookie, so logging in cannot work unless NETMAP_ALLOW_HTTP is set.

    What counts is the address in the browser's bar (the Host header, which a proxy passes on), not where the
    request came from: browsers accept Secure cookies over plain HTTP only from localhost and loopback addresses,
    whichever machine the browser runs on."""
    return request.scheme == "http" and not _is_loopback_host(urlsplit(f"//{request.host}").hostname or "")


def _is_loopback_host(host: str) -> bool:
    """localhost, a name under .localhost, or an address in 127.0.0.0/8 or ::1: what browsers treat as this
    machine."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _request_id() -> None:
    g.request_id = uuid.uuid4().hex[:12]


def _headers(response: Any) -> Any:
    response.headers["X-Request-Id"] = g.get("request_id", "")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin: browsers send a Referer to this app only, never to another site (so no link or survey token
    # leaks). It must not be no-referrer: over HTTPS, Flask-WTF's CSRF check requires a Referer from this
    # origin, and without one every form (the login first) fails with 400.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _csrf_error(exc: CSRFError) -> Any:
    log.info("request %s refused: %s", g.get("request_id"), exc.description)
    message = "This form has expired or its security token is missing. Reload the page and try again."
    if is_plain_http_from_elsewhere():
        message = ("You reached netmap over plain HTTP from another machine, so your browser would not keep its "
                   "login cookie. Use the HTTPS address your trust set up (see docs/deployment.md), or, on a "
                   "trusted network only, start netmap with NETMAP_ALLOW_HTTP=1.")
    return render_template("error.html", code=400, title="Bad Request", message=message), 400


def _netmap_error(exc: NetmapError) -> Any:
    """A NetmapError reaching the web: its own message; a store that cannot be reached is 503 (try later)."""
    code = 503 if isinstance(exc, StorageError) else 500
    log.error("request %s %s %s failed: %s", g.get("request_id"), request.method, request.path, exc)
    return render_template("error.html", code=code, title="Service unavailable" if code == 503 else "Error",
                           message=str(exc), request_id=g.get("request_id")), code


def _unexpected(exc: Exception) -> Any:
    """Anything else: logged with its traceback and the request id, which the page shows for the report."""
    if isinstance(exc, HTTPException):
        return _error(exc)
    log.exception("request %s %s %s failed", g.get("request_id"), request.method, request.path)
    return render_template("error.html", code=500, title="Internal Server Error", request_id=g.get("request_id"),
                           message="Something went wrong on the server. Give the administrator the request id "
                                   "below: it is in the server's log."), 500


def _error(exc: HTTPException) -> Any:
    messages = {413: "The upload is larger than this server accepts (NETMAP_UPLOAD_LIMIT_MB).",
                400: "The request could not be read. If you were submitting a form, reload the page and try again."}
    own = exc.description != type(exc).description  # a view's abort(400, description=...) says what to fix
    return render_template("error.html", code=exc.code, title=exc.name,
                           message=exc.description if own else messages.get(exc.code or 0, exc.description)), exc.code
