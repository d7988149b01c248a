"""Signing in with the trust's accounts: OpenID Connect (Microsoft Entra ID, Google Workspace, any certified
provider), configured by the NETMAP_OIDC_* settings and described in docs/sign-in.md.

Authlib does the protocol: discovery, the authorization code flow with PKCE (S256), state, nonce, the id token's
signature against the provider's published keys, and its iss, aud, exp and nonce. netmap adds what is its own:
the discovered issuer must be the configured one; Google's hosted domain; the role and led groups from the role
map (webapp.accounts.role_map), recomputed at every sign-in from the token's groups (read from Microsoft Graph
when Entra's token has too many to carry them); and a second factor, from the token's amr or acr, for every role
that sees names. Each refusal is a page saying why and an audit entry.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError

from netmap.config import OidcSettings
from netmap.errors import AccountError, ConfigError
from webapp.accounts.role_map import grant_of, read_role_map
from webapp.accounts.users import MAX_NAME
from webapp.auth import (
    REFUSAL_WINDOW,
    REFUSALS_OVERALL,
    REFUSALS_PER_ADDRESS,
    accounts,
    audit_event,
    safe_next,
    start_session,
)
from webapp.leavers import closed_reason, staff_id_of_email
from webapp.policy import AGGREGATE, SCOPES

__all__ = ["MFA_AMR", "ROLES_SEEING_NAMES", "bp", "init_app", "logout_url", "used_second_factor"]

bp = Blueprint("oidc", __name__)
log = logging.getLogger(__name__)

# RFC 8176 methods that are a second factor, or say one was used (Entra ID puts "mfa" in amr after MFA).
MFA_AMR = frozenset({"mfa", "otp", "hwk", "swk", "sms", "sc"})
ROLES_SEEING_NAMES = tuple(role for role, seen in SCOPES.items() if seen.rows != AGGREGATE)  # webapp.policy
_EXTENSION = "netmap_oidc"
# What a provider's error code (RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6) means, in netmap's own words.
PROVIDER_ERRORS = {
    "access_denied": "you, or the provider, declined to sign you in to netmap.",
    "login_required": "you are not signed in there.",
    "interaction_required": "it needs you to do something there first.",
    "consent_required": "netmap has not been allowed to use your account; ask your admin.",
    "account_selection_required": "choose an account there first.",
    "temporarily_unavailable": "it is busy; try again in a minute.",
    "server_error": "it had a fault; try again in a minute.",
}
OTHER_ERROR = "it sent an error that netmap does not recognise; if it happens again, tell your admin."
_TIMEOUT = 10  # seconds for each call to the provider (discovery, token, keys, groups)


def init_app(app: Flask) -> None:
    """Register the provider's client when NETMAP_OIDC_ISSUER is set; a role map that cannot be read stops
    start-up (ConfigError) rather than refusing everyone later."""
    settings: OidcSettings | None = app.config["NETMAP_SETTINGS"].oidc
    if settings is None:
        return
    read_role_map(settings.role_map)
    oauth = OAuth(app)
    app.extensions[_EXTENSION] = oauth.register(
        "provider", client_id=settings.client_id, client_secret=settings.client_secret,
        server_metadata_url=settings.issuer + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.scopes, "code_challenge_method": "S256", "timeout": _TIMEOUT})


def _settings() -> OidcSettings:
    settings: OidcSettings | None = current_app.config["NETMAP_SETTINGS"].oidc
    if settings is None or _EXTENSION not in current_app.extensions:
        raise ConfigError("Signing in through an identity provider is not set up (NETMAP_OIDC_ISSUER).")
    return settings


def _client() -> Any:
    """Authlib's Flask client of the provider (untyped)."""
    return current_app.extensions[_EXTENSION]


def _redirect_uri() -> str:
    return current_app.config["NETMAP_SETTINGS"].public_url + url_for("oidc.callback")


def _configured(view: Callable[[OidcSettings], Any]) -> Callable[[], Any]:
    """`view`, given the provider's settings; the refusal page (404) saying what is missing when they are not set
    (or not valid), without running the view."""

    @functools.wraps(view)
    def run() -> Any:
        try:
            settings = _settings()
        except ConfigError as exc:
            return _refused(str(exc), "", 404)
        return view(settings)

    return run


