"""Term over term: who joined, moved school, changed role and left between the last snapshot and the next one
an import would store, said before anything is stored so that the person loading can confirm or cancel."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["StaffChanges", "staff_changes"]

SHOWN = 10  # names listed per kind of change; the rest are counted


@dataclass(frozen=True)
class StaffChanges:
    """Staff ids by change, each sorted: joined, moved school (id, from, to), changed role (id, from, to), left."""

    joined: tuple[str, ...]
    moved: tuple[tuple[str, str, str], ...]
    role_changed: tuple[tuple[str, str, str], ...]
    left: tuple[str, ...]
    names: dict[str, str]

    @property
    def is_empty(self) -> bool:
        return not (self.joined or self.moved or self.role_changed or self.left)

    def lines(self) -> list[str]:
        """The summary a person reads before confirming: a line per kind of change, names listed up to SHOWN."""

        def line(label: str, entries: list[str]) -> str:
            shown = "; ".join(entries[:SHOWN]) + (f"; and {len(entries) - SHOWN} more" if len(entries) > SHOWN
                                                  else "")
            return f"{label}: {len(entries)}" + (f" ({shown})" if entries else "")

        def name(staff_id: str) -> str:
            return f"{self.names[staff_id]} [{staff_id}]" if self.names.get(staff_id) else staff_id

        out = [line("Joined", [name(i) for i in self.joined]),
               line("Moved school", [f"{name(i)} {a} -> {b}" for i, a, b in self.moved]),
               line("Changed role", [f"{name(i)} {a} -> {b}" for i, a, b in self.role_changed]),
               line("Left", [name(i) for i in self.left])]
        if self.left:
            out.append("Leavers stay in the map's history, and their netmap accounts close from their leaving day: "
                       "an account linked to their staff id or email is disabled at its next request.")
        return out


def _in_post(staff: pd.DataFrame, on: str) -> pd.DataFrame:
    return staff[staff["left_on"].isna() | (staff["left_on"].fillna("") > on)].set_index("staff_id")


def staff_changes(before: pd.DataFrame, after: pd.DataFrame, on: str) -> StaffChanges:
    """Who is in post on `on` in `after` and was not in `before` (joined), in post in both at another school
    (moved) or in another role (changed role), or in post in `before` and not in `after` (left). `before` and
    `after` are staff tables; names come from either."""
    was, now = _in_post(before, on), _in_post(after, on)
    both = sorted(set(was.index) & set(now.index))
    names = {str(k): str(v) for frame in (before, after) for k, v in zip(frame["staff_id"], frame["name"],
                                                                             strict=True) if v}
    return StaffChanges(
        joined=tuple(sorted(set(now.index) - set(was.index))),
        moved=tuple((i, str(was.at[i, "school_id"]), str(now.at[i, "school_id"])) for i in both
                    if was.at[i, "school_id"] != now.at[i, "school_id"]),
        role_changed=tuple((i, str(was.at[i, "role"]), str(now.at[i, "role"])) for i in both
                           if was.at[i, "role"] != now.at[i, "role"]),
        left=tuple(sorted(set(was.index) - set(now.index))),
        names=names)
