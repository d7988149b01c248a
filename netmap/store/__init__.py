"""Graph stores: the GraphStore interface and its implementations."""

from netmap.store.base import GraphStore, ProgressCallback, SnapshotInfo, WriteResult
from netmap.store.factory import open_store
from netmap.store.sqlite import SQLiteStore

__all__ = ["GraphStore", "ProgressCallback", "SQLiteStore", "SnapshotInfo", "WriteResult", "open_store"]
