"""`netmap compare`: what changed between two snapshots (netmap.analysis.compare), as counts on the terminal and
tables in a folder."""

from __future__ import annotations

from pathlib import Path

import click

from netmap.analysis.compare import Comparison, community_events, compare, write_comparison
from netmap.analysis.compare import Snapshot as Side
from netmap.cli_common import analyse_and_keep, audit_command, open_store_of, store_options
from netmap.errors import StorageError
from netmap.snapshot import Snapshot
from netmap.store.base import GraphStore

__all__ = ["register"]


def _side(store: GraphStore, snapshot_id: str) -> Side:
    """One side of the comparison: the snapshot's graphs and its analysis (kept, or computed now and kept)."""
    snapshot = Snapshot.open(store, snapshot_id)
    return Side(snapshot.graphs, analyse_and_keep(snapshot))


def _report(result: Comparison, school_names: dict[str, str]) -> list[str]:
    s = result.summary

    def names(ids: list[str]) -> str:
        return ", ".join(school_names.get(i, i) for i in ids) or "none"

    ties, cross, people = s["ties"], s["cross_school_ties"], s["people"]
    return [f"{result.before} → {result.after}",
            f"Ties: {ties['gained']:,} gained, {ties['lost']:,} lost, {ties['persisting']:,} persisting "
            f"(across schools: {cross['gained']:,} gained, {cross['lost']:,} lost, {cross['persisting']:,} persisting)",
            "Lost because: " + ", ".join(f"{reason} {count:,}" for reason, count in s["lost_ties"].items())
            + f"; unconfirmed (reporter did not answer the later round): {s['unconfirmed_ties']:,}",
            f"People: {people['joined']:,} joined, {people['left']:,} left, {people['stayed']:,} stayed",
            f"Became isolated: {names(s['schools_became_isolated'])}",
            f"Became connected: {names(s['schools_became_connected'])}",
            f"Groups whose conductivity rose: {len(s['groups_conductivity_rose'])}; fell: "
            f"{len(s['groups_conductivity_fell'])}",
            f"Brokers: {s['brokers']['gained']} gained, {s['brokers']['lost']} lost; key connectors: "
            f"{s['key_connectors']['gained']} gained, {s['key_connectors']['lost']} lost",
            *_communities(result)]


def _communities(result: Comparison) -> list[str]:
    """The communities' changes, every part named, or why they are not compared."""
    found = result.summary["communities"]
    if not found["compared"]:
        return [found["note"]]
    counts = ", ".join(f"{n} {event}" for event, n in found["events"].items())
    return [f"Communities: {counts}", *(f"  {line}" for line in community_events(result.communities))]


def register(main: click.Group) -> None:
    """Add `compare` to the `netmap` group."""

    @main.command("compare")
    @click.argument("before", required=False, metavar="[BEFORE]")
    @click.argument("after", required=False, metavar="[AFTER]")
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder to write ties.csv, people.csv, schools.csv, groups.csv, roles.csv, communities.csv "
                       "and summary.json.")
    @store_options
    @click.pass_context
    def compare_command(ctx: click.Context, before: str | None, after: str | None,
                        out: Path | None, db: Path | None, store: str | None) -> None:
        """What changed between two snapshots (their ids: a date YYYY-MM-DD, or date-N for a later one of that
        day; default: the last two): ties gained, lost and
        persisting, people who joined and left, schools that became isolated or connected, groups, brokers and
        key connectors."""
        with open_store_of(ctx, db, store) as opened:
            ids = [s.snapshot_id for s in opened.list_snapshots()]
            if before is None:
                if len(ids) < 2:
                    raise StorageError(f"Comparing needs two snapshots; the store has {len(ids)}. Load another "
                                       "with `netmap load FOLDER --as-of DATE`.")
                first, second = ids[-2], ids[-1]
            else:
                first, second = before, after or ids[-1]
            sides = _side(opened, first), _side(opened, second)
        result = compare(*sides)
        schools = sides[1].graphs.dataset.schools
        names = {**dict(zip(sides[0].graphs.dataset.schools["school_id"], sides[0].graphs.dataset.schools["name"],
                            strict=True)),
                 **dict(zip(schools["school_id"], schools["name"], strict=True))}
        for line in _report(result, names):
            click.echo(line)
        if out is not None:
            paths = write_comparison(result, out)
            audit_command(ctx, "download", f"comparison {first} to {second} (people by name) written to {out}")
            click.echo("Wrote " + ", ".join(str(p) for p in paths) + ".")
