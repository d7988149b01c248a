"""`netmap find-expertise`: who in the trust knows about a topic (netmap.analysis.expertise), with the evidence
and the chain of colleagues who can introduce you."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from netmap.analysis.expertise import find_expertise
from netmap.cli_common import audit_command, open_snapshot_of, settings_of, snapshot_option, store_options
from netmap.errors import IngestError
from netmap.ingest.vocabulary import read_vocabulary
from netmap.naming import school_id_of, staff_id_of
from netmap.spreadsheet import neutralise

__all__ = ["register"]


def register(main: click.Group) -> None:
    """Add `find-expertise` to the `netmap` group."""

    @main.command("find-expertise")
    @click.argument("topic")
    @click.option("--from", "start", help="You (staff id or name): the chain of colleagues from you to each expert.")
    @click.option("--school", help="A school (id or name): the chain from the nearest person there.")
    @snapshot_option
    @click.option("--top", type=click.IntRange(1), default=10, show_default=True)
    @click.option("--synonyms", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                  help="CSV of the trust's own vocabulary (columns term, means), added to netmap's own; "
                       "NETMAP_VOCABULARY's file when not given.")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the list as CSV.")
    @store_options
    @click.pass_context
    def find_expertise_command(ctx: click.Context, topic: str, start: str | None, school: str | None,
                               snapshot_id: str | None, top: int, synonyms: Path | None, out: Path | None,
                               db: Path | None, store: str | None) -> None:
        """Who knows about TOPIC, ranked by evidence (groups led or joined, subjects, colleagues who named them
        for it in the survey; recent and same-phase evidence counts more), equal scores by who can be introduced
        soonest, with who can introduce you."""
        with open_snapshot_of(ctx, db, store, snapshot_id) as snapshot:
            graphs = snapshot.graphs
        start = staff_id_of(graphs, start) if start else None
        school = school_id_of(graphs, school) if school else None
        try:
            path = synonyms or settings_of(ctx).vocabulary
            own = read_vocabulary(path) if path else []
        except IngestError as exc:
            raise click.BadParameter(str(exc), param_hint="--synonyms") from None
        search = find_expertise(graphs, topic, start=start, school=school, extra_synonyms=own, limit=top)
        experts = search.experts
        names = dict(zip(graphs.dataset.staff["staff_id"], graphs.dataset.staff["name"], strict=True))
        schools = dict(zip(graphs.dataset.schools["school_id"], graphs.dataset.schools["name"], strict=True))
        rows = [{"staff_id": e.staff_id, "name": names.get(e.staff_id, e.staff_id),
                 "school": schools.get(graphs.school_of[e.staff_id], ""), "score": e.score,
                 "evidence": "; ".join(e.evidence), "times_named": e.times_named,
                 "introduction": " > ".join(names.get(p, p) for p in e.chain) if e.chain else
                 ("" if not (start or school) else "no chain of colleagues")} for e in experts]
        click.echo(f"Searched for {search.searched()}.")
        if not rows:
            near = ", ".join(f"{t} ({n} people)" for t, n in search.suggestions)
            click.echo(f"Nobody in the snapshot of {graphs.as_of} shows evidence of {topic!r}. "
                       f"Topics with evidence nearest to it: {near}.")
        for k, row in enumerate(rows, 1):
            click.echo(f"{k:>2}. {row['name']} ({row['school']}), score {row['score']:g}: {row['evidence']}")
            if row["introduction"]:
                click.echo(f"    introduction: {row['introduction']}")
        if out is not None:
            pd.DataFrame(rows, columns=["staff_id", "name", "school", "score", "evidence", "times_named",
                                        "introduction"]).map(neutralise).to_csv(out, index=False)
            audit_command(ctx, "download", f"expertise on {topic!r} written to {out}",
                          [str(row["staff_id"]) for row in rows])
            click.echo(f"Wrote {out}.")
