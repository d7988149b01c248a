"""The GraphStore interface every store implements: write a dataset as a dated snapshot, list, read back.

Shaped for a server-backed store too: every call is a whole operation (no open cursors leak out), a write
is all-or-nothing, and reads name the snapshot they want.

A snapshot is identified by its `snapshot_id`, not by its date (docs/snapshots.md): a load, a survey round's
close and a challenge's recorded ties can share a day. The first snapshot of a date takes the date itself as its
id (so the ids of stores written before ids existed, and every URL, scenario and command line naming them, stay
valid); a later one on the same date takes the date and a number (2026-07-01-2). Nothing replaces a snapshot
unless the caller names it (write_snapshot's `replace`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

import pandas as pd

from netmap.dataset import Dataset
from netmap.errors import StorageError
from netmap.rights.people import table_without, without_people
from netmap.store.survey_records import SurveyRecords

__all__ = ["Exclusion", "GraphStore", "ProgressCallback", "SnapshotInfo", "WriteResult", "WriteStatus",
           "describe_snapshot", "new_snapshot_id", "snapshot_order", "write_target"]

ProgressCallback = Callable[[int], None]
"""Called with the number of rows just written, so a caller can advance a progress bar."""


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored snapshot: its id (its identity: lookups, URLs, scenarios), its as-of date (what date logic
    uses: staff in post, tie windows), when and from where it was loaded, and its size."""

    snapshot_id: str
    as_of: str
    loaded_at: str
    source: str
    content_hash: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Exclusion:
    """A person left out of every analysis after objecting (UK GDPR article 21): their staff id, the reason
    recorded, and since when (ISO timestamp, UTC). They stay held, for the record of the objection."""

    staff_id: str
    reason: str
    since: str


WriteStatus = Literal["created", "replaced", "repaired", "unchanged"]


@dataclass(frozen=True)
class WriteResult:
    """What a write did: created a new snapshot, replaced the one it was asked to replace, rewrote one whose stored
    content no longer matched its hash (repaired), or found it unchanged."""

    snapshot: SnapshotInfo
    status: WriteStatus