@bp.route("/login/provider")
@_configured
def start(settings: OidcSettings) -> Any:
    """Send the browser to the provider, remembering where to go after signing in."""
    try:
        issuer = _client().load_server_metadata().get("issuer", "")
    except (requests.RequestException, ValueError) as exc:
        log.warning("cannot reach the identity provider %s: %s", settings.issuer, exc)
        return _refused(f"Cannot reach the identity provider at {settings.issuer}. Try again in a minute; if it "
                        "persists, an admin can log in with a local account and check NETMAP_OIDC_ISSUER.", "", 503)
    if issuer.rstrip("/") != settings.issuer.rstrip("/"):
        return _refused(f"The identity provider at {settings.issuer} says its issuer is {issuer!r}: set "
                        "NETMAP_OIDC_ISSUER to the provider's own issuer (for Entra ID, the tenant's, not "
                        "'common').", "", 503)
    session["oidc_next"] = safe_next(request.args.get("next"))
    extra = {"hd": settings.allowed_domain} if settings.allowed_domain else {}
    return _client().authorize_redirect(_redirect_uri(), **extra)


@bp.route("/login/provider/callback")
@_configured
def callback(settings: OidcSettings) -> Any:
    """Check what the provider sent, then log in with the role the role map gives, or refuse and say why."""
    target = safe_next(session.pop("oidc_next", None))
    if request.args.get("error"):  # the person cancelled, or the provider would not sign them in
        code = str(request.args["error"])
        code = code if code in PROVIDER_ERRORS else "another error"
        # only netmap's own words: whoever sends this link chooses error_description, so it is never shown
        return _refused(f"The identity provider did not sign you in: {PROVIDER_ERRORS.get(code, OTHER_ERROR)} "
                        "Start again from the login page.", f"provider said {code}", 403)
    try:
        token = _client().authorize_access_token()
    except (OAuthError, JoseError) as exc:
        log.warning("sign-in through the identity provider refused: %s", exc)
        return _refused("The identity provider's answer did not pass netmap's checks (its signature, issuer, "
                        "audience, expiry, nonce or state), so you are not signed in. Start again from the login "
                        "page; if it happens again, tell your admin.", f"token refused: {_describe(exc)}", 400)
    except requests.RequestException as exc:
        log.warning("cannot reach the identity provider %s: %s", settings.issuer, exc)
        return _refused(f"Cannot reach the identity provider at {settings.issuer}. Try again in a minute.",
                        "provider unreachable", 503)
    claims: Mapping[str, Any] | None = token.get("userinfo")
    if claims is None:
        return _refused("The identity provider sent no id token; check that NETMAP_OIDC_SCOPES includes openid.",
                        "no id token", 400)
    return _sign_in(settings, claims, token, target)


def _sign_in(settings: OidcSettings, claims: Mapping[str, Any], token: Mapping[str, Any], target: str) -> Any:
    """Apply the domain, role map and second-factor checks to a verified id token, then log in."""
    name = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:MAX_NAME]
    if settings.allowed_domain and str(claims.get("hd", "")).lower() != settings.allowed_domain:
        return _refused(f"You signed in with an account outside {settings.allowed_domain}. Sign out of it at "
                        "the provider and sign in with your trust account.", f"not in {settings.allowed_domain}",
                        403, name)
    try:
        groups = _groups(settings, claims, token)
        grant = grant_of(read_role_map(settings.role_map), groups,
                         claims.get("email") if claims.get("email_verified") is True else None)
    except ConfigError as exc:
        return _refused(str(exc), "groups or role map unreadable", 503, name)
    if grant is None:
        return _refused("None of your groups gives a role in netmap. Ask your admin to add one of them to the "
                        "role map (NETMAP_OIDC_ROLE_MAP), then sign in again.", "no mapped group", 403, name)
    mfa = used_second_factor(claims, settings.mfa_acr)
    if settings.require_mfa and grant.role in ROLES_SEEING_NAMES and not mfa:
        return _refused(f"The {grant.role} role sees staff by name, so it needs a second factor, and the identity "
                        "provider did not report one for this sign-in. Set up multi-factor authentication with "
                        "your trust's IT team, then sign in again.", f"no second factor for {grant.role}", 403, name)
    try:
        user = accounts().users.sign_in_external(settings.issuer, str(claims["sub"]), name, grant.role, grant.leads)
    except AccountError as exc:
        return _refused(str(exc), "name taken by another account", 409, name)
    email = claims.get("email") if claims.get("email_verified") is True else None
    staff_id = staff_id_of_email(str(email)) if email else None
    if staff_id and staff_id != user.staff_id:  # linked to their person, so that the account closes when they leave
        accounts().users.link(user.name, staff_id)
        user = accounts().users.get(user.name) or user
    reason = closed_reason(user, accounts())
    if reason:
        return _refused(f"This account is disabled ({reason}). If that is wrong, ask an admin.",
                        f"account disabled ({reason})", 403, name)
    # a session that ends with the browser (no "keep me signed in" on this path): shared computers are common
    start_session(user, f"the identity provider as {user.role}"
                        f"{' leading ' + ', '.join(grant.leads) if grant.leads else ''}"
                        f"{', second factor used' if mfa else ''}", keep=False)
    session["via_provider"] = True
    return redirect(target)


