"""People's rights on a live Neo4j (tests/conftest.py's server): erasure leaves nothing any query can return, in
any snapshot or survey record, while everyone else reads back intact, and (on a server of the test's own, stopped
and read as bytes) nothing any file of Neo4j's holds can be read once the person's key is gone; exclusion leaves
the person out of every read until included again; the key file's absence or mismatch is refused with the fix, and
a database written in clear is sealed on first open."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.neo4j_server import CLASSES, neo4j_server
from netmap.config import read_settings
from netmap.dataset import Dataset
from netmap.errors import StorageError
from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of, kept_analysis
from netmap.rights.erase import erase_from_store
from netmap.rights.exclusion import exclude_person, include_person, snapshots_holding
from netmap.rights.holdings import find_holdings
from netmap.rights.people import without_people
from netmap.store.keyfile import KeyFile
from netmap.store.neo4j import Neo4jStore
from netmap.store.shredding import TABLE_RULES
from netmap.survey.answers import Nomination
from netmap.survey.service import answer, create_round, open_round
from tests.conftest import skip_unless_required
from tests.neo4j_double import InClear
from tests.trusts import SUBJECT_EMAIL as EMAIL
from tests.trusts import SUBJECT_ID as PERSON
from tests.trusts import SUBJECT_NAME as NAME
from tests.trusts import SUBJECT_ROUND as SPEC
from tests.trusts import SUBJECT_ROUND_DAY as DURING
from tests.trusts import subject_trust as _trust
from tests.web_helpers import NO_STABILITY

pytestmark = pytest.mark.slow

# Every property of every node and relationship, whatever the label or type: "any query" made literal.
_EVERYTHING = ("MATCH (n) RETURN properties(n) AS held UNION ALL MATCH ()-[r]->() RETURN properties(r) AS held")


def _hold(store: Neo4jStore, dataset: Dataset, person: str) -> None:
    """`dataset` in two snapshots with kept analyses, and a survey round where `person` and S3 name each other."""
    for as_of in ("2026-01-05", "2026-07-01"):
        analysis_of(store, store.write_snapshot(dataset, as_of, source="files").snapshot, NO_STABILITY)
    round_id = create_round(store, SPEC)
    links = dict(open_round(store, round_id, now=DURING))
    answer(store, links[person], [Nomination(person, "planning", "S3")], submit=True, version=0, now=DURING)
    answer(store, links["S3"], [Nomination("S3", "planning", person)], submit=True, version=0, now=DURING)


@pytest.fixture
def neo4j(neo4j_uri: str, tmp_path: Path) -> Iterator[Neo4jStore]:
    """The live store holding the trust of tests/test_person_rights in two snapshots and a survey round; emptied
    afterwards."""
    settings = read_settings()
    with Neo4jStore(neo4j_uri, user=settings.neo4j_user, password=settings.neo4j_password,
                    database=settings.neo4j_database) as store:
        _hold(store, read_trust(_trust(tmp_path / "trust"))[0], PERSON)
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


def _staff_as_held(store: Neo4jStore) -> list[dict[str, Any]]:
    """Every person's node as Neo4j holds it, in the columns read_staff returns."""
    return [r.data() for r in store._driver.execute_query(
        "MATCH (p:Staff)-[:WORKS_AT]->(s:School) RETURN p.staff_id AS staff_id, s.school_id AS school_id, "
        "p.role AS role, p.name AS name, p.subjects AS subjects, p.started_on AS started_on, p.left_on AS left_on, "
        "p.attributes AS attributes", database_=store.database).records]


def test_after_erasure_no_query_returns_anything_of_them(neo4j: Neo4jStore) -> None:
    token = neo4j._shred().known_token(PERSON)
    assert token is not None and _found(neo4j, token)  # Neo4j holds them as their token
    assert [_found(neo4j, text) for text in (PERSON, NAME, EMAIL)] == [0, 0, 0]  # and nothing of theirs in clear,
    opened = neo4j._shred().open_rows(TABLE_RULES["staff"], _staff_as_held(neo4j))
    assert {(r["staff_id"], r["name"]) for r in opened if EMAIL in r["attributes"]} == {(PERSON, NAME)}  # but keyed
    before = {info.snapshot_id: neo4j.read_dataset(info.snapshot_id) for info in neo4j.list_snapshots()}
    done = erase_from_store(neo4j, find_holdings(neo4j, PERSON))
    assert done.snapshots == ("2026-01-05", "2026-07-01") and len(done.rounds) == 1
    assert [_found(neo4j, text) for text in (PERSON, NAME, EMAIL, "quintrell", token)] == [0, 0, 0, 0, 0]
    assert neo4j._shred().known_token(PERSON) is None  # their key is gone from the key file
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
    assert neo4j._shred().known_token(PERSON) and find_holdings(neo4j, PERSON).holds_anything


