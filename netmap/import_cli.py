"""`netmap import`: data in as the trust already holds it. The DfE's register of schools (`import gias`) is
written out as the trust's schools.csv; staff from a MIS or HR export through a saved column mapping (`import staff`)
and memberships from group lists (`import groups`) each build the next snapshot on the latest one, saying what
changes and asking before anything is stored (--yes to skip). A new kind of file is one more
`@import_group.command(...)`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from netmap import clock
from netmap.cli_common import audit_command, open_store_of, print_report, store_dataset, store_options, taken_message
from netmap.contract import GROUP_KINDS
from netmap.dataset import Dataset
from netmap.errors import ValidationFailed
from netmap.imports.mapping import find_mapping
from netmap.imports.plan import placement, plan_group_import, plan_staff_import
from netmap.imports.staff import next_dataset, read_staff_export
from netmap.imports.term import staff_changes
from netmap.ingest.reader import read_source
from netmap.ingest.report import ValidationReport
from netmap.store import GraphStore, SnapshotInfo
from netmap.store.base import describe_snapshot

__all__ = ["confirm_and_store", "import_group", "load_mapped", "register"]


def register(main: click.Group) -> None:
    """Add `netmap import` to `main`."""
    main.add_command(import_group)


@click.group("import")
def import_group() -> None:
    """Bring in data as the trust already holds it: the DfE's register of schools (GIAS), MIS and HR exports
    through a column mapping, group lists."""


def _as_of_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--as-of DATE: the new snapshot's date."""
    return click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="Date of the new snapshot, YYYY-MM-DD (default: today).")(command)


