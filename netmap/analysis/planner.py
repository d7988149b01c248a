"""HR's planner: who to second where, whom to introduce to a disconnected colleague, and who the trust can least
afford to lose. Candidates are scored incrementally (their ties and the target school only), so a whole trust
is ranked in well under a second; the what-if engine gives the same numbers for any one of them (tested). The
score (fit, less what the home school can least spare) is documented in docs/secondments.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import NamedTuple

import networkx as nx
import pandas as pd

from netmap.analysis.availability import unavailable_for_secondment
from netmap.analysis.brokerage import ROLES as BROKER_ROLES
from netmap.analysis.columns import columns_of
from netmap.analysis.engine import Analysis
from netmap.analysis.school_ties import SchoolTies
from netmap.analysis.whatif import Change, Leave, Second, WhatIf
from netmap.contract import subject_key
from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs, active_memberships, active_secondments

LEAVER_RISK_COLUMNS = columns_of("leaver_risk")
CROSS_SCHOOL_BROKERAGE = tuple(f"broker_{r}" for r in BROKER_ROLES if r != "coordinator")

__all__ = ["FIT_LEVELS", "HOME_PRIORITY_COST", "NEIGHBOUR_PHASES", "PER_HOME_SCHOOL", "PHASE_POINTS", "SOLE_COST",
           "SUBJECT_POINTS",
           "Candidate", "Fit", "HomeCost", "Introduction", "Planner", "Scored", "Understudy", "choose", "rank_key"]


# Phases close enough that a secondee's practice carries over (an all-through school has both primary and
# secondary classes; alternative provision and special schools share much of their work). Nursery and primary,
# or special and primary, are not: their staff work differently (the issue that asked for fit named both).
NEIGHBOUR_PHASES = frozenset({frozenset(p) for p in (("all-through", "primary"), ("all-through", "secondary"),
                                                     ("all-through", "post-16"), ("secondary", "post-16"),
                                                     ("special", "alternative-provision"))})
FIT_LEVELS = ("poor", "partial", "good")  # worst first: the index is the level
# The score a candidate is ranked by (docs/secondments.md): fit points less what their home school can least spare.
PHASE_POINTS = {"same": 2, "close": 1, "central": 0, "other": 0}
SUBJECT_POINTS = 2
HOME_PRIORITY_COST = {"high": 2, "medium": 1}  # a school the trust rates in need keeps its people first
SOLE_COST = 2  # the home school's only teacher of a subject, or only person in their role
# At most this many candidates from one home school: the list offers a choice across schools (asking one school
# for several of its staff at once is another decision), rather than one school's staff filling it.
PER_HOME_SCHOOL = 2


@dataclass(frozen=True)
class Fit:
    """How well a person's phase and subjects suit a school: `phase` is same, close, central or other;
    `subjects` what they teach that the school's staff teach too (or the subject asked for)."""

    phase: str
    subjects: tuple[str, ...]
    home_phase: str
    target_phase: str

    @property
    def level(self) -> str:
        """good: same or close phase (or the central team) and a subject in common; partial: one of the two;
        poor: neither."""
        return FIT_LEVELS[(self.phase != "other") + bool(self.subjects)]

    @property
    def points(self) -> int:
        """Phase points (same 2, close 1, else 0) and SUBJECT_POINTS for a subject in common."""
        return PHASE_POINTS[self.phase] + SUBJECT_POINTS * bool(self.subjects)


@dataclass(frozen=True)
class HomeCost:
    """What the home school loses while the secondee is away: its ties to other schools before and after (the
    secondee keeps their ties, so colleagues' ties to them become links to the receiving school), the schools it
    reaches, its dependency on one person after, and expertise that leaves with them."""

    ties_before: int
    ties_after: int
    reached_before: int
    reached_after: int
    dependency_after: float | None
    colleagues: int                  # colleagues at home they work with, who lose them day to day
    sole_subjects: tuple[str, ...]   # subjects nobody else at home teaches
    sole_groups: tuple[str, ...]     # groups (names) in which they are the home school's only member
    ties_lost: int = 0               # the home school's own ties to other schools that leave with them
    schools_lost: int = 0            # schools the home school reaches only through them
    sole_role: str = ""              # their role, when nobody else at home holds it


