"""An import planned but not stored (staff from an export, memberships from group lists): the next snapshot built
on the latest, what changes, and where it would go. The command line prints it and asks; the web shows it on a
confirm page. Nothing here writes to the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from netmap.contract import normalise_header
from netmap.dataset import Dataset
from netmap.errors import IngestError
from netmap.imports.carry import raw_tables
from netmap.imports.groups import GroupList, apply_group_lists, find_group, match_group_list
from netmap.imports.mapping import StaffMapping
from netmap.imports.staff import StaffExport, next_dataset, read_staff_export
from netmap.imports.term import StaffChanges, staff_changes
from netmap.ingest.report import ValidationReport
from netmap.ingest.validate import validate_tables
from netmap.store import GraphStore, SnapshotInfo
from netmap.store.base import describe_snapshot

__all__ = ["GroupImport", "StaffImport", "members_on", "placement", "plan_group_import", "plan_staff_import"]


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


@dataclass
class GroupImport:
    """What importing group lists would do: the snapshot it builds on, each list matched to staff, the new dataset
    (None when the report holds errors) and the members of each listed group before and after."""

    files: tuple[str, ...]
    base: SnapshotInfo
    as_of: str
    lists: list[GroupList]
    report: ValidationReport
    dataset: Dataset | None
    before: dict[str, set[str]]
    replace: str | None = None
    in_the_way: tuple[SnapshotInfo, ...] = ()

    @property
    def label(self) -> str:
        """The new snapshot's source, as `netmap snapshots` lists it."""
        return "group lists " + ", ".join(self.files)

    def changes(self) -> list[tuple[GroupList, set[str], set[str], set[str]]]:
        """Per list: the list, and its group's members after the import, those who join and those who leave."""
        if self.dataset is None:
            return []
        found = []
        for group in self.lists:
            before, after = self.before[group.group_id], members_on(self.dataset, group.group_id, self.as_of)
            found.append((group, after, after - before, before - after))
        return found

    def summary(self) -> list[str]:
        """One line per list (members, joined, left, unmatched), each followed by its unmatched lines."""
        lines = []
        for group, after, joined, left in self.changes():
            lines.append(f"{group.group_id}{' (new group)' if group.new_group else ''} from {group.file}: "
                         f"{len(after)} member(s); {len(joined)} joined, {len(left)} left, "
                         f"{len(group.unmatched)} line(s) unmatched.")
            lines += [f"  {line}" for line in group.unmatched_lines()]
        return lines


def members_on(dataset: Dataset, group_id: str, on: str) -> set[str]:
    """The staff ids in `group_id` on the day `on`."""
    m = dataset.memberships
    active = (m["group_id"] == group_id) & (m["left_on"].isna() | (m["left_on"].fillna("") > on))
    return set(m.loc[active, "staff_id"])


def plan_group_import(store: GraphStore, paths: list[Path], *, as_of: str, kind: str | None = None) -> GroupImport:
    """Match each group list at `paths` (one per group, named by the group's id or name; a list naming no group
    creates one of `kind`) to the latest snapshot's staff by email and build the next snapshot on it, dated
    `as_of`; every problem is in the result's report, IngestError for a list that cannot be read."""
    base = store.snapshot(None)
    if as_of < base.as_of:
        raise IngestError(f"The snapshot date {as_of} is before the latest snapshot ({base.as_of}); an import builds "
                          "the next snapshot on the latest. Give a later date.")
    previous = store.read_dataset(base.snapshot_id, with_excluded=True)
    lists = []
    for path in paths:
        group_id = find_group(path.stem, previous.groups)
        lists.append(match_group_list(group_id or normalise_header(path.stem).replace("_", "-"), path,
                                      previous.staff, new_group=group_id is None))
    report = ValidationReport(", ".join(p.name for p in paths))
    dataset = validate_tables(raw_tables(apply_group_lists(previous, lists, as_of, kind=kind),
                                         f"snapshot {base.snapshot_id}"), report)
    plan = GroupImport(tuple(p.name for p in paths), base, as_of, lists, report, dataset,
                       {g.group_id: members_on(previous, g.group_id, as_of) for g in lists})
    if dataset is not None:
        plan.replace, plan.in_the_way = placement(store, dataset, as_of, plan.label, base)
    return plan
