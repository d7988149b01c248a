"""What netmap holds about people and who sees what, said once: the staff transparency page
(/about-your-data, open without an account) and the DPIA pack (`netmap privacy-report`) are both drawn from here
and from the trust's own settings, so they cannot drift from what the app does (webapp/access.py)."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import click
import jinja2
from flask import Blueprint, current_app, render_template

from netmap import clock
from netmap.cli_common import open_store_of, settings_of, store_options
from netmap.config import Settings, redact_uri
from netmap.errors import NetmapError
from netmap.kept_analysis import analysis_of
from netmap.store.base import GraphStore
from webapp import dpia
from webapp.access import NAMED_ROLES, people_seen_by_lead
from webapp.accounts import ROLES, Accounts
from webapp.table_columns import table_spec

__all__ = ["HELD", "ROLE_SEES", "bp", "facts", "privacy_report", "role_counts"]

bp = Blueprint("about", __name__)

HELD = (
    ("Who you are at work", "your staff id, name, school, role, subjects, start and leaving dates (from the HR or "
     "MIS export the trust loads)"),
    ("The groups you belong to", "the expert networks and subject communities, and whether you lead one"),
    ("Who you work with", "the colleagues you, or they, named in a survey as people you go to for advice, plan "
     "with, share resources with or coach, with the kind of tie and its date"),
    ("Whether you answered the survey", "so that nobody who did not answer is wrongly shown as isolated"),
    ("Figures worked out from these", "for example how many colleagues and schools you are connected to, and "
     "whether you link people who would otherwise not be linked"),
    ("Secondments", "where you are seconded, when, and why, when the trust records one"),
)

ROLE_SEES = (
    ("ceo", "The trust, its schools and groups at aggregate level only: never a name or a person's map. Figures "
     "about fewer than {min} people are hidden, together with enough others that totals cannot reveal them."),
    ("network-lead", "By name, only the members of the networks and communities they lead, and any colleague an "
     "admin assigned them for a stated purpose (for example someone not connected to another school whom they "
     "were asked to support). Everything else at aggregate level, with the same hiding of small groups."),
    ("hr", "Named data, to plan secondments and to understand what the network would lose if someone left."),
    ("admin", "Everything, to load the data, manage accounts and read the audit log."),
)

PURPOSES_TEXT = ("making collaboration across the trust's schools visible so that it can be strengthened: "
                 "finding colleagues and schools nobody reaches, comparing formal networks with how people "
                 "actually work together, and planning secondments")


def facts(settings: Settings) -> dict[str, Any]:
    """The trust's own settings that a privacy notice or DPIA must state."""
    store = (f"Neo4j at {redact_uri(settings.neo4j_uri)}, database {settings.neo4j_database}"
             if settings.neo4j_uri else f"one SQLite file on the server, {settings.db_path}")
    return {"min_group_size": settings.min_group_size, "snapshot_days": settings.snapshot_retention_days,
            "audit_days": settings.audit_retention_days, "scenario_days": settings.scenario_retention_days,
            "store": store, "users_db": str(settings.users_db_path), "held": HELD, "purposes": PURPOSES_TEXT,
            "roles": [(role, text.format(min=settings.min_group_size)) for role, text in ROLE_SEES],
            "allow_http": settings.allow_http,
            "sign_in_issuer": settings.oidc.issuer if settings.oidc else None}


def role_counts(settings: Settings, store: GraphStore) -> tuple[str, list[tuple[str, int, str]]]:
    """How many people each role sees by name on the latest snapshot: (its date and staff in post, and per role
    the accounts holding it and the people they see). Network leads differ by the groups each leads and the
    colleagues assigned to each: given as a range and median over their accounts."""
    info = store.snapshot()
    staff = analysis_of(store, info).staff
    everyone = len(staff)
    users = []
    if settings.users_db_path.exists():  # never create a users file just to count it
        with Accounts(settings.users_db_path) as accounts:
            users = [(u.name, u.role, frozenset(accounts.users.groups_of(u.name)),
                      frozenset(accounts.users.people_of(u.name))) for u in accounts.users.all_users()]
    rows = []
    for role in ROLES:
        holders = [(led, assigned) for _name, held, led, assigned in users if held == role]
        if role in NAMED_ROLES:
            seen = f"everyone: {everyone}"
        elif role == "network-lead" and holders:
            in_post = frozenset(staff["staff_id"])
            counts = sorted(len(people_seen_by_lead(staff, led) | (assigned & in_post)) for led, assigned in holders)
            seen = (f"{counts[0]}, by the networks the account leads" if len(counts) == 1 else
                    f"{counts[0]} to {counts[-1]} each (median {statistics.median(counts):g}), by the networks each "
                    "leads")
        else:
            seen = "nobody by name"
        rows.append((role, len(holders), seen))
    return f"snapshot {info.as_of}, {everyone} staff in post", rows


@bp.route("/about-your-data")
def your_data() -> Any:
    """For every member of staff, without an account: what the trust sees about them and why."""
    return render_template("privacy/about.html", **facts(current_app.config["NETMAP_SETTINGS"]))


@click.command("privacy-report")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write privacy-report.md and privacy-report.html into.")
@click.option("--no-counts", is_flag=True, help="Do not open the store to count whom each role sees by name.")
@store_options
@click.pass_context
def privacy_report(ctx: click.Context, out: Path, no_counts: bool, db: Path | None, store: str | None) -> None:
    """Write the DPIA pack: what netmap holds, for which purposes and on which lawful bases, who sees what (counted
    on the data loaded), thresholds, retention, what leaves the machine with these settings, the risk register,
    necessity and proportionality, profiling, people's rights, and the sign-off for the trust's DPO."""
    # The templates alone, without an app: writing a report must not create a secret key.
    templates = jinja2.Environment(loader=jinja2.PackageLoader("webapp", "templates"),
                                   autoescape=jinja2.select_autoescape(["html"]), keep_trailing_newline=True)
    templates.globals["table_spec"] = table_spec  # its tables' headings, as the app's templates draw them
    settings = settings_of(ctx)
    counted, why_not = "", ""
    counts: list[tuple[str, int, str]] = []
    if no_counts:
        why_not = "not counted (--no-counts)"
    else:
        try:
            with open_store_of(ctx, db, store) as opened:
                counted, counts = role_counts(settings, opened)
        except NetmapError as exc:
            why_not = f"not counted: {exc}"
    context = {**facts(settings), "today": clock.today().isoformat(), "counted": counted, "counts": counts,
               "counts_missing": why_not, "outbound": dpia.outbound(settings), "risks": dpia.RISKS,
               "bases": dpia.LAWFUL_BASES, "necessity": dpia.NECESSITY, "profiling": dpia.PROFILING,
               "rights": dpia.RIGHTS, "sign_off": dpia.SIGN_OFF,
               "monitoring": dpia.MONITORING}
    out.mkdir(parents=True, exist_ok=True)
    for name in ("privacy-report.md", "privacy-report.html"):
        (out / name).write_text(templates.get_template(f"privacy/{name}").render(**context), encoding="utf-8")
    click.echo(f"Wrote {out / 'privacy-report.md'} and {out / 'privacy-report.html'}. The questions marked OPEN "
               "and the sign-off are for the trust's data protection officer.")
