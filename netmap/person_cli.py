"""`netmap person ...`: a person's rights over what netmap holds (docs/data-subject-rights.md): list staff ids,
export everything held about one person, erase them, exclude them from analysis (an objection) and include them
again. The work is netmap.rights'; the users file's share comes through the netmap.person_records and
netmap.person_erasure entry points (the web app's), so that netmap never imports webapp."""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import click
import pandas as pd

from netmap.cli_common import analyse_and_keep, audit_command, open_store_of, settings_of, store_options
from netmap.errors import RightsError
from netmap.rights.erase import erase_from_store
from netmap.rights.exclusion import exclude_person, include_person, snapshots_holding
from netmap.rights.export import export_bytes, write_export
from netmap.rights.holdings import Holdings, find_holdings, unknown_person
from netmap.rights.people import Person
from netmap.snapshot import Snapshot
from netmap.store.base import GraphStore

__all__ = ["register"]

NEO4J_LOGS = ("Their key is deleted from the Neo4j store's key file: what Neo4j's transaction logs and freed records "
              "still hold of them is a token and ciphertext no one can read (docs/data-subject-rights.md, \"Neo4j\").")


def _others(ctx: click.Context, person: Person) -> dict[str, pd.DataFrame]:
    """What other packages hold about `person` (the web app's users file), by table."""
    found: dict[str, pd.DataFrame] = {}
    hooks = entry_points(group="netmap.person_records")
    if not hooks:
        click.echo("Note: no package holding records of its own is installed (the web app registers one: reinstall "
                   "netmap with `pip install -e .` if it is installed), so only the store is searched.", err=True)
    for hook in hooks:
        found.update(hook.load()(settings_of(ctx), person))
    return found


def _held(ctx: click.Context, opened: GraphStore, staff_id: str) -> tuple[Holdings, dict[str, pd.DataFrame]]:
    """Everything held about `staff_id` in the store and the users file; RightsError when nothing is."""
    holdings = find_holdings(opened, staff_id)
    others = _others(ctx, holdings.person)
    if not holdings.holds_anything and not others:
        raise unknown_person(staff_id, "any snapshot, survey round or the users file")
    return holdings, others


def _recompute(opened: GraphStore, snapshot_ids: list[str]) -> None:
    """Compute and keep the default analysis of each snapshot again, saying so."""
    for snapshot_id in snapshot_ids:
        analyse_and_keep(Snapshot(opened.snapshot(snapshot_id), opened))
    if snapshot_ids:
        click.echo(f"Recomputed the analysis of snapshot(s) {', '.join(snapshot_ids)} (default options); analyses "
                   "under other options were dropped and are computed when next asked for.")


