"""Whether a tie still holds on a snapshot's date: a survey answer is the respondent's whole report of their ties,
so a tie they reported ends when they answer a later round without it, and is kept, unconfirmed, when they did not
answer the snapshot's round. A tie not reported in a survey answer (a loaded file's) lasts the tie window.

A tie observation belongs to the first survey answer its source gave on or after the day it was observed, when
it was observed within that answer's round (from the round's first answer on: a closed round observes each name
on the day it was submitted; a loaded respondents file dates the answers). Any other observation (before the
round, after its source's last answer, undated, or from someone who never answered) is a loaded tie. For each
(source, target, kind), its latest observation within the window decides (netmap.graphs.latest_observations);
docs/metrics.md, "When a tie ends"."""

from __future__ import annotations

import bisect
from collections.abc import Hashable

import pandas as pd

__all__ = ["TIE_STATUSES", "answers_by_person", "tie_statuses"]

# loaded: not from a survey answer (the window alone ends it); confirmed: reported in the snapshot's round;
# unconfirmed: reported in an earlier round whose reporter did not answer the snapshot's; ended: the reporter
# answered a later round without naming it again
TIE_STATUSES = ("loaded", "confirmed", "unconfirmed", "ended")


def answers_by_person(respondents: pd.DataFrame, as_of: str) -> dict[Hashable, list[tuple[str, str]]]:
    """Each person's survey answers on or before `as_of`: (day, round) in date order."""
    answered = respondents["responded_on"].fillna("")
    rows = respondents[(answered != "") & (answered <= as_of)]
    found: dict[Hashable, list[tuple[str, str]]] = {}
    for person, day, round_ in zip(rows["staff_id"], rows["responded_on"], rows["round"].fillna(""), strict=True):
        found.setdefault(person, []).append((str(day), str(round_)))
    for answers in found.values():
        answers.sort()
    return found


def tie_statuses(ties: pd.DataFrame, respondents: pd.DataFrame, as_of: str, current_round: str | None
                 ) -> pd.Series:
    """The status (TIE_STATUSES) of each row of `ties` (one observation per (source, target, kind), within the
    window), read against the survey answers in `respondents` given by `as_of`; `current_round` is the
    snapshot's round (netmap.graphs.survey_round), None when no round counts."""
    answers = answers_by_person(respondents, as_of)
    days = {person: [day for day, _round in given] for person, given in answers.items()}
    opened: dict[str, str] = {}  # each round's first answer
    for person_answers in answers.values():
        for day, round_ in person_answers:
            opened[round_] = min(day, opened.get(round_, day))
    statuses = []
    for source, observed in zip(ties["source_staff_id"], ties["observed_on"], strict=True):
        given = answers.get(source, [])
        if not given or observed is None or pd.isna(observed):
            statuses.append("loaded")
            continue
        k = bisect.bisect_left(days[source], str(observed))  # the first answer on or after the observation
        if k == len(given) or str(observed) < opened[given[k][1]]:
            statuses.append("loaded")
        elif k < len(given) - 1:
            statuses.append("ended")  # answered again later, without naming them
        else:
            statuses.append("confirmed" if given[k][1] == current_round else "unconfirmed")
    return pd.Series(statuses, index=ties.index, dtype=object)
