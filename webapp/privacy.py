"""What netmap holds about people and who sees what, said once: the staff transparency page
(/about-your-data, open without an account) and the DPIA pack (`netmap privacy-report`) are both drawn from here
and from the trust's own settings, so they cannot drift from what the app does (webapp/access.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click
import jinja2
from flask import Blueprint, current_app, render_template

from netmap.cli_common import settings_of
from netmap.config import Settings, redact_uri

__all__ = ["HELD", "ROLE_SEES", "bp", "facts", "privacy_report"]

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
    ("network-lead", "By name, only the members of the networks and communities they lead, and colleagues in "
     "those networks' schools who are not connected to another school, so that they can reach out to them. "
     "Everything else at aggregate level, with the same hiding of small groups."),
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


@bp.route("/about-your-data")
def your_data() -> Any:
    """For every member of staff, without an account: what the trust sees about them and why."""
    return render_template("privacy/about.html", **facts(current_app.config["NETMAP_SETTINGS"]))


@click.command("privacy-report")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write privacy-report.md and privacy-report.html into.")
@click.pass_context
def privacy_report(ctx: click.Context, out: Path) -> None:
    """Write the DPIA pack: what netmap holds, for which purposes, who sees what, thresholds, retention, where
    the data lives, what leaves the machine (nothing), and the questions the trust's DPO must answer."""
    # The templates alone, without an app: writing a report must not create a secret key or open a store.
    templates = jinja2.Environment(loader=jinja2.PackageLoader("webapp", "templates"),
                                   autoescape=jinja2.select_autoescape(["html"]), keep_trailing_newline=True)
    context = {**facts(settings_of(ctx)), "today": dt.date.today().isoformat()}
    out.mkdir(parents=True, exist_ok=True)
    for name in ("privacy-report.md", "privacy-report.html"):
        (out / name).write_text(templates.get_template(f"privacy/{name}").render(**context), encoding="utf-8")
    click.echo(f"Wrote {out / 'privacy-report.md'} and {out / 'privacy-report.html'}. The questions marked OPEN "
               "are for the trust's data protection officer to answer.")
