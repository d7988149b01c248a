"""Components, degree, betweenness and communities computed inside Neo4j by its Graph Data Science plugin.

netmap's rules choose who and what counts (staff in post on the snapshot date, ties within the window and not
ended: the dates they need are sealed in the store, netmap.store.shredding), and pass only their row numbers;
GDS projects those people and ties from the stored graph into its catalog (graph_queries/gds_project_ties.cypher),
runs each algorithm there and streams one record per person back. The projection is dropped afterwards, also
when an algorithm fails. Figures come back raw, by row number; netmap.in_database turns them into netmap's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from netmap.errors import StorageError
from netmap.store.neo4j import Neo4jStore

__all__ = ["GdsFigures", "gds_figures", "gds_version"]


@dataclass
class GdsFigures:
    """What GDS computed for one projection, keyed by the staff table's row number; `records` counts the records
    read back over Bolt (the projection's summary included)."""

    nodes: int
    relationships: int
    component: dict[int, int]
    degree: dict[int, int]
    betweenness: dict[int, float]  # raw (GDS halves it on an undirected graph: each pair once), not normalised
    communities: list[dict[int, int]]  # one partition per seed, in the order of the seeds asked for
    records: int = field(default=0)


def gds_version(store: Neo4jStore) -> str:
    """The version of Graph Data Science on the store's server; StorageError saying how to add it when absent."""
    (row,) = store.read_records("gds_version", "asking for Graph Data Science's version (install its plugin on "
                                "the server: tools/neo4j-launcher loads it from Maven Central)")
    return str(row["version"])


def gds_figures(store: Neo4jStore, public_id: str, staff_rows: Sequence[int], tie_rows: Sequence[int], *,
                weighted: bool, seeds: Sequence[int], distance_scale: float = 1.0) -> GdsFigures:
    """Project the snapshot `public_id`'s staff `staff_rows` and ties `tie_rows` (row numbers of its staff and
    collaborations tables) and compute, in Neo4j, each person's component, degree, exact betweenness (path length
    the sum of 1/tie strength when `weighted`, times `distance_scale`) and Leiden community for each of `seeds`."""
    with _projection(store, public_id, list(staff_rows), list(tie_rows), distance_scale) as (name, summary):
        figures = GdsFigures(summary["nodes"], summary["relationships"], {}, {}, {}, [], records=1)

        def stream(query: str, key: str, **parameters: Any) -> dict[int, Any]:
            rows = store.read_records(query, f"computing {key} in Neo4j (Graph Data Science)", graph_name=name,
                                      **parameters)
            figures.records += len(rows)
            return {int(r["row_no"]): r[key] for r in rows}

        figures.component = stream("gds_stream_components", "component")
        figures.degree = stream("gds_stream_degree", "degree")
        figures.betweenness = stream("gds_stream_weighted_betweenness" if weighted else "gds_stream_betweenness",
                                     "score")
        figures.communities = [stream("gds_stream_communities", "community", seed=seed) for seed in seeds]
    return figures


@contextmanager
def _projection(store: Neo4jStore, public_id: str, staff_rows: list[int], tie_rows: list[int],
                distance_scale: float) -> Iterator[tuple[str, dict[str, int]]]:
    """A projection of its own name in GDS's catalog, dropped on leaving, whatever happened inside."""
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
        store.read_records("gds_drop_graph", "dropping a Graph Data Science projection", graph_name=name)
