"""What hidden units take out of pages beyond their own rows: units hidden in any snapshot, which a page showing
several snapshots at once (trends, the compare page, the joiners page, the dashboard's change since the previous
snapshot) hides in every snapshot's figures; and hidden schools' links, which no map draws.

A school of 4 staff hidden in one snapshot but shown in the next would otherwise have its hidden figure read off
the later snapshot's trend. The union of each snapshot's hidden set is itself a valid hidden set in every
snapshot (it holds each snapshot's own, which is at least two rows and at least min_group_size people), so no
further complement is needed (docs/suppression.md).
"""

from __future__ import annotations

from webapp.access import Scope, suppressed_groups, suppressed_schools
from webapp.data import TrustView, analysed_views

__all__ = ["OTHER_SMALL_SCHOOLS", "groups_hidden_anywhere", "schools_hidden_anywhere", "without_hidden_schools"]


def schools_hidden_anywhere(found: Scope, views: list[TrustView] | None = None) -> set[str]:
    """Schools hidden from `found` in any of `views` (by default every analysed snapshot)."""
    return set().union(*(suppressed_schools(v, found) for v in (analysed_views() if views is None else views)))


def groups_hidden_anywhere(found: Scope, views: list[TrustView] | None = None) -> set[str]:
    """Groups hidden from `found` in any of `views` (by default every analysed snapshot)."""
    return set().union(*(suppressed_groups(v, found) for v in (analysed_views() if views is None else views)))


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
    placed = [n for n in drawn["nodes"] if "x" in n and "y" in n]  # below every school: its place says nothing
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
