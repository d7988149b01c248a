"""HR's planner: who to second where, whom to introduce to a disconnected colleague, and who the trust can least
afford to lose. Candidates are scored incrementally (their ties and the target school only), so a whole trust
is ranked in well under a second; the what-if engine gives the same numbers for any one of them (tested).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from netmap.analysis.brokerage import ROLES as BROKER_ROLES
from netmap.analysis.columns import columns_of
from netmap.analysis.engine import Analysis
from netmap.analysis.school_ties import SchoolTies
from netmap.contract import subject_key
from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs, active_memberships, active_secondments

LEAVER_RISK_COLUMNS = columns_of("leaver_risk")
CROSS_SCHOOL_BROKERAGE = tuple(f"broker_{r}" for r in BROKER_ROLES if r != "coordinator")

__all__ = ["Candidate", "Introduction", "Planner", "Understudy"]


@dataclass(frozen=True)
class Candidate:
    """A possible secondee for the target school and what the move would change there."""

    staff_id: str
    name: str
    from_school_id: str
    role: str
    new_schools: int          # schools the target would reach that it does not reach now
    schools_reached_after: int
    external_ties_after: int
    dependency_after: float | None
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

    # ---- secondments -----------------------------------------------------------------------------------
    def recommend(self, school_id: str, *, subject: str | None = None, role: str | None = None,
                  top: int = 10) -> list[Candidate]:
        """People from other schools ranked by what seconding them to `school_id` adds to its connectivity:
        new schools reached, then more external ties, then a lower dependency on one person."""
        if school_id not in self.schools.index:
            raise AnalysisError(f"{school_id!r} is not a school in this snapshot.")
        candidates = []
        for person, home in self.school_of.items():
            if home == school_id or person in self.already_seconded:
                continue
            if subject and subject_key(subject) not in self.subjects.get(person, ()):
                continue
            if role and self.role.get(person) != role:
                continue
            if self._home_would_lose_its_connection(person, home):
                continue
            candidates.append(self._evaluate(person, home, school_id, subject))
        candidates.sort(key=lambda c: (-c.new_schools, -c.external_ties_after,
                                       c.dependency_after if c.dependency_after is not None else 1.0, c.staff_id))
        return candidates[:top]

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

    def _evaluate(self, person: Hashable, home: str, target: str, subject: str | None) -> Candidate:
        reached, external, dependency = self.after_move(person, target)
        now = {s for s, v in self.reach[target].items() if v > 0}
        new = reached - len(now) if reached > len(now) else 0
        name = self.names.get(person, str(person))
        target_name = self.school_names.get(target, target)
        parts = []
        if new:
            parts.append(f"Connects {target_name} to {new} school{'s' if new != 1 else ''} it has no ties with")
        elif external > sum(self.reach[target].values()):
            parts.append(f"Adds {external - sum(self.reach[target].values())} ties between {target_name} and "
                         "other schools")
        else:
            parts.append(f"Brings no new links to {target_name}")
        for gid in self.leads.get(person, [])[:1]:
            parts.append(f"leads the {self.group_names.get(gid, gid)}")
        if subject:
            parts.append(f"teaches {subject}")
        reason = "; ".join(parts) + "."
        return Candidate(str(person), name, home, self.role.get(person, ""), new, reached, external, dependency,
                         reason[0].upper() + reason[1:])

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
