"""The snapshot a closed round makes: everything carried over from the round's base snapshot, with the round's
answers added to its collaborations (source the respondent, target the person named, the question's tie kind,
the frequency as weight, observed on the day answered, the question's key and topic beside) and its respondents
(everyone the round asked, with the day they submitted, or blank) added to those of earlier rounds. The base's
ties stay: a tie its reporter did not name again in this round ends, one whose reporter did not answer is kept
unconfirmed, and a loaded one lasts the tie window (netmap.tie_status)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from netmap.dataset import Dataset
from netmap.graphs import active_staff, in_trust
from netmap.survey.answers import Nomination
from netmap.survey.rounds import RoundSpec

__all__ = ["asked_staff", "round_snapshot", "surveyed_staff"]


def surveyed_staff(base: Dataset, spec: RoundSpec) -> pd.DataFrame:
    """Who the round surveys: the base snapshot's staff in post on its date (schools that had joined by then)."""
    return active_staff(in_trust(base, spec.base_as_of), spec.base_as_of)


def asked_staff(base: Dataset, spec: RoundSpec) -> pd.DataFrame:
    """Whom the round asks (and sends links to): its surveyed staff, of its schools when it has them (a network
    lead's round). Anyone surveyed may still be named in an answer."""
    people = surveyed_staff(base, spec)
    return people[people["school_id"].isin(spec.schools)] if spec.schools else people


def round_snapshot(base: Dataset, spec: RoundSpec, answers: list[tuple[Nomination, str]],
                   submitted: Mapping[str, str], round_id: str = "") -> Dataset:
    """The dataset a closed round writes. `answers`: each nomination with the day it was saved; `submitted`:
    each respondent who submitted and the day; `round_id`: the round's id, written beside its respondents with the
    tie kinds it asked (rows of the same id, from closing it before, are replaced; another round with the same
    title is kept). Only submitted answers count (a draft is not an answer)."""
    questions = {q.key: q for q in spec.questions}
    rows = [(n.respondent, n.target, questions[n.question].kind, n.weight, day, n.question,
             questions[n.question].topic or None) for n, day in answers if n.respondent in submitted]
    collaborations = pd.DataFrame(rows, columns=["source_staff_id", "target_staff_id", "kind", "weight",
                                                 "observed_on", "question", "topic"])
    collaborations["weight"] = collaborations["weight"].astype(float)
    people = asked_staff(base, spec)["staff_id"]
    kinds = " ".join(sorted({q.kind for q in spec.questions}))
    respondents = pd.DataFrame({"staff_id": list(people), "round": spec.title,
                                "responded_on": [submitted.get(p) for p in people],
                                "round_id": round_id or None, "kinds": kinds})
    before = base.respondents
    ids = before["round_id"].fillna("") if "round_id" in before.columns else pd.Series("", index=before.index)
    earlier = before[(ids != round_id) | (ids == "")] if round_id else before[before["round"].fillna("") != spec.title]
    tables = {name: frame for name, frame in base.tables()}
    tables.update(collaborations=_joined(base.collaborations, collaborations),
                  respondents=_joined(earlier, respondents))
    return Dataset.from_tables(tables)


def _joined(before: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """The rows of `before`, then those of `added` (either may be empty), every column of both kept."""
    return added if before.empty else before if added.empty else pd.concat([before, added], ignore_index=True)
