"""The `netmap` command line: a thin layer over the library. Expected errors print one line and exit 1."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click

from netmap import __version__
from netmap.analysis import AnalysisOptions, analyse_snapshot, write_analysis
from netmap.analysis.engine import STEPS
from netmap.config import Settings, read_settings
from netmap.errors import NetmapError, ValidationFailed
from netmap.ingest.report import ValidationReport
from netmap.ingest.validate import read_trust, validate_source
from netmap.planner_cli import register as register_planner
from netmap.sample.generator import REFERENCE_DATE, generate_sample
from netmap.store import GraphStore, open_store
from netmap.users import ROLES, UserStore

__all__ = ["load_sample", "main", "store_options"]

# The sample trust in data/samples/trust is exactly this generator call (a test checks it).
SAMPLE_ARGS = {"schools": 24, "staff": 2000, "seed": 42}
WARNING_EXAMPLES = 3


class _Netmap(click.Group):
    """Turns any NetmapError into a clean one-line message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            _print_report(exc.report)
            raise click.ClickException(str(exc)) from None
        except NetmapError as exc:
            raise click.ClickException(str(exc)) from None


def _settings(ctx: click.Context) -> Settings:
    return ctx.ensure_object(dict)["settings"]


def _open_store(ctx: click.Context, db: Path | None, store: str | None) -> GraphStore:
    return open_store(_settings(ctx), db=db, store_uri=store)


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that touches a store: --db (embedded file) and --store (Neo4j URI)."""
    command = click.option("--store", default=None, metavar="URI",
                           help="Use Neo4j at this URI (default: NETMAP_NEO4J_URI; unset: the embedded store).")(
        command)
    return click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Embedded store file (default: NETMAP_DB, else netmap.db in your data directory).")(
        command)


@click.group(cls=_Netmap)
@click.version_option(__version__, prog_name="netmap")
@click.pass_context
def main(ctx: click.Context) -> None:
    """netmap: map how the colleagues of a multi-academy trust actually connect."""
    logging.getLogger("neo4j").addHandler(logging.NullHandler())  # its errors reach the user as StorageError
    try:
        ctx.ensure_object(dict)["settings"] = read_settings()
    except NetmapError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every problem to this CSV file.")
def validate(source: Path, report_path: Path | None) -> None:
    """Check a folder of CSV files (or an .xlsx workbook) against the data contract.

    Prints every error and a summary of warnings; exits 1 when there are errors.
    """
    click.echo(f"Validating {source} ...", err=True)
    dataset, report = validate_source(source)
    _print_report(report)
    if report_path:
        report.write_csv(report_path)
        click.echo(f"Wrote {len(report.problems)} problem(s) to {report_path}.")
    if dataset is None:
        raise click.ClickException(f"{len(report.errors)} error(s) found; nothing was loaded. "
                                   "Fix them and run `netmap validate` again.")
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    click.echo(f"OK: {counts}.")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date of this snapshot, YYYY-MM-DD (default: today). Loading again on the same date replaces it.")
@store_options
@click.pass_context
def load(ctx: click.Context, source: Path, as_of: dt.datetime | None, db: Path | None, store: str | None) -> None:
    """Validate SOURCE, then store it as one snapshot, all or nothing."""
    date = (as_of.date() if as_of else dt.date.today()).isoformat()
    with _open_store(ctx, db, store) as opened:
        _load_into(opened, source, date, str(source))


def _load_into(store: GraphStore, source: Path, as_of: str, label: str) -> None:
    click.echo(f"Validating {source} ...", err=True)
    dataset, report = read_trust(source)
    _print_report(report)
    total = sum(dataset.counts().values())
    with _progress(total, f"Writing snapshot {as_of}") as advance:
        result = store.write_snapshot(dataset, as_of, source=label, progress=advance)
    counts = ", ".join(f"{n} {name}" for name, n in result.snapshot.counts.items())
    verb = {"created": "Loaded", "replaced": "Replaced", "unchanged": "Already loaded, unchanged:"}[result.status]
    click.echo(f"{verb} snapshot {as_of}: {counts}.")


@main.command()
@store_options
@click.pass_context
def snapshots(ctx: click.Context, db: Path | None, store: str | None) -> None:
    """List the snapshots in the store, oldest first."""
    with _open_store(ctx, db, store) as opened:
        rows = opened.list_snapshots()
    if not rows:
        click.echo("No snapshots yet. Load one with `netmap load DIR`, or run `netmap demo`.")
        return
    click.echo(f"{'as of':<12}{'staff':>8}{'schools':>9}{'groups':>8}{'ties':>9}  loaded at (UTC)            source")
    for s in rows:
        c = s.counts
        click.echo(f"{s.as_of:<12}{c['staff']:>8}{c['schools']:>9}{c['groups']:>8}{c['collaborations']:>9}  "
                   f"{s.loaded_at:<27}{s.source}")


@main.command()
@click.argument("as_of", metavar="DATE", type=click.DateTime(formats=["%Y-%m-%d"]))
@store_options
@click.pass_context
def forget(ctx: click.Context, as_of: dt.datetime, db: Path | None, store: str | None) -> None:
    """Delete the snapshot dated DATE (YYYY-MM-DD) and everything in it, e.g. when its retention period ends."""
    date = as_of.date().isoformat()
    with _open_store(ctx, db, store) as opened:
        opened.delete_snapshot(date)
    click.echo(f"Deleted snapshot {date} and all its data.")


@main.command("init-store")
@store_options
@click.pass_context
def init_store(ctx: click.Context, db: Path | None, store: str | None) -> None:
    """Create the store's schema: constraints and indexes on Neo4j, tables in the embedded store."""
    with _open_store(ctx, db, store) as opened:
        created = opened.init_schema()
        where = getattr(opened, "uri", None) or getattr(opened, "path", "")
    click.echo(f"Store ready at {where}: {', '.join(created)}.")


