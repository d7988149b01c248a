"""Generate a realistic, deterministic sample trust as contract CSV files.

Structure, by design (and checked by tests):
- schools of mixed phases plus a central team; about 8 % of schools joined recently and have no soft tie to
  any other school (the first of them also belongs to no group: isolated under both wirings);
- 25 expert networks and subject communities with leads; membership rates vary by role;
- soft ties mostly within a school (by subject and role), cross-school ties along active groups, among leaders,
  from the central team and from a few brokers;
- about 3 % of staff with no soft tie at all; three support-staff networks with one member per school and no
  ties among them (dormant).
Change over the school year (a hub of at least CHURN_MIN_SCHOOLS schools, from its own random stream so the
rest is as before): staff start and leave through the year and ties are observed through it; an oracy network
is launched in January, its members collaborating across schools from then on; the geography community's
active members move on at the end of January (their collaboration goes on outside it) and newcomers who do not
collaborate take their places, so it goes dormant; one school joins the trust in February, in groups from then,
its first collaborations with other schools in the summer term.
Large trusts are generated one hub of about 25 schools at a time, each from its own seeded random stream, so
memory stays bounded by a hub and the output does not depend on how many hubs there are before it.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netmap.contract import PRIORITIES, table_spec
from netmap.errors import ConfigError
from netmap.sample import names

__all__ = ["HUB_SCHOOLS", "REFERENCE_DATE", "SAMPLE_TRUST", "TERM_ENDS", "SampleTrust", "generate_sample"]

HUB_SCHOOLS = 25
# The sample trust in data/samples/trust is exactly this generator call (a test checks it).
SAMPLE_TRUST = {"schools": 24, "staff": 2000, "seed": 42}
REFERENCE_DATE = dt.date(2026, 7, 1)  # the sample describes the trust at the end of the 2025/26 school year
# The ends of the terms of the sample's school year: netmap.sample.series writes the data as known on each.
TERM_ENDS = ("2025-12-19", "2026-03-27", REFERENCE_DATE.isoformat())
CHURN_MIN_SCHOOLS = 10
LAUNCHED_GROUP = ("ORACY", "Oracy network", "expert-network", None, None)
LAUNCHED_ON = dt.date(2026, 1, 12)
FADING_GROUP = "GEOGRAPHY"
MOVED_ON = dt.date(2026, 1, 30)  # the fading group's active members leave it; newcomers join the next working day
SCHOOL_JOINS_ON = dt.date(2026, 2, 23)
SUMMER_TERM = dt.date(2026, 4, 13)
# The trust's own context on each school, beyond the contract (kept as extra columns) and the grades drawn
# for each priority.
CONTEXT_COLUMNS = {"schools": ("inspection_grade",)}
# Contract columns the generator leaves out: a sample is one trust, so its schools name none (docs/partnerships.md)
LEFT_OUT_COLUMNS = {"schools": ("trust_id", "trust_name")}
INSPECTION_GRADES = {"high": ("Requires improvement", "Requires improvement", "Not yet inspected"),
                     "medium": ("Good", "Requires improvement"), "low": ("Good", "Outstanding")}
# Where each region's schools are (netmap.sample.names.REGIONS): a town in that part of England (latitude,
# longitude), so that the geographic map shows plausible places.
REGION_TOWNS = {"North": (53.80, -1.55), "South": (51.06, -1.31), "East": (52.63, 1.29), "West": (51.45, -2.59),
                "Midlands": (52.48, -1.89), "Coast": (50.83, -0.14)}
_PHASES = ("primary", "secondary", "special", "all-through", "alternative-provision", "nursery", "post-16")
_PHASE_P = (0.60, 0.22, 0.06, 0.04, 0.03, 0.03, 0.02)
_PHASE_SIZE = {"primary": 1.0, "secondary": 3.5, "special": 1.2, "all-through": 4.0,
               "alternative-provision": 0.6, "nursery": 0.5, "post-16": 1.5}
_SECONDARY_LIKE = {"secondary", "all-through", "post-16"}
_PRIMARY_LIKE = {"primary", "nursery", "all-through"}
_LEADERS = {"headteacher", "senior-leader"}
_WITHIN_KINDS = (("co-planning", "advice", "resource-sharing", "coaching", "peer-review", "other"),
                 (0.30, 0.30, 0.20, 0.08, 0.07, 0.05))
_CROSS_KINDS = (("resource-sharing", "co-planning", "advice", "peer-review", "coaching"),
                (0.30, 0.25, 0.25, 0.12, 0.08))


@dataclass
class SampleTrust:
    """What was generated, and the structure planted in it (so tests can check the claims)."""

    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    isolated_schools: list[str] = field(default_factory=list)
    hard_isolated_schools: list[str] = field(default_factory=list)
    isolates: list[str] = field(default_factory=list)
    dormant_groups: list[str] = field(default_factory=list)
    brokers: list[str] = field(default_factory=list)
    launched_groups: list[str] = field(default_factory=list)
    fading_groups: list[str] = field(default_factory=list)
    mid_year_schools: list[str] = field(default_factory=list)


def generate_sample(out: Path, *, schools: int, staff: int, seed: int,
                    progress: Callable[[int], None] | None = None, hub_schools: int = HUB_SCHOOLS) -> SampleTrust:
    """Write schools.csv ... secondments.csv for a trust of `schools` schools and about `staff` staff.

    The trust is made of independent hubs of about `hub_schools` schools (no tie between two hubs): many
    trusts side by side; `hub_schools` at least `schools` makes one connected trust. `progress` is called with
    the number of staff written after each hub.
    """
    if schools < 1 or staff < 10 * schools:
        raise ConfigError("A sample needs at least 1 school and 10 staff per school.")
    out.mkdir(parents=True, exist_ok=True)
    n_hubs = max(1, round(schools / hub_schools))
    school_split = _split(schools, n_hubs)
    staff_split = _split(staff, n_hubs, weights=school_split)
    result = SampleTrust(out)
    writers = _Writers(out)
    try:
        first_school = 0
        for hub in range(n_hubs):
            hub_gen = _Hub(hub, n_hubs, first_school, school_split[hub], staff_split[hub], schools, staff, seed)
            hub_gen.generate(writers, result)
            first_school += school_split[hub]
            if progress is not None:
                progress(len(hub_gen.staff))
    finally:
        result.counts = writers.close()
    return result


def _split(total: int, parts: int, weights: list[int] | None = None) -> list[int]:
    """Split `total` into `parts` whole numbers, proportional to `weights` (default equal)."""
    weights = weights or [1] * parts
    shares = [total * w / sum(weights) for w in weights]
    counts = [math.floor(s) for s in shares]
    for i in sorted(range(parts), key=lambda i: counts[i] - shares[i])[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Writers:
    """One CSV writer per contract file, written hub by hub."""

    def __init__(self, out: Path) -> None:
        self._files = {}
        self._writers = {}
        self.counts: dict[str, int] = {}
        for name in ("schools", "staff", "groups", "memberships", "collaborations", "secondments"):
            handle = (out / f"{name}.csv").open("w", newline="", encoding="utf-8")
            self._files[name] = handle
            self._writers[name] = csv.writer(handle, lineterminator="\n")
            self._writers[name].writerow(
                tuple(c for c in table_spec(name).column_names if c not in LEFT_OUT_COLUMNS.get(name, ()))
                + CONTEXT_COLUMNS.get(name, ()))
            self.counts[name] = 0

    def write(self, name: str, rows: list[tuple]) -> None:
        """Write rows, blanking missing values (None or NaN) as an empty cell."""
        self._writers[name].writerows(tuple("" if v is None or v != v else v for v in row) for row in rows)
        self.counts[name] += len(rows)

    def close(self) -> dict[str, int]:
        for handle in self._files.values():
            handle.close()
        return self.counts


def _iso(day: int) -> str:
    return dt.date.fromordinal(int(day)).isoformat()


class _Hub:
    """One trust-sized cluster of schools with its own central team, groups and random stream."""

    def __init__(self, hub: int, n_hubs: int, first_school: int, n_schools: int, n_staff: int,
                 total_schools: int, total_staff: int, seed: int) -> None:
        self.hub, self.n_hubs, self.first_school = hub, n_hubs, first_school
        self.n_schools, self.n_staff = n_schools, n_staff
        self.school_width = max(2, len(str(total_schools)))
        self.staff_width = max(4, len(str(total_staff)))
        self.seed = seed
        self.rng = np.random.default_rng([seed, hub])
        self.ref = REFERENCE_DATE.toordinal()
        self.staff: pd.DataFrame = pd.DataFrame()

    # ---- schools -------------------------------------------------------------------------------------
    def _schools(self) -> pd.DataFrame:
        rng = self.rng
        phases = list(rng.choice(_PHASES, size=self.n_schools, p=_PHASE_P))
        if self.n_schools >= 3:  # every hub has both phases that most trusts are built on
            phases[0], phases[1] = "secondary", "primary"
        ids, labels = [], []
        for i in range(self.n_schools):
            number = self.first_school + i + 1
            ids.append(f"SCH{number:0{self.school_width}d}")
            word = names.SCHOOL_WORDS[(number - 1) % len(names.SCHOOL_WORDS)]
            repeat = (number - 1) // len(names.SCHOOL_WORDS)
            labels.append(f"{word}{f' {repeat + 1}' if repeat else ''} {names.PHASE_SUFFIX[phases[i]]}")
        joined = rng.integers(dt.date(2012, 9, 1).toordinal(), dt.date(2023, 9, 1).toordinal(), self.n_schools)
        n_new = max(1, round(self.n_schools * 0.08)) if self.n_schools >= 5 else 0
        new = rng.choice(np.arange(2, self.n_schools), size=n_new, replace=False) if n_new else np.array([], int)
        for i in new:
            joined[i] = rng.integers(self.ref - 300, self.ref - 30)
        region = names.REGIONS[self.hub % len(names.REGIONS)]
        frame = pd.DataFrame({"school_id": ids, "name": labels, "phase": phases,
                              "joined_on": [_iso(d) for d in joined], "region": region})
        self.isolated = [ids[i] for i in sorted(new)]
        self.hard_isolated = self.isolated[:1]
        central_id = "CENTRAL" if self.n_hubs == 1 else f"CENTRAL{self.hub + 1:0{len(str(self.n_hubs))}d}"
        central = pd.DataFrame({"school_id": [central_id], "name": ["Trust central team" if self.n_hubs == 1
                                                                   else f"Trust {self.hub + 1} central team"],
                                "phase": ["central"], "joined_on": [None], "region": [region]})
        return pd.concat([frame, central], ignore_index=True)

    def _with_context(self, schools: pd.DataFrame, joining: set[str]) -> pd.DataFrame:
        """The trust's own view of each school, from its own random stream: schools that joined recently (and
        the one joining mid-year) are a high priority; the others' priority and inspection grade are drawn."""
        rng = np.random.default_rng([self.seed, self.hub, 3])
        drawn = rng.choice(PRIORITIES, size=len(schools), p=(0.15, 0.35, 0.5))
        new = set(self.isolated) | joining
        priority = [None if phase == "central" else "high" if sid in new else str(p)
                    for sid, phase, p in zip(schools["school_id"], schools["phase"], drawn, strict=True)]
        grades = [None if p is None else str(rng.choice(INSPECTION_GRADES[p])) for p in priority]
        latitude, longitude = self._places(schools)
        return schools.assign(priority=priority, latitude=latitude, longitude=longitude, inspection_grade=grades)

    def _places(self, schools: pd.DataFrame) -> tuple[list[str | None], list[str | None]]:
        """Each school's latitude and longitude, from a stream of their own (every other draw stays as it was):
        scattered about 10 km around the town of the hub's region (REGION_TOWNS); none for the central team."""
        rng = np.random.default_rng([self.seed, self.hub, 4])
        lat0, lon0 = REGION_TOWNS[str(schools["region"].iloc[0])]
        km = rng.normal(0.0, 10.0, size=(len(schools), 2)).clip(-30, 30)
        latitude = lat0 + km[:, 1] / 111.2
        longitude = lon0 + km[:, 0] / (111.2 * np.cos(np.radians(lat0)))
        central = schools["phase"] == "central"
        return ([None if c else f"{v:.5f}" for c, v in zip(central, latitude, strict=True)],
                [None if c else f"{v:.5f}" for c, v in zip(central, longitude, strict=True)])

    # ---- staff ---------------------------------------------------------------------------------------
    def _staff(self, schools: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        is_central = schools["phase"] == "central"
        n_central = max(3, round(self.n_staff * 0.02))
        rest = self.n_staff - n_central
        base = 10
        weights = np.array([_PHASE_SIZE[p] for p in schools.loc[~is_central, "phase"]])
        sizes = base + rng.multinomial(rest - base * len(weights), weights / weights.sum())
        records: list[dict] = []
        for (_, school), size in zip(schools[~is_central].iterrows(), sizes, strict=True):
            records.extend(self._school_staff(school, int(size)))
        central_id = schools.loc[is_central, "school_id"].iloc[0]
        central_subjects = ["school-improvement", "school-improvement", "send", "safeguarding", "curriculum",
                            "data", "hr", "finance", "it", "school-improvement"]
        for i in range(n_central):
            records.append({"school_id": central_id, "role": "central",
                            "subjects": [central_subjects[i % len(central_subjects)]]})
        staff = pd.DataFrame(records)
        start = self.hub_first_staff
        staff.insert(0, "staff_id", [f"ST{start + i + 1:0{self.staff_width}d}" for i in range(len(staff))])
        staff["name"] = [f"{a} {b}" for a, b in zip(rng.choice(names.FIRST_NAMES, len(staff)),
                                                    rng.choice(names.SURNAMES, len(staff)), strict=True)]
        started = rng.integers(dt.date(2001, 9, 1).toordinal(), self.ref - 30, len(staff))
        staff["started_on"] = [_iso(d) for d in started]
        leaver = (rng.random(len(staff)) < 0.02) & (staff["role"] != "headteacher").to_numpy()
        left = np.maximum(started + 60, rng.integers(self.ref - 300, self.ref - 1, len(staff)))
        staff["left_on"] = [(_iso(d) if is_leaver and d < self.ref else None)
                            for d, is_leaver in zip(left, leaver, strict=True)]
        return staff

    def _school_staff(self, school: pd.Series, size: int) -> list[dict]:
        rng, phase, sid = self.rng, school["phase"], school["school_id"]
        n_senior = max(1, round(size * 0.06))
        n_middle = max(1, round(size * 0.12))
        n_teacher = max(2, round(size * 0.46))
        n_support = max(3, size - 1 - n_senior - n_middle - n_teacher)
        n_teacher = size - 1 - n_senior - n_middle - n_support
        rows = [{"school_id": sid, "role": "headteacher", "subjects": []}]
        for i in range(n_senior):
            rows.append({"school_id": sid, "role": "senior-leader",
                         "subjects": [("safeguarding", "curriculum", "send")[i % 3]] + self._teaching(phase, 0.5)})
        for _ in range(n_middle):
            if phase in _SECONDARY_LIKE and rng.random() < 0.25:
                subjects = ["pastoral"]
            elif phase in _SECONDARY_LIKE:
                subjects = self._teaching(phase, 1.0)
            elif phase in {"special", "alternative-provision"}:
                subjects = ["send"]
            else:
                subjects = [str(rng.choice(names.PRIMARY_LEAD_SUBJECTS))]
            rows.append({"school_id": sid, "role": "middle-leader", "subjects": subjects})
        for _ in range(n_teacher):
            rows.append({"school_id": sid, "role": "teacher", "subjects": self._teaching(phase, 1.0)})
        specialities = ["data", "attendance", "finance"] + (["it"] if phase in _SECONDARY_LIKE else [])
        for i in range(n_support):
            if i < len(specialities):
                subjects = [specialities[i]]
            else:
                subjects = ["send"] if rng.random() < 0.25 else []
            rows.append({"school_id": sid, "role": "support", "subjects": subjects})
        return rows

    def _teaching(self, phase: str, probability: float) -> list[str]:
        rng = self.rng
        if rng.random() >= probability:
            return []
        if phase in {"special", "alternative-provision"}:
            return ["send"]
        if phase == "nursery" or (phase in _PRIMARY_LIKE - {"all-through"}):
            return ["early-years"] if (phase == "nursery" or rng.random() < 0.15) else ["primary"]
        p = np.array(names.SECONDARY_SUBJECT_WEIGHTS, dtype=float)
        picked = list(rng.choice(names.SECONDARY_SUBJECTS, size=2, replace=False, p=p / p.sum()))
        return picked[:2] if rng.random() < 0.2 else picked[:1]

    # ---- groups and memberships ----------------------------------------------------------------------
    def _group_id(self, code: str) -> str:
        return code if self.n_hubs == 1 else f"{code}-{self.hub + 1:0{len(str(self.n_hubs))}d}"

    def _groups(self) -> pd.DataFrame:
        return pd.DataFrame([{"group_id": self._group_id(code), "name": name if self.n_hubs == 1
                              else f"{name} (trust {self.hub + 1})", "kind": kind, "subject": subject,
                              "phase": phase} for code, name, kind, subject, phase in names.GROUPS])

    def _eligibility(self, code: str, subject: str | None, phase: str | None) -> np.ndarray:
        """Probability that each member of staff joins group `code`."""
        staff, school_phase = self.staff, self.staff["phase"]
        has = self.staff["subjects"].map(lambda s: subject in s if subject else False).to_numpy()
        role = staff["role"].to_numpy()
        p = np.zeros(len(staff))
        by_role = {"middle-leader": 0.7, "senior-leader": 0.4, "teacher": 0.25, "central": 0.9}
        if code == "ARTS":
            has = staff["subjects"].map(lambda s: bool({"art", "music", "drama"} & set(s))).to_numpy()
        if code == "HEADS":
            p[role == "headteacher"] = 1.0
            p[staff["subjects"].map(lambda s: "school-improvement" in s).to_numpy()] = 1.0
        elif code == "ECT-MENTORS":
            p[np.isin(role, ["teacher", "middle-leader"])] = 0.06
        elif code in names.DORMANT_GROUPS:
            p[has & (role == "support")] = 1.0
        elif phase == "secondary":
            in_phase = school_phase.isin(_SECONDARY_LIKE).to_numpy() | (role == "central")
            for r, rate in by_role.items():
                p[has & in_phase & (role == r)] = rate
        elif phase == "primary":
            in_phase = school_phase.isin(_PRIMARY_LIKE).to_numpy()
            p[has & in_phase & (role == "middle-leader")] = 0.85
            p[in_phase & (role == "teacher") & (staff["subjects"].map(lambda s: "primary" in s)).to_numpy()] = 0.04
        else:
            p[has] = 0.6
            p[has & np.isin(role, ["senior-leader", "central"])] = 0.9
            p[has & (role == "support")] = 0.15
        return p

    def _memberships(self, groups: pd.DataFrame) -> pd.DataFrame:
        rng, staff = self.rng, self.staff
        rank = staff["role"].map({"central": 0, "headteacher": 1, "senior-leader": 2, "middle-leader": 3,
                                  "teacher": 4, "support": 5}).to_numpy()
        eligible = staff["left_on"].isna().to_numpy() & ~staff["school_id"].isin(self.hard_isolated).to_numpy()
        rows = []
        for (code, *_), group in zip(names.GROUPS, groups.itertuples(), strict=True):
            p = self._eligibility(code, group.subject, group.phase) * eligible
            members = np.flatnonzero(rng.random(len(staff)) < p)
            if len(members) == 0:
                continue
            n_leads = 1 if len(members) <= 30 else 2
            leads = set(members[np.argsort(rank[members], kind="stable")[:n_leads]])
            started = np.array([dt.date.fromisoformat(d).toordinal() for d in staff["started_on"].iloc[members]])
            joined = np.maximum(started, rng.integers(dt.date(2018, 9, 1).toordinal(), self.ref - 20,
                                                      len(members)))
            ended = rng.random(len(members)) < 0.04
            for m, j, e in zip(members, joined, ended, strict=True):
                left = _iso(rng.integers(j + 1, self.ref)) if e and m not in leads and j + 1 < self.ref else None
                rows.append((staff["staff_id"].iat[m], group.group_id, "lead" if m in leads else "member",
                             _iso(j), left))
        return pd.DataFrame(rows, columns=["staff_id", "group_id", "role", "joined_on", "left_on"])

    # ---- soft ties -----------------------------------------------------------------------------------
    def _ties(self, memberships: pd.DataFrame) -> pd.DataFrame:
        rng, staff = self.rng, self.staff
        n = len(staff)
        active = staff["left_on"].isna().to_numpy()
        isolate = active & (rng.random(n) < 0.03) & (staff["role"] != "headteacher").to_numpy()
        self.isolates = list(staff["staff_id"][isolate])
        capable = active & ~isolate
        school = staff["school_id"].to_numpy()
        blocked_school = np.isin(school, self.isolated)
        dormant_ids = {self._group_id(c) for c in names.DORMANT_GROUPS}
        current = memberships[memberships["left_on"].isna()]
        index_of = pd.Series(np.arange(n), index=staff["staff_id"])
        quiet = np.zeros(n, dtype=bool)
        quiet[index_of[current.loc[current["group_id"].isin(dormant_ids), "staff_id"]].to_numpy()] = True
        cross_ok = capable & ~blocked_school & ~quiet
        subject_code = pd.factorize(staff["subjects"].map(lambda s: s[0] if s else ""))[0]
        role_code = pd.factorize(staff["role"])[0]
        src: list[np.ndarray] = []
        dst: list[np.ndarray] = []
        kinds: list[np.ndarray] = []

        def add(sources: np.ndarray, targets: np.ndarray, pool: tuple) -> None:
            src.append(sources)
            dst.append(targets)
            kinds.append(rng.choice(pool[0], size=len(sources), p=pool[1]))

        # Within each school: by shared subject and role.
        for _, members in pd.Series(np.arange(n))[capable].groupby(school[capable]):
            members = members.to_numpy()
            if len(members) < 2:
                continue
            for i in members:
                k = min(rng.poisson(8.0), len(members) - 1)
                if k == 0:
                    continue
                w = 1.0 + 3.0 * (subject_code[members] == subject_code[i]) + (role_code[members] == role_code[i])
                w[members == i] = 0
                targets = rng.choice(members, size=k, replace=False, p=w / w.sum())
                add(np.full(k, i), targets, _WITHIN_KINDS)
        # Across schools: along active groups, among leaders, from the central team and from brokers.
        vitality = {g: float(rng.choice([0.3, 0.6, 1.0, 1.6, 2.4])) for g in current["group_id"].unique()}
        for group_id, rows in current.groupby("group_id"):
            if group_id in dormant_ids:
                continue
            members = index_of[rows["staff_id"]].to_numpy()
            members = members[cross_ok[members]]
            self._cross(add, members, members, school, vitality[group_id])
        leaders = np.flatnonzero(cross_ok & staff["role"].isin(_LEADERS).to_numpy())
        self._cross(add, leaders, leaders, school, 0.8)
        central = np.flatnonzero(cross_ok & (staff["role"] == "central").to_numpy())
        reachable = np.flatnonzero(cross_ok)
        self._cross(add, central, reachable, school, 5.0)
        teachers = np.flatnonzero(cross_ok & staff["role"].isin(["teacher", "middle-leader"]).to_numpy())
        n_brokers = max(1, n // 150)
        brokers = rng.choice(teachers, size=min(n_brokers, len(teachers)), replace=False)
        self.brokers = list(staff["staff_id"].iloc[brokers])
        self._cross(add, brokers, reachable, school, 7.0)
        sources, targets, kind = np.concatenate(src), np.concatenate(dst), np.concatenate(kinds)
        back = rng.random(len(sources)) < 0.25  # some ties are reported from both ends
        sources, targets = np.concatenate([sources, targets[back]]), np.concatenate([targets, sources[back]])
        kind = np.concatenate([kind, kind[back]])
        ids = staff["staff_id"].to_numpy()
        ties = pd.DataFrame({"source_staff_id": ids[sources], "target_staff_id": ids[targets], "kind": kind})
        ties = ties.drop_duplicates(["source_staff_id", "target_staff_id", "kind"]).reset_index(drop=True)
        ties["weight"] = np.minimum(rng.geometric(0.55, len(ties)), 5)
        ties["observed_on"] = [_iso(d) for d in rng.integers(self.ref - 330, self.ref, len(ties))]
        return ties

    def _cross(self, add: Callable, sources: np.ndarray, pool: np.ndarray, school: np.ndarray,
               rate: float) -> None:
        """Each source gets Poisson(rate) ties to random members of `pool` in other schools."""
        if len(sources) == 0 or len(pool) == 0:
            return
        counts = self.rng.poisson(rate, len(sources))
        origin = np.repeat(sources, counts)
        target = pool[self.rng.integers(0, len(pool), len(origin))]
        keep = school[origin] != school[target]
        add(origin[keep], target[keep], _CROSS_KINDS)

    # ---- secondments ---------------------------------------------------------------------------------
    def _secondments(self, schools: pd.DataFrame) -> list[tuple]:
        rng, staff = self.rng, self.staff
        targets = list(schools.loc[schools["phase"] != "central", "school_id"])
        movers = np.flatnonzero(staff["left_on"].isna().to_numpy() & staff["role"].isin(
            ["teacher", "middle-leader", "senior-leader"]).to_numpy() & ~staff["school_id"].isin(
            self.isolated).to_numpy())
        purposes = ["Leadership development", "Subject support", "Support a new school", "Cover a vacancy"]
        rows: list[tuple[str, ...]] = []
        for m in rng.choice(movers, size=min(len(movers), max(1, len(staff) // 400)), replace=False):
            home = staff["school_id"].iat[m]
            away = [t for t in targets if t != home and t not in self.isolated]
            to = self.isolated[0] if self.isolated and not rows else str(rng.choice(away))
            # A secondee counts at the receiving school while the secondment is under way, so the one planned
            # for an isolated school starts after the reference date: the school is isolated on that date.
            start = int(rng.integers(self.ref + 14, self.ref + 120) if to in self.isolated
                        else rng.integers(self.ref - 400, self.ref - 10))
            end = _iso(start + int(rng.integers(60, 500)))
            rows.append((staff["staff_id"].iat[m], home, to, _iso(start), end,
                         purposes[2] if to in self.isolated else str(rng.choice(purposes))))
        return rows

    # ---- all together --------------------------------------------------------------------------------
    def generate(self, writers: _Writers, result: SampleTrust) -> None:
        schools = self._schools()
        self.hub_first_staff = writers.counts["staff"]
        staff = self._staff(schools)
        self.staff = staff.merge(schools[["school_id", "phase"]], on="school_id", how="left")
        groups = self._groups()
        memberships = self._memberships(groups)
        ties = self._ties(memberships)
        if self.n_schools >= CHURN_MIN_SCHOOLS:
            churn = _Churn(self, np.random.default_rng([self.seed, self.hub, 2]))
            schools, groups, memberships, ties = churn.apply(schools, groups, memberships, ties)
            result.launched_groups.append(churn.launched)
            result.fading_groups.append(churn.fading)
            result.mid_year_schools.append(churn.joining)
        schools = self._with_context(schools, set(result.mid_year_schools))
        writers.write("schools", list(schools.itertuples(index=False, name=None)))
        staff_rows = staff.assign(subjects=staff["subjects"].map(";".join))
        writers.write("staff", list(staff_rows[["staff_id", "school_id", "role", "name", "subjects",
                                                "started_on", "left_on"]].itertuples(index=False, name=None)))
        writers.write("groups", list(groups.itertuples(index=False, name=None)))
        writers.write("memberships", list(memberships.itertuples(index=False, name=None)))
        writers.write("collaborations", list(ties.itertuples(index=False, name=None)))
        joining = set(result.mid_year_schools)  # nobody is seconded to or from a school before it joins
        writers.write("secondments", [row for row in self._secondments(schools) if not {row[1], row[2]} & joining])
        result.isolated_schools += self.isolated
        result.hard_isolated_schools += self.hard_isolated
        result.isolates += self.isolates
        result.dormant_groups += [self._group_id(c) for c in names.DORMANT_GROUPS]
        result.brokers += self.brokers


class _Churn:
    """The year's planted changes to one hub (see the module's docstring), drawn from their own random stream."""

    def __init__(self, hub: _Hub, rng: np.random.Generator) -> None:
        self.hub, self.rng = hub, rng
        self.launched = hub._group_id(LAUNCHED_GROUP[0])
        self.fading = hub._group_id(FADING_GROUP)
        self.joining = ""

    def apply(self, schools: pd.DataFrame, groups: pd.DataFrame, memberships: pd.DataFrame,
              ties: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        staff = self.hub.staff
        in_post = staff["left_on"].isna() & ~staff["staff_id"].isin(self.hub.isolates)
        settled = in_post & ~staff["school_id"].isin(self.hub.isolated) & (staff["phase"] != "central")
        schools, memberships, ties = self._school_joins(schools, staff, memberships, ties)
        settled &= staff["school_id"] != self.joining
        groups, memberships, ties = self._launch(groups, memberships, ties, staff[settled])
        memberships = self._fade(memberships, ties, staff[settled])
        return schools, groups, memberships, ties

    def _school_joins(self, schools: pd.DataFrame, staff: pd.DataFrame, memberships: pd.DataFrame,
                      ties: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """A primary school (not one of the planted isolated ones) joins in February: its staff's groups start
        then, and its collaborations with other schools are first observed in the summer term."""
        candidates = schools[(schools["phase"] == "primary") & ~schools["school_id"].isin(self.hub.isolated)]
        self.joining = str(candidates["school_id"].iloc[-1])
        joins = SCHOOL_JOINS_ON.isoformat()
        schools = schools.assign(joined_on=schools["joined_on"].where(schools["school_id"] != self.joining, joins))
        theirs = set(staff.loc[staff["school_id"] == self.joining, "staff_id"])
        mine = memberships["staff_id"].isin(theirs)
        memberships = memberships.assign(joined_on=memberships["joined_on"].where(
            ~mine, memberships["joined_on"].map(lambda d: max(d, joins))))
        memberships = memberships[~(mine & memberships["left_on"].notna()
                                    & (memberships["left_on"].fillna("") <= joins))]
        school_of = dict(zip(staff["staff_id"], staff["school_id"], strict=True))
        a, b = ties["source_staff_id"].map(school_of), ties["target_staff_id"].map(school_of)
        across = (a != b) & ((a == self.joining) | (b == self.joining))
        days = self.rng.integers(SUMMER_TERM.toordinal(), REFERENCE_DATE.toordinal(), int(across.sum()))
        ties = ties.copy()
        ties.loc[across, "observed_on"] = [_iso(d) for d in days]
        return schools, memberships, ties

    def _launch(self, groups: pd.DataFrame, memberships: pd.DataFrame, ties: pd.DataFrame,
                settled: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The oracy network, launched in January with two teachers or middle leaders from each of twelve
        schools; its members collaborate across schools from a fortnight after the launch."""
        code, name, kind, subject, phase = LAUNCHED_GROUP
        groups = pd.concat([groups, pd.DataFrame([{"group_id": self.launched, "name": name, "kind": kind,
                                                   "subject": subject, "phase": phase}])], ignore_index=True)
        teaching = settled[settled["role"].isin(["teacher", "middle-leader"])]
        chosen_schools = sorted(teaching["school_id"].unique())
        picked = self.rng.choice(len(chosen_schools), size=min(12, len(chosen_schools)), replace=False)
        members: list[str] = []
        for k in sorted(picked):
            pool = sorted(teaching.loc[teaching["school_id"] == chosen_schools[k], "staff_id"])
            members += list(self.rng.choice(pool, size=min(2, len(pool)), replace=False))
        launch = LAUNCHED_ON.isoformat()
        rows = pd.DataFrame({"staff_id": members, "group_id": self.launched,
                             "role": ["lead"] + ["member"] * (len(members) - 1), "joined_on": launch,
                             "left_on": None})
        school_of = dict(zip(settled["staff_id"], settled["school_id"], strict=True))
        new_ties = []
        for person in members:
            others = [m for m in members if school_of[m] != school_of[person]]
            for other in self.rng.choice(others, size=min(len(others), int(self.rng.poisson(2.5))), replace=False):
                day = int(self.rng.integers(LAUNCHED_ON.toordinal() + 14, REFERENCE_DATE.toordinal()))
                new_ties.append((person, str(other), str(self.rng.choice(["co-planning", "resource-sharing",
                                                                          "peer-review"])), 1, _iso(day)))
        added = pd.DataFrame(new_ties, columns=list(ties.columns))
        ties = pd.concat([ties, added], ignore_index=True).drop_duplicates(
            ["source_staff_id", "target_staff_id", "kind"]).reset_index(drop=True)
        return groups, pd.concat([memberships, rows], ignore_index=True), ties

    def _fade(self, memberships: pd.DataFrame, ties: pd.DataFrame, settled: pd.DataFrame) -> pd.DataFrame:
        """The fading group's members who collaborate with another member leave it at the end of January (they go
        on collaborating: a bridge no formal structure now supports); as many newcomers, who collaborate with no
        member, join the next day."""
        current = memberships[(memberships["group_id"] == self.fading) & memberships["left_on"].isna()]
        people = set(current["staff_id"])
        pairs = ties[ties["source_staff_id"].isin(people) & ties["target_staff_id"].isin(people)]
        active = set(pairs["source_staff_id"]) | set(pairs["target_staff_id"])
        moved_on = MOVED_ON.isoformat()
        leaving = (memberships["group_id"] == self.fading) & memberships["staff_id"].isin(active) & \
            memberships["left_on"].isna() & (memberships["joined_on"] < moved_on)
        memberships = memberships.assign(left_on=memberships["left_on"].where(~leaving, moved_on))
        staying = people - active
        touched = set(ties["source_staff_id"]) | set(ties["target_staff_id"])
        linked: dict[str, set[str]] = {p: set() for p in touched}
        for a, b in zip(ties["source_staff_id"], ties["target_staff_id"], strict=True):
            linked[a].add(b)
            linked[b].add(a)
        subject = FADING_GROUP.lower()
        pool = sorted(settled.loc[settled["subjects"].map(lambda s: subject in s) & ~settled["staff_id"].isin(people),
                                  "staff_id"])
        newcomers: list[str] = []
        for person in self.rng.permutation(pool):
            if len(newcomers) >= len(active):
                break
            if not linked.get(person, set()) & (staying | set(newcomers)):
                newcomers.append(str(person))
        joined = (MOVED_ON + dt.timedelta(days=1)).isoformat()
        rows = pd.DataFrame({"staff_id": newcomers, "group_id": self.fading, "role": "member", "joined_on": joined,
                             "left_on": None})
        return pd.concat([memberships, rows], ignore_index=True)
