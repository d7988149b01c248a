"""The Partnership page: the store's trusts, each one's consent to the partnership view, and a trust admin's
switch for their own trust's consent (docs/partnerships.md). The partnership view itself is every other page, as
a partnership account is given it (webapp.trusts)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from webapp.accounts.partnership import PARTNERSHIP
from webapp.auth import accounts, audit
from webapp.trusts import own_trust, partnership_refusal, store_trusts

bp = Blueprint("partnership", __name__, url_prefix="/partnership")


@bp.route("/")
def index() -> Any:
    """Which trusts the store holds and which consent; the signed-in admin's own trust's switch."""
    trusts = _trusts_or_404()
    own = own_trust()
    consents = accounts().partnership.consents()
    consenting = sorted(t for t in trusts if consents.get(t, (False, "", ""))[0])
    return render_template("partnership/index.html", trusts=trusts, consents=consents, consenting=consenting,
                           own=own if own in trusts else None, partnership_account=own == PARTNERSHIP,
                           may_switch=g.user.role == "admin" and own in trusts,
                           refusal=partnership_refusal(len(consenting)) if len(consenting) < 2 else "")


@bp.route("/consent", methods=["POST"])
def consent() -> Response:
    """Turn the signed-in admin's own trust's consent on or off (audited); an admin of no trust, or of the
    partnership, has no trust to consent for."""
    trusts = _trusts_or_404()
    own = own_trust()
    if own is None or own == PARTNERSHIP or own not in trusts:
        abort(403, description="Only an admin of one of the store's trusts turns the partnership on or off, for "
                               "their own trust.")
    on = request.form.get("consent") == "on"
    accounts().partnership.set_consent(own, on, g.user.name)
    audit("partnership consent", f"{own} {'on' if on else 'off'}")
    flash(f"The partnership view is {'on' if on else 'off'} for {trusts[own]}.", "info")
    return redirect(url_for("partnership.index"))


def _trusts_or_404() -> dict[str, str]:
    """The store's trusts; 404 for a store of one trust, which has no partnership."""
    trusts = store_trusts()
    if not trusts:
        abort(404, description="This store holds one trust: there is no partnership. A partnership's schools name "
                               "their trust (trust_id in schools.csv; docs/partnerships.md).")
    return trusts
