"""Intervention evaluation, "the dividend over time": did a dated intervention (people joining a group, or
secondments starting) change its members' cross-school collaboration beyond what happened to comparable staff?

The outcome is a person's number of cross-school colleagues: the distinct people tied to them in the soft wiring
(U, either direction) whose school in staff.csv is not theirs. A person's change is that number in the later
snapshot minus that in the earlier one. The estimate is a difference in differences: the members' mean change
minus the comparison set's mean change, so that what happened to everyone (a new survey, a trust-wide event)
cancels out.

- Eligible: staff in post in both snapshots who were not already in the intervention at the earlier one.
- Members: the eligible who are in it at the later one (joined the group; a secondment started since the
  earlier one and under way at the later one).
- Comparison set: the eligible non-members of the members' own (school, role) pairs at the earlier snapshot; when
  those are fewer than `min_comparison`, the non-members of the members' roles; when still fewer, every eligible
  non-member. The result says which (`matched_on`).
- p-value: two-sided permutation test, the member labels permuted among members and comparison set: every
  assignment enumerated when there are no more of them than `permutations` (exact), otherwise `permutations`
  random ones from `seed` with p = (1 + as extreme) / (1 + permutations) (Phipson and Smyth 2010).
- Interval: bootstrap percentile interval, members and comparison set each resampled with replacement
  `permutations` times from `seed`.

It is evidence, not causal proof: people choose (or are chosen) to join a group, and those who would have
widened their networks anyway may be the ones who join (docs/metrics.md, "Intervention evaluation").
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netmap.analysis.tables import columns_of
from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs, in_post
from netmap.spreadsheet import neutralised_frame

__all__ = ["DEFAULT_PERMUTATIONS", "Evaluation", "Intervention", "bootstrap_interval", "cross_school_colleagues",
           "evaluate", "format_p", "intervention_date", "permutation_test", "write_evaluation"]

DEFAULT_PERMUTATIONS = 2000
CONFIDENCE = 0.95
SIGNIFICANCE = 0.05  # below this p-value, and with an interval excluding 0, the sentence reports a difference


@dataclass(frozen=True)
class Intervention:
    """What is evaluated: joining the group `group_id` (kind "group"), or a secondment starting (kind
    "secondments")."""

    kind: str
    group_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("group", "secondments") or (self.kind == "group") != bool(self.group_id):
            raise AnalysisError("An intervention is a group (with its id) or secondments; got "
                                f"{self.kind!r} {self.group_id or ''}".rstrip())

    @property
    def key(self) -> str:
        """As a form or the command line names it: "group:ID" or "secondments"."""
        return f"group:{self.group_id}" if self.kind == "group" else "secondments"

    @classmethod
    def parse(cls, key: str) -> Intervention:
        """The intervention named "group:ID" or "secondments"."""
        kind, _, group = key.partition(":")
        return cls(kind, group or None)


@dataclass(frozen=True)
class Evaluation:
    """The dividend of one intervention between two snapshots; `people` holds each eligible person's change."""

    intervention: Intervention
    before: str
    after: str
    members: int
    comparison: int
    matched_on: str
    member_change: float
    comparison_change: float
    dividend: float
    low: float
    high: float
    p_value: float
    exact: bool
    permutations: int
    seed: int
    people: pd.DataFrame = field(repr=False)  # staff_id, arm (member / comparison), before, after, change

    @property
    def is_difference(self) -> bool:
        """Whether the evidence says there is one: p below SIGNIFICANCE and the interval excluding 0."""
        return self.p_value < SIGNIFICANCE and (self.low > 0 or self.high < 0)

    def sentence(self) -> str:
        """The result in one sentence a trust's leader can read."""
        shown = (f"{CONFIDENCE:.0%} interval {_signed(self.low)} to {_signed(self.high)}; "
                 f"{format_p(self.p_value)}").replace("%", " %")
        if not self.is_difference:
            return (f"No evidence of a difference: members' cross-school colleagues changed by "
                    f"{_signed(self.member_change)}, comparable staff's by {_signed(self.comparison_change)} "
                    f"({shown}).")
        more = "more" if self.dividend > 0 else "fewer"
        return (f"Members gained {abs(self.dividend):.1f} {more} cross-school colleagues than comparable staff "
                f"({shown}).")

    def table(self) -> pd.DataFrame:
        """The result as the one-row table "evaluation" (netmap.analysis.tables)."""
        return pd.DataFrame([{"intervention": self.intervention.key, "before": self.before, "after": self.after,
                "members": self.members, "comparison": self.comparison, "matched_on": self.matched_on,
                "member_change": self.member_change, "comparison_change": self.comparison_change,
                "dividend": self.dividend, "low": self.low, "high": self.high, "p_value": self.p_value,
                "exact": self.exact, "permutations": self.permutations, "seed": self.seed,
                "conclusion": self.sentence()}], columns=columns_of("evaluation"))


