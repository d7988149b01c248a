"""Who may use what: netmap's one access policy, declared as data for a reviewer to read in one sitting.

Every page, download, map payload and form of the web app is an entry of ROUTES, keyed by its Flask endpoint;
webapp.gate enforces it before each request (an endpoint with no entry is refused, and tests/test_policy.py
fails naming it), tests/test_access.py derives what each identity must get from it, and docs/access-policy.md
lists it (checked by a test). The command-line side, which commands write named data to files, is COMMANDS.

How to read an entry:

- ``who``: the roles that may use the route, or PUBLIC (anyone: the sign-in pages, the staff privacy notice) or
  BY_LINK (whoever holds a personal link: the survey form, a challenge's offer page; the link is the key, and a
  made-up link opens nothing).
- ``named``: the requests whose answer is person-level only (a person's page, a named CSV, the staff map): a role
  whose scope names nobody (ceo; a network lead who leads no group and was assigned nobody) is refused them.
  Other requests of the route show names within the role's scope and aggregates otherwise (SCOPES).
- ``purpose``: the requests that need a stated purpose first (webapp.purpose), asked only of roles that see names:
  once a session on a page (a GET is redirected to say why), or, for a form that hands over named data (IN_FORM),
  in the form itself at every submission (a POST without one is refused and nothing is made or sent).
- ``audited``: the view records who used it, with the purpose stated (webapp.auth.audit).
- ``suppressed``: aggregates shown to roles whose SCOPES entry says so are hidden below NETMAP_MIN_GROUP_SIZE.
- ``downloads``: the files the route gives with ?format= (csv, html, png, pdf), or in its path (graphml, gexf,
  xlsx).
- ``json``: the route answers JSON to a script, so a refusal is JSON too (403 with the reason), never a redirect.

Finer, row-level checks stay with the views that know the rows, and read SCOPES through webapp.access: a
particular person outside a lead's scope (require_person), a round run by someone else (require_round_runner), a
hidden school's trend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ADMIN", "AGGREGATE", "ALWAYS", "ANY", "BY_LINK", "CEO", "COMMANDS", "CSV", "EVERYONE", "HR", "IN_FORM",
           "LEAD", "LED", "PUBLIC", "ROLES", "ROUTES", "SCOPES", "Command", "Route", "RoleScope", "When", "on",
           "render_markdown", "route_of"]

ADMIN, HR, LEAD, CEO = "admin", "hr", "network-lead", "ceo"
ROLES = (ADMIN, HR, LEAD, CEO)
PUBLIC = "public"  # anyone, signed in or not
BY_LINK = "survey-link"  # whoever holds a personal link (it is in the address); nobody else
SIGNED_IN = ROLES

# The rows each role sees by name
EVERYONE = "everyone"
LED = "members of the groups they lead, and colleagues an admin assigned them for a stated purpose"
AGGREGATE = "nobody: aggregates only"


@dataclass(frozen=True)
class RoleScope:
    """Whom a role sees by name (`rows`), and whether the aggregates it sees are suppressed below
    NETMAP_MIN_GROUP_SIZE (`suppressed`)."""

    rows: str
    suppressed: bool
    why: str


SCOPES: Mapping[str, RoleScope] = {
    ADMIN: RoleScope(EVERYONE, False, "runs the system: accounts, uploads, survey rounds, the audit log"),
    HR: RoleScope(EVERYONE, False, "secondments and leaver risk need every person by name"),
    LEAD: RoleScope(LED, True, "supports the members of their expert networks and subject communities; groups "
                               "are assigned with `netmap users set-groups`, people with `netmap users set-people`"),
    CEO: RoleScope(AGGREGATE, True, "schools, groups, the trust and hard against soft wiring, never a staff name, "
                                    "id or a person's map"),
}

ANY = "*"  # in a When: the argument is present and not empty


@dataclass(frozen=True)
class When:
    """A request condition on its query arguments: every `args` name holds one of its values (ANY: any
    non-empty value). When() holds for every request. In a route's `purpose`, `form` says the purpose is stated
    in the submitted form itself (its `purpose` field), at each submission, rather than once a session."""

    args: tuple[tuple[str, frozenset[str]], ...] = ()
    form: bool = False

    def holds(self, query: Mapping[str, str]) -> bool:
        return all((query.get(name, "") != "") if ANY in values else query.get(name, "") in values
                   for name, values in self.args)

    def __str__(self) -> str:
        said = " and ".join(f"{name} given" if ANY in values else f"{name}={'/'.join(sorted(values))}"
                            for name, values in self.args) or "always"
        return f"{said}, in the form" if self.form else said


def on(**args: str | tuple[str, ...]) -> When:
    """When(...) from keyword arguments: on(format="csv", table=("people", "ties"))."""
    return When(tuple((name, frozenset((value,) if isinstance(value, str) else value))
                      for name, value in sorted(args.items())))


ALWAYS = (When(),)
NEVER: tuple[When, ...] = ()
CSV = (on(format="csv"),)
IN_FORM = (When(form=True),)  # a form handing over named data: its own purpose field, at every submission
HTML_MAP = on(format="html")


@dataclass(frozen=True)
class Route:
    """One endpoint's rule (see the module's docstring)."""

    who: tuple[str, ...]
    what: str
    named: tuple[When, ...] = NEVER
    purpose: tuple[When, ...] = NEVER
    audited: bool = False
    suppressed: bool = False
    downloads: tuple[str, ...] = ()
    json: bool = False

    @property
    def public(self) -> bool:
        return PUBLIC in self.who or BY_LINK in self.who

    def is_named(self, query: Mapping[str, str]) -> bool:
        """Whether this request's answer is person-level only."""
        return any(when.holds(query) for when in self.named)

    def needs_purpose(self, query: Mapping[str, str]) -> bool:
        return any(when.holds(query) for when in self.purpose)

    def asks_in_form(self, query: Mapping[str, str]) -> bool:
        """Whether this request must carry its purpose in its own form (IN_FORM), not the session's."""
        return any(when.form and when.holds(query) for when in self.purpose)


