"""Run the whole analysis of one snapshot, an island batch at a time, and write its five outputs.

Each batch of islands (see islands.py) is analysed on its own graphs; the parts are then combined, and the
few trust-wide quantities (betweenness normalisation, community numbers, role percentiles, the summary) are
computed over the whole. One batch gives exactly the single-graph analysis; tests check that any batching
gives the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netmap.analysis.centrality import PathLength, average_path_length
from netmap.analysis.cohesion import respondents, school_cohesion
from netmap.analysis.columns import columns_of
from netmap.analysis.communities import COMMUNITY_SEEDS, GIVEN_MEASURES, community_stability, seed_runs
from netmap.analysis.forked import available_workers, forked_map
from netmap.analysis.given import GivenMeasures, numbered
from netmap.analysis.group_metrics import GroupScope, group_table
from netmap.analysis.islands import Batches
from netmap.analysis.mixing import EITest, ei_index_tests_indexed
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.qap import membership_qap, school_qap
from netmap.analysis.roles import ona_roles
from netmap.analysis.school_metrics import school_table
from netmap.analysis.staff_metrics import STAFF_COLUMNS, staff_table
from netmap.analysis.timing import timed
from netmap.analysis.wiring import informal_clusters, soft_only_bridges, soft_ties_sharing_a_group, wiring_table
from netmap.dataset import Dataset
from netmap.graphs import (
    TrustGraphs,
    active_memberships,
    active_staff,
    build_graphs,
    in_trust,
    number_of_undirected_ties,
    working_schools,
)
from netmap.spreadsheet import neutralised_frame

__all__ = ["BATCH_STAFF", "BRIDGE_COLUMNS", "Analysis", "analyse", "analyse_snapshot", "plain_json",
           "with_community_stability", "write_analysis"]

STEPS = ("staff", "schools", "groups", "wiring", "summary")
BATCH_STAFF = 25_000  # staff in post per batch of islands: bounds memory (about 0.3 GB of graphs a batch)
FORK_TIES = 100_000  # ties of U from which the permutation tests are worth a worker process each (a fork)

Progress = Callable[[str, int, int], None]  # (step, steps done before it, steps in all)
Step = Callable[[str], None]  # told the name of each step of one batch as it starts
BRIDGE_COLUMNS = columns_of("bridges")


@dataclass
class Analysis:
    """Every result of one analysis: five tables, the summary, and seconds spent per metric family.

    `bridges` (the soft-only bridges, person by person) is kept out of the summary, which names nobody."""

    as_of: str
    staff: pd.DataFrame
    schools: pd.DataFrame
    groups: pd.DataFrame
    wiring: pd.DataFrame
    bridges: pd.DataFrame
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    stability: pd.DataFrame | None = None  # named lists' stability (netmap.analysis.sensitivity); None: not computed


@dataclass
class _Part:
    """The results of one batch of islands, before the trust-wide quantities are computed."""

    staff: pd.DataFrame
    schools: pd.DataFrame
    groups: pd.DataFrame
    wiring: pd.DataFrame
    soft_ties: int
    hard_links: int
    soft_and_hard: int
    bridges: pd.DataFrame
    clusters: list[dict[str, Any]]
    components: int
    largest: tuple[int, str]  # (size, smallest staff id) of the part's largest component
    works_at: dict[Hashable, str]  # where each person works, U's edges and people's groups: for the trust-wide
    ties: np.ndarray  # permutation tests (E-I index, QAP); U's edges as m x 2 positions of people in works_at
    groups_of: dict[Hashable, frozenset[str]]
    paths: PathLength
    timings: dict[str, float]
    runs: np.ndarray  # communities for the seeds after louvain_seed (a row a seed, a column a person of works_at,
    # -1 for none): how stable they are


def analyse(graphs: TrustGraphs, options: AnalysisOptions | None = None,
            progress: Progress | None = None) -> Analysis:
    """Compute every metric of docs/metrics.md for one snapshot's graphs; `progress` is told each step."""
    options = options or AnalysisOptions()
    if graphs.tie_window_days != options.tie_window_days:
        graphs = build_graphs(graphs.dataset, graphs.as_of, options.tie_window_days)
    dataset = graphs.dataset
    scope = GroupScope(dataset.schools, _working_staff(dataset, graphs.as_of))
    tell: Progress = progress or _silent
    part = _analyse_part(graphs, scope, None, options, lambda step: tell(step, STEPS.index(step), len(STEPS)))
    return _combine(graphs.as_of, dataset, [part], options, available_workers())


