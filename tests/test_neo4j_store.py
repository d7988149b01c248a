"""The Neo4j adapter, without a server: the exact queries and parameters it sends, batching, the order that
keeps a half-written load invisible, and driver errors turned into StorageErrors with a fix."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from neo4j import exceptions as neo4j_errors

from netmap.config import default_key_file
from netmap.dataset import Dataset
from netmap.errors import StorageError
from netmap.ingest.validate import read_trust
from netmap.store.keyfile import KeyFile
from netmap.store.neo4j import SCHEMA_QUERIES, STALE_AFTER_MS, Neo4jStore
from netmap.store.records import table_rows
from netmap.store.shredding import TABLE_RULES, Shredder
from tests.neo4j_double import FakeDriver

PASSWORD = "pa55-w0rd-s3cret"
KEYRING = ["read_keyring", "merge_keyring"]  # the key file checked, and named in a database that names none
MERGES = ["merge_schools", "merge_staff", "merge_groups", "merge_memberships", "merge_collaborations"]


def _shredder() -> Shredder:
    """The shredder of the key file a store opens by default (in the tests' own data folder)."""
    return Shredder(KeyFile.create(default_key_file()))


def _store(driver: FakeDriver, batch_size: int = 1000) -> Neo4jStore:
    return Neo4jStore("neo4j://db.trust.local:7687", user="netmap", password=PASSWORD, database="trust",
                      batch_size=batch_size, driver=driver)


@pytest.fixture
def dataset(tiny: Path) -> Dataset:
    return read_trust(tiny)[0]


def test_a_load_sends_schema_merges_then_publishes_in_one_transaction(dataset: Dataset) -> None:
    driver = FakeDriver()
    result = _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny")
    assert result.status == "created"
    beats = [name for merge in MERGES for name in (merge, "touch_snapshot")]
    assert driver.names() == [*SCHEMA_QUERIES, *KEYRING, "list_stale_snapshots", "list_snapshots", "begin_snapshot",
                              *beats, "lock_snapshot_date", "list_snapshots", "complete_snapshot",
                              "list_stale_snapshots"]
    assert {c.database for c in driver.calls} == {"trust"}  # the database is always named
    publish = [c for c in driver.calls if c.transaction is not None and c.name in
               ("lock_snapshot_date", "list_snapshots", "complete_snapshot")]
    assert publish[0].transaction == publish[1].transaction == publish[2].transaction is not None
    begin = driver.calls[len(SCHEMA_QUERIES) + len(KEYRING) + 2]
    snapshot_id = begin.parameters["snapshot_id"]
    assert begin.parameters["as_of"] == "2026-01-01" and begin.parameters["content_hash"] == dataset.content_hash()
    assert begin.parameters["owner"].endswith(f":{os.getpid()}")
    assert all(c.parameters == {"snapshot_id": snapshot_id} for c in driver.calls if c.name == "touch_snapshot")
    assert json.loads(begin.parameters["counts"])["staff"] == 5
    assert json.loads(begin.parameters["extra_columns"])["staff"] == ["contract"]
    assert all(c.parameters["snapshot_id"] == snapshot_id for c in driver.calls if c.name in MERGES)
    assert publish[0].parameters == {"as_of": "2026-01-01", "snapshot_id": snapshot_id}
    assert publish[2].parameters == {"public_id": "2026-01-01", "snapshot_id": snapshot_id}  # the date's first
    assert result.snapshot.snapshot_id == "2026-01-01"
    stale = [c.parameters for c in driver.calls if c.name == "list_stale_snapshots"]
    assert stale == [{"stale_after_ms": STALE_AFTER_MS}] * 2


def test_rows_carry_every_column_and_the_extras(dataset: Dataset) -> None:
    driver = FakeDriver()
    _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny")
    (staff,) = [c for c in driver.calls if c.name == "merge_staff"]
    sent = staff.parameters["rows"][2]
    assert _shredder().open_rows(TABLE_RULES["staff"], [sent]) == [{
        "row_no": 2, "staff_id": "S3", "school_id": "ELM", "role": "middle-leader", "name": "Grace Hopper",
        "subjects": "maths;computing", "started_on": "2012-09-01", "left_on": None,
        "attributes": '{"contract": "part-time"}'}]
    # What Neo4j is sent: the school in clear, the person as a token and ciphertext only
    assert sent["school_id"] == "ELM" and sent["row_no"] == 2 and sent["left_on"] is None
    assert sent["staff_id"] == _shredder().known_token("S3") and len(sent["staff_id"]) == 32
    assert all(sent[c].startswith("nm-sealed-1:") for c in ("role", "name", "subjects", "started_on", "attributes"))
    assert not {"Grace Hopper", "maths;computing", "2012-09-01", "part-time", "middle-leader"} & {
        v for row in staff.parameters["rows"] for v in row.values()}
    (ties,) = [c for c in driver.calls if c.name == "merge_collaborations"]
    assert _shredder().open_rows(TABLE_RULES["collaborations"], ties.parameters["rows"][:1])[0]["weight"] == 2.0


def test_rows_are_sent_in_batches_with_progress(dataset: Dataset) -> None:
    driver, progress = FakeDriver(), []
    _store(driver, batch_size=2).write_snapshot(dataset, "2026-01-01", source="tiny", progress=progress.append)
    sizes = [len(c.parameters["rows"]) for c in driver.calls if c.name == "merge_collaborations"]
    assert sizes == [2, 2]
    assert [len(c.parameters["rows"]) for c in driver.calls if c.name == "merge_staff"] == [2, 2, 1]
    assert sum(progress) == sum(dataset.counts().values())
    batches = [c.transaction for c in driver.calls if c.name.startswith("merge_")]
    assert len(set(batches)) == len(batches)  # one transaction a batch


def _stored(dataset: Dataset, content_hash: str) -> dict:
    """Responses of a server holding `dataset` as snapshot s1 of 2026-01-01, recorded under `content_hash`."""
    from netmap.contract import table_spec

    responses: dict = {"list_snapshots": [{"snapshot_id": "s1", "public_id": "2026-01-01", "as_of": "2026-01-01",
                                           "loaded_at": "x",
                                           "source": "tiny", "content_hash": content_hash, "counts": "{}",
                                           "extra_columns": json.dumps({n: dataset.extra_columns(n)
                                                                        for n, _ in dataset.tables()})}]}
    for name, frame in dataset.tables():
        keys = ("row_no", *table_spec(name).column_names, "attributes")
        rows = [dict(zip(keys, r, strict=True)) for r in table_rows(name, frame, dataset.extra_columns(name))]
        rule = TABLE_RULES.get(name)
        responses[f"read_{name}"] = _shredder().seal_rows(rule, rows) if rule else rows  # as Neo4j holds them
    return responses


def test_same_contents_same_date_writes_nothing(dataset: Dataset) -> None:
    driver = FakeDriver(responses=_stored(dataset, dataset.content_hash()))
    assert _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny").status == "unchanged"
    assert not [n for n in driver.names() if n in MERGES or n.startswith(("begin_", "complete_"))]


def test_same_hash_but_changed_stored_content_is_rewritten(dataset: Dataset, tiny: Path) -> None:
    from tests.conftest import edit

    edit(tiny, "staff", "Grace Hopper", "Grace Hoppe_")
    tampered = read_trust(tiny)[0]
    driver = FakeDriver(responses=_stored(tampered, dataset.content_hash()))
    assert _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny").status == "repaired"
    assert "complete_snapshot" in driver.names()
    with pytest.raises(StorageError, match="does not match its content hash"):
        _store(driver).read_dataset()


def test_a_load_removed_by_another_process_publishes_nothing(dataset: Dataset) -> None:
    driver = FakeDriver(responses={"touch_snapshot": [{"touched": 0}]})
    with pytest.raises(StorageError, match="removed by another process while it was being written"):
        _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny")
    assert "complete_snapshot" not in driver.names()
    unpublished = FakeDriver(responses={"complete_snapshot": []})
    with pytest.raises(StorageError, match="nothing was published"):
        _store(unpublished).write_snapshot(dataset, "2026-01-01", source="tiny")
    assert "supersede_snapshot" not in unpublished.names()  # refused before the old snapshot was hidden


def test_other_contents_same_date_is_a_new_snapshot_unless_a_replacement_is_asked_for(dataset: Dataset) -> None:
    listed = [{"snapshot_id": "abc", "public_id": "2026-01-01", "as_of": "2026-01-01", "loaded_at": "x",
               "source": "old", "content_hash": "different", "counts": "{}", "extra_columns": "{}"}]
    driver = FakeDriver(responses={"list_snapshots": listed})
    kept = _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny")
    assert (kept.status, kept.snapshot.snapshot_id) == ("created", "2026-01-01-2")
    assert "supersede_snapshot" not in driver.names()
    (complete,) = [c for c in driver.calls if c.name == "complete_snapshot"]
    assert complete.parameters["public_id"] == "2026-01-01-2"
    replacing = FakeDriver(responses={"list_snapshots": listed})
    replaced = _store(replacing).write_snapshot(dataset, "2026-01-01", source="tiny", replace="2026-01-01")
    assert (replaced.status, replaced.snapshot.snapshot_id) == ("replaced", "2026-01-01")
    (supersede,) = [c for c in replacing.calls if c.name == "supersede_snapshot"]
    assert supersede.parameters["public_id"] == "2026-01-01"
    assert supersede.transaction == next(c.transaction for c in replacing.calls if c.name == "complete_snapshot")
    with pytest.raises(StorageError, match="There is no snapshot 2026-02-01 to replace"):
        _store(FakeDriver(responses={"list_snapshots": listed})).write_snapshot(dataset, "2026-02-01",
                                                                                source="tiny", replace="2026-02-01")


def test_a_failure_part_way_never_publishes_and_the_next_load_clears_it(dataset: Dataset) -> None:
    driver = FakeDriver(errors={"merge_collaborations": neo4j_errors.ServiceUnavailable("connection lost")})
    with pytest.raises(StorageError, match="Cannot reach Neo4j at neo4j://db.trust.local:7687 while loading"):
        _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny")
    assert "complete_snapshot" not in driver.names()  # readers never see the half-written snapshot
    deleted = iter([[{"deleted": 3}], [{"deleted": 0}]])
    retry = FakeDriver(responses={"list_stale_snapshots": [{"snapshot_id": "half"}],
                                  "delete_snapshot_batch": lambda _p: next(deleted, [{"deleted": 0}])})
    _store(retry).write_snapshot(dataset, "2026-01-01", source="tiny")
    cleanup = [(c.name, c.parameters.get("snapshot_id")) for c in retry.calls if c.name.startswith("delete_")]
    assert cleanup[:3] == [("delete_snapshot_batch", "half"), ("delete_snapshot_batch", "half"),
                           ("delete_snapshot", "half")]


def test_reading_back_rebuilds_the_dataset_exactly_in_one_transaction(dataset: Dataset) -> None:
    driver = FakeDriver(responses=_stored(dataset, dataset.content_hash()))
    assert _store(driver).read_dataset().equals(dataset)
    reads = [c for c in driver.calls if c.name.startswith("read_") and c.name not in KEYRING]
    assert {c.parameters.get("snapshot_id") for c in reads} == {"s1"}
    assert len({c.transaction for c in reads}) == 1 and reads[0].transaction is not None


def _client_error(code: str, message: str) -> neo4j_errors.Neo4jError:
    return neo4j_errors.Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize(("error", "expected"), [
    (neo4j_errors.ServiceUnavailable("Unable to retrieve routing information"),
     "Cannot reach Neo4j at neo4j://db.trust.local:7687 while connecting. Check the server is running"),
    (neo4j_errors.AuthError("The client is unauthorized due to authentication failure."),
     "refused the credentials of user 'netmap' while connecting. Check NETMAP_NEO4J_USER and "
     "NETMAP_NEO4J_PASSWORD."),
    (_client_error("Neo.ClientError.Database.DatabaseNotFound", "Graph not found: trust"),
     "has no database 'trust'. Create it (CREATE DATABASE trust) or set NETMAP_NEO4J_DATABASE"),
])
def test_connection_errors_say_what_to_fix(error: Exception, expected: str) -> None:
    with pytest.raises(StorageError) as caught:
        _store(FakeDriver(errors={"verify_connectivity": error}))
    assert expected in str(caught.value)


def test_constraint_violation_is_explained_without_the_password(dataset: Dataset) -> None:
    error = _client_error("Neo.ClientError.Schema.ConstraintValidationFailed",
                          f"Node already exists with staff_id S1 (auth {PASSWORD})")
    assert isinstance(error, neo4j_errors.ConstraintError)
    driver = FakeDriver(errors={"merge_staff": error})
    with pytest.raises(StorageError) as caught:
        _store(driver).write_snapshot(dataset, "2026-01-01", source="tiny")
    message = str(caught.value)
    assert "a uniqueness constraint was violated" in message and "run one load at a time" in message
    assert PASSWORD not in message and "***" in message


def test_other_query_errors_name_the_code() -> None:
    driver = FakeDriver(errors={"list_snapshots": _client_error("Neo.ClientError.Statement.SyntaxError", "bad")})
    with pytest.raises(StorageError, match=r"Neo4j refused a query while listing snapshots "
                                           r"\(Neo.ClientError.Statement.SyntaxError: bad\)"):
        _store(driver).list_snapshots()


def test_init_schema_is_every_constraint_and_index() -> None:
    driver = FakeDriver()
    assert _store(driver).init_schema() == list(SCHEMA_QUERIES)
    assert driver.names() == [*SCHEMA_QUERIES, *KEYRING]


def test_close_closes_the_driver() -> None:
    driver = FakeDriver()
    with _store(driver):
        pass
    assert driver.closed


def test_deleting_a_snapshot_retires_it_then_removes_its_data() -> None:
    listed = [{"snapshot_id": "s1", "public_id": "2026-01-01", "as_of": "2026-01-01", "loaded_at": "x",
               "source": "t", "content_hash": "h", "counts": "{}", "extra_columns": "{}"}]
    driver = FakeDriver(responses={"list_snapshots": listed, "list_stale_snapshots": [{"snapshot_id": "s1"}],
                                   "delete_snapshot_batch": [{"deleted": 0}]})
    _store(driver).delete_snapshot("2026-01-01")
    assert driver.names() == ["list_snapshots", "retire_snapshot", "list_stale_snapshots", "delete_snapshot_batch",
                              "delete_snapshot", *KEYRING]
    assert driver.calls[1].parameters == {"public_id": "2026-01-01"}