_STAFF_MAP = (on(view="staff"),)  # the staff map's payload and its HTML download name people
_STAFF_MAP_PAGE = tuple(on(**{arg: ANY}) for arg in ("school", "group", "subject", "phase", "role", "person")) + \
    _STAFF_MAP  # the page then draws (and lists candidates for) a staff map, for roles that see names
_WAITING = (on(table="waiting", format="csv"),)  # a round's list of who has not answered
_NAMED_TABLES = ("ties", "people", "roles", "communities")  # the compare page's tables of people
_ADMIN = (ADMIN,)
_NAMED_ROLES = (ADMIN, HR)
_RUNS_ROUNDS = (ADMIN, LEAD)  # a lead runs only the rounds they created (webapp.access.require_round_runner)
_CHALLENGERS = (ADMIN, HR, LEAD)

ROUTES: Mapping[str, Route] = {
    # signing in and out, and what every member of staff may read without an account
    "auth.login": Route((PUBLIC,), "sign in (failed attempts audited as digests, rate-limited)", audited=True),
    "auth.logout": Route((PUBLIC,), "sign out every session of the user (audited when signed in)", audited=True),
    "mfa.code": Route((PUBLIC,), "the second factor, after the password step of the same session", audited=True),
    "mfa.enrol": Route((PUBLIC,), "setting up a second factor, after the password step", audited=True),
    "oidc.start": Route((PUBLIC,), "sign in through the trust's identity provider"),
    "oidc.callback": Route((PUBLIC,), "the identity provider's answer", audited=True),
    "about.your_data": Route((PUBLIC,), "for every member of staff: what the trust sees about them and why"),
    "static": Route((PUBLIC,), "the app's own scripts, styles and images"),
    "vendor.vis": Route((PUBLIC,), "the vis-network script, served from the app (no CDN)"),
    # survey respondents and invited helpers: by their personal link, never by a role
    "survey.code": Route((PUBLIC,), "where a printed survey code is typed; it opens the form as the link would"),
    "survey.form": Route((BY_LINK,), "a respondent's own survey form; once the round has closed, their own "
                         "network profile through the link they submitted with", audited=True),
    "survey.people": Route((BY_LINK,), "colleague suggestions within the link's roster and search budget",
                           audited=True),
    "challenge_offer.offer": Route((BY_LINK,), "an invited colleague's answer to a challenge"),
    # aggregate pages: names only within the role's scope
    "dashboard.index": Route(SIGNED_IN, "the trust at a glance", suppressed=True),
    "dashboard.board": Route(SIGNED_IN, "the board summary: one page of headline figures, schools to help, trends "
                                        "and the school map, as PDF (no staff named)", audited=True,
                             suppressed=True, downloads=("pdf",)),
    "admin.metrics": Route(SIGNED_IN, "what each measure means"),
    "purpose.choose": Route(SIGNED_IN, "state a purpose before person-level data", audited=True),
    "schools.index": Route(SIGNED_IN, "every school's figures (CSV too)", suppressed=True, downloads=("csv",)),
    "schools.show": Route(SIGNED_IN, "a school: figures, ties, and its key connectors by name within scope",
                          audited=True, suppressed=True, downloads=("csv",)),
    "groups.index": Route(SIGNED_IN, "every group's figures (CSV too)", suppressed=True, downloads=("csv",)),
    "groups.show": Route(SIGNED_IN, "a group: members by name for roles that may list them, counts otherwise",
                         audited=True, suppressed=True),
    "wiring.index": Route(SIGNED_IN, "hard against soft wiring by pair of schools (CSV too)", suppressed=True,
                          downloads=("csv",)),
    "trends.chart": Route(SIGNED_IN, "a measure over snapshots (a hidden unit's chart is refused)", suppressed=True),
    "joiners.index": Route(SIGNED_IN, "new joiners' integration; the people table names them",
                           named=(on(table="people", format="csv"),), purpose=(on(table="people", format="csv"),),
                           audited=True, suppressed=True, downloads=("csv",)),
    "compare.index": Route(SIGNED_IN, "two snapshots compared, and an intervention evaluated (refused below the "
                                      "suppression threshold); tables of people name them",
                           named=(on(table=_NAMED_TABLES, format="csv"),),
                           purpose=(on(table=_NAMED_TABLES, format="csv"), on(school=ANY), on(group=ANY)),
                           audited=True, suppressed=True, downloads=("csv",)),
    "compare.changes": Route(SIGNED_IN, "the map of what changed (HTML, PNG or PDF too); a school's or group's "
                                        "people by name", named=(on(school=ANY), on(group=ANY)),
                             purpose=(on(school=ANY), on(group=ANY)), audited=True, suppressed=True,
                             downloads=("html", "png", "pdf")),
    "network_map.index": Route(SIGNED_IN, "the map page: schools for everyone, staff for roles that see names",
                               purpose=_STAFF_MAP_PAGE, suppressed=True),
    "network_map.data": Route(SIGNED_IN, "the map's JSON and its HTML, PNG and PDF downloads; the staff map names "
                                         "people", named=_STAFF_MAP, purpose=_STAFF_MAP, audited=True,
                              suppressed=True, downloads=("html", "png", "pdf")),
    # person-level pages: refused to roles that see nobody by name
    "staff.index": Route((ADMIN, HR, LEAD), "staff by name within scope (CSV too)", named=ALWAYS, purpose=CSV,
                         audited=True, downloads=("csv",)),
    "staff.show": Route((ADMIN, HR, LEAD), "one person's page", named=ALWAYS, purpose=ALWAYS, audited=True),
    # JSON for the search box as a name is typed: a redirect would break it, so without a stated purpose it is 403
    "network_map.people": Route((ADMIN, HR, LEAD), "name suggestions for the map's person search, within scope",
                                named=ALWAYS, purpose=ALWAYS, audited=True, json=True),
    "wiring.bridges": Route((ADMIN, HR, LEAD), "the people who carry soft-only bridges (CSV too)", named=ALWAYS,
                            purpose=CSV, audited=True, downloads=("csv",)),
    "expertise.index": Route((ADMIN, HR, LEAD), "who knows a topic, within scope (CSV too)", named=ALWAYS,
                             purpose=ALWAYS, audited=True, downloads=("csv",)),
    "challenges.index": Route(_CHALLENGERS, "challenges: posting one, and the list", named=ALWAYS, audited=True),
    "challenges.show": Route(_CHALLENGERS, "a challenge with the people suggested (experts, connectors, the key "
                                           "players to seed it with, within scope) and invited (CSV too)",
                             named=ALWAYS, purpose=ALWAYS, audited=True, downloads=("csv",)),
    "challenges.invite": Route(_CHALLENGERS, "invite a suggested colleague", named=ALWAYS, audited=True),
    "challenges.record": Route(_CHALLENGERS, "record a collaboration a challenge brought about", named=ALWAYS,
                               audited=True),
    "challenges.publish": Route((ADMIN, LEAD), "write recorded collaborations into the next snapshot", audited=True),
    "secondments.index": Route(_NAMED_ROLES, "secondment candidates, introductions and what-if (CSV too)",
                               named=ALWAYS, purpose=CSV, audited=True, downloads=("csv",)),
    "secondments.risk": Route(_NAMED_ROLES, "leaver risk by name (CSV too)", named=ALWAYS, purpose=CSV,
                              audited=True, downloads=("csv",)),
    "secondments.key_players": Route(_NAMED_ROLES, "key players by name: whose leaving together splits the network, "
                                                   "who reaches most in two steps", named=ALWAYS, purpose=ALWAYS,
                                     audited=True),
    "secondments.change_scenario": Route(_NAMED_ROLES, "change or save a what-if scenario", audited=True),
    "secondments.open_scenario": Route(_NAMED_ROLES, "open a saved scenario"),
    "secondments.scenario_map": Route(_NAMED_ROLES, "the school map before or after the scenario"),
    "exports.download": Route(_NAMED_ROLES, "the whole network as GraphML or GEXF, the analysis as XLSX",
                              named=ALWAYS, purpose=ALWAYS, audited=True, downloads=("graphml", "gexf", "xlsx")),
    # survey rounds: links and reminders name whom they reach (audited with their ids and the form's purpose)
    "rounds.index": Route(_RUNS_ROUNDS, "survey rounds, and creating one (a lead: over their groups' schools)",
                          audited=True),
    "rounds.show": Route(_RUNS_ROUNDS, "a round's response rates; who has not answered as CSV (an admin's)",
                         named=_WAITING, purpose=_WAITING, audited=True, downloads=("csv",)),
    "rounds.open_": Route(_RUNS_ROUNDS, "open a round: everyone's link (CSV, sheet) or emails", named=ALWAYS,
                          purpose=IN_FORM, audited=True, downloads=("csv",)),
    "rounds.reissue": Route(_RUNS_ROUNDS, "reissue links", named=ALWAYS, purpose=IN_FORM, audited=True,
                            downloads=("csv",)),
    "rounds.remind_": Route(_RUNS_ROUNDS, "remind those who have not submitted", named=ALWAYS, purpose=IN_FORM,
                            audited=True, downloads=("csv",)),
    "rounds.wording": Route(_RUNS_ROUNDS, "the round's email wording", audited=True),
    "rounds.sending": Route(_RUNS_ROUNDS, "progress of a sending"),
    "rounds.close": Route(_ADMIN, "close a round: writes the trust's next snapshot", audited=True),
    "rounds.reopen": Route(_ADMIN, "reopen a closed round", audited=True),
    # running the system
    "upload.index": Route(_ADMIN, "upload a snapshot", audited=True),
    "mapping.index": Route(_ADMIN, "staff export mappings: an export's headers beside netmap's fields"),
    "mapping.save": Route(_ADMIN, "save a staff export mapping", audited=True),
    "mapping.import_": Route(_ADMIN, "import staff from an export through a mapping: what changes, before storing"),
    "mapping.confirm": Route(_ADMIN, "store (or cancel) a checked staff import", audited=True),
    "group_lists.index": Route(_ADMIN, "import memberships from group lists matched by email: what changes, and "
                                       "unmatched lines with the closest staff names, before storing"),
    "group_lists.confirm": Route(_ADMIN, "store (or cancel) checked group lists", audited=True),
    "admin.users": Route(_ADMIN, "accounts (CSV too)", downloads=("csv",)),
    "admin.disable_user": Route(_ADMIN, "disable an account", audited=True),
    "admin.audit_log": Route(_ADMIN, "the audit log (CSV too)", downloads=("csv",)),
    "admin.thresholds": Route(_ADMIN, "a snapshot's tie window and response thresholds, kept with it", audited=True),
    # a partnership of trusts in one store (docs/partnerships.md): which trusts consent to the partnership view
    "partnership.index": Route(SIGNED_IN, "the store's trusts and which consent to the partnership view"),
    "partnership.consent": Route(_ADMIN, "turn the partnership view on or off for the admin's own trust",
                                 audited=True),
    # people's rights (docs/data-subject-rights.md): a subject access request, answered by an admin
    "person_rights.find": Route(_ADMIN, "find the person a subject access request is about, by staff id"),
    "person_rights.person": Route(_ADMIN, "how much is held about one person (counts only)", named=ALWAYS,
                                  purpose=ALWAYS, audited=True),
    "person_rights.download": Route(_ADMIN, "everything held about one person, as a zip", named=ALWAYS,
                                    purpose=ALWAYS, audited=True, downloads=("zip",)),
}


