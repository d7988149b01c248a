"""People's rights on the web (admin only): find a person by staff id and download everything netmap holds about
them, the same file `netmap person export ID` writes (docs/data-subject-rights.md). Erasure and exclusion stay on
the command line, where they are confirmed and cannot be triggered by a stray click."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for

from netmap.rights.export import export_bytes
from netmap.rights.holdings import Holdings, find_holdings
from webapp.auth import accounts, audit
from webapp.data import get_store

bp = Blueprint("person_rights", __name__)


def _held(staff_id: str) -> tuple[Holdings, dict[str, Any]]:
    """What the store and the users file hold about `staff_id`; 404 naming the id when nothing is."""
    holdings = find_holdings(get_store(), staff_id)
    others = accounts().person_records(holdings.person)
    if not holdings.holds_anything and not others:
        abort(404, description=f"No one with staff id {staff_id!r} is held in any snapshot, survey round or the "
                               "users file. Staff ids are case-sensitive: see the staff page, or `netmap person "
                               "list --name TEXT` on the server.")
    return holdings, others


@bp.route("/admin/person")
def find() -> Any:
    """A form asking for the staff id of a subject access request."""
    staff_id = request.args.get("id", "").strip()
    if staff_id:
        return redirect(url_for("person_rights.person", staff_id=staff_id))
    return render_template("person_rights/find.html")


@bp.route("/admin/person/<path:staff_id>")
def person(staff_id: str) -> Any:
    """How much is held about the person (counts only) and the button that downloads it all."""
    holdings, others = _held(staff_id)
    audit("view", f"what is held about staff {staff_id} (subject access, counts only)")
    return render_template("person_rights/person.html", staff_id=staff_id, holdings=holdings,
                           others={name: len(frame) for name, frame in others.items()})


@bp.route("/admin/person/<path:staff_id>/export.zip")
def download(staff_id: str) -> Any:
    """The subject access export as a zip (README, summary and CSV files), audited."""
    holdings, others = _held(staff_id)
    data = export_bytes(holdings, others)
    audit("download", f"subject access export of staff {staff_id}")
    name = "subject-access-" + (re.sub(r"[^A-Za-z0-9_-]+", "_", staff_id)[:60] or "person") + ".zip"
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)
