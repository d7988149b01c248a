"""The planner's commands: what-if, secondment recommendations, introductions, leaver risk and key players."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from netmap.analysis.key_players import KeyPlayers, fragmenting_players, pairs_cut_apart, reaching_players
from netmap.analysis.planner import Candidate, Planner
from netmap.analysis.priorities import schools_to_help
from netmap.analysis.whatif import AddTie, Change, JoinGroup, Leave, Second, what_if
from netmap.cli_common import open_snapshot_of, snapshot_option, store_options
from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs
from netmap.naming import school_id_of, staff_id_of

__all__ = ["CHANGE_OPTIONS", "InOrder", "parse_changes", "register"]


CHANGE_OPTIONS = ("leave", "second", "join", "tie")
CENTRAL_TOP = 5  # the central team's list, shown after the schools' staff, is kept short


class InOrder(click.Command):
    """A command that remembers the order its change options were given in (ctx.meta["change_order"]), so
    `--leave A --tie B:C --leave D` applies in exactly that order; click itself groups repeats by option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        ctx.meta["change_order"] = [p.name for p in order if p.name in CHANGE_OPTIONS]
        return super().parse_args(ctx, args)


def parse_changes(order: list[str], values: dict[str, tuple[str, ...]]) -> list[Change]:
    """Changes in the order given, from the command line's ID, ID:FROM:TO, ID:GROUP and SOURCE:TARGET[:KIND]
    forms; `order` names the option of each change, `values` holds each option's values in turn."""
    remaining = {name: list(values.get(name, ())) for name in CHANGE_OPTIONS}
    changes: list[Change] = []
    for name in order:
        text = remaining[name].pop(0)
        parts = text.split(":")
        if name == "leave":
            changes.append(Leave(text))
        elif name == "second":
            if len(parts) != 3:
                raise AnalysisError(f"--second {text!r}: write STAFF_ID:FROM_SCHOOL:TO_SCHOOL, e.g. "
                                    "ST0042:SCH01:SCH05.")
            changes.append(Second(*parts))
        elif name == "join":
            if len(parts) != 2:
                raise AnalysisError(f"--join {text!r}: write STAFF_ID:GROUP_ID, e.g. ST0042:MATHS.")
            changes.append(JoinGroup(*parts))
        else:
            if len(parts) not in (2, 3):
                raise AnalysisError(f"--tie {text!r}: write SOURCE:TARGET or SOURCE:TARGET:KIND.")
            changes.append(AddTie(*parts))
    return changes


def _write_json(path: Path | None, payload: Any) -> None:
    if path:
        path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
        click.echo(f"Wrote {path}.")


