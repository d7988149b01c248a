"""In-database analysis (Neo4j Graph Data Science) against the Python path on one trust of netmap's generator.

Python path: read the snapshot out of Neo4j over Bolt, build U and compute components, degree, exact betweenness
and communities over COMMUNITY_SEEDS seeds in netmap. GDS path: the same four measures inside Neo4j
(netmap.in_database), only their results read back. Bytes read are those the driver's sockets receive
(socket.recv_into counted over each step). Usage (a server with GDS, e.g. one
tools/neo4j-launcher started, else one is started here):
    python -m benchmarks.in_database --size S|L|L1 [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx

from benchmarks.runner import HUB_SCHOOLS, RESULTS, SEED, SIZES, _machine

AS_OF = "2026-07-01"


_RECEIVED = [0]
_recv_into = socket.socket.recv_into


def _counted_recv_into(self: socket.socket, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
    """socket.recv_into, adding what it received to _RECEIVED (the Bolt driver reads through it)."""
    got = _recv_into(self, buffer, nbytes, flags)
    _RECEIVED[0] += got
    return got


socket.socket.recv_into = _counted_recv_into  # type: ignore[method-assign]


def _read_bytes() -> int:
    """Bytes this process's sockets have received so far."""
    return _RECEIVED[0]


def _measured(work: Callable[[], Any]) -> tuple[Any, float, int]:
    """`work`'s result, its seconds and the bytes it read."""
    before, start = _read_bytes(), time.perf_counter()
    result = work()
    return result, time.perf_counter() - start, _read_bytes() - before


def bench_in_database(uri: str, folder: Path) -> dict[str, Any]:
    """Both paths on the trust in `folder`, loaded once into the Neo4j at `uri`, with how far they agree."""
    from netmap.analysis.centrality import betweenness
    from netmap.analysis.communities import louvain_communities, seed_runs
    from netmap.graphs import build_graphs
    from netmap.in_database import in_database_measures
    from netmap.ingest.validate import read_trust
    from netmap.store.neo4j import Neo4jStore

    dataset, _ = read_trust(folder)
    with Neo4jStore(uri, user="neo4j", password=None, database="neo4j") as store:
        store.init_schema()
        info, load_s, _ = _measured(lambda: store.write_snapshot(dataset, AS_OF, source="bench").snapshot)
        stored, read_s, read_b = _measured(lambda: store.read_dataset(info.snapshot_id))

        def python_path() -> dict[str, Any]:
            graphs = build_graphs(stored, AS_OF)
            u = graphs.undirected
            return {"components": list(nx.connected_components(u)), "degree": dict(u.degree()),
                    "betweenness": betweenness(u), "community": louvain_communities(u, seed=42),
                    "runs": seed_runs(u, seed=42), "rows": sum(stored.counts().values())}

        ours, python_s, _ = _measured(python_path)
        theirs, gds_s, gds_b = _measured(lambda: in_database_measures(store, info.snapshot_id, stored, AS_OF))
        store.delete_snapshot(info.snapshot_id)
    people = sorted(ours["degree"])
    groups = {frozenset(p for p, c in theirs.component.items() if c == k) for k in set(theirs.component.values())}
    return {
        "staff_in_post": len(people), "load_s": load_s,
        "python": {"read_s": read_s, "compute_s": python_s, "total_s": read_s + python_s, "bytes_read": read_b,
                   "records_read": ours["rows"]},
        "gds": {"in_database_s": gds_s, "bytes_read": gds_b, "records_read": theirs.records,
                "communities_stable": theirs.stability["stable"], "agreement": theirs.stability["agreement"]},
        "agree": {
            "components_identical": groups == {frozenset(c) for c in ours["components"]},
            "degree_identical": theirs.degree == ours["degree"],
            "betweenness_max_difference": max(abs(theirs.betweenness[p] - ours["betweenness"][p]) for p in people),
            "communities_adjusted_rand": ig.compare_communities([theirs.community[p] for p in people],
                                                                [ours["community"][p] for p in people],
                                                                method="adjusted_rand")}}


def main(argv: list[str] | None = None) -> None:
    from benchmarks.neo4j_server import neo4j_server
    from netmap.sample.generator import generate_sample

    parser = argparse.ArgumentParser(prog="python -m benchmarks.in_database", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["S", "L", "L1"], default="S")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    schools, staff = SIZES[args.size]
    hubs = {"hub_schools": HUB_SCHOOLS[args.size]} if args.size in HUB_SCHOOLS else {}
    with tempfile.TemporaryDirectory(prefix="netmap-bench-") as tmp, neo4j_server() as uri:
        generate_sample(Path(tmp) / "trust", schools=schools, staff=staff, seed=SEED, **hubs)
        results = {"size": args.size, "date": dt.date.today().isoformat(), "machine": _machine(),
                   "load_average": os.getloadavg(), **bench_in_database(uri, Path(tmp) / "trust")}
    out = args.out or RESULTS / f"{results['date']}-{args.size}-in-database.json"
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2, default=str))


if __name__ == "__main__":
    main()
