"""The dashboard: headline numbers and the alerts a network lead acts on, each linking to its detail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from flask import Blueprint, Response, current_app, render_template

from netmap import clock
from netmap.analysis.communities import stability_of, stability_sentence
from netmap.analysis.trends import TRUST_TRENDS
from netmap.suppression import fewer_than, suppressed_keys
from webapp.access import Scope, scope, suppressed_groups, suppressed_schools
from webapp.auth import audit
from webapp.board import BoardSummary, board_pdf
from webapp.data import AnalysisPending, TrustView, current_view, previous_snapshot, require_view, snapshots, view_of
from webapp.formatting import with_base
from webapp.graphview import school_map
from webapp.hidden import left_out, without_hidden_schools
from webapp.trends import series

bp = Blueprint("dashboard", __name__)
DASHBOARD_TO_HELP = 5  # schools to help first shown on the dashboard; the planner lists them all


@bp.route("/")
def index() -> Any:
    view = current_view()
    if view is None:
        return render_template("dashboard/empty.html")
    a = view.analysis
    found = scope(view)
    schools = a.schools
    hidden = suppressed_schools(view, found)
    small_groups = suppressed_groups(view, found)
    to_help = view.schools_to_help
    to_help = to_help[~to_help["school_id"].isin(hidden)]
    risks = schools[schools["is_key_person_risk"] & ~schools["school_id"].isin(hidden)].sort_values(
        "dependency", ascending=False)
    return render_template(
        "dashboard/index.html", view=view, summary=a.summary, snapshots=snapshots(), names=found.sees_names,
        by_role=_response_by_role(a.summary, found.min_group_size if found.suppress else 0),
        expired=_past_retention(), with_base=with_base,
        isolated=[(s, view.school_names.get(s, s)) for s in a.summary["isolated_schools"] if s not in hidden],
        too_few=[(s, view.school_names.get(s, s)) for s in a.summary["schools_with_too_few_responses"]
                 if s not in hidden],
        dormant=[(g, view.group_names.get(g, g)) for g in a.summary["dormant_groups"] if g not in small_groups],
        shown_schools=a.summary["counts"]["schools"] - left_out(view)[0],
        shown_groups=a.summary["counts"]["groups"] - len(small_groups & set(view.group_names)),
        risks=[(r.school_id, view.school_names.get(r.school_id, r.school_id), r.dependency)
               for r in risks.itertuples()],
        to_help=list(to_help.head(DASHBOARD_TO_HELP).itertuples(index=False)), more_to_help=len(to_help),
        new_joiners=[j for j in _new_joiners(view) if j[0] not in hidden],
        change=_change_since_previous(view, found), trends=_trust_trends(found),
        trend_titles=TRUST_TRENDS, communities=stability_sentence(a.summary),
        communities_stable=bool(stability_of(a.summary)["stable"]))


@bp.route("/board.pdf")
def board() -> Any:
    """The board summary of the current (or ?snapshot=) snapshot as a one-page PDF (webapp.board), from what this
    page shows the same user: small schools and groups left out for aggregate roles, no staff named."""
    view = require_view()
    found = scope(view)
    hidden, small_groups = suppressed_schools(view, found), suppressed_groups(view, found)
    change = _change_since_previous(view, found)
    if change is not None and change.figures:
        figures = [(what, now, then, direction) for what, then, now, direction in change.figures]
    else:
        shown = _shown_summary(view.analysis.summary, hidden, small_groups)
        figures = [(what, _figure(value, kind), "", "")
                   for what, value, kind, _ in _headline(shown, bool(hidden), bool(small_groups))]
    to_help = view.schools_to_help
    to_help = to_help[~to_help["school_id"].isin(hidden)]
    drawn = school_map(view, "", hidden, found.min_group_size)
    summary = BoardSummary(
        view.as_of, change.previous if change is not None and change.figures else "", figures,
        [(str(r.name), str(r.reason)) for r in to_help.head(DASHBOARD_TO_HELP).itertuples(index=False)],
        len(to_help), [(title, share, series("trust", "", metric, found))
                       for metric, (title, share, _better) in TRUST_TRENDS.items()],
        without_hidden_schools(drawn, view, hidden, found.min_group_size),
        notes=(f"Schools and groups of fewer than {found.min_group_size} staff are left out.",) if hidden or
        small_groups else ())
    audit("download", f"board summary of {view.as_of}")
    return Response(board_pdf(summary), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="netmap-board-summary-{view.as_of}.pdf"'})


def _trust_trends(scoped: Scope) -> dict[str, list[tuple[str, Any]]]:
    """The trust's series with at least two snapshots and a value, for the charts (none before a second)."""
    found = {metric: series("trust", "", metric, scoped) for metric in TRUST_TRENDS}
    return {m: points for m, points in found.items()
            if len(points) >= 2 and any(v is not None for _, v in points)}


@dataclass(frozen=True)
class Change:
    """The current snapshot against the one before it: headline figures then and now, and which schools became
    or stopped being isolated. `pending` when the earlier snapshot is still being analysed."""

    previous: str
    pending: bool = False
    figures: tuple[tuple[str, str, str, str], ...] = ()  # (what, then, now, direction in words)
    newly_isolated: tuple[str, ...] = ()
    reconnected: tuple[str, ...] = ()


