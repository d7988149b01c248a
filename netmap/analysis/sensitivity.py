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

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, replace

import networkx as nx
import numpy as np
import pandas as pd

from netmap.analysis.centrality import betweenness
from netmap.analysis.engine import Analysis
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.roles import ona_roles
from netmap.analysis.school_ties import SchoolTies
from netmap.analysis.tables import columns_of
from netmap.graphs import MISSING_RESPONSES, TrustGraphs

__all__ = ["DEFAULT_DRAWS", "DROP_SHARE", "LISTS", "NOT_COMPUTED", "ListStability", "list_stability",
           "named_lists", "stability_line", "stable_in", "with_stability"]

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
    soft, school = graphs.soft, graphs.school_of
    undirected = _undirected_without(graphs, dropped, weighted=False)
    nodes = list(soft)
    home = dict(soft.nodes(data="home_school_id"))
    response = dict(soft.nodes(data="response", default="unknown")) | dict.fromkeys(dropped, "no response")
    weight = "weight" if options.weighted else None
    between = betweenness(_undirected_without(graphs, dropped, weighted=True) if weight else undirected,
                          weight=weight)
    staff = pd.DataFrame({
        "staff_id": nodes, "school_id": [home.get(v, school[v]) for v in nodes],
        "seconded_to": [school[v] if school[v] != home.get(v, school[v]) else "" for v in nodes],
        "response": [response[v] for v in nodes], "soft_degree": [undirected.degree(v) for v in nodes],
        "cross_school_ties": [sum(1 for n in undirected[v] if school[n] != school[v]) for v in nodes],
        "schools_reached": [len({school[n] for n in undirected[v]} - {school[v]}) for v in nodes],
        "betweenness": [between[v] for v in nodes]})
    roles = ona_roles(staff, options, set(thin)) if nodes else pd.Series(dtype=object)
    hard_cross = graphs.hard.cross_school_people(school)
    works_at = staff["seconded_to"].where(staff["seconded_to"] != "", staff["school_id"])
    disconnected = ((staff["cross_school_ties"] == 0) & ~staff["staff_id"].isin(hard_cross)
                    & ~staff["response"].isin(MISSING_RESPONSES) & ~works_at.isin(set(thin)))
    ties = SchoolTies(undirected.edges(), school)
    return {"broker": set(staff.loc[roles == "broker", "staff_id"].map(str)),
            "key connector": {f"{p}@{s}" for s in set(school.values()) - set(thin)
                              for p in ties.key_connectors(s, options.key_connector_share)},
            "isolate": set(staff.loc[roles == "isolate", "staff_id"].map(str)),
            "disconnected": set(staff.loc[disconnected, "staff_id"].map(str))}


def list_stability(graphs: TrustGraphs, options: AnalysisOptions | None = None, thin: Collection[str] = (), *,
                   draws: int = DEFAULT_DRAWS, share: float = DROP_SHARE, seed: int = 0,
                   progress: Callable[[int], None] | None = None) -> ListStability:
    """How many of `draws` draws, each dropping `share` of respondents (at least one) chosen from `seed`, still
    name each person of each list of LISTS (see the module's docstring); `progress` is told each draw done."""
    options = options or AnalysisOptions()
    named = named_lists(graphs, options, thin)
    survived = {name: dict.fromkeys(sorted(people), 0) for name, people in named.items()}
    pool = _respondents(graphs)
    rng = np.random.default_rng(seed)
    dropped: list[frozenset[Hashable]] = []
    for _ in range(draws):
        k = min(len(pool), max(1, round(share * len(pool))))
        chosen = frozenset(pool[i] for i in rng.choice(len(pool), size=k, replace=False)) if pool else frozenset()
        dropped.append(chosen)
        again = named_lists(graphs, options, thin, chosen)
        for name, people in survived.items():
            for person in people:
                people[person] += person in again[name]
        if progress:
            progress(len(dropped))
    return ListStability({name: sorted(people) for name, people in named.items()}, survived, dropped, draws,
                         share, seed)


def with_stability(analysis: Analysis, graphs: TrustGraphs, options: AnalysisOptions,
                   progress: Callable[[int, int], None] | None = None) -> Analysis:
    """`analysis` with its named lists' stability over `options.stability_draws` draws (its own step, after the
    analysis): a table of (list, staff_id, school_id, stable_in) and the summary's "stability" (draws, share,
    seed, each list's surviving share), or, above `options.stability_staff_limit` staff in the largest island,
    the summary's "stability" saying why it was skipped. With no draws it is returned as it was."""
    draws = options.stability_draws
    if not draws:
        return analysis
    largest = max((len(c) for c in nx.connected_components(graphs.undirected)), default=0)
    if largest > options.stability_staff_limit:
        skipped = (f"Stability of named lists not computed: the largest island has {largest:,} staff, above "
                   f"stability_staff_limit ({options.stability_staff_limit:,}); raise it with --set "
                   f"stability_staff_limit=N to compute it ({draws} betweenness computations).")
        return replace(analysis, summary={**analysis.summary, "stability": {"skipped": skipped}})
    schools = analysis.schools
    thin = set(schools.loc[schools["response_band"].isin(["patterns only", "caution"]), "school_id"])
    tell = (lambda done: progress(done, draws)) if progress else None
    result = list_stability(graphs, options, thin, draws=draws, progress=tell)
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