@dataclass(frozen=True)
class Candidate:
    """A possible secondee for the target school: what the move would change there, how well they fit it,
    what their home school gives up, and the one-person dependencies it would create."""

    staff_id: str
    name: str
    from_school_id: str
    role: str
    category: str             # school (the trust's schools' staff) or central (the central team, ranked apart)
    score: int                # fit points less the home school's cost (docs/secondments.md)
    new_schools: int          # schools the target would reach that it does not reach now
    schools_reached_after: int
    external_ties_after: int
    dependency_after: float | None
    fit: str                  # good, partial or poor (Fit.level)
    phase_fit: str            # same, close, central or other
    subject_fit: str          # ;-joined subjects in common
    home_ties_before: int
    home_ties_after: int
    home_reached_before: int
    home_reached_after: int
    home_ties_lost: int       # the home school's own ties to other schools that leave with them
    home_schools_lost: int    # schools it reaches only through them
    home_cost: str            # the home school's loss, in words
    dependency_flags: str     # one-person dependencies the move creates or leaves, in words ("" if none)
    reason: str


@dataclass(frozen=True)
class Introduction:
    staff_id: str
    name: str
    school_id: str
    shares: str
    schools_reached: int
    reason: str


@dataclass(frozen=True)
class Understudy:
    """A colleague of a key connector who could carry their links to other schools: someone who already works
    with some of the connector's outside contacts, or shares a subject or group with them."""

    staff_id: str
    name: str
    knows: int        # of the connector's outside contacts they already collaborate with
    could_meet: int   # more of those contacts who share a subject or group with them
    contacts: int     # the connector's outside contacts
    schools_reached: int
    reason: str


class Scored(NamedTuple):
    """A possible secondee as `Planner.scored` finds them: the key they are ranked by, who they are, their school,
    what the target has after the move (new schools, schools reached, external ties, dependency), fit and score."""

    key: tuple[bool, int, int, int, float, str]
    person: Hashable
    home: str
    after: tuple[int, int, int, float | None]
    fit: Fit
    score: int


def rank_key(new: int, external: int, before: int, score: int, dependency: float | None,
             person: Hashable) -> tuple[bool, int, int, int, float, str]:
    """How `recommend` ranks a candidate, first first: those who bring the target new links, then the highest
    score, the most new schools, the most external ties, the lowest dependency on one person, then by id."""
    return (new == 0 and external <= before, -score, -new, -external,
            dependency if dependency is not None else 1.0, str(person))


def choose(scored: list[Scored], top: int, central: bool) -> list[Scored]:
    """The first `top` of `scored` by rank, at most PER_HOME_SCHOOL from any one school (the central team's list
    is theirs alone)."""
    chosen: list[Scored] = []
    asked: Counter[str] = Counter()
    for s in sorted(scored, key=lambda s: s.key):
        if len(chosen) == top:
            break
        if central or asked[s.home] < PER_HOME_SCHOOL:
            asked[s.home] += 1
            chosen.append(s)
    return chosen


