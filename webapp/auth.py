"""Logging in and out, who the current user is, role checks and the audit trail of person-level data."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from webapp.accounts import Accounts, User
from webapp.security import is_plain_http_from_elsewhere

__all__ = ["accounts", "audit", "bp", "init_app", "login_required", "role_required"]

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


class LoginForm(FlaskForm):
    name = StringField("User name", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
    app.teardown_appcontext(_close_accounts)
    app.context_processor(lambda: {"user": g.get("user")})


def accounts() -> Accounts:
    """The web app's users, audit log and saved scenarios, opened once per request."""
    if "accounts" not in g:
        g.accounts = Accounts(current_app.config["NETMAP_USERS_DB"])
    return g.accounts


def _close_accounts(_exc: BaseException | None) -> None:
    opened = g.pop("accounts", None)
    if opened is not None:
        opened.close()


def _load_user() -> None:
    """Read the user afresh on every request: removing or demoting someone takes effect at once."""
    name = session.get("user")
    g.user = accounts().users.get(name) if name else None
    if name and g.user is None:
        session.clear()


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)
    return wrapped


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.user.role not in roles:
                abort(403, description=f"This page is for the {' or '.join(roles)} role.")
            return view(*args, **kwargs)
        return wrapped
    return decorate


def audit(action: str, subject: str) -> None:
    """Record that the current user viewed or downloaded person-level data."""
    user: User = g.user
    accounts().audit.record(user.name, action, subject)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        store = accounts().users
        if store.is_locked(name):
            log.warning("login refused: user name %r is locked after repeated failures", name)
            flash("Too many failed attempts for this user name. Try again in 15 minutes.", "error")
            return _login_page(form), 429
        user = store.authenticate(name, form.password.data)
        if user is None:
            log.warning("failed login for user name %r from %s", name, request.remote_addr)
            flash("Wrong user name or password.", "error")
            return _login_page(form), 401
        session.clear()
        session["user"] = user.name
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")))
    return _login_page(form)


def _login_page(form: LoginForm) -> str:
    """The login form, saying why logging in cannot work when it is reached over plain HTTP from elsewhere."""
    plain_http = is_plain_http_from_elsewhere() and not current_app.config["NETMAP_SETTINGS"].allow_http
    return render_template("auth/login.html", form=form, plain_http=plain_http)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login"))