def used_second_factor(claims: Mapping[str, Any], accepted_acr: tuple[str, ...]) -> bool:
    """Whether the id token says a second factor was used: an amr method in MFA_AMR, or an accepted acr."""
    amr = claims.get("amr") or []
    methods = {amr} if isinstance(amr, str) else {str(m) for m in amr if isinstance(m, str)}
    return bool(methods & MFA_AMR) or (bool(accepted_acr) and claims.get("acr") in accepted_acr)


def _groups(settings: OidcSettings, claims: Mapping[str, Any], token: Mapping[str, Any]) -> list[str]:
    """The groups claim; when Entra ID left it out for having too many (its _claim_names names groups), the
    groups read from NETMAP_OIDC_GROUPS_URL with the person's access token. ConfigError when that read fails."""
    groups = claims.get("groups")
    if groups is None and "groups" in (claims.get("_claim_names") or {}):
        try:
            answer = requests.post(settings.groups_url, json={"securityEnabledOnly": False}, timeout=_TIMEOUT,
                                   headers={"Authorization": f"Bearer {token.get('access_token', '')}"})
            answer.raise_for_status()
            groups = answer.json().get("value")
        except (requests.RequestException, ValueError, AttributeError) as exc:
            raise ConfigError(f"You are in too many groups for the id token to carry them, and reading them from "
                              f"{settings.groups_url} failed ({exc}). Ask your admin to check the app's Graph "
                              "permission (docs/sign-in.md).") from None
    if not isinstance(groups, list):
        return []
    return [str(g) for g in groups]


def logout_url() -> str | None:
    """Where to send a browser whose session came through the provider, so that it signs out there too (RP-
    initiated logout); None when the provider offers no end-session endpoint (Google) or is unreachable."""
    if _EXTENSION not in current_app.extensions:
        return None
    settings = _settings()
    try:
        if not _client().load_server_metadata().get("end_session_endpoint"):
            return None
        created: dict[str, str] = _client().create_logout_url(
            post_logout_redirect_uri=_login_address(), client_id=settings.client_id)
    except (requests.RequestException, ValueError) as exc:
        log.warning("cannot reach the identity provider to sign out there: %s", exc)
        return None
    return created["url"]


def _login_address() -> str:
    """The login page's public address, where the provider returns after signing out."""
    return current_app.config["NETMAP_SETTINGS"].public_url + url_for("auth.login")


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _refused(message: str, reason: str, status: int, name: str = "") -> tuple[str, int]:
    """The page saying why signing in did not work; audited (unless nothing was attempted yet). A refusal before
    the provider has vouched for anyone (no `name`) can be sent by anyone, so it goes through the audit log's
    rate-limited path for refusals (AuditLog.record_refusal), as failed logins do."""
    subject = f"{reason}, from {request.remote_addr or 'unknown'}"
    if reason and name:
        audit_event(name, "sign-in refused", subject)
    elif reason:
        accounts().audit.record_refusal("unknown", "sign-in refused", subject, per_subject=REFUSALS_PER_ADDRESS,
                                        overall=REFUSALS_OVERALL, window=REFUSAL_WINDOW)
    return render_template("auth/refused.html", message=message), status
