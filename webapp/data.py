"""The trust data behind every page: the store per request, and each snapshot's analysis computed once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import pandas as pd
from flask import Flask, abort, current_app, request

from netmap.analysis import Analysis, analyse
from netmap.errors import StorageError
from netmap.graphs import TrustGraphs, read_graphs
from netmap.store import GraphStore, SnapshotInfo, open_store

__all__ = ["TrustView", "current_view", "get_store", "init_app", "require_row", "require_view", "snapshots"]


@dataclass
class TrustView:
    """One snapshot as the pages see it: its graphs, its analysis and name lookups."""

    info: SnapshotInfo
    graphs: TrustGraphs
    analysis: Analysis
    layout_cache: dict = field(default_factory=dict)

    @property
    def as_of(self) -> str:
        return self.info.as_of

    @cached_property
    def staff_names(self) -> dict[str, str]:
        staff = self.graphs.dataset.staff
        return dict(zip(staff["staff_id"], staff["name"].fillna(staff["staff_id"]), strict=True))

    @cached_property
    def school_names(self) -> dict[str, str]:
        schools = self.graphs.dataset.schools
        return dict(zip(schools["school_id"], schools["name"], strict=True))

    @cached_property
    def group_names(self) -> dict[str, str]:
        groups = self.graphs.dataset.groups
        return dict(zip(groups["group_id"], groups["name"], strict=True))

    @property
    def undirected(self) -> nx.Graph:
        return self.graphs.undirected

    @cached_property
    def staff(self) -> pd.DataFrame:
        """The staff metrics with name, role and subjects alongside."""
        people = self.graphs.dataset.staff[["staff_id", "name", "role", "subjects"]]
        return self.analysis.staff.merge(people, on="staff_id", how="left")


class _Cache:
    """Analyses by (store location, snapshot date, content hash); a reload with new contents misses."""

    def __init__(self) -> None:
        self._views: dict[tuple, TrustView] = {}
        self._lock = threading.Lock()

    def get(self, store: GraphStore, info: SnapshotInfo) -> TrustView:
        key = (_location(store), info.as_of, info.content_hash)
        with self._lock:
            if key not in self._views:
                graphs = read_graphs(store, info.as_of)
                self._views = {k: v for k, v in self._views.items() if k[0] != key[0] or k[1] != key[1]}
                self._views[key] = TrustView(info, graphs, analyse(graphs))
            return self._views[key]


def _location(store: GraphStore) -> str:
    return str(getattr(store, "uri", None) or getattr(store, "path", id(store)))


class _Stores:
    """One store for the whole process: Neo4j's driver is shared by every thread (it pools its connections); an
    embedded store is one SQLite connection per thread (a connection must stay in the thread that made it)."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._shared: GraphStore | None = None
        self._local = threading.local()
        self._lock = threading.Lock()

    def get(self) -> GraphStore:
        config = self._app.config
        settings = config["NETMAP_SETTINGS"]
        if config.get("NETMAP_STORE") or settings.neo4j_uri:
            with self._lock:
                if self._shared is None:
                    self._shared = open_store(settings, db=config.get("NETMAP_DB"),
                                              store_uri=config.get("NETMAP_STORE"))
                return self._shared
        store: GraphStore | None = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(settings, db=config.get("NETMAP_DB"))
        return store


def init_app(app: Flask) -> None:
    app.extensions["netmap_cache"] = _Cache()
    app.extensions["netmap_stores"] = _Stores(app)


def get_store() -> GraphStore:
    """This process's store (see _Stores); opened on first use, never per request."""
    stores: _Stores = current_app.extensions["netmap_stores"]
    return stores.get()


def snapshots() -> list[SnapshotInfo]:
    return get_store().list_snapshots()


def current_view() -> TrustView | None:
    """The snapshot named by ?snapshot=DATE (default: the latest), analysed; None when the store is empty."""
    store = get_store()
    if not store.list_snapshots():
        return None
    try:
        info = store.snapshot(request.args.get("snapshot") or None)
    except StorageError as exc:
        abort(404, description=str(exc))
    return current_app.extensions["netmap_cache"].get(store, info)


def require_view() -> TrustView:
    """The current snapshot's view; 404 with advice when nothing has been loaded yet."""
    view = current_view()
    if view is None:
        abort(404, description="No snapshot is loaded yet. Load one with `netmap load FOLDER` or the Upload page.")
    return view


def require_row(table: str, key: str, item_id: str) -> tuple[TrustView, pd.Series]:
    """The current snapshot's view and the analysis row of one school or group (`table` "schools" or "groups");
    404 naming it when this snapshot has none."""
    view = current_view()
    frame = getattr(view.analysis, table) if view is not None else None
    if view is None or frame is None or item_id not in set(frame[key]):
        abort(404, description=f"No {table[:-1]} {item_id!r} in this snapshot.")
    return view, frame.set_index(key).loc[item_id]
