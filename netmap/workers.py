"""Work done in other processes, so that a long computation uses every core.

A worker is `python -m netmap.workers`, started by the parent and fed its job on standard input: it imports
only this module, igraph and numpy (not pandas, NetworkX, matplotlib or the program that started it, as
multiprocessing's spawn would), and it is safe beside the web app's threads, unlike fork.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from typing import Any

import numpy as np

__all__ = ["PIECES", "betweenness_by_sources"]

PIECES = 64  # the sources are cut into this many pieces, handed out one at a time (at most 256: one byte each)
SHARED_QUEUE = os.name == "posix"  # a pipe's descriptor passes to a worker (pass_fds) on POSIX systems only


def _betweenness_pieces(n: int, edges: list[tuple[int, int]], weights: list[float] | None, pieces: int,
                        queue: int | list[int]) -> dict[int, np.ndarray[Any, Any]]:
    """Raw betweenness counted over the shortest paths from each piece of sources this process takes (igraph's
    subset betweenness), by piece number. `queue` is a pipe holding one byte per piece not yet taken, shared
    with the other processes (a read of one byte from a pipe takes it whole, so every piece is computed by
    exactly one process), or where pipes cannot be shared, this process's own list of pieces."""
    import igraph as ig  # here, not at the top: a worker blocks matplotlib, which igraph imports when it can

    graph = ig.Graph(n=n, edges=edges)
    found: dict[int, np.ndarray[Any, Any]] = {}
    while (piece := _next_piece(queue)) is not None:
        found[piece] = np.asarray(graph.betweenness(directed=False, weights=weights,
                                                    sources=range(piece, n, pieces)), dtype=float)
    return found


def _next_piece(queue: int | list[int]) -> int | None:
    if isinstance(queue, list):
        return queue.pop() if queue else None
    token = os.read(queue, 1)
    return token[0] if token else None


def betweenness_by_sources(n: int, edges: list[tuple[int, int]], weights: list[float] | None,
                           jobs: int) -> list[float]:
    """Raw (unnormalised) betweenness of every vertex of an undirected graph, computed by source vertex in
    PIECES pieces shared by this process and `jobs` - 1 workers, and summed in piece order.

    Exact: each shortest path is counted from its one source, so the pieces add up to igraph's whole-graph
    betweenness (to rounding, about 1e-12 relative), and summed in a fixed order they give the same numbers
    bit for bit whatever `jobs` is and whichever process took which piece. Sources are dealt round-robin, so
    each piece gets a like share of hubs and leaves. On POSIX systems a process takes the next piece when it
    finishes one, so on a busy machine a process that gets less of a core computes fewer pieces instead of
    holding the others up (a worker slow to start may compute none); elsewhere each process has a fixed share.
    Each worker reads its job from a file, so this process starts on its own pieces at once.
    """
    pieces = max(1, min(PIECES, n))
    queue: int | None = None
    shares: list[int | list[int]] = [list(range(k, pieces, jobs)) for k in range(jobs)]
    if SHARED_QUEUE:
        queue, feed = os.pipe()
        os.write(feed, bytes(range(pieces)))  # 256 bytes at most: well within a pipe's buffer, written at once
        os.close(feed)
        shares = [queue] * jobs
    workers = []
    try:
        for share in shares[1:]:
            job = pickle.dumps((n, edges, weights, pieces, share), protocol=pickle.HIGHEST_PROTOCOL)
            with tempfile.TemporaryFile() as copy:  # one each: a shared file would share its read position
                copy.write(job)
                copy.seek(0)
                workers.append(subprocess.Popen([sys.executable, "-m", "netmap.workers"], stdin=copy,
                                                stdout=subprocess.PIPE, pass_fds=() if queue is None else (queue,)))
        found = _betweenness_pieces(n, edges, weights, pieces, shares[0])
        for worker in workers:
            assert worker.stdout is not None
            output = worker.stdout.read()
            worker.stdout.close()
            if worker.wait() != 0:
                raise RuntimeError(f"a betweenness worker failed (exit status {worker.returncode})")
            found.update(pickle.loads(output))  # noqa: S301 - our own child's answer to our own job
    finally:
        if queue is not None:
            os.close(queue)
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()
    total = np.zeros(n, dtype=float)
    for piece in range(pieces):
        total += found[piece]
    return [float(v) for v in total]


if __name__ == "__main__":  # a worker: one job on stdin, its pieces on stdout
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # igraph's drawing is not needed: 0.25 s less
    job = pickle.load(sys.stdin.buffer)  # noqa: S301 - written by the parent that started this process
    sys.stdout.buffer.write(pickle.dumps(_betweenness_pieces(*job), protocol=pickle.HIGHEST_PROTOCOL))
