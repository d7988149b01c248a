"""Per-school tie counts on U: ties inside and out, the schools reached, and who holds the outside ties.

One definition shared by the school table, the what-if engine and the planner, so "external ties", "schools
reached" and "dependency" mean the same everywhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping

__all__ = ["SchoolTies"]


class SchoolTies:
    """Counts over the edges of U (pairs of people) with each person's school.

    internal[s]: ties with both ends at s. external[s]: ties with one end at s. reach[s][t]: ties between s and
    t. held[s][p]: external ties of s that person p is an end of (p may work elsewhere: a central adviser).
    """

    def __init__(self, edges: Iterable[tuple[Hashable, Hashable]], school_of: Mapping[Hashable, str]) -> None:
        self.internal: Counter[str] = Counter()
        self.external: Counter[str] = Counter()
        self.reach: dict[str, Counter[str]] = defaultdict(Counter)
        self.held: dict[str, Counter[Hashable]] = defaultdict(Counter)
        for a, b in edges:
            sa, sb = school_of[a], school_of[b]
            if sa == sb:
                self.internal[sa] += 1
                continue
            for s, other in ((sa, sb), (sb, sa)):
                self.external[s] += 1
                self.reach[s][other] += 1
                self.held[s][a] += 1
                self.held[s][b] += 1

    def schools_reached(self, school: str) -> int:
        """Other schools `school` has at least one tie with."""
        return sum(1 for n in self.reach[school].values() if n > 0)

    def holders(self, school: str) -> list[tuple[Hashable, int]]:
        """People holding `school`'s external ties, most first (ties by id)."""
        return sorted(((p, n) for p, n in self.held[school].items() if n > 0), key=lambda h: (-h[1], str(h[0])))

    def dependency(self, school: str) -> float | None:
        """Share of `school`'s external ties its top holder is an end of; None without external ties."""
        ranked = self.holders(school)
        return ranked[0][1] / self.external[school] if self.external[school] else None

    def key_connectors(self, school: str, share: float) -> list[str]:
        """People who are an end of at least `share` of `school`'s external ties, most first."""
        e = self.external[school]
        return [str(p) for p, n in self.holders(school) if n >= share * e] if e else []

    def sole_connectors(self) -> dict[Hashable, list[str]]:
        """Person -> schools all of whose external ties they hold (the school is cut off if they leave)."""
        cut: dict[Hashable, list[str]] = defaultdict(list)
        for school, held in self.held.items():
            for person, n in held.items():
                if n and n == self.external[school]:
                    cut[person].append(school)
        return cut
