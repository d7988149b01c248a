"""The one place the access policy (webapp.policy) is enforced: before every request, its endpoint's entry decides
whether the user may go on, must sign in, must state a purpose, or is refused. An endpoint with no entry is
refused (fail closed)."""

from __future__ import annotations

from flask import Flask, abort, g, redirect, request, url_for
from werkzeug.wrappers import Response

from webapp.access import may_see_names, names_refusal
from webapp.policy import AGGREGATE, SCOPES, route_of
from webapp.purpose import form_purpose, purpose_redirect
from webapp.trusts import check_trust, is_store_wide_for_user

__all__ = ["enforce", "init_app", "may_use"]


def init_app(app: Flask) -> None:
    """Register the gate; after webapp.auth.init_app, whose hook finds the signed-in user it needs. Templates get
    may_use, so that a link is shown only to those the policy lets through it."""
    app.before_request(enforce)
    app.context_processor(lambda: {"may_use": may_use})


def may_use(endpoint: str) -> bool:
    """Whether the signed-in user's role may use `endpoint` at all (the policy's `who`), for showing its link."""
    rule = route_of(endpoint)
    user = g.get("user")
    return rule is not None and (rule.public or (user is not None and user.role in rule.who
                                                 and not is_store_wide_for_user(endpoint)))


def enforce() -> Response | None:
    """None to let the request through to its view; a redirect to sign in or to state a purpose; 400 for a form
    without its purpose; or 403 (JSON for a route that answers JSON)."""
    if request.endpoint is None:  # no such route (404) or method (405): Flask answers that itself
        return None
    rule = route_of(request.endpoint)
    if rule is None:
        abort(403, description="This page has no entry in netmap's access policy (webapp/policy.py), so nobody may "
                               "use it. Add one saying who may use it.")
    if rule.public:
        return None
    user = g.get("user")
    if user is None:
        return redirect(url_for("auth.login", next=request.full_path))
    named = rule.is_named(request.args)
    if user.role not in rule.who:
        if named and SCOPES.get(user.role) is not None and SCOPES[user.role].rows == AGGREGATE:
            abort(403, description=names_refusal(user.role))
        abort(403, description=f"This page is for the {' or '.join(rule.who)} role.")
    check_trust(request.endpoint)
    if named and not may_see_names():
        abort(403, description=names_refusal(user.role))
    if rule.asks_in_form(request.args):
        form_purpose()
    elif rule.needs_purpose(request.args) and may_see_names():
        return purpose_redirect(json=rule.json)
    return None