def register(main: click.Group) -> None:
    """Add the planner's commands to the `netmap` group."""

    def graphs_of(ctx: click.Context, db: Path | None, store: str | None, snapshot_id: str | None) -> TrustGraphs:
        with open_snapshot_of(ctx, db, store, snapshot_id) as snapshot:
            return snapshot.graphs

    def planner_of(ctx: click.Context, db: Path | None, store: str | None, snapshot_id: str | None) -> Planner:
        """The snapshot's planner, over its kept analysis (computed and kept first if the store has none)."""
        with open_snapshot_of(ctx, db, store, snapshot_id) as snapshot:
            return snapshot.planner

    json_option = click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
                               help="Also write the result as JSON to this file.")

    def planner_options(command: Callable[..., Any]) -> Callable[..., Any]:
        """--snapshot, --json, --db and --store, and the click context: what every planner command takes."""
        return snapshot_option(json_option(store_options(click.pass_context(command))))

    @main.command(cls=InOrder)
    @click.option("--leave", multiple=True, metavar="ID", help="This person leaves.")
    @click.option("--second", multiple=True, metavar="ID:FROM:TO", help="Second a person from one school to another.")
    @click.option("--join", multiple=True, metavar="ID:GROUP", help="A person joins a group.")
    @click.option("--tie", multiple=True, metavar="SOURCE:TARGET[:KIND]", help="Add a collaboration.")
    @planner_options
    def whatif(ctx: click.Context, leave: tuple[str, ...], second: tuple[str, ...], join: tuple[str, ...],
               tie: tuple[str, ...], snapshot_id: str | None, json_path: Path | None, db: Path | None,
               store: str | None) -> None:
        """Before and after hypothetical changes, applied in the order given: schools' ties, reach and dependency;
        trust-level measures."""
        changes = parse_changes(ctx.meta.get("change_order", []),
                                {"leave": leave, "second": second, "join": join, "tie": tie})
        if not changes:
            raise click.UsageError("Give at least one change: --leave, --second, --join or --tie.")
        result = what_if(graphs_of(ctx, db, store, snapshot_id), changes)
        b, a = result.before, result.after
        click.echo(f"{'school':<12}{'ties before':>12}{'after':>7}{'reach before':>14}{'after':>7}"
                   f"{'dependency before':>19}{'after':>7}")
        for s in result.schools:
            click.echo(f"{s:<12}{b.external_ties[s]:>12}{a.external_ties[s]:>7}{b.schools_reached[s]:>14}"
                       f"{a.schools_reached[s]:>7}{_pct(b.dependency[s]):>19}{_pct(a.dependency[s]):>7}")
        click.echo(f"isolated schools: {', '.join(b.isolated_schools) or 'none'} -> "
                   f"{', '.join(a.isolated_schools) or 'none'}")
        click.echo(f"disconnected staff: {b.disconnected_staff} -> {a.disconnected_staff}; components: "
                   f"{b.components} -> {a.components}; cross-school share: {_pct(b.cross_school_share)} -> "
                   f"{_pct(a.cross_school_share)}")
        _write_json(json_path, {"changes": [{"change": type(c).__name__, **dataclasses.asdict(c)} for c in changes],
                                "schools": result.schools, "before": dataclasses.asdict(b),
                                "after": dataclasses.asdict(a)})

    @main.command()
    @click.option("--school", default=None, metavar="ID|NAME",
                  help="The school that needs connecting (id or name). Without it: the schools to help first.")
    @click.option("--subject", default=None, help="Only people who teach or specialise in this.")
    @click.option("--role", default=None, help="Only people in this role, e.g. middle-leader.")
    @click.option("--top", default=10, show_default=True, type=click.IntRange(1))
    @planner_options
    def recommend(ctx: click.Context, school: str | None, subject: str | None, role: str | None, top: int,
                  snapshot_id: str | None, json_path: Path | None, db: Path | None, store: str | None) -> None:
        """Rank secondees from other schools for SCHOOL (new links, then fit less what the home school can least
        spare; the home school's loss beside), the central team apart; without --school, list the schools to help
        first (isolated or weakly connected, high priority first)."""
        if school is None:  # the kept analysis and the schools suffice: no graphs, no planner
            with open_snapshot_of(ctx, db, store, snapshot_id) as snapshot:
                table = schools_to_help(snapshot.analysis.schools, snapshot.dated.schools).head(top)
            if table.empty:
                click.echo("No school is isolated or weakly connected.")
            for i, r in enumerate(table.itertuples(), start=1):
                context = f" [{r.context}]" if r.context else ""
                click.echo(f"{i:>2}. {r.name} ({r.school_id}): {r.reason}{context}")
            click.echo("Then: netmap recommend --school ID for the people who could connect one of them.")
            _write_json(json_path, table.to_dict("records"))
            return
        planner = planner_of(ctx, db, store, snapshot_id)
        target = school_id_of(planner.graphs, school)
        ranked = planner.recommend(target, subject=subject, role=role, top=top)
        central = planner.recommend(target, subject=subject, role=role, top=min(top, CENTRAL_TOP), central=True)
        _print_ranked(ranked, "Nobody at the trust's schools fits: try without --subject or --role.", _candidate_lines,
                      None)
        if central:  # ranked apart: the central team works across phases (docs/secondments.md)
            click.echo("From the central team (ranked apart):")
            _print_ranked(central, "", _candidate_lines, None)
        _write_json(json_path, [dataclasses.asdict(c) for c in ranked + central])

    @main.command()
    @click.option("--staff", "staff_id", required=True, metavar="ID|NAME", help="The colleague (id or name).")
    @click.option("--top", default=5, show_default=True, type=click.IntRange(1))
    @planner_options
    def introduce(ctx: click.Context, staff_id: str, top: int, snapshot_id: str | None, json_path: Path | None,
                  db: Path | None, store: str | None) -> None:
        """People at other schools in a colleague's subject or groups who would connect them best."""
        planner = planner_of(ctx, db, store, snapshot_id)
        offers = planner.introductions(staff_id_of(planner.graphs, staff_id), top=top)
        _print_ranked(offers, "Nobody at another school shares a subject or group with them.",
                      lambda o: f"{o.name} ({o.staff_id}): {o.reason}", json_path)

    @main.command()
    @click.option("--top", default=20, show_default=True, type=click.IntRange(1))
    @planner_options
    def risk(ctx: click.Context, top: int, snapshot_id: str | None, json_path: Path | None, db: Path | None,
             store: str | None) -> None:
        """Leaver risk: what the network loses if each person leaves, worst first."""
        table = planner_of(ctx, db, store, snapshot_id).leaver_risk()
        click.echo(f"{'staff':<10}{'school':<10}{'schools cut off':<24}{'ties lost':>10}{'brokerage':>11}"
                   f"{'betweenness':>13}")
        for r in table.head(top).itertuples():
            click.echo(f"{r.staff_id:<10}{r.school_id:<10}{r.schools_cut_off or '-':<24}{r.external_ties_lost:>10}"
                       f"{r.brokerage_lost:>11}{r.betweenness:>13.4f}")
        _write_json(json_path, table.head(top).to_dict("records"))

    @main.command("key-players")
    @click.option("--k", "k", default=3, show_default=True, type=click.IntRange(1), help="People in each set.")
    @planner_options
    def key_players(ctx: click.Context, k: int, snapshot_id: str | None, json_path: Path | None, db: Path | None,
                    store: str | None) -> None:
        """The k people whose leaving most fragments the soft wiring, and the k who reach most in two steps."""
        graphs = graphs_of(ctx, db, store, snapshot_id)
        network = graphs.undirected
        if k > len(network):
            raise AnalysisError(f"--k {k}: the snapshot has {len(network)} people in post; choose fewer.")
        leave, reach = fragmenting_players(network, k), reaching_players(network, k)
        cut = pairs_cut_apart(network, leave.people)
        who = "this person leaves" if k == 1 else f"these {k} people leave"
        click.echo(f"If {who} ({_how(leave, 'the best set found; greedy has no guarantee here')}):")
        for person in leave.people:
            click.echo(f"  {network.nodes[person]['name']} ({person}, {graphs.school_of[person]})")
        click.echo(f"  Pairs of colleagues with no chain of collaboration between them: {100 * leave.baseline:.2f}% "
                   f"-> {100 * leave.score:.2f}%; " + (f"{cut:,} pairs who can reach each other today no longer could."
                                              if cut else "nobody who can reach each other today is cut apart."))
        click.echo(f"Who reaches most colleagues within two steps ({_how(reach, 'at least 63% of the best')}):")
        for person in reach.people:
            click.echo(f"  {network.nodes[person]['name']} ({person}, {graphs.school_of[person]})")
        others = len(network) - k
        click.echo(f"  Together they reach {int(reach.score):,} of {others:,} colleagues "
                   f"({_pct(reach.score / others if others else None)}).")
        _write_json(json_path, {"k": k, "fragmenting": {**dataclasses.asdict(leave), "pairs_cut_apart": cut},
                                "reaching": dataclasses.asdict(reach)})


def _how(found: KeyPlayers, greedy: str) -> str:
    """How a key-player set was found, as the terminal says it."""
    return "every set compared: the best" if found.exact else f"greedy, then swaps: {greedy}"


def _print_ranked(items: Sequence[Any], nothing: str, line: Callable[[Any], str], json_path: Path | None) -> None:
    """Numbered lines, best first (or `nothing` when the list is empty), and the same as JSON when asked."""
    if not items:
        click.echo(nothing)
    for i, item in enumerate(items, start=1):
        click.echo(f"{i:>2}. {line(item)}")
    _write_json(json_path, [dataclasses.asdict(item) for item in items])


def _candidate_lines(c: Candidate) -> str:
    """A candidate as the terminal shows them: who, fit, why, the home school's loss and any dependency made."""
    lines = f"{c.name} ({c.staff_id}, {c.role}, {c.from_school_id}), {c.fit} fit: {c.reason}\n      Home: {c.home_cost}"
    return lines + (f"\n      Warning: {c.dependency_flags}." if c.dependency_flags else "")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"
