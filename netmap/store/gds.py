"""Components, degree, betweenness and communities computed inside Neo4j by its Graph Data Science plugin.

netmap's rules choose who and what counts (staff in post on the snapshot date, ties within the window and not
ended: the dates they need are sealed in the store, netmap.store.shredding), and pass only their row numbers;
GDS projects those people and ties from the stored graph into its catalog (graph_queries/gds_project_ties.cypher),
runs each algorithm there and streams one record per person back. The projection is dropped afterwards, also
when an algorithm fails. Figures come back raw, by row number; netmap.in_database turns them into netmap's.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netmap.errors import StorageError

if TYPE_CHECKING:
    from netmap.store.neo4j import Neo4jStore

__all__ = ["GdsFigures", "gds_figures", "gds_version"]


@dataclass
class GdsFigures:
    """What GDS computed for one projection, keyed by the staff table's row number; `records` counts the records
    read back over Bolt (the projection's summary included); `seconds` the wall time of each step (projecting,
    each algorithm, dropping), for the benchmark."""

    nodes: int
    relationships: int
    component: dict[int, int]
    degree: dict[int, int]
    betweenness: dict[int, float]  # raw (GDS halves it on an undirected graph: each pair once), not normalised
    communities: list[dict[int, int]]  # one partition per seed, in the order of the seeds asked for
    records: int = field(default=0)
    seconds: dict[str, float] = field(default_factory=dict)


def gds_version(store: Neo4jStore) -> str:
    """The version of Graph Data Science on the store's server; StorageError saying how to add it when absent."""
    (row,) = store.read_records("gds_version", "asking for Graph Data Science's version: NETMAP_NEO4J_ANALYSIS=gds "
                                "needs its plugin on the Neo4j server (see docs/deployment.md), or set "
                                "NETMAP_NEO4J_ANALYSIS=netmap")
    return str(row["version"])


def gds_figures(store: Neo4jStore, public_id: str, staff_rows: Sequence[int], tie_rows: Sequence[int], *,
                weighted: bool, seeds: Sequence[int], distance_scale: float = 1.0) -> GdsFigures:
    """Project the snapshot `public_id`'s staff `staff_rows` and ties `tie_rows` (row numbers of its staff and
    collaborations tables) and compute, in Neo4j, each person's component, degree, exact betweenness (path length
    the sum of 1/tie strength when `weighted`, times `distance_scale`) and Leiden community for each of `seeds`."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    with _projection(store, public_id, list(staff_rows), list(tie_rows), distance_scale, seconds) as (name, summary):
        seconds["project"] = time.perf_counter() - start
        figures = GdsFigures(summary["nodes"], summary["relationships"], {}, {}, {}, [], records=1, seconds=seconds)

        def stream(query: str, key: str, step: str | None = None, **parameters: Any) -> dict[int, Any]:
            began, step = time.perf_counter(), step or key
            rows = store.read_records(query, f"computing {step} in Neo4j (Graph Data Science)", graph_name=name,
                                      **parameters)
            seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - began
            figures.records += len(rows)
            return {int(r["row_no"]): r[key] for r in rows}

        figures.component = stream("gds_stream_components", "component")
        figures.degree = stream("gds_stream_degree", "degree")
        figures.betweenness = stream("gds_stream_weighted_betweenness" if weighted else "gds_stream_betweenness",
                                     "score", "betweenness")
        figures.communities = [stream("gds_stream_communities", "community", seed=seed) for seed in seeds]
    return figures


@contextmanager
def _projection(store: Neo4jStore, public_id: str, staff_rows: list[int], tie_rows: list[int],
                distance_scale: float, seconds: dict[str, float]) -> Iterator[tuple[str, dict[str, int]]]:
    """A projection of its own name in GDS's catalog, dropped on leaving, whatever happened inside (the time
    dropping takes added to `seconds`)."""
    name = f"netmap-{uuid.uuid4().hex}"
    try:
        rows = store.read_records("gds_project_ties", f"projecting snapshot {public_id} into Graph Data Science",
                                  graph_name=name, public_id=public_id, staff_rows=staff_rows, tie_rows=tie_rows,
                                  distance_scale=distance_scale)
        if not rows or rows[0]["nodes"] != len(staff_rows):
            raise StorageError(f"Snapshot {public_id} in Neo4j does not hold the {len(staff_rows)} staff in post "
                               "netmap expects (it was replaced or deleted meanwhile); retry.")
        yield name, rows[0]
    finally:
        began = time.perf_counter()
        store.read_records("gds_drop_graph", "dropping a Graph Data Science projection", graph_name=name)
        seconds["drop"] = time.perf_counter() - began
