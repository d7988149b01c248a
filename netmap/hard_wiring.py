"""H, the hard wiring, held as group memberships instead of person-to-person edges.

Two people in post are hard-linked when they share at least one active group. Listing those links as edges
grows with the square of group size (one 3,000-strong subject community is 4.5 million links), so H keeps who
is in which group, and answers every question about links from that: memory grows with memberships only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping

__all__ = ["HardWiring"]


class HardWiring:
    """Who belongs to which active group, and the hard links between people that this implies.

    Parameters
    ----------
    people : the people in post (the nodes of H), so that someone in no group is still part of it.
    memberships : (person, group) pairs; pairs naming someone not in `people` are ignored.

    Notes
    -----
    Counting links (`degree`, `number_of_links`, `links_between_schools`) walks each person's co-members:
    time grows with the sum over groups of size squared, memory only with the largest co-member set.
    """

    def __init__(self, people: Iterable[Hashable], memberships: Iterable[tuple[Hashable, str]]) -> None:
        self._groups_of: dict[Hashable, set[str]] = {person: set() for person in people}
        self._members: dict[str, set[Hashable]] = {}
        for person, group in memberships:
            if person in self._groups_of:
                self._groups_of[person].add(group)
                self._members.setdefault(group, set()).add(person)

    def __contains__(self, person: object) -> bool:
        return person in self._groups_of

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._groups_of)

    def __len__(self) -> int:
        return len(self._groups_of)

    def groups_of(self, person: Hashable) -> frozenset[str]:
        """The active groups `person` belongs to."""
        return frozenset(self._groups_of[person])

    def members(self, group: str) -> frozenset[Hashable]:
        """The people in post in `group` (empty for a group nobody in post belongs to)."""
        return frozenset(self._members.get(group, ()))

    def shared_groups(self, a: Hashable, b: Hashable) -> int:
        """How many active groups `a` and `b` share (the weight of their hard link; 0 when unlinked)."""
        return len(self._groups_of[a] & self._groups_of[b])

    def co_members(self, person: Hashable) -> set[Hashable]:
        """Everyone sharing at least one group with `person`: their neighbours in H."""
        found: set[Hashable] = set()
        for group in self._groups_of[person]:
            found |= self._members[group]
        found.discard(person)
        return found

    def degree(self, person: Hashable) -> int:
        """Number of hard links of `person`."""
        return len(self.co_members(person))

    def links(self, people: Collection[Hashable] | None = None) -> Iterator[tuple[Hashable, Hashable, int]]:
        """(a, b, shared groups) for each hard link, once, with a < b; only among `people` when given.

        The result grows with the square of group size: use it for a selection being drawn, not for counting.
        """
        chosen = set(self._groups_of if people is None else people) & self._groups_of.keys()
        for a in sorted(chosen, key=str):
            for b in sorted((self.co_members(a) & chosen), key=str):
                if str(a) < str(b):
                    yield a, b, self.shared_groups(a, b)

    def number_of_links(self) -> int:
        """Number of pairs of people sharing at least one group."""
        return sum(self.degree(person) for person in self._groups_of if self._groups_of[person]) // 2

    def links_between_schools(self, school_of: Mapping[Hashable, str]) -> Counter[tuple[str, str]]:
        """Hard links per pair of different schools (school_a < school_b), each pair of people counted once."""
        counts: Counter[tuple[str, str]] = Counter()
        for a, groups in self._groups_of.items():
            if not groups:
                continue
            sa = school_of[a]
            for b in self.co_members(a):
                sb = school_of[b]
                if sa < sb:
                    counts[sa, sb] += 1
        return counts

    def cross_school_people(self, school_of: Mapping[Hashable, str]) -> set[Hashable]:
        """People sharing a group with someone at another school, found from each group's schools."""
        mixed = {group for group, members in self._members.items() if len({school_of[p] for p in members}) > 1}
        return {person for person, groups in self._groups_of.items() if not groups.isdisjoint(mixed)}

    def copy(self) -> HardWiring:
        """An independent copy, for what-if changes."""
        clone = HardWiring((), ())
        clone._groups_of = {person: set(groups) for person, groups in self._groups_of.items()}
        clone._members = {group: set(members) for group, members in self._members.items()}
        return clone

    def remove_person(self, person: Hashable) -> None:
        """Take `person` out of H and every group (a leaver)."""
        for group in self._groups_of.pop(person):
            self._members[group].discard(person)

    def add_membership(self, person: Hashable, group: str) -> None:
        """Put `person` (already in H) into `group`."""
        self._groups_of[person].add(group)
        self._members.setdefault(group, set()).add(person)
