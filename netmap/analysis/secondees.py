"""Secondment candidates from anywhere in a snapshot split into islands, ranked without the whole snapshot's graphs.

`Planner.recommend` ranks everyone in the snapshot, since a secondee may come from any school of the trust. Who
works outside the target school's island has no tie into it (no tie leaves an island), so what their move does to
the target needs only their own figures, which the kept analysis's staff table holds: every one of their ties
(`soft_degree`) becomes one of the target's, leading to the schools they reach (`schools_reached`, and their own
school when they work with a colleague); their home school's external ties they hold (`cross_school_ties`) say
whether they are its only connector. Their fit and what their school can least spare come from the staff table
(subjects, roles and priorities). `SecondeeFigures.scored` gives them the keys `Planner.scored` gives them over
the whole graphs (tested); the target's own island is scored by its island's planner. `introductions` finds a
disconnected colleague's introductions the same way: who shares their subjects and groups is counted from
everyone's figures, whom they already work with from their island.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from netmap.analysis.availability import unavailable_for_secondment
from netmap.analysis.engine import Analysis
from netmap.analysis.planner import (
    HOME_PRIORITY_COST,
    NEIGHBOUR_PHASES,
    PER_HOME_SCHOOL,
    PHASE_POINTS,
    SOLE_COST,
    SUBJECT_POINTS,
    Fit,
    Introduction,
    Planner,
    Scored,
    rank_key,
)
from netmap.contract import subject_key
from netmap.dataset import Dataset
from netmap.errors import AnalysisError
from netmap.graphs import active_secondments, active_staff, working_schools

__all__ = ["SecondeeFigures", "introductions"]


class SecondeeFigures:
    """Per-person figures of a whole snapshot (its dated dataset and kept analysis), computed once, one array
    each: what ranking secondees from outside a target's island needs (see the module docstring)."""

    def __init__(self, dataset: Dataset, as_of: str, analysis: Analysis) -> None:
        staff = active_staff(dataset, as_of)
        works_at = working_schools(dataset, as_of)
        schools = dataset.schools
        self.phase_of = dict(zip(schools["school_id"], schools["phase"], strict=True))
        priority_of = {s: p if isinstance(p, str) else ""
                       for s, p in zip(schools["school_id"], schools["priority"], strict=True)}
        keys: dict[object, int] = {}  # staff share a few lists of subjects: each read once, numbered
        self.subject_sets: list[frozenset[str]] = []
        for text in staff["subjects"].unique():
            keys[text] = len(self.subject_sets)
            self.subject_sets.append(frozenset(subject_key(x) for x in text.split(";"))
                                     if isinstance(text, str) and text else frozenset())
        # those that can fit a school's need ("primary" says the phase, not a subject), in order
        self.ordered = [tuple(sorted(mine - {"primary"})) for mine in self.subject_sets]
        people = staff["staff_id"].to_numpy(dtype=object)
        home = staff["staff_id"].map(works_at).to_numpy(dtype=object)
        self.people = pd.Index(people)
        self.home = home
        self.home_phase = pd.Series(home).map(self.phase_of).to_numpy(dtype=object)
        self.role = staff["role"].to_numpy(dtype=object)
        self.subjects = staff["subjects"].map(keys).to_numpy(dtype=np.intp)
        measures = analysis.staff.set_index("staff_id").reindex(people)
        self.degree = measures["soft_degree"].to_numpy(dtype=np.int64)
        cross = measures["cross_school_ties"].to_numpy(dtype=np.int64)
        # the schools their ties lead to: the other schools they reach, and their own when tied to a colleague
        self.reached = measures["schools_reached"].to_numpy(dtype=np.int64)
        self.schools = self.reached + (self.degree > cross)
        self.groups = [frozenset(g.split(";")) - {""} if isinstance(g, str) else frozenset()
                       for g in measures["groups"]]
        self.names = dict(zip(dataset.staff["staff_id"], dataset.staff["name"].fillna(dataset.staff["staff_id"]),
                              strict=True))
        self.school_names = dict(zip(schools["school_id"], schools["name"], strict=True))
        self.group_names = dict(zip(dataset.groups["group_id"], dataset.groups["name"], strict=True))
        self._holders: dict[tuple[str, str], np.ndarray] | None = None
        # what their school can least spare (Planner._home_penalty): its priority, and whether they are its only
        # teacher of a subject or only holder of their role
        taking = [len(self.ordered[c]) for c in self.subjects]
        taught = pd.DataFrame({"person": np.repeat(np.arange(len(people)), taking), "home": np.repeat(home, taking),
                               "subject": [x for c in self.subjects for x in self.ordered[c]]})
        sole_subject = np.zeros(len(people), dtype=bool)
        only = taught[taught.groupby(["home", "subject"])["person"].transform("size").to_numpy() == 1]
        sole_subject[only["person"].to_numpy(dtype=np.intp)] = True
        holders = pd.DataFrame({"home": home, "role": self.role}).groupby(["home", "role"])["role"].transform("size")
        sole_role = (holders.to_numpy() == 1) & pd.Series(self.role).fillna("").astype(bool).to_numpy()
        priority = pd.Series(home).map(priority_of).map(HOME_PRIORITY_COST).fillna(0).to_numpy(dtype=np.int64)
        self.penalty = priority + SOLE_COST * (sole_subject | sole_role)
        # not seconded, due to start a secondment or leaving soon, nor their school's only connector
        excluded = set(active_secondments(dataset, as_of)["staff_id"]) | {
            p for p, why in unavailable_for_secondment(dataset, as_of).items() if why.excluded}
        external = pd.Series(cross).groupby(home).sum()  # a school's ties to other schools: its staff's own
        home_external = pd.Series(home).map(external).to_numpy(dtype=np.int64)
        self.proposable = ~self.people.isin(list(excluded)) & ~((home_external > 0) & (cross == home_external))
        ids = np.array([str(p) for p in people])
        self.id_order = np.empty(len(ids), dtype=np.int64)  # each id's place in id order: sorting by it sorts by id
        self.id_order[np.argsort(ids, kind="stable")] = np.arange(len(ids))

    def scored(self, target: Planner, school_id: str, *, subject: str | None = None, role: str | None = None,
               central: bool = False, top: int | None = None) -> list[Scored]:
        """The people outside `target`'s island (the planner over the island of `school_id`) whom `recommend`
        may propose for `school_id`, each with the key `Planner.scored` gives them over the whole snapshot, best
        first. With `top`, only those `choose` could pick among them (at most `top`, PER_HOME_SCHOOL a school
        unless `central`): everyone else in the target's island is from other schools, so takes none of their
        places at home and only fills the list sooner."""
        before = sum(target.reach[school_id].values())
        now = sum(1 for v in target.reach[school_id].values() if v > 0)
        top_now = max((v for v in target.held[school_id].values() if v > 0), default=0)
        there = self.phase_of.get(school_id)
        taught = target.taught[school_id].keys()
        asked = subject_key(subject) if subject else None
        keep = self.proposable & ~self.people.isin(list(target.school_of)) & ((self.home_phase == "central") == central)
        if asked:
            keep &= np.array([asked in mine for mine in self.subject_sets])[self.subjects]
        if role:
            keep &= self.role == role
        rows = np.flatnonzero(keep)
        phases = {h: _phase(h, there) for h in set(self.home_phase[rows])}
        shared = [((asked,) if asked in ordered else ()) if asked else tuple(s for s in ordered if s in taught)
                  for ordered in self.ordered]
        phase = np.array([phases[h] for h in self.home_phase[rows]], dtype=object)
        has_shared = np.array([bool(x) for x in shared], dtype=bool)[self.subjects[rows]]
        has_shared &= (phase != "central") | bool(asked)
        points = np.array([PHASE_POINTS[p] for p in phase], dtype=np.int64) + SUBJECT_POINTS * has_shared
        score = points - self.penalty[rows]
        degree, new = self.degree[rows], self.schools[rows]
        external = before + degree
        dependency = np.where(external > 0, np.maximum(top_now, degree) / np.maximum(external, 1), 1.0)
        first = (new == 0) & (external <= before)
        order = np.lexsort((self.id_order[rows], dependency, -external, -new, -score, first))
        found: list[Scored] = []
        asked_of: Counter[str] = Counter()
        for k in order:
            row = rows[k]
            home = str(self.home[row])
            if top is not None:
                if len(found) == top:
                    break
                if not central and asked_of[home] >= PER_HOME_SCHOOL:
                    continue
                asked_of[home] += 1
            depends = float(dependency[k]) if external[k] else None
            fit = Fit(str(phase[k]), shared[self.subjects[row]] if has_shared[k] else (),
                      str(self.home_phase[row] or ""), there or "")
            person = self.people[row]
            found.append(Scored(rank_key(int(new[k]), int(external[k]), before, int(score[k]), depends, person), person,
                                home, (int(new[k]), now + int(new[k]), int(external[k]), depends), fit, int(score[k])))
        return found


