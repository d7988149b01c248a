"""The one place a role's view of a snapshot is chosen: first narrowed to the trusts the account sees
(webapp.trusts; docs/partnerships.md), then roles that see aggregates only (SCOPES' `suppressed`)
get every snapshot with the small units hidden from them left out before analysis and layout
(netmap.snapshot.Snapshot.without), so that every figure, table, trend, alert, CSV and map they are shown is
computed as if those schools' staff and those groups' members were not there; admin and hr get the whole snapshot
(of their trust).

A unit is hidden when netmap.suppression.suppressed_keys hides it in any analysed snapshot (fewer than
min_group_size people, or hidden with one), and then in every snapshot at once: a school of 4 hidden in one
snapshot but shown in the next would otherwise be read off the later one. A network lead sees the groups they
lead in full. Maps draw one grey node for the hidden schools (without_hidden_schools). docs/suppression.md.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from flask import Flask, current_app, g

from netmap.snapshot import Hidden
from netmap.suppression import fewer_than, suppressed_keys
from webapp.access import people_seen_by_lead
from webapp.auth import accounts
from webapp.data import TrustView, analysed_stored_views
from webapp.policy import AGGREGATE, EVERYONE, SCOPES
from webapp.trusts import trust_scope

__all__ = ["OTHER_SMALL_SCHOOLS", "hidden_from_user", "init_app", "left_out", "left_out_note", "view_for_user",
           "without_hidden_schools"]


def view_for_user(view: TrustView) -> TrustView:
    """`view` (a stored snapshot's whole view) as the signed-in user's role is given it: without the units
    hidden from them, but with the people of hidden schools whom they may see by name (a network lead's members
    and assigned colleagues); webapp.data.init_app passes every page's view through this."""
    within = trust_scope()
    hidden = hidden_from_user()
    if not hidden and not within:
        return view
    kept = _named_in_hidden_schools(view, hidden.schools) if hidden else frozenset()
    return view.without(replace(hidden, kept=kept, within=within))


def _named_in_hidden_schools(view: TrustView, schools: frozenset[str]) -> frozenset[str]:
    """Staff of hidden `schools` whom the signed-in network lead may see by name: members of the groups they lead
    (in this snapshot), and the colleagues an admin assigned them."""
    user = g.get("user")
    declared = SCOPES.get(user.role) if user is not None else None
    if user is None or declared is None or declared.rows in (EVERYONE, AGGREGATE):
        return frozenset()
    users = accounts().users
    in_schools, members = _staff_and_members(view, schools, frozenset(users.groups_of(user.name)))
    return members | (frozenset(users.people_of(user.name)) & in_schools)


NAMED_KEPT = 8  # (hidden schools, led groups) pairs whose staff a snapshot's view keeps (least recently used go)


def _staff_and_members(view: TrustView, schools: frozenset[str],
                       led: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The staff of `schools` in the whole `view`, and those of them who are members of the groups `led`: what a
    lead's kept people are read from, computed once per snapshot (its layout_cache, which dies with the view: a
    new content, exclusion or thresholds make a new view) and per key, not on every request (TrustView.kept)."""
    def read() -> tuple[frozenset[str], frozenset[str]]:
        staff = view.table("staff")
        in_schools = frozenset(staff.loc[staff["school_id"].isin(schools), "staff_id"])
        return in_schools, (people_seen_by_lead(view.staff, led) if led else frozenset()) & in_schools

    return view.kept("staff of hidden schools", (schools, led), read, NAMED_KEPT)


def hidden_from_user() -> Hidden:
    """The schools and groups hidden from the signed-in user (none for a role that sees names; a role the policy
    does not know, or nobody signed in, sees aggregates only), computed once per request."""
    if "hidden" in g:
        found: Hidden = g.hidden
        return found
    user = g.get("user")
    declared = SCOPES.get(user.role) if user is not None else None
    if declared is not None and not declared.suppressed:
        g.hidden = Hidden()
        return g.hidden
    led: frozenset[str] = frozenset()
    if user is not None and declared is not None and declared.rows not in (EVERYONE, AGGREGATE):
        led = frozenset(accounts().users.groups_of(user.name))
    size = current_app.config["NETMAP_SETTINGS"].min_group_size
    within = trust_scope()  # what is small is judged within the trusts the user sees: a group shared by trusts
    views = [v.without(Hidden(within=within)) if within else v for v in analysed_stored_views()]
    schools = set().union(*(_small(v, "schools", "school_id", "staff", size) for v in views))
    groups = set().union(*(_small(v, "groups", "group_id", "members", size) for v in views))
    if len(within) > 1:  # the partnership: a group is hidden where one of its trusts hides it, or else its figure
        # less that trust's own (which the trust's accounts read) would count that trust's few members of it
        groups |= set().union(*(_small(v.without(Hidden(within=frozenset({trust}))), "groups", "group_id",
                                       "members", size) for v in analysed_stored_views() for trust in within))
    g.hidden = Hidden(frozenset(schools), frozenset(groups - led))
    return g.hidden


def _small(view: TrustView, table: str, key: str, size: str, min_group_size: int) -> frozenset[str]:
    """The rows of a whole snapshot's analysis table that suppression hides, computed once per threshold."""
    cache = f"suppressed {table} {min_group_size}"
    if cache not in view.layout_cache:
        frame = getattr(view.analysis, table)
        sizes = pd.Series(frame[size].to_numpy(), index=frame[key].to_numpy())
        view.layout_cache[cache] = frozenset(str(k) for k in suppressed_keys(sizes, min_group_size))
    found: frozenset[str] = view.layout_cache[cache]
    return found


def init_app(app: Flask) -> None:
    """Every page's template gets `left_out_note`: what its figures leave out, said once in the page's head."""
    app.context_processor(lambda: {"left_out_note": left_out_note(g.get("hidden"))})


def left_out_note(hidden: Hidden | None) -> str:
    """The sentence a page shows a role whose figures leave units out ("" when none are), naming none of them."""
    if not hidden:
        return ""
    size = current_app.config["NETMAP_SETTINGS"].min_group_size
    parts = [f"{n} small {word}{'s' if n != 1 else ''}" for n, word in ((len(hidden.schools), "school"),
                                                                       (len(hidden.groups), "group")) if n]
    return (f"Figures for your role leave out {' and '.join(parts)} (fewer than {size} staff or members in a "
            "snapshot, or hidden with one): every figure, trend and map here is computed as if they were not in "
            "the trust, so that none singles anyone out. Their rows read "
            f"\u201c{fewer_than(size)}\u201d.")


def left_out(view: TrustView) -> tuple[int, int]:
    """How many of `view`'s schools and groups its figures leave out: what its pages say, naming none."""
    return len(view.hidden.schools & set(view.school_names)), len(view.hidden.groups & set(view.group_names))


OTHER_SMALL_SCHOOLS = "other-small-schools"  # the id of the one node that stands for every hidden school


def without_hidden_schools(drawn: dict, view: TrustView, hidden: set[str], min_group_size: int,
                           focus: str = "") -> dict:
    """A school map (school_map, wiring_map or changes_map's JSON) with the schools in `hidden` taken out: their
    nodes, every line that touches them and their names in the key, with one grey node in their stead that says
    how many schools it stands for and draws no line. Counting a hidden school's lines gives its hidden "schools
    reached", and a force layout places it beside the schools it reaches, so neither is drawn. Around a `focus`
    school, only the schools reached within two steps without passing through a hidden school stay."""
    if not hidden or not drawn["nodes"]:
        return drawn
    kept = _around(view, focus, hidden) if focus else None
    nodes = [n for n in drawn["nodes"] if n["id"] not in hidden and (kept is None or n["id"] in kept)]
    shown = {n["id"] for n in nodes}
    edges = [e for e in drawn["edges"] if e["from"] in shown and e["to"] in shown]
    names = {view.school_names.get(s, s) for s in (set(view.school_names) - shown)}
    legend = [entry for entry in drawn["legend"] if entry.get("label") not in names
              and not str(entry.get("label", "")).startswith("linked, details hidden")]
    out = {**drawn, "nodes": nodes, "edges": edges, "legend": legend}
    placed = [n for n in nodes if "x" in n and "y" in n]  # below every shown school: its place says nothing
    count = len(hidden & set(view.school_names))
    if placed and count:
        nodes.append({"id": OTHER_SMALL_SCHOOLS, "label": f"{count} small schools", "shape": "dot", "size": 12,
                      "color": "#bbbbbb", "x": min(n["x"] for n in placed), "y": max(n["y"] for n in placed) + 150,
                      "title": f"{count} schools whose figures are hidden (fewer than {min_group_size} staff, or "
                               "hidden with one): neither they nor their links are drawn"})
    return out


def _around(view: TrustView, focus: str, hidden: set[str]) -> set[str]:
    """`focus` and the schools up to two soft-tie steps from it, stepping over no hidden school."""
    soft = view.analysis.wiring[view.analysis.wiring["soft_ties"] > 0]
    neighbours: dict[str, set[str]] = {}
    for a, b in zip(soft["school_a"], soft["school_b"], strict=True):
        if a not in hidden and b not in hidden:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
    found = {focus}
    frontier = {focus}
    for _step in range(2):
        frontier = {n for s in frontier for n in neighbours.get(s, ())} - found
        found |= frontier
    return found
