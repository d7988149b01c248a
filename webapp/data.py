"""The trust data behind every page: one store per process, and each snapshot's analysis read from the store,
where it is kept with the snapshot. A request never analyses: a snapshot without a kept analysis is analysed
in a background thread while its pages say so, with the progress."""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, NoReturn, TypeVar

import networkx as nx
import pandas as pd
from flask import Flask, abort, current_app, make_response, render_template, request

from netmap.analysis.engine import STEPS
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.priorities import schools_to_help
from netmap.analysis.wiring import school_pair_layers
from netmap.errors import StorageError
from netmap.graphs import joined_by
from netmap.snapshot import NOTHING_HIDDEN, Hidden, Snapshot
from netmap.store import GraphStore, SnapshotInfo, open_store
from netmap.trusts import trusts_of

__all__ = ["TrustView", "analysed_stored_views", "analysed_views", "current_view", "get_store", "init_app",
           "is_latest_view", "release_store", "require_row", "require_view", "snapshots", "view_of"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class TrustView(Snapshot):
    """One snapshot as the pages see it: the library's netmap.snapshot.Snapshot (its kept analysis, and its dataset
    and graphs read when a page first needs them: the dashboard needs neither the graphs nor, beyond names, the
    people), with what only pages need: names, the schools in the trust on its date, map layouts and the snapshot
    before it.

    A subclass, as Flask's Request is werkzeug's with what only Flask needs: every Snapshot member (info,
    snapshot_id, as_of, analysis, dataset, graphs, table, planner ...) is the view's own, declared once, in
    netmap/snapshot.py. `layout_cache` holds what is computed once per snapshot for every user (map places, the
    wiring matrix); `load_previous` gives the view of the snapshot before this one (None: the first, or still being
    analysed), whose places maps keep.
    """

    def __init__(self, info: SnapshotInfo, store: GraphStore | Callable[[], GraphStore],
                 options: AnalysisOptions | None = None, *, hidden: Hidden = NOTHING_HIDDEN,
                 load_previous: Callable[[], TrustView | None] = lambda: None) -> None:
        super().__init__(info, store, options, hidden=hidden)
        self.layout_cache: dict[str, Any] = {}
        self.load_previous = load_previous

    def kept(self, name: str, key: Hashable, make: Callable[[], T], limit: int) -> T:
        """What `make` returns, kept in this view's `layout_cache[name]` under `key` for the `limit` most recently
        used keys (the rest let go, least recently used first). The dict is replaced whole, never changed under a
        reader (the server answers on several threads); two requests for a key not yet kept may both make it, and
        either result is kept."""
        memo: dict[Hashable, Any] = self.layout_cache.get(name, {})
        found: T = memo[key] if key in memo else make()
        if list(memo)[-1:] != [key]:  # the most recently used last
            rest = [(k, v) for k, v in memo.items() if k != key][-(limit - 1):] if limit > 1 else []
            self.layout_cache[name] = {**dict(rest), key: found}
        return found

    def _narrowed(self, hidden: Hidden) -> TrustView:
        """The view without `hidden`, whose maps keep the places of the previous snapshot without them."""
        def previous() -> TrustView | None:
            earlier = self.load_previous()
            return earlier.without(hidden) if earlier is not None else None

        return TrustView(self.info, self._store, self.options, hidden=hidden, load_previous=previous)

    @cached_property
    def staff_names(self) -> dict[str, str]:
        staff = self.table("staff")
        return dict(zip(staff["staff_id"], staff["name"].fillna(staff["staff_id"]), strict=True))

    @cached_property
    def schools(self) -> pd.DataFrame:
        """The schools in the trust on the snapshot's date (one that joined later is not yet on its pages)."""
        schools = self.table("schools")
        return schools[joined_by(schools, self.as_of)]

    @cached_property
    def school_names(self) -> dict[str, str]:
        return dict(zip(self.schools["school_id"], self.schools["name"], strict=True))

    @cached_property
    def group_names(self) -> dict[str, str]:
        groups = self.table("groups")
        return dict(zip(groups["group_id"], groups["name"], strict=True))

    @cached_property
    def school_pairs(self) -> pd.DataFrame:
        """Every pair of schools with what links them (netmap.analysis.wiring.school_pair_layers): the hard vs
        soft page, its map and its CSV read the same frame."""
        return school_pair_layers(self.analysis.wiring, self.analysis.bridges)

    @cached_property
    def schools_to_help(self) -> pd.DataFrame:
        """Isolated or weakly connected schools, high priority first, each with why (netmap.analysis.priorities)."""
        return schools_to_help(self.analysis.schools, self.schools)

    @property
    def undirected(self) -> nx.Graph:
        return self.graphs.undirected

    @cached_property
    def works_at(self) -> dict[str, str]:
        """Where each person in post works (a secondee: the receiving school), as the graphs' school_of says, read
        from the analysis: a search or a lookup needs no graph."""
        staff = self.analysis.staff
        school = staff["seconded_to"].where(staff["seconded_to"] != "", staff["school_id"])
        return dict(zip(staff["staff_id"], school, strict=True))

    def around(self, school_id: str) -> TrustView:
        """This view with only the graphs of the island holding `school_id` (Snapshot.island_graphs): the same
        analysis, names and map places (one layout cache), so that a map of a school or a person builds their
        island's graphs, not the whole snapshot's; the view itself once its whole graphs are built. The earlier
        snapshot's view, whose places a map keeps, is narrowed to the same island."""
        if "graphs" in self.__dict__:
            return self
        graphs = self.island_graphs(school_id)
        for shared in ("staff", "staff_names", "school_names", "group_names", "schools", "works_at"):
            getattr(self, shared)  # computed once on this view, so the island's copy shares them
        island = copy.copy(self)
        island.__dict__["graphs"] = graphs
        earlier = self.load_previous

        def previous() -> TrustView | None:
            before = earlier()
            return before.around(school_id) if before is not None and school_id in before.islands else before

        island.load_previous = previous
        return island

    @cached_property
    def subjects_taught(self) -> list[str]:
        """Every subject someone in post teaches, in order (the secondments page's choice), worked out once."""
        return sorted({s for v in self.staff["subjects"].dropna() for s in v.split(";")})

    @cached_property
    def staff(self) -> pd.DataFrame:
        """The staff metrics with name, role and subjects alongside."""
        people = self.table("staff")[["staff_id", "name", "role", "subjects"]]
        measured = self.analysis.staff  # nobody left (every school hidden from the role): ids typed as text still
        return measured.astype({"staff_id": object}).merge(people, on="staff_id", how="left")


class AnalysisPending(Exception):
    """The snapshot is being analysed in the background; `state` says how far it has got."""

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__("being analysed")
        self.state = state


class _Cache:
    """Views by (store location, snapshot id, content hash, exclusions and thresholds), so a reload with new
    contents, an exclusion from analysis or an admin's new thresholds misses; and the background analyses under
    way, one per snapshot."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._views: dict[tuple[str, str, str], TrustView] = {}
        self._running: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._latest: TrustView | None = None  # the latest snapshot's view last made (the one warmed)
        self._lock = threading.Lock()

    def get(self, store: GraphStore, info: SnapshotInfo) -> TrustView:
        # the people excluded from analysis are part of what a view shows: an exclusion made by `netmap person
        # exclude` while the app runs must not leave them in a view built before it
        excluded = ",".join(sorted(store.excluded_ids()))
        # so are the thresholds an admin keeps with the snapshot: changing them makes a new view and analysis
        thresholds = store.read_thresholds(info.snapshot_id)
        key = (_location(store), info.snapshot_id, f"{info.content_hash}|{excluded}|{sorted(thresholds.items())}")
        with self._lock:
            if key in self._views:
                return self._views[key]
            if key in self._running:
                raise AnalysisPending(dict(self._running[key]))
        view = TrustView(info, get_store, AnalysisOptions.from_thresholds(thresholds),
                         load_previous=lambda: self._previous(info))
        if view.kept_analysis() is None:
            self._start(key, info)
        latest = store.list_snapshots()[-1].snapshot_id == info.snapshot_id
        with self._lock:
            if key in self._views:  # another request made it meanwhile: theirs is kept (and warmed), not two
                return self._views[key]
            self._views = {k: v for k, v in self._views.items() if k[:2] != key[:2]}
            self._views[key] = view
            if latest:
                self._latest = view  # any warm-up of the view it replaces stops (is_latest)
        warm = self._app.extensions.get("netmap_warm_up")  # webapp.warm_up, when the app's WARM_UP is on
        if warm is not None and latest and not trusts_of(view.table("schools")):
            warm(view)  # the latest snapshot's whole view: its map places and largest island's graphs (not in a
        return view  # store of several trusts: its whole view is the operator-admin's alone)

    def is_latest(self, view: TrustView) -> bool:
        """Whether `view` is still the latest snapshot's view this cache made: not replaced by a reload, new
        exclusions or thresholds, or a newer snapshot's view."""
        with self._lock:
            return self._latest is view

    def _previous(self, info: SnapshotInfo) -> TrustView | None:
        """The view of the snapshot just before `info`'s, if it is analysed (asked for while drawing a map)."""
        earlier = previous_snapshot(info.snapshot_id)
        if earlier is None:
            return None
        try:
            return self.get(get_store(), earlier)
        except AnalysisPending:
            return None

    def _start(self, key: tuple[str, str, str], info: SnapshotInfo) -> NoReturn:
        with self._lock:
            if key not in self._running:
                self._running[key] = {"step": "starting", "done": 0, "total": len(STEPS), "error": None}
                threading.Thread(target=self._analyse, args=(key, info), name=f"analyse {info.snapshot_id}",
                                 daemon=True).start()
            raise AnalysisPending(dict(self._running[key]))

    def _analyse(self, key: tuple[str, str, str], info: SnapshotInfo) -> None:
        """Analyse and keep the snapshot, in its own thread with its own store; errors go to the log and page."""
        config = self._app.config
        state = self._running[key]

        def tell(step: str, done: int, total: int) -> None:
            state.update(step=step, done=done, total=total)

        try:
            with open_store(config["NETMAP_SETTINGS"], db=config.get("NETMAP_DB"),
                            store_uri=config.get("NETMAP_STORE")) as store:
                Snapshot(info, store).analyse(progress=tell)
        except Exception as exc:  # noqa: BLE001 - shown on the page and logged, never lost in a thread
            log.exception("analysing snapshot %s failed", info.snapshot_id)
            state.update(error=str(exc))
            return
        with self._lock:
            self._running.pop(key, None)


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

    def release(self) -> None:
        """Close and forget this thread's embedded store, if it has one (a shared store stays open)."""
        store: GraphStore | None = self._local.__dict__.pop("store", None)
        if store is not None:
            store.close()


def init_app(app: Flask, for_user: Callable[[TrustView], TrustView]) -> None:
    """Attach the views' cache and the store to `app`; `for_user` turns a stored snapshot's view into the one the
    signed-in user's role is given (webapp.hidden.view_for_user), every page's view passing through it."""
    app.extensions["netmap_cache"] = _Cache(app)
    app.extensions["netmap_stores"] = _Stores(app)
    app.extensions["netmap_view_for_user"] = for_user


def release_store() -> None:
    """Close this thread's embedded store, if it opened one (see _Stores): for a thread of netmap's own that is
    about to end (a request's thread keeps its store)."""
    stores: _Stores = current_app.extensions["netmap_stores"]
    stores.release()


def get_store() -> GraphStore:
    """This process's store (see _Stores); opened on first use, never per request."""
    stores: _Stores = current_app.extensions["netmap_stores"]
    return stores.get()


def snapshots() -> list[SnapshotInfo]:
    return get_store().list_snapshots()


def previous_snapshot(snapshot_id: str) -> SnapshotInfo | None:
    """The snapshot listed just before `snapshot_id` (the one dated before it, or written before it on its date),
    or None."""
    listed = snapshots()
    ids = [s.snapshot_id for s in listed]
    place = ids.index(snapshot_id) if snapshot_id in ids else 0
    return listed[place - 1] if place > 0 else None


def is_latest_view(view: TrustView) -> bool:
    """Whether `view` is still the latest snapshot's whole view in this process's cache (see _Cache.is_latest):
    a warm-up of one replaced stops."""
    cache: _Cache = current_app.extensions["netmap_cache"]
    return cache.is_latest(view)


def stored_view(info: SnapshotInfo) -> TrustView:
    """A stored snapshot's whole view, from this process's cache; raises AnalysisPending while it is being
    analysed. Pages show view_of's instead; this one is what the role's view is chosen from."""
    view: TrustView = current_app.extensions["netmap_cache"].get(get_store(), info)
    return view


def view_of(info: SnapshotInfo) -> TrustView:
    """A snapshot's view as the signed-in user's role is given it (see init_app); raises AnalysisPending while
    the snapshot is being analysed."""
    chosen: TrustView = current_app.extensions["netmap_view_for_user"](stored_view(info))
    return chosen


def analysed_stored_views() -> list[TrustView]:
    """Every stored snapshot whose analysis is ready, whole, oldest first (one still being analysed joins once it
    is done)."""
    views = []
    for info in snapshots():
        try:
            views.append(stored_view(info))
        except AnalysisPending:
            continue
    return views


def analysed_views() -> list[TrustView]:
    """analysed_stored_views as the signed-in user's role is given them."""
    for_user = current_app.extensions["netmap_view_for_user"]
    return [for_user(view) for view in analysed_stored_views()]


def current_view() -> TrustView | None:
    """The snapshot named by ?snapshot=ID (default: the latest), analysed; None when the store is empty."""
    store = get_store()
    if not store.list_snapshots():
        return None
    try:
        info = store.snapshot(request.args.get("snapshot") or None)
    except StorageError as exc:
        abort(404, description=str(exc))
    return ready_view(info)


def ready_view(info: SnapshotInfo) -> TrustView:
    """The snapshot's view; while it is being analysed, a 503 page saying how far the analysis has got."""
    try:
        return view_of(info)
    except AnalysisPending as pending:
        page = render_template("pending.html", info=info, state=pending.state)
        abort(make_response(page, 503, {"Retry-After": "5"}))


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
