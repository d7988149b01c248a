"""Exclusion from analysis (an objection, UK GDPR article 21): the person stays held, for the record of their
objection and of what was done, but every read of a snapshot leaves them out (GraphStore.read_dataset and
read_table drop their rows and every tie to or from them), so no analysis, map, table, download, survey roster or
new round includes them from then on. The kept analyses of the snapshots that hold them are dropped, to be
computed again without them. Withdrawing the objection (include) puts them back the same way.

Their ties are dropped from analysis in both directions: a tie they reported and a tie others reported about
them alike, so that the people they worked with are analysed as if the tie had not been reported (their centrality
and isolation flags can change; see docs/data-subject-rights.md).
"""

from __future__ import annotations

from netmap import clock
from netmap.rights.people import mentions
from netmap.store.base import Exclusion, GraphStore, SnapshotInfo

__all__ = ["exclude_person", "include_person", "snapshots_holding"]


def snapshots_holding(store: GraphStore, staff_id: str) -> list[SnapshotInfo]:
    """The snapshots whose data (as written, exclusions ignored) refer to `staff_id`."""
    return [info for info in store.list_snapshots()
            if mentions(store.read_dataset(info.snapshot_id, with_excluded=True), [staff_id])]


def exclude_person(store: GraphStore, staff_id: str, reason: str, held: list[SnapshotInfo]) -> Exclusion:
    """Record the objection of `staff_id` and drop the kept analyses of the snapshots `held` (those holding
    them); returns the exclusion as recorded."""
    exclusion = Exclusion(staff_id, reason, clock.now().isoformat(timespec="seconds"))
    store.exclude_person(exclusion)
    store.forget_analyses([info.snapshot_id for info in held])
    return exclusion


def include_person(store: GraphStore, staff_id: str, held: list[SnapshotInfo]) -> bool:
    """Withdraw the exclusion of `staff_id` and drop the kept analyses of the snapshots `held`; whether there was
    one."""
    was = store.include_person(staff_id)
    if was:
        store.forget_analyses([info.snapshot_id for info in held])
    return was
