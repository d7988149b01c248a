"""Sensitivity of named lists: how many of the people a list names (brokers, key connectors, isolates,
disconnected staff) would still be named if a tenth of respondents had not answered.

Each draw drops `share` of the respondents at random (people whose survey status is "responded"; when nobody's
status is known, everyone who named a colleague): their own answers (the ties they reported) are removed and
they count as not answering, as if they had not taken part. The lists are then recomputed by the analysis's own
rules (netmap.analysis.roles, netmap.analysis.school_ties) with the trust's schools' response bands held as they
were. A person's stability is the number of draws whose list still names them; a list's is the mean share of
its people still named.

Cost: `draws` times one betweenness computation on the snapshot's U (the rest is linear in its ties), bounded by
the number of draws, whatever the number of respondents.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, replace

import networkx as nx
import numpy as np
import pandas as pd

from netmap.analysis.centrality import betweenness
from netmap.analysis.engine import BATCH_STAFF, Analysis
from netmap.analysis.islands import Batches
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.roles import ona_roles
from netmap.analysis.school_ties import SchoolTies
from netmap.analysis.tables import columns_of
from netmap.dataset import Dataset
from netmap.graphs import MISSING_RESPONSES, TrustGraphs, build_graphs, ties_with_status

__all__ = ["DEFAULT_DRAWS", "DROP_SHARE", "LISTS", "NOT_COMPUTED", "ListStability", "list_stability",
           "list_stability_in_batches", "named_lists", "stability_line", "stable_in", "with_stability",
           "with_stability_of"]

NOT_COMPUTED = ("Stability not computed for this analysis (stability_draws was 0, or it was kept before the step "
                "existed).")

DEFAULT_DRAWS = 20
DROP_SHARE = 0.1
LISTS = ("broker", "key connector", "isolate", "disconnected")


@dataclass(frozen=True)
class ListStability:
    """Each list's people (`named`: list -> the people, a key connector as "person@school"), in how many of
    `draws` draws each is still named (`survived`), and which respondents each draw dropped."""

    named: dict[str, list[str]]
    survived: dict[str, dict[str, int]]
    dropped: list[frozenset[Hashable]]
    draws: int
    share: float
    seed: int

    def list_share(self, name: str) -> float | None:
        """The mean share of list `name`'s people still named in a draw; None for an empty list."""
        people = self.named[name]
        if not people or not self.draws:
            return None
        return sum(self.survived[name].values()) / (len(people) * self.draws)

    def sentence(self, name: str, person: str) -> str:
        """How stable one person's place in a list is, in words: "in 18 of 20 draws"."""
        return f"in {self.survived[name][person]} of {self.draws} draws"


def _respondents(graphs: TrustGraphs) -> list[Hashable]:
    """Whose answers a draw may drop: those recorded as responding, else everyone who named a colleague."""
    status = dict(graphs.soft.nodes(data="response", default="unknown"))
    if any(s != "unknown" for s in status.values()):
        return sorted((p for p, s in status.items() if s == "responded"), key=str)
    return sorted({a for a, _ in graphs.soft.edges()}, key=str)


def _undirected_without(graphs: TrustGraphs, dropped: Collection[Hashable], weighted: bool) -> nx.Graph:
    """U (with summed `weight`s when `weighted`) as if the `dropped` people had not answered: built straight from
    the ties the others reported, without copying S (a third of a draw's time on the sample)."""
    if not dropped:
        return graphs.weighted_undirected if weighted else graphs.undirected
    graph = nx.Graph()
    graph.add_nodes_from(graphs.soft)
    if not weighted:
        graph.add_edges_from((a, b) for a, b in graphs.soft.edges() if a not in dropped)
        return graph
    for a, b, weight in graphs.soft.edges(data="weight", default=1.0):
        if a not in dropped:
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += weight
            else:
                graph.add_edge(a, b, weight=weight)
    return graph


def named_lists(graphs: TrustGraphs, options: AnalysisOptions, thin: Collection[str] = (),
                dropped: Collection[Hashable] = frozenset()) -> dict[str, set[str]]:
    """Each named list of LISTS as the analysis draws it from `graphs` (schools in `thin`, whose response rate is
    too low to name anyone, named nobody), as if the `dropped` people had not answered: their reported ties gone,
    their status "no response". Only the measures the lists need are computed."""
    part = _part_lists(graphs, options, set(thin), frozenset(dropped), graphs.soft.number_of_nodes())
    return _lists([part], options, set(thin))


