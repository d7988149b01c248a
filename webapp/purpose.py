"""A stated purpose before person-level data: the first person's page or person-level download in a session asks
why, and every such view and download is then audited with that purpose (UK GDPR: a purpose for each use)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from webapp.auth import audit, safe_next

__all__ = ["PURPOSES", "bp", "purpose_redirect"]

bp = Blueprint("purpose", __name__, url_prefix="/purpose")
PURPOSES = ("Planning a secondment", "Supporting a disconnected colleague",
            "Leading an expert network or subject community", "Assessing leaver risk",
            "Checking the data's quality", "Answering a person's request about their own data",
            "Other (say which below)")


class PurposeForm(FlaskForm):
    purpose = SelectField("Why do you need to see named staff data now?", choices=list(PURPOSES),
                          validators=[DataRequired()])
    detail = StringField("Details (required for Other)", validators=[Length(max=150)])


def purpose_redirect() -> Response | None:
    """For a request the access policy says needs a purpose (webapp.gate): a redirect to state one when none is
    stated in this session, else None. The gate asks only after the role's access checks, so that a role refused
    the data is refused, not asked why."""
    if not session.get("purpose"):
        return redirect(url_for("purpose.choose", next=request.full_path))
    return None


@bp.route("/", methods=["GET", "POST"])
def choose() -> Any:
    form = PurposeForm()
    error = ""
    if form.validate_on_submit():
        stated = form.purpose.data
        detail = (form.detail.data or "").strip()
        if stated.startswith("Other") and not detail:
            error = "Say what the other purpose is."
        else:
            session["purpose"] = f"{stated}: {detail}" if detail else stated
            audit("purpose stated", session["purpose"])
            return redirect(safe_next(request.args.get("next")))
    return render_template("purpose/choose.html", form=form, error=error), 422 if error else 200
