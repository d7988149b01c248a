"""netmap's own commands over trust data, the store and analyses: validate, load, snapshots, forget, init-store,
analyse, export and sample. `netmap` (netmap/cli.py) imports this module only when one of them is run or asked
for its help, so that `netmap --version` and `netmap --help` stay quick."""

from __future__ import annotations

import datetime as dt
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

import click

from netmap import clock
from netmap.analysis import AnalysisOptions, write_analysis
from netmap.analysis.communities import stability_sentence
from netmap.cli_common import (
    analyse_and_keep,
    audit_command,
    generate,
    load_folder,
    open_snapshot_of,
    open_store_of,
    print_report,
    settings_of,
    snapshot_option,
    store_options,
    warn_tie_window,
)
from netmap.export import FORMATS, export_network, names_of
from netmap.ingest.validate import validate_source
from netmap.sample.generator import LAUNCHED_ON, MOVED_ON, SAMPLE_TRUST, SCHOOL_JOINS_ON, TERM_ENDS
from netmap.sample.series import write_series
from netmap.store.base import describe_snapshot
from netmap.workbook import write_analysis_workbook

__all__ = ["register"]


def register(main: click.Group) -> None:
    """Add this module's commands to `main`."""
    for command in (validate, load, snapshots, forget, init_store, analyse, export, sample):
        main.add_command(command)


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every problem to this CSV file.")
def validate(source: Path, report_path: Path | None) -> None:
    """Check a folder of CSV files (or an .xlsx workbook) against the data contract.

    Prints every error and a summary of warnings; exits 1 when there are errors.
    """
    click.echo(f"Validating {source} ...", err=True)
    dataset, report = validate_source(source)
    print_report(report)
    if report_path:
        report.write_csv(report_path)
        click.echo(f"Wrote {len(report.problems)} problem(s) to {report_path}.")
    if dataset is None:
        raise click.ClickException(f"{len(report.errors)} error(s) found; nothing was loaded. "
                                   "Fix them and run `netmap validate` again.")
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    click.echo(f"OK: {counts}.")


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date of this snapshot, YYYY-MM-DD (default: the latest tie or survey answer in the data).")
@click.option("--replace", "replace", default=None, metavar="ID",
              help="Replace the stored snapshot ID (see `netmap snapshots`) with this one; nothing else is replaced.")
@click.option("--keep-both", is_flag=True,
              help="When the date already has a snapshot, keep it and store this one beside it under its own id.")
@click.option("--mapping", "mapping_name", default=None, metavar="NAME",
              help="SOURCE's staff.csv is a MIS or HR export: read it through this saved column mapping, and show "
                   "who joined, moved, changed role and left before storing (see docs/importing.md).")
@click.option("--school", default=None, metavar="ID", help="With --mapping: the school a one-school export is from.")
@click.option("--yes", is_flag=True, help="With --mapping: store without asking.")
@store_options
@click.pass_context
def load(ctx: click.Context, source: Path, as_of: dt.datetime | None, replace: str | None, keep_both: bool,
         mapping_name: str | None, school: str | None, yes: bool, db: Path | None, store: str | None) -> None:
    """Validate SOURCE, then store it as one snapshot, all or nothing. A date that already has a snapshot with
    other contents is refused, naming it, unless --replace ID or --keep-both says what to do."""
    if replace is not None and keep_both:
        raise click.UsageError("Give --replace ID or --keep-both, not both.")
    with open_store_of(ctx, db, store, create=True) as opened:
        date = as_of.date().isoformat() if as_of else None  # None: dated by the data's own latest tie or answer
        if mapping_name is not None:
            from netmap.import_cli import load_mapped

            load_mapped(ctx, opened, source, mapping_name, school, date or clock.today().isoformat(), yes=yes,
                        replace=replace, keep_both=keep_both)
            return
        load_folder(opened, source, date, str(source), replace=replace, keep_both=keep_both)


