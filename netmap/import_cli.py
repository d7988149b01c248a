"""`netmap import`: write netmap's data files from files a trust already has (the DfE's register of schools
first). Each kind of file is a subcommand of the one group; a new one is added with `@imports.command(...)`, its
library imported inside the command so that `netmap import --help` stays quick."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from netmap.cli_common import print_report
from netmap.errors import ValidationFailed

__all__ = ["imports", "register"]


def register(main: click.Group) -> None:
    """Add the `netmap import` group to `main`."""
    main.add_command(imports)


@click.group("import")
def imports() -> None:
    """Write netmap's data files from files the trust already has: the DfE's register of schools (GIAS)."""


@imports.command("gias")
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
