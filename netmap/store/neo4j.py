"""GraphStore on Neo4j 5.x (self-hosted or Aura) through the official driver; the model is docs/graph-model.md.

Every load writes under its own snapshot_id (the load's internal id, on every node it writes) with status
'loading', in UNWIND batches, each a managed transaction (retried by the driver on transient errors, so every
write is a MERGE and harmless to repeat). A loading snapshot names its owner and carries a heartbeat renewed
after every batch. One last transaction takes the date's publish lock, marks the new snapshot 'complete' under
its public_id (the snapshot's identity, SnapshotInfo.snapshot_id: a new id of its date, or the id it was asked to
replace, refused and rolled back if it is no longer loading) and, only when asked to replace one, supersedes the
load that held that id; readers only ever see complete snapshots, so a failure part-way leaves nothing
half-loaded in view. Snapshot nodes written before ids existed get their date as public_id from init_schema
(set_snapshot_ids, idempotent); until then readers take their date as their id. Leftovers of replaced loads,
and of loads whose heartbeat stopped, are deleted in batches afterwards (and at the start of the next load):
another process's load in progress is never touched. A snapshot is read in one transaction and checked against
its content hash (a read torn by a concurrent replace is retried once).

People are written crypto-shredded (netmap.store.shredding): staff ids as tokens, everything else about them as
ciphertext under their own key, kept in the key file beside netmap's data (netmap.store.keyfile), which the
database names by its keyring id. A database written in clear by an earlier netmap is sealed on first open.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, LiteralString

import neo4j
import pandas as pd
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from graph_queries import load_query
from netmap import clock
from netmap.config import default_key_file
from netmap.contract import TABLE_NAMES, table_spec
from netmap.dataset import Dataset
from netmap.errors import StorageError, SurveyError
from netmap.store import base, survey_records
from netmap.store.base import (
    Exclusion,
)
from netmap.store.keyfile import KeyFile
from netmap.store.records import frame_from_rows, table_rows
from netmap.store.shredding import GRAPH_RULES, SEALED, TABLE_RULES, Shredder

__all__ = ["DEFAULT_BATCH_SIZE", "SCHEMA_QUERIES", "STALE_AFTER_MS", "LoadRemoved", "Neo4jStore"]

log = logging.getLogger(__name__)

# Who is loading, on a 'loading' snapshot: enough to find the process when a load is stuck.
_OWNER = f"{socket.gethostname()}:{os.getpid()}"

DEFAULT_BATCH_SIZE = 5000
ANALYSIS_PARTS_PER_TRANSACTION = 8  # a part is one column (a few MB at most): a handful per transaction
SCHEMA_QUERIES = ("create_school_key", "create_staff_key", "create_group_key", "create_tie_kind_key",
                  "create_analysis_part_key", "create_snapshot_key", "create_snapshot_date_index",
                  "create_snapshot_date_lock_key", "create_survey_round_key", "create_survey_link_key",
                  "convert_survey_answers",  # answers kept before answer sheets
                  "set_snapshot_ids", "create_exclusion_key")
STALE_AFTER_MS = 10 * 60 * 1000  # a loading snapshot whose heartbeat stopped this long ago is a failed load
# Tables in the order they must be written: each MATCHes nodes the earlier ones created.
_MERGE_QUERIES = {name: f"merge_{name}" for name in TABLE_NAMES}
_READ_QUERIES = {name: f"read_{name}" for name in TABLE_NAMES}


class Neo4jStore(base.GraphStore):
    """GraphStore on a Neo4j database, its people sealed with the keys of `key_file` (default: NETMAP_NEO4J_KEY_FILE's
    default); `driver` may be given (tests pass a double with the same interface); `analysis` "gds" has snapshots'
    components, degree, betweenness and communities computed inside the database (NETMAP_NEO4J_ANALYSIS)."""

    def __init__(self, uri: str, *, user: str, password: str | None, database: str,
                 batch_size: int = DEFAULT_BATCH_SIZE, driver: Any = None, key_file: Path | None = None,
                 analysis: str = "netmap") -> None:
        self.uri, self.user, self.database, self.batch_size = uri, user, database, batch_size
        self.analysis = analysis
        self.key_file = key_file or default_key_file()
        self._password = password or ""
        self._schema_ready = False
        self._shredder: Shredder | None = None
        self._keys_lock = threading.Lock()
        with self._errors("connecting"):
            # The server's notifications (e.g. "property key does not exist" on a fresh database, before the first
            # load) are advice for people writing queries, not for netmap's users: off.
            self._driver = driver or GraphDatabase.driver(uri, auth=(user, self._password),
                                                          notifications_min_severity="OFF")
            try:
                self._driver.verify_connectivity()
            except BaseException:
                self._driver.close()  # a driver left open warns when garbage-collected
                raise

    # ---- errors ----------------------------------------------------------------------------------------
    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Translate the driver's exceptions into one StorageError each, naming the fix, never the password."""
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise StorageError(f"Neo4j at {self.uri} refused the credentials of user {self.user!r} while "
                               f"{action}. Check NETMAP_NEO4J_USER and NETMAP_NEO4J_PASSWORD.") from exc
        except neo4j_errors.ConstraintError as exc:
            raise StorageError(self._scrub(
                f"Neo4j rejected a write while {action}: a uniqueness constraint was violated ({exc.message}). "
                "Another load may be writing at the same time: run one load at a time and retry.")) from exc
        except neo4j_errors.ClientError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StorageError(f"Neo4j at {self.uri} has no database {self.database!r}. Create it "
                                   f"(CREATE DATABASE {self.database}) or set NETMAP_NEO4J_DATABASE to one "
                                   "that exists.") from exc
            raise StorageError(self._scrub(f"Neo4j refused a query while {action} ({exc.code}: {exc.message})."
                                           )) from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise StorageError(f"Cannot reach Neo4j at {self.uri} while {action}. Check the server is running "
                               "and the URI (NETMAP_NEO4J_URI or --store) is right.") from exc
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
            raise StorageError(self._scrub(f"Neo4j failed while {action}: {exc}.")) from exc

    def _scrub(self, message: str) -> str:
        return message.replace(self._password, "***") if self._password else message

    # ---- queries ---------------------------------------------------------------------------------------
    def _read(self, name: str, **parameters: Any) -> list[dict[str, Any]]:
        result = self._driver.execute_query(load_query(name), parameters_=parameters, routing_=RoutingControl.READ,
                                            database_=self.database)
        return [record.data() for record in result.records]

    def read_records(self, name: str, action: str, **parameters: Any) -> list[dict[str, Any]]:
        """The records of read query `name` (graph_queries), the driver's errors as one StorageError naming
        `action`: for in-database analysis (netmap.store.gds)."""
        with self._errors(action):
            return self._read(name, **parameters)

    def _write(self, name: str, **parameters: Any) -> list[dict[str, Any]]:
        result = self._driver.execute_query(load_query(name), parameters_=parameters,
                                            routing_=RoutingControl.WRITE, database_=self.database)
        return [record.data() for record in result.records]

    def init_schema(self) -> list[str]:
        """Create every constraint and index the queries need (idempotent); returns their query names."""
        with self._errors("creating constraints and indexes"):
            for name in SCHEMA_QUERIES:
                self._write(name)
        self._shred()  # checks the key file, and seals a database written in clear
        self._schema_ready = True
        return list(SCHEMA_QUERIES)

    # ---- the key file (netmap.store.shredding) -------------------------------------------------------------
    def _shred(self) -> Shredder:
        """The shredder of this database's key file, checked against the keyring the database names once per
        store; a database written in clear is sealed (one transaction) and a new one names the key file."""
        with self._keys_lock:
            if self._shredder is None:
                self._shredder = self._open_keys()
            return self._shredder

    def _open_keys(self) -> Shredder:
        """The key file the database names (refused when missing or another's), or a new one named in it."""
        with self._errors("checking the key file"):
            rows = self._read("read_keyring")
        keyring = rows[0]["keyring_id"] if rows else None
        keys = KeyFile.open(self.key_file)
        database = f"Neo4j database {self.database!r} at {self.uri}"
        if keyring is not None and keys is None:
            raise StorageError(f"The {database} holds its people sealed with the key file of keyring {keyring}, but "
                               f"there is no key file at {self.key_file}: without it no name or detail of anyone in "
                               "it can be read. Restore the key file backed up with the database to that path, or set "
                               "NETMAP_NEO4J_KEY_FILE to where it is.")
        keys = keys or KeyFile.create(self.key_file)
        if keyring is not None and keys.keyring_id != keyring:
            mine = keys.keyring_id
            keys.close()
            raise StorageError(f"The key file {self.key_file} (keyring {mine}) is not the one the {database} was "
                               f"written with (keyring {keyring}). Set NETMAP_NEO4J_KEY_FILE to that database's key "
                               "file, or restore it from the backup taken with the database.")
        shredder = Shredder(keys)
        if keyring is None:
            in_clear = bool(rows and rows[0]["in_clear"])
            with self._errors("sealing the people of a database written in clear" if in_clear else
                              "naming the key file in the database"), \
                    self._driver.session(database=self.database) as session:
                session.execute_write(_seal_database, shredder, in_clear)
        return shredder

    # ---- writing ---------------------------------------------------------------------------------------
    def write_snapshot(self, dataset: Dataset, as_of: str, *, source: str, replace: str | None = None,
                       progress: base.ProgressCallback | None = None) -> base.WriteResult:
        """See GraphStore.write_snapshot. A new snapshot's id is chosen at publishing, under the date's lock."""
        if not self._schema_ready:
            self.init_schema()
        self._remove_stale()
        content_hash = dataset.content_hash()
        stored = self.list_snapshots()
        target = base.write_target(stored, replace=replace, as_of=as_of, content_hash=content_hash, source=source,
                              where=f"on {self.uri}")
        status: base.WriteStatus = "created" if target is None else "replaced"
        if target is not None and target.content_hash == content_hash and target.as_of == as_of:
            if self._is_intact(target):
                return base.WriteResult(target, "unchanged")
            status = "repaired"
        snapshot_id = uuid.uuid4().hex
        loaded_at = clock.now().isoformat(timespec="seconds")
        extras = {name: dataset.extra_columns(name) for name in TABLE_NAMES}
        try:
            with self._errors(f"loading snapshot {replace or as_of}"):
                self._write("begin_snapshot", snapshot_id=snapshot_id, as_of=as_of, loaded_at=loaded_at,
                            source=source, content_hash=content_hash, counts=json.dumps(dataset.counts()),
                            extra_columns=json.dumps(extras), owner=_OWNER)
                for name in TABLE_NAMES:
                    self._merge_table(name, dataset, extras[name], snapshot_id, progress)
                with self._driver.session(database=self.database) as session:
                    public_id = session.execute_write(_publish, snapshot_id, as_of,
                                                      target.snapshot_id if target is not None else None)
        except BaseException:
            self._discard(snapshot_id)
            raise
        self._remove_stale()
        info = base.SnapshotInfo(public_id, as_of, loaded_at, source, content_hash, dataset.counts())
        return base.WriteResult(info, status)

    def _merge_table(self, name: str, dataset: Dataset, extras: list[str], snapshot_id: str,
                     progress: base.ProgressCallback | None) -> None:
        keys = ("row_no", *table_spec(name).column_names, "attributes")
        rows = (dict(zip(keys, row, strict=True)) for row in table_rows(name, dataset.table(name), extras))
        query = load_query(_MERGE_QUERIES[name])
        rule = TABLE_RULES.get(name)
        with self._driver.session(database=self.database) as session:
            while batch := list(islice(rows, self.batch_size)):
                if rule is not None:
                    batch = self._shred().seal_rows(rule, batch)
                session.execute_write(_run, query, snapshot_id=snapshot_id, rows=batch)
                self._beat(snapshot_id)
                if progress is not None:
                    progress(len(batch))

    def _beat(self, snapshot_id: str) -> None:
        """Renew the load's heartbeat; StorageError if another process has removed the load meanwhile."""
        if not self._write("touch_snapshot", snapshot_id=snapshot_id)[0]["touched"]:
            raise LoadRemoved()

    def write_analysis(self, info: base.SnapshotInfo, key: str, parts: Iterable[tuple[str, bytes]]) -> None:
        """Several transactions, "meta" in the last: until it commits (and after a write cut short) reads find no
        analysis, as they do while the first drops a set kept before under the same key."""
        shredder, sealed = self._shred(), _analysis_name(info, key)
        where = {"public_id": info.snapshot_id, "content_hash": info.content_hash, "options_key": key}
        rows: list[dict[str, Any]] = []
        meta: list[dict[str, Any]] = []
        with self._errors(f"keeping the analysis of snapshot {info.snapshot_id}"):
            self._write("delete_kept_analysis", **where)
            for name, payload in parts:
                (meta if name == "meta" else rows).append(
                    {"name": name, "payload": shredder.seal_payload(sealed, name, payload)})
                if len(rows) == ANALYSIS_PARTS_PER_TRANSACTION:
                    self._write("merge_analysis_parts", **where, rows=rows)
                    rows = []
            if rows or meta:
                self._write("merge_analysis_parts", **where, rows=rows + meta)

    def read_analysis(self, info: base.SnapshotInfo, key: str) -> list[tuple[str, bytes]] | None:
        with self._errors(f"reading the analysis of snapshot {info.snapshot_id}"):
            rows = self._read("read_analysis_parts", public_id=info.snapshot_id, content_hash=info.content_hash,
                              options_key=key)
        if not any(r["name"] == "meta" for r in rows):
            return None  # none kept, or a write cut short: its meta comes last
        shredder, sealed = self._shred(), _analysis_name(info, key)
        parts = [(r["name"], shredder.open_payload(sealed, r["name"], bytes(r["payload"]))) for r in rows]
        opened = [(n, p) for n, p in parts if p is not None]
        return opened if len(opened) == len(parts) else None  # a key gone: computed again

    def write_thresholds(self, snapshot_id: str, thresholds: dict[str, str]) -> None:
        self.snapshot(snapshot_id)  # StorageError naming the stored snapshots when there is none
        with self._errors(f"keeping the thresholds of snapshot {snapshot_id}"):
            self._write("set_snapshot_thresholds", public_id=snapshot_id,
                        thresholds=json.dumps(thresholds, sort_keys=True))

    def read_thresholds(self, snapshot_id: str) -> dict[str, str]:
        with self._errors(f"reading the thresholds of snapshot {snapshot_id}"):
            rows = self._read("read_snapshot_thresholds", public_id=snapshot_id)
        return json.loads(rows[0]["thresholds"]) if rows and rows[0]["thresholds"] else {}

    def delete_snapshot(self, snapshot_id: str) -> None:
        self.snapshot(snapshot_id)  # StorageError naming the stored snapshots when there is none
        with self._errors(f"deleting snapshot {snapshot_id}"):
            self._write("retire_snapshot", public_id=snapshot_id)
        self._remove_stale()
        self._shred().keys.forget_analyses([_analysis_prefix(snapshot_id)])

    def _discard(self, snapshot_id: str) -> None:
        """Best effort after a failed load: delete what this load wrote. If the server is gone too, the next load
        removes it once its heartbeat is stale."""
        try:
            self._delete_data(snapshot_id)
        except Exception:  # noqa: BLE001 - the load's own error is the one to report
            log.info("could not remove the failed load %s now; a later load will", snapshot_id)

    def _delete_data(self, snapshot_id: str) -> None:
        while self._write("delete_snapshot_batch", snapshot_id=snapshot_id, batch_size=self.batch_size)[0]["deleted"]:
            pass
        self._write("delete_snapshot", snapshot_id=snapshot_id)

    def _remove_stale(self) -> None:
        """Delete the data of failed ('loading') and replaced ('superseded') loads, in batches."""
        with self._errors("removing the leftovers of earlier loads"):
            for row in self._read("list_stale_snapshots", stale_after_ms=STALE_AFTER_MS):
                self._delete_data(row["snapshot_id"])

    # ---- reading ---------------------------------------------------------------------------------------
    def list_snapshots(self) -> list[base.SnapshotInfo]:
        with self._errors("listing snapshots"):
            rows = self._read("list_snapshots")
        return sorted((base.SnapshotInfo(r["public_id"], r["as_of"], r["loaded_at"], r["source"], r["content_hash"],
                                    json.loads(r["counts"])) for r in rows), key=base.snapshot_order)

    def _read_one_table(self, snapshot_id: str, name: str) -> pd.DataFrame:
        info = self.snapshot(snapshot_id)
        with self._errors(f"reading {name} of snapshot {info.snapshot_id}"), \
                self._driver.session(database=self.database) as session:
            tables = session.execute_read(_read_tables, info.snapshot_id, (name,), self._shred())
        if tables is None:
            raise StorageError(f"Snapshot {info.snapshot_id} was replaced or deleted while it was being read; "
                               "retry.")
        return Dataset.from_tables(tables).table(name)

    def _read_snapshot(self, info: base.SnapshotInfo) -> Dataset:
        """The snapshot read in one transaction and checked against its content hash; a read torn by a concurrent
        replace of the same snapshot (its nodes deleted mid-read) is retried once on its new load."""
        shredder = self._shred()
        for attempt in range(2):
            with self._errors(f"reading snapshot {info.snapshot_id}"), \
                    self._driver.session(database=self.database) as session:
                tables = session.execute_read(_read_tables, info.snapshot_id, TABLE_NAMES, shredder)
            dataset = Dataset.from_tables(tables) if tables is not None else None
            if dataset is not None and dataset.content_hash() == info.content_hash:
                return dataset
            if attempt == 0:
                info = self.snapshot(info.snapshot_id)  # the snapshot now (StorageError if it was deleted)
        raise StorageError(f"Snapshot {info.snapshot_id} on {self.uri} does not match its content hash: it was "
                           "changed outside netmap, or is being replaced right now. Retry; if it persists, load it "
                           f"again from its files (`netmap load DIR --as-of {info.as_of} --replace "
                           f"{info.snapshot_id}` repairs it).")

    def _is_intact(self, info: base.SnapshotInfo) -> bool:
        try:
            self._read_snapshot(info)
        except StorageError:
            return False
        return True

    # ---- people's rights (netmap.rights) -------------------------------------------------------------------
    def erase_person(self, staff_id: str, rewritten: dict[str, Dataset]) -> None:
        """See GraphStore.erase_person: one transaction deletes the person's nodes in every snapshot and every
        survey record of theirs, drops the rewritten snapshots' kept analyses and records their new content hash,
        after checking that each reads back exactly as `rewritten` (else it is rolled back, nothing changed); then
        their key and those analyses' keys leave the key file, so what Neo4j's logs and freed records still hold of
        them cannot be read (crypto-shredding)."""
        if not self._schema_ready:
            self.init_schema()
        shredder = self._shred()
        with self._errors(f"erasing {staff_id}"), self._driver.session(database=self.database) as session:
            session.execute_write(_erase, staff_id, {k: v.content_hash() for k, v in rewritten.items()}, shredder)
        try:
            shredder.keys.forget_analyses([_analysis_prefix(p) for p in rewritten])
            shredder.keys.forget_person(staff_id)
        except StorageError as exc:
            raise StorageError(f"{staff_id} is erased from Neo4j, but their key could not be deleted from the key "
                               f"file ({exc}). Run `netmap person erase {staff_id}` again once the key file can be "
                               "written: it deletes the leftover key.") from exc

    def forget_leftover_key(self, staff_id: str) -> bool:
        return self._shred().keys.forget_person(staff_id)

    def exclude_person(self, exclusion: Exclusion) -> None:
        (row,) = self._shred().seal_rows(GRAPH_RULES["Exclusion"], [{"staff_id": exclusion.staff_id,
                                                                      "reason": exclusion.reason}])
        self._survey("recording an exclusion from analysis", "merge_exclusion", staff_id=row["staff_id"],
                     reason=row["reason"], since=exclusion.since)

    def include_person(self, staff_id: str) -> bool:
        token = self._shred().known_token(staff_id)
        if token is None:  # nothing of theirs was ever written
            return False
        rows = self._survey("withdrawing an exclusion from analysis", "delete_exclusion", staff_id=token)
        return bool(rows[0]["withdrawn"])

    def excluded_people(self) -> list[Exclusion]:
        with self._errors("reading the people excluded from analysis"):
            rows = self._read("list_exclusions")
        opened = self._shred().open_rows(GRAPH_RULES["Exclusion"], rows) if rows else []
        return sorted((Exclusion(**row) for row in opened), key=lambda e: e.staff_id)

    def forget_analyses(self, snapshot_ids: list[str]) -> None:
        with self._errors("dropping kept analyses"):
            internal = [r["snapshot_id"] for r in self._read("list_snapshots") if r["public_id"] in snapshot_ids]
            self._write("delete_snapshot_analyses", snapshot_ids=internal)
        self._shred().keys.forget_analyses([_analysis_prefix(s) for s in snapshot_ids])

    # ---- survey rounds (netmap.store.survey_records) -----------------------------------------------------
    def _survey(self, action: str, name: str, **parameters: Any) -> list[dict[str, Any]]:
        if not self._schema_ready:
            self.init_schema()
        with self._errors(action):
            return self._write(name, **parameters)

    def save_round(self, record: survey_records.RoundRecord) -> None:
        self._survey("saving a survey round", "merge_survey_round", round_id=record.round_id, spec=record.spec,
                     status=record.status, created_at=record.created_at, snapshot_as_of=record.snapshot_as_of)

    def list_rounds(self) -> list[survey_records.RoundRecord]:
        with self._errors("listing survey rounds"):
            return [survey_records.RoundRecord(**row) for row in self._read("list_survey_rounds")]

    def delete_round(self, round_id: str) -> None:
        self._survey("deleting a survey round", "delete_survey_round", round_id=round_id)

    def add_links(self, links: list[survey_records.Link]) -> None:
        tokens = self._shred().tokens(k.staff_id for k in links)
        self._survey("keeping survey links", "create_survey_links", links=[
            {"digest": k.digest, "round_id": k.round_id, "staff_id": tokens[k.staff_id], "expires_at": k.expires_at,
             "revoked_at": k.revoked_at} for k in links])

    def _links(self, rows: list[dict[str, Any]]) -> list[survey_records.Link]:
        opened = self._shred().open_rows(GRAPH_RULES["SurveyLink"], rows) if rows else []
        return sorted((survey_records.Link(**row) for row in opened), key=lambda k: (k.staff_id, k.expires_at))

    def find_link(self, digest: str) -> survey_records.Link | None:
        with self._errors("finding a survey link"):
            rows = self._read("find_survey_link", digest=digest)
        return self._links(rows[:1])[0] if rows else None

    def round_links(self, round_id: str) -> list[survey_records.Link]:
        with self._errors("listing survey links"):
            return self._links(self._read("list_survey_links", round_id=round_id))

    def revoke_links(self, round_id: str, staff_ids: list[str] | None, when: str) -> int:
        shredder = self._shred()
        tokens = None if staff_ids is None else [t for s in staff_ids if (t := shredder.known_token(s))]
        rows = self._survey("revoking survey links", "revoke_survey_links", round_id=round_id,
                            staff_ids=tokens, when=when)
        return int(rows[0]["revoked"])

    def close_to_answers(self, round_id: str) -> str:
        rows = self._survey("closing a survey round", "close_survey_round", round_id=round_id)
        if not rows:
            raise SurveyError(f"No survey round {round_id!r} (`netmap survey list`).")
        return str(rows[0]["was"])

    def save_sheet(self, change: survey_records.SheetSave) -> int:
        if not self._schema_ready:
            self.init_schema()
        tokens = self._shred().tokens({change.respondent, *(n.target for n in change.nominations)})
        with self._errors("saving survey answers"), self._driver.session(database=self.database) as session:
            version: int = session.execute_write(_save_sheet, change, tokens)
        return version

    def read_sheet(self, round_id: str, respondent: str) -> survey_records.AnswerSheet:
        shredder = self._shred()
        token = shredder.known_token(respondent)
        with self._errors("reading survey answers"):
            rows = self._read("read_survey_sheet", round_id=round_id, respondent=token) if token else []
        if not rows:
            return survey_records.AnswerSheet()
        row = rows[0]
        def named(kind: str) -> tuple[survey_records.Nomination, ...]:
            return tuple(sorted((survey_records.Nomination(respondent, a["question"], shredder.staff_id(a["target"]),
                                                           int(a["weight"]))
                                 for a in row["answers"] if a["sheet"] == kind),
                                key=lambda n: (n.question, n.target)))

        return survey_records.AnswerSheet(int(row["version"]), named("submitted") if row["submitted_on"] else None,
                           row["submitted_on"], row["submitted_via"], named("draft") if row["has_draft"] else None,
                           row["draft_via"])

    def read_answers(self, round_id: str, respondent: str | None = None
                     ) -> tuple[list[tuple[survey_records.Nomination, str]], dict[str, str]]:
        shredder = self._shred()
        token = None if respondent is None else shredder.known_token(respondent)
        if respondent is not None and token is None:  # nothing of theirs was ever written
            return [], {}
        with self._errors("reading survey answers"):
            rows = self._read("read_survey_answers", round_id=round_id, respondent=token)
            submitted = self._read("read_survey_responses", round_id=round_id, respondent=token)
        rows = shredder.open_rows(GRAPH_RULES["SurveyAnswer"], rows) if rows else []
        answers = sorted(((survey_records.Nomination(r["respondent"], r["question"], r["target"], int(r["weight"])),
                           r["saved_on"]) for r in rows), key=lambda a: (a[0].respondent, a[0].question, a[0].target))
        return answers, {shredder.staff_id(r["staff_id"]): r["submitted_on"] for r in submitted}

    def close(self) -> None:
        self._driver.close()
        if self._shredder is not None:
            self._shredder.keys.close()


