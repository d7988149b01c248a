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
from collections.abc import Hashable, KeysView
from dataclasses import dataclass

from netmap.analysis.availability import unavailable_for_secondment
from netmap.analysis.engine import Analysis
from netmap.analysis.planner import (
    HOME_PRIORITY_COST,
    NEIGHBOUR_PHASES,
    SOLE_COST,
    Fit,
    Planner,
    Scored,
    rank_key,
)
from netmap.contract import subject_key
from netmap.dataset import Dataset
from netmap.graphs import active_secondments, active_staff, working_schools

__all__ = ["SecondeeFigures"]


@dataclass(frozen=True)
class _Figures:
    """One person in post, as ranking them as a secondee into another island needs them."""

    home: str                 # the school they work at (a secondee's receiving school)
    subjects: frozenset[str]  # subject keys they teach
    taught: tuple[str, ...]   # those that can fit a school's need ("primary" says the phase), in order
    role: str
    degree: int               # their ties (edges of U): each becomes one of the target's
    schools: int              # the schools their ties lead to (their own, when tied to a colleague)
    penalty: int              # what their school can least spare (Planner._home_penalty)
    proposable: bool          # not seconded, due to start one or leaving soon, nor their school's only connector


class SecondeeFigures:
    """Per-person figures of a whole snapshot (its dated dataset and kept analysis), computed once: what ranking
    secondees from outside a target's island needs (see the module docstring)."""

    def __init__(self, dataset: Dataset, as_of: str, analysis: Analysis) -> None:
        staff = active_staff(dataset, as_of)
        works_at = working_schools(dataset, as_of)
        schools = dataset.schools
        self.phase_of = dict(zip(schools["school_id"], schools["phase"], strict=True))
        priority_of = {s: p if isinstance(p, str) else ""
                       for s, p in zip(schools["school_id"], schools["priority"], strict=True)}
        keys: dict[object, frozenset[str]] = {}  # staff share a few lists of subjects: each read once
        for text in staff["subjects"].unique():
            keys[text] = (frozenset(subject_key(x) for x in text.split(";")) if isinstance(text, str) and text
                          else frozenset())
        subjects = dict(zip(staff["staff_id"], staff["subjects"].map(keys), strict=True))
        ordered = {mine: tuple(sorted(mine - {"primary"})) for mine in keys.values()}
        role = dict(zip(staff["staff_id"], staff["role"], strict=True))
        taught: dict[str, Counter[str]] = defaultdict(Counter)
        roles_at: dict[str, Counter[str]] = defaultdict(Counter)
        for person, school in works_at.items():
            taught[school].update(subjects[person])
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
        self.people: dict[Hashable, _Figures] = {}
        for person, home in works_at.items():
            sole = any(taught[home][s] == 1 for s in subjects[person] - {"primary"})
            sole = sole or bool(role[person] and roles_at[home][role[person]] == 1)
            excluded = person in seconded or (person in unavailable and unavailable[person].excluded)
            only_connector = external[home] > 0 and cross[person] == external[home]
            self.people[person] = _Figures(
                home, subjects[person], ordered[subjects[person]], role[person], degree[person],
                reached[person] + (degree[person] > cross[person]),
                HOME_PRIORITY_COST.get(priority_of.get(home, ""), 0) + SOLE_COST * sole,
                not excluded and not only_connector)

    def scored(self, target: Planner, school_id: str, *, subject: str | None = None, role: str | None = None,
               central: bool = False) -> list[Scored]:
        """The people outside `target`'s island (the planner over the island of `school_id`) whom `recommend`
        may propose for `school_id`, each with the key `Planner.scored` gives them over the whole snapshot."""
        before = sum(target.reach[school_id].values())
        now = sum(1 for v in target.reach[school_id].values() if v > 0)
        top_now = max((v for v in target.held[school_id].values() if v > 0), default=0)
        there = self.phase_of.get(school_id)
        taught = target.taught[school_id].keys()
        asked = subject_key(subject) if subject else None
        scored = []
        for person, p in self.people.items():
            if person in target.school_of or not p.proposable or (self.phase_of.get(p.home) == "central") != central:
                continue
            if (asked and asked not in p.subjects) or (role and p.role != role):
                continue
            external = before + p.degree
            dependency = max(top_now, p.degree) / external if external else None
            reached = now + p.schools
            fit = self._fit(p, there, asked, taught)
            score = fit.points - p.penalty
            new = max(reached - now, 0)
            scored.append(Scored(rank_key(new, external, before, score, dependency, person), person, p.home,
                                 (new, reached, external, dependency), fit, score))
        return scored

    def _fit(self, p: _Figures, there: str | None, asked: str | None, taught: KeysView[str]) -> Fit:
        """`Planner.fit` of a person from another island (the target's subjects taught are `taught`)."""
        home = self.phase_of.get(p.home)
        phase = ("same" if home == there else "central" if home == "central" else
                 "close" if frozenset((home, there)) in NEIGHBOUR_PHASES else "other")
        shared: tuple[str, ...]
        if asked:
            shared = (asked,) if asked in p.taught else ()
        else:
            shared = () if phase == "central" else tuple(s for s in p.taught if s in taught)
        return Fit(phase, shared, home or "", there or "")