def _signed(value: float) -> str:
    return f"{value:+.1f}" if round(value, 1) != 0 else "0.0"


def format_p(p: float) -> str:
    """A p-value as a report writes it: "p = 0.003", "p < 0.001"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def cross_school_colleagues(graphs: TrustGraphs) -> dict[Hashable, int]:
    """Each person in post's number of distinct colleagues tied to them (U) whose school differs from theirs, both
    taken as where they work on the graphs' date (a secondee: the host school while seconded). Ties at the host
    school are then within school, so being seconded does not by itself count as a gain."""
    school = graphs.school_of
    undirected = graphs.undirected
    return {p: sum(1 for q in undirected[p] if school.get(q, school[p]) != school[p]) for p in undirected
            if p in school}


def _treated(graphs: TrustGraphs, intervention: Intervention) -> set[Hashable]:
    """The people in the intervention on the graphs' date: the group's members, or those on a secondment."""
    if intervention.kind == "group":
        return {p for p, groups in graphs.groups_of.items() if intervention.group_id in groups}
    seconded = graphs.dataset.secondments
    under_way = seconded[in_post(seconded["starts_on"], seconded["ends_on"], graphs.as_of)]
    return set(under_way["staff_id"])


def intervention_date(graphs: TrustGraphs, intervention: Intervention) -> str | None:
    """When the intervention began, as far as the data says: a group's earliest membership date; None for
    secondments (each has its own) or a group whose memberships carry no date."""
    if intervention.kind != "group":
        return None
    memberships = graphs.dataset.memberships
    dates = memberships.loc[memberships["group_id"] == intervention.group_id, "joined_on"].dropna()
    return str(dates.min()) if len(dates) else None


def _comparison(people: pd.DataFrame, min_comparison: int) -> tuple[pd.Series, str]:
    """The comparison set (a mask over `people`'s non-members) and what it was matched on."""
    members = people[people["member"]]
    others = ~people["member"]
    for matched_on, keys in (("school and role", ["school_id", "role"]), ("role", ["role"])):
        strata = set(members[keys].itertuples(index=False, name=None))
        chosen = others & pd.Series([k in strata for k in people[keys].itertuples(index=False, name=None)],
                                    index=people.index)
        if chosen.sum() >= min_comparison:
            return chosen, matched_on
    return others, "all staff"


def evaluate(before: TrustGraphs, after: TrustGraphs, intervention: Intervention, *,
             permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0, min_comparison: int = 5) -> Evaluation:
    """The difference in differences of cross-school colleagues between the intervention's new members and
    comparable non-members from `before` to `after`, with its permutation p-value and bootstrap interval.

    Raises AnalysisError when `before` is not earlier than `after`, the group is in neither snapshot, or nobody
    joined the intervention or nobody is left to compare with.
    """
    if before.as_of >= after.as_of:
        raise AnalysisError(f"The earlier snapshot ({before.as_of}) must be dated before the later one "
                            f"({after.as_of}).")
    if intervention.kind == "group":
        known = set(before.dataset.groups["group_id"]) | set(after.dataset.groups["group_id"])
        if intervention.group_id not in known:
            raise AnalysisError(f"No group {intervention.group_id!r} in either snapshot: use a group_id from "
                                "groups.csv.")
    if permutations < 1:
        raise AnalysisError(f"The number of permutations must be at least 1, not {permutations}.")
    was, now = cross_school_colleagues(before), cross_school_colleagues(after)
    already = _treated(before, intervention)
    joined = _treated(after, intervention)
    staff = before.dataset.staff.set_index("staff_id")
    eligible = sorted((set(was) & set(now)) - already, key=str)
    people = pd.DataFrame({"staff_id": eligible,
                           "school_id": [staff.at[p, "school_id"] for p in eligible],
                           "role": [staff.at[p, "role"] for p in eligible],
                           "member": [p in joined for p in eligible],
                           "before": [was[p] for p in eligible], "after": [now[p] for p in eligible]})
    people["change"] = people["after"] - people["before"]
    n_members = int(people["member"].sum())
    if n_members == 0:
        raise AnalysisError(f"Nobody joined {_what(intervention)} between {before.as_of} and {after.as_of} "
                            "while in post in both: choose snapshots on either side of when it began.")
    chosen, matched_on = _comparison(people, min_comparison)
    if not chosen.any():
        raise AnalysisError("Nobody in post in both snapshots is outside the intervention to compare with.")
    members = people.loc[people["member"], "change"].to_numpy(dtype=float)
    compared = people.loc[chosen, "change"].to_numpy(dtype=float)
    p_value, exact = permutation_test(members, compared, permutations, seed)
    low, high = bootstrap_interval(members, compared, permutations, seed)
    shown = people[people["member"] | chosen].assign(arm=lambda f: f["member"].map({True: "member",
                                                                                    False: "comparison"}))
    return Evaluation(intervention, before.as_of, after.as_of, n_members, len(compared), matched_on,
                      float(members.mean()), float(compared.mean()), float(members.mean() - compared.mean()),
                      low, high, p_value, exact, permutations, seed,
                      shown[columns_of("evaluation people")].reset_index(drop=True))


def _what(intervention: Intervention) -> str:
    return f"group {intervention.group_id!r}" if intervention.kind == "group" else "a secondment"


def permutation_test(members: np.ndarray, compared: np.ndarray, permutations: int, seed: int) -> tuple[float, bool]:
    """Two-sided p-value of the difference of means under permuted labels, and whether it is exact (every
    assignment enumerated, when there are no more than `permutations`)."""
    pooled = np.concatenate([members, compared])
    m, total = len(members), pooled.sum()
    observed = abs(members.mean() - compared.mean())
    n = len(pooled)
    tolerance = 1e-9 * max(1.0, observed)

    def differences(picks: np.ndarray) -> np.ndarray:
        sums = pooled[picks].sum(axis=1)
        return np.asarray(np.abs(sums / m - (total - sums) / (n - m)))

    if math.comb(n, m) <= permutations:
        every = np.array(list(itertools.combinations(range(n), m)), dtype=int).reshape(-1, m)
        return float((differences(every) >= observed - tolerance).mean()), True
    rng = np.random.default_rng(seed)
    picks = np.argsort(rng.random((permutations, n)), axis=1)[:, :m]
    extreme = int((differences(picks) >= observed - tolerance).sum())
    return (1 + extreme) / (1 + permutations), False


def bootstrap_interval(members: np.ndarray, compared: np.ndarray, resamples: int, seed: int) -> tuple[float, float]:
    """The CONFIDENCE bootstrap percentile interval of the difference of means, each arm resampled with
    replacement `resamples` times."""
    rng = np.random.default_rng(seed)
    a = members[rng.integers(0, len(members), (resamples, len(members)))].mean(axis=1)
    b = compared[rng.integers(0, len(compared), (resamples, len(compared)))].mean(axis=1)
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(a - b, [tail, 1 - tail])
    return float(low), float(high)


def write_evaluation(result: Evaluation, out: Path) -> list[Path]:
    """evaluation.csv (the result) and people.csv (each member's and comparable person's change) in `out`;
    returns the paths. Text a spreadsheet would run as a formula is neutralised (netmap.spreadsheet)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("evaluation", result.table()), ("people", result.people)):
        path = out / f"{name}.csv"
        neutralised_frame(frame).to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
        written.append(path)
    return written