def _run(tx: neo4j.ManagedTransaction, /, query: LiteralString, **parameters: Any) -> None:
    tx.run(query, parameters).consume()


def _analysis_prefix(public_id: str) -> str:
    """The start of the key-file names of every kept analysis of snapshot `public_id`."""
    return f"{public_id}|"


def _analysis_name(info: base.SnapshotInfo, key: str) -> str:
    """The key-file name of the kept analysis of `info` (its contents) under options `key`."""
    return f"{_analysis_prefix(info.snapshot_id)}{info.content_hash}|{key}"


def _seal_database(tx: neo4j.ManagedTransaction, shredder: Shredder, in_clear: bool) -> None:
    """Name the key file in the database and, when it holds people written in clear, seal every one of them
    (GRAPH_RULES) and drop the kept analyses (computed again, sealed), all in this one transaction."""
    if in_clear:
        rows: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
        for record in tx.run(load_query("read_clear_people")).data():
            rule, held = GRAPH_RULES[record["kind"]], record["held"]
            clear = {**held, "owner": record["owner"]}  # what is sealed already (a retried conversion) stays
            clear.update({name: shredder.staff_id(clear[name]) for name in (*rule.ids, "owner")
                          if isinstance(clear.get(name), str) and shredder.keys.is_token(clear[name])})
            (sealed,) = shredder.seal_rows(rule, [clear])
            rows[record["node"]].append({"element_id": record["element_id"], "sealed": {
                name: sealed[name] for name in (*rule.ids, *rule.sealed) if held.get(name) is not None
                and not (name in rule.ids and shredder.keys.is_token(held[name]))
                and not (isinstance(held[name], str) and held[name].startswith(SEALED))}})
        tx.run(load_query("seal_nodes"), {"rows": rows[True]}).consume()
        tx.run(load_query("seal_relationships"), {"rows": rows[False]}).consume()
        tx.run(load_query("delete_analysis_parts")).consume()
    held = tx.run(load_query("merge_keyring"), {"keyring_id": shredder.keys.keyring_id}).data()
    if held and held[0]["keyring_id"] != shredder.keys.keyring_id:  # another process named its own meanwhile
        raise StorageError(f"Another key file than {shredder.keys.path} was named for this Neo4j database at the "
                           "same time; set NETMAP_NEO4J_KEY_FILE to the same file in every netmap that uses it.")


