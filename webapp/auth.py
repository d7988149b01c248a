"""Logging in and out, who the current user is and the audit trail of person-level data (which role may use
which page is webapp.policy, enforced by webapp.gate)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from netmap import clock
from webapp.accounts import ROLES, Accounts, LockedOut, User
from webapp.accounts.audit import people_entries
from webapp.accounts.users import MAX_NAME
from webapp.leavers import closed_reason
from webapp.security import is_plain_http_from_elsewhere

__all__ = ["SECOND_FACTOR_ROLES", "accounts", "audit", "audit_event", "audit_people", "audit_refusal", "bp",
           "current_purpose", "init_app", "pending_user", "safe_next", "start_session"]

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


class LoginForm(FlaskForm):
    name = StringField("User name", validators=[DataRequired(), Length(max=MAX_NAME)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    keep = BooleanField("Keep me signed in on this device (only on a computer that is yours alone)")


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
    app.teardown_appcontext(_close_accounts)
    app.context_processor(lambda: {"user": g.get("user")})


PRUNE_EVERY = dt.timedelta(hours=1)
# Roles whose local accounts need a second factor while NETMAP_REQUIRE_MFA is on: every role. The ceo sees only
# aggregates, but the account is as good a foothold as any other, may be given another role, and one rule for
# every account is easier to run and to audit (docs/accounts.md).
SECOND_FACTOR_ROLES = ROLES
SECOND_STEP_MINUTES = 10  # how long after the password its second factor (or enrolment) may follow


def accounts() -> Accounts:
    """The web app's users, audit log and saved scenarios, opened once per request; entries past their retention
    are deleted at the first request of each hour."""
    if "accounts" not in g:
        g.accounts = Accounts(current_app.config["NETMAP_USERS_DB"])
        now = clock.now()
        if now - current_app.extensions.get("netmap_pruned", dt.datetime.min.replace(tzinfo=dt.UTC)) > PRUNE_EVERY:
            current_app.extensions["netmap_pruned"] = now
            settings = current_app.config["NETMAP_SETTINGS"]
            removed = g.accounts.prune(audit_days=settings.audit_retention_days,
                                       scenario_days=settings.scenario_retention_days)
            if removed:
                log.info("deleted %d audit entries and saved scenarios past their retention", removed)
    return g.accounts


def _close_accounts(_exc: BaseException | None) -> None:
    opened = g.pop("accounts", None)
    if opened is not None:
        opened.close()


def _load_user() -> None:
    """Read the user afresh on every request: removing or demoting someone, or their logging out elsewhere, takes
    effect at once. A session also ends NETMAP_SESSION_HOURS after its login, however active, and at the first
    request after the trust's data says its person has left (webapp.leavers)."""
    name = session.get("user")
    g.user = accounts().users.get(name) if name else None
    if name and (not _session_is_current(g.user) or closed_reason(g.user, accounts())):
        g.user = None
        session.clear()


def _session_is_current(user: User | None) -> bool:
    return _holds(user, "key", "since", current_app.config["PERMANENT_SESSION_LIFETIME"])


def _holds(user: User | None, key: str, since: str, limit: dt.timedelta) -> bool:
    """Whether this session carries `user`'s current session key under `key`, stored less than `limit` ago (the
    time under `since`): a logout, new password or role elsewhere changes the key and ends it."""
    if user is None or not secrets.compare_digest(str(session.get(key, "")), user.session_key):
        return False
    try:
        started = dt.datetime.fromisoformat(str(session.get(since)))
    except ValueError:
        return False
    return clock.now() - started < limit


def current_purpose() -> str:
    """The purpose of this request: the one its form stated (webapp.purpose.form_purpose), else the session's."""
    return str(g.get("purpose") or session.get("purpose", ""))


def audit(action: str, subject: str) -> None:
    """Record that the current user did `action` on `subject` (viewed or downloaded person-level data, changed
    something), with the purpose they stated for it."""
    user: User = g.user
    accounts().audit.record(user.name, action, subject, current_purpose())


def audit_people(action: str, subject: str, people: list[str], *, user: str | None = None,
                 purpose: str | None = None, users_db: Path | None = None) -> None:
    """Record `action` on `subject` naming whose data it was: "subject: N staff: id, id, ...", continued in
    further entries when the ids do not fit one subject, so the trail keeps every id. `user`, `purpose` and
    `users_db` for a record made outside a request (a background sending)."""
    entries = people_entries(subject, people)
    if users_db is None:
        for entry in entries:
            accounts().audit.record(user or g.user.name, action, entry,
                                    current_purpose() if purpose is None else purpose)
        return
    with Accounts(users_db) as kept:
        for entry in entries:
            kept.audit.record(str(user), action, entry, purpose or "")


def audit_event(user: str, action: str, subject: str = "") -> None:
    """Record a login (the user is known and has just proved it)."""
    accounts().audit.record(user, action, subject or f"from {request.remote_addr or 'unknown address'}")


# Refusals of people not logged in that the audit log takes one by one, per address and in all, per minute
REFUSALS_PER_ADDRESS, REFUSALS_OVERALL, REFUSAL_WINDOW = 20, 200, dt.timedelta(minutes=1)