@dataclass
class _Part:
    """What one batch of islands gives a draw's lists: its people's figures for the roles (betweenness already
    on the trust's scale) and its own key connectors and disconnected staff, which never depend on another."""

    staff: pd.DataFrame
    key_connectors: set[str]
    disconnected: set[str]


def _part_lists(graphs: TrustGraphs, options: AnalysisOptions, thin: set[str], dropped: frozenset[Hashable],
                people: int) -> _Part:
    """A batch's share of `named_lists` (`graphs` one batch's, `people` the trust's staff in post): betweenness
    normalised as over the whole trust, as the engine does (netmap.analysis.engine._combine)."""
    soft, school = graphs.soft, graphs.school_of
    dropped = dropped & frozenset(soft)  # the others' answers lie in other batches
    undirected = _undirected_without(graphs, dropped, weighted=False)
    nodes = list(soft)
    home = dict(soft.nodes(data="home_school_id"))
    response = dict(soft.nodes(data="response", default="unknown")) | dict.fromkeys(dropped, "no response")
    weight = "weight" if options.weighted else None
    between = betweenness(_undirected_without(graphs, dropped, weighted=True) if weight else undirected,
                          weight=weight)
    n = len(nodes)
    staff = pd.DataFrame({
        "staff_id": nodes, "school_id": [home.get(v, school[v]) for v in nodes],
        "seconded_to": [school[v] if school[v] != home.get(v, school[v]) else "" for v in nodes],
        "response": [response[v] for v in nodes], "soft_degree": [undirected.degree(v) for v in nodes],
        "cross_school_ties": [sum(1 for n in undirected[v] if school[n] != school[v]) for v in nodes],
        "schools_reached": [len({school[n] for n in undirected[v]} - {school[v]}) for v in nodes],
        "betweenness": [between[v] for v in nodes]})
    if n < people:  # normalised by the batch's (n-1)(n-2)/2: the trust's applies (one batch: kept as computed)
        staff["betweenness"] *= (n - 1) * (n - 2) / ((people - 1) * (people - 2)) if n >= 3 else 0.0
    hard_cross = graphs.hard.cross_school_people(school)
    works_at = staff["seconded_to"].where(staff["seconded_to"] != "", staff["school_id"])
    disconnected = ((staff["cross_school_ties"] == 0) & ~staff["staff_id"].isin(hard_cross)
                    & ~staff["response"].isin(MISSING_RESPONSES) & ~works_at.isin(thin))
    ties = SchoolTies(undirected.edges(), school)
    return _Part(staff[["staff_id", "school_id", "seconded_to", "response", "soft_degree", "schools_reached",
                        "betweenness"]],
                 {f"{p}@{s}" for s in set(school.values()) - thin
                  for p in ties.key_connectors(s, options.key_connector_share)},
                 set(staff.loc[disconnected, "staff_id"].map(str)))


def _lists(parts: list[_Part], options: AnalysisOptions, thin: set[str]) -> dict[str, set[str]]:
    """The named lists of one draw from its batches' parts: the roles over the whole trust's people (their
    percentiles), the rest the union of the batches'."""
    staff = pd.concat([p.staff for p in parts], ignore_index=True) if len(parts) > 1 else parts[0].staff
    roles = ona_roles(staff, options, thin) if len(staff) else pd.Series(dtype=object)
    return {"broker": set(staff.loc[roles == "broker", "staff_id"].map(str)),
            "key connector": set().union(*(p.key_connectors for p in parts)),
            "isolate": set(staff.loc[roles == "isolate", "staff_id"].map(str)),
            "disconnected": set().union(*(p.disconnected for p in parts))}


def list_stability(graphs: TrustGraphs, options: AnalysisOptions | None = None, thin: Collection[str] = (), *,
                   draws: int = DEFAULT_DRAWS, share: float = DROP_SHARE, seed: int = 0,
                   progress: Callable[[int], None] | None = None) -> ListStability:
    """How many of `draws` draws, each dropping `share` of respondents (at least one) chosen from `seed`, still
    name each person of each list of LISTS (see the module's docstring); `progress` is told each draw done."""
    return _stability([graphs], 1, graphs.soft.number_of_nodes(), _respondents(graphs), options or AnalysisOptions(),
                      set(thin), draws, share, seed, progress)