def analyse_snapshot(dataset: Dataset, as_of: str, options: AnalysisOptions | None = None,
                     progress: Progress | None = None, *, batch_staff: int | None = None,
                     given: GivenMeasures | None = None, workers: int | None = None) -> Analysis:
    """The same result as ``analyse(build_graphs(dataset, as_of))``, built a batch of islands at a time, so that
    memory grows with the largest batch (about `batch_staff` people; default BATCH_STAFF shared by the workers)
    instead of the whole snapshot.

    `progress` is told each step of each batch, named "step" in the first batch and "step (batch k of n)" after.
    `given` (netmap.analysis.given) supplies the components, degree, betweenness and communities computed
    elsewhere (inside Neo4j by Graph Data Science), taken instead of the engine's own; the summary's `computed_by`
    says so. The batches are analysed in up to `workers` forked processes (default: netmap.analysis.forked.
    available_workers, this process's cores up to MAX_WORKERS; 1: here, one after another): the result is the same.
    """
    options = options or AnalysisOptions()
    tell: Progress = progress or _silent
    window = options.tie_window_days
    dataset = in_trust(dataset, as_of)
    scope = GroupScope(dataset.schools, _working_staff(dataset, as_of))
    edges = number_of_undirected_ties(dataset, as_of, window)
    workers = available_workers() if workers is None else workers
    if batch_staff is None:  # workers share the memory one batch of BATCH_STAFF takes: 1/workers of it each
        batch_staff = max(1, BATCH_STAFF // max(1, workers))
    batches = Batches(dataset, as_of, batch_staff, window)
    total = len(STEPS) * len(batches)

    def told(k: int) -> Step:
        def step(name: str) -> None:
            tell(name if k == 0 else f"{name} (batch {k + 1} of {len(batches)})",
                 k * len(STEPS) + STEPS.index(name), total)
        return step

    if workers < 2 or len(batches) < 2:
        parts = [_analyse_part(build_graphs(batch, as_of, window), scope, edges, options, told(k), given)
                 for k, batch in enumerate(batches)]
    else:  # each batch in a worker, told nothing; its steps are told here as it comes back
        parts = []
        for k, part in enumerate(forked_map(lambda k: _analyse_part(
                build_graphs(batches[k], as_of, window), scope, edges, options, _quiet, given),
                len(batches), workers)):
            for name in STEPS:
                told(k)(name)
            parts.append(part)
    analysis = _combine(as_of, dataset, parts, options, workers)
    if given is not None:
        analysis.summary["computed_by"] = {GIVEN_MEASURES: given.source, "communities": given.method}
    return analysis


def _silent(_step: str, _done: int, _total: int) -> None:
    """The progress callback when nobody listens."""


def _quiet(_step: str) -> None:
    """A batch's step callback in a worker process, which has nobody to tell."""


def _working_staff(dataset: Dataset, as_of: str) -> pd.DataFrame:
    """Staff in post with school_id the school they work at (a secondee's receiving school)."""
    staff = active_staff(dataset, as_of)
    return staff.assign(school_id=staff["staff_id"].map(working_schools(dataset, as_of)))


def _analyse_part(graphs: TrustGraphs, scope: GroupScope, total_edges: int | None, options: AnalysisOptions,
                  step: Step, given: GivenMeasures | None = None) -> _Part:
    dataset, soft, hard = graphs.dataset, graphs.soft, graphs.hard
    undirected = graphs.undirected
    school_of, groups_of = graphs.school_of, graphs.groups_of
    response = nx.get_node_attributes(soft, "response")
    memberships = active_memberships(dataset, graphs.as_of)
    timings: dict[str, float] = {}
    step("staff")
    staff = staff_table(graphs, groups_of, options, timings, total_edges=total_edges, given=given)
    step("schools")
    with timed(timings, "schools"):
        cohesion = school_cohesion(soft, undirected, school_of, respondents(soft))
        schools = school_table(undirected, hard, list(dataset.schools["school_id"]), school_of, groups_of, response,
                               options, cohesion)
    step("groups")
    with timed(timings, "groups"):
        groups = group_table(undirected, dataset.groups, memberships, scope, school_of, options)
    step("wiring")
    with timed(timings, "wiring"):
        wiring = wiring_table(undirected, hard, school_of)
        community = dict(zip(staff["staff_id"], staff["community"], strict=True))
        clusters = informal_clusters(community, school_of, groups_of, options.formal_home_share)
        bridges = pd.DataFrame([(a, school_of[a], b, school_of[b])
                                for a, b in soft_only_bridges(undirected, hard, school_of)],
                               columns=list(BRIDGE_COLUMNS))
        both, hard_links = soft_ties_sharing_a_group(undirected, hard), hard.number_of_links()
    with timed(timings, "community stability"):
        runs = (seed_runs(undirected, seed=options.louvain_seed, total_edges=total_edges) if given is None else
                [numbered(run, undirected) for run in given.communities[1:]])
    step("summary")
    with timed(timings, "paths and summary"):
        found = nx.connected_components(undirected) if given is None else _given_components(given, undirected)
        components = [(len(c), min(map(str, c)), c) for c in found]
        size, first, members = min(components, key=lambda c: (-c[0], c[1]), default=(0, "", set()))
        paths = average_path_length(undirected.subgraph(members), exact_limit=options.exact_path_limit,
                                    sample_size=options.path_sample_size, seed=options.louvain_seed)
    works_at = dict(school_of)
    runs_kept = np.array([[run.get(p, -1) for p in works_at] for run in runs], dtype=np.int32).reshape(len(runs), -1)
    return _Part(staff, schools, groups, wiring, soft.number_of_edges(), hard_links, both, bridges, clusters,
                 len(components), (size, first), works_at, _positions(undirected, works_at), dict(groups_of), paths,
                 timings, runs_kept)


def _positions(undirected: nx.Graph, people: dict[Hashable, str]) -> np.ndarray:
    """U's edges as an m x 2 array of positions in `people` (4 bytes an end, not a Python tuple a tie)."""
    at = {p: k for k, p in enumerate(people)}
    ends = np.fromiter((at[v] for edge in undirected.edges() for v in edge), dtype=np.int32,
                       count=2 * undirected.number_of_edges())
    return ends.reshape(-1, 2)


def _given_components(given: GivenMeasures, undirected: nx.Graph) -> list[set[Hashable]]:
    """The components `given` labels, of the people of `undirected` (one batch of islands holds whole ones)."""
    groups: dict[Hashable, set[Hashable]] = {}
    for person in undirected:
        groups.setdefault(given.component[str(person)], set()).add(person)
    return list(groups.values())


def _combine(as_of: str, dataset: Dataset, parts: list[_Part], options: AnalysisOptions,
             workers: int = 1) -> Analysis:
    """The parts as one analysis: trust-wide normalisation, numbering and roles, tables in dataset order; the
    permutation tests in up to `workers` processes."""
    people = sum(len(p.staff) for p in parts)
    for part in parts:  # betweenness was normalised by the part's (n-1)(n-2)/2; the trust's n applies
        n = len(part.staff)
        part.staff["betweenness"] *= (n - 1) * (n - 2) / ((people - 1) * (people - 2)) if n >= 3 else 0.0
    timings: dict[str, float] = {}
    staff, renumber = _renumber_communities([p.staff for p in parts])
    staff = staff.sort_values("staff_id", ignore_index=True)
    with timed(timings, "community stability"):
        stability = _community_stability(parts, staff)
    schools = _in_order(_concat([p.schools for p in parts]), "school_id", dataset.schools["school_id"])
    wiring = _concat([p.wiring for p in parts]).sort_values(["school_a", "school_b"], ignore_index=True)
    tests, qap = _permutation_tests(parts, schools, wiring, options, timings, workers)
    schools["ei_expected"] = schools["school_id"].map({s: t.expected for s, t in tests.items()}).astype(float)
    schools["ei_p_value"] = schools["school_id"].map({s: t.p_value for s, t in tests.items()}).astype(float)
    thin = set(schools.loc[schools["response_band"].isin(["patterns only", "caution"]), "school_id"])
    staff["ona_role"] = ona_roles(staff, options, thin)
    works_at = staff["seconded_to"].where(staff["seconded_to"] != "", staff["school_id"])
    staff["is_disconnected"] &= ~works_at.isin(thin)  # nobody at a school under min_response_rate is named
    staff = staff[list(STAFF_COLUMNS)]
    groups = _in_order(_concat([p.groups for p in parts]), "group_id", dataset.groups["group_id"])
    clusters = sorted(({**c, "community": renumber[k, c["community"]]}
                       for k, p in enumerate(parts) for c in p.clusters), key=lambda c: c["community"])
    if not stability["stable"]:  # one seed's arbitrary split is shown nowhere: no community, no cluster
        staff["community"], clusters = float("nan"), []
    for part in parts:
        for family, seconds in part.timings.items():
            timings[family] = timings.get(family, 0.0) + seconds
    roles = staff["staff_id"].map(dict(zip(dataset.staff["staff_id"], dataset.staff["role"], strict=True)))
    summary = _summary(as_of, parts, staff, schools, groups, people, roles)
    soft = int(summary["counts"]["soft_ties_undirected"])
    hard_links, both = sum(p.hard_links for p in parts), sum(p.soft_and_hard for p in parts)
    bridges = _concat([p.bridges for p in parts]).sort_values(["person_a", "person_b"], ignore_index=True)
    summary["counts"]["hard_links"] = hard_links
    summary["wiring"] = {
        "hard_soft_jaccard": both / (soft + hard_links - both) if soft + hard_links else None,
        "soft_ties_sharing_a_group": both / soft if soft else None,
        "soft_only_bridges": len(bridges),
        "informal_clusters_without_formal_home": clusters,
        "qap": qap}
    summary["communities"] = stability
    summary["options"] = asdict(options)
    return Analysis(as_of, staff, schools, groups, wiring, bridges, summary, timings)


def _trust_ties(parts: list[_Part]) -> tuple[list[Hashable], np.ndarray]:
    """Everyone in post in order of id (as the permutation tests relabel them, whatever the batches) and U's
    edges as positions in that order: built once for the E-I tests and the person QAP."""
    people = sorted((p for part in parts for p in part.works_at), key=str)
    index = {p: k for k, p in enumerate(people)}
    moved = [np.fromiter((index[p] for p in part.works_at), dtype=np.int32, count=len(part.works_at))[part.ties]
             for part in parts]
    return people, np.concatenate(moved) if moved else np.zeros((0, 2), dtype=np.int32)


def _permutation_tests(parts: list[_Part], schools: pd.DataFrame, wiring: pd.DataFrame, options: AnalysisOptions,
                       timings: dict[str, float], workers: int) -> tuple[dict[str, EITest], dict[str, dict[str, Any]]]:
    """The trust-wide permutation tests: each school's E-I index (netmap.analysis.mixing) and soft against hard
    wiring, school x school and person x person (netmap.analysis.qap), as summary.json holds them. Over the whole
    trust, whatever the batches: people by id, as the tests relabel them, with no graph of everyone built (hard
    links never leave a batch, so the batches' counts add up). The three are independent, each with its own
    draws, so they run side by side in `workers` processes when there are ties enough to be worth a fork."""
    people, ties = _trust_ties(parts)
    permutations, seed = options.permutations, options.permutation_seed
    staffed = sorted(schools.loc[schools["staff"] > 0, "school_id"])
    links = sum(p.hard_links for p in parts)

    def school_of_each() -> list[str]:
        works_at = {p: s for part in parts for p, s in part.works_at.items()}
        return [works_at[p] for p in people]

    def groups_of_each() -> list[frozenset[str]]:
        held = {p: g for part in parts for p, g in part.groups_of.items()}
        return [held.get(p, frozenset()) for p in people]

    tests: list[tuple[str, Callable[[], Any]]] = [  # the longest first, so two workers share them evenly
        ("wiring", lambda: membership_qap(ties, groups_of_each(), links, permutations, seed)),
        ("schools", lambda: ei_index_tests_indexed(school_of_each(), ties, permutations, seed)),
        ("wiring", lambda: school_qap(wiring, staffed, permutations, seed))]

    def run(k: int) -> tuple[Any, dict[str, float]]:
        spent: dict[str, float] = {}
        with timed(spent, tests[k][0]):
            return tests[k][1](), spent

    results = list(forked_map(run, len(tests), workers if len(ties) >= FORK_TIES else 1))
    for _, spent in results:
        for family, seconds in spent.items():
            timings[family] = timings.get(family, 0.0) + seconds
    (people_qap, _), (ei, _), (schools_qap, _) = results
    return ei, {"schools": asdict(schools_qap), "people": asdict(people_qap)}


def _community_stability(parts: list[_Part], staff: pd.DataFrame) -> dict[str, Any]:
    """How far the communities of people with a tie repeat over COMMUNITY_SEEDS seeds (netmap.analysis.
    communities.community_stability): the louvain_seed run is staff's, each other run labelled by its part."""
    tied = staff["soft_degree"] > 0
    people = list(staff.loc[tied, "staff_id"])
    runs: list[list[Hashable]] = [list(staff.loc[tied, "community"])]
    at = {p: k for k, p in enumerate(p for part in parts for p in part.works_at)}
    where = np.fromiter((at[p] for p in people), dtype=np.int64, count=len(people))
    part_of = np.concatenate([np.full(len(part.works_at), k, dtype=np.int64) for k, part in enumerate(parts)])
    for r in range(COMMUNITY_SEEDS - 1):  # a community is (part, number in the part): one integer, the same runs
        found = np.concatenate([part.runs[r] for part in parts]).astype(np.int64)
        runs.append((part_of[where] << 32 | found[where]).tolist())
    return community_stability(runs)


def with_community_stability(analysis: Analysis, undirected: nx.Graph, seed: int) -> Analysis:
    """An analysis kept before netmap measured its communities' stability, measured now from the snapshot's U
    (the same runs the engine makes, on the whole graph) and, when unstable, its communities and clusters hidden
    as the engine hides them; the analysis is changed in place and returned."""
    staff = analysis.staff
    tied = staff["soft_degree"] > 0
    people = list(staff.loc[tied, "staff_id"])
    runs: list[list[Hashable]] = [list(staff.loc[tied, "community"])]
    runs += [[run[p] for p in people] for run in seed_runs(undirected, seed=seed)]
    analysis.summary["communities"] = stability = community_stability(runs)
    if not stability["stable"]:
        analysis.staff = staff.assign(community=float("nan"))
        analysis.summary["wiring"]["informal_clusters_without_formal_home"] = []
    return analysis


def _renumber_communities(tables: list[pd.DataFrame]) -> tuple[pd.DataFrame, dict[tuple[int, int], int]]:
    """Staff of every part with communities numbered trust-wide: by size, largest first, ties by smallest
    member; and the map from (part, community in the part) to the trust-wide number."""
    staff = _concat([t.assign(_part=k) for k, t in enumerate(tables)])
    found = staff.groupby(["_part", "community"])["staff_id"].agg(["size", "min"]).reset_index()
    found = found.sort_values(["size", "min"], ascending=[False, True], ignore_index=True)
    renumber = {(int(k), int(c)): number for number, (k, c) in
                enumerate(zip(found["_part"], found["community"], strict=True), start=1)}
    staff["community"] = [renumber[k, c] for k, c in zip(staff["_part"], staff["community"], strict=True)]
    return staff.drop(columns="_part"), renumber


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The tables one after another; empty ones (whose text columns have no dtype to keep) left out."""
    return pd.concat([t for t in tables if len(t)] or tables[:1], ignore_index=True)


def _in_order(table: pd.DataFrame, key: str, order: pd.Series) -> pd.DataFrame:
    return table.set_index(key).loc[list(order)].reset_index()


def _summary(as_of: str, parts: list[_Part], staff: pd.DataFrame, schools: pd.DataFrame, groups: pd.DataFrame,
             n: int, roles: pd.Series) -> dict[str, Any]:
    """Trust-wide summary. Ties per school give the edge counts and the school partition's Newman modularity,
    Q = sum over schools of internal/m - ((2 internal + external) / 2m)^2, with m the edges of U."""
    internal, external = schools["internal_ties"], schools["external_ties"]
    cross = int(external.sum()) // 2
    edges = int(internal.sum()) + cross
    size, _, paths = min(((p.largest[0], p.largest[1], p.paths) for p in parts), key=lambda c: (-c[0], c[1]))
    modularity = (float((internal / edges - ((2 * internal + external) / (2 * edges)) ** 2).sum())
                  if edges else None)
    return {
        "as_of": as_of,
        "counts": {"staff": n, "schools": len(schools), "groups": len(groups),
                   "soft_ties": sum(p.soft_ties for p in parts), "soft_ties_undirected": edges, "hard_links": 0},
        "density": 2 * edges / (n * (n - 1)) if n > 1 else None,
        "components": sum(p.components for p in parts),
        "largest_component_share": size / n if n else None,
        "cross_school_share": cross / edges if edges else None,
        "average_shortest_path": {"value": paths.value, "exact": paths.exact, "nodes": paths.nodes,
                                  "sample_size": paths.sample_size, "standard_error": paths.standard_error},
        "school_modularity": modularity,
        "isolated_schools": sorted(schools.loc[schools["is_isolated"], "school_id"]),
        "hard_isolated_schools": sorted(schools.loc[schools["is_hard_isolated"], "school_id"]),
        "schools_with_too_few_responses": sorted(
            schools.loc[schools["caveat"] == "not enough responses", "school_id"]),
        "key_person_risk_schools": sorted(schools.loc[schools["is_key_person_risk"], "school_id"]),
        "isolates": int(staff["is_isolate"].sum()),
        "disconnected_staff": int(staff["is_disconnected"].sum()),
        "dormant_groups": sorted(groups.loc[groups["is_dormant"], "group_id"]),
        "response": response_summary(staff, roles),
    }


def response_summary(staff: pd.DataFrame, roles: pd.Series) -> dict[str, Any]:
    """Survey coverage for summary.json: counts by status, the response rate, and the rate per role (of the
    people surveyed: responded / (responded + no response)); coverage "unknown" without respondents data."""
    status = staff["response"]
    if (status == "unknown").all():
        return {"coverage": "unknown"}

    def rate(mask: pd.Series) -> dict[str, Any]:
        surveyed = int((mask & status.isin(["responded", "no response"])).sum())
        responded = int((mask & (status == "responded")).sum())
        return {"surveyed": surveyed, "responded": responded, "rate": responded / surveyed if surveyed else None}

    everyone = pd.Series(True, index=staff.index)
    return {"coverage": "known", **rate(everyone), "not_surveyed": int((status == "not surveyed").sum()),
            "by_role": {str(r): rate(roles == r) for r in sorted(roles.dropna().unique())}}


def write_analysis(analysis: Analysis, out: Path) -> list[Path]:
    """Write staff.csv, schools.csv, groups.csv, wiring.csv, bridges.csv and summary.json into `out`; returns
    the paths. Text that a spreadsheet would run as a formula is neutralised (netmap.spreadsheet)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("staff", "schools", "groups", "wiring", "bridges"):
        path = out / f"{name}.csv"
        neutralised_frame(getattr(analysis, name)).to_csv(path, index=False, float_format="%.10g",
                                                          lineterminator="\n")
        written.append(path)
    path = out / "summary.json"
    path.write_text(json.dumps(analysis.summary, indent=2, default=plain_json) + "\n", encoding="utf-8")
    return [*written, path]


def plain_json(value: object) -> object:
    """JSON for numpy scalars."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
