"""Work done in other processes, so that a long computation uses every core.

A worker is `python -m netmap.workers`, started by the parent and fed its job on standard input: it imports
only this module, igraph and numpy (not pandas, NetworkX or the program that started it, as multiprocessing's
spawn would), and it is safe beside the web app's threads, unlike fork.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from typing import Any

import igraph as ig
import numpy as np

__all__ = ["betweenness_by_sources"]


def _betweenness_from(n: int, edges: list[tuple[int, int]], weights: list[float] | None,
                      sources: list[int]) -> np.ndarray[Any, Any]:
    """Raw betweenness counted over shortest paths that start at `sources` (igraph's subset betweenness)."""
    graph = ig.Graph(n=n, edges=edges)
    return np.asarray(graph.betweenness(directed=False, weights=weights, sources=sources), dtype=float)


def betweenness_by_sources(n: int, edges: list[tuple[int, int]], weights: list[float] | None,
                           jobs: int) -> list[float]:
    """Raw (unnormalised) betweenness of every vertex of an undirected graph, split over `jobs` processes by
    source vertex and summed. Exact: each shortest path is counted from its one source, so the parts add up to
    igraph's whole-graph betweenness (to rounding, about 1e-12 relative). Sources are dealt round-robin so each
    part gets a like share of hubs and leaves; this process computes one part while the workers do the rest."""
    chunks = [list(range(k, n, jobs)) for k in range(jobs)]
    workers = []
    for chunk in chunks[1:]:
        worker = subprocess.Popen([sys.executable, "-m", "netmap.workers"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        assert worker.stdin is not None
        pickle.dump((n, edges, weights, chunk), worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        worker.stdin.close()
        workers.append(worker)
    total = _betweenness_from(n, edges, weights, chunks[0])
    for worker in workers:
        assert worker.stdout is not None
        output = worker.stdout.read()
        worker.stdout.close()
        if worker.wait() != 0:
            raise RuntimeError(f"a betweenness worker failed (exit status {worker.returncode})")
        total += pickle.loads(output)  # noqa: S301 - our own child's answer to our own job
    return [float(v) for v in total]


if __name__ == "__main__":  # a worker: one job on stdin, its answer on stdout
    job = pickle.load(sys.stdin.buffer)  # noqa: S301 - sent by the parent that started this process
    sys.stdout.buffer.write(pickle.dumps(_betweenness_from(*job), protocol=pickle.HIGHEST_PROTOCOL))
