"""People's rights on a live Neo4j (tests/conftest.py's server): erasure leaves nothing any query can return, in
any snapshot or survey record, while everyone else reads back intact; exclusion leaves the person out of every read
until included again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from netmap.config import read_settings
from netmap.errors import StorageError
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of, kept_analysis
from netmap.rights.erase import erase_from_store
from netmap.rights.exclusion import exclude_person, include_person, snapshots_holding
from netmap.rights.holdings import find_holdings
from netmap.rights.people import without_people
from netmap.store.neo4j import Neo4jStore
from netmap.survey.answers import Nomination
from netmap.survey.service import answer, create_round, open_round
from tests.trusts import SUBJECT_EMAIL as EMAIL
from tests.trusts import SUBJECT_ID as PERSON
from tests.trusts import SUBJECT_NAME as NAME
from tests.trusts import SUBJECT_ROUND as SPEC
from tests.trusts import SUBJECT_ROUND_DAY as DURING
from tests.trusts import subject_trust as _trust

pytestmark = pytest.mark.slow

# Every property of every node and relationship, whatever the label or type: "any query" made literal.
_EVERYTHING = ("MATCH (n) RETURN properties(n) AS held UNION ALL MATCH ()-[r]->() RETURN properties(r) AS held")


@pytest.fixture
def neo4j(neo4j_uri: str, tmp_path: Path) -> Iterator[Neo4jStore]:
    """The live store holding the trust of tests/test_person_rights in two snapshots and a survey round; emptied
    afterwards."""
    settings = read_settings()
    with Neo4jStore(neo4j_uri, user=settings.neo4j_user, password=settings.neo4j_password,
                    database=settings.neo4j_database) as store:
        dataset = read_trust(_trust(tmp_path / "trust"))[0]
        for as_of in ("2026-01-05", "2026-07-01"):
            analysis_of(store, store.write_snapshot(dataset, as_of, source="files").snapshot)
        round_id = create_round(store, SPEC)
        tokens = dict(open_round(store, round_id, now=DURING))
        answer(store, tokens[PERSON], [Nomination(PERSON, "planning", "S3")], submit=True, version=0, now=DURING)
        answer(store, tokens["S3"], [Nomination("S3", "planning", PERSON)], submit=True, version=0, now=DURING)
        yield store
        for info in store.list_snapshots():
            store.delete_snapshot(info.snapshot_id)
        for record in store.list_rounds():
            store.delete_round(record.round_id)
        for exclusion in store.excluded_people():
            store.include_person(exclusion.staff_id)


def _found(store: Neo4jStore, text: str) -> int:
    """How many nodes and relationships hold `text` (any case) in any property, bytes (kept analyses) included."""
    records = store._driver.execute_query(_EVERYTHING, database_=store.database).records
    needle = text.lower()
    return sum(any(needle in (v.decode("utf-8", "replace") if isinstance(v, bytes | bytearray) else str(v)).lower()
                   for v in record["held"].values()) for record in records)


def test_after_erasure_no_query_returns_anything_of_them(neo4j: Neo4jStore) -> None:
    assert all(_found(neo4j, text) for text in (PERSON, NAME, EMAIL))  # the search finds them before
    before = {info.snapshot_id: neo4j.read_dataset(info.snapshot_id) for info in neo4j.list_snapshots()}
    done = erase_from_store(neo4j, find_holdings(neo4j, PERSON))
    assert done.snapshots == ("2026-01-05", "2026-07-01") and len(done.rounds) == 1
    assert [_found(neo4j, text) for text in (PERSON, NAME, EMAIL, "quintrell")] == [0, 0, 0, 0]
    assert not find_holdings(neo4j, PERSON).holds_anything
    for info in neo4j.list_snapshots():  # everyone else exactly as before, the snapshot's id and date kept
        after = neo4j.read_dataset(info.snapshot_id)  # checked against the new content hash
        assert after.equals(without_people(before[info.snapshot_id], [PERSON]))
        assert kept_analysis(neo4j, info) is None  # dropped with the old contents
    round_id = neo4j.list_rounds()[0].round_id
    assert neo4j.read_answers(round_id) == ([], {"S3": "2026-07-10"})  # S3's only answer named them


def test_an_erasure_that_would_leave_a_snapshot_other_than_expected_is_rolled_back(neo4j: Neo4jStore) -> None:
    holdings = find_holdings(neo4j, PERSON)
    wrong = {snapshot_id: without_people(dataset, [PERSON, "S1"]) for snapshot_id, dataset in holdings.datasets.items()}
    with pytest.raises(StorageError, match="would leave snapshot 2026-01-05 other than expected .* nothing was "
                                           "changed"):
        neo4j.erase_person(PERSON, wrong)
    assert _found(neo4j, NAME) and find_holdings(neo4j, PERSON).holds_anything


def test_an_excluded_person_is_left_out_of_every_read_until_included(neo4j: Neo4jStore) -> None:
    held = snapshots_holding(neo4j, PERSON)
    exclude_person(neo4j, PERSON, "objection", held)
    assert [e.staff_id for e in neo4j.excluded_people()] == [PERSON]
    assert dt.datetime.fromisoformat(neo4j.excluded_people()[0].since).tzinfo is not None
    assert PERSON not in set(neo4j.read_dataset().staff["staff_id"])
    assert PERSON not in set(neo4j.read_table("2026-07-01", "collaborations")["target_staff_id"])
    assert kept_analysis(neo4j, neo4j.snapshot()) is None  # dropped: computed again without them
    assert PERSON not in set(analysis_of(neo4j, neo4j.snapshot()).staff["staff_id"])
    assert include_person(neo4j, PERSON, held) and not neo4j.excluded_people()
    assert PERSON in set(neo4j.read_dataset().staff["staff_id"])
