"""The roster respondents choose colleagues from: everyone in post in the round's base snapshot, searched by any
part of any word of a name, in any case and with or without accents, with school and role beside each."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

import pandas as pd

__all__ = ["Roster", "RosterEntry", "folded"]


def folded(text: str) -> str:
    """Lower case without accents: "Zoë O'Brién" and "zoe o'brien" match."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


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
        self._keys = [folded(e.name) for e in self.entries]
        self.ids = frozenset(e.staff_id for e in self.entries)
        plain = [f"{e.name} ({e.school}, {e.role})" for e in self.entries]
        repeated = {label for label, count in Counter(plain).items() if count > 1}  # same name, school and role
        self.labels = {e.staff_id: label if label not in repeated else f"{label} [{e.staff_id}]"
                       for e, label in zip(self.entries, plain, strict=True)}
        self._by_label = {folded(label): person for person, label in self.labels.items()}

    def find(self, label: str) -> str | None:
        """The staff id a suggestion's label names (as offered, in any case), or None."""
        return self._by_label.get(folded(label.strip()))

    def search(self, text: str, school_id: str = "", limit: int = 20, exclude: str = "") -> list[RosterEntry]:
        """Up to `limit` people whose name holds every typed word (in any order), at `school_id` if given, never
        `exclude` (the respondent), in name order."""
        words = folded(text).split()
        if not words:
            return []
        found = []
        for entry, key in zip(self.entries, self._keys, strict=True):
            if all(w in key for w in words) and (not school_id or entry.school_id == school_id) \
                    and entry.staff_id != exclude:
                found.append(entry)
                if len(found) == limit:
                    break
        return found
