"""Run independent pieces of one analysis (its batches of islands) in forked worker processes, results in order.

A forked worker inherits the parent's memory as it stands (the snapshot already read, the batch plan), so nothing
is copied to it but a piece's number, and only its result (one batch's tables and int32 arrays) is sent back. Each
worker does one piece and exits (what it built is returned to the system, not kept in a grown heap), and the
parent's objects are frozen out of the garbage collector first, so a worker's collections do not touch, and so
copy, every page of the snapshot it shares. Forking is only safe in a process running no other thread (a web
server's request threads, a database driver's), so such a process, one with a single core, or a platform without
fork computes the pieces itself, one after another: the results are the same either way.

Every worker is forked by the calling thread itself (no pool, whose helper threads fork replacement workers
while the parent runs threads), with its own pipe; the parent waits on the pipes and the processes' ends together,
so a worker killed before it answers (SIGKILL, the OOM killer) is reported at once as an error naming its piece.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

__all__ = ["MAX_WORKERS", "WorkerDied", "available_workers", "forked_map", "in_forked_worker"]

T = TypeVar("T")

# At most this many workers by default, whatever the cores: sched_getaffinity ignores a container's CPU limit, and
# more workers mean smaller batches (BATCH_STAFF is shared by them), so more forks for little more speed.
MAX_WORKERS = 4

_in_worker = False  # True in a forked worker: work inside it uses one process (see in_forked_worker)


class WorkerDied(RuntimeError):
    """A forked worker ended without answering (killed by a signal, or exited)."""


def available_workers() -> int:
    """The worker processes this process may use: its cores, at most MAX_WORKERS, or 1 when forking is unsafe or
    unavailable (or this is itself a forked worker)."""
    if _in_worker or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def in_forked_worker() -> bool:
    """Whether this process is a forked_map worker, which shares the machine's cores with its siblings: code run
    inside one should start no processes of its own."""
    return _in_worker


def forked_map(work: Callable[[int], T], count: int, workers: int) -> Iterator[T]:
    """work(0), work(1), ... work(count - 1), in that order, computed by up to `workers` forked processes, each
    piece in a fresh one; in this process, one after another, when `workers` or `count` is under 2.

    `work` may be any callable (a closure over the parent's data): it reaches the workers through fork, not
    pickle; its results must pickle. An exception in a worker is raised here; a worker that dies without
    answering raises WorkerDied naming its piece and signal. Workers still running then are killed."""
    if workers < 2 or count < 2:
        yield from map(work, range(count))
        return
    context = multiprocessing.get_context("fork")
    running: dict[int, tuple[BaseProcess, Connection]] = {}
    done: dict[int, Any] = {}
    started = 0
    gc.freeze()
    try:
        for k in range(count):
            while k not in done:
                while started < count and len(running) < workers:
                    answer, send = context.Pipe(duplex=False)
                    process: BaseProcess = context.Process(target=_run, args=(work, started, send), daemon=True)
                    process.start()
                    send.close()  # the worker holds the only writing end: its death reads here as the pipe's end
                    running[started] = (process, answer)
                    started += 1
                wait([answer for _, answer in running.values()] + [p.sentinel for p, _ in running.values()])
                for piece, (process, answer) in list(running.items()):
                    if answer.poll() or not process.is_alive():
                        done[piece] = _answer(piece, process, answer)
                        del running[piece]
            ok, value = done.pop(k)
            if not ok:
                raise value
            yield value
    finally:
        for process, answer in running.values():
            process.kill()
            process.join()
            answer.close()
        gc.unfreeze()


def _answer(piece: int, process: BaseProcess, answer: Connection) -> tuple[bool, Any]:
    """A worker's (ok, result or exception), read from its pipe, once it has answered or ended."""
    try:
        result: tuple[bool, Any] = answer.recv()
    except EOFError:
        process.join()
        code = process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit status {code}"
        raise WorkerDied(f"the worker computing piece {piece} died without answering ({how})") from None
    finally:
        answer.close()
    process.join()
    return result


def _run(work: Callable[[int], Any], k: int, send: Connection) -> None:
    """A worker's body: piece k's result (or its exception) sent back through `send`."""
    global _in_worker
    _in_worker = True
    try:
        result: tuple[bool, Any] = (True, work(k))
    except Exception as error:  # noqa: BLE001 - sent to the parent, which raises it
        result = (False, error)
    try:
        send.send(result)
    except Exception as error:  # noqa: BLE001 - a result or exception that does not pickle
        send.send((False, RuntimeError(f"piece {k}'s result could not be sent back: {error!r}")))
    send.close()
