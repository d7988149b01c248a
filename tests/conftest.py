"""Shared fixtures: a tiny valid trust copied per test, a helper to edit its files, a fresh store; the whole
session kept away from the user's own netmap data (HOME, the data folder and every NETMAP_* path), and checked to
have left it untouched; under pytest-xdist, the grouping of tests into workers (README, "Development"); and the
run's timeline (tests/timeline.py; benchmarks/timeline.py reads it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
import pytest
from flask import Flask

from netmap.analysis.options import AnalysisOptions
from netmap.ingest.validate import read_trust
from netmap.store import GraphStore, SQLiteStore
from tests import timeline
from tests.background import BackgroundServer
from tests.trusts import SAMPLE, TINY, planted_dataset

if TYPE_CHECKING:
    from netmap.analysis import Analysis
    from netmap.graphs import TrustGraphs

REPO = Path(__file__).parent.parent
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"
_ISOLATED_HOME = Path(tempfile.mkdtemp(prefix="netmap-tests-home-"))


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported, point HOME and the XDG folders at a temporary folder and drop the
    user's NETMAP_* settings (tests-only ones stay), so that no test can read or write the user's store, users
    file or secret key, and a developer's environment cannot change what a test sees; and declare a cheap password
    hash (NETMAP_TEST_PASSWORD_HASH) unless one is set. The user's own netmap
    folders are noted first (in PYTEST_NETMAP_USER_FOLDERS, which pytest-xdist's workers inherit) for the check that
    the session left them untouched."""
    os.environ.setdefault("PYTEST_NETMAP_USER_FOLDERS", os.pathsep.join(_user_folders()))
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        folder = _ISOLATED_HOME / variable.lower()
        folder.mkdir(exist_ok=True)
        os.environ[variable] = str(folder)
    for variable in [v for v in os.environ if v.startswith("NETMAP_") and not v.startswith("NETMAP_TEST_")]:
        del os.environ[variable]
    # A password costs 0.1 s of CPU with production's scrypt; the suite's many logins use a cheap declared method
    # instead (tests/test_sessions.py checks that the production default is still scrypt at its cost).
    os.environ.setdefault("NETMAP_TEST_PASSWORD_HASH", CHEAP_PASSWORD_HASH)
    keep_group_order(config)
    timeline.register(config, xdist_group_of)


def keep_group_order(config: pytest.Config) -> None:
    """Under --dist loadgroup, let pytest-xdist hand out the groups in the order heaviest_groups_first gives them,
    not re-sorted by their number of tests (a group of 100 quick tests is not longer than one of 4 browser tests)."""
    if getattr(config.option, "dist", "no") == "loadgroup":
        config.option.loadscopereorder = False


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_ISOLATED_HOME, ignore_errors=True)


def _user_folders() -> list[str]:
    """The folders where netmap keeps the user's own data, settings, cache and state, as the environment says
    now (called before HOME is moved)."""
    return [platformdirs.user_data_dir("netmap", appauthor=False), platformdirs.user_config_dir("netmap"),
            platformdirs.user_cache_dir("netmap"), platformdirs.user_state_dir("netmap")]


