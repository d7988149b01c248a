"""Which trusts of the store the signed-in account sees (docs/partnerships.md): the one place a trust's scope is
decided, for the gate (which routes an account of one trust may use) and for webapp.hidden.view_for_user (which
trusts its view keeps).

A store whose snapshots name no trust is one trust: every account sees it as before. In a store of several
trusts, an account of trust T sees T's view only; a partnership account sees the consenting trusts as one network
when at least two consent; an admin of no trust is the store's operator and sees the whole store; any other
account of no trust sees nothing.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g

from netmap.errors import StorageError
from netmap.trusts import trusts_of
from webapp.accounts.partnership import PARTNERSHIP
from webapp.auth import accounts
from webapp.data import get_store, snapshots

__all__ = ["STORE_WIDE", "TRUST_SCOPED_ROUTES", "check_trust", "is_store_wide_for_user", "own_trust",
           "partnership_refusal", "store_trusts", "trust_scope"]

STORE_WIDE: frozenset[str] = frozenset()  # the scope of the store's operator, or of any account of a one-trust store

# Routes that read the trust's data only through the user's view (webapp.data.view_of, narrowed by trust_scope),
# so that an account of one trust, or of the partnership, may use them; every other signed-in route reads or
# writes the whole store and is refused to such an account (check_trust).
TRUST_SCOPED_ROUTES = frozenset({
    "dashboard.index", "admin.metrics", "purpose.choose", "schools.index", "schools.show", "groups.index",
    "groups.show", "wiring.index", "wiring.bridges", "trends.chart", "network_map.index", "network_map.data",
    "network_map.people", "staff.index", "staff.show", "expertise.index",
    "partnership.index", "partnership.consent",
})

SHOWS_NO_DATA = frozenset({"purpose.choose", "admin.metrics"})  # trust-scoped routes that show no trust's data


def store_trusts() -> dict[str, str]:
    """Every trust any stored snapshot names, by id, with its name; empty for a store of one trust. Read once per
    snapshot's contents (the schools table alone) and kept for the process; the list of snapshots read once per
    request (every route and every link a page offers asks)."""
    if "store_trusts" not in g:
        g.store_trusts = _read_store_trusts()
    found: dict[str, str] = g.store_trusts
    return found


def own_trust() -> str | None:
    """The signed-in account's trust (PARTNERSHIP for the partnership's, None for none), read once per request."""
    if "own_trust" not in g:
        g.own_trust = accounts().partnership.trust_of(g.user.name)
    found: str | None = g.own_trust
    return found


def _read_store_trusts() -> dict[str, str]:
    """store_trusts, from the store's snapshots and the schools tables kept for the process."""
    kept: dict[tuple[str, str], dict[str, str]] = current_app.extensions.setdefault("netmap_trusts", {})
    found: dict[str, str] = {}
    store = get_store()
    for info in snapshots():
        key = (info.snapshot_id, info.content_hash)
        if key not in kept:
            kept[key] = trusts_of(store.read_table(info.snapshot_id, "schools"))
        found.update(kept[key])
    return dict(sorted(found.items()))


def trust_scope() -> frozenset[str]:
    """The trusts the signed-in account's views keep (STORE_WIDE, empty: every trust), computed once per request;
    403 for an account that may see no trust's data (check_trust says why first, for every route)."""
    if "trust_scope" in g:
        found: frozenset[str] = g.trust_scope
        return found
    user = g.get("user")
    trusts = store_trusts()
    scope = STORE_WIDE
    if trusts and user is not None:
        trust = own_trust()
        if trust == PARTNERSHIP:
            consenting = accounts().partnership.consenting() & set(trusts)
            if len(consenting) < 2:
                abort(403, description=partnership_refusal(len(consenting)))
            scope = frozenset(consenting)
        elif trust is not None:
            scope = frozenset({trust})
        elif user.role != "admin":
            abort(403, description=NO_TRUST)
    g.trust_scope = scope
    return scope


NO_TRUST = ("This store holds several trusts, and your account belongs to none of them, so it shows you no "
            "trust's data. Ask the store's admin to set your trust (netmap users set-trust NAME TRUST).")


def partnership_refusal(consenting: int) -> str:
    """Why there is no partnership view, and what to do."""
    return (f"The partnership view needs at least two trusts to consent; {consenting} "
            f"{'does' if consenting == 1 else 'do'}. Each trust's admin turns it on for their trust on the "
            "Partnership page (or with netmap partnership consent TRUST on).")


def is_store_wide_for_user(endpoint: str) -> bool:
    """Whether `endpoint` reads or writes the whole store while the signed-in account belongs to one trust or to
    the partnership of a store of several trusts: refused to it (check_trust), and not linked for it."""
    user = g.get("user")
    if endpoint in TRUST_SCOPED_ROUTES or endpoint.startswith("partnership.") or user is None:
        return False
    if own_trust() is None:
        return False
    try:
        return bool(store_trusts())
    except StorageError:  # the store cannot say whether it holds several trusts: refuse (fail closed)
        return True


def check_trust(endpoint: str) -> None:
    """403 when the signed-in account belongs to a trust or to the partnership and `endpoint` reads or writes the
    whole store (not in TRUST_SCOPED_ROUTES), or when it may see no trust's data at all; nothing otherwise (a
    one-trust store, the store's operator). The refusal names no data."""
    try:
        g.several_trusts = bool(store_trusts())
    except StorageError:  # a page that reads the store shows its error; one that does not is judged below
        g.several_trusts = False
    if endpoint.startswith("partnership.") or endpoint in SHOWS_NO_DATA:
        return  # the partnership page says itself what the account may do; the others show no trust's data
    if is_store_wide_for_user(endpoint):
        abort(403, description="This page works on the whole store of the partnership's trusts, so it is for the "
                               "store's admin, not for an account of one trust or of the partnership.")
    if g.several_trusts:
        trust_scope()


def init_app(app: Flask) -> None:
    """Templates get `trust_name`: the name of the trust (or "the partnership") the signed-in account sees, and
    `partnership_link`: whether the store holds several trusts (its Partnership page is linked)."""
    app.context_processor(lambda: {"trust_name": _trust_name(), "partnership_link": g.get("several_trusts", False)})


def _trust_name() -> str:
    """The trust the current request's views keep, as a page heads itself ("" for the whole store)."""
    scope = g.get("trust_scope")
    if not scope:
        return ""
    names = store_trusts()
    if len(scope) == 1:
        return names.get(next(iter(scope)), next(iter(scope)))
    return "The partnership: " + ", ".join(names.get(t, t) for t in sorted(scope))
