"""Build the trust's graphs from a dataset: soft wiring S (directed ties) and hard wiring H (shared groups).

H is a `HardWiring` (memberships, with links derived from them) rather than a NetworkX graph: its edge list
would grow with the square of group size.

Only people in post on the snapshot date are nodes: started_on on or before it (or blank) and left_on after
it (or blank). Ties observed after the date, and memberships not active on it, are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd

from netmap.dataset import Dataset
from netmap.hard_wiring import HardWiring

__all__ = ["TrustGraphs", "active_memberships", "active_staff", "active_ties", "build_graphs", "build_hard_wiring",
           "build_soft_graph", "number_of_undirected_ties"]


@dataclass(frozen=True)
class TrustGraphs:
    """The graphs of one snapshot: S (soft, directed), H (hard wiring) and the dataset they came from."""

    as_of: str
    soft: nx.DiGraph
    hard: HardWiring
    dataset: Dataset

    @cached_property
    def undirected(self) -> nx.Graph:
        """U: an unweighted edge wherever either direction of S exists; built once, shared by every measure.
        Treat it as read-only (copy it to change it)."""
        graph = nx.Graph()
        graph.add_nodes_from(self.soft.nodes(data=True))
        graph.add_edges_from(self.soft.edges())
        return graph


def _in_post(start: pd.Series, end: pd.Series, as_of: str) -> pd.Series:
    return (start.isna() | (start.fillna("") <= as_of)) & (end.isna() | (end.fillna("9999") > as_of))


def active_staff(dataset: Dataset, as_of: str) -> pd.DataFrame:
    """Staff in post on `as_of`."""
    staff = dataset.staff
    return staff[_in_post(staff["started_on"], staff["left_on"], as_of)]


def active_memberships(dataset: Dataset, as_of: str) -> pd.DataFrame:
    """Memberships active on `as_of` whose member is in post."""
    members = dataset.memberships
    members = members[_in_post(members["joined_on"], members["left_on"], as_of)]
    return members[members["staff_id"].isin(set(active_staff(dataset, as_of)["staff_id"]))]


def active_ties(dataset: Dataset, as_of: str, in_post: set[str] | None = None) -> pd.DataFrame:
    """Ties observed on or before `as_of` (or undated) between two people in post (`in_post` when known)."""
    people = set(active_staff(dataset, as_of)["staff_id"]) if in_post is None else in_post
    ties = dataset.collaborations
    keep = ties["source_staff_id"].isin(people) & ties["target_staff_id"].isin(people) & (
        ties["observed_on"].isna() | (ties["observed_on"].fillna("") <= as_of))
    return ties[keep]


def number_of_undirected_ties(dataset: Dataset, as_of: str) -> int:
    """Edges U would have for this snapshot (pairs of people with an active tie either way), without building it."""
    ties = active_ties(dataset, as_of)
    source, target = ties["source_staff_id"].to_numpy(), ties["target_staff_id"].to_numpy()
    first = np.where(source < target, source, target)
    second = np.where(source < target, target, source)
    return len(pd.DataFrame({"a": first, "b": second}).drop_duplicates())


def _add_staff_nodes(graph: nx.Graph, staff: pd.DataFrame) -> None:
    subjects = staff["subjects"].map(lambda s: tuple(s.split(";")) if s else ())
    graph.add_nodes_from(
        (sid, {"school_id": school, "role": role, "name": name, "subjects": subj})
        for sid, school, role, name, subj in zip(staff["staff_id"], staff["school_id"], staff["role"],
                                                 staff["name"], subjects, strict=True))


def build_soft_graph(dataset: Dataset, as_of: str) -> nx.DiGraph:
    """S: one edge per ordered pair of staff; `weight` is the summed weight, `kinds` maps kind to weight."""
    staff = active_staff(dataset, as_of)
    graph = nx.DiGraph()
    _add_staff_nodes(graph, staff)
    ties = active_ties(dataset, as_of, set(graph))
    by_kind = ties.groupby(["source_staff_id", "target_staff_id", "kind"], sort=True)["weight"].sum()
    edges: dict[tuple[str, str], dict[str, float]] = {}
    for (source, target, kind), weight in by_kind.items():
        edges.setdefault((source, target), {})[kind] = float(weight)
    graph.add_edges_from((s, t, {"weight": sum(kinds.values()), "kinds": kinds})
                         for (s, t), kinds in edges.items())
    return graph


def build_hard_wiring(dataset: Dataset, as_of: str) -> HardWiring:
    """H: everyone in post and the active groups they belong to; two people sharing a group are linked."""
    members = active_memberships(dataset, as_of)
    return HardWiring(active_staff(dataset, as_of)["staff_id"],
                      zip(members["staff_id"], members["group_id"], strict=True))


def build_graphs(dataset: Dataset, as_of: str) -> TrustGraphs:
    """Both graphs of a snapshot."""
    return TrustGraphs(as_of, build_soft_graph(dataset, as_of), build_hard_wiring(dataset, as_of), dataset)
