"""Who may be seconded on a snapshot's date: people already on a secondment, due to start one, or about to leave
the trust are not proposed (and a what-if refuses them, saying why); people with a later leaving date are
flagged, since the secondment would end with their notice (docs/secondments.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netmap.dataset import Dataset
from netmap.graphs import active_staff, current_and_planned_secondments

__all__ = ["LEAVER_HORIZON_DAYS", "Unavailable", "unavailable_for_secondment"]

# Someone leaving within a term of the snapshot date is a leaver, not a secondee: a secondment would barely start.
# A leaving date further off is a notice period: they may go, but the secondment ends when they leave.
LEAVER_HORIZON_DAYS = 91


@dataclass(frozen=True)
class Unavailable:
    """Why a person in post is not proposed (`excluded`) or is proposed with a warning (a notice period)."""

    excluded: bool
    reason: str
    fix: str = ""  # how to plan around it, for a what-if that names them


def unavailable_for_secondment(dataset: Dataset, as_of: str,
                               school_names: dict[str, str] | None = None) -> dict[str, Unavailable]:
    """People in post on `as_of` who are seconded now, due to start a secondment, or have a leaving date, each with
    the reason in words ("due to start a secondment to School B on 2026-07-15")."""
    names = school_names or {}
    staff = active_staff(dataset, as_of)
    found: dict[str, Unavailable] = {}
    horizon = (dt.date.fromisoformat(as_of) + dt.timedelta(days=LEAVER_HORIZON_DAYS)).isoformat()
    for person, left_on in zip(staff["staff_id"], staff["left_on"], strict=True):
        if isinstance(left_on, str) and left_on:
            found[person] = (Unavailable(True, f"leaves the trust on {left_on}",
                                         "choose someone else, or clear their left_on in staff.csv if they stay")
                             if left_on <= horizon else
                             Unavailable(False, f"leaves the trust on {left_on} (notice given): the secondment "
                                                "would end then"))
    seconded = current_and_planned_secondments(dataset.secondments, dataset.staff, as_of)
    for row in seconded.itertuples():
        school = names.get(row.to_school_id, row.to_school_id)
        if row.status == "current":
            until = row.ends_on if isinstance(row.ends_on, str) else "further notice"
            found[row.staff_id] = Unavailable(True, f"is already seconded to {school} until {until}",
                                              "choose someone else, or end that secondment in secondments.csv")
        elif row.staff_id not in found or not found[row.staff_id].excluded:
            found[row.staff_id] = Unavailable(True, f"is due to start a secondment to {school} on {row.starts_on}",
                                              "choose someone else, or change that secondment in secondments.csv")
    return found
