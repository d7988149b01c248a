"""The GraphStore interface every store implements: write a dataset as a dated snapshot, list, read back.

Shaped for a server-backed store too: every call is a whole operation (no open cursors leak out), a write
is all-or-nothing, and reads name the snapshot they want.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

import pandas as pd

from netmap.dataset import Dataset
from netmap.errors import StorageError
from netmap.store.survey_records import SurveyRecords

__all__ = ["GraphStore", "ProgressCallback", "SnapshotInfo", "WriteResult", "WriteStatus"]

ProgressCallback = Callable[[int], None]
"""Called with the number of rows just written, so a caller can advance a progress bar."""


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored snapshot: its as-of date (its identity), when and from where it was loaded, and its size."""

    as_of: str
    loaded_at: str
    source: str
    content_hash: str
    counts: dict[str, int] = field(default_factory=dict)


WriteStatus = Literal["created", "replaced", "repaired", "unchanged"]


@dataclass(frozen=True)
class WriteResult:
    """What a write did: created a new snapshot, replaced one with the same date, rewrote one whose stored content
    no longer matched its hash (repaired), or found it unchanged."""

    snapshot: SnapshotInfo
    status: WriteStatus


class GraphStore(SurveyRecords, ABC):
    """Where snapshots of a trust are kept, and its survey rounds. Use as a context manager, or call close()."""

    @abstractmethod
    def write_snapshot(self, dataset: Dataset, as_of: str, *, source: str,
                       progress: ProgressCallback | None = None) -> WriteResult:
        """Store `dataset` as the snapshot dated `as_of` in one transaction, replacing one of the same date.

        Writing the same contents again changes nothing (status "unchanged").
        """

    @abstractmethod
    def list_snapshots(self) -> list[SnapshotInfo]:
        """Every complete snapshot, oldest first."""

    def read_dataset(self, as_of: str | None = None) -> Dataset:
        """The dataset stored for `as_of` (default: the latest snapshot), exactly as it was written. Stores hold
        datasets; graphs are built from them in one place, netmap.graphs."""
        return self._read_snapshot(self.snapshot(as_of))

    @abstractmethod
    def _read_snapshot(self, info: SnapshotInfo) -> Dataset:
        """The dataset of a snapshot already looked up."""

    def read_table(self, as_of: str, name: str) -> pd.DataFrame:
        """One table of a snapshot (e.g. its schools, for names), without reading the others: what the web
        app's first page needs of a national snapshot. Stores read just that table; this default reads all."""
        return self.read_dataset(as_of).table(name)

    @abstractmethod
    def write_analysis(self, info: SnapshotInfo, key: str, parts: list[tuple[str, bytes]]) -> None:
        """Keep an analysis of the snapshot `info` (as named byte parts, see netmap.analysis.stored) under
        `key` (its options); it goes when the snapshot is replaced or deleted."""

    @abstractmethod
    def read_analysis(self, info: SnapshotInfo, key: str) -> list[tuple[str, bytes]] | None:
        """The parts written for this snapshot's contents (its content hash) and `key`, or None."""

    @abstractmethod
    def delete_snapshot(self, as_of: str) -> None:
        """Delete the snapshot dated `as_of` and all its data (for retention limits); StorageError if none."""

    @abstractmethod
    def init_schema(self) -> list[str]:
        """Create the store's schema if missing (idempotent); returns what it ensured exists."""

    @abstractmethod
    def close(self) -> None:
        """Release the store's connection."""

    def snapshot(self, as_of: str | None = None) -> SnapshotInfo:
        """The snapshot dated `as_of`, or the latest; StorageError naming the fix when there is none."""
        snapshots = self.list_snapshots()
        if not snapshots:
            raise StorageError("The store holds no snapshot yet. Load one with `netmap load DIR` "
                               "(or `netmap demo` for the sample trust).")
        if as_of is None:
            return snapshots[-1]
        for info in snapshots:
            if info.as_of == as_of:
                return info
        known = ", ".join(s.as_of for s in snapshots)
        raise StorageError(f"No snapshot dated {as_of}. Stored snapshots: {known}.")

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
