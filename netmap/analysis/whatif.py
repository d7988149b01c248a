"""What-if: apply hypothetical changes to a snapshot and compare the measures before and after.

Changes: a person leaves; a person is seconded from school A to school B; a person joins a group; a tie is
added. Each can be applied to the dataset (then rebuilt and analysed in full) or straight to the graphs (fast,
for planners); tests check the two give the same measures.

The secondment model (docs/secondments.md): for its period, the secondee counts as a member of school B; they
keep every tie they have (so their ties to A colleagues become A-B ties), and they gain a soft tie, of kind
co-planning, to each B colleague in post who shares a subject or an active group with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from netmap.analysis.availability import unavailable_for_secondment
from netmap.analysis.engine import Analysis, analyse
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.school_ties import SchoolTies
from netmap.contract import subject_key
from netmap.dataset import Dataset
from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs, active_memberships, active_staff, build_graphs, working_schools
from netmap.hard_wiring import HardWiring
from netmap.tie_kinds import tie_kinds

__all__ = ["AddTie", "Change", "JoinGroup", "Leave", "Measures", "Second", "analyse_after", "apply_to_dataset",
           "apply_to_graphs", "describe", "measure", "what_if"]

SECONDMENT_TIE_KIND = "co-planning"


@dataclass(frozen=True)
class Leave:
    staff_id: str


@dataclass(frozen=True)
class Second:
    staff_id: str
    from_school_id: str
    to_school_id: str


@dataclass(frozen=True)
class JoinGroup:
    staff_id: str
    group_id: str


@dataclass(frozen=True)
class AddTie:
    source_staff_id: str
    target_staff_id: str
    kind: str = "other"


Change = Leave | Second | JoinGroup | AddTie


@dataclass(frozen=True)
class Measures:
    """The measures a change can move: per school, and for the whole trust."""

    external_ties: dict[str, int]
    schools_reached: dict[str, int]
    dependency: dict[str, float | None]
    isolated_schools: list[str]
    disconnected_staff: int
    components: int
    cross_school_share: float | None


@dataclass
class WhatIf:
    """Before and after one set of changes; `schools` lists the schools whose measures moved."""

    changes: list[Change]
    before: Measures
    after: Measures
    schools: list[str] = field(default_factory=list)


# ---- the measures --------------------------------------------------------------------------------------
def measure(undirected: nx.Graph, hard: HardWiring, school_of: Mapping[Hashable, str],
            schools: Iterable[str]) -> Measures:
    """External ties, reach and dependency per school; isolated schools, disconnected staff, components and
    the cross-school share of ties for the trust. Same definitions as docs/metrics.md (SchoolTies)."""
    schools = list(schools)
    ties = SchoolTies(undirected.edges(), school_of)
    cross_people = {p for held in ties.held.values() for p in held}
    hard_cross = hard.cross_school_people(school_of)
    edges = undirected.number_of_edges()
    cross = sum(ties.external.values()) // 2
    staffed = set(school_of.values())
    return Measures(
        external_ties={s: ties.external[s] for s in schools},
        schools_reached={s: ties.schools_reached(s) for s in schools},
        dependency={s: ties.dependency(s) for s in schools},
        isolated_schools=sorted(s for s in schools if ties.external[s] == 0 and s in staffed),
        disconnected_staff=sum(1 for v in undirected if v not in cross_people and v not in hard_cross),
        components=nx.number_connected_components(undirected),
        cross_school_share=cross / edges if edges else None,
    )


def _school_ids(dataset: Dataset) -> list[str]:
    return list(dataset.schools["school_id"])


def _check(dataset: Dataset, as_of: str, works_at: Mapping[Hashable, str], changes: list[Change]) -> None:
    """Refuse, with the change's number and the fix, any change that names someone not in post (or who left in
    an earlier change), an unknown school or group, a secondment from a school the person does not work at, or
    one of someone due to start another secondment or to leave the trust within a term (netmap.analysis.
    availability). Changes are checked in the order given, each against the trust as the earlier ones leave it."""
    schools, groups = set(dataset.schools["school_id"]), set(dataset.groups["group_id"])
    unavailable = unavailable_for_secondment(
        dataset, as_of, dict(zip(dataset.schools["school_id"], dataset.schools["name"], strict=True)))
    home = dict(zip(dataset.staff["staff_id"], dataset.staff["school_id"], strict=True))
    works_at = dict(works_at)
    left: dict[str, int] = {}
    for number, change in enumerate(changes, start=1):
        for person in _people(change):
            if person in left:
                raise AnalysisError(f"Change {number} ({describe(change)}) names {person}, who leaves in change "
                                    f"{left[person]}: give the leave last, or drop one of the two.")
            if person not in works_at:
                raise AnalysisError(f"{person!r} is not a member of staff in post on the snapshot date.")
        if isinstance(change, Leave):
            left[change.staff_id] = number
        elif isinstance(change, Second):
            for school in (change.from_school_id, change.to_school_id):
                if school not in schools:
                    raise AnalysisError(f"{school!r} is not a school in this snapshot.")
            if change.from_school_id == change.to_school_id:
                raise AnalysisError("A secondment needs two different schools.")
            now = works_at[change.staff_id]
            if now != home.get(change.staff_id):
                raise AnalysisError(f"{change.staff_id} is already seconded to {now} on the snapshot date or in an "
                                    "earlier change: plan one secondment per person.")
            if now != change.from_school_id:
                raise AnalysisError(f"{change.staff_id} works at {now}, not {change.from_school_id}: second them "
                                    "from their own school.")
            why = unavailable.get(change.staff_id)
            if why is not None and why.excluded:
                fix = f" {why.fix[0].upper()}{why.fix[1:]}." if why.fix else ""
                raise AnalysisError(f"Change {number} ({describe(change)}) is refused: {change.staff_id} "
                                    f"{why.reason}.{fix}")
            works_at[change.staff_id] = change.to_school_id
        elif isinstance(change, JoinGroup) and change.group_id not in groups:
            raise AnalysisError(f"{change.group_id!r} is not a group in this snapshot.")
        elif isinstance(change, AddTie):
            _check_tie(dataset, number, change)


def _check_tie(dataset: Dataset, number: int, change: AddTie) -> None:
    """Refuse a tie from someone to themselves or of a kind the snapshot does not know, as loading would."""
    if change.source_staff_id == change.target_staff_id:
        raise AnalysisError(f"Change {number} ({describe(change)}) ties {change.source_staff_id} to themselves: "
                            "a tie needs two different people.")
    kinds = [kind.kind for kind in tie_kinds(dataset)]
    if change.kind not in kinds:
        raise AnalysisError(f"Change {number} ({describe(change)}) has the unknown tie kind {change.kind!r}: use one "
                            f"of {', '.join(kinds)}.")


def describe(change: Change) -> str:
    """A change as a person reads it, e.g. "tie C1 -> H1"."""
    if isinstance(change, Leave):
        return f"{change.staff_id} leaves"
    if isinstance(change, Second):
        return f"second {change.staff_id} from {change.from_school_id} to {change.to_school_id}"
    if isinstance(change, JoinGroup):
        return f"{change.staff_id} joins {change.group_id}"
    return f"tie {change.source_staff_id} -> {change.target_staff_id}"


def _people(change: Change) -> tuple[str, ...]:
    if isinstance(change, AddTie):
        return (change.source_staff_id, change.target_staff_id)
    return (change.staff_id,)


# ---- applying changes to the graphs (fast) ---------------------------------------------------------------
def apply_to_graphs(graphs: TrustGraphs,
                    changes: list[Change]) -> tuple[nx.Graph, HardWiring, dict[Hashable, str]]:
    """(U, H, school_of) after the changes, without touching `graphs`."""
    school_of = dict(graphs.school_of)
    _check(graphs.dataset, graphs.as_of, school_of, changes)
    undirected = graphs.undirected.copy()
    hard = graphs.hard.copy()
    subjects = {p: {subject_key(x) for x in s} for p, s in nx.get_node_attributes(graphs.soft, "subjects").items()}
    for change in changes:
        if isinstance(change, Leave):
            undirected.remove_node(change.staff_id)
            hard.remove_person(change.staff_id)
            del school_of[change.staff_id]
        elif isinstance(change, Second):
            mover = change.staff_id
            school_of[mover] = change.to_school_id
            for colleague in [p for p, s in school_of.items() if s == change.to_school_id and p != mover]:
                if subjects.get(mover, set()) & subjects.get(colleague, set()) or hard.shared_groups(mover, colleague):
                    undirected.add_edge(mover, colleague)
        elif isinstance(change, JoinGroup):
            hard.add_membership(change.staff_id, change.group_id)
        elif isinstance(change, AddTie):
            undirected.add_edge(change.source_staff_id, change.target_staff_id)
    return undirected, hard, school_of


def what_if(graphs: TrustGraphs, changes: list[Change]) -> WhatIf:
    """Measures before and after `changes`, computed on the graphs."""
    schools = _school_ids(graphs.dataset)
    before = measure(graphs.undirected, graphs.hard, graphs.school_of, schools)
    after = measure(*apply_to_graphs(graphs, changes), schools)
    moved = [s for s in schools if (before.external_ties[s], before.schools_reached[s], before.dependency[s]) != (
        after.external_ties[s], after.schools_reached[s], after.dependency[s])]
    return WhatIf(list(changes), before, after, moved)


# ---- applying changes to the dataset (the full-recompute reference) --------------------------------------
def apply_to_dataset(dataset: Dataset, as_of: str, changes: list[Change]) -> Dataset:
    """The dataset as it would be after `changes` on `as_of` (see the secondment model above)."""
    staff = dataset.staff.copy()
    memberships = dataset.memberships.copy()
    ties = dataset.collaborations.copy()
    _check(dataset, as_of, working_schools(dataset, as_of), changes)
    new_ties: list[dict[str, object]] = []
    for change in changes:
        if isinstance(change, Leave):
            staff.loc[staff["staff_id"] == change.staff_id, "left_on"] = as_of
        elif isinstance(change, Second):
            current = Dataset.from_tables({**dict(dataset.tables()), "staff": staff, "memberships": memberships})
            in_post = active_staff(current, as_of)
            active = active_memberships(current, as_of)
            subjects = {p: {subject_key(x) for x in (s or "").split(";") if x}
                        for p, s in zip(in_post["staff_id"], in_post["subjects"], strict=True)}
            groups_of: dict[str, set[str]] = defaultdict(set)
            for person, gid in zip(active["staff_id"], active["group_id"], strict=True):
                groups_of[person].add(gid)
            mover = change.staff_id
            works_at = working_schools(current, as_of)
            for colleague in [p for p in in_post["staff_id"] if works_at[p] == change.to_school_id]:
                if colleague != mover and (subjects[mover] & subjects[colleague] or
                                           groups_of[mover] & groups_of[colleague]):
                    new_ties.append({"source_staff_id": mover, "target_staff_id": colleague,
                                     "kind": SECONDMENT_TIE_KIND, "weight": 1.0, "observed_on": as_of})
            staff.loc[staff["staff_id"] == mover, "school_id"] = change.to_school_id
        elif isinstance(change, JoinGroup):
            memberships = pd.concat([memberships, pd.DataFrame([{"staff_id": change.staff_id,
                                                                 "group_id": change.group_id, "role": "member",
                                                                 "joined_on": as_of}])], ignore_index=True)
        elif isinstance(change, AddTie):
            new_ties.append({"source_staff_id": change.source_staff_id, "target_staff_id": change.target_staff_id,
                             "kind": change.kind, "weight": 1.0, "observed_on": as_of})
    if new_ties:
        ties = pd.concat([ties, pd.DataFrame(new_ties)], ignore_index=True)
    return Dataset.from_tables({**dict(dataset.tables()), "staff": staff, "memberships": memberships,
                                "collaborations": ties})


def analyse_after(graphs: TrustGraphs, changes: list[Change],
                  options: AnalysisOptions | None = None) -> tuple[TrustGraphs, Analysis]:
    """The snapshot as it would be after `changes`: its graphs and its full analysis (every table, every map)."""
    after = build_graphs(apply_to_dataset(graphs.dataset, graphs.as_of, changes), graphs.as_of,
                         graphs.tie_window_days)
    return after, analyse(after, options)
