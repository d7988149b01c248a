"""One person's rows in a dataset, and a dataset without some people: what export, erasure and objection
(exclusion from analysis) share.

A person appears in a snapshot through their staff id in these columns (netmap.contract): their staff row, their
memberships, their secondments, the survey respondents table, and ties at either end. Nothing else in the data
contract refers to a person (a trust's own extra columns are kept as given: one naming other staff is the trust's to
clear, see docs/data-subject-rights.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pandas as pd

from netmap.dataset import Dataset

__all__ = ["PERSON_COLUMNS", "Person", "mentions", "person_from_rows", "rows_of", "table_without", "without_people"]

PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff": ("staff_id",),
    "memberships": ("staff_id",),
    "collaborations": ("source_staff_id", "target_staff_id"),
    "secondments": ("staff_id",),
    "respondents": ("staff_id",),
}


@dataclass(frozen=True)
class Person:
    """Whom a rights request is about: their staff id, and every name and email address they were held under
    in any snapshot (what finds them in free text elsewhere: the audit log, the users file)."""

    staff_id: str
    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


def person_from_rows(staff_id: str, staff_rows: Iterable[pd.DataFrame]) -> Person:
    """The Person with `staff_id`, with the names and email addresses of their staff rows (the `name` column
    and any column of the trust's own whose name mentions mail, e.g. `email`)."""
    names: set[str] = set()
    emails: set[str] = set()
    for frame in staff_rows:
        names.update(str(n).strip() for n in frame["name"].dropna() if str(n).strip())
        for column in (c for c in frame.columns if "mail" in str(c).lower()):
            emails.update(str(e).strip() for e in frame[column].dropna() if "@" in str(e))
    return Person(staff_id, tuple(sorted(names)), tuple(sorted(emails)))


def _naming(name: str, frame: pd.DataFrame, staff_ids: Collection[str]) -> pd.Series:
    """True for each row of table `name` that refers to one of `staff_ids`."""
    columns = PERSON_COLUMNS.get(name, ())
    if not columns or frame.empty:
        return pd.Series(False, index=frame.index)
    return frame[list(columns)].astype(str).isin(set(staff_ids)).any(axis=1)


def table_without(name: str, frame: pd.DataFrame, staff_ids: Collection[str]) -> pd.DataFrame:
    """Table `name` without the rows that refer to any of `staff_ids` (the frame itself when none does, so an
    untouched table keeps its content hash)."""
    if not staff_ids:
        return frame
    naming = _naming(name, frame, staff_ids)
    return frame[~naming].reset_index(drop=True) if naming.any() else frame


def without_people(dataset: Dataset, staff_ids: Collection[str]) -> Dataset:
    """`dataset` without every row that refers to any of `staff_ids`: their staff rows, memberships,
    secondments, survey responses and every tie to or from them. The dataset itself when none is in it."""
    if not staff_ids or not mentions(dataset, staff_ids):
        return dataset
    return Dataset.from_tables({name: table_without(name, frame, staff_ids) for name, frame in dataset.tables()})


def mentions(dataset: Dataset, staff_ids: Collection[str]) -> bool:
    """Whether any row of `dataset` refers to one of `staff_ids`."""
    return any(_naming(name, frame, staff_ids).any() for name, frame in dataset.tables())


def rows_of(dataset: Dataset, staff_id: str) -> dict[str, pd.DataFrame]:
    """The rows of each table that refer to `staff_id` (tables with none left out)."""
    found = {}
    for name, frame in dataset.tables():
        naming = _naming(name, frame, [staff_id])
        if naming.any():
            found[name] = frame[naming].reset_index(drop=True)
    return found
