"""A stated purpose before person-level data: the first person's page or person-level download in a session asks
why, and every such view and download is then audited with that purpose (UK GDPR: a purpose for each use). A form
that hands over named data (a survey round's links) asks in its own purpose field at each submission, and a script's
JSON (the map's name suggestions) is refused until the session has stated one. webapp.gate decides which, from the
access policy."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from webapp.auth import audit, safe_next

__all__ = ["JSON_REFUSAL", "PURPOSES", "bp", "form_purpose", "purpose_redirect", "state_purpose"]

bp = Blueprint("purpose", __name__, url_prefix="/purpose")
PURPOSES = ("Planning a secondment", "Supporting a disconnected colleague",
            "Leading an expert network or subject community", "Assessing leaver risk",
            "Checking the data's quality", "Answering a person's request about their own data",
            "Other (say which below)")


class PurposeForm(FlaskForm):
    purpose = SelectField("Why do you need to see named staff data now?", choices=list(PURPOSES),
                          validators=[DataRequired()])
    detail = StringField("Details (required for Other)", validators=[Length(max=150)])


JSON_REFUSAL = ("Name suggestions are named staff data: state a purpose first (open a person's page or the staff "
                "map and say why), then type the name again.")


def state_purpose(chosen: str, detail: str) -> str:
    """The purpose as audited, "purpose" or "purpose: detail", from one of PURPOSES and its details; ValueError
    saying what to fix for anything else, or for Other without details."""
    detail = detail.strip()
    if chosen not in PURPOSES:
        raise ValueError(f"Choose why you need named staff data from the Purpose list ({', '.join(PURPOSES)}).")
    if chosen.startswith("Other") and not detail:
        raise ValueError("Say what the other purpose is.")
    if len(detail) > 150:
        raise ValueError("Keep the purpose's details to 150 characters.")
    return f"{chosen}: {detail}" if detail else chosen


def form_purpose() -> None:
    """For a form the access policy says carries its own purpose (IN_FORM): its `purpose` and `purpose_detail`
    fields become this request's purpose (g.purpose, which the audit records), or the request is refused with 400
    saying what to fix, before its view makes or sends anything."""
    try:
        g.purpose = state_purpose(request.form.get("purpose", ""), request.form.get("purpose_detail", ""))
    except ValueError as exc:
        abort(400, description=f"Nothing was made or sent: this form hands over named staff data, so it needs a "
                               f"purpose. {exc}")


def purpose_redirect(*, json: bool = False) -> Response | None:
    """For a request the access policy says needs a purpose (webapp.gate): when none is stated in this session, a
    redirect to state one, or for a script's JSON (`json`) 403 with the reason; else None. The gate asks only
    after the role's access checks, so that a role refused the data is refused, not asked why."""
    if session.get("purpose"):
        return None
    if json:
        refusal = jsonify(error=JSON_REFUSAL)
        refusal.status_code = 403
        return refusal
    return redirect(url_for("purpose.choose", next=request.full_path))


@bp.route("/", methods=["GET", "POST"])
def choose() -> Any:
    form = PurposeForm()
    error = ""
    if form.validate_on_submit():
        try:
            session["purpose"] = state_purpose(form.purpose.data, form.detail.data or "")
        except ValueError as exc:
            error = str(exc)
        else:
            audit("purpose stated", session["purpose"])
            return redirect(safe_next(request.args.get("next")))
    return render_template("purpose/choose.html", form=form, error=error), 422 if error else 200
