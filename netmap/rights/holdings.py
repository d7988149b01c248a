"""Everything a store holds about one person, gathered once for an export or an erasure: their rows in every
snapshot (read as written, exclusions ignored), their survey links and answer sheets in every round, the answers
of others that name them, and their exclusion from analysis if they objected."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from netmap.dataset import Dataset
from netmap.errors import RightsError
from netmap.rights.people import Person, person_from_rows, rows_of
from netmap.store.base import Exclusion, GraphStore, SnapshotInfo
from netmap.store.survey_records import AnswerSheet
from netmap.survey.answers import Nomination
from netmap.survey.links import Link

__all__ = ["Holdings", "SurveyHoldings", "find_holdings", "unknown_person"]


@dataclass(frozen=True)
class SurveyHoldings:
    """One round's records of the person: their links, their sheet, and the submitted answers of others that
    name them."""

    round_id: str
    links: list[Link]
    sheet: AnswerSheet
    named_by_others: list[Nomination]

    @property
    def holds_anything(self) -> bool:
        return bool(self.links or self.sheet.version or self.named_by_others)


@dataclass
class Holdings:
    """What one store holds about `person`: per snapshot (by id) their rows, the snapshots' own datasets (to
    name groups and schools, and to rewrite them without the person), survey records per round, and their
    exclusion."""

    person: Person
    snapshots: list[SnapshotInfo] = field(default_factory=list)
    rows: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    surveys: list[SurveyHoldings] = field(default_factory=list)
    exclusion: Exclusion | None = None

    @property
    def holds_anything(self) -> bool:
        return bool(self.snapshots or self.surveys or self.exclusion)


def find_holdings(store: GraphStore, staff_id: str) -> Holdings:
    """Every record of `staff_id` in `store` (an empty Holdings when there is none)."""
    snapshots: list[SnapshotInfo] = []
    rows: dict[str, dict[str, pd.DataFrame]] = {}
    datasets: dict[str, Dataset] = {}
    for info in store.list_snapshots():
        dataset = store.read_dataset(info.snapshot_id, with_excluded=True)
        found = rows_of(dataset, staff_id)
        if found:
            snapshots.append(info)
            rows[info.snapshot_id] = found
            datasets[info.snapshot_id] = dataset
    surveys = []
    for record in store.list_rounds():
        answers, _submitted = store.read_answers(record.round_id)
        held = SurveyHoldings(record.round_id,
                              [k for k in store.round_links(record.round_id) if k.staff_id == staff_id],
                              store.read_sheet(record.round_id, staff_id),
                              [n for n, _day in answers if n.target == staff_id and n.respondent != staff_id])
        if held.holds_anything:
            surveys.append(held)
    exclusion = next((e for e in store.excluded_people() if e.staff_id == staff_id), None)
    staff_rows = [found["staff"] for found in rows.values() if "staff" in found]
    return Holdings(person_from_rows(staff_id, staff_rows), snapshots, rows, datasets, surveys, exclusion)


def unknown_person(staff_id: str, where: str) -> RightsError:
    """The error for an id nobody holds: names the id and how to find the right one."""
    return RightsError(f"No one with staff id {staff_id!r} is held in {where}. Staff ids are case-sensitive; list "
                       "them with `netmap person list` (or `netmap person list --name TEXT` to find one by name).")
