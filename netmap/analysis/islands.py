"""Split a snapshot into islands: sets of schools and groups that no tie and no shared group join to the rest.

Every measure of docs/metrics.md stays inside an island (paths, brokerage, groups and wiring never cross
one), except the few trust-wide ones the engine combines afterwards (betweenness normalisation, community
numbers, role percentiles, the summary). So a national snapshot of many trusts can be analysed a batch of
islands at a time, with memory bounded by the batch rather than the country. One trust is usually one island.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import numpy as np
import pandas as pd

from netmap.dataset import Dataset
from netmap.graphs import (
    DEFAULT_TIE_WINDOW_DAYS,
    active_memberships,
    active_secondments,
    active_staff,
    active_ties,
    working_schools,
)

__all__ = ["Batches", "Islands", "island_of_schools_and_groups"]


def island_of_schools_and_groups(dataset: Dataset, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS, *,
                                 groups_join: bool = True) -> dict[tuple[str, str], int]:
    """Island number of every ("school", id) and ("group", id): connected through an active tie between their
    staff, an active membership or a secondment under way (which joins the two schools). Islands are numbered by
    their smallest school (then group) id, so the numbering repeats. Without `groups_join`, schools only, joined by
    ties and secondments alone (a national network with a member in every school does not make one island)."""
    in_post = active_staff(dataset, as_of)
    school_of = pd.Series(working_schools(dataset, as_of))
    ties = active_ties(dataset, as_of, set(in_post["staff_id"]), window_days=window_days)
    pairs = pd.DataFrame({"a": ties["source_staff_id"].map(school_of).to_numpy(),
                          "b": ties["target_staff_id"].map(school_of).to_numpy()}).drop_duplicates()
    graph = nx.Graph()
    graph.add_nodes_from(("school", s) for s in dataset.schools["school_id"])
    graph.add_edges_from((("school", a), ("school", b)) for a, b in zip(pairs["a"], pairs["b"], strict=True))
    if groups_join:
        members = active_memberships(dataset, as_of)
        joins = pd.DataFrame({"g": members["group_id"].to_numpy(),
                              "s": members["staff_id"].map(school_of).to_numpy()}).drop_duplicates()
        graph.add_nodes_from(("group", g) for g in dataset.groups["group_id"])
        graph.add_edges_from((("group", g), ("school", s)) for g, s in zip(joins["g"], joins["s"], strict=True))
    seconded = active_secondments(dataset, as_of)
    graph.add_edges_from((("school", a), ("school", b)) for a, b in zip(
        seconded["staff_id"].map(dict(zip(in_post["staff_id"], in_post["school_id"], strict=True))),
        seconded["to_school_id"], strict=True))
    islands = sorted(nx.connected_components(graph), key=_first_member)
    return {node: number for number, island in enumerate(islands) for node in island}


def _first_member(island: set[tuple[str, str]]) -> tuple[int, str]:
    schools = [name for kind, name in island if kind == "school"]
    return (0, min(schools)) if schools else (1, min(name for _, name in island))


class Batches:
    """The snapshot as datasets of whole islands, each holding at most `max_staff` staff in post unless one
    island alone is larger. Only row positions are kept; a batch's dataset is built when iterated to.
    The whole `dataset` itself is the one batch when it fits."""

    def __init__(self, dataset: Dataset, as_of: str, max_staff: int,
                 window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> None:
        self.dataset = dataset
        in_post = active_staff(dataset, as_of)
        self._rows: list[dict[str, np.ndarray]] | None = None
        if len(in_post) > max_staff:
            self._rows = self._plan(dataset, as_of, in_post, max_staff, window_days)

    def __len__(self) -> int:
        return 1 if self._rows is None else len(self._rows)

    def __iter__(self) -> Iterator[Dataset]:
        return (self[k] for k in range(len(self)))

    def __getitem__(self, k: int) -> Dataset:
        """Batch `k`'s dataset, built now (IndexError past the last)."""
        if self._rows is None:
            if k != 0:
                raise IndexError(k)
            return self.dataset
        return _taken(self.dataset, self._rows[k])

    @staticmethod
    def _plan(dataset: Dataset, as_of: str, in_post: pd.DataFrame, max_staff: int,
              window_days: int) -> list[dict[str, np.ndarray]]:
        island = island_of_schools_and_groups(dataset, as_of, window_days)
        school_island = {s: island["school", s] for s in dataset.schools["school_id"]}
        sizes = in_post["school_id"].map(school_island).value_counts()
        batch_of_island: dict[int, int] = {}
        batch, filled = 0, 0
        for number in range(max(island.values(), default=-1) + 1):
            size = int(sizes.get(number, 0))
            if filled and filled + size > max_staff:
                batch, filled = batch + 1, 0
            batch_of_island[number] = batch
            filled += size
        return _rows_of_parts(dataset, {s: batch_of_island[n] for s, n in school_island.items()},
                              {g: batch_of_island[island["group", g]] for g in dataset.groups["group_id"]}, batch + 1)


