"""Build the trust's graphs from a dataset: soft wiring S (ties as reported), the flow graph F (which way what
they carry goes), U (S without direction) and hard wiring H (shared groups).

H is a `HardWiring` (memberships, with links derived from them) rather than a NetworkX graph: its edge list
would grow with the square of group size.

A school is part of the trust from its joined_on (or always, when blank): on an earlier date it, its staff and
secondments to it are left out (`in_trust`), so a school that joins mid-year first appears in the snapshot after
it joined. Only people in post on the snapshot date are nodes: started_on on or before it (or blank) and left_on
after it (or blank). A tie counts when observed within `tie_window_days` before the date (or undated); memberships
count when active on it. A person on a secondment that is under way works at the receiving school: their node's
`school_id` is that school, `home_school_id` the one staff.csv gives. Each node carries the person's survey
`response` status (docs/metrics.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from netmap.dataset import Dataset
from netmap.hard_wiring import HardWiring
from netmap.tie_kinds import flows_from
from netmap.tie_status import tie_statuses

if TYPE_CHECKING:
    from netmap.store.base import GraphStore

__all__ = ["DEFAULT_TIE_WINDOW_DAYS", "TrustGraphs", "active_memberships", "active_secondments", "active_staff",
           "active_ties", "build_graphs", "build_hard_wiring", "build_soft_graph", "current_and_planned_secondments",
           "data_date", "in_post", "in_trust", "joined_by", "latest_observations", "number_of_undirected_ties",
           "read_graphs", "response_status", "staff_in_post", "survey_round", "tie_window_warning", "ties_with_status",
           "without_units", "working_schools"]

DEFAULT_TIE_WINDOW_DAYS = 400  # one survey a year stays in
MISSING_RESPONSES = frozenset({"no response", "not surveyed"})  # statuses whose own reports are missing


@dataclass(frozen=True)
class TrustGraphs:
    """The graphs of one snapshot: S (soft, as reported), H (hard wiring), the dataset they came from and the
    tie window they were built with; F and U are derived from S on first use."""

    as_of: str
    soft: nx.DiGraph
    hard: HardWiring
    dataset: Dataset
    tie_window_days: int = DEFAULT_TIE_WINDOW_DAYS

    @cached_property
    def undirected(self) -> nx.Graph:
        """U: an unweighted edge wherever either direction of S exists; built once, shared by every measure.
        Treat it as read-only (copy it to change it)."""
        graph = nx.Graph()
        graph.add_nodes_from(self.soft.nodes(data=True))
        graph.add_edges_from(self.soft.edges())
        return graph

    @cached_property
    def school_of(self) -> dict[Hashable, str]:
        """Where each person in post works (a secondee: the receiving school); read-only."""
        return dict(nx.get_node_attributes(self.soft, "school_id"))

    @cached_property
    def groups_of(self) -> dict[Hashable, frozenset[str]]:
        """The active groups of each person in post who belongs to any; read-only."""
        return {person: self.hard.groups_of(person) for person in self.hard if self.hard.groups_of(person)}

    @cached_property
    def weighted_undirected(self) -> nx.Graph:
        """U with each edge's `weight` the summed weight of both directions of S (tie strength); built only for
        the weighted measures (`--set weighted=true`), so unweighted code never meets a weight by accident."""
        graph = nx.Graph()
        graph.add_nodes_from(self.soft)
        for a, b, weight in self.soft.edges(data="weight"):
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += weight
            else:
                graph.add_edge(a, b, weight=weight)
        return graph

    @cached_property
    def flow(self) -> nx.DiGraph:
        """F: an edge a -> b when something a tie carries flows from a to b, by each kind's declared flow: a row
        "s names t" of kind advice (target-to-source) gives t -> s, a mutual kind gives both. Treat as read-only."""
        flows = flows_from(self.dataset)
        graph = nx.DiGraph()
        graph.add_nodes_from(self.soft.nodes(data=True))
        for source, target, kinds in self.soft.edges(data="kinds"):
            for kind in kinds:
                flow = flows.get(kind, "mutual")
                if flow != "source-to-target":
                    graph.add_edge(target, source)
                if flow != "target-to-source":
                    graph.add_edge(source, target)
        return graph


def in_post(start: pd.Series, end: pd.Series, as_of: str) -> pd.Series:
    """The one rule for "under way on a date": started on or before it (or blank), ending after it (or blank).
    Used for staff in post, memberships and secondments."""
    return (start.isna() | (start.fillna("") <= as_of)) & (end.isna() | (end.fillna("9999") > as_of))


def joined_by(schools: pd.DataFrame, as_of: str) -> pd.Series:
    """Which schools had joined the trust by `as_of` (a blank joined_on: always)."""
    joined = schools["joined_on"]
    return joined.isna() | (joined.fillna("") <= as_of)


def in_trust(dataset: Dataset, as_of: str) -> Dataset:
    """The dataset as the trust was on `as_of`: schools that joined after it left out, with their staff, those
    staff's memberships, ties and answers, and secondments to them (the same dataset when every school had
    joined)."""
    later = set(dataset.schools.loc[~joined_by(dataset.schools, as_of), "school_id"])
    if not later:
        return dataset
    gone = set(dataset.staff.loc[dataset.staff["school_id"].isin(later), "staff_id"])
    seconded, ties = dataset.secondments, dataset.collaborations
    return replace(dataset, schools=dataset.schools[~dataset.schools["school_id"].isin(later)],
                   staff=dataset.staff[~dataset.staff["staff_id"].isin(gone)],
                   memberships=dataset.memberships[~dataset.memberships["staff_id"].isin(gone)],
                   collaborations=ties[~ties["source_staff_id"].isin(gone) & ~ties["target_staff_id"].isin(gone)],
                   respondents=dataset.respondents[~dataset.respondents["staff_id"].isin(gone)],
                   secondments=seconded[~seconded["staff_id"].isin(gone) & ~seconded["to_school_id"].isin(later)])


def without_units(dataset: Dataset, schools: frozenset[str], groups: frozenset[str],
                  kept: frozenset[str] = frozenset()) -> Dataset:
    """The dataset with the staff of `schools` (but those `kept`) and the members of `groups` taken out before any
    analysis: those staff with their memberships, ties, answers and secondments, every secondment from or to
    those schools, and every membership of those groups. The schools' and groups' own rows stay (with nobody in
    them, or only the kept), so that pages list them as hidden; nothing computed from the result depends on what
    the units held beyond the kept people (docs/suppression.md)."""
    if not schools and not groups:
        return dataset
    gone = set(dataset.staff.loc[dataset.staff["school_id"].isin(schools), "staff_id"]) - kept
    seconded, ties, members = dataset.secondments, dataset.collaborations, dataset.memberships
    return replace(dataset, staff=dataset.staff[~dataset.staff["staff_id"].isin(gone)],
                   memberships=members[~members["staff_id"].isin(gone) & ~members["group_id"].isin(groups)],
                   collaborations=ties[~ties["source_staff_id"].isin(gone) & ~ties["target_staff_id"].isin(gone)],
                   respondents=dataset.respondents[~dataset.respondents["staff_id"].isin(gone)],
                   secondments=seconded[~seconded["staff_id"].isin(gone) & ~seconded["from_school_id"].isin(schools)
                                        & ~seconded["to_school_id"].isin(schools)])


def active_staff(dataset: Dataset, as_of: str) -> pd.DataFrame:
    """Staff in post on `as_of`: filtered once per dataset and date and kept with the dataset (the graphs, the
    measures and the batch plan of one analysis all ask for it). Treat it as read-only."""
    key = ("staff in post", as_of)
    if key not in dataset.derived:
        dataset.derived[key] = staff_in_post(dataset.staff, as_of)
    return dataset.derived[key]


def staff_in_post(staff: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The rows of a staff table in post on `as_of` (the filter itself; `active_staff` keeps its result)."""
    return staff[in_post(staff["started_on"], staff["left_on"], as_of)]