def _yes_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--yes: store without asking."""
    return click.option("--yes", is_flag=True, help="Store without asking (the summary is still printed).")(command)


def confirm_and_store(ctx: click.Context, store: GraphStore, base: SnapshotInfo, dataset: Dataset, as_of: str,
                      label: str, summary: list[str], yes: bool) -> bool:
    """Print `summary`, ask (unless `yes`), then store `dataset` as the snapshot dated `as_of`: replacing `base`
    when it is the snapshot already on that date (the import was built on it), refusing when another is. Returns
    whether it was stored; on a no, nothing is."""
    replace, in_the_way = placement(store, dataset, as_of, label, base)
    if in_the_way:
        raise click.ClickException(taken_message(as_of, list(in_the_way)).replace(
            "run the load again with --replace", "use `netmap load` with --replace"))
    if replace:
        summary = [*summary, f"It replaces snapshot {describe_snapshot(base)}, which it was built on."]
    for line in summary:
        click.echo(line)
    if not yes and not click.confirm(f"Store this as the snapshot of {as_of}?", default=False):
        click.echo("Cancelled: nothing was stored.")
        return False
    store_dataset(store, dataset, as_of, label, replace=replace)
    audit_command(ctx, "import", f"{label} stored as the snapshot of {as_of}")
    return True


def _date(as_of: dt.datetime | None, base: SnapshotInfo) -> str:
    """The new snapshot's date (--as-of, or today); a usage error when it comes before the latest snapshot's."""
    date = (as_of.date() if as_of else clock.today()).isoformat()
    if date < base.as_of:
        raise click.UsageError(f"--as-of {date} is before the latest snapshot ({base.as_of}); an import builds the "
                               "next snapshot on the latest. Give a later date.")
    return date


@import_group.command("staff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_name", required=True, metavar="NAME",
              help="The saved column mapping to read FILE through (built in: sims, itrent, workforce-census).")
@click.option("--school", default=None, metavar="ID",
              help="The school a one-school export (SIMS) is from: only that school's staff are compared.")
@_as_of_option
@_yes_option
@store_options
@click.pass_context
def import_staff(ctx: click.Context, file: Path, mapping_name: str, school: str | None, as_of: dt.datetime | None,
                 yes: bool, db: Path | None, store: str | None) -> None:
    """Staff from a MIS or HR export through a column mapping, as the next snapshot: shows who joined, moved
    school, changed role and left, and asks before storing anything."""
    mapping = find_mapping(mapping_name)
    with open_store_of(ctx, db, store) as opened:
        date = _date(as_of, opened.snapshot(None))
        plan = plan_staff_import(opened, file, mapping, as_of=date, school=school)
        print_report(plan.report)
        if plan.dataset is None:
            raise _refused(plan.report)
        confirm_and_store(ctx, opened, plan.base, plan.dataset, date, plan.label,
                          [line for line in plan.summary() if not line.startswith("It replaces")], yes)


@import_group.command("groups")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(GROUP_KINDS), default=None,
              help="Create a group named by a file that names no group yet, as this kind.")
@_as_of_option
@_yes_option
@store_options
@click.pass_context
def import_groups(ctx: click.Context, files: tuple[Path, ...], kind: str | None, as_of: dt.datetime | None,
                  yes: bool, db: Path | None, store: str | None) -> None:
    """Memberships from group lists, one file per group named by its file (a group's id or name): one email per
    line or a CSV with an email column, matched to staff by email; unmatched lines are listed, never stored."""
    with open_store_of(ctx, db, store) as opened:
        base = opened.snapshot(None)
        plan = plan_group_import(opened, list(files), as_of=_date(as_of, base), kind=kind)
        print_report(plan.report)
        if plan.dataset is None:
            raise _refused(plan.report)
        confirm_and_store(ctx, opened, base, plan.dataset, plan.as_of, plan.label, plan.summary(), yes)


def _refused(report: ValidationReport) -> click.ClickException:
    """The closing line under a report with errors: nothing was stored, and what to do."""
    return click.ClickException(f"{len(report.errors)} error(s) in {report.source}: nothing was stored. Fix them "
                                "(in the file, or in the mapping where a line says so) and import again.")


def load_mapped(ctx: click.Context, store: GraphStore, source: Path, mapping_name: str, school: str | None,
                as_of: str, *, yes: bool, replace: str | None, keep_both: bool) -> None:
    """`netmap load SOURCE --mapping NAME`: SOURCE's files in netmap's own layout, except staff.csv, a MIS or HR
    export read through the mapping; leavers carried from the latest snapshot (if any) with their leaving day; the
    changes shown and confirmed before anything is stored."""
    mapping = find_mapping(mapping_name)
    staff_file = source / "staff.csv"
    if not source.is_dir() or not staff_file.is_file():
        raise click.UsageError(f"With --mapping, SOURCE is a folder holding the export as staff.csv beside netmap's "
                               f"other files; {source} has no staff.csv.")
    report = ValidationReport(str(source))
    tables = read_source(source, report)
    report.problems = [p for p in report.problems if p.file != staff_file.name]  # read again, through the mapping
    tables.pop("staff", None)
    if "schools" not in tables:
        raise _refused(report)
    schools = tables["schools"].frame
    exported = read_staff_export(staff_file, mapping, schools, report, school=school)
    snapshots = store.list_snapshots()
    base = snapshots[-1] if snapshots else None
    previous = store.read_dataset(base.snapshot_id, with_excluded=True) if base else Dataset.from_tables({})
    new = None if exported is None else next_dataset(previous, f"snapshot {base.snapshot_id if base else ''}",
                                                      exported, as_of, report, tables)
    print_report(report)
    if new is None or exported is None:
        raise _refused(report)
    label = str(source)
    in_the_way = [] if replace or keep_both else store.snapshots_in_the_way(new, as_of, label)
    if in_the_way:
        raise click.ClickException(taken_message(as_of, in_the_way))
    summary = [exported.dropped_note()]
    if base is not None:
        changes = staff_changes(previous.staff, new.staff, as_of)
        summary += [f"Compared with snapshot {base.snapshot_id}:", *(f"  {line}" for line in changes.lines())]
    for line in summary:
        click.echo(line)
    if not yes and not click.confirm(f"Store this as the snapshot of {as_of}?", default=False):
        click.echo("Cancelled: nothing was stored.")
        return
    store_dataset(store, new, as_of, label, replace=replace)


@import_group.command("gias")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trust", required=True, metavar="UID",
              help="The trust's UID in GIAS (the Trusts (code) column; GIAS shows it on the trust's page).")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The folder of the trust's data files: schools.csv is written there.")
@click.option("--include-closed", is_flag=True, help="Keep closed schools too (with the date they closed).")
@click.option("--overwrite", is_flag=True, help="Replace the folder's schools.csv if it has one.")
def gias(file: Path, trust: str, folder: Path, include_closed: bool, overwrite: bool) -> None:
    """Write the trust's schools.csv from GIAS's establishment fields download (CSV, or the zip it comes in):
    URNs as school ids, phases, pupils, free school meals, local authority and region, and each school's
    latitude and longitude from its grid reference. Open schools only unless --include-closed; schools proposed
    to open are left out. Nothing is written unless the whole trust reads cleanly."""
    from netmap.imports.gias import read_gias, write_schools

    try:
        found = read_gias(file, trust, include_closed=include_closed)
    except ValidationFailed as exc:
        print_report(exc.report)
        raise click.ClickException(f"{len(exc.report.errors)} error(s) in {file.name}; nothing was written.") \
            from None
    for problem in found.report.warnings:
        click.echo(f"WARNING {problem.describe()}")
    try:
        written = write_schools(found, folder, overwrite=overwrite)
    except FileExistsError:
        raise click.ClickException(f"{folder / 'schools.csv'} already exists; nothing was written. Give "
                                   "--overwrite to replace it (staff.csv's school_id must then be these URNs), or "
                                   "--to another folder.") from None
    phases = ", ".join(f"{n} {phase}" for phase, n in Counter(found.schools["phase"]).most_common())
    left = "; ".join(f"{n} {why}" for why, n in found.left_out.items())
    placed = int((found.schools["latitude"] != "").sum())
    click.echo(f"Wrote {len(found.schools)} schools of {found.trust_name} (UID {found.trust}) to {written}: "
               f"{phases}." + (f" Left out: {left}" + (" (--include-closed keeps closed ones)." if "closed" in
                                                           found.left_out else ".") if left else ""))
    click.echo(f"{placed} of {len(found.schools)} have a place on the geographic map. Their school_id is the URN: "
               "use it in staff.csv.")
