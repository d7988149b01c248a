"""The session's isolation from the user's own netmap data (tests/conftest.py): HOME and the data folder are
temporary ones, a write under the user's folders is noticed, and tests are grouped for pytest-xdist's workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netmap.config import data_dir
from tests.conftest import fingerprint, heaviest_groups_first, xdist_group_of


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
