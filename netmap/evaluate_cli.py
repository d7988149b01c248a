"""`netmap evaluate`: did a dated intervention (joining a group, a secondment) change its members' cross-school
collaboration beyond comparable staff's (netmap.analysis.evaluation)? One line of result on the terminal; the
result and each person's change as CSV with --out."""

from __future__ import annotations

from pathlib import Path

import click

from netmap.analysis.evaluation import (
    DEFAULT_PERMUTATIONS,
    Evaluation,
    Intervention,
    evaluate,
    intervention_date,
    write_evaluation,
)
from netmap.cli_common import audit_command, open_store_of, store_options
from netmap.errors import StorageError
from netmap.snapshot import Snapshot
from netmap.store.base import GraphStore

__all__ = ["register"]


def _default_pair(store: GraphStore, intervention: Intervention, before: str | None,
                  after: str | None) -> tuple[str, str]:
    """The snapshots given, or: the latest as the later one, and as the earlier one the latest dated before the
    intervention began (a group's first membership date), else the one before the later one."""
    listed = store.list_snapshots()
    ids = [s.snapshot_id for s in listed]
    if len(ids) < 2 and (before is None or after is None):
        raise StorageError(f"Evaluating needs two snapshots; the store has {len(ids)}. Load another with "
                           "`netmap load FOLDER --as-of DATE`.")
    later = after or ids[-1]
    if before is not None:
        return before, later
    began = intervention_date(Snapshot.open(store, later).graphs, intervention)
    earlier = [s.snapshot_id for s in listed if s.snapshot_id != later and began is not None and s.as_of < began]
    if earlier:
        return earlier[-1], later
    place = ids.index(later) if later in ids else len(ids) - 1
    if place == 0:
        raise StorageError(f"No snapshot before {later} to compare with: name one with --before ID.")
    return ids[place - 1], later


def _report(result: Evaluation) -> list[str]:
    how = "every assignment enumerated" if result.exact else \
        f"{result.permutations:,} permutations and bootstrap resamples, seed {result.seed}"
    return [f"{result.intervention.key}: {result.before} → {result.after}",
            f"Members: {result.members}, change {result.member_change:+.2f}; comparison ({result.matched_on}): "
            f"{result.comparison}, change {result.comparison_change:+.2f}",
            f"Dividend {result.dividend:+.2f}, 95 % bootstrap interval {result.low:+.2f} to {result.high:+.2f}, "
            f"permutation p = {result.p_value:.4f} ({how})",
            result.sentence()]


def register(main: click.Group) -> None:
    """Add `evaluate` to the `netmap` group."""

    @main.command("evaluate")
    @click.option("--group", "group_id", default=None, metavar="ID",
                  help="Evaluate joining this group (an expert network or subject community, its group_id).")
    @click.option("--secondments", is_flag=True, help="Evaluate secondments that started between the snapshots.")
    @click.option("--before", default=None, metavar="ID",
                  help="The earlier snapshot (default: the latest dated before the group's first membership, else "
                       "the one before --after).")
    @click.option("--after", default=None, metavar="ID", help="The later snapshot (default: the latest).")
    @click.option("--permutations", type=click.IntRange(min=1), default=DEFAULT_PERMUTATIONS, show_default=True,
                  help="Random permutations for the p-value, and bootstrap resamples for the interval.")
    @click.option("--seed", type=int, default=0, show_default=True, help="Seed of the permutations and resamples.")
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder to write evaluation.csv (the result) and people.csv (each person's change, by id).")
    @store_options
    @click.pass_context
    def evaluate_command(ctx: click.Context, group_id: str | None, secondments: bool, before: str | None,
                         after: str | None, permutations: int, seed: int, out: Path | None, db: Path | None,
                         store: str | None) -> None:
        """Whether joining a group (--group ID) or a secondment (--secondments) changed members' cross-school
        colleagues beyond comparable staff's, between two snapshots: a difference in differences with a
        permutation p-value and a bootstrap interval."""
        if (group_id is None) == (not secondments):
            raise click.UsageError("Give one intervention: --group ID or --secondments.")
        intervention = Intervention("group", group_id) if group_id else Intervention("secondments")
        with open_store_of(ctx, db, store) as opened:
            first, second = _default_pair(opened, intervention, before, after)
            sides = Snapshot.open(opened, first).graphs, Snapshot.open(opened, second).graphs
        result = evaluate(*sides, intervention, permutations=permutations, seed=seed)
        for line in _report(result):
            click.echo(line)
        if out is not None:
            paths = write_evaluation(result, out)
            audit_command(ctx, "download", f"evaluation of {intervention.key} {first} to {second} (people by id) "
                                           f"written to {out}")
            click.echo("Wrote " + ", ".join(str(p) for p in paths) + ".")
