"""One stored snapshot, as the library, the commands and the web app use it.

A `Snapshot` is a store's snapshot (its `SnapshotInfo`) with everything derived from it computed once, on first
use, and kept on the object: the dataset read from the store, the dataset as the trust was on its date, the
staff in post, the graphs, the analysis (read when the store keeps it for these contents and options; otherwise
computed once and kept with the snapshot) and the planner. A command opens one and asks it; the web app holds one
per snapshot for as long as the snapshot's contents are unchanged (webapp.data.TrustView is its subclass).

Nothing here re-derives what another part already holds: the graphs are built from the dated dataset, the analysis
is computed from the same dataset, and the staff-in-post filter runs once for all of them (netmap.graphs.active_staff
keeps it with the dataset).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar, cast, overload

import pandas as pd

from netmap.analysis.engine import Analysis, Progress, analyse_snapshot, with_community_stability
from netmap.analysis.given import GivenMeasures
from netmap.analysis.islands import Islands
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.planner import Candidate, Introduction, Planner, choose
from netmap.analysis.secondees import SecondeeFigures, introductions
from netmap.analysis.sensitivity import with_stability_of
from netmap.analysis.stored import analysis_from_parts, analysis_to_parts, options_key
from netmap.dataset import Dataset
from netmap.errors import AnalysisError, StorageError
from netmap.graphs import (
    TrustGraphs,
    active_staff,
    build_graphs,
    current_and_planned_secondments,
    in_trust,
    tie_window_warning,
    without_units,
)
from netmap.store.base import GraphStore, SnapshotInfo
from netmap.trusts import within_trusts

if TYPE_CHECKING:
    from netmap.store.neo4j import Neo4jStore

__all__ = ["NOTHING_HIDDEN", "Hidden", "NamesPeople", "PolicyView", "Snapshot"]

log = logging.getLogger(__name__)

ISLANDS_KEPT = 32  # island graphs a snapshot keeps at once (the least recently used go first)
HOMES_KEPT = 256  # planners of one school and its contacts kept at once (secondees' homes; least recently used go)
VIEWS_KEPT = 16  # views without hidden units a snapshot keeps at once (one per role and lead; least recently used go)

NARROWED = ("Stability of named lists not computed for this view: it leaves out schools or groups too small to "
            "show, and its draws would be spent on lists it names nobody from; the whole trust's analysis has it.")

WITHIN_TRUSTS = ("Stability of named lists not computed for a trust's or the partnership's view of a shared store: "
                 "its draws would be repeated for every such view; the whole store's analysis has it.")


T = TypeVar("T")


class built_once(Generic[T]):  # noqa: N801 - used as a decorator, like the cached_property it stands in for
    """functools.cached_property with a lock per instance: on Python 3.11 cached_property holds one lock per
    property for every instance, so building one snapshot's graphs (seconds at scale, in the web app's warm-up)
    would make every other snapshot's view wait for its own. Kept in the instance's __dict__ under the same name
    (a non-data descriptor: once built, the attribute is read directly)."""

    def __init__(self, make: Callable[[Any], T]) -> None:
        self.make = make
        self.__doc__ = make.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | Self:
        if instance is None:
            return self
        kept = instance.__dict__
        lock: threading.Lock = kept.setdefault(f"{self.name} lock", threading.Lock())  # atomic; no attribute's name
        with lock:
            if self.name not in kept:
                kept[self.name] = self.make(instance)
            found: T = kept[self.name]
            return found


class NamesPeople(Protocol):
    """What an access policy says about one user (the web's `Scope` is one): `people` they may see by name, or
    None for everyone."""

    @property
    def people(self) -> frozenset[str] | None: ...


@dataclass(frozen=True)
class Hidden:
    """The schools and groups a snapshot leaves out before analysis and layout (`Snapshot.without`): what
    roles that see aggregates only may not learn anything about (netmap.suppression; docs/suppression.md).
    `kept` are staff of those schools who stay all the same: people the role may see by name (a network lead's
    members), whose facts are not hidden from it. `within`, when given, are the only trusts kept (a trust's or a
    partnership's view: netmap.trusts.within_trusts, applied first); empty keeps every trust."""

    schools: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    kept: frozenset[str] = frozenset()
    within: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.schools or self.groups or self.within)

    @property
    def key(self) -> str:
        """A short digest naming the hidden units (and the trusts kept, when any), kept beside the options' key
        with the analysis."""
        parts = (self.schools, self.groups, self.kept, *((self.within,) if self.within else ()))
        text = "\x1e".join("\x1f".join(sorted(ids)) for ids in parts)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


NOTHING_HIDDEN = Hidden()


@dataclass(frozen=True)
class PolicyView:
    """A snapshot as one user's policy lets them see it: the staff in post they may name, and those people's rows
    of the analysis's staff table."""

    snapshot: Snapshot
    people: frozenset[str]

    @property
    def staff(self) -> pd.DataFrame:
        """The analysis's staff rows of the people this view may name, in the analysis's order."""
        staff = self.snapshot.analysis.staff
        return staff[staff["staff_id"].isin(self.people)].reset_index(drop=True)


class Snapshot:
    """One snapshot of one store, each derived thing computed once (see the module docstring).

    Parameters
    ----------
    info
        The stored snapshot (`GraphStore.snapshot` resolves an id, or the latest).
    store
        The store holding it, or a function returning the store to use now: the web app passes its per-thread
        store getter, since an embedded store's connection must stay in the thread that opened it.
    options
        The analysis's thresholds (default: those an admin kept with the snapshot, GraphStore.read_thresholds,
        else `AnalysisOptions()`); the kept analysis is looked up under them.
    hidden
        Schools and groups left out before analysis (see `without`); none by default.
    """

    def __init__(self, info: SnapshotInfo, store: GraphStore | Callable[[], GraphStore],
                 options: AnalysisOptions | None = None, *, hidden: Hidden = NOTHING_HIDDEN) -> None:
        self.info = info
        if options is not None:
            self.__dict__["options"] = options  # what the cached property would have read
        self.hidden = hidden
        self._store: Callable[[], GraphStore] = store if callable(store) else (lambda: store)
        self._analysis: Analysis | None = None
        self._lock = threading.Lock()  # one analysis at a time, when threads share the object
        self._without: OrderedDict[Hidden, Self] = OrderedDict()
        self._island_graphs: OrderedDict[int, TrustGraphs] = OrderedDict()
        self._island_planners: dict[int, Planner] = {}  # beside the island's graphs, let go with them
        self._home_planners: OrderedDict[str, Planner] = OrderedDict()
        self._islands_lock = threading.Lock()  # apart from _lock: a map is drawn while an analysis runs

    @classmethod
    def open(cls, store: GraphStore, snapshot: str | None = None,
             options: AnalysisOptions | None = None) -> Snapshot:
        """The snapshot `snapshot` of `store`: its id (a date YYYY-MM-DD, or date-N for a later one of that day),
        or the latest when None. Raises StorageError naming the stored ids (or how to load one) when there is no
        such snapshot."""
        return cls(store.snapshot(snapshot), store, options)

    @classmethod
    def in_memory(cls, info: SnapshotInfo, dataset: Dataset, analysis: Analysis) -> Self:
        """A snapshot held only in memory, with its dataset and analysis already known: a what-if's hypothetical
        trust (dated as the snapshot `info` it was made from). It has no store to read or keep anything in."""
        snapshot = cls(info, _no_store, AnalysisOptions())
        snapshot.__dict__["dataset"] = dataset  # what the cached property would have read
        snapshot._analysis = analysis
        return snapshot

    def without(self, hidden: Hidden) -> Self:
        """This snapshot with the `hidden` schools' staff and the `hidden` groups' members left out before
        analysis and layout (netmap.graphs.without_units): every figure, table, trend and map of the result is
        computed as if they were not there, so none depends on them. Built once per hidden set and kept (the
        VIEWS_KEPT most recently used; they die with this snapshot); its analysis is kept in the store beside this
        one's, under the options' and the hidden set's keys."""
        if not hidden:
            return self
        with self._lock:
            if hidden not in self._without:
                self._without[hidden] = self._narrowed(hidden)
                while len(self._without) > VIEWS_KEPT:
                    self._without.popitem(last=False)
            self._without.move_to_end(hidden)
            return self._without[hidden]

    def _narrowed(self, hidden: Hidden) -> Self:
        """A new snapshot of the same stored one, leaving out `hidden` (a subclass adds what it carries)."""
        return type(self)(self.info, self._store, self.options, hidden=hidden)

    @property
    def analysis_key(self) -> str:
        """What the kept analysis is filed under: the options' key, "-gds" when computed in the database (its
        communities are Leiden's, not the engine's), and the hidden set's key when units are hidden."""
        key = options_key(self.options) + ("-gds" if self.in_database else "")
        return f"{key}-without-{self.hidden.key}" if self.hidden else key

    @property
    def in_database(self) -> bool:
        """Whether components, degree, betweenness and communities are computed inside the store's database
        (Graph Data Science in Neo4j: NETMAP_NEO4J_ANALYSIS=gds) rather than by netmap's engine."""
        return self.store.analysis == "gds"

    def _given(self) -> GivenMeasures | None:
        """The measures the database computes for the engine when `in_database`, else None (the engine's own)."""
        if not self.in_database:
            return None
        from netmap.in_database import given_measures  # the Neo4j driver loads only for Neo4j users

        store = cast("Neo4jStore", self.store)  # only Neo4jStore sets analysis "gds" (GraphStore.analysis)
        return given_measures(store, self.snapshot_id, self.dataset, self.as_of, self.options)

    @property
    def snapshot_id(self) -> str:
        """The snapshot's identity: what --snapshot, ?snapshot= and every link name."""
        return self.info.snapshot_id

    @property
    def as_of(self) -> str:
        """The snapshot's date: what staff in post and tie windows are counted on."""
        return self.info.as_of

    @cached_property
    def options(self) -> AnalysisOptions:
        """The analysis's thresholds: those given, else those an admin kept with the snapshot (read once)."""
        return AnalysisOptions.from_thresholds(self.store.read_thresholds(self.snapshot_id))

    @property
    def store(self) -> GraphStore:
        """The store to read from now."""
        return self._store()

    @built_once
    def dataset(self) -> Dataset:
        """The dataset exactly as stored (every school, including one that joined after the snapshot's date),
        without the hidden units' people (see `without`)."""
        stored = self.store.read_dataset(self.snapshot_id)
        if self.hidden.within:
            stored = within_trusts(stored, self.hidden.within)
        return without_units(stored, self.hidden.schools, self.hidden.groups, self.hidden.kept)

    def table(self, name: str) -> pd.DataFrame:
        """One table of the snapshot: from the dataset once it has been read, else read alone (a national
        snapshot's ties are millions of rows that a table of people or schools does not need)."""
        if "dataset" in self.__dict__ or self.hidden:
            return self.dataset.table(name)
        return self.store.read_table(self.snapshot_id, name)

    @built_once
    def dated(self) -> Dataset:
        """The dataset as the trust was on the snapshot's date (netmap.graphs.in_trust): what the graphs and the
        analysis are built from."""
        return in_trust(self.dataset, self.as_of)

    @property
    def staff_in_post(self) -> pd.DataFrame:
        """Staff in post on the snapshot's date (filtered once: netmap.graphs.active_staff); read-only."""
        return active_staff(self.dated, self.as_of)

    @cached_property
    def secondments_under_way(self) -> pd.DataFrame:
        """Current and planned secondments of people in post (netmap.graphs.current_and_planned_secondments),
        worked out once: the pages of a school, a person and the secondments each show their part; read-only."""
        return current_and_planned_secondments(self.table("secondments"), self.table("staff"), self.as_of)

    @built_once
    def graphs(self) -> TrustGraphs:
        """Soft and hard wiring on the snapshot's date, over the options' tie window."""
        return build_graphs(self.dated, self.as_of, self.options.tie_window_days)

    @built_once
    def islands(self) -> Islands:
        """The snapshot's islands (netmap.analysis.islands.Islands): schools no tie or secondment joins to the rest,
        each with its people's memberships (a group spanning many islands does not join them)."""
        return Islands(self.dated, self.as_of, self.options.tie_window_days)

    def island_graphs(self, school_id: str) -> TrustGraphs:
        """The graphs of the island holding `school_id`: `graphs` restricted to it, every person, tie and each
        person's groups as there, since no tie or secondment leaves an island (a group's members elsewhere are not
        in it: nothing about one school or person needs them). Built on first use and shared by every request
        (the ISLANDS_KEPT most recently used are kept), so a page about one school or person costs its island, not
        the whole snapshot; `graphs` itself once it is built. KeyError for a school not in the snapshot."""
        with self._islands_lock:
            return self._island_graphs_of(school_id)[1]

    def _island_graphs_of(self, school_id: str) -> tuple[int | None, TrustGraphs]:
        """(island number, its graphs) under _islands_lock; (None, the whole graphs) once those are built."""
        if "graphs" in self.__dict__:
            self._island_graphs.clear()  # the whole graphs hold every island: keep one copy, not two
            self._island_planners.clear()
            self._home_planners.clear()
            return None, self.graphs
        number = self.islands.number_of(school_id)
        if number not in self._island_graphs:
            self._island_graphs[number] = build_graphs(self.islands.dataset_of(number), self.as_of,
                                                       self.options.tie_window_days)
            while len(self._island_graphs) > ISLANDS_KEPT:
                self._island_planners.pop(self._island_graphs.popitem(last=False)[0], None)
        self._island_graphs.move_to_end(number)
        return number, self._island_graphs[number]

    def island_planner(self, school_id: str) -> Planner:
        """A planner over the island holding `school_id` (its graphs as `island_graphs` gives them, the whole
        analysis): for what stays inside the island, such as a key connector's understudies at their school (their
        contacts and colleagues are all there), with the whole planner's answers. Kept with the island's graphs and
        shared; `planner` itself once the whole graphs are built. Not for secondees, who may come from any island
        (`recommend`). KeyError for a school not in the snapshot."""
        analysis = self.analysis  # before the lock: an analysis in progress must not hold up the maps' islands
        with self._islands_lock:
            number, graphs = self._island_graphs_of(school_id)
            if number is None:
                return self.planner
            if number not in self._island_planners:
                self._island_planners[number] = Planner(graphs, analysis)
            return self._island_planners[number]

    def recommend(self, school_id: str, *, subject: str | None = None, role: str | None = None, top: int = 10,
                  central: bool = False) -> list[Candidate]:
        """`Planner.recommend`'s secondees for `school_id`, the same people in the same order, without building
        the whole snapshot's graphs (unless they are built already): its island's people are scored by its
        island's planner, everyone else from their figures in the kept analysis (netmap.analysis.secondees); each
        chosen person is described by their home school's planner (`home_planner`) and the target's."""
        if "graphs" in self.__dict__:
            return self.planner.recommend(school_id, subject=subject, role=role, top=top, central=central)
        target = self.island_planner(school_id)
        inside = target.scored(school_id, subject=subject, role=role, central=central)
        outside = self.secondee_figures.scored(target, school_id, subject=subject, role=role, central=central,
                                               top=top)
        return [(target if s.person in target.school_of else self.home_planner(s.home)).describe(s, school_id, target)
                for s in choose(inside + outside, top, central)]

    def introductions(self, staff_id: str, *, top: int = 5) -> list[Introduction]:
        """`Planner.introductions`: the same people, without the whole snapshot's graphs unless built (their island's
        planner for who they already work with, everyone else's figures; netmap.analysis.secondees)."""
        if "graphs" in self.__dict__:
            return self.planner.introductions(staff_id, top=top)
        figures = self.secondee_figures
        if staff_id not in figures.people:
            raise AnalysisError(f"{staff_id!r} is not a member of staff in post in this snapshot.")
        home = str(figures.home[figures.people.get_loc(staff_id)])
        return introductions(figures, self.island_planner(home), staff_id, top=top)

    def home_planner(self, school_id: str) -> Planner:
        """A planner that knows what `school_id` gives up when one of its people is seconded (Planner.home_cost,
        describe): its island's planner when that is built, else one over the school's people and their contacts
        alone (Islands.dataset_around), which costs one school, not its island; the HOMES_KEPT most recently used
        are kept and shared, so that ranking secondees for many schools does not rebuild their homes' islands."""
        analysis = self.analysis  # before the lock, as island_planner
        with self._islands_lock:
            if "graphs" in self.__dict__:
                return self.planner
            number = self.islands.number_of(school_id)
            if number in self._island_planners:
                return self._island_planners[number]
            if school_id not in self._home_planners:
                graphs = build_graphs(self.islands.dataset_around(school_id), self.as_of, self.options.tie_window_days)
                self._home_planners[school_id] = Planner(graphs, analysis)
                while len(self._home_planners) > HOMES_KEPT:
                    self._home_planners.popitem(last=False)
            self._home_planners.move_to_end(school_id)
            return self._home_planners[school_id]

    @cached_property
    def secondee_figures(self) -> SecondeeFigures:
        """Every person's figures for ranking secondees across islands (netmap.analysis.secondees), computed once."""
        return SecondeeFigures(self.dated, self.as_of, self.analysis)

    @cached_property
    def tie_window_warning(self) -> str | None:
        """Why the snapshot may look emptier than its data, when its tie window drops most of its ties
        (netmap.graphs.tie_window_warning): shown by load, analyse and the web's pages."""
        return tie_window_warning(self.dated, self.as_of, self.options.tie_window_days)

    def kept_analysis(self) -> Analysis | None:
        """The analysis the store keeps for these contents and options (read once), or None."""
        if self._analysis is None:
            parts = self.store.read_analysis(self.info, self.analysis_key)
            if parts is not None:
                try:
                    kept = analysis_from_parts(parts, self.snapshot_id, self._forget_damaged)
                except StorageError as exc:  # incomplete or damaged: no kept analysis, computed afresh
                    log.warning("%s Computing it afresh.", exc)
                    return None
                if "communities" not in kept.summary:  # kept before netmap measured the communities' stability
                    kept = with_community_stability(kept, self.graphs.undirected, self.options.louvain_seed)
                self._analysis = kept
        return self._analysis

    def _forget_damaged(self) -> None:
        """Drop a kept analysis found damaged on reading a table, so that the next page or `netmap analyse`
        computes it afresh."""
        self._analysis = None
        self.store.forget_analyses([self.snapshot_id])

    def analyse(self, progress: Progress | None = None) -> Analysis:
        """The analysis: the kept one, or computed now (`progress` told each step, then each draw of the named
        lists' stability) and kept with the snapshot, so that it is computed once however many commands, pages
        and threads ask."""
        if self._analysis is not None:
            return self._analysis
        with self._lock:
            kept = self.kept_analysis()
            if kept is not None:
                return kept
            started = time.perf_counter()
            if progress and self.in_database:
                progress("components, degree, betweenness and communities in Neo4j", 0, 1)
            given = self._given()
            in_database = time.perf_counter() - started
            analysis = analyse_snapshot(self.dated, self.as_of, self.options, progress=progress, given=given)
            if given is not None:
                analysis.timings["in database"] = in_database
            if self.hidden:  # a narrowed view (aggregate roles, leads): draws for every hidden set would multiply
                skipped = NARROWED if self.hidden.schools or self.hidden.groups else WITHIN_TRUSTS
                analysis = replace(analysis, summary={**analysis.summary, "stability": {"skipped": skipped}})
            else:
                analysis = with_stability_of(analysis, self.dated, self.as_of, self.options, progress and (
                    lambda done, draws: progress(f"stability draw {done} of {draws}", done, draws)))
            self.store.write_analysis(self.info, self.analysis_key, analysis_to_parts(analysis))
            log.info("snapshot %s analysed in %.1f s and kept", self.snapshot_id, sum(analysis.timings.values()))
            self._analysis = analysis
            return analysis

    @property
    def analysis(self) -> Analysis:
        """The analysis (see `analyse`)."""
        return self.analyse()

    @cached_property
    def planner(self) -> Planner:
        """Secondment candidates, introductions and leaver risk over this snapshot's graphs and analysis."""
        return Planner(self.graphs, self.analysis)

    def seen_by(self, scope: NamesPeople) -> PolicyView:
        """The snapshot as `scope` may see it: everyone in post for a scope that names everyone, else the people
        it names who are in post."""
        in_post = frozenset(self.analysis.staff["staff_id"])
        return PolicyView(self, in_post if scope.people is None else in_post & scope.people)


def _no_store() -> GraphStore:
    """The store of a snapshot held in memory: there is none."""
    raise StorageError("This snapshot is held in memory (a what-if), not in a store: nothing can be read or kept "
                       "for it. Open a stored snapshot with Snapshot.open(store, snapshot_id).")
