"""Secondment candidates from anywhere in a snapshot split into islands, ranked without the whole snapshot's graphs.

`Planner.recommend` ranks everyone in the snapshot, since a secondee may come from any school of the trust. Who
works outside the target school's island has no tie into it (no tie leaves an island), so what their move does to
the target needs only their own figures, which the kept analysis's staff table holds: every one of their ties
(`soft_degree`) becomes one of the target's, leading to the schools they reach (`schools_reached`, and their own
school when they work with a colleague); their home school's external ties they hold (`cross_school_ties`) say
whether they are its only connector. Their fit and what their school can least spare come from the staff table
(subjects, roles and priorities). `SecondeeFigures.scored` gives them the keys `Planner.scored` gives them over
the whole graphs (tested); the target's own island is scored by its island's planner.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable

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
    Planner,
    Scored,
    rank_key,
)
from netmap.contract import subject_key
from netmap.dataset import Dataset
from netmap.graphs import active_secondments, active_staff, working_schools

__all__ = ["SecondeeFigures"]


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
        code = dict(zip(staff["staff_id"], staff["subjects"].map(keys), strict=True))
        role = dict(zip(staff["staff_id"], staff["role"], strict=True))
        taught: dict[str, Counter[str]] = defaultdict(Counter)
        roles_at: dict[str, Counter[str]] = defaultdict(Counter)
        for person, school in works_at.items():
            taught[school].update(self.subject_sets[code[person]])
            roles_at[school][role[person]] += 1
        table = analysis.staff
        degree = dict(zip(table["staff_id"], table["soft_degree"].astype(int), strict=True))
        cross = dict(zip(table["staff_id"], table["cross_school_ties"].astype(int), strict=True))
        reached = dict(zip(table["staff_id"], table["schools_reached"].astype(int), strict=True))
        external: Counter[str] = Counter()  # a school's ties to other schools: its staff's cross-school ties
        for person, school in works_at.items():
            external[school] += cross[person]
        seconded = set(active_secondments(dataset, as_of)["staff_id"])
        unavailable = unavailable_for_secondment(dataset, as_of)
        people = list(works_at)
        homes = [works_at[p] for p in people]

        def sole(person: Hashable, home: str) -> bool:
            subjects = self.subject_sets[code[person]] - {"primary"}
            return (any(taught[home][s] == 1 for s in subjects)
                    or bool(role[person] and roles_at[home][role[person]] == 1))

        self.people = pd.Index(people)
        self.home = np.array(homes, dtype=object)
        self.home_phase = np.array([self.phase_of.get(h) for h in homes], dtype=object)
        self.role = np.array([role[p] for p in people], dtype=object)
        self.subjects = np.array([code[p] for p in people], dtype=np.intp)
        self.degree = np.array([degree[p] for p in people], dtype=np.int64)
        # the schools their ties lead to: the other schools they reach, and their own when tied to a colleague
        self.schools = np.array([reached[p] + (degree[p] > cross[p]) for p in people], dtype=np.int64)
        self.penalty = np.array([HOME_PRIORITY_COST.get(priority_of.get(h, ""), 0) + SOLE_COST * sole(p, h)
                                 for p, h in zip(people, homes, strict=True)], dtype=np.int64)
        # not seconded, due to start a secondment or leaving soon, nor their school's only connector
        self.proposable = np.array([not (p in seconded or (p in unavailable and unavailable[p].excluded))
                                    and not (external[h] > 0 and cross[p] == external[h])
                                    for p, h in zip(people, homes, strict=True)], dtype=bool)
        self.ids = np.array([str(p) for p in people])

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
        order = np.lexsort((self.ids[rows], dependency, -external, -new, -score, first))
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


def _phase(home: str | None, there: str | None) -> str:
    """How a home school's phase suits the target's (Planner.fit): same, central, close or other."""
    return ("same" if home == there else "central" if home == "central" else
            "close" if frozenset((home, there)) in NEIGHBOUR_PHASES else "other")