class Islands:
    """The snapshot's schools in islands that no tie and no secondment join, each's dataset built when first asked
    for: what a page about one school or person needs of the graphs (its island's), without building the whole
    snapshot's. Groups do not join islands here (unlike `Batches`, whose group measures need every member): a
    group's memberships go with their members, so an island's graphs hold each of its people's groups, and a
    national network with a member in every school leaves the islands as small as their ties make them. Only row
    positions are kept."""

    def __init__(self, dataset: Dataset, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> None:
        self.dataset = dataset
        island = island_of_schools_and_groups(dataset, as_of, window_days, groups_join=False)
        self._school = {s: island["school", s] for s in dataset.schools["school_id"]}
        self._rows = _rows_by_people(dataset, self._school, max(island.values(), default=-1) + 1)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, school_id: object) -> bool:
        return school_id in self._school

    def number_of(self, school_id: str) -> int:
        """The island holding `school_id`; KeyError for a school not in the dataset."""
        return self._school[school_id]

    def largest_school(self) -> str | None:
        """A school (the first listed) of the island with the most staff, the first such island on a tie; None
        without schools: where a big trust's heaviest maps are drawn."""
        staff = [len(rows["staff"]) for rows in self._rows]
        if not staff:
            return None
        number = max(range(len(staff)), key=staff.__getitem__)
        return next((school for school, part in self._school.items() if part == number), None)

    def dataset_of(self, number: int) -> Dataset:
        """Island `number`'s schools, their staff, their staff's memberships and those groups, ties, secondments
        and answers."""
        return _taken(self.dataset, self._rows[number])

    def dataset_around(self, school_id: str) -> Dataset:
        """The school's own people (its staff and anyone seconded to or from it) and everyone tied to them, with
        those ties, their memberships and groups, secondments and answers, and the island's schools: everything a
        planner needs to say what the school gives up when one of its people is seconded (`Planner.home_cost`),
        at the cost of one school rather than its island. KeyError for a school not in the dataset."""
        island = _taken(self.dataset, self._rows[self._school[school_id]])
        seconded = island.secondments
        own = (set(island.staff.loc[island.staff["school_id"] == school_id, "staff_id"])
               | set(seconded.loc[(seconded["to_school_id"] == school_id)
                                  | (seconded["from_school_id"] == school_id), "staff_id"]))
        ties = island.collaborations
        ties = ties[ties["source_staff_id"].isin(own) | ties["target_staff_id"].isin(own)]
        people = own | set(ties["source_staff_id"]) | set(ties["target_staff_id"])
        members = island.memberships[island.memberships["staff_id"].isin(people)]
        groups = island.groups[island.groups["group_id"].isin(set(members["group_id"]))]
        parts = {"staff": island.staff[island.staff["staff_id"].isin(people)], "collaborations": ties,
                 "memberships": members, "groups": groups,
                 "secondments": seconded[seconded["staff_id"].isin(people)],
                 "respondents": island.respondents[island.respondents["staff_id"].isin(people)]}
        return Dataset.from_tables({**dict(island.tables()),
                                    **{name: part.reset_index(drop=True) for name, part in parts.items()}})