def active_secondments(dataset: Dataset, as_of: str) -> pd.DataFrame:
    """Secondments under way on `as_of` of people in post."""
    seconded = dataset.secondments
    seconded = seconded[in_post(seconded["starts_on"], seconded["ends_on"], as_of)]
    return seconded[seconded["staff_id"].isin(set(active_staff(dataset, as_of)["staff_id"]))]


def current_and_planned_secondments(secondments: pd.DataFrame, staff: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Secondments (a dataset's table) of people in post (of `staff`) that are under way on `as_of` ("current")
    or start after it ("planned"), planned last, each in start order, with a `status` column. Takes the two
    tables, not the dataset, so that a page needs no more than them."""
    in_post_now = set(staff.loc[in_post(staff["started_on"], staff["left_on"], as_of), "staff_id"])
    seconded = secondments[(secondments["ends_on"].isna() | (secondments["ends_on"].fillna("9999") > as_of))
                           & secondments["staff_id"].isin(in_post_now)]
    planned = seconded["starts_on"].fillna("") > as_of
    table = seconded.assign(status=planned.map({True: "planned", False: "current"}))
    return table.sort_values(["status", "starts_on", "staff_id"], kind="stable").reset_index(drop=True)


def working_schools(dataset: Dataset, as_of: str) -> dict[Hashable, str]:
    """Where each person in post works on `as_of`: the receiving school of a secondment under way (the latest
    started, if several), otherwise their school in staff.csv."""
    staff = active_staff(dataset, as_of)
    schools: dict[Hashable, str] = dict(zip(staff["staff_id"], staff["school_id"], strict=True))
    seconded = active_secondments(dataset, as_of).sort_values("starts_on", kind="stable")
    schools.update(zip(seconded["staff_id"], seconded["to_school_id"], strict=True))
    return schools


def window_start(as_of: str, window_days: int) -> str:
    """The earliest observed_on a tie may have and still count for a snapshot dated `as_of`."""
    return (dt.date.fromisoformat(as_of) - dt.timedelta(days=window_days)).isoformat()


def response_status(dataset: Dataset, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> dict[str, str]:
    """Survey status of each person in post, by the snapshot's round (`survey_round`): "responded" (answered
    within the tie window, on or before `as_of`), "no response" (listed in the round, no such answer), "not
    surveyed" (not listed in it, or no round answered within the window), or "unknown" for everyone when the
    snapshot has no respondents data. Rows of other rounds are ignored."""
    people = active_staff(dataset, as_of)["staff_id"]
    rows = dataset.respondents
    if rows.empty:
        return dict.fromkeys(people, "unknown")
    current = survey_round(rows, as_of, window_days)
    rows = rows[rows["round"].fillna("") == current] if current is not None else rows.iloc[:0]
    answered = rows["responded_on"].fillna("")
    responded = set(rows.loc[(answered != "") & (answered <= as_of) &
                             (answered >= window_start(as_of, window_days)), "staff_id"])
    surveyed = set(rows["staff_id"])
    return {p: "responded" if p in responded else "no response" if p in surveyed else "not surveyed"
            for p in people}


def survey_round(respondents: pd.DataFrame, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> str | None:
    """The round a snapshot's survey statuses come from ("" for rows without a round): the one whose latest answer
    on or before `as_of` is the most recent, when that answer is within the tie window; a file holding a single
    round that nobody has answered yet is that round; otherwise None (no round counts)."""
    rounds = respondents["round"].fillna("")
    answered = respondents["responded_on"].fillna("")
    counted = (answered != "") & (answered <= as_of) & (answered >= window_start(as_of, window_days))
    if not counted.any():
        return str(rounds.iloc[0]) if rounds.nunique() == 1 and (answered == "").all() else None
    last = pd.DataFrame({"round": rounds[counted], "on": answered[counted]}).groupby("round")["on"].max()
    return str(max(last.items(), key=lambda item: (item[1], item[0]))[0])


def active_memberships(dataset: Dataset, as_of: str) -> pd.DataFrame:
    """Memberships active on `as_of` whose member is in post."""
    members = dataset.memberships
    members = members[in_post(members["joined_on"], members["left_on"], as_of)]
    return members[members["staff_id"].isin(set(active_staff(dataset, as_of)["staff_id"]))]


def active_ties(dataset: Dataset, as_of: str, people: set[str] | None = None, *,
                window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> pd.DataFrame:
    """Ties observed in the `window_days` up to `as_of` (or undated) between two people in post (`people` when
    known). A tie older than the window no longer counts: a 2010 tie does not connect a school in 2026."""
    people = set(active_staff(dataset, as_of)["staff_id"]) if people is None else people
    ties = dataset.collaborations
    observed = ties["observed_on"].fillna(as_of)
    keep = ties["source_staff_id"].isin(people) & ties["target_staff_id"].isin(people) & (
        (observed <= as_of) & (observed >= window_start(as_of, window_days)))
    return ties[keep]


def data_date(dataset: Dataset) -> str | None:
    """The date a snapshot of `dataset` defaults to: its latest tie observation or survey answer (the day the data
    describe), or None when it holds neither, so that the date must be given."""
    dates = pd.concat([dataset.collaborations["observed_on"], dataset.respondents["responded_on"]]).dropna()
    return str(dates.max()) if len(dates) else None


def tie_window_warning(dataset: Dataset, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> str | None:
    """A warning when the tie window drops most (over half) of the ties between people in post that were observed
    on or before `as_of`: an old survey would otherwise silently empty the snapshot. None when it does not. It
    says what and why; each edge adds how to fix it there."""
    dataset = in_trust(dataset, as_of)
    people = set(active_staff(dataset, as_of)["staff_id"])
    ties = dataset.collaborations
    seen = ties["observed_on"].fillna(as_of)
    before = ties[ties["source_staff_id"].isin(people) & ties["target_staff_id"].isin(people) & (seen <= as_of)]
    start = window_start(as_of, window_days)
    old = before["observed_on"].fillna(as_of) < start
    if not len(before) or 2 * int(old.sum()) <= len(before):
        return None
    return (f"The tie window drops {int(old.sum()):,} of {len(before):,} ties ({old.mean():.0%}): they were "
            f"observed more than {window_days} days before {as_of} (the latest of them on "
            f"{before.loc[old, 'observed_on'].max()}), so they do not count and schools may look isolated.")


def latest_observations(ties: pd.DataFrame) -> pd.DataFrame:
    """`ties` with each (source, target, kind) down to its latest observation (an undated one counts as the
    oldest), the rows kept in file order. Applied after the tie window, so that a tie seen in January 2024 and
    again in 2026 counts once, as last seen within the window: a file kept across survey rounds gives each
    snapshot the ties of its own window, never one tie's weights added up over the years."""
    key = ["source_staff_id", "target_staff_id", "kind"]
    if not ties.duplicated(key).any():
        return ties
    ordered = ties.assign(_when=ties["observed_on"].fillna("")).sort_values("_when", kind="stable")
    return ordered.drop_duplicates(key, keep="last").drop(columns="_when").sort_index()


def ties_with_status(dataset: Dataset, as_of: str, people: set[str] | None = None, *,
                     window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> pd.DataFrame:
    """The latest observation of each tie within the window between people in post, with its `status`
    (netmap.tie_status: loaded, confirmed, unconfirmed or ended). Every tie but an ended one counts."""
    ties = latest_observations(active_ties(dataset, as_of, people, window_days=window_days))
    respondents = dataset.respondents
    current = survey_round(respondents, as_of, window_days) if len(respondents) else None
    return ties.assign(status=tie_statuses(ties, respondents, as_of, current))


def number_of_undirected_ties(dataset: Dataset, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> int:
    """Edges U would have for this snapshot (pairs of people with a tie either way that counts), without
    building it."""
    ties = ties_with_status(dataset, as_of, window_days=window_days)
    ties = ties[ties["status"] != "ended"]
    source, target = ties["source_staff_id"].to_numpy(), ties["target_staff_id"].to_numpy()
    first = np.where(source < target, source, target)
    second = np.where(source < target, target, source)
    return len(pd.DataFrame({"a": first, "b": second}).drop_duplicates())


def _add_staff_nodes(graph: nx.Graph, staff: pd.DataFrame, works_at: Mapping[Hashable, str],
                     response: dict[str, str]) -> None:
    subjects = staff["subjects"].map(lambda s: tuple(s.split(";")) if s else ())
    graph.add_nodes_from(
        (sid, {"school_id": works_at[sid], "home_school_id": school, "role": role, "name": name,
               "subjects": subj, "response": response[sid]})
        for sid, school, role, name, subj in zip(staff["staff_id"], staff["school_id"], staff["role"],
                                                 staff["name"], subjects, strict=True))


def build_soft_graph(dataset: Dataset, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> nx.DiGraph:
    """S: one edge per ordered pair of staff as reported (source named target), ended ties left out
    (ties_with_status); `weight` is the summed weight, `kinds` maps kind to weight, and `unconfirmed` is True
    when every kind of it was reported in an earlier round by someone who did not answer the snapshot's."""
    staff = active_staff(dataset, as_of)
    graph = nx.DiGraph()
    _add_staff_nodes(graph, staff, working_schools(dataset, as_of), response_status(dataset, as_of, window_days))
    ties = ties_with_status(dataset, as_of, set(graph), window_days=window_days)
    ties = ties[ties["status"] != "ended"]
    edges: dict[tuple[str, str], dict[str, float]] = {}
    unconfirmed: dict[tuple[str, str], bool] = {}
    for source, target, kind, weight, status in sorted(zip(
            ties["source_staff_id"], ties["target_staff_id"], ties["kind"], ties["weight"], ties["status"],
            strict=True)):
        edges.setdefault((source, target), {})[kind] = float(weight)
        unconfirmed[source, target] = unconfirmed.get((source, target), True) and status == "unconfirmed"
    graph.add_edges_from((s, t, {"weight": sum(kinds.values()), "kinds": kinds, "unconfirmed": unconfirmed[s, t]})
                         for (s, t), kinds in edges.items())
    return graph


def build_hard_wiring(dataset: Dataset, as_of: str) -> HardWiring:
    """H: everyone in post and the active groups they belong to; two people sharing a group are linked."""
    members = active_memberships(dataset, as_of)
    return HardWiring(active_staff(dataset, as_of)["staff_id"],
                      zip(members["staff_id"], members["group_id"], strict=True))


def build_graphs(dataset: Dataset, as_of: str, window_days: int = DEFAULT_TIE_WINDOW_DAYS) -> TrustGraphs:
    """Both graphs of a snapshot, counting ties observed within `window_days` before it."""
    dataset = in_trust(dataset, as_of)
    return TrustGraphs(as_of, build_soft_graph(dataset, as_of, window_days), build_hard_wiring(dataset, as_of),
                       dataset, window_days)


def read_graphs(store: GraphStore, snapshot_id: str | None = None) -> TrustGraphs:
    """The graphs of the stored snapshot `snapshot_id` (default: the latest), built as of its date."""
    info = store.snapshot(snapshot_id)
    return build_graphs(store.read_dataset(info.snapshot_id), info.as_of)
