"""Forked worker processes: forked_map's results in order from other processes, and a batched analysis of a trust
of many islands computed in two worker processes equal, to the last digit, to the same analysis in one process."""

from __future__ import annotations

import json
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator

import pandas as pd
import pytest

from netmap.analysis import centrality, engine, forked
from netmap.analysis.engine import Analysis, analyse_snapshot, plain_json
from netmap.analysis.forked import MAX_WORKERS, WorkerDied, available_workers, forked_map
from netmap.analysis.islands import Batches
from netmap.dataset import Dataset
from netmap.ingest.validate import read_trust
from netmap.sample.generator import generate_sample
from tests.conftest import QUICK

AS_OF = "2026-07-01"


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def test_forked_map_returns_each_pieces_result_in_order_from_worker_processes() -> None:
    parent = os.getpid()
    found = list(forked_map(lambda k: (k * k, os.getpid()), 5, workers=2))
    assert [value for value, _ in found] == [0, 1, 4, 9, 16]
    assert parent not in {pid for _, pid in found}
    assert len({pid for _, pid in found}) == 5  # each piece in a fresh process


def test_forked_map_in_this_process_for_one_worker_or_one_piece() -> None:
    assert list(forked_map(lambda k: os.getpid(), 3, workers=1)) == [os.getpid()] * 3
    assert list(forked_map(lambda k: os.getpid(), 1, workers=2)) == [os.getpid()]


def test_a_workers_exception_is_raised_in_the_parent() -> None:
    def fail(k: int) -> int:
        if k == 1:
            raise ValueError("piece 1 failed")
        return k

    with pytest.raises(ValueError, match="piece 1 failed"):
        list(forked_map(fail, 3, workers=2))


def test_no_workers_while_another_thread_runs() -> None:
    """Forking a process with other threads can copy a lock one of them holds: such a process works alone."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert available_workers() == 1
    finally:
        release.set()
        other.join()


def _children() -> set[int]:
    """This process's child processes now (Linux)."""
    with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as listing:
        return {int(pid) for pid in listing.read().split()}


@pytest.fixture
def deadline() -> Iterator[None]:
    """A test that would hang fails instead after 20 s."""
    def late(_signum: int, _frame: object) -> None:
        raise TimeoutError("forked_map did not return within 20 s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_killed_worker_is_an_error_naming_its_piece_and_no_worker_is_left(deadline: None) -> None:
    """A worker killed before it answers (the OOM killer's SIGKILL) is reported at once; the others are ended."""
    def work(k: int) -> int:
        if k == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        elif k != 0:
            time.sleep(60)  # still running when piece 1 dies: must be killed, not waited for
        return k

    before = _children()
    with pytest.raises(WorkerDied, match=r"piece 1 died without answering \(signal SIGKILL\)"):
        list(forked_map(work, 4, workers=3))
    assert _children() <= before


def test_every_worker_is_forked_by_the_calling_thread_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """No fork from a helper thread while other threads run (a pool's replacement workers): unsafe, and
    deprecated from Python 3.12."""
    threads_at_fork: list[int] = []
    fork = os.fork

    def counted() -> int:
        threads_at_fork.append(threading.active_count())
        return fork()

    monkeypatch.setattr(os, "fork", counted)
    running = threading.active_count()  # this test's thread, and any an earlier test in this process left behind
    assert list(forked_map(lambda k: k, 5, workers=2)) == [0, 1, 2, 3, 4]
    assert threads_at_fork == [running] * 5  # no thread of forked_map's own (a pool's) is running at any fork


def test_betweenness_in_a_worker_uses_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's siblings hold the other cores: betweenness inside it starts no processes of its own."""
    import networkx as nx

    jobs: list[int] = []
    split = centrality.betweenness_by_sources

    def recorded(n: int, edges: list[tuple[int, int]], weights: list[float] | None, jobs_: int) -> list[float]:
        jobs.append(jobs_)
        return split(n, edges, weights, jobs_)

    monkeypatch.setattr(centrality, "PARALLEL_MIN_NODES", 10)
    monkeypatch.setattr(centrality, "free_cores", lambda: 2)
    monkeypatch.setattr(centrality, "betweenness_by_sources", recorded)
    graph = nx.path_graph(12)

    def work(_k: int) -> tuple[list[int], dict[object, float]]:
        return jobs, centrality.betweenness(graph)

    in_workers = list(forked_map(work, 2, workers=2))
    assert [used for used, _ in in_workers] == [[1], [1]]
    assert jobs == []  # recorded in the workers only
    here = centrality.betweenness(graph)
    assert jobs == [2]  # outside a worker, the free cores
    assert all(values == here for _, values in in_workers)


def test_workers_are_capped_whatever_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """sched_getaffinity sees a container's every core: 64 of them must not mean 64 forks of tiny batches."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(64)), raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # as in `netmap analyse` (an earlier test may leave one)
    assert available_workers() == MAX_WORKERS == 4
    monkeypatch.setattr(forked, "_in_worker", True)
    assert available_workers() == 1


@pytest.fixture(scope="module")
def islands(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """120 schools and 2,400 staff in 16 islands (separate hubs and unreachable schools)."""
    folder = tmp_path_factory.mktemp("islands")
    generate_sample(folder, schools=120, staff=2400, seed=3)
    return read_trust(folder)[0]


def _same_to_the_digit(a: Analysis, b: Analysis) -> None:
    for name in ("staff", "schools", "groups", "wiring", "bridges"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert json.dumps(a.summary, default=plain_json) == json.dumps(b.summary, default=plain_json)


@pytest.mark.slow
def test_batches_in_two_worker_processes_equal_one_process(islands: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batches, then the three permutation tests (forked whatever the ties), each in a worker process."""
    assert len(Batches(islands, AS_OF, 300)) == 6
    serial = analyse_snapshot(islands, AS_OF, QUICK, batch_staff=300, workers=1)
    monkeypatch.setattr(engine, "FORK_TIES", 0)
    before = _children_cpu()
    told: list[tuple[str, int, int]] = []
    parallel = analyse_snapshot(islands, AS_OF, QUICK, batch_staff=300, workers=2,
                                progress=lambda *step: told.append(step))
    assert _children_cpu() > before  # the batches were analysed in worker processes, now ended
    _same_to_the_digit(parallel, serial)
    steps = len(told)
    assert [done for _, done, _ in told] == list(range(steps)) and {total for *_, total in told} == {steps}