def _change_since_previous(view: TrustView, found: Scope) -> Change | None:
    """How the headline figures moved since the snapshot before this one; None when this is the first. For a
    role that sees aggregates, both snapshots leave out the same schools and groups (webapp.hidden), which are
    neither named nor counted: "isolated schools: 1 -> 0" with none named would tell that a hidden one
    reconnected."""
    info = previous_snapshot(view.snapshot_id)
    if info is None:
        return None
    try:
        earlier = view_of(info)
    except AnalysisPending:
        return Change(info.as_of, pending=True)
    hidden, small_groups = suppressed_schools(view, found), suppressed_groups(view, found)
    before, now = _shown_summary(earlier.analysis.summary, hidden, small_groups), _shown_summary(
        view.analysis.summary, hidden, small_groups)
    figures = tuple((what, _figure(then, kind), _figure(current, kind), _direction(then, current, kind, better))
                    for (what, then, kind, better), (_, current, _, _) in zip(
                        _headline(before, bool(hidden), bool(small_groups)),
                        _headline(now, bool(hidden), bool(small_groups)), strict=True))
    was, isolated = set(before["isolated_schools"]), set(now["isolated_schools"])
    names = view.school_names
    return Change(info.as_of, figures=figures,
                  newly_isolated=tuple(sorted(names.get(s, s) for s in isolated - was)),
                  reconnected=tuple(sorted(names.get(s, s) for s in was - isolated if s in names)))


def _headline(summary: dict[str, Any], schools_hidden: bool,
              groups_hidden: bool) -> list[tuple[str, float, str, bool | None]]:
    """The headline figures of a (shown) summary: (what, value, "count" or "share", whether higher is better)."""
    not_counted = " (small schools not counted)" if schools_hidden else ""
    staff = summary["counts"]["staff"]
    return [("Staff in post", staff, "count", None),
            ("Collaborations", summary["counts"]["soft_ties_undirected"], "count", True),
            ("Cross-school share of collaborations", summary["cross_school_share"] or 0.0, "share", True),
            ("Isolated schools" + not_counted, len(summary["isolated_schools"]), "count", False),
            ("Disconnected staff (share of staff)", summary["disconnected_staff"] / staff if staff else 0.0,
             "share", False),
            ("Dormant networks and communities" + (" (small ones not counted)" if groups_hidden else ""),
             len(summary["dormant_groups"]), "count", False),
            ("Schools with a key-person risk" + not_counted, len(summary["key_person_risk_schools"]), "count",
             False)]


def _shown_summary(summary: dict[str, Any], hidden: set[str], small_groups: set[str]) -> dict[str, Any]:
    """`summary` with the hidden schools and groups left out of its lists of isolated, key-person-risk schools
    and dormant groups (the summary itself when nothing is hidden)."""
    if not hidden and not small_groups:
        return summary
    return {**summary, "isolated_schools": [s for s in summary["isolated_schools"] if s not in hidden],
            "key_person_risk_schools": [s for s in summary["key_person_risk_schools"] if s not in hidden],
            "dormant_groups": [g for g in summary["dormant_groups"] if g not in small_groups]}


def _figure(value: float, kind: str) -> str:
    return f"{100 * value:.1f} %" if kind == "share" else f"{int(value):,}"


def _direction(then: float, now: float, kind: str, higher_is_better: bool | None) -> str:
    """"up 3 (better)", "down 1.2 points (worse)", "no change": the move in words, judged where a direction is
    better."""
    delta = (now - then) * (100 if kind == "share" else 1)
    if abs(delta) < (0.05 if kind == "share" else 0.5):
        return "no change"
    amount = f"{abs(delta):.1f} points" if kind == "share" else f"{abs(delta):,.0f}"
    verdict = "" if higher_is_better is None else " (better)" if (delta > 0) == higher_is_better else " (worse)"
    return f"{'up' if delta > 0 else 'down'} {amount}{verdict}"


def _new_joiners(view: Any) -> list[tuple[str, str, bool]]:
    """Schools that joined in the year before the snapshot, with whether they are isolated."""
    schools = view.schools
    year_ago = f"{int(view.as_of[:4]) - 1}{view.as_of[4:]}"
    recent = schools[schools["joined_on"].fillna("") > year_ago]
    isolated = set(view.analysis.summary["isolated_schools"])
    return [(s, n, s in isolated) for s, n in zip(recent["school_id"], recent["name"], strict=True)]


def _response_by_role(summary: dict[str, Any], min_group_size: int) -> list[tuple[str, str]]:
    """Each role's survey response as text; roles of too few people surveyed (and those hidden with them) read
    "fewer than N" when `min_group_size` is set."""
    by_role = summary["response"].get("by_role", {})
    surveyed = pd.Series({role: r["surveyed"] for role, r in by_role.items()}, dtype=float)
    hidden = suppressed_keys(surveyed, min_group_size) if min_group_size else set()
    text = []
    for role, r in by_role.items():
        if role in hidden:
            text.append((role, f"{fewer_than(min_group_size)} surveyed"))
        elif r["rate"] is None:
            text.append((role, "not surveyed"))
        else:
            text.append((role, f"{100 * r['rate']:.0f} % ({r['responded']} of {r['surveyed']})"))
    return text


def _past_retention() -> list[str]:
    """Snapshots older than NETMAP_SNAPSHOT_RETENTION_DAYS, oldest first."""
    days = current_app.config["NETMAP_SETTINGS"].snapshot_retention_days
    cutoff = (clock.today() - dt.timedelta(days=days)).isoformat()
    return [s.as_of for s in snapshots() if s.as_of < cutoff]