def _save_sheet(tx: neo4j.ManagedTransaction, change: survey_records.SheetSave, tokens: dict[str, str]) -> int:
    """One answer save as one transaction: lock the round, check it is open, the link usable, no submission made
    through another link still usable, and the sheet at the version quoted, then write; raising rolls the lock
    back with nothing written."""
    respondent = tokens[change.respondent]
    rows = tx.run(load_query("lock_survey_sheet"), {"round_id": change.round_id, "respondent": respondent,
                                                    "digest": change.via}).data()
    state = rows[0] if rows else {}
    survey_records.check_save(change, round_open=state.get("status") == "open", link_usable=bool(state.get("usable")),
               submitted_elsewhere=bool(state.get("submitted_elsewhere")), version=state.get("version", 0))
    tx.run(load_query("write_survey_sheet"), {
        "round_id": change.round_id, "respondent": respondent, "submit": change.submit,
        "version": change.expected_version + 1, "day": change.day, "via": change.via,
        "answers": [{"question": n.question, "target": tokens[n.target], "weight": n.weight}
                    for n in change.nominations],
    }).consume()
    return change.expected_version + 1


def _erase(tx: neo4j.ManagedTransaction, staff_id: str, hashes: dict[str, str], shredder: Shredder) -> None:
    """Erase `staff_id` in one transaction; each snapshot of `hashes` (public id: the content hash it must have
    without the person) must read back with exactly that hash, else StorageError rolls everything back."""
    internal = {r["public_id"]: r["snapshot_id"] for r in tx.run(load_query("list_snapshots"))}
    token = shredder.known_token(staff_id) or ""  # none: nothing of theirs was ever written ("" matches nothing)
    tx.run(load_query("erase_staff"), {"staff_id": token}).consume()
    tx.run(load_query("erase_survey_person"), {"staff_id": token}).consume()
    tx.run(load_query("delete_snapshot_analyses"),
           {"snapshot_ids": [internal[p] for p in hashes if p in internal]}).consume()
    for public_id, expected in hashes.items():
        tables = _read_tables(tx, public_id, TABLE_NAMES, shredder)
        dataset = Dataset.from_tables(tables) if tables is not None else None
        if dataset is None or dataset.content_hash() != expected:
            raise StorageError(f"Erasing {staff_id} would leave snapshot {public_id} other than expected (it was "
                               "changed or replaced meanwhile); nothing was changed. Retry.")
        tx.run(load_query("set_snapshot_content"), {"snapshot_id": internal[public_id], "content_hash": expected,
                                                    "counts": json.dumps(dataset.counts())}).consume()


