"""One contract every GraphStore keeps: the embedded store, and a live Neo4j (tests/neo4j_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netmap.config import read_settings
from netmap.errors import StorageError
from netmap.graphs import read_graphs
from netmap.ingest.validate import read_trust
from netmap.store import GraphStore, SQLiteStore
from tests.conftest import REPO, edit

SAMPLE = REPO / "data" / "samples" / "trust"


def _neo4j(uri: str) -> GraphStore:
    from netmap.store.neo4j import Neo4jStore

    settings = read_settings()
    store = Neo4jStore(uri, user=settings.neo4j_user, password=settings.neo4j_password,
                       database=settings.neo4j_database)
    store.init_schema()
    return store


@pytest.fixture(params=["sqlite", "neo4j"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    s = SQLiteStore(tmp_path / "store.db") if request.param == "sqlite" else _neo4j(
        request.getfixturevalue("neo4j_uri"))
    with s:
        if request.param == "neo4j" and s.list_snapshots():
            pytest.skip("the Neo4j test database must start empty (netmap forget DATE clears a snapshot)")
        yield s
        for info in s.list_snapshots():
            s.delete_snapshot(info.as_of)
        for kept in s.list_rounds():
            s.delete_round(kept.round_id)


def test_deleting_a_snapshot_removes_it_and_only_it(store: GraphStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2025-12-01", source="autumn")
    store.write_snapshot(dataset, "2026-04-01", source="spring")
    store.delete_snapshot("2025-12-01")
    assert [s.as_of for s in store.list_snapshots()] == ["2026-04-01"]
    assert store.read_dataset().equals(dataset)
    with pytest.raises(StorageError, match="No snapshot dated 2025-12-01"):
        store.delete_snapshot("2025-12-01")


def test_round_trip_of_the_sample_trust(store: GraphStore) -> None:
    dataset, _ = read_trust(SAMPLE)
    result = store.write_snapshot(dataset, "2026-07-01", source="sample")
    assert result.status == "created"
    assert store.read_dataset("2026-07-01").equals(dataset)
    graphs = read_graphs(store)
    assert graphs.soft.number_of_nodes() == 1964 and graphs.as_of == "2026-07-01"


def test_reload_is_idempotent(store: GraphStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2026-01-01", source="tiny")
    before = store.list_snapshots()
    assert store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny").status == "unchanged"
    assert store.list_snapshots() == before
    assert store.read_dataset().equals(dataset)


def test_failed_load_leaves_the_previous_snapshot_intact(store: GraphStore, tiny: Path) -> None:
    original, _ = read_trust(tiny)
    store.write_snapshot(original, "2026-01-01", source="tiny")
    before = store.list_snapshots()
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    changed, _ = read_trust(tiny)

    def fail_part_way(rows: int) -> None:
        raise RuntimeError("power cut")

    for as_of in ("2026-01-01", "2026-02-01"):  # replacing the date's snapshot, and adding another
        with pytest.raises((RuntimeError, StorageError)):
            store.write_snapshot(changed, as_of, source="tiny", progress=fail_part_way)
        assert store.list_snapshots() == before
        assert store.read_dataset("2026-01-01").equals(original)


def test_snapshots_are_listed_oldest_first_and_kept_apart(store: GraphStore, tiny: Path) -> None:
    autumn, _ = read_trust(tiny)
    store.write_snapshot(autumn, "2025-12-01", source="autumn")
    edit(tiny, "staff", "S5,ASH,teacher", "S5,ASH,middle-leader")
    spring, _ = read_trust(tiny)
    store.write_snapshot(spring, "2026-04-01", source="spring")
    assert [(s.as_of, s.source, s.counts["staff"]) for s in store.list_snapshots()] == [
        ("2025-12-01", "autumn", 5), ("2026-04-01", "spring", 5)]
    assert store.read_dataset("2025-12-01").equals(autumn)
    assert store.read_dataset().equals(spring)


def test_a_missing_snapshot_names_the_stored_ones(store: GraphStore, tiny: Path) -> None:
    with pytest.raises(StorageError, match="holds no snapshot yet"):
        store.read_dataset()
    store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    with pytest.raises(StorageError, match="No snapshot dated 2025-01-01. Stored snapshots: 2026-01-01."):
        store.read_dataset("2025-01-01")


def test_an_analysis_is_kept_with_its_snapshot_and_goes_with_it(store: GraphStore, tiny: Path) -> None:
    first = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").snapshot
    assert store.read_analysis(first, "k1") is None
    parts = [("meta", b'{"as_of": "2026-01-05"}'), ("staff/0", bytes(range(256)) * 40)]
    store.write_analysis(first, "k1", parts)
    assert store.read_analysis(first, "k1") == parts
    assert store.read_analysis(first, "k2") is None  # other options
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    second = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").snapshot
    assert store.read_analysis(second, "k1") is None and store.read_analysis(first, "k1") is None
    store.write_analysis(first, "k1", parts)  # an analysis of contents no longer stored is not kept
    assert store.read_analysis(first, "k1") is None
    store.write_analysis(second, "k1", parts)
    store.delete_snapshot("2026-01-05")
    store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny")
    assert store.read_analysis(store.snapshot(), "k1") is None  # deleted with its snapshot


def test_one_table_is_read_alone_as_it_was_written(store: GraphStore) -> None:
    dataset, _ = read_trust(SAMPLE)
    store.write_snapshot(dataset, "2026-07-01", source="sample")
    for name in ("schools", "groups", "tie_kinds"):
        assert store.read_table("2026-07-01", name).equals(dataset.table(name)), name


def test_survey_rounds_links_and_answers_are_kept_and_replaced_whole(store: GraphStore) -> None:
    """A round, its links (digests only), a draft replaced by submitted answers, revocation and deletion."""
    import datetime as dt

    from netmap.store.survey_records import RoundRecord
    from netmap.survey.answers import Nomination
    from netmap.survey.links import digest, new_link

    store.save_round(RoundRecord("r1", '{"title": "Summer"}', "draft", "2026-05-01T09:00:00+00:00"))
    store.save_round(RoundRecord("r1", '{"title": "Summer 2026"}', "open", "2026-06-01T09:00:00+00:00"))
    assert store.list_rounds() == [RoundRecord("r1", '{"title": "Summer 2026"}', "open",
                                               "2026-05-01T09:00:00+00:00")]  # created_at kept from the first
    until = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    (token_a, link_a), (_token_b, link_b) = new_link("r1", "a1", until), new_link("r1", "b1", until)
    store.add_links([link_a, link_b])
    assert store.find_link(digest(token_a)) == link_a and store.find_link(digest("a guess")) is None
    assert token_a not in repr(store.round_links("r1"))  # only digests are kept
    store.save_answers("r1", "a1", [Nomination("a1", "planning", "b1"), Nomination("a1", "planning", "c1")],
                       "2026-06-02", None)
    answers, submitted = store.read_answers("r1")
    assert len(answers) == 2 and submitted == {}  # a draft
    store.save_answers("r1", "a1", [Nomination("a1", "send", "c1", 3)], "2026-06-03", "2026-06-03")
    assert store.read_answers("r1") == ([(Nomination("a1", "send", "c1", 3), "2026-06-03")], {"a1": "2026-06-03"})
    store.save_answers("r1", "a1", [], "2026-06-04", None)  # withdrawn back to an empty draft
    assert store.read_answers("r1") == ([], {})
    assert store.revoke_links("r1", ["b1"], "2026-06-05T10:00:00+00:00") == 1
    assert store.find_link(link_b.digest).revoked_at == "2026-06-05T10:00:00+00:00"
    assert store.revoke_links("r1", None, "2026-06-06T10:00:00+00:00") == 1  # a1's; b1's already revoked
    store.delete_round("r1")
    assert store.list_rounds() == [] and store.find_link(link_a.digest) is None and store.round_links("r1") == []


def test_a_survey_round_runs_and_closes_into_a_snapshot_on_every_store(store: GraphStore, tiny: Path) -> None:
    """The service end to end on the store: open over the tiny trust's staff, one answer, close (a snapshot of the
    answers, all-or-nothing like a load), close again (unchanged)."""
    import datetime as dt

    from netmap.survey.answers import Nomination
    from netmap.survey.questions import QUESTION_BANK
    from netmap.survey.rounds import RoundSpec
    from netmap.survey.service import answer, close_round, create_round, open_round
    from tests.test_survey import NOTICE

    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2026-01-01", source="tiny")
    spec = RoundSpec("Spring", "2026-01-01", (QUESTION_BANK["planning"],), opens_on="2026-01-02",
                     closes_on="2026-01-20", privacy_notice=NOTICE)
    round_id = create_round(store, spec)
    tokens = dict(open_round(store, round_id))
    people = sorted(tokens)
    answer(store, tokens[people[0]], [Nomination(people[0], "planning", people[1])], submit=True,
           now=dt.datetime(2026, 1, 10, tzinfo=dt.UTC))
    assert close_round(store, round_id).status == "created"
    written = store.read_dataset("2026-01-20")
    assert list(zip(written.collaborations["source_staff_id"], written.collaborations["target_staff_id"],
                    strict=True)) == [(people[0], people[1])]
    assert close_round(store, round_id).status == "unchanged"
