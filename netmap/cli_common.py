"""Building blocks of netmap's commands, shared with the commands other packages plug in (the web app's
`serve`, `demo` and `users`): the store and --snapshot options, opening the store and a snapshot, progress bars,
validation reports and loading a folder as a snapshot. Everything here talks to a person at a terminal; the work
itself is the library's."""

from __future__ import annotations

import getpass
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click

from netmap.analysis.engine import STEPS, Analysis
from netmap.analysis.options import AnalysisOptions
from netmap.config import Settings
from netmap.dataset import Dataset
from netmap.errors import ConfigError
from netmap.graphs import data_date
from netmap.ingest.report import ValidationReport
from netmap.ingest.validate import read_trust
from netmap.sample.generator import SAMPLE_TRUST, TERM_ENDS, SampleTrust, generate_sample
from netmap.sample.series import write_series
from netmap.snapshot import Snapshot
from netmap.store import GraphStore, SnapshotInfo, open_store
from netmap.store.base import describe_snapshot

__all__ = ["analyse_and_keep", "audit_command", "load_folder", "load_sample", "open_snapshot_of", "open_store_of",
           "print_report", "progress", "settings_of", "snapshot_option", "store_dataset", "store_options",
           "taken_message"]

WARNING_EXAMPLES = 3
log = logging.getLogger("netmap")


def audit_command(ctx: click.Context, action: str, subject: str, people: list[str] | None = None) -> None:
    """Record in the audit log that the person at the terminal did `action` (handing out survey links, writing
    named data to a file), through the netmap.auditing hooks of installed packages (the web app keeps the log);
    `people`: whose data it was. Without the web app installed there is no log to write to."""
    try:
        who = f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in the environment or the password database
        who = "cli"
    for hook in entry_points(group="netmap.auditing"):
        hook.load()(settings_of(ctx), who, action, subject, people or [])


def settings_of(ctx: click.Context) -> Settings:
    """The settings `netmap` read at start-up (held on the root context)."""
    settings: Settings = ctx.find_root().ensure_object(dict)["settings"]
    return settings


def open_store_of(ctx: click.Context, db: Path | None, store: str | None, *, create: bool = False) -> GraphStore:
    """The store a command's --db / --store options (or the settings) name; only commands that write a snapshot
    pass `create` (the others refuse an embedded store file that does not exist)."""
    return open_store(settings_of(ctx), db=db, store_uri=store, create=create)


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that touches a store: --db (embedded file) and --store (Neo4j URI)."""
    command = click.option("--store", default=None, metavar="URI",
                           help="Use Neo4j at this URI (default: NETMAP_NEO4J_URI; unset: the embedded store).")(
        command)
    return click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Embedded store file (default: NETMAP_DB, else netmap.db in your data directory).")(
        command)


def snapshot_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--snapshot ID, passed as `snapshot_id`: which stored snapshot a command reads (default: the latest)."""
    return click.option("--snapshot", "snapshot_id", default=None, metavar="ID",
                        help="Id of the snapshot: its date, or date-N for a later one of that day (default: the "
                             "latest).")(command)


@contextmanager
def open_snapshot_of(ctx: click.Context, db: Path | None, store: str | None, snapshot_id: str | None,
                     settings: tuple[str, ...] = ()) -> Iterator[Snapshot]:
    """The snapshot a command's --db / --store / --snapshot options name, its store open while the block runs;
    its thresholds those kept with it, changed by `settings` (--set NAME=VALUE)."""
    with open_store_of(ctx, db, store) as opened:
        info = opened.snapshot(snapshot_id)
        kept = [f"{name}={value}" for name, value in opened.read_thresholds(info.snapshot_id).items()]
        yield Snapshot(info, opened, AnalysisOptions.from_strings([*kept, *settings]) if settings else None)


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr; yields a callback taking the number of items just done."""
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def print_report(report: ValidationReport) -> None:
    """Every error in full; warnings grouped by rule with a few examples each."""
    for problem in report.errors:
        click.echo(f"ERROR   {problem.describe()}")
    by_rule: dict[str, list[Any]] = {}
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


def analyse_and_keep(snapshot: Snapshot) -> Analysis:
    """The snapshot's analysis (kept, or computed now and kept), with a progress bar over its steps."""
    with click.progressbar(length=len(STEPS), label="Analysing", file=sys.stderr,
                           item_show_func=lambda step: step) as bar:

        def show(step: str, done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos, step)

        result = snapshot.analyse(progress=show)
        bar.update((bar.length or 0) - bar.pos, "done")
    return result


