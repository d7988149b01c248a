"""Leavers lose access: whether the person behind an account has left the trust, and closing the account when so.

A person has left when the latest snapshot's staff.csv gives them a left_on on or before today, or HR's leavers
file (`netmap users leavers FILE`) does; the earlier day counts. Every request of an account linked to a staff id
asks (webapp.auth): the snapshot's leavers are read once per snapshot and kept, so a request costs one look at
the snapshot list and one at the users file, and a new load takes effect at the next request.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from flask import current_app

from netmap import clock
from netmap.store.base import SnapshotInfo
from webapp.accounts import Accounts, User
from webapp.data import get_store

__all__ = ["StaffStatus", "closed_reason", "staff_id_of_email", "staff_status"]

_lock = threading.Lock()
DERIVED_SOURCES = ("survey round ",)  # netmap.survey.service.close_round's source
CHALLENGE_SOURCE_END = "recorded from challenges"  # webapp.challenges' source


@dataclass(frozen=True)
class StaffStatus:
    """What netmap knows of one staff id: the day they leave or left (None: no leaving day known), and where
    that day comes from."""

    staff_id: str
    left_on: str | None
    source: str = ""

    def has_left(self, today: dt.date | None = None) -> bool:
        """True when the leaving day is today or earlier."""
        return self.left_on is not None and self.left_on <= (today or clock.today()).isoformat()


def staff_status(staff_id: str, accounts: Accounts) -> StaffStatus:
    """The leaving day of `staff_id` from the latest snapshot and HR's leavers file (the earlier of the two).
    For every way of signing in: an account signed in through the identity provider calls this with the staff id
    its email maps to."""
    known = []
    as_of, snapshot_leavers = _snapshot_leavers()
    if staff_id in snapshot_leavers:
        known.append((snapshot_leavers[staff_id], f"staff.csv of snapshot {as_of}"))
    from_file = accounts.leavers.left_on(staff_id)
    if from_file is not None:
        known.append((from_file, "HR's leavers file"))
    if not known:
        return StaffStatus(staff_id, None)
    left_on, source = min(known)
    return StaffStatus(staff_id, left_on, source)


def closed_reason(user: User, accounts: Accounts) -> str:
    """Why `user` may not use netmap ("" when they may). Closes the account of a person who has left, recording
    it in the audit log the first time it is noticed."""
    if user.disabled:
        return user.disabled
    if not user.staff_id:
        return ""
    status = staff_status(user.staff_id, accounts)
    if not status.has_left():
        return ""
    reason = f"left on {status.left_on}"
    if accounts.users.disable(user.name, reason):
        accounts.audit.record(user.name, "account disabled", f"{reason} (staff {user.staff_id}, {status.source})")
    return reason


def _latest_load(snapshots: list[SnapshotInfo]) -> SnapshotInfo | None:
    """The latest snapshot loaded from the trust's own data. A survey round's or a challenge's snapshot carries the
    staff of an older snapshot, so someone marked as left since would look in post there."""
    loads = [s for s in snapshots if not s.source.startswith(DERIVED_SOURCES)
             and not s.source.endswith(CHALLENGE_SOURCE_END)]
    return loads[-1] if loads else None


def _snapshot_leavers() -> tuple[str, Mapping[str, str]]:
    """The latest load's id and its staff with a left_on (staff id -> day), read once per snapshot."""
    store = get_store()
    latest = _latest_load(store.list_snapshots())
    if latest is None:
        return "", {}
    key = (latest.snapshot_id, latest.content_hash)
    with _lock:
        cached = current_app.extensions.get("netmap_leavers")
    if cached is not None and cached[0] == key:
        return latest.snapshot_id, cached[1]
    staff = store.read_table(latest.snapshot_id, "staff")
    left = {str(sid): str(day)[:10] for sid, day in zip(staff["staff_id"], staff["left_on"], strict=True)
            if not pd.isna(day) and str(day).strip()}
    with _lock:
        current_app.extensions["netmap_leavers"] = (key, left)
    return latest.snapshot_id, left


def staff_id_of_email(email: str) -> str | None:
    """The staff id whose `email` column (a column of the trust's own in staff.csv) in the latest snapshot is
    `email`, compared without case; None when there is no such column, no one or more than one. How an account
    signed in through the identity provider is linked to its person, so that it closes when they leave."""
    store = get_store()
    latest = _latest_load(store.list_snapshots())
    if latest is None or not email.strip():
        return None
    staff = store.read_table(latest.snapshot_id, "staff")
    if "email" not in staff.columns:
        return None
    wanted = email.strip().casefold()
    found = [str(sid) for sid, address in zip(staff["staff_id"], staff["email"], strict=True)
             if isinstance(address, str) and address.strip().casefold() == wanted]
    return found[0] if len(found) == 1 else None