def _publish(tx: neo4j.ManagedTransaction, snapshot_id: str, as_of: str, replace: str | None) -> str:
    """In one transaction, holding the date's publish lock: the new load becomes complete, under the id `replace`
    (whose old load is superseded) or, when None, under a new id of its date; returns the id. Raising rolls it all
    back, so a load removed meanwhile publishes nothing."""
    tx.run(load_query("lock_snapshot_date"), {"as_of": as_of, "snapshot_id": snapshot_id}).consume()
    public_id = replace or base.new_snapshot_id(as_of, {r["public_id"] for r in tx.run(load_query("list_snapshots"))})
    if not tx.run(load_query("complete_snapshot"), {"snapshot_id": snapshot_id, "public_id": public_id}).data():
        raise LoadRemoved()
    if replace is not None:
        tx.run(load_query("supersede_snapshot"), {"public_id": replace, "snapshot_id": snapshot_id}).consume()
    return public_id


def _read_tables(tx: neo4j.ManagedTransaction, public_id: str, names: tuple[str, ...], shredder: Shredder
                 ) -> dict[str, pd.DataFrame] | None:
    """Tables of the complete snapshot `public_id`, all in one transaction, opened with `shredder`; None when there
    is none any more."""
    rows = [r.data() for r in tx.run(load_query("list_snapshots")) if r["public_id"] == public_id]
    if not rows:
        return None
    (row,) = rows
    extras = json.loads(row["extra_columns"])
    tables = {}
    for name in names:
        columns = (*table_spec(name).column_names, "attributes")
        records = [r.data() for r in tx.run(load_query(_READ_QUERIES[name]), {"snapshot_id": row["snapshot_id"]})]
        if name in TABLE_RULES and records:
            records = shredder.open_rows(TABLE_RULES[name], records)
        tables[name] = frame_from_rows(name, [[r[c] for c in columns] for r in records],
                                       extras.get(name, []))  # tables added since it was stored
    return tables


class LoadRemoved(StorageError):
    """This load's 'loading' snapshot is gone: another process took it for a failed load and removed it."""

    def __init__(self) -> None:
        super().__init__("This load was removed by another process while it was being written (its heartbeat "
                         "looked stopped); nothing was published. Run the load again.")
