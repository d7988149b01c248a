"""The second step of logging in to a local account: a code from an authenticator app (or a recovery code), and,
the first time, enrolment (a QR code drawn here, on the server, confirmed by a first code). See docs/accounts.md."""

from __future__ import annotations

from typing import Any

import segno
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from webapp.accounts import LockedOut
from webapp.accounts.second_factor import provisioning_uri
from webapp.auth import accounts, audit_event, pending_user, safe_next, start_session

__all__ = ["bp"]

bp = Blueprint("mfa", __name__, url_prefix="/login")

WRONG_CODE = "That code is wrong or already used. Type the code your authenticator app shows now."


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=64)])


@bp.route("/code", methods=["GET", "POST"])
def code() -> Any:
    """After the password of an enrolled account: its authenticator app's code, or one of its recovery codes."""
    user = pending_user()
    if user is None:
        return _start_again()
    if not accounts().second_factors.is_enrolled(user.name):
        return redirect(url_for("mfa.enrol", next=request.args.get("next")))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("mfa/code.html", form=form), 400 if request.method == "POST" else 200
    try:
        how = accounts().second_factors.attempt(user.name, form.code.data)
    except LockedOut as exc:
        audit_event(user.name, "login refused (locked)")
        flash(str(exc), "error")
        return render_template("mfa/code.html", form=form), 429
    if how is None:
        audit_event(user.name, "failed second factor")
        flash(WRONG_CODE, "error")
        return render_template("mfa/code.html", form=form), 401
    start_session(user, how)
    if how == "recovery code":
        left = accounts().second_factors.recovery_codes_left(user.name)
        flash(f"You used a recovery code; {left} left. If your phone is lost, ask an admin to reset your "
              "authenticator (`netmap users reset-mfa`) and enrol again.", "info")
    return redirect(safe_next(request.args.get("next")))


@bp.route("/enrol", methods=["GET", "POST"])
def enrol() -> Any:
    """The first login of an account that needs a second factor: scan the QR code, type the first code, keep the
    recovery codes (shown once, on the page that answers)."""
    user = pending_user()
    if user is None:
        return _start_again()
    factors = accounts().second_factors
    if factors.is_enrolled(user.name):  # enrolling again needs an admin's reset, never just a password
        return redirect(url_for("mfa.code", next=request.args.get("next")))
    secret = factors.pending_secret(user.name)
    form = CodeForm()
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            codes = factors.attempt_enrolment(user.name, form.code.data)
        except LockedOut as exc:
            audit_event(user.name, "login refused (locked)")
            flash(str(exc), "error")
            status = 429
        else:
            if codes is not None:
                audit_event(user.name, "second factor enrolled")
                start_session(user, "authenticator code")
                return render_template("mfa/recovery.html", codes=codes, next=safe_next(request.args.get("next")))
            audit_event(user.name, "failed second factor")
            flash(WRONG_CODE, "error")
            status = 401
    qr = segno.make(provisioning_uri(secret, user.name), error="m")
    # segno's SVG holds only its own path data (the address, with the user's name, is drawn as modules, never as
    # text; no title is asked for), so no staff-provided text reaches the page unescaped
    svg = Markup(qr.svg_inline(scale=5, light="#fff"))  # noqa: S704
    return render_template("mfa/enrol.html", form=form, qr=svg, secret=secret, name=user.name), status


def _start_again() -> Any:
    flash("Log in again: the time for the second step ran out, or this session has none.", "error")
    return redirect(url_for("auth.login", next=request.args.get("next")))