@main.command()
@click.option("--snapshot", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="As-of date of the snapshot to analyse (default: the latest).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write staff.csv, schools.csv, groups.csv, wiring.csv and summary.json into.")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Change a threshold, e.g. --set dormant_share=0.3 (see docs/metrics.md). Repeatable.")
@store_options
@click.pass_context
def analyse(ctx: click.Context, as_of: dt.datetime | None, out: Path, settings: tuple[str, ...],
            db: Path | None, store: str | None) -> None:
    """Compute every connectivity, brokerage and isolation measure of a snapshot."""
    options = AnalysisOptions.from_strings(list(settings))
    with _open_store(ctx, db, store) as opened:
        info = opened.snapshot(as_of.date().isoformat() if as_of else None)
        click.echo(f"Reading snapshot {info.as_of} ...", err=True)
        dataset = opened.read_dataset(info.as_of)
    with click.progressbar(length=len(STEPS), label="Analysing", file=sys.stderr,
                           item_show_func=lambda step: step) as bar:

        def show(step: str, done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos, step)

        result = analyse_snapshot(dataset, info.as_of, options, progress=show)
        bar.update(bar.length - bar.pos, "done")
    paths = write_analysis(result, out)
    summary = result.summary
    click.echo(f"Analysed snapshot {info.as_of} in {sum(result.timings.values()):.1f} s: "
               f"{summary['counts']['staff']} staff, {summary['counts']['soft_ties_undirected']} soft ties; "
               f"{len(summary['isolated_schools'])} isolated school(s), {summary['isolates']} isolate(s), "
               f"{summary['disconnected_staff']} disconnected, {len(summary['dormant_groups'])} dormant group(s).")
    click.echo("Wrote " + ", ".join(str(p) for p in paths) + ".")


@main.command()
@click.option("--schools", type=click.IntRange(1), default=SAMPLE_ARGS["schools"], show_default=True,
              help="Number of schools (a central team is added per 25 schools).")
@click.option("--staff", type=click.IntRange(10), default=SAMPLE_ARGS["staff"], show_default=True,
              help="Number of staff, central teams included.")
