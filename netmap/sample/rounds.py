"""The sample series' survey rounds, simulated: one round a term, a week before the term ends, asking everyone in
post. Each respondent reports every collaboration of theirs the whole sample has observed by then that has not
ended; a non-respondent reports nothing (their earlier reports stay, unconfirmed). Which ties end, and who
answers, is drawn from a hash of the ids, so the series is the same on every machine. The stated assumptions
(RoundModel) are documented in data/samples/README.md; every figure they give is simulated, not observed."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from netmap.graphs import staff_in_post

__all__ = ["PROFILE_UPLIFT", "RoundModel", "response_rates", "round_name", "simulate_rounds"]

# The assumed effect of showing each respondent their network profile after a round (netmap.survey.profile): five
# points more chance of answering the next round for those who answered this one. An assumption for the
# simulation, not a measurement: feedback to respondents is reported to help later participation in
# organisational surveys, but netmap has no trust's data on its size.
PROFILE_UPLIFT = 0.05


@dataclass(frozen=True)
class RoundModel:
    """The simulation's assumptions.

    response_rate: the chance that someone asked answers a round.
    profile_uplift: added to that chance for someone who answered the round before, when a closed round shows
        each respondent their own network profile (netmap.survey.profile); 0 simulates a trust that does not.
    ending: per round (in date order), the share of the collaborations reported before that its reporter no
        longer names when they answer: the later rounds, the summer's above all, are planted worse.
    taken_up: per round, the share of the collaborations the whole sample first observes in that term that are
        reported (the rest never begin): the summer term begins half as many, so that it is a worse term.
    losing_school: a school whose staff's collaborations with other schools all end in the last round.
    answered_days_before: how many days before the term's end the round's answers are dated."""

    response_rate: float = 0.8
    profile_uplift: float = 0.0
    ending: tuple[float, ...] = (0.0, 0.1, 0.45)
    taken_up: tuple[float, ...] = (1.0, 1.0, 0.5)
    losing_school: str = "SCH03"
    answered_days_before: int = 7


def round_name(as_of: str) -> str:
    """The round of the term ending on `as_of`, as respondents.csv names it."""
    return f"termly survey {as_of[:7]}"


def _draw(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`: the same on every machine and run."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def simulate_rounds(ties: pd.DataFrame, staff_by_term: Mapping[str, pd.DataFrame], model: RoundModel
                    ) -> dict[str, dict[str, pd.DataFrame]]:
    """For each term end of `staff_by_term` (its staff as known then), the collaborations and respondents tables
    of every round up to it, from the whole sample's `ties` (one row per observation)."""
    ordered = ties.assign(_when=ties["observed_on"].fillna("")).sort_values("_when", kind="stable")
    reported: set[tuple[str, str, str]] = set()
    ended: set[tuple[str, str, str]] = set()
    answered_before: set[str] = set()
    answer_rows: list[tuple[str, str, str, float, str]] = []
    respondent_rows: list[tuple[str, str, str | None]] = []
    result = {}
    for number, (as_of, staff) in enumerate(sorted(staff_by_term.items())):
        day = (dt.date.fromisoformat(as_of) - dt.timedelta(days=model.answered_days_before)).isoformat()
        people = staff_in_post(staff, day)
        school_of = dict(zip(people["staff_id"], people["school_id"], strict=True))
        seen = ordered[(ordered["_when"] <= day) & ordered["source_staff_id"].isin(school_of)
                       & ordered["target_staff_id"].isin(school_of)]
        weights = {(s, t, k): float(w) for s, t, k, w in zip(seen["source_staff_id"], seen["target_staff_id"],
                                                              seen["kind"], seen["weight"], strict=True)}
        share = model.ending[min(number, len(model.ending) - 1)]
        taken = model.taken_up[min(number, len(model.taken_up) - 1)]
        last = number == len(staff_by_term) - 1
        for key in sorted(weights):
            if key in reported and key not in ended and _draw("end", number, *key) < share:
                ended.add(key)
            elif key not in reported and _draw("begin", number, *key) >= taken:
                ended.add(key)  # never begun
        if last:  # the losing school: none of its staff's collaborations with another school is named again
            ended.update(key for key in weights if model.losing_school in (school_of[key[0]], school_of[key[1]])
                         and school_of[key[0]] != school_of[key[1]])
        answering = set()
        for person in sorted(school_of):
            chance = model.response_rate + (model.profile_uplift if person in answered_before else 0.0)
            answers = _draw("answer", as_of, person) < chance
            respondent_rows.append((person, round_name(as_of), day if answers else None))
            if answers:
                answering.add(person)
        for key in sorted(weights):
            if key[0] in answering and key not in ended:
                answer_rows.append((*key, weights[key], day))
                reported.add(key)
        answered_before = answering
        result[as_of] = {
            "collaborations": pd.DataFrame(answer_rows, columns=["source_staff_id", "target_staff_id", "kind",
                                                                 "weight", "observed_on"]),
            "respondents": pd.DataFrame(respondent_rows, columns=["staff_id", "round", "responded_on"]
                                        ).assign(kinds=" ".join(sorted(set(ties["kind"]))))}  # every round asks all
    return result


def response_rates(rounds: Mapping[str, Mapping[str, pd.DataFrame]]) -> dict[str, float]:
    """Each round's simulated response rate (answered / asked), by its term's end, from simulate_rounds."""
    last = rounds[max(rounds)]["respondents"]
    rates = {}
    for as_of in sorted(rounds):
        asked = last[last["round"] == round_name(as_of)]
        rates[as_of] = float(asked["responded_on"].notna().mean())
    return rates
