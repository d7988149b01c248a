"""The session's isolation from the user's own netmap data (tests/conftest.py): HOME and the data folder are
temporary ones, a write under the user's folders is noticed, and tests are grouped for pytest-xdist's workers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.neo4j_server import unavailable
from netmap.config import data_dir
from tests.background import BackgroundServer
from tests.conftest import fingerprint, heaviest_groups_first, measured_group_lengths, xdist_group_of


def test_home_and_the_data_folder_are_temporary_not_the_users() -> None:
    home = Path(os.environ["HOME"])
    users = [Path(f) for f in os.environ["PYTEST_NETMAP_USER_FOLDERS"].split(os.pathsep)]
    assert home.name == "home" and home.parent.name.startswith("netmap-tests-home-")
    assert Path.home() == home and data_dir().is_relative_to(home.parent)
    assert all(not folder.is_relative_to(home.parent) for folder in users), users
    assert data_dir() not in users


def test_a_file_written_created_or_deleted_under_a_folder_changes_its_fingerprint(tmp_path: Path) -> None:
    folder = tmp_path / "netmap"
    assert fingerprint([folder]) == {}  # a folder that does not exist: nothing to compare
    folder.mkdir()
    (folder / "users.db").write_bytes(b"one")
    before = fingerprint([folder])
    assert fingerprint([folder]) == before
    (folder / "users.db").write_bytes(b"two!")
    assert fingerprint([folder]) != before
    before = fingerprint([folder])
    (folder / "store.db").write_bytes(b"")
    assert fingerprint([folder]) != before
    before = fingerprint([folder])
    (folder / "store.db").unlink()
    assert fingerprint([folder]) != before


def test_a_test_runs_in_its_modules_group(request: pytest.FixtureRequest) -> None:
    assert xdist_group_of(request.node) == "tests/test_isolation.py"
    if getattr(request.config.option, "loadgroup", False):  # a worker of --dist loadgroup: the scheduler sees it
        assert request.node.nodeid.endswith("@tests/test_isolation.py"), request.node.nodeid


@pytest.mark.parametrize("kind", ["sqlite", "neo4j"])
def test_a_test_of_the_live_neo4j_runs_in_its_group_and_is_slow(request: pytest.FixtureRequest, kind: str) -> None:
    assert xdist_group_of(request.node) == ("tests/test_isolation.py::neo4j" if kind == "neo4j"
                                            else "tests/test_isolation.py")
    assert (request.node.get_closest_marker("slow") is not None) == (kind == "neo4j")  # out of the fast set


@pytest.mark.xdist_group("tests/test_isolation.py::apart")
def test_a_test_may_name_its_own_group(request: pytest.FixtureRequest) -> None:
    assert xdist_group_of(request.node) == "tests/test_isolation.py::apart"


class _Test:
    """A stand-in for a collected test: its node id, and its marks (xdist_group, slow)."""

    def __init__(self, nodeid: str, *marks: pytest.MarkDecorator) -> None:
        self.nodeid, self.marks = nodeid, [mark.mark for mark in marks]

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return next((mark for mark in self.marks if mark.name == name), None)


def test_groups_are_handed_out_heaviest_first_each_in_its_own_order() -> None:
    """Two slow browser tests outweigh twenty quick ones, which outweigh one; a group's tests keep their order."""
    quick = [_Test(f"tests/test_a.py::test_{i}") for i in range(20)]
    one = _Test("tests/test_b.py::test_one")
    browser = [_Test(f"tests/test_c.py::test_{i}", pytest.mark.slow) for i in range(2)]
    apart = _Test("tests/test_a.py::test_apart", pytest.mark.xdist_group("tests/test_a.py::apart"), pytest.mark.slow)
    ordered = heaviest_groups_first([one, *quick[:10], apart, *browser, *quick[10:]])  # type: ignore[list-item]
    assert [t.nodeid for t in ordered] == [t.nodeid for t in [*browser, apart, *quick, one]]


def test_a_groups_measured_length_outweighs_its_reckoned_one() -> None:
    """A group measured long in a whole run (tests/data/group_lengths.json, benchmarks/timeline.py) goes first,
    however few and quick its tests; groups not measured keep their reckoned order."""
    quick = [_Test(f"tests/test_a.py::test_{i}") for i in range(3)]
    browser = [_Test(f"tests/test_c.py::test_{i}", pytest.mark.slow) for i in range(2)]
    one = _Test("tests/test_b.py::test_one")
    ordered = heaviest_groups_first([one, *browser, *quick], {"tests/test_a.py": 300.0})  # type: ignore[list-item]
    assert [t.nodeid for t in ordered] == [t.nodeid for t in [*quick, *browser, one]]


def test_the_measured_lengths_are_read_from_their_file(tmp_path: Path) -> None:
    assert measured_group_lengths(tmp_path / "absent.json") == {}
    (tmp_path / "lengths.json").write_text('{"source": "a run", "lengths": {"tests/test_a.py": 12.5, '
                                           '"tests/test_b.py::neo4j": 40}}')
    assert measured_group_lengths(tmp_path / "lengths.json") == {"tests/test_a.py": 12.5,
                                                                 "tests/test_b.py::neo4j": 40.0}


@contextmanager
def _server(log: list[str], fail: bool = False) -> Iterator[str]:
    log.append("start")
    if fail:
        raise RuntimeError("no Java")
    yield "bolt://127.0.0.1:1"
    log.append("stop")


def test_a_server_started_in_the_background_is_handed_out_and_stopped() -> None:
    log: list[str] = []
    server = BackgroundServer(lambda: _server(log))
    assert server.value() == "bolt://127.0.0.1:1" and server.value() == "bolt://127.0.0.1:1"
    server.stop()
    assert log == ["start", "stop"]
    failing = BackgroundServer(lambda: _server(log, fail=True))
    with pytest.raises(RuntimeError, match="no Java"):
        failing.value()
    failing.stop()


def test_the_live_neo4j_is_started_in_the_background_only_where_a_test_needs_it(
        request: pytest.FixtureRequest) -> None:
    """In the process running this test, the Neo4j was started early exactly when collected tests use it in at
    least as many groups as there are workers (each worker will run some)."""
    from tests.conftest import REPO, _shared_server_of

    # pytest's own conftest module (imported as "conftest"; `tests.conftest` is another copy of it)
    conftest = request.config.pluginmanager.get_plugin(str(REPO / "tests" / "conftest.py"))
    groups = {xdist_group_of(item) for item in request.session.items if _shared_server_of(item) == "neo4j"}
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    needs = bool(groups) and len(groups) >= workers
    assert ("neo4j_uri" in conftest._STARTED) == (needs and unavailable() is None)


def test_the_kept_lengths_name_groups_that_exist() -> None:
    """Every group in tests/data/group_lengths.json is one a test of this suite runs in (a module's, or a module's
    Neo4j group): a renamed module leaves no stale length to mislead the order unnoticed."""
    from tests.conftest import REPO

    for group in measured_group_lengths():
        module = group.split("::")[0]
        assert (REPO / module).is_file() or "::" not in group and not group.startswith("tests/"), group