def load_folder(store: GraphStore, source: Path, as_of: str | None, label: str, *, replace: str | None = None,
                keep_both: bool = False, options: AnalysisOptions | None = None) -> None:
    """Validate `source`, write it as a snapshot dated `as_of` (None: the data's latest tie or survey answer,
    netmap.graphs.data_date) and analyse it (the analysis is kept with it), with progress bars and a closing
    line. When the date already has a snapshot with other contents, nothing is written unless the user chose:
    `replace` (that snapshot's id) or `keep_both`; otherwise a ClickException names what is there and both
    choices. A tie window that drops most ties is warned about. `options`: the analysis's (default: the
    snapshot's kept thresholds)."""
    click.echo(f"Validating {source} ...", err=True)
    dataset, report = read_trust(source)
    print_report(report)
    if as_of is None:
        as_of = data_date(dataset)
        if as_of is None:
            raise click.ClickException(f"{source} holds no dated tie or survey answer to date the snapshot by; "
                                       "nothing was loaded. Give its date with --as-of YYYY-MM-DD.")
        click.echo(f"Dating the snapshot {as_of}, the latest tie or survey answer in {source} (--as-of YYYY-MM-DD "
                   "gives another date).", err=True)
    if replace is None and not keep_both:
        in_the_way = store.snapshots_in_the_way(dataset, as_of, label)
        if in_the_way:
            raise click.ClickException(taken_message(as_of, in_the_way))
    store_dataset(store, dataset, as_of, label, replace=replace, options=options)


def store_dataset(store: GraphStore, dataset: Dataset, as_of: str, label: str, *, replace: str | None = None,
                  options: AnalysisOptions | None = None) -> None:
    """Write a validated `dataset` as a snapshot dated `as_of` (replacing `replace`) and analyse it under
    `options` (default: its kept thresholds), with progress bars and a closing line: the end of every load and
    import."""
    total = sum(dataset.counts().values())
    with progress(total, f"Writing snapshot {replace or as_of}") as advance:
        result = store.write_snapshot(dataset, as_of, source=label, replace=replace, progress=advance)
    written = result.snapshot
    log.info("snapshot %s %s from %s", written.snapshot_id, result.status, label)
    counts = ", ".join(f"{n} {name}" for name, n in written.counts.items())
    snapshot = Snapshot(written, store, options)
    analyse_and_keep(snapshot)
    verb = {"created": "Loaded", "replaced": "Replaced", "unchanged": "Already loaded, unchanged:",
            "repaired": "Repaired (its stored copy no longer matched its hash)"}[result.status]
    dated = "" if written.snapshot_id == written.as_of else f" (dated {written.as_of})"
    click.echo(f"{verb} snapshot {written.snapshot_id}{dated}: {counts}.")
    warn_tie_window(snapshot)


def warn_tie_window(snapshot: Snapshot) -> None:
    """Print the snapshot's tie-window warning, if it has one, on stderr."""
    if snapshot.tie_window_warning:
        click.secho(f"Warning: {snapshot.tie_window_warning} Date the snapshot nearer the survey (--as-of), or "
                    "lengthen the tie window (--set tie_window_days=DAYS).", err=True, fg="yellow")


def taken_message(as_of: str, in_the_way: list[SnapshotInfo]) -> str:
    """Why a load was refused: what is stored on its date, and the two ways on."""
    there = "; ".join(describe_snapshot(s) for s in in_the_way)
    first = in_the_way[0].snapshot_id
    return (f"A snapshot dated {as_of} is already stored: {there}. Nothing was loaded. To replace it, run the "
            f"load again with --replace {first}; to keep both, with --keep-both (the new one gets its own id).")


def generate(out: Path, schools: int, staff: int, seed: int) -> SampleTrust:
    """The sample generator with a progress bar; its refusals become a bad-parameter message."""
    try:
        with progress(staff, "Generating staff") as advance:
            return generate_sample(out, schools=schools, staff=staff, seed=seed, progress=advance)
    except ConfigError as exc:  # a mismatch of --schools and --staff: a usage error (exit status 2)
        raise click.BadParameter(str(exc)) from None


def load_sample(store: GraphStore) -> str:
    """Generate the sample trust as a series of termly snapshots (netmap.sample.series) and load each as of its
    term's end, so the demo's dashboard, trends, new joiners and Compare pages have a year to show on first start;
    returns where it is. Only the latest term's analysis has its named lists' stability (the one the dashboard
    opens on; a minute of draws), the earlier ones say "stability not computed"."""
    with tempfile.TemporaryDirectory(prefix="netmap-sample-") as folder:
        whole = Path(folder) / "whole"
        generate(whole, **SAMPLE_TRUST)
        label = "sample trust: netmap sample --series " + " ".join(f"--{k} {v}" for k, v in SAMPLE_TRUST.items())
        terms = write_series(whole, Path(folder) / "series", TERM_ENDS)
        for term in terms:
            load_folder(store, term, term.name, label,
                        options=None if term == terms[-1] else AnalysisOptions(stability_draws=0))
    return str(getattr(store, "uri", None) or getattr(store, "path", "the store"))
