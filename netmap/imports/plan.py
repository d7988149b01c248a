"""A staff import planned but not stored: the next snapshot built on the latest, what changes, and where it would
go. The command line prints it and asks; the web shows it on a confirm page. Nothing here writes to the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netmap.dataset import Dataset
from netmap.errors import IngestError
from netmap.imports.mapping import StaffMapping
from netmap.imports.staff import StaffExport, next_dataset, read_staff_export
from netmap.imports.term import StaffChanges, staff_changes
from netmap.ingest.report import ValidationReport
from netmap.store import GraphStore, SnapshotInfo
from netmap.store.base import describe_snapshot

__all__ = ["StaffImport", "placement", "plan_staff_import"]


@dataclass
class StaffImport:
    """What importing an export would do: the snapshot it builds on, the new dataset (None when the report holds
    errors), the changes, and the snapshot it would replace (the base, when it has the same date)."""

    file: str
    mapping: StaffMapping
    base: SnapshotInfo
    as_of: str
    report: ValidationReport
    exported: StaffExport | None
    dataset: Dataset | None
    changes: StaffChanges | None
    replace: str | None = None
    in_the_way: tuple[SnapshotInfo, ...] = ()

    @property
    def label(self) -> str:
        """The new snapshot's source, as `netmap snapshots` lists it."""
        return f"staff export {self.file} (mapping {self.mapping.name})"

    def summary(self) -> list[str]:
        """What a person reads before confirming: columns dropped, the changes, the snapshot replaced."""
        if self.exported is None or self.changes is None:
            return []
        lines = [self.exported.dropped_note(), f"Staff from {self.file} through mapping {self.mapping.name}, "
                 f"compared with snapshot {self.base.snapshot_id}:", *(f"  {line}" for line in self.changes.lines())]
        if self.replace:
            lines.append(f"It replaces snapshot {describe_snapshot(self.base)}, which it was built on.")
        return lines


def placement(store: GraphStore, dataset: Dataset, as_of: str, label: str, base: SnapshotInfo
              ) -> tuple[str | None, tuple[SnapshotInfo, ...]]:
    """Where an import's snapshot goes: (the snapshot it replaces, the snapshots in its way). It replaces `base`
    when that is the one snapshot on its date (it was built on it); other snapshots on the date are in its way."""
    in_the_way = store.snapshots_in_the_way(dataset, as_of, label)
    if [s.snapshot_id for s in in_the_way] == [base.snapshot_id]:
        return base.snapshot_id, ()
    return None, tuple(in_the_way)


def plan_staff_import(store: GraphStore, path: Path, mapping: StaffMapping, *, as_of: str,
                      school: str | None = None) -> StaffImport:
    """Read the export at `path` through `mapping` and build the next snapshot on the latest stored one, dated
    `as_of`; every problem is in the result's report."""
    base = store.snapshot(None)
    if as_of < base.as_of:
        raise IngestError(f"The snapshot date {as_of} is before the latest snapshot ({base.as_of}); an import builds "
                          "the next snapshot on the latest. Give a later date.", file=path.name)
    previous = store.read_dataset(base.snapshot_id, with_excluded=True)
    report = ValidationReport(path.name)
    exported = read_staff_export(path, mapping, previous.schools, report, school=school)
    dataset = None if exported is None else next_dataset(previous, f"snapshot {base.snapshot_id}", exported, as_of,
                                                          report)
    plan = StaffImport(path.name, mapping, base, as_of, report, exported, dataset,
                       None if dataset is None else staff_changes(previous.staff, dataset.staff, as_of))
    if dataset is not None:
        plan.replace, plan.in_the_way = placement(store, dataset, as_of, plan.label, base)
    return plan
