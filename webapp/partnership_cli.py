"""`netmap partnership`: a store of several trusts' partnership view (docs/partnerships.md): which trusts consent
(kept in the web app's users file, beside the accounts of each trust), a trust's consent set from the terminal
(audited), and the partnership view's analysis with the people who bridge its trusts."""

from __future__ import annotations

from pathlib import Path

import click

from netmap.cli_common import audit_command, open_snapshot_of, settings_of, snapshot_option, store_options
from netmap.partnership import partnership_report
from netmap.trusts import trusts_of
from webapp.accounts import Accounts

__all__ = ["partnership"]


@click.group()
def partnership() -> None:
    """A partnership of trusts in one store: each trust's consent, and the consenting trusts as one network."""


@partnership.command("status")
@store_options
@snapshot_option
@click.pass_context
def status(ctx: click.Context, db: Path | None, store: str | None, snapshot_id: str | None) -> None:
    """The snapshot's trusts and whether each consents to the partnership view."""
    with open_snapshot_of(ctx, db, store, snapshot_id) as snapshot:
        named = trusts_of(snapshot.table("schools"))
    if not named:
        click.echo("This snapshot holds one trust (its schools name no trust_id): there is no partnership.")
        return
    with Accounts(settings_of(ctx).users_db_path) as accounts:
        consents = accounts.partnership.consents()
    for trust, name in named.items():
        on, _by, at = consents.get(trust, (False, "", ""))
        click.echo(f"{trust}\t{name}\t{'consents' if on else 'does not consent'}{f' since {at[:10]}' if at else ''}")
    consenting = sum(consents.get(t, (False,))[0] for t in named)
    click.echo(f"{consenting} of {len(named)} trusts consent: "
               + ("the partnership view analyses them as one network." if consenting >= 2 else
                  "the partnership view needs at least two; each trust's admin turns it on."))


@partnership.command("consent")
@click.argument("trust")
@click.argument("state", type=click.Choice(["on", "off"]))
@store_options
@click.pass_context
def consent(ctx: click.Context, trust: str, state: str, db: Path | None, store: str | None) -> None:
    """Turn the partnership view on or off for TRUST (a trust_id of the latest snapshot), as that trust's admin
    decided (audited)."""
    with open_snapshot_of(ctx, db, store, None) as snapshot:
        named = trusts_of(snapshot.table("schools"))
    if trust not in named:
        raise click.ClickException(f"The latest snapshot names no trust {trust!r}; its trusts: "
                                   f"{', '.join(named) or 'none (one trust)'}.")
    with Accounts(settings_of(ctx).users_db_path) as accounts:
        accounts.partnership.set_consent(trust, state == "on", "command line")
    audit_command(ctx, "partnership consent", f"{trust} {state}")
    click.echo(f"The partnership view is {state} for {named[trust]} ({trust}).")


@partnership.command("analyse")
@store_options
@snapshot_option
@click.pass_context
def analyse(ctx: click.Context, db: Path | None, store: str | None, snapshot_id: str | None) -> None:
    """Analyse the consenting trusts as one network: headline figures, and each person with a tie to another
    trust (by staff id, audited) with their betweenness and role in the partnership beside their own trust's."""
    with Accounts(settings_of(ctx).users_db_path) as accounts:
        consenting = accounts.partnership.consenting()
    with open_snapshot_of(ctx, db, store, snapshot_id) as snapshot:
        report = partnership_report(snapshot, consenting)
        staff = report.view.analysis.staff
        click.echo(f"Partnership of {len(report.trusts)} trusts on {snapshot.as_of}: "
                   f"{', '.join(f'{name} ({t})' for t, name in report.trusts.items())}")
        click.echo(f"{len(staff):,} staff in post; {len(report.bridges):,} with a tie to another trust.")
    audit_command(ctx, "partnership analysed", f"snapshot {snapshot.snapshot_id}",
                  list(report.bridges["staff_id"]))
    if report.bridges.empty:
        return
    click.echo("staff_id\ttrust\tother-trust colleagues\tbetweenness: partnership / own trust\t"
               "role: partnership / own trust")
    for row in report.bridges.itertuples(index=False):
        click.echo(f"{row.staff_id}\t{row.trust_id}\t{row.other_trust_colleagues}\t"
                   f"{row.betweenness_partnership:.3f} / {row.betweenness_own_trust:.3f}\t"
                   f"{row.ona_role_partnership} / {row.ona_role_own_trust}")