@click.option("--seed", type=int, default=SAMPLE_ARGS["seed"], show_default=True, help="Random seed.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the CSV files into.")
def sample(schools: int, staff: int, seed: int, out: Path) -> None:
    """Generate a realistic, deterministic sample trust as CSV files."""
    trust = _generate(out, schools, staff, seed)
    click.echo(f"Wrote {out}: " + ", ".join(f"{n} {name}" for name, n in trust.counts.items()) + ".")
    click.echo(f"Planted: {len(trust.isolated_schools)} isolated school(s) ({', '.join(trust.isolated_schools)}), "
               f"{len(trust.isolates)} staff without ties, dormant networks {', '.join(trust.dormant_groups)}.")


def _generate(out: Path, schools: int, staff: int, seed: int) -> Any:
    try:
        with _progress(staff, "Generating staff") as advance:
            return generate_sample(out, schools=schools, staff=staff, seed=seed, progress=advance)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@store_options
@click.pass_context
def demo(ctx: click.Context, db: Path | None, store: str | None) -> None:
    """Load the sample trust into the store (the embedded one unless --store) and say what was loaded."""
    where = load_sample(ctx, db, store)
    click.echo(f"The sample trust is in {where}. List snapshots with `netmap snapshots`.")


def load_sample(ctx: click.Context, db: Path | None, store: str | None) -> str:
    """Generate the sample trust and load it as the snapshot of its reference date; returns where it is."""
    with tempfile.TemporaryDirectory(prefix="netmap-sample-") as folder, _open_store(ctx, db, store) as opened:
        _generate(Path(folder), **SAMPLE_ARGS)
        label = "sample trust: netmap sample " + " ".join(f"--{k} {v}" for k, v in SAMPLE_ARGS.items())
        _load_into(opened, Path(folder), REFERENCE_DATE.isoformat(), label)
        return str(getattr(opened, "uri", None) or getattr(opened, "path", "the store"))


@main.group()
def users() -> None:
    """Manage who can log in to the web app, and their role (admin, hr, ceo, network-lead)."""


def _users(ctx: click.Context) -> UserStore:
    return UserStore(_settings(ctx).users_db_path)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of "
              "generating one.")
@click.pass_context
def users_add(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add a user; prints a generated password unless one is given on stdin."""
    given = click.get_text_stream("stdin").readline().strip() if password_stdin else None
    store = _users(ctx)
    try:
        password = store.add(name, role, given)
    finally:
        store.close()
    click.echo(f"Added {name} ({role})." + ("" if given else f" Password: {password}"))


@users.command("remove")
@click.argument("name")
@click.pass_context
def users_remove(ctx: click.Context, name: str) -> None:
    """Remove a user; they lose access at their next click."""
    store = _users(ctx)
    try:
        store.remove(name)
    finally:
        store.close()
    click.echo(f"Removed {name}.")


@users.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@click.pass_context
def users_set_role(ctx: click.Context, name: str, role: str) -> None:
    """Change a user's role; it applies at their next click."""
    store = _users(ctx)
    try:
        store.set_role(name, role)
    finally:
        store.close()
    click.echo(f"{name} is now {role}.")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    store = _users(ctx)
    try:
        for user in store.list():
            click.echo(f"{user.name}\t{user.role}")
    finally:
        store.close()


def _plugins() -> None:
    """Commands other packages add (the web app adds `serve` and an app-starting `demo`)."""
    for entry in entry_points(group="netmap.commands"):
        main.add_command(entry.load(), entry.name)


@contextmanager
def _progress(total: int, label: str) -> Iterator[Any]:
    """A progress bar on stderr; yields a callback taking the number of items just done."""
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _print_report(report: ValidationReport) -> None:
    """Every error in full; warnings grouped by rule with a few examples each."""
    for problem in report.errors:
        click.echo(f"ERROR   {problem.describe()}")
    by_rule: dict[str, list] = {}
    for problem in report.warnings:
        by_rule.setdefault(problem.rule, []).append(problem)
    for rule, problems in by_rule.items():
        click.echo(f"WARNING {len(problems)} x {rule}:")
        for problem in problems[:WARNING_EXAMPLES]:
            click.echo(f"          {problem.describe()}")
        if len(problems) > WARNING_EXAMPLES:
            more = len(problems) - WARNING_EXAMPLES
            click.echo(f"          ... and {more} more (`netmap validate --report FILE` lists all)")
    if report.problems:
        click.echo(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s).")


register_planner(main, store_options, _open_store)
_plugins()