def _rows_of_parts(dataset: Dataset, school_part: dict[str, int], group_part: dict[str, int],
                   parts: int) -> list[dict[str, np.ndarray]]:
    """Row positions of each table for each of `parts` parts, given each school's and group's part: staff go with
    their school, ties and secondments with the person they start from, memberships with their group."""
    staff_part = dict(zip(dataset.staff["staff_id"], dataset.staff["school_id"].map(school_part), strict=True))
    codes = {
        "schools": dataset.schools["school_id"].map(school_part),
        "staff": dataset.staff["school_id"].map(school_part),
        "groups": dataset.groups["group_id"].map(group_part),
        "memberships": dataset.memberships["group_id"].map(group_part),
        "collaborations": dataset.collaborations["source_staff_id"].map(staff_part),
        "secondments": dataset.secondments["staff_id"].map(staff_part),
        "respondents": dataset.respondents["staff_id"].map(staff_part),
    }
    rows = {name: _positions(code.to_numpy()) for name, code in codes.items()}
    empty = np.array([], dtype=np.intp)
    every_kind = np.arange(len(dataset.tie_kinds), dtype=np.intp)  # every part reads every kind's flow
    return [{"tie_kinds": every_kind, **{name: rows[name].get(number, empty) for name in codes}}
            for number in range(parts)]


def _rows_by_people(dataset: Dataset, school_part: dict[str, int], parts: int) -> list[dict[str, np.ndarray]]:
    """Row positions of each table for each of `parts` parts, given each school's part: staff go with their school,
    ties, secondments and memberships with the person they start from, and a group's row with every part holding
    a membership of it."""
    staff_part = dict(zip(dataset.staff["staff_id"], dataset.staff["school_id"].map(school_part), strict=True))
    members = dataset.memberships["staff_id"].map(staff_part)
    codes = {
        "schools": dataset.schools["school_id"].map(school_part),
        "staff": dataset.staff["school_id"].map(school_part),
        "memberships": members,
        "collaborations": dataset.collaborations["source_staff_id"].map(staff_part),
        "secondments": dataset.secondments["staff_id"].map(staff_part),
        "respondents": dataset.respondents["staff_id"].map(staff_part),
    }
    rows = {name: _positions(code.to_numpy()) for name, code in codes.items()}
    group_row = pd.Series(np.arange(len(dataset.groups), dtype=np.intp), index=dataset.groups["group_id"].to_numpy())
    held = pd.DataFrame({"part": members.to_numpy(), "row": dataset.memberships["group_id"].map(group_row).to_numpy()})
    groups = {int(part): np.sort(found.to_numpy(dtype=np.intp))
              for part, found in held.drop_duplicates().groupby("part")["row"]}
    empty = np.array([], dtype=np.intp)
    every_kind = np.arange(len(dataset.tie_kinds), dtype=np.intp)  # every part reads every kind's flow
    return [{"tie_kinds": every_kind, "groups": groups.get(number, empty),
             **{name: rows[name].get(number, empty) for name in codes}} for number in range(parts)]


def _taken(dataset: Dataset, rows: dict[str, np.ndarray]) -> Dataset:
    """The dataset of the rows at `rows`' positions, table by table."""
    return Dataset.from_tables({name: dataset.table(name).take(positions).reset_index(drop=True)
                                for name, positions in rows.items()})


def _positions(codes: np.ndarray) -> dict[int, np.ndarray]:
    """Row positions of each code, in row order."""
    if not len(codes):
        return {}
    order = np.argsort(codes, kind="stable")
    values, starts = np.unique(codes[order], return_index=True)
    return {int(v): part for v, part in zip(values, np.split(order, starts[1:]), strict=True)}