class GraphStore(SurveyRecords, ABC):
    """Where snapshots of a trust are kept, and its survey rounds. Use as a context manager, or call close().

    `analysis` says where a snapshot's components, degree, betweenness and communities are computed: "netmap"
    (its own engine, every store) or "gds" (inside the database: only Neo4jStore, NETMAP_NEO4J_ANALYSIS);
    netmap.snapshot reads it."""

    analysis: str = "netmap"

    @abstractmethod
    def write_snapshot(self, dataset: Dataset, as_of: str, *, source: str, replace: str | None = None,
                       progress: ProgressCallback | None = None) -> WriteResult:
        """Store `dataset` as a snapshot dated `as_of`, all-or-nothing.

        With `replace` None, a new snapshot (id from new_snapshot_id) that replaces nothing; but when a snapshot of
        that date already holds the same contents from the same `source`, that one is the result ("unchanged", or
        "repaired" when its stored copy no longer matched its hash): loads are idempotent. With `replace` an id,
        the snapshot with that id is rewritten (keeping its id; StorageError when there is none): the only way
        anything is replaced.
        """

    @abstractmethod
    def list_snapshots(self) -> list[SnapshotInfo]:
        """Every complete snapshot, oldest first."""

    def content_hash_of(self, dataset: Dataset) -> str:
        """The content hash this store would record for `dataset` (SnapshotInfo.content_hash)."""
        return dataset.content_hash()

    def snapshots_in_the_way(self, dataset: Dataset, as_of: str, source: str) -> list[SnapshotInfo]:
        """The snapshots dated `as_of` that a new snapshot of `dataset` from `source` would sit beside: none when
        the date has none, or when one of them already holds these contents from this source (writing them again
        changes nothing). What `netmap load` and the upload page show before asking to replace or keep both."""
        on_date = [s for s in self.list_snapshots() if s.as_of == as_of]
        content_hash = self.content_hash_of(dataset) if on_date else ""
        if any(s.content_hash == content_hash and s.source == source for s in on_date):
            return []
        return on_date

    def read_dataset(self, snapshot_id: str | None = None, *, with_excluded: bool = False) -> Dataset:
        """The dataset of the snapshot `snapshot_id` (default: the latest), as it was written but without the
        people excluded from analysis (their rows and every tie to or from them; `with_excluded`: as written, for
        a subject access export and erasure). Stores hold datasets; graphs are built from them in one place,
        netmap.graphs."""
        dataset = self._read_snapshot(self.snapshot(snapshot_id))
        return dataset if with_excluded else without_people(dataset, self.excluded_ids())

    @abstractmethod
    def _read_snapshot(self, info: SnapshotInfo) -> Dataset:
        """The dataset of a snapshot already looked up."""

    def read_table(self, snapshot_id: str, name: str) -> pd.DataFrame:
        """One table of a snapshot (e.g. its schools, for names), without reading the others: what the web
        app's first page needs of a national snapshot; without the people excluded from analysis."""
        return table_without(name, self._read_one_table(snapshot_id, name), self.excluded_ids())

    def _read_one_table(self, snapshot_id: str, name: str) -> pd.DataFrame:
        """One table as written. Stores read just that table; this default reads all."""
        return self._read_snapshot(self.snapshot(snapshot_id)).table(name)

    @abstractmethod
    def write_analysis(self, info: SnapshotInfo, key: str, parts: Iterable[tuple[str, bytes]]) -> None:
        """Keep an analysis of the snapshot `info` (as named byte parts, see netmap.analysis.stored; taken one at a
        time, each made as it is taken) under `key` (its options); it goes when the snapshot is replaced or
        deleted."""

    @abstractmethod
    def read_analysis(self, info: SnapshotInfo, key: str) -> list[tuple[str, bytes]] | None:
        """The parts written for this snapshot's contents (its content hash) and `key`, or None."""

    @abstractmethod
    def write_thresholds(self, snapshot_id: str, thresholds: dict[str, str]) -> None:
        """Keep an admin's analysis thresholds (NAME: VALUE text, netmap.analysis.options) for the snapshot
        `snapshot_id`, replacing any it had; StorageError when there is no such snapshot. They go when the
        snapshot is replaced or deleted."""

    @abstractmethod
    def read_thresholds(self, snapshot_id: str) -> dict[str, str]:
        """The thresholds kept for the snapshot `snapshot_id` (empty: the defaults)."""

    @abstractmethod
    def delete_snapshot(self, snapshot_id: str) -> None:
        """Delete the snapshot `snapshot_id` and all its data (for retention limits); StorageError if none."""

    @abstractmethod
    def erase_person(self, staff_id: str, rewritten: dict[str, Dataset]) -> None:
        """Erase `staff_id` (UK GDPR article 17), all-or-nothing: each snapshot named in `rewritten` (by id)
        takes those contents (the same snapshot without the person, netmap.rights.people.without_people) and
        keeps its id, date, source and load time, its kept analyses dropped; every survey record of the person
        goes (links, answer sheets, answers they gave or that name them) and so does an exclusion of theirs.
        Afterwards the store returns nothing of them, and its files keep nothing of them that it can clear."""

    def forget_leftover_key(self, staff_id: str) -> bool:
        """Delete a key still kept for `staff_id` although nothing else of theirs is held (an erasure whose last
        step failed); True if there was one. A store that keeps no keys has none."""
        return False

    @abstractmethod
    def exclude_person(self, exclusion: Exclusion) -> None:
        """Record `exclusion` (replacing one of the same person): every read leaves them out from now on."""

    @abstractmethod
    def include_person(self, staff_id: str) -> bool:
        """Withdraw the exclusion of `staff_id`; whether there was one."""

    @abstractmethod
    def excluded_people(self) -> list[Exclusion]:
        """Every exclusion, by staff id."""

    def excluded_ids(self) -> frozenset[str]:
        """The staff ids excluded from analysis."""
        return frozenset(e.staff_id for e in self.excluded_people())

    @abstractmethod
    def forget_analyses(self, snapshot_ids: list[str]) -> None:
        """Drop the kept analyses (under any options) of these snapshots, so that each is computed again when
        next asked for: after an exclusion changes who is analysed in them."""

    @abstractmethod
    def init_schema(self) -> list[str]:
        """Create the store's schema if missing (idempotent); returns what it ensured exists."""

    @abstractmethod
    def close(self) -> None:
        """Release the store's connection."""

    def snapshot(self, snapshot_id: str | None = None) -> SnapshotInfo:
        """The snapshot with id `snapshot_id`, or the latest; StorageError naming the fix when there is none."""
        snapshots = self.list_snapshots()
        if not snapshots:
            raise StorageError("The store holds no snapshot yet. Load one with `netmap load DIR` "
                               "(or `netmap demo` for the sample trust).")
        if snapshot_id is None:
            return snapshots[-1]
        for info in snapshots:
            if info.snapshot_id == snapshot_id:
                return info
        known = ", ".join(s.snapshot_id for s in snapshots)
        raise StorageError(f"No snapshot {snapshot_id}. Stored snapshots: {known}.")

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def write_target(stored: list[SnapshotInfo], *, replace: str | None, as_of: str, content_hash: str, source: str,
                 where: str) -> SnapshotInfo | None:
    """The stored snapshot a write of (`as_of`, `content_hash`, `source`) lands on: the one `replace` names
    (StorageError listing the stored ids when `where`, the store, has none of that id), else one with the same date,
    contents and source (the same load run again); None when the write makes a new snapshot."""
    if replace is not None:
        target = next((s for s in stored if s.snapshot_id == replace), None)
        if target is None:
            raise StorageError(f"There is no snapshot {replace} to replace {where}. Stored snapshots: "
                               f"{', '.join(s.snapshot_id for s in stored) or 'none'}.")
        return target
    return next((s for s in stored if s.as_of == as_of and s.content_hash == content_hash and s.source == source),
                None)


def new_snapshot_id(as_of: str, taken: set[str]) -> str:
    """The id of a new snapshot dated `as_of`: the date itself when no snapshot has it, else the date and the
    first free number from 2 (2026-07-01-2, 2026-07-01-3, ...). Dates are YYYY-MM-DD, so no such id is a date."""
    if as_of not in taken:
        return as_of
    number = 2
    while f"{as_of}-{number}" in taken:
        number += 1
    return f"{as_of}-{number}"


def snapshot_order(info: SnapshotInfo) -> tuple[str, str, int, str]:
    """How snapshots are listed, oldest first: by date, then when loaded, then the number in their id (so the
    latest snapshot of a day is the one written last, and 2026-07-01-10 follows 2026-07-01-9)."""
    number = info.snapshot_id[len(info.as_of) + 1:] if info.snapshot_id.startswith(f"{info.as_of}-") else ""
    return info.as_of, info.loaded_at, int(number) if number.isdigit() else 1, info.snapshot_id


def describe_snapshot(info: SnapshotInfo) -> str:
    """One line naming a snapshot for a person choosing between them: id, date, source, when loaded, counts."""
    counts = ", ".join(f"{n} {name}" for name, n in info.counts.items() if n)
    dated = "" if info.snapshot_id == info.as_of else f" dated {info.as_of}"
    return f"{info.snapshot_id}{dated} (from {info.source}, loaded {info.loaded_at}: {counts or 'empty'})"