def test_a_key_left_behind_by_a_failed_last_step_is_deleted_when_erasure_is_run_again(
        neo4j: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(self: KeyFile, staff_id: str) -> bool:
        raise StorageError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(KeyFile, "forget_person", disk_full)
        with pytest.raises(StorageError, match=f"{PERSON} is erased from Neo4j, but their key could not be deleted "
                                               f".* Run `netmap person erase {PERSON}` again"):
            erase_from_store(neo4j, find_holdings(neo4j, PERSON))
    assert not find_holdings(neo4j, PERSON).holds_anything and neo4j._shred().known_token(PERSON)  # left behind
    assert neo4j.forget_leftover_key(PERSON) is True  # what `netmap person erase` does when nothing else is held
    assert neo4j._shred().known_token(PERSON) is None and neo4j.forget_leftover_key(PERSON) is False


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


# ---- the bytes of Neo4j's files (a server of the test's own, stopped cleanly before they are read) ------------

# Values long enough that Neo4j keeps them as plain UTF-8 in its string store and logs (short strings go into
# compact 5- to 7-bit encodings no byte search finds): so a value written in clear is found, as the control shows.
LONG_ID = "ZQ4471-ERASURE-PROOF-7D3F-BB21-C9E4-5A60-1F88-E2D7"
LONG_NAME = "Alan Quintrell-Vandermeulen-Okonkwo-Fitzwilliam-Abernethy"
LONG_EMAIL = "alan.quintrell-vandermeulen-okonkwo-fitzwilliam-abernethy@oak.example"
LONG_SCHOOL = "Oakfield Primary and Nursery School of St Aldhelm by the Water"  # in clear: the control


def _long_trust(folder: Path) -> Path:
    """The subject trust with the person's id, name and email (and one school's name) made long."""
    _trust(folder)
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8").replace(PERSON, LONG_ID).replace(EMAIL, LONG_EMAIL)
        path.write_text(text.replace(NAME, LONG_NAME).replace("Oakfield Primary", LONG_SCHOOL), encoding="utf-8")
    return folder


def _encodings(value: str) -> list[bytes]:
    """The ways a file could hold `value`: UTF-8 (also Latin-1 for these characters) in any case, UTF-16 either
    way round, and its first 24 characters (a value split across two records)."""
    return [value.encode(), value.lower().encode(), value.upper().encode(), value.encode("utf-16-le"),
            value.encode("utf-16-be"), value[:24].encode()]


def _holding(folder: Path, value: str) -> list[str]:
    """The files under `folder` whose bytes hold `value` in any of its encodings."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()
                  and any(needle in p.read_bytes() for needle in _encodings(value)))


def _own_server_store(uri: str, key_file: Path) -> Neo4jStore:
    settings = read_settings()
    return Neo4jStore(uri, user=settings.neo4j_user, password=settings.neo4j_password,
                      database=settings.neo4j_database, key_file=key_file)


def test_after_erasure_and_three_loads_no_file_of_neo4j_holds_their_id_name_or_email(tmp_path: Path) -> None:
    skip_unless_required(None if shutil.which("java") and CLASSES.exists() else
                         "a Neo4j server of its own needs java and the launcher (tools/neo4j-launcher)",
                         "NETMAP_TEST_REQUIRE_NEO4J", "the test of Neo4j's files")
    dataset = read_trust(_long_trust(tmp_path / "trust"))[0]
    assert min(map(len, (LONG_ID, LONG_NAME, LONG_EMAIL, LONG_SCHOOL))) >= 50
    data, key_file = tmp_path / "neo4j", tmp_path / "keys" / "neo4j-keys.db"
    with neo4j_server(data=data) as uri, _own_server_store(uri, key_file) as store:
        _hold(store, dataset, LONG_ID)
        exclude_person(store, LONG_ID, f"objection by {LONG_NAME}", snapshots_holding(store, LONG_ID))
        include_person(store, LONG_ID, snapshots_holding(store, LONG_ID))
        # Not vacuous: what Neo4j holds of them is keyed, and the key file opens it before the erasure
        opened = store._shred().open_rows(TABLE_RULES["staff"], _staff_as_held(store))
        assert {(r["staff_id"], r["name"]) for r in opened if LONG_EMAIL in r["attributes"]} == {(LONG_ID, LONG_NAME)}
        token, key = store._shred().known_token(LONG_ID), store._shred().keys.key_of(LONG_ID)
        assert token is not None
        erase_from_store(store, find_holdings(store, LONG_ID))
        for as_of in ("2026-09-01", "2026-10-01", "2026-11-01"):  # three more loads, without them
            store.write_snapshot(without_people(dataset, [LONG_ID]), as_of, source="files")
    # The server is stopped (a checkpoint at shutdown): every file of Neo4j's, store files and logs
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any("transactions" in p.parts for p in files) and any("databases" in p.parts for p in files)
    assert _holding(data, LONG_SCHOOL), "the control: a long value written in clear is found in Neo4j's files"
    assert {value: _holding(data, value) for value in (LONG_ID, LONG_NAME, LONG_EMAIL)} == {
        LONG_ID: [], LONG_NAME: [], LONG_EMAIL: []}
    # What the files still hold of them (their token and ciphertext) has no key any more
    keys = KeyFile.open(key_file)
    assert keys is not None and keys.token_of(LONG_ID) is None and not keys.is_token(token)
    keys.close()
    key_files = b"".join(p.read_bytes() for p in key_file.parent.iterdir())
    assert key not in key_files and token.encode() not in key_files and LONG_ID.encode() not in key_files


# ---- the key file: missing, another database's, and a database written in clear ------------------------------

@pytest.fixture
def bare_neo4j(neo4j_uri: str) -> Iterator[str]:
    """The live server's database with nothing of anyone's and no key file named in it (as before the first
    load); left so, for the next store to name its own key file."""
    def clear() -> None:
        settings = read_settings()
        with Neo4jStore(neo4j_uri, user=settings.neo4j_user, password=settings.neo4j_password,
                        database=settings.neo4j_database) as store:
            store._driver.execute_query("MATCH (n) WHERE n:Keyring OR n:Staff OR n:SurveyLink OR n:SurveySheet "
                                        "OR n:SurveyAnswer OR n:Exclusion OR n:Snapshot OR n:School OR n:Group "
                                        "OR n:TieKind OR n:AnalysisPart OR n:SurveyRound DETACH DELETE n",
                                        database_=store.database)
    clear()
    yield neo4j_uri
    clear()


def test_a_missing_or_other_key_file_is_refused_naming_it_and_the_fix(bare_neo4j: str, tmp_path: Path) -> None:
    dataset = read_trust(_trust(tmp_path / "trust"))[0]
    with _own_server_store(bare_neo4j, tmp_path / "keys.db") as store:
        store.write_snapshot(dataset, "2026-01-05", source="files")
    missing = tmp_path / "elsewhere" / "keys.db"
    with _own_server_store(bare_neo4j, missing) as store, pytest.raises(StorageError) as caught:
        store.read_dataset()
    assert str(caught.value) == (
        f"The Neo4j database 'neo4j' at {bare_neo4j} holds its people sealed with the key file of keyring "
        f"{KeyFile.create(tmp_path / 'keys.db').keyring_id}, but there is no key file at {missing}: without it no "
        "name or detail of anyone in it can be read. Restore the key file backed up with the database to that "
        "path, or set NETMAP_NEO4J_KEY_FILE to where it is.")
    assert not missing.exists()  # not made: an empty key file would hide the loss
    other = KeyFile.create(tmp_path / "other.db")
    with _own_server_store(bare_neo4j, other.path) as store, pytest.raises(StorageError) as caught:
        store.write_snapshot(dataset, "2026-07-01", source="files")
    assert str(caught.value).startswith(f"The key file {other.path} (keyring {other.keyring_id}) is not the one the "
                                        f"Neo4j database 'neo4j' at {bare_neo4j} was written with (keyring ")
    assert str(caught.value).endswith("Set NETMAP_NEO4J_KEY_FILE to that database's key file, or restore it from "
                                      "the backup taken with the database.")
    with _own_server_store(bare_neo4j, tmp_path / "keys.db") as store:  # nothing changed: its own file reads it
        assert [i.snapshot_id for i in store.list_snapshots()] == ["2026-01-05"]
        assert store.read_dataset().equals(dataset)


def test_a_database_written_in_clear_is_sealed_on_first_open(bare_neo4j: str, tmp_path: Path) -> None:
    dataset = read_trust(_trust(tmp_path / "trust"))[0]
    with _own_server_store(bare_neo4j, tmp_path / "unused.db") as old:
        old._shredder = InClear(KeyFile.create(tmp_path / "unused.db"))  # an earlier netmap's writes
        old.write_snapshot(dataset, "2026-07-01", source="files")
        analysis_of(old, old.snapshot())
        round_id = create_round(old, SPEC)
        links = dict(open_round(old, round_id, now=DURING))
        answer(old, links[PERSON], [Nomination(PERSON, "planning", "S3")], submit=True, version=0, now=DURING)
        exclude_person(old, "S3", "objection", [])
        assert _found(old, NAME) and _found(old, EMAIL) and _found(old, PERSON)  # in clear
        expected = (old.read_answers(round_id), old.round_links(round_id), old.excluded_people())
        before = old.read_dataset()  # without S3, excluded
    with _own_server_store(bare_neo4j, tmp_path / "keys.db") as store:
        assert store.read_dataset().equals(before)  # sealed on first open, and read back exactly
        assert [_found(store, text) for text in (NAME, EMAIL, PERSON, "objection")] == [0, 0, 0, 0]
        assert (store.read_answers(round_id), store.round_links(round_id), store.excluded_people()) == expected
        assert kept_analysis(store, store.snapshot()) is None  # it listed names in clear: computed again, sealed
        assert PERSON in set(analysis_of(store, store.snapshot()).staff["staff_id"])
        store.init_schema()  # idempotent: opening again seals nothing twice
    with _own_server_store(bare_neo4j, tmp_path / "keys.db") as store:
        assert store.read_dataset().equals(before) and kept_analysis(store, store.snapshot()) is not None