def audit_refusal(name: str, action: str) -> None:
    """Record a failed or locked-out login, rate-limited (AuditLog.record_refusal). A name that is not an account
    is kept only as a keyed digest: what people type there is sometimes their password."""
    known = accounts().users.get(name) is not None
    who = name if known else "unknown name " + hmac.new(str(current_app.config["SECRET_KEY"]).encode(),
                                                        name.casefold().encode(), hashlib.sha256).hexdigest()[:12]
    accounts().audit.record_refusal(who, action, f"from {request.remote_addr or 'unknown address'}",
                                    per_subject=REFUSALS_PER_ADDRESS, overall=REFUSALS_OVERALL,
                                    window=REFUSAL_WINDOW)


def safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not send anyone elsewhere. Browsers read a backslash as a slash
    ("/\\evil.example" is "//evil.example") and drop tabs and newlines, so a target holding either, or whose
    second character is a slash, is refused; the dashboard instead."""
    if (target and target.startswith("/") and target[1:2] not in ("/", "\\")
            and not any(c == "\\" or not c.isprintable() for c in target) and not urlsplit(target).netloc):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        try:
            user = accounts().users.authenticate(name, form.password.data, request.remote_addr or "")
        except LockedOut as exc:
            log.warning("login refused: too many failures for user name %r from %s", name, request.remote_addr)
            audit_refusal(name, "login refused (locked)")
            flash(str(exc), "error")
            return _login_page(form), 429
        if user is None:
            log.warning("failed login for user name %r from %s", name, request.remote_addr)
            audit_refusal(name, "failed login")
            flash("Wrong user name or password.", "error")
            return _login_page(form), 401
        reason = closed_reason(user, accounts())
        if reason:
            audit_event(user.name, "login refused (account disabled)")
            flash(f"This account is disabled ({reason}). If that is wrong, ask an admin.", "error")
            return _login_page(form), 403
        return _after_password(user, bool(form.keep.data))
    return _login_page(form), 400 if request.method == "POST" else 200


def _after_password(user: User, keep: bool) -> Response:
    """Logged in, unless the account has a second factor or its role needs one: then the code (or, the first time,
    enrolment) comes next, before any page. `keep`: "keep me signed in" was ticked."""
    enrolled = accounts().second_factors.is_enrolled(user.name)
    if not enrolled and not (current_app.config["NETMAP_REQUIRE_MFA"] and user.role in SECOND_FACTOR_ROLES):
        start_session(user, keep=keep)
        return redirect(safe_next(request.args.get("next")))
    session.clear()
    session["pending_keep"] = keep
    session["pending"] = user.name
    session["pending_key"] = user.session_key
    session["pending_since"] = clock.now().isoformat()
    return redirect(url_for("mfa.code" if enrolled else "mfa.enrol", next=safe_next(request.args.get("next"))))


def pending_user() -> User | None:
    """The user who gave their password in this session less than SECOND_STEP_MINUTES ago and has yet to give
    their second factor; None if there is none (or they have since been removed, disabled or logged out)."""
    name = session.get("pending")
    user = accounts().users.get(name) if name else None
    if user is None or not _holds(user, "pending_key", "pending_since", dt.timedelta(minutes=SECOND_STEP_MINUTES)):
        return None
    return None if closed_reason(user, accounts()) else user


def start_session(user: User, how: str = "", keep: bool | None = None) -> None:
    """Start `user`'s session (after their password, and second factor if any); `how` says which second factor,
    for the audit log. Without `keep` ("keep me signed in", carried over from the password step when None) the
    cookie has no expiry, so closing the browser ends the session (a shared staff-room PC); with it, the cookie
    lasts the 8 hours a session may last anyway."""
    keep = bool(session.get("pending_keep")) if keep is None else keep
    session.clear()
    session["user"] = user.name
    session["key"] = user.session_key
    session["since"] = clock.now().isoformat()
    session.permanent = keep
    accounts().users.record_login(user.name)
    where = request.remote_addr or "unknown address"
    audit_event(user.name, "login", f"from {where}" + (f" with {how}" if how else ""))


def _login_page(form: LoginForm) -> str:
    """The login form, saying why logging in cannot work when it is reached over plain HTTP from elsewhere."""
    settings = current_app.config["NETMAP_SETTINGS"]
    plain_http = is_plain_http_from_elsewhere() and not settings.allow_http
    return render_template("auth/login.html", form=form, plain_http=plain_http, provider=settings.oidc)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """End this session and every other of the same user (a copied cookie too); a session that came through
    the identity provider goes on to sign out there (webapp.oidc), so the next person at a shared computer is not
    signed in as this one."""
    target = None
    if g.get("user") is not None:
        accounts().users.end_sessions(g.user.name)
        audit("logout", "every session of this user")
        if session.get("via_provider"):
            from webapp.oidc import logout_url  # webapp.oidc builds on this module

            target = logout_url()
    session.clear()
    return redirect(target or url_for("auth.login"))