def list_stability_in_batches(dataset: Dataset, as_of: str, staff: pd.DataFrame,
                              options: AnalysisOptions | None = None, thin: Collection[str] = (), *,
                              draws: int = DEFAULT_DRAWS, share: float = DROP_SHARE, seed: int = 0,
                              progress: Callable[[int], None] | None = None,
                              batch_staff: int = BATCH_STAFF) -> ListStability:
    """`list_stability` of the snapshot (`dataset` dated as of `as_of`, `staff` its analysis's staff table) built
    a batch of islands at a time, as `analyse_snapshot` builds it: each batch's graphs once for every draw, never
    the whole snapshot's. The same draws: the respondents are read from `staff` and the dataset's ties, as the
    graphs hold them. `progress` is told the draws' share done after each batch."""
    options = options or AnalysisOptions()
    batches = Batches(dataset, as_of, batch_staff, options.tie_window_days)
    graphs = (build_graphs(batch, as_of, options.tie_window_days) for batch in batches)
    pool = _respondents_of(staff, dataset, as_of, options.tie_window_days)
    return _stability(graphs, len(batches), len(staff), pool, options, set(thin), draws, share, seed, progress)


def _respondents_of(staff: pd.DataFrame, dataset: Dataset, as_of: str, window_days: int) -> list[Hashable]:
    """`_respondents` without the graphs: the statuses from an analysis's staff table, else the people who
    reported a tie that S keeps (not ended; netmap.graphs.build_soft_graph)."""
    if (staff["response"] != "unknown").any():
        return sorted(staff.loc[staff["response"] == "responded", "staff_id"], key=str)
    ties = ties_with_status(dataset, as_of, set(staff["staff_id"]), window_days=window_days)
    return sorted(set(ties.loc[ties["status"] != "ended", "source_staff_id"]), key=str)


