"""The roster respondents choose colleagues from: everyone in post in the round's base snapshot, with school and
role beside each, searched by netmap.naming's rules (every typed word begins a word of the name, in any order,
whatever the case, accents, apostrophes or hyphens) and bounded: nothing for fewer than MIN_TYPED letters, at
most a few people a search, so one link cannot page through the whole staff list."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from netmap.naming import NameIndex, folded, typed_words

__all__ = ["MIN_TYPED", "SHOWN", "Roster", "RosterEntry"]

# Two letters, not three: two-letter surnames (Li, Ng, Wu, Ho, Oh) are common, and a person so named must be
# offered when their whole surname is typed (whole words come first). Two letters begin about a tenth of names,
# and SHOWN bounds what one search reveals.
MIN_TYPED = 2
SHOWN = 8  # people a search offers: a screenful, enough to tell namesakes apart by school and role


@dataclass(frozen=True)
class RosterEntry:
    staff_id: str
    name: str
    school_id: str
    school: str
    role: str


class Roster:
    """Staff in post, searchable; built once per round, searched as a respondent types."""

    def __init__(self, staff: pd.DataFrame, school_names: dict[str, str]) -> None:
        """`staff`: staff_id, name, school_id, role of everyone in post."""
        self.entries = [RosterEntry(str(p), str(n or p), str(s), school_names.get(str(s), str(s)), str(r))
                        for p, n, s, r in zip(staff["staff_id"], staff["name"], staff["school_id"], staff["role"],
                                              strict=True)]
        self.entries.sort(key=lambda e: (folded(e.name), e.school, e.staff_id))
        self._index = NameIndex([e.name for e in self.entries])
        self.ids = frozenset(e.staff_id for e in self.entries)
        plain = [f"{e.name} ({e.school}, {e.role})" for e in self.entries]
        # same name, school and role, as find() reads a label: folded, so "Zoe" and "Zoë" are told apart too
        repeated = {label for label, count in Counter(map(folded, plain)).items() if count > 1}
        self.labels = {e.staff_id: label if folded(label) not in repeated else f"{label} [{e.staff_id}]"
                       for e, label in zip(self.entries, plain, strict=True)}
        self._by_label = {folded(label): person for person, label in self.labels.items()}

    def find(self, label: str) -> str | None:
        """The staff id a suggestion's label names (as offered, in any case), or None."""
        return self._by_label.get(folded(label.strip()))

    def search(self, text: str, school_id: str = "", limit: int = SHOWN, exclude: str = "") -> list[RosterEntry]:
        """Up to `limit` people matching `text` (netmap.naming), at `school_id` if given, never `exclude` (the
        respondent): whole names first, then in name order. Nothing until MIN_TYPED letters are typed."""
        if len("".join(typed_words(text))) < MIN_TYPED:
            return []
        entries = self.entries
        found = self._index.search(text, limit, lambda k: (not school_id or entries[k].school_id == school_id)
                                   and entries[k].staff_id != exclude)
        return [entries[k] for k in found]