@click.command()
@store_options
@click.pass_context
def snapshots(ctx: click.Context, db: Path | None, store: str | None) -> None:
    """List the snapshots in the store, oldest first."""
    with open_store_of(ctx, db, store) as opened:
        rows = opened.list_snapshots()
    if not rows:
        click.echo("No snapshots yet. Load one with `netmap load DIR`, or run `netmap demo`.")
        return
    width = max(12, *(len(s.snapshot_id) + 2 for s in rows))
    click.echo(f"{'id':<{width}}{'as of':<12}{'staff':>8}{'schools':>9}{'groups':>8}{'ties':>9}  "
               "loaded at (UTC)            source")
    for s in rows:
        c = s.counts
        click.echo(f"{s.snapshot_id:<{width}}{s.as_of:<12}{c['staff']:>8}{c['schools']:>9}{c['groups']:>8}"
                   f"{c['collaborations']:>9}  {s.loaded_at:<27}{s.source}")


@click.command()
@click.argument("snapshot_id", metavar="[ID]", required=False)
@click.option("--older-than", "days", type=click.IntRange(1), default=None, metavar="DAYS",
              help="Delete every snapshot dated more than DAYS days ago (the trust's retention period).")
@store_options
@click.pass_context
def forget(ctx: click.Context, snapshot_id: str | None, days: int | None, db: Path | None,
           store: str | None) -> None:
    """Delete the snapshot ID (its date, or date-N for a later one of that day: see `netmap snapshots`), or with
    --older-than every snapshot past the retention period, and everything in them."""
    if (snapshot_id is None) == (days is None):
        raise click.UsageError("Give either a snapshot ID or --older-than DAYS.")
    with open_store_of(ctx, db, store) as opened:
        if snapshot_id is not None:
            chosen = [opened.snapshot(snapshot_id)]
        else:
            cutoff = (clock.today() - dt.timedelta(days=days or 0)).isoformat()
            chosen = [s for s in opened.list_snapshots() if s.as_of < cutoff]
        for info in chosen:
            opened.delete_snapshot(info.snapshot_id)
            click.echo(f"Deleted snapshot {describe_snapshot(info)} and all its data.")
    if not chosen:
        click.echo(f"No snapshot is older than {days} days.")
    for info in chosen:
        for hook in entry_points(group="netmap.forgetting"):  # what other packages keep (the web app's scenarios)
            said = hook.load()(settings_of(ctx), info.snapshot_id)
            if said:
                click.echo(said)


@click.command("init-store")
@store_options
@click.pass_context
def init_store(ctx: click.Context, db: Path | None, store: str | None) -> None:
    """Create the store's schema: constraints and indexes on Neo4j, tables in the embedded store."""
    with open_store_of(ctx, db, store, create=True) as opened:
        created = opened.init_schema()
        where = getattr(opened, "uri", None) or getattr(opened, "path", "")
    click.echo(f"Store ready at {where}: {', '.join(created)}.")