@dataclass(frozen=True)
class Command:
    """A `netmap` command that writes named data to a file: `writes` names its option, `what` the data. Every
    such command is audited (netmap.cli_common.audit_command) and its files are written owner-only (the process
    umask netmap.cli.PRIVATE_UMASK: files 0600, folders 0700)."""

    writes: str
    what: str


COMMANDS: Mapping[str, Command] = {
    "analyse": Command("--out", "every person's figures, as CSV files"),
    "export": Command("--out", "the network with people by name (GraphML, GEXF) or the analysis (XLSX)"),
    "survey open": Command("--links-out", "everyone's personal survey link"),
    "survey links": Command("--out", "reissued links, or reminders' links"),
    "survey status": Command("--waiting", "who has not answered yet"),
    "compare": Command("--out", "what changed between two snapshots: ties, joiners and leavers by name"),
    "evaluate": Command("--out", "an intervention's result, and each member's and comparable person's change by "
                                 "staff id"),
    "find-expertise": Command("--out", "who knows a topic, by name, with who can introduce you"),
    "person export": Command("--out", "everything held about one person (a subject access request), as a zip"),
}


def route_of(endpoint: str | None) -> Route | None:
    """The policy's entry for `endpoint`; None when it has none (the gate then refuses the request)."""
    return ROUTES.get(endpoint or "")