def fingerprint(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file and folder under `folders` with its modification time (ns) and size: equal fingerprints mean
    nothing there was written, created or deleted in between."""
    found = {}
    for folder in folders:
        for path in [folder, *folder.rglob("*")] if folder.exists() else []:
            stat = path.lstat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


@pytest.fixture(scope="session", autouse=True)
def _users_own_folders_untouched() -> Iterator[None]:
    """Fails the session (at the last test's teardown) if anything under the user's own netmap folders changed
    while the tests ran: the tests must write only in temporary folders, whatever `./run demo` left there."""
    folders = [Path(f) for f in os.environ["PYTEST_NETMAP_USER_FOLDERS"].split(os.pathsep)]
    before = fingerprint(folders)
    yield
    changed = sorted(set(fingerprint(folders).items()) ^ set(before.items()))
    assert not changed, f"the tests wrote into the user's own netmap folders (HOME is not isolated): {changed[:5]}"


SHARED = {"neo4j_uri": "neo4j"}  # fixture: the server it starts once a worker, and the suffix of its tests' groups


def xdist_group_of(item: pytest.Item) -> str:
    """The group of pytest-xdist's workers a test runs in (--dist loadgroup): its module's (its module-scoped
    trusts and servers are built once, in one worker), with a shared server's suffix for a test of the live Neo4j
    (by fixture or by a "neo4j" parameter: each worker that runs one starts one server, so the Neo4j modules spread
    over the workers), unless the test names its own group with @pytest.mark.xdist_group (to split a long module
    whose parts share nothing across the workers)."""
    explicit = item.get_closest_marker("xdist_group")
    if explicit is not None:
        return str(explicit.args[0])
    module = item.nodeid.split("::")[0]
    shared = _shared_server_of(item)
    return f"{module}::{shared}" if shared else module


def _shared_server_of(item: pytest.Item) -> str | None:
    """The shared server (SHARED) a test uses, by fixture or by parameter, or None."""
    callspec = getattr(item, "callspec", None)
    by_parameter = callspec is not None and any(value == "neo4j" for value in callspec.params.values()
                                                 if isinstance(value, str))
    uses = set(getattr(item, "fixturenames", ())) | ({"neo4j_uri"} if by_parameter else set())
    shared = sorted(SHARED[name] for name in uses & set(SHARED))
    return shared[0] if shared else None


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks and -m deselects by them
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put each test in its xdist group; mark every test of a shared server (the live Neo4j) slow: starting one
    takes tens of seconds, and the fast set covers the Neo4j store's code through its double (tests/neo4j_double.py).
    In an xdist worker, order the groups heaviest first (see heaviest_groups_first)."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group_of(item)))
        if _shared_server_of(item) is not None:
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):
        items[:] = heaviest_groups_first(items)


# What a test is reckoned to cost (s) when the groups are ordered and its group's length was not measured: a slow
# test takes seconds to a minute, most others a fraction of a second. Measured lengths are better (GROUP_LENGTHS).
SLOW_TEST_WEIGHT, TEST_WEIGHT = 10.0, 0.2
# Each group's length (s) in a whole run, as benchmarks/timeline.py measured it from the timeline (tests/timeline.py)
# and wrote it (`python -m benchmarks.timeline --group-lengths tests/data/group_lengths.json`): {"source": where
# and when measured, "lengths": {group: seconds}}; a group not in it (new, renamed) is reckoned from its tests.
GROUP_LENGTHS = REPO / "tests" / "data" / "group_lengths.json"


def measured_group_lengths(path: Path = GROUP_LENGTHS) -> dict[str, float]:
    """The groups' lengths measured in a whole run (GROUP_LENGTHS), or none where it was never measured."""
    if not path.exists():
        return {}
    return {str(g): float(s) for g, s in json.loads(path.read_text(encoding="utf-8"))["lengths"].items()}


def heaviest_groups_first(items: list[pytest.Item], measured: dict[str, float] | None = None) -> list[pytest.Item]:
    """The tests with their xdist groups in order of cost, heaviest first, each group's own order kept: its length
    as `measured` (default: GROUP_LENGTHS) where it was, else reckoned from its tests. pytest-xdist hands the next
    group in this order to whichever worker is free (--no-loadscope-reorder, set in pytest_configure), so the long
    groups start early and the many short ones fill in at the end, and the two workers finish together instead of
    one waiting while the other runs a long group taken last."""
    lengths = measured_group_lengths() if measured is None else measured
    weight: dict[str, float] = {}
    for item in items:
        group = xdist_group_of(item)
        slow = item.get_closest_marker("slow") is not None
        weight[group] = weight.get(group, 0.0) + (SLOW_TEST_WEIGHT if slow else TEST_WEIGHT)
    weight.update({group: lengths[group] for group in weight if group in lengths})
    rank = {group: place for place, group in enumerate(sorted(weight, key=lambda g: -weight[g]))}
    return sorted(items, key=lambda item: rank[xdist_group_of(item)])


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of tests/data/tiny: 3 schools, 5 staff, 2 groups, 4 ties."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    """Replace `old` (which must occur) with `new` in folder/name.csv."""
    path = folder / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(folder: Path, name: str, line: str) -> None:
    with (folder / f"{name}.csv").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The web app over the planted trust (tests/data/planted), with a user of each role (tests/web_helpers)."""
    from tests.web_helpers import make_app

    return make_app(tmp_path, planted_dataset())


def skip_unless_required(reason: str | None, required_by: str, what: str) -> None:
    """Skip with `reason` when something a test needs is missing, unless environment variable `required_by` is
    set (CI sets it): then the run fails, so a missing tool can never pass unnoticed."""
    if reason and os.environ.get(required_by):
        pytest.fail(f"{what} must run here ({required_by} is set), but {reason}")
    if reason:
        pytest.skip(f"{what} cannot run: {reason}")


_STARTED: dict[str, BackgroundServer] = {}  # the shared servers this process started in the background, by fixture


def pytest_collection_finish(session: pytest.Session) -> None:
    """In a process that runs tests (a worker, or the only process), start the live Neo4j in the background as
    soon as a test that will run here (not deselected) uses it: Java's start then overlaps the tests before it
    instead of holding up the first Neo4j test. A worker cannot know which groups it will be given, so under
    pytest-xdist only when there are at least as many Neo4j groups as workers (the whole suite has nine, handed
    out among the first: each worker runs some); with fewer, the worker given one starts its server then."""
    config = session.config
    controller = bool(config.getoption("numprocesses", default=None)) and not hasattr(config, "workerinput")
    if config.option.collectonly or controller or "neo4j_uri" in _STARTED:
        return
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    groups = {xdist_group_of(item) for item in session.items if _shared_server_of(item) == SHARED["neo4j_uri"]}
    if groups and len(groups) >= workers:
        from benchmarks.neo4j_server import neo4j_server, unavailable

        if unavailable() is None:
            server = _STARTED["neo4j_uri"] = BackgroundServer(neo4j_server)
            config.add_cleanup(server.stop)


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """A live Neo4j for the rest of the session, one a worker (benchmarks/neo4j_server.py), started in the
    background once collected tests need it (pytest_collection_finish); skipped with the reason where none can
    run, failed where NETMAP_TEST_REQUIRE_NEO4J says it must (CI)."""
    from benchmarks.neo4j_server import neo4j_server, unavailable

    skip_unless_required(unavailable(), "NETMAP_TEST_REQUIRE_NEO4J", "the Neo4j tests")
    started = _STARTED.get("neo4j_uri")
    if started is not None:
        yield started.value()
        return
    with neo4j_server() as uri:
        yield uri


def neo4j_store(uri: str) -> GraphStore:
    """A Neo4jStore on the live server at `uri` (the neo4j_uri fixture's), with netmap's schema set up."""
    from netmap.config import read_settings
    from netmap.store.neo4j import Neo4jStore

    settings = read_settings()
    store = Neo4jStore(uri, user=settings.neo4j_user, password=settings.neo4j_password,
                       database=settings.neo4j_database)
    store.init_schema()
    return store


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Playwright's driver, one per worker (tests/browser.py starts it): every browser a test uses comes from it."""
    from tests.browser import start_playwright

    yield from start_playwright()


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per worker; each test opens a context of its own."""
    from tests.browser import launch_chromium

    launched = launch_chromium(playwright_driver)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def sample_graphs() -> TrustGraphs:
    """The sample trust (data/samples/trust, 2,000 staff) as of 2026-07-01, built once a session: read only."""
    from netmap.graphs import build_graphs

    return build_graphs(read_trust(SAMPLE)[0], "2026-07-01")


# The analysis profile of every test that reads no p-value and no named list's stability: the permutation tests'
# relabellings (999 by default) are a third of a small trust's analysis and of the sample's; the tests of those
# measures (tests/test_network_measures.py, tests/test_sensitivity.py) keep the full counts.
QUICK = AnalysisOptions.profile("quick")


@pytest.fixture(scope="session")
def sample_analysis(sample_graphs: TrustGraphs) -> Analysis:
    """The sample trust's analysis with the QUICK profile, computed once a session (an analysis is plain data):
    read only."""
    from netmap.analysis import analyse

    return analyse(sample_graphs, QUICK)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore(tmp_path / "store.db") as s:
        yield s


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the browser tests left their screenshots and first-draw times."""
    shots = REPO / "test-artifacts" / "screenshots"
    if shots.is_dir() and any(shots.iterdir()):
        terminalreporter.write_line(f"Browser screenshots: {shots}")
        timings = REPO / "test-artifacts" / "first-draw.json"
        if timings.exists():
            terminalreporter.write_line(f"Time to first draw (ms): {timings.read_text().strip()}")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Set netmap's clock (netmap.clock) for the rest of the test: `clock(at)` makes now() return `at` (an aware
    date-time) and today() its UTC date, in the library and the web app alike."""
    import netmap.clock

    def set_to(at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError(f"the clock is set to an aware date-time (in UTC), not {at!r}")
        monkeypatch.setattr(netmap.clock, "_source", lambda: at.astimezone(dt.UTC))

    return set_to