def _holders_of(figures: SecondeeFigures) -> dict[tuple[str, str], np.ndarray]:
    """Row numbers of the people teaching each subject (("subject", key), "primary" left out) and belonging to each
    group (("group", id))."""
    rows: dict[tuple[str, str], list[int]] = {}
    for row, code in enumerate(figures.subjects):
        for subject in figures.ordered[code]:
            rows.setdefault(("subject", subject), []).append(row)
    for row, groups in enumerate(figures.groups):
        for group in groups:
            rows.setdefault(("group", group), []).append(row)
    return {key: np.array(found, dtype=np.intp) for key, found in rows.items()}


def introductions(figures: SecondeeFigures, planner: Planner, staff_id: str, *, top: int = 5) -> list[Introduction]:
    """`Planner.introductions` of `staff_id` over the whole snapshot, from `planner` over their island (who they
    already work with) and everyone's subjects, groups and schools reached in `figures`: the people sharing most
    with them come from counting, per subject and group of theirs, who else holds it."""
    if staff_id not in planner.school_of:
        raise AnalysisError(f"{staff_id!r} is not a member of staff in post in this snapshot.")
    if figures._holders is None:
        figures._holders = _holders_of(figures)
    me = figures.people.get_loc(staff_id)
    keys = [("subject", s) for s in figures.ordered[figures.subjects[me]]] + [("group", g) for g in figures.groups[me]]
    held = [figures._holders[key] for key in keys]
    if not held:
        return []
    shared = np.bincount(np.concatenate(held), minlength=len(figures.people))
    rows = np.flatnonzero(shared)
    rows = rows[(figures.home[rows] != planner.school_of[staff_id])
                & ~figures.people[rows].isin(list(planner.undirected[staff_id]))]
    rows = rows[np.lexsort((figures.id_order[rows], -figures.reached[rows], -shared[rows]))][:top]
    mine_subjects, mine_groups = set(figures.ordered[figures.subjects[me]]), figures.groups[me]
    found = []
    for row in rows:
        person, school, reached = str(figures.people[row]), str(figures.home[row]), int(figures.reached[row])
        shares = (sorted(mine_subjects & set(figures.ordered[figures.subjects[row]]))
                  + sorted(figures.group_names.get(g, g) for g in mine_groups & figures.groups[row]))
        found.append(Introduction(person, figures.names.get(person, person), school, "; ".join(shares), reached,
                                  f"Shares {', '.join(shares)}; works at {figures.school_names.get(school, school)} "
                                  f"and is tied to {reached} other school{'s' if reached != 1 else ''}."))
    return found


def _phase(home: str | None, there: str | None) -> str:
    """How a home school's phase suits the target's (Planner.fit): same, central, close or other."""
    return ("same" if home == there else "central" if home == "central" else
            "close" if frozenset((home, there)) in NEIGHBOUR_PHASES else "other")