class Planner:
    """Recommendations over one analysed snapshot."""

    def __init__(self, graphs: TrustGraphs, analysis: Analysis) -> None:
        self.graphs, self.analysis = graphs, analysis
        self.undirected = graphs.undirected
        self.school_of = graphs.school_of
        self.subjects = {p: {subject_key(x) for x in s}
                         for p, s in nx.get_node_attributes(graphs.soft, "subjects").items()}
        self.role = nx.get_node_attributes(graphs.soft, "role")
        dataset = graphs.dataset
        self.names = dict(zip(dataset.staff["staff_id"], dataset.staff["name"].fillna(dataset.staff["staff_id"]),
                              strict=True))
        self.school_names = dict(zip(dataset.schools["school_id"], dataset.schools["name"], strict=True))
        self.group_names = dict(zip(dataset.groups["group_id"], dataset.groups["name"], strict=True))
        members = active_memberships(dataset, graphs.as_of)
        self.groups_of = graphs.groups_of
        self.leads: dict[Hashable, list[str]] = defaultdict(list)
        for person, gid, role in zip(members["staff_id"], members["group_id"], members["role"], strict=True):
            if role == "lead":
                self.leads[person].append(gid)
        self.schools = analysis.schools.set_index("school_id")
        self.ties = SchoolTies(self.undirected.edges(), self.school_of)
        self.held, self.reach = self.ties.held, self.ties.reach  # school -> person / other school -> ties
        self.already_seconded = set(active_secondments(dataset, graphs.as_of)["staff_id"])
        # seconded now, due to start a secondment or leaving: not proposed; a later leaving date: flagged
        self.unavailable = unavailable_for_secondment(dataset, graphs.as_of, self.school_names)
        self.phase_of = dict(zip(dataset.schools["school_id"], dataset.schools["phase"], strict=True))
        self.priority_of = {s: p if isinstance(p, str) else ""
                            for s, p in zip(dataset.schools["school_id"], dataset.schools["priority"], strict=True)}
        self.key_share = float(analysis.summary["options"]["key_connector_share"])
        self.taught: dict[str, Counter[str]] = defaultdict(Counter)  # school -> subject -> people teaching it
        self.members_at: dict[str, Counter[str]] = defaultdict(Counter)  # school -> group -> members there
        self.roles_at: dict[str, Counter[str]] = defaultdict(Counter)  # school -> role -> people in it there
        self._dependencies: dict[str, float | None] = {}
        self._penalties: dict[Hashable, int] = {}
        for person, school in self.school_of.items():
            self.taught[school].update(self.subjects.get(person, ()))
            self.members_at[school].update(self.groups_of.get(person, ()))
            self.roles_at[school][self.role.get(person, "")] += 1

    # ---- secondments -----------------------------------------------------------------------------------
    def recommend(self, school_id: str, *, subject: str | None = None, role: str | None = None,
                  top: int = 10, central: bool = False) -> list[Candidate]:
        """People ranked for a secondment to `school_id` (docs/secondments.md): staff of the trust's schools, or
        with `central` the central team, who are ranked apart (they work across phases, and their specialisms
        are no subject fit unless asked for). Those who would bring the target new links come first; then the
        highest score (fit points less the home school's priority and sole-subject or sole-role cost); then what
        they add: new schools reached, more external ties, a lower dependency on one person; at most
        PER_HOME_SCHOOL from any one school (the central team's list is theirs alone). Nobody seconded now, due
        to start a secondment or leaving within a term is proposed."""
        chosen = choose(self.scored(school_id, subject=subject, role=role, central=central), top, central)
        return [self.describe(s, school_id) for s in chosen]

    def scored(self, school_id: str, *, subject: str | None = None, role: str | None = None,
               central: bool = False) -> list[Scored]:
        """Everyone `recommend` may propose for `school_id` among this planner's people, each with the key they
        are ranked by (`choose` sorts and picks). Each key depends only on the person's own ties and school and
        on the target's, so the keys of a planner over one island are those of the whole snapshot's planner."""
        if school_id not in self.schools.index:
            raise AnalysisError(f"{school_id!r} is not a school in this snapshot.")
        before = sum(self.reach[school_id].values())
        now = sum(1 for v in self.reach[school_id].values() if v > 0)
        scored = []  # everyone is scored from their own ties; only the top few are then described in full
        for person, home in self.school_of.items():
            if home == school_id or (self.phase_of.get(home) == "central") != central:
                continue
            if person in self.already_seconded or (person in self.unavailable and self.unavailable[person].excluded):
                continue
            if subject and subject_key(subject) not in self.subjects.get(person, ()):
                continue
            if role and self.role.get(person) != role:
                continue
            if self._home_would_lose_its_connection(person, home):
                continue
            reached, external, dependency = self.after_move(person, school_id)
            fit = self.fit(person, school_id, subject)
            score = fit.points - self._home_penalty(person, home)
            new = max(reached - now, 0)
            scored.append(Scored(rank_key(new, external, before, score, dependency, person), person, home,
                                 (new, reached, external, dependency), fit, score))
        return scored

    def _sole(self, person: Hashable, home: str) -> tuple[tuple[str, ...], str]:
        """(subjects nobody else at `home` teaches, their role if nobody else there holds it, else "")."""
        subjects = tuple(sorted(s for s in self.subjects.get(person, set()) - {"primary"} if self.taught[home][s] == 1))
        role = self.role.get(person, "")
        return subjects, role if role and self.roles_at[home][role] == 1 else ""

    def _home_penalty(self, person: Hashable, home: str) -> int:
        """What the home school can least spare, in points: its priority (high 2, medium 1) and SOLE_COST when
        the person is its only teacher of a subject or only holder of their role."""
        if person not in self._penalties:  # the same whatever the target: worked out once per person
            subjects, role = self._sole(person, home)
            self._penalties[person] = (HOME_PRIORITY_COST.get(self.priority_of.get(home, ""), 0)
                                       + SOLE_COST * bool(subjects or role))
        return self._penalties[person]

    def fit(self, person: Hashable, target: str, subject: str | None = None) -> Fit:
        """How well `person` suits `target`: phase (their school's against the target's) and the subjects they
        teach that someone at the target teaches too (or `subject`, when asked for, which they teach)."""
        home, there = self.phase_of.get(self.school_of[person]), self.phase_of.get(target)
        phase = ("same" if home == there else "central" if home == "central" else
                 "close" if frozenset((home, there)) in NEIGHBOUR_PHASES else "other")
        mine = self.subjects.get(person, set()) - {"primary"}  # "primary" says the phase, not a subject
        if subject:
            shared = {subject_key(subject)} & mine
        else:  # the central team's specialisms (finance, data) are no subject fit for a school's own need
            shared = set() if phase == "central" else mine & self.taught[target].keys()
        return Fit(phase, tuple(sorted(shared)), home or "", there or "")

    def home_cost(self, person: Hashable, target: str) -> HomeCost:
        """What `person`'s school gives up while they are seconded to `target` (see HomeCost); the same numbers as
        the what-if engine's for the home school (tested)."""
        home = self.school_of[person]
        reach, held = Counter(self.reach[home]), Counter(self.held[home])
        colleagues = lost = 0
        for n in self.undirected[person]:
            other = self.school_of[n]
            if other == home:   # a colleague's tie to them now leads out of the school
                colleagues += 1
                reach[target] += 1
                held[person] += 1
                held[n] += 1
            else:               # their outside tie leaves with them
                lost += 1
                reach[other] -= 1
                held[person] -= 1
                held[n] -= 1
        external = sum(v for v in reach.values() if v > 0)
        top = max((v for v in held.values() if v > 0), default=0)
        sole_subjects, sole_role = self._sole(person, home)
        sole_groups = tuple(sorted(self.group_names.get(g, g) for g in self.groups_of.get(person, ())
                                   if self.members_at[home][g] == 1))
        # schools the home school reaches only through them (a colleague's bridge to the target is no such school)
        schools_lost = sum(1 for s, v in self.reach[home].items()
                           if v > 0 and s != home and reach[s] - (colleagues if s == target else 0) <= 0)
        return HomeCost(self.ties.external[home], external, self.ties.schools_reached(home),
                        sum(1 for s, v in reach.items() if v > 0 and s != home), top / external if external else None,
                        colleagues, sole_subjects, sole_groups, lost, schools_lost, sole_role)

    def _home_would_lose_its_connection(self, person: Hashable, home: str) -> bool:
        """True when `person` holds every one of their school's ties to other schools (its only connector)."""
        external = self.ties.external[home]
        return external > 0 and self.held[home][person] == external

    def after_move(self, person: Hashable, target: str) -> tuple[int, int, float | None]:
        """(schools reached, external ties, dependency) of `target` with `person` seconded into it.

        The ties the secondment model adds join the secondee to target colleagues: inside the target, so they
        change none of these; what changes is where the secondee's own ties now lead from.
        """
        reach = Counter(self.reach[target])
        held = Counter(self.held[target])
        for n in self.undirected[person]:
            other = self.school_of[n]
            if other == target:  # a tie into the target becomes internal
                reach[self.school_of[person]] -= 1
                held[person] -= 1
                held[n] -= 1
            else:                # any other tie becomes the target's
                reach[other] += 1
                held[person] += 1
                held[n] += 1
        external = sum(v for v in reach.values() if v > 0)
        reached = sum(1 for s, v in reach.items() if v > 0 and s != target)
        top = max((v for v in held.values() if v > 0), default=0)
        return reached, external, (top / external if external else None)

    def describe(self, scored: Scored, target: str, there: Planner | None = None) -> Candidate:
        """A scored person described in full: why, the home school's loss, the dependencies the move makes. This
        planner holds their home school; `there` the target (default: this one too), so that a person from
        another island is described by their island's planner and the target's (Snapshot.recommend)."""
        there = there or self
        person, home, fit, score = scored.person, scored.home, scored.fit, scored.score
        new, reached, external, dependency = scored.after
        name = self.names.get(person, str(person))
        cost = self.home_cost(person, target)
        category = "central" if fit.phase == "central" else "school"
        target_name = there.school_names.get(target, target)
        return Candidate(str(person), name, home, self.role.get(person, ""), category, score, new, reached, external,
                         dependency, fit.level, fit.phase, ";".join(fit.subjects), cost.ties_before, cost.ties_after,
                         cost.reached_before, cost.reached_after, cost.ties_lost, cost.schools_lost,
                         self._cost_words(cost, home, target_name),
                         self._dependency_words(person, there.ties.external[target] > 0, target_name, dependency,
                                                cost, home),
                         self._reason(person, home, (target_name, sum(there.reach[target].values())), fit, cost,
                                      (new, external)))

    def _reason(self, person: Hashable, home: str, target: tuple[str, int], fit: Fit, cost: HomeCost,
                gain: tuple[int, int]) -> str:
        """Why they rank where they do, in one line an HR lead can defend: "Same phase, teaches maths, home
        school low priority, no sole-subject or sole-role risk; connects School P to 2 schools it has no ties
        with." (the score's terms, then what the move adds)."""
        parts = [self._fit_words(fit, person)]
        from_a_school = fit.phase != "central"  # the central team has no priority of its own
        if from_a_school:
            priority = self.priority_of.get(home, "")
            parts.append(f"home school {priority} priority" if priority else "home school priority not set")
        who = "teacher" if from_a_school else "specialist"
        sole = [f"sole {' and '.join(cost.sole_subjects)} {who}"] if cost.sole_subjects else []
        sole += [f"sole {cost.sole_role.replace('-', ' ')}"] if cost.sole_role else []
        if sole:
            parts.append(f"{' and '.join(sole)} {'at home' if from_a_school else 'in the central team'}")
        elif from_a_school:
            parts.append("no sole-subject or sole-role risk")
        new, external = gain
        target_name, before = target  # its name and its ties to other schools now
        if new:
            adds = f"connects {target_name} to {new} school{'s' if new != 1 else ''} it has no ties with"
        elif external > before:
            adds = f"adds {external - before} ties between {target_name} and other schools"
        else:
            adds = f"brings no new links to {target_name}"
        leads = [f"leads the {self.group_names.get(gid, gid)}" for gid in self.leads.get(person, [])[:1]]
        reason = "; ".join([", ".join(parts), adds, *leads]) + "."
        return reason[0].upper() + reason[1:]

    def _fit_words(self, fit: Fit, person: Hashable) -> str:
        """The fit, in words: "same phase, teaches maths", "close phase (all-through to primary), no subject in
        common", "central team, works across schools (finance)"."""
        home, there = fit.home_phase, fit.target_phase
        phase = {"same": "same phase", "close": f"close phase ({home} to {there})", "central": "central team",
                 "other": f"other phase ({home}, not {there})"}[fit.phase]
        if fit.subjects:
            return f"{phase}, teaches {' and '.join(fit.subjects)}"
        if fit.phase == "central":
            fields = sorted(self.subjects.get(person, set()))
            return f"{phase}, works across schools" + (f" ({', '.join(fields)})" if fields else "")
        return f"{phase}, no subject in common"

    def _dependency_now(self, school: str) -> float | None:
        """The school's dependency on one person today, worked out once per school (candidates share homes)."""
        if school not in self._dependencies:
            self._dependencies[school] = self.ties.dependency(school)
        return self._dependencies[school]

    def _cost_words(self, cost: HomeCost, home: str, target_name: str) -> str:
        """The home school's loss, in words that read as a loss: the person day to day, the ties to other schools
        that leave with them (and schools it reaches only through them), the expertise it has nobody else for;
        then, apart, the bridge their colleagues' ties make to the receiving school while they are away."""
        home_name = self.school_names.get(home, home)
        works = {0: "no colleague there works with them", 1: "1 colleague there works with them"}.get(
            cost.colleagues, f"{cost.colleagues} colleagues there work with them")
        parts = [f"{home_name} loses them day to day ({works})"]
        if cost.ties_lost:
            plural = "s" if cost.schools_lost != 1 else ""
            schools = f", and its only link{plural} to {cost.schools_lost} school{plural}" if cost.schools_lost else ""
            parts.append(f"loses {cost.ties_lost} of its {cost.ties_before} ties to other schools{schools}")
        else:
            parts.append("keeps all its ties to other schools")
        if cost.sole_subjects:
            parts.append(f"nobody else there teaches {', '.join(cost.sole_subjects)}")
        if cost.sole_role:
            parts.append(f"nobody else there is a {cost.sole_role.replace('-', ' ')}")
        if cost.sole_groups:
            parts.append(f"its only member of the {', '.join(cost.sole_groups)}")
        if cost.colleagues:
            parts.append(f"while they are away, colleagues' ties to them link it to {target_name}")
        return "; ".join(parts) + "."

    def _dependency_words(self, person: Hashable, linked: bool, target_name: str, dependency: float | None,
                          cost: HomeCost, home: str) -> str:
        """One-person dependencies the move creates or leaves: the target's links hanging on one person (for a
        target with links now: `linked`), the home school's, or expertise only the secondee held at home."""
        flags = []
        # an isolated target hangs on whoever goes, whoever it is: said once on the page, not on every candidate
        if dependency is not None and dependency >= self.key_share and linked:
            flags.append(f"{target_name}'s links to other schools would hang on one person ({dependency:.0%})")
        before = self._dependency_now(home)
        if cost.dependency_after is not None and cost.dependency_after >= self.key_share:
            created = before is None or before < self.key_share
            flags.append(f"{self.school_names.get(home, home)}'s links would {'come to' if created else 'still'} "
                         f"hang on one person ({cost.dependency_after:.0%})")
        if cost.sole_subjects:
            flags.append(f"{self.school_names.get(home, home)} would have no {', '.join(cost.sole_subjects)} teacher")
        notice = self.unavailable.get(str(person))
        if notice is not None and not notice.excluded:
            flags.append(f"{self.names.get(person, person)} {notice.reason}")
        return "; ".join(flags)

    def scenario_flags(self, result: WhatIf, changes: list[Change]) -> list[str]:
        """The one-person dependencies a what-if scenario creates or leaves, in words: schools whose links to
        other schools would hang on one person (their top holder at least key_connector_share), and subjects a
        school would be left with nobody to teach when its only teacher leaves or is seconded away."""
        flags = []
        for school in result.schools:
            before, after = result.before.dependency[school], result.after.dependency[school]
            if after is not None and after >= self.key_share:
                created = before is None or before < self.key_share
                flags.append(f"{self.school_names.get(school, school)}'s links to other schools would "
                             f"{'come to ' if created else 'still '}hang on one person ({after:.0%}).")
        gone: Counter[tuple[str, str]] = Counter()
        for change in changes:
            notice = self.unavailable.get(change.staff_id) if isinstance(change, Second) else None
            if isinstance(change, Second) and notice is not None and not notice.excluded:
                flags.append(f"{self.names.get(change.staff_id, change.staff_id)} {notice.reason}.")
            if isinstance(change, Leave | Second) and change.staff_id in self.school_of:
                home = self.school_of[change.staff_id]
                gone.update((home, s) for s in self.subjects.get(change.staff_id, set()) - {"primary"})
        for (home, subject), n in sorted(gone.items()):
            if n >= self.taught[home][subject]:
                flags.append(f"{self.school_names.get(home, home)} would have nobody left to teach {subject}.")
        return flags

    # ---- introductions ---------------------------------------------------------------------------------
    def introductions(self, staff_id: str, *, top: int = 5) -> list[Introduction]:
        """People at other schools in the colleague's subject or groups who would connect them best: those who
        share the most with them, then reach the most schools."""
        if staff_id not in self.school_of:
            raise AnalysisError(f"{staff_id!r} is not a member of staff in post in this snapshot.")
        home = self.school_of[staff_id]
        reached = self.analysis.staff.set_index("staff_id")["schools_reached"]
        offers = []
        for person, school in self.school_of.items():
            if school == home or person in self.undirected[staff_id]:
                continue
            subjects = (self.subjects.get(staff_id, set()) & self.subjects.get(person, set())) - {"primary"}
            groups = self.groups_of.get(staff_id, frozenset()) & self.groups_of.get(person, frozenset())
            if not subjects and not groups:
                continue
            shares = sorted(subjects) + sorted(self.group_names.get(g, g) for g in groups)
            offers.append((len(groups) + len(subjects), int(reached.get(person, 0)), str(person), shares, school))
        offers.sort(key=lambda o: (-o[0], -o[1], o[2]))
        return [Introduction(p, self.names.get(p, p), s, "; ".join(shares), r,
                             f"Shares {', '.join(shares)}; works at {self.school_names.get(s, s)} and is tied to "
                             f"{r} other school{'s' if r != 1 else ''}.")
                for _, r, p, shares, s in offers[:top]]

    def understudies(self, school_id: str, key_person: str, *, top: int = 5) -> list[Understudy]:
        """Who could carry `key_person`'s share of `school_id`'s links to other schools, should they leave:
        their colleagues (at the school they work at) ranked by how many of those links' other ends they already
        collaborate with, then by how many more share a subject or group with them (an introduction away), then
        by the schools they reach. Colleagues with neither are left out: nobody is an understudy by default."""
        if key_person not in self.school_of:
            raise AnalysisError(f"{key_person!r} is not a member of staff in post in this snapshot.")
        home = self.school_of[key_person]
        # the other ends of the links the school depends on: the key person's contacts outside the school, or,
        # for someone elsewhere (a central adviser), their contacts inside it
        contacts = {c for c in self.undirected[key_person] if
                    (self.school_of[c] != school_id if home == school_id else self.school_of[c] == school_id)}
        if not contacts:
            return []
        reached = self.analysis.staff.set_index("staff_id")["schools_reached"]
        offers = []
        for person, school in self.school_of.items():
            if school != home or person == key_person:
                continue
            knows = contacts & set(self.undirected[person])
            could_meet = {c for c in contacts - knows if
                          (self.subjects.get(person, set()) & self.subjects.get(c, set())) - {"primary"}
                          or self.groups_of.get(person, frozenset()) & self.groups_of.get(c, frozenset())}
            if knows or could_meet:
                offers.append((len(knows), len(could_meet), int(reached.get(person, 0)), str(person)))
        offers.sort(key=lambda o: (-o[0], -o[1], -o[2], o[3]))
        key_name = self.names.get(key_person, key_person)
        return [Understudy(p, self.names.get(p, p), k, m, len(contacts), r,
                           f"Already collaborates with {k} of {key_name}'s {len(contacts)} contacts that link the "
                           f"school; shares a subject or group with {m} more.")
                for k, m, r, p in offers[:top]]

    # ---- leaver risk -----------------------------------------------------------------------------------
    def leaver_risk(self) -> pd.DataFrame:
        """For every person: schools cut off from all others if they leave, cross-school ties lost, and the
        brokerage across schools they carry (two-step paths with an end in another school: every Gould-Fernandez
        role but coordinator, whose paths stay inside one school); ranked by schools cut off, then ties lost,
        then betweenness."""
        cut_off = self.ties.sole_connectors()
        staff = self.analysis.staff
        table = pd.DataFrame({
            "staff_id": staff["staff_id"],
            "school_id": staff["school_id"],
            "schools_cut_off": [";".join(sorted(cut_off.get(p, []))) for p in staff["staff_id"]],
            "number_cut_off": [len(cut_off.get(p, [])) for p in staff["staff_id"]],
            "external_ties_lost": staff["cross_school_ties"],
            "brokerage_lost": staff[list(CROSS_SCHOOL_BROKERAGE)].sum(axis=1),
            "betweenness": staff["betweenness"],
        })
        return table.sort_values(["number_cut_off", "external_ties_lost", "betweenness", "staff_id"],
                                 ascending=[False, False, False, True], ignore_index=True)[list(LEAVER_RISK_COLUMNS)]
