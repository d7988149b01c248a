"""Whether a tie still holds on a snapshot's date: a survey answer is the respondent's whole report of their ties
of the kinds its round asked about, so a tie they reported ends when they answer a later round that asked about its
kind without naming it again (answers on the same day, in two rounds, are one answer; a round whose kinds are not
known ends nothing), and is kept, unconfirmed, when they did not answer the snapshot's round or answered only
rounds that asked other kinds since. A tie not reported in a survey answer (a loaded file's) lasts the tie window.

A tie observation belongs to the first survey answer its source gave on or after the day it was observed, when
it was observed within that answer's round (from the round's first answer on: a closed round observes each name
on the day it was submitted; a loaded respondents file dates the answers). Any other observation (before the
round, after its source's last answer, undated, or from someone who never answered) is a loaded tie. For each
(source, target, kind), its latest observation within the window decides (netmap.graphs.latest_observations);
docs/metrics.md, "When a tie ends"."""

from __future__ import annotations

import bisect
from collections.abc import Hashable
from typing import NamedTuple

import pandas as pd

__all__ = ["TIE_STATUSES", "Answer", "answers_by_person", "tie_statuses"]

# loaded: not from a survey answer (the window alone ends it); confirmed: reported in the snapshot's round;
# unconfirmed: reported in an earlier round whose reporter did not answer the snapshot's; ended: the reporter
# answered a later round without naming it again
TIE_STATUSES = ("loaded", "confirmed", "unconfirmed", "ended")


class Answer(NamedTuple):
    """One survey answer: the day, the round's key (its id, else its title), its title, and the tie kinds it
    asked about (None: not known)."""

    day: str
    key: str
    title: str
    kinds: frozenset[str] | None


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].fillna("").astype(str) if name in frame.columns else pd.Series("", index=frame.index)


def answers_by_person(respondents: pd.DataFrame, as_of: str) -> dict[Hashable, list[Answer]]:
    """Each person's survey answers on or before `as_of`, in date order."""
    answered = respondents["responded_on"].fillna("")
    rows = respondents[(answered != "") & (answered <= as_of)]
    titles, ids, kinds = _column(rows, "round"), _column(rows, "round_id"), _column(rows, "kinds")
    found: dict[Hashable, list[Answer]] = {}
    for person, day, title, id_, asked in zip(rows["staff_id"], rows["responded_on"], titles, ids, kinds,
                                              strict=True):
        found.setdefault(person, []).append(
            Answer(str(day), id_ or title, title, frozenset(asked.split()) if asked.strip() else None))
    for answers in found.values():
        answers.sort(key=lambda a: (a.day, a.key))
    return found


def tie_statuses(ties: pd.DataFrame, respondents: pd.DataFrame, as_of: str, current_round: str | None
                 ) -> pd.Series:
    """The status (TIE_STATUSES) of each row of `ties` (one observation per (source, target, kind), within the
    window), read against the survey answers in `respondents` given by `as_of`; `current_round` is the
    snapshot's round title (netmap.graphs.survey_round), None when no round counts. Answers a person gave on the
    same day (in two rounds) are one answer; a later answer ends a tie only when its round asked about the tie's
    kind (rounds whose kinds are not known end nothing)."""
    answers = answers_by_person(respondents, as_of)
    days = {person: sorted({a.day for a in given}) for person, given in answers.items()}
    opened: dict[str, str] = {}  # each round's first answer
    for person_answers in answers.values():
        for answer in person_answers:
            opened[answer.key] = min(answer.day, opened.get(answer.key, answer.day))
    kinds = ties["kind"] if "kind" in ties.columns else pd.Series("", index=ties.index)
    statuses = []
    for source, observed, kind in zip(ties["source_staff_id"], ties["observed_on"], kinds, strict=True):
        given = answers.get(source, [])
        if not given or observed is None or pd.isna(observed):
            statuses.append("loaded")
            continue
        k = bisect.bisect_left(days[source], str(observed))  # the first answer day on or after the observation
        if k == len(days[source]):
            statuses.append("loaded")
            continue
        that_day = [a for a in given if a.day == days[source][k]]
        if str(observed) < min(opened[a.key] for a in that_day):
            statuses.append("loaded")
        elif any(a.day > days[source][k] and a.kinds is not None and str(kind) in a.kinds for a in given):
            statuses.append("ended")  # answered a later round that asked about this kind, without naming them
        elif any(a.day > days[source][k] for a in given):
            statuses.append("unconfirmed")  # answered later, but not about this kind (or kinds not known)
        else:
            statuses.append("confirmed" if any(a.title == current_round for a in that_day) else "unconfirmed")
    return pd.Series(statuses, index=ties.index, dtype=object)