def _safe(staff_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", staff_id)[:60] or "person"


def register(main: click.Group) -> None:
    """Add `netmap person` and its commands to `main`."""

    @main.group()
    def person() -> None:
        """A person's rights: list ids, export what is held about someone, erase them, or exclude them from
        analysis after an objection (docs/data-subject-rights.md)."""

    @person.command("list")
    @click.option("--name", "text", default="", help="Only people whose name contains TEXT (any case).")
    @click.option("--snapshot", "snapshot_id", default=None, metavar="ID", help="Snapshot (default: the latest).")
    @store_options
    @click.pass_context
    def list_people(ctx: click.Context, text: str, snapshot_id: str | None, db: Path | None,
                    store: str | None) -> None:
        """Staff ids with name, school and role, to find the id a request is about (people excluded from
        analysis are listed too, marked)."""
        with open_store_of(ctx, db, store) as opened:
            info = opened.snapshot(snapshot_id)
            staff = opened.read_dataset(info.snapshot_id, with_excluded=True).table("staff")
            excluded = opened.excluded_ids()
        chosen = staff[staff["name"].fillna("").str.contains(text, case=False, regex=False)] if text else staff
        for row in chosen.itertuples(index=False):
            mark = "  (excluded from analysis)" if row.staff_id in excluded else ""
            click.echo(f"{row.staff_id}\t{row.name or ''}\t{row.school_id}\t{row.role}{mark}")
        click.echo(f"{len(chosen)} of {len(staff)} staff in snapshot {info.snapshot_id}.", err=True)
        audit_command(ctx, "view", f"staff ids and names of snapshot {info.snapshot_id} listed"
                      + (f" (name contains {text!r})" if text else ""), [str(p) for p in chosen["staff_id"]])

    @person.command("export")
    @click.argument("staff_id", metavar="ID")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Zip file to write (default: subject-access-ID.zip here). Written readable by you only.")
    @store_options
    @click.pass_context
    def export(ctx: click.Context, staff_id: str, out: Path | None, db: Path | None, store: str | None) -> None:
        """Everything held about the person ID, across every snapshot and survey round and the users file, as
        one zip of CSV files with a README: what to give them for a subject access request."""
        with open_store_of(ctx, db, store) as opened:
            holdings, others = _held(ctx, opened, staff_id)
        out = out or Path(f"subject-access-{_safe(staff_id)}.zip")
        write_export(out, export_bytes(holdings, others))
        audit_command(ctx, "download", f"subject access export of staff {staff_id} written to {out}", [staff_id])
        click.echo(f"Wrote {out}: {len(holdings.snapshots)} snapshot(s), {len(holdings.surveys)} survey round(s), "
                   f"{len(others)} table(s) of the users file. Give it to them securely (it holds their data).")

    @person.command("erase")
    @click.argument("staff_id", metavar="ID")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @store_options
    @click.pass_context
    def erase(ctx: click.Context, staff_id: str, yes: bool, db: Path | None, store: str | None) -> None:
        """Erase the person ID from every snapshot, survey round and the users file, ties to and from them
        included; audit entries about them keep only a digest. Cannot be undone."""
        with open_store_of(ctx, db, store) as opened:
            try:
                holdings, others = _held(ctx, opened, staff_id)
            except RightsError:
                if not opened.forget_leftover_key(staff_id):
                    raise
                click.echo(f"Nothing of {staff_id} was held any more, but their key was still in the key file (an "
                           "earlier erasure stopped before its last step): it is deleted now, so what Neo4j's logs "
                           "still hold of them cannot be read.")
                audit_command(ctx, "erasure", "a leftover key deleted")
                return
            what = (f"{len(holdings.snapshots)} snapshot(s), {len(holdings.surveys)} survey round(s) and "
                    f"{sum(len(f) for f in others.values())} row(s) of the users file")
            if not yes:
                click.confirm(f"Erase {staff_id} from {what}? This cannot be undone", abort=True)
            done = erase_from_store(opened, holdings)
            click.echo(f"Erased {staff_id} from snapshot(s) {', '.join(done.snapshots) or 'none'} (rewritten "
                       f"without them, ties to and from them included) and survey round(s) "
                       f"{', '.join(done.rounds) or 'none'}" + (", and their exclusion record" if done.had_exclusion
                                                               else "") + ".")
            for hook in entry_points(group="netmap.person_erasure"):
                said = hook.load()(settings_of(ctx), holdings.person)
                if said:
                    click.echo(said)
            _recompute(opened, list(done.snapshots))
            if getattr(opened, "uri", None):
                click.echo(NEO4J_LOGS)
        audit_command(ctx, "erasure", f"a person erased ({what})")

    @person.command("exclude")
    @click.argument("staff_id", metavar="ID")
    @click.option("--reason", default="objection (UK GDPR article 21)", show_default=True,
                  help="Why, as recorded (e.g. the date and reference of their objection).")
    @store_options
    @click.pass_context
    def exclude(ctx: click.Context, staff_id: str, reason: str, db: Path | None, store: str | None) -> None:
        """Leave the person ID out of every analysis, map, table, survey roster and new round from now on (they
        stay held, for the record); the kept analyses of the snapshots that hold them are recomputed."""
        with open_store_of(ctx, db, store) as opened:
            held = snapshots_holding(opened, staff_id)
            if not held:
                raise unknown_person(staff_id, "any snapshot")
            exclusion = exclude_person(opened, staff_id, reason, held)
            click.echo(f"Excluded {staff_id} from analysis since {exclusion.since} ({exclusion.reason}).")
            _recompute(opened, [info.snapshot_id for info in held])
        audit_command(ctx, "person excluded from analysis", f"staff {staff_id}: {reason}", [staff_id])

    @person.command("include")
    @click.argument("staff_id", metavar="ID")
    @store_options
    @click.pass_context
    def include(ctx: click.Context, staff_id: str, db: Path | None, store: str | None) -> None:
        """Withdraw the exclusion of the person ID: they are analysed again (kept analyses recomputed)."""
        with open_store_of(ctx, db, store) as opened:
            held = snapshots_holding(opened, staff_id)
            if not include_person(opened, staff_id, held):
                listed = ", ".join(sorted(opened.excluded_ids())) or "nobody"
                raise unknown_person(staff_id, f"the exclusions (excluded now: {listed})")
            click.echo(f"{staff_id} is analysed again.")
            _recompute(opened, [info.snapshot_id for info in held])
        audit_command(ctx, "person included in analysis again", f"staff {staff_id}", [staff_id])

    @person.command("excluded")
    @store_options
    @click.pass_context
    def excluded(ctx: click.Context, db: Path | None, store: str | None) -> None:
        """The people excluded from analysis: staff id, since when, and the reason recorded."""
        with open_store_of(ctx, db, store) as opened:
            people = opened.excluded_people()
        for exclusion in people:
            click.echo(f"{exclusion.staff_id}\t{exclusion.since}\t{exclusion.reason}")
        click.echo(f"{len(people)} person(s) excluded from analysis.", err=True)
