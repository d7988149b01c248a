"""Secondees ranked without the whole snapshot's graphs (Snapshot.recommend, netmap.analysis.secondees): the same
people, in the same order, described the same way, as the whole graphs' planner proposes, on a hand-built trust
with an isolated school and on the sample trust; neither builds the whole snapshot's graphs, and a secondee's home
school is described without its island's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

import pytest

from netmap.dataset import Dataset
from netmap.errors import AnalysisError
from netmap.ingest.validate import read_trust
from netmap.snapshot import Snapshot
from netmap.store import SQLiteStore
from tests.conftest import QUICK
from tests.trusts import RANKING_SCHOOLS, SAMPLE, ranking_trust

ASKED = [{}, {"central": True}, {"subject": "maths"}, {"role": "teacher"}, {"subject": "english", "top": 3}]


def _stored(store: SQLiteStore, dataset: Dataset, as_of: str) -> tuple[Snapshot, Snapshot]:
    """Two fresh Snapshot objects of `dataset` kept in `store` (the analysis computed once and kept)."""
    store.write_snapshot(dataset, as_of, source="test")
    Snapshot.open(store, options=QUICK).analyse()
    return Snapshot.open(store, options=QUICK), Snapshot.open(store, options=QUICK)


def _same_keys(islands: Snapshot, whole: Snapshot, school: str, asked: dict[str, object]) -> None:
    """Everyone outside `school`'s island is scored from their figures exactly as the whole planner scores them:
    the same people, keys, gains, fit and score."""
    kwargs = {k: v for k, v in asked.items() if k != "top"}
    target = islands.island_planner(school)
    figures = islands.secondee_figures.scored(target, school, **kwargs)  # type: ignore[arg-type]
    every = whole.planner.scored(school, **kwargs)  # type: ignore[arg-type]
    assert sorted(figures) == sorted(s for s in every if s.person not in target.school_of), (school, asked)


def _proposals(snapshot: Snapshot, school: str, asked: dict[str, object], whole: bool) -> list[dict[str, object]]:
    kwargs = {"top": 10, **asked}
    found = (snapshot.planner.recommend(school, **kwargs) if whole  # type: ignore[arg-type]
             else snapshot.recommend(school, **kwargs))  # type: ignore[arg-type]
    return [asdict(c) for c in found]


def test_an_isolated_schools_secondees_are_the_whole_graphs(store: SQLiteStore) -> None:
    """The ranking trust (tests/trusts.py): T is an island of its own (its staff are tied only to
    each other), so every secondee comes from another island; every school's proposals, with or without a subject,
    a role or the central team asked for, equal the whole planner's field by field, without the whole graphs."""
    islands, whole = _stored(store, ranking_trust(), "2026-07-01")
    assert len({islands.islands.number_of(s) for s in RANKING_SCHOOLS}) > 1
    assert islands.islands.number_of("T") not in {islands.islands.number_of(s) for s in RANKING_SCHOOLS if s != "T"}
    proposed = [c["staff_id"] for c in _proposals(islands, "T", {}, whole=False)]
    assert proposed and "t1" not in proposed and "l1" not in proposed  # others' staff; l1 starts a secondment
    # their homes are described from each home school's people and contacts, not their islands' graphs
    assert list(islands._island_graphs) == [islands.islands.number_of("T")]
    for school in RANKING_SCHOOLS:
        for asked in ASKED:
            _same_keys(islands, whole, school, asked)
            assert _proposals(islands, school, asked, whole=False) == _proposals(whole, school, asked, whole=True), (
                school, asked)
    assert "graphs" not in islands.__dict__  # never the whole snapshot's graphs


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Snapshot, Snapshot]]:
    with SQLiteStore(tmp_path_factory.mktemp("sample") / "netmap.db") as store:
        yield _stored(store, read_trust(SAMPLE)[0], "2026-07-01")


def test_the_samples_secondees_are_the_whole_graphs(sample: tuple[Snapshot, Snapshot]) -> None:
    """On the sample trust, for its isolated schools and a few others, the same proposals as the whole planner."""
    islands, whole = sample
    schools = islands.analysis.schools
    targets = [*schools.loc[schools["is_isolated"], "school_id"], *schools["school_id"].iloc[::9]]
    assert len(targets) > 3
    for school in targets:
        for asked in ASKED[:3]:
            _same_keys(islands, whole, school, asked)
            assert _proposals(islands, school, asked, whole=False) == _proposals(whole, school, asked, whole=True), (
                school, asked)
    assert "graphs" not in islands.__dict__


def test_introductions_are_the_whole_graphs(sample: tuple[Snapshot, Snapshot]) -> None:
    """A disconnected colleague's introductions (and anyone's), from their island and everyone's figures, are the
    whole planner's, field by field, without the whole graphs; someone not in post is refused the same way."""
    islands, whole = sample
    staff = islands.analysis.staff
    people = [*staff.loc[staff["is_disconnected"], "staff_id"][:20], *staff["staff_id"].iloc[::97]]
    offered = 0
    for person in people:
        found = [asdict(i) for i in islands.introductions(person)]
        assert found == [asdict(i) for i in whole.planner.introductions(person)], person
        offered += len(found)
    assert offered > len(people)  # most are offered someone: the comparison is not of empty lists
    assert "graphs" not in islands.__dict__
    with pytest.raises(AnalysisError, match="not a member of staff in post"):
        islands.introductions("NOBODY")