def _stability(batches: Iterable[TrustGraphs], count: int, people: int, pool: list[Hashable],
               options: AnalysisOptions, thin: set[str], draws: int, share: float, seed: int,
               progress: Callable[[int], None] | None) -> ListStability:
    """The draws (each a set of respondents dropped, all chosen first from `seed`), then each of the `count`
    batches' parts of the lists without and with each draw's drops, then each draw's lists over the whole."""
    rng = np.random.default_rng(seed)
    dropped: list[frozenset[Hashable]] = []
    for _ in range(draws):
        k = min(len(pool), max(1, round(share * len(pool))))
        dropped.append(frozenset(pool[i] for i in rng.choice(len(pool), size=k, replace=False)) if pool
                       else frozenset())
    parts: list[list[_Part]] = [[] for _ in range(draws + 1)]  # the lists as named, then each draw's
    for done, graphs in enumerate(batches, start=1):
        for k, gone in enumerate([frozenset(), *dropped]):
            parts[k].append(_slim(_part_lists(graphs, options, thin, gone, people)))
            if progress and k and count == 1:
                progress(k)
        if progress and draws and count > 1:
            progress(draws * done // count)
    named = _lists(parts[0], options, thin)
    survived = {name: dict.fromkeys(sorted(people), 0) for name, people in named.items()}
    for draw in parts[1:]:
        again = _lists(draw, options, thin)
        for name, chosen in survived.items():
            for person in chosen:
                chosen[person] += person in again[name]
    return ListStability({name: sorted(people) for name, people in named.items()}, survived, dropped, draws,
                         share, seed)


def _slim(part: _Part) -> _Part:
    """A part kept until every batch is done: only what the roles before broker and broker's percentile read
    (no list names a role after it); the people's ids and schools are the batch's own strings, shared."""
    kept = part.staff[["staff_id", "school_id", "seconded_to", "response", "soft_degree", "betweenness"]]
    return _Part(kept.assign(schools_reached=0), part.key_connectors, part.disconnected)


def with_stability(analysis: Analysis, graphs: TrustGraphs, options: AnalysisOptions,
                   progress: Callable[[int, int], None] | None = None) -> Analysis:
    """`analysis` with its named lists' stability over `options.stability_draws` draws (its own step, after the
    analysis): a table of (list, staff_id, school_id, stable_in) and the summary's "stability" (draws, share,
    seed, each list's surviving share), or, above `options.stability_staff_limit` staff in the largest island,
    the summary's "stability" saying why it was skipped. With no draws it is returned as it was."""
    if not options.stability_draws:
        return analysis
    largest = max((len(c) for c in nx.connected_components(graphs.undirected)), default=0)
    return _with(analysis, options, largest, lambda thin, tell: list_stability(
        graphs, options, thin, draws=options.stability_draws, progress=tell), progress)


def with_stability_of(analysis: Analysis, dataset: Dataset, as_of: str, options: AnalysisOptions,
                      progress: Callable[[int, int], None] | None = None) -> Analysis:
    """`with_stability` of the snapshot `dataset` (dated as of `as_of`) a batch of islands at a time
    (`list_stability_in_batches`): what `netmap analyse` keeps, without the whole snapshot's graphs. The largest
    island is the analysis's largest component."""
    summary = analysis.summary
    largest = round((summary["largest_component_share"] or 0) * summary["counts"]["staff"])
    return _with(analysis, options, largest, lambda thin, tell: list_stability_in_batches(
        dataset, as_of, analysis.staff, options, thin, draws=options.stability_draws, progress=tell), progress)


def _with(analysis: Analysis, options: AnalysisOptions, largest: int,
          measure: Callable[[set[str], Callable[[int], None] | None], ListStability],
          progress: Callable[[int, int], None] | None) -> Analysis:
    """`analysis` with the stability `measure` gives (told the thin schools and a progress callback)."""
    draws = options.stability_draws
    if not draws:
        return analysis
    if largest > options.stability_staff_limit:
        skipped = (f"Stability of named lists not computed: the largest island has {largest:,} staff, above "
                   f"stability_staff_limit ({options.stability_staff_limit:,}); raise it with --set "
                   f"stability_staff_limit=N to compute it ({draws} betweenness computations).")
        return replace(analysis, summary={**analysis.summary, "stability": {"skipped": skipped}})
    schools = analysis.schools
    thin = set(schools.loc[schools["response_band"].isin(["patterns only", "caution"]), "school_id"])
    tell = (lambda done: progress(done, draws)) if progress else None
    result = measure(thin, tell)
    rows = [(name, *(person.rpartition("@")[::2] if name == "key connector" else (person, "")), count)
            for name, people in result.survived.items() for person, count in people.items()]
    table = pd.DataFrame(rows, columns=list(columns_of("stability"))).astype(
        {"list": object, "staff_id": object, "school_id": object, "stable_in": "int64"})
    stability = {"draws": draws, "share": result.share, "seed": result.seed,
                 "lists": {name: result.list_share(name) for name in LISTS}}
    return replace(analysis, stability=table, summary={**analysis.summary, "stability": stability})


def stability_line(analysis: Analysis, name: str) -> str:
    """One line on list `name`'s stability for a page: "87 % of this list survives when 10 % of respondents are
    dropped at random (20 draws)." with what to conclude, why it was skipped, or NOT_COMPUTED."""
    stability = analysis.summary.get("stability")
    if not stability:
        return NOT_COMPUTED
    if "skipped" in stability:
        return str(stability["skipped"])
    share = stability["lists"].get(name)
    if share is None:
        return "Nobody is on this list, so it has no stability to measure."
    return (f"{share:.0%} of this list survives when {stability['share']:.0%} of respondents are dropped at random "
            f"({stability['draws']} draws). A name seen in fewer than half the draws rests on a few answers: "
            "check it before acting.").replace("%", " %")


def stable_in(analysis: Analysis, name: str) -> dict[tuple[str, str], str]:
    """Each person on list `name` (keyed by (staff_id, school_id), the school empty except for key connectors)
    with the words for their stability, "in 18 of 20 draws"; empty when stability was not computed."""
    table = analysis.stability
    if table is None:
        return {}
    draws = analysis.summary["stability"]["draws"]
    mine = table[table["list"] == name]
    return {(str(p), str(s)): f"{n} of {draws} draws"
            for p, s, n in zip(mine["staff_id"], mine["school_id"], mine["stable_in"], strict=True)}