def _whom(who: tuple[str, ...]) -> str:
    return "every role" if who == SIGNED_IN else ", ".join(who)


def _conditions(whens: tuple[When, ...]) -> str:
    return "; ".join(str(when) for when in whens) or "no"


def render_markdown() -> str:
    """The policy as the Markdown tables of docs/access-policy.md ("Who sees what"), which a test keeps equal to
    this; regenerate with `python -m webapp.policy`."""
    lines = ["| Role | Sees by name | Aggregates suppressed | Why |", "|---|---|---|---|"]
    lines += [f"| `{role}` | {s.rows} | {'yes' if s.suppressed else 'no'} | {s.why} |" for role, s in SCOPES.items()]
    lines += ["", "| Route | Who | What | Person-level only | Purpose first | Audited | Suppressed | Downloads |",
              "|---|---|---|---|---|---|---|---|"]
    lines += [f"| `{endpoint}` | {_whom(r.who)} | {r.what} | {_conditions(r.named)} | {_conditions(r.purpose)} | "
              f"{'yes' if r.audited else 'no'} | {'yes' if r.suppressed else 'no'} | {', '.join(r.downloads) or '-'} |"
              for endpoint, r in ROUTES.items()]
    lines += ["", "| Command | Writes | What | Audited | Files |", "|---|---|---|---|---|"]
    lines += [f"| `netmap {name}` | `{c.writes}` | {c.what} | yes | owner-only (0600) |"
              for name, c in COMMANDS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
