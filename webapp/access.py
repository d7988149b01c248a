"""Who may see whom, row by row: the current user's scope (whom they see by name, which groups in full, whether
their aggregates are suppressed), computed from the role scopes declared in webapp.policy.SCOPES, and the finer
checks that views make on the rows they show (a person, a round). Which roles may use which page is the policy's
ROUTES, enforced once by webapp.gate; the reasons are in docs/access-policy.md.

Survey rounds (docs/survey-rounds.md): an admin creates, runs and closes any round; a network lead who leads at
least one group creates rounds over the staff of their groups' schools and runs (opens, reissues, downloads link
files, sends, reminds, words the email of) only the rounds they created; closing and reopening, which write the
trust's next snapshot, are an admin's. Nobody else runs a round.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from flask import abort, current_app, g

from netmap.survey.rounds import RoundSpec
from webapp.auth import accounts
from webapp.data import TrustView, require_view
from webapp.policy import AGGREGATE, EVERYONE, SCOPES

__all__ = ["NAMED_ROLES", "Scope", "may_create_round", "may_run_round", "may_see_names", "named_view",
           "names_refusal", "people_seen_by_lead", "require_names", "require_person", "require_round_runner", "scope",
           "scoped_view", "suppressed_groups", "suppressed_schools"]


NAMED_ROLES = tuple(role for role, seen in SCOPES.items() if seen.rows == EVERYONE)  # see every person by name


@dataclass(frozen=True)
class Scope:
    """What the current user may see: `people` by name (None: everyone), `groups` in full (None: all), and
    whether aggregates are suppressed below `min_group_size`."""

    role: str
    people: frozenset[str] | None
    groups: frozenset[str] | None
    suppress: bool
    min_group_size: int

    @property
    def sees_names(self) -> bool:
        return self.people is None or bool(self.people)

    def may_name(self, person: str) -> bool:
        return self.people is None or person in self.people

    def may_list_members(self, group: str) -> bool:
        return self.groups is None or group in self.groups


def scope(view: TrustView | None) -> Scope:
    """The current user's scope on `view` (computed once per request)."""
    if "scope" in g:
        return g.scope
    role = g.user.role
    size = current_app.config["NETMAP_SETTINGS"].min_group_size
    declared = SCOPES.get(role)
    if declared is not None and declared.rows == EVERYONE:
        result = Scope(role, None, None, declared.suppressed, size)
    elif declared is not None and declared.rows != AGGREGATE:  # the groups they lead, and people assigned them
        led = frozenset(accounts().users.groups_of(g.user.name))
        assigned = frozenset(accounts().users.people_of(g.user.name))
        people = _people_of(view, led) | assigned if view is not None else frozenset()
        result = Scope(role, people, led, declared.suppressed, size)
    else:  # aggregates only (and any role the policy does not know)
        result = Scope(role, frozenset(), frozenset(), True, size)
    g.scope = result
    return result


def _people_of(view: TrustView, led: frozenset[str]) -> frozenset[str]:
    """Members of the led groups."""
    if not led:
        return frozenset()
    cache = "people of " + "\x1f".join(sorted(led))  # the same for every request of every lead of these groups
    if cache not in view.layout_cache:
        view.layout_cache[cache] = people_seen_by_lead(view.staff, led)
    people: frozenset[str] = view.layout_cache[cache]
    return people


def people_seen_by_lead(staff: pd.DataFrame, led: frozenset[str]) -> frozenset[str]:
    """The members of the groups `led`, from an analysis's staff table (staff_id, groups joined by ';'): whom a
    network lead sees by name besides the colleagues assigned to them. The web's scope and the DPIA pack's counts
    both come from here."""
    in_led = staff["groups"].fillna("").map(lambda s: not led.isdisjoint(s.split(";")))
    return frozenset(staff.loc[in_led, "staff_id"])


def suppressed_schools(view: TrustView, found: Scope) -> set[str]:
    """Schools whose figures this scope must not show: those `view` leaves out (fewer than min_group_size staff
    in some snapshot, or hidden with one; webapp.hidden), listed with "fewer than N"; none for roles that see
    names."""
    return set(view.hidden.schools) if found.suppress else set()


def suppressed_groups(view: TrustView, found: Scope) -> set[str]:
    """Groups whose figures this scope must not show (as suppressed_schools, by members); a lead sees their own
    groups in full."""
    return set(view.hidden.groups) - set(found.groups or ()) if found.suppress else set()


def may_see_names() -> bool:
    """Whether the current user's role can see anyone by name, without a snapshot: their scope's rows are
    everyone, or (a network lead) they lead a group or were assigned a colleague. The gate asks this before a
    view opens its snapshot; the view's scope then says whom exactly."""
    declared = SCOPES.get(g.user.role)
    if declared is None or declared.rows == AGGREGATE:
        return False
    if declared.rows == EVERYONE:
        return True
    users = accounts().users
    return bool(users.groups_of(g.user.name)) or bool(users.people_of(g.user.name))


def names_refusal(role: str) -> str:
    """What a user is told when a page names staff and their role sees nobody by name."""
    hint = " Ask an admin to assign you the networks you lead." if role in SCOPES and SCOPES[role].rows not in (
        EVERYONE, AGGREGATE) else ""
    return f"This page names staff; the {role} role sees the trust at aggregate level.{hint}"


def require_names(view: TrustView | None) -> Scope:
    """The scope, or 403 for a role that sees nobody by name (the page lists people)."""
    found = scope(view)
    if not found.sees_names:
        abort(403, description=names_refusal(found.role))
    return found


def scoped_view() -> tuple[TrustView, Scope]:
    """The current snapshot's view (404 with advice when none is loaded) and the current user's scope on it."""
    view = require_view()
    return view, scope(view)


def named_view() -> tuple[TrustView, Scope]:
    """The current snapshot's view and the user's scope, for a page that lists staff by name: 404 with advice when
    none is loaded, 403 for a role that sees nobody by name (see require_names)."""
    view = require_view()
    return view, require_names(view)


def require_person(view: TrustView | None, person: str) -> Scope:
    """The scope, or 403 when the current user may not see `person` by name."""
    found = require_names(view)
    if not found.may_name(person):
        abort(403, description="This person is outside the networks you lead. An admin can let you see a "
                               "colleague you were asked to support (netmap users set-people).")
    return found


def may_create_round() -> bool:
    """An admin, or a network lead who leads at least one group (their round asks the staff of its schools)."""
    role = g.user.role
    return role == "admin" or (role == "network-lead" and bool(accounts().users.groups_of(g.user.name)))


def may_run_round(spec: RoundSpec) -> bool:
    """An admin, or the network lead who created the round while they still lead a group: open it, reissue
    links, download link files, send, remind and word its email. A round with no owner (made on the command line
    or before owners were kept) is run by admins only."""
    role = g.user.role
    if role == "admin":
        return True
    return role == "network-lead" and bool(spec.owner) and spec.owner == g.user.name and may_create_round()


def require_round_runner(spec: RoundSpec) -> None:
    """403, saying who runs the round, unless the current user may run it."""
    if not may_run_round(spec):
        owner = f"the network lead who created it ({spec.owner}) or an admin" if spec.owner and spec.owner != \
            "admin" else "an admin"
        abort(403, description=f"This round is run by {owner}: its links, sending and reminders are theirs.")
