"""Run independent pieces of one analysis (its batches of islands) in forked worker processes, results in order.

A forked worker inherits the parent's memory as it stands (the snapshot already read, the batch plan), so nothing
is copied to it but a piece's number, and only its result (one batch's tables and int32 arrays) is sent back. Each
worker does one piece and exits (what it built is returned to the system, not kept in a grown heap), and the
parent's objects are frozen out of the garbage collector first, so a worker's collections do not touch, and so
copy, every page of the snapshot it shares. Forking is only safe in a process running no other thread (a web
server's request threads, a database driver's), so such a process, one with a single core, or a platform without
fork computes the pieces itself, one after another: the results are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = ["available_workers", "forked_map"]

T = TypeVar("T")

_work: Callable[[int], Any] | None = None  # set in each worker by _hold, inherited through fork, never pickled


def available_workers() -> int:
    """The worker processes this process may use: its cores, or 1 when forking is unsafe or unavailable."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def forked_map(work: Callable[[int], T], count: int, workers: int) -> Iterator[T]:
    """work(0), work(1), ... work(count - 1), in that order, computed by up to `workers` forked processes, each
    piece in a fresh one; in this process, one after another, when `workers` or `count` is under 2.

    `work` may be any callable (a closure over the parent's data): it reaches the workers through fork, not
    pickle; its results must pickle. An exception in a worker is raised here."""
    if workers < 2 or count < 2:
        yield from map(work, range(count))
        return
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, count), _hold, (work,),
                                                      maxtasksperchild=1) as pool:
            yield from pool.imap(_call, range(count))
    finally:
        gc.unfreeze()


def _hold(work: Callable[[int], Any]) -> None:
    global _work
    _work = work


def _call(k: int) -> Any:
    assert _work is not None, "a worker runs only what _hold gave it"
    return _work(k)
