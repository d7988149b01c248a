"""In-database analysis (Neo4j Graph Data Science) against the Python path on one trust of netmap's generator.

Python path: read the snapshot out of Neo4j over Bolt, build U and compute components, degree, exact betweenness
and communities over COMMUNITY_SEEDS seeds in netmap. GDS path: the same four measures inside Neo4j
(netmap.in_database), only their results read back. Bytes each way are those the driver's sockets receive and send
(socket.recv_into and socket.sendall counted over each step). CPU: this process's and its finished children's
(betweenness's worker processes: resource.getrusage) and the Neo4j server's (its java process's user + system time
from /proc, when this benchmark started it), since on a shared machine wall time says little; the load average is
recorded beside. Usage (a server with GDS, e.g. one
tools/neo4j-launcher started, else one is started here):
    python -m benchmarks.in_database --size S|L|L1 [--out FILE]
S is W1 (one 2,000-staff trust), L is W2 (six 2,000-staff trusts side by side), L1 is W2 as one connected trust.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx

from benchmarks.runner import HUB_SCHOOLS, RESULTS, SEED, SIZES, _machine

AS_OF = "2026-07-01"


_RECEIVED, _SENT = [0], [0]
_recv_into, _sendall = socket.socket.recv_into, socket.socket.sendall


def _counted_recv_into(self: socket.socket, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
    """socket.recv_into, adding what it received to _RECEIVED (the Bolt driver reads through it)."""
    got = _recv_into(self, buffer, nbytes, flags)
    _RECEIVED[0] += got
    return got


def _counted_sendall(self: socket.socket, data: Any, flags: int = 0) -> None:
    """socket.sendall, adding what it sent to _SENT (the Bolt driver writes through it)."""
    _SENT[0] += len(data)
    _sendall(self, data, flags)


socket.socket.recv_into = _counted_recv_into  # type: ignore[method-assign]
socket.socket.sendall = _counted_sendall  # type: ignore[method-assign]


def _server_cpu() -> float:
    """CPU seconds (user + system) of the java children of this process (the Neo4j server neo4j_server started);
    0 when the server is not ours."""
    total, tick = 0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            name = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except OSError:
            continue
        if name == "java" and int(fields[1]) == os.getpid():
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have finished (worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measured(work: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """`work`'s result, and its wall seconds, CPU seconds here and in the server, and bytes each way."""
    received, sent, start = _RECEIVED[0], _SENT[0], time.perf_counter()
    cpu, server = _cpu(), _server_cpu()
    result = work()
    return result, {"wall_s": time.perf_counter() - start, "cpu_s": _cpu() - cpu,
                    "server_cpu_s": _server_cpu() - server, "bytes_received": _RECEIVED[0] - received,
                    "bytes_sent": _SENT[0] - sent, "load_average_1m": os.getloadavg()[0]}


def bench_in_database(uri: str, folder: Path) -> dict[str, Any]:
    """Both paths on the trust in `folder`, loaded once into the Neo4j at `uri`, with how far they agree."""
    from netmap.analysis.centrality import betweenness
    from netmap.analysis.communities import louvain_communities, seed_runs
    from netmap.analysis.engine import analyse_snapshot
    from netmap.analysis.options import AnalysisOptions
    from netmap.graphs import build_graphs
    from netmap.in_database import given_measures, in_database_measures
    from netmap.ingest.validate import read_trust
    from netmap.store.neo4j import Neo4jStore

    dataset, _ = read_trust(folder)
    with Neo4jStore(uri, user="neo4j", password=None, database="neo4j") as store:
        store.init_schema()
        info, load = _measured(lambda: store.write_snapshot(dataset, AS_OF, source="bench").snapshot)
        stored, read = _measured(lambda: store.read_dataset(info.snapshot_id))

        def python_path() -> dict[str, Any]:
            graphs = build_graphs(stored, AS_OF)
            u = graphs.undirected
            return {"components": list(nx.connected_components(u)), "degree": dict(u.degree()),
                    "betweenness": betweenness(u), "community": louvain_communities(u, seed=42),
                    "runs": seed_runs(u, seed=42), "rows": sum(stored.counts().values())}

        ours, compute = _measured(python_path)
        theirs, gds = _measured(lambda: in_database_measures(store, info.snapshot_id, stored, AS_OF))
        again, warm = _measured(lambda: in_database_measures(store, info.snapshot_id, stored, AS_OF))
        quick = AnalysisOptions.profile("quick")
        engine, engine_cost = _measured(lambda: analyse_snapshot(stored, AS_OF, quick))
        in_db, in_db_cost = _measured(lambda: analyse_snapshot(
            stored, AS_OF, quick, given=given_measures(store, info.snapshot_id, stored, AS_OF, quick)))
        store.delete_snapshot(info.snapshot_id)
    people = sorted(ours["degree"])
    a, b = engine.staff.set_index("staff_id"), in_db.staff.set_index("staff_id")
    moved = ["betweenness", "community"]
    groups = {frozenset(p for p, c in theirs.component.items() if c == k) for k in set(theirs.component.values())}
    return {
        "staff_in_post": len(people), "load": load,
        "python": {"read": read, "compute": compute, "total_wall_s": read["wall_s"] + compute["wall_s"],
                   "total_cpu_s": read["cpu_s"] + read["server_cpu_s"] + compute["cpu_s"] + compute["server_cpu_s"],
                   "records_read": ours["rows"]},
        # the first run on a fresh server includes loading and compiling GDS's code; the second is a warm server's
        "gds": {"in_database": gds, "total_cpu_s": gds["cpu_s"] + gds["server_cpu_s"], "steps_wall_s": theirs.seconds,
                "warm": {**warm, "total_cpu_s": warm["cpu_s"] + warm["server_cpu_s"], "steps_wall_s": again.seconds},
                "records_read": theirs.records,
                "communities_stable": theirs.stability["stable"], "agreement": theirs.stability["agreement"]},
        "agree": {
            "components_identical": groups == {frozenset(c) for c in ours["components"]},
            "degree_identical": theirs.degree == ours["degree"],
            "betweenness_max_difference": max(abs(theirs.betweenness[p] - ours["betweenness"][p]) for p in people),
            "communities_adjusted_rand": ig.compare_communities([theirs.community[p] for p in people],
                                                                [ours["community"][p] for p in people],
                                                                method="adjusted_rand")},
        # the whole analysis (quick profile: 99 permutations, no named lists' stability), engine alone against the
        # engine taking GDS's four measures (NETMAP_NEO4J_ANALYSIS=gds), from the dataset already read
        "analysis": {"netmap": engine_cost, "gds": in_db_cost,
                     "same_tables_but_betweenness_and_community": all(
                         getattr(engine, t).equals(getattr(in_db, t)) for t in ("schools", "groups", "wiring"))
                     and a.drop(columns=moved).equals(b.drop(columns=moved)),
                     "betweenness_max_difference": float((a["betweenness"] - b["betweenness"]).abs().max()),
                     "communities_stable": {"netmap": engine.summary["communities"]["stable"],
                                            "gds": in_db.summary["communities"]["stable"]}}}


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
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, check=False).stdout.strip()
        results = {"size": args.size, "date": dt.date.today().isoformat(), "commit": commit, "machine": _machine(),
                   "load_average": os.getloadavg(), **bench_in_database(uri, Path(tmp) / "trust")}
    out = args.out or RESULTS / f"{results['date']}-{args.size}-in-database.json"
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2, default=str))


if __name__ == "__main__":
    main()