@click.command()
@snapshot_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write staff.csv, schools.csv, groups.csv, wiring.csv and summary.json into.")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Change a threshold, e.g. --set dormant_share=0.3 (see docs/metrics.md). Repeatable.")
@store_options
@click.pass_context
def analyse(ctx: click.Context, snapshot_id: str | None, out: Path, settings: tuple[str, ...],
            db: Path | None, store: str | None) -> None:
    """Compute every connectivity, brokerage and isolation measure of a snapshot."""
    AnalysisOptions.from_strings(list(settings))  # a bad --set is refused before the store is opened
    with open_snapshot_of(ctx, db, store, snapshot_id, settings) as snapshot:
        info = snapshot.info
        result = snapshot.kept_analysis()
        if result is not None:
            click.echo(f"Using the analysis kept with snapshot {info.snapshot_id}.", err=True)
        else:
            click.echo(f"Reading snapshot {info.snapshot_id} ...", err=True)
            result = analyse_and_keep(snapshot)
        warn_tie_window(snapshot)
    paths = write_analysis(result, out)
    summary = result.summary
    click.echo(f"Analysed snapshot {info.snapshot_id} in {sum(result.timings.values()):.1f} s: "
               f"{summary['counts']['staff']} staff, {summary['counts']['soft_ties_undirected']} soft ties; "
               f"{len(summary['isolated_schools'])} isolated school(s), {summary['isolates']} isolate(s), "
               f"{summary['disconnected_staff']} disconnected, {len(summary['dormant_groups'])} dormant group(s).")
    click.echo(stability_sentence(summary))
    audit_command(ctx, "download", f"analysis of snapshot {info.as_of} (every person's figures) written to {out}")
    click.echo("Wrote " + ", ".join(str(p) for p in paths) + ".")


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="graphml or gexf: the network for Gephi and other tools; xlsx: the analysis as one workbook.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")
@snapshot_option
@store_options
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Path, snapshot_id: str | None, db: Path | None,
           store: str | None) -> None:
    """Write a snapshot's network as GraphML or GEXF (people with their metrics, soft ties with kind and weight,
    groups as hubs joined to their members), or its analysis as one XLSX workbook."""
    with open_snapshot_of(ctx, db, store, snapshot_id) as snapshot:
        info = snapshot.info
        result = snapshot.kept_analysis() or analyse_and_keep(snapshot)
        if fmt == "xlsx":
            write_analysis_workbook(result, out, names_of(snapshot.graphs), snapshot.options)
        else:
            export_network(snapshot.graphs, result, out, "graphml" if fmt == "graphml" else "gexf")
    audit_command(ctx, "download", f"snapshot {info.snapshot_id} as {fmt} (people by name) written to {out}")
    click.echo(f"Wrote {out} (snapshot {info.snapshot_id}).")


@click.command()
@click.option("--schools", type=click.IntRange(1), default=SAMPLE_TRUST["schools"], show_default=True,
              help="Number of schools (a central team is added per 25 schools).")
@click.option("--staff", type=click.IntRange(10), default=SAMPLE_TRUST["staff"], show_default=True,
              help="Number of staff, central teams included.")
@click.option("--seed", type=int, default=SAMPLE_TRUST["seed"], show_default=True, help="Random seed.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the CSV files into.")
@click.option("--series", is_flag=True,
              help=f"Write a folder per term end ({', '.join(TERM_ENDS)}) under OUT, each the data as known on "
                   "that date, to load with `netmap load OUT/DATE --as-of DATE`.")
def sample(schools: int, staff: int, seed: int, out: Path, series: bool) -> None:
    """Generate a realistic, deterministic sample trust as CSV files: one folder of dated data (staff start and
    leave, ties are observed through the 2025/26 school year), or with --series a folder per term."""
    if series:
        with tempfile.TemporaryDirectory(prefix="netmap-sample-") as whole:
            trust = generate(Path(whole), schools, staff, seed)
            folders = write_series(Path(whole), out, TERM_ENDS)
        click.echo("Wrote " + ", ".join(str(f) for f in folders) + ": load each with `netmap load FOLDER --as-of "
                   "DATE`, DATE its name.")
    else:
        trust = generate(out, schools, staff, seed)
        click.echo(f"Wrote {out}: " + ", ".join(f"{n} {name}" for name, n in trust.counts.items()) + ".")
    click.echo(f"Planted: {len(trust.isolated_schools)} isolated school(s) ({', '.join(trust.isolated_schools)}), "
               f"{len(trust.isolates)} staff without ties, dormant networks {', '.join(trust.dormant_groups)}.")
    if trust.mid_year_schools:
        click.echo(f"Through the year: {', '.join(trust.launched_groups)} launched on {LAUNCHED_ON}; "
                   f"{', '.join(trust.fading_groups)} going dormant after {MOVED_ON}; "
                   f"{', '.join(trust.mid_year_schools)} joining on {SCHOOL_JOINS_ON}.")
