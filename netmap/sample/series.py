"""A sample trust as a series of termly snapshots: the data a trust's systems would export at the end of each term
(schools joined by then, staff started by then, memberships begun by then, and nothing of what came later), one
folder per term, each loadable with `netmap load FOLDER --as-of DATE`, every column of the whole data kept.

The soft wiring comes from a simulated survey round each term (netmap.sample.rounds): collaborations.csv holds
every round's answers so far and respondents.csv who was asked and who answered, so that ties end, are kept
unconfirmed and begin as they would in a trust that re-surveys each term."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from netmap.graphs import joined_by
from netmap.sample.rounds import RoundModel, simulate_rounds

__all__ = ["write_series"]

_FILES = ("schools", "staff", "groups", "memberships", "collaborations", "secondments")


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False).replace("", None)


def _by(day: pd.Series, as_of: str) -> pd.Series:
    """Rows whose date is blank or on or before `as_of`."""
    return day.isna() | (day.fillna("") <= as_of)


def _unknown_after(frame: pd.DataFrame, column: str, as_of: str) -> pd.DataFrame:
    """An end date after `as_of` was not known then: blank."""
    return frame.assign(**{column: frame[column].where(_by(frame[column], as_of), None)})


def term_tables(tables: dict[str, pd.DataFrame], as_of: str) -> dict[str, pd.DataFrame]:
    """The tables as known on `as_of`."""
    schools = tables["schools"][joined_by(tables["schools"], as_of)]
    staff = tables["staff"]
    staff = _unknown_after(staff[_by(staff["started_on"], as_of) & staff["school_id"].isin(schools["school_id"])],
                           "left_on", as_of)
    people = set(staff["staff_id"])
    members = tables["memberships"]
    members = _unknown_after(members[_by(members["joined_on"], as_of) & members["staff_id"].isin(people)],
                             "left_on", as_of)
    groups = tables["groups"]
    launched_later = set(tables["memberships"]["group_id"]) - set(members["group_id"])  # no member yet
    groups = groups[~groups["group_id"].isin(launched_later)]
    ties = tables["collaborations"]
    ties = ties[_by(ties["observed_on"], as_of) & ties["source_staff_id"].isin(people)
                & ties["target_staff_id"].isin(people)]
    seconded = tables["secondments"]
    seconded = seconded[seconded["staff_id"].isin(people) & seconded["from_school_id"].isin(schools["school_id"])
                        & seconded["to_school_id"].isin(schools["school_id"])]
    return {"schools": schools, "staff": staff, "groups": groups, "memberships": members,
            "collaborations": ties, "secondments": seconded}


def write_series(full: Path, out: Path, term_ends: Sequence[str], model: RoundModel | None = None) -> list[Path]:
    """From a sample written whole in `full`, write `out`/DATE/ for each date of `term_ends` (the soft wiring
    from a survey round each term, simulated by `model`); returns the folders."""
    tables = {name: _read(full, name) for name in _FILES}
    terms = {as_of: term_tables(tables, as_of) for as_of in term_ends}
    rounds = simulate_rounds(tables["collaborations"], {t: frame["staff"] for t, frame in terms.items()},
                             model or RoundModel())
    folders = []
    for as_of, term in terms.items():
        folder = out / as_of
        folder.mkdir(parents=True, exist_ok=True)
        term.update(rounds[as_of])
        for name, frame in term.items():
            frame.to_csv(folder / f"{name}.csv", index=False)
        folders.append(folder)
    return folders
