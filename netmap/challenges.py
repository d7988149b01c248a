"""Challenges: a leader sets out a problem for the trust to help solve (a title, a topic, the schools concerned,
a closing date); netmap suggests the people with the expertise and the colleagues who can bring them in; the
collaborations that result are recorded as soft ties of a declared kind and written into a new snapshot, so
crowdsourcing shows up in the soft wiring like any other collaboration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from netmap.analysis.expertise import Expert, ExpertSearch, find_expertise
from netmap.analysis.key_players import reaching_players, two_step_reach, within_two_steps
from netmap.analysis.topics import phase_named
from netmap.contract import TIE_KINDS
from netmap.dataset import Dataset
from netmap.errors import ChallengeError
from netmap.graphs import TrustGraphs

__all__ = ["DEFAULT_TIE_KIND", "SEEDS", "TITLE_MAX", "ChallengeSpec", "Connector", "RecordedTie", "Seed", "Seeds",
           "Suggestions", "check_challenge", "known_tie_kinds", "seed_players", "suggest", "with_recorded_ties"]

TITLE_MAX = 120
TOPIC_MAX = 80
DESCRIPTION_MAX = 2000
DEFAULT_TIE_KIND = "joint-project"
SEEDS = 3  # people to seed a challenge with: a handful a poster can write to personally


@dataclass(frozen=True)
class ChallengeSpec:
    """What a leader posts: a title, the topic (matched like the expertise finder's), the schools concerned,
    the last day offers are taken (ISO date), what is asked, and the kind of tie a resulting collaboration is."""

    title: str
    topic: str
    schools: tuple[str, ...]
    closes_on: str
    description: str = ""
    tie_kind: str = DEFAULT_TIE_KIND


def known_tie_kinds(dataset: Dataset) -> list[str]:
    """The built-in kinds and those the trust declared in tie_kinds.csv: what a recorded tie may be."""
    return list(dict.fromkeys([*TIE_KINDS, *dataset.tie_kinds["kind"].dropna()]))


def check_challenge(spec: ChallengeSpec, dataset: Dataset, today: dt.date) -> ChallengeSpec:
    """The challenge, trimmed, or ChallengeError naming the field and the fix."""
    title, topic = spec.title.strip(), spec.topic.strip()
    if not title or len(title) > TITLE_MAX:
        raise ChallengeError(f"Title: give the challenge a title of 1 to {TITLE_MAX} characters.")
    if not topic or len(topic) > TOPIC_MAX:
        raise ChallengeError(f"Topic: name what help is needed in 1 to {TOPIC_MAX} characters, e.g. phonics "
                             "catch-up.")
    if len(spec.description) > DESCRIPTION_MAX:
        raise ChallengeError(f"Description: keep it to {DESCRIPTION_MAX} characters.")
    known = set(dataset.schools["school_id"])
    unknown = [s for s in spec.schools if s not in known]
    if not spec.schools or unknown:
        raise ChallengeError("Schools: choose at least one school concerned"
                             + (f" ({', '.join(unknown)} is not a school of the trust)." if unknown else "."))
    try:
        closes = dt.date.fromisoformat(spec.closes_on)
    except ValueError:
        raise ChallengeError(f"Closing date: {spec.closes_on!r} is not a date; write it as YYYY-MM-DD.") from None
    if closes < today:
        raise ChallengeError(f"Closing date: {spec.closes_on} has passed; choose today or a later day.")
    if spec.tie_kind not in known_tie_kinds(dataset):
        raise ChallengeError(f"Kind of tie: {spec.tie_kind!r} is neither built in nor declared in tie_kinds.csv; "
                             "choose one of the list.")
    return ChallengeSpec(title, topic, tuple(dict.fromkeys(spec.schools)), spec.closes_on, spec.description.strip(),
                         spec.tie_kind)


@dataclass(frozen=True)
class Connector:
    """A colleague on the shortest chain from a school concerned to one or more experts: who can bring them in.
    `experts` are the experts they are a step towards; `at_school` says they work at a school concerned."""

    staff_id: str
    experts: tuple[str, ...]
    at_school: bool


@dataclass(frozen=True)
class Suggestions:
    """Who to invite: experts on the topic (best evidence first; those at the schools concerned are already
    there and are left out) and the connectors who would introduce them, most experts first; `search` says what
    was searched and, when nobody was found, the nearest topics that have evidence."""

    experts: list[Expert]
    connectors: list[Connector]
    search: ExpertSearch


def suggest(graphs: TrustGraphs, spec: ChallengeSpec, *, extra_synonyms: Iterable[tuple[str, str]] = (),
            top: int = 10, allowed: Callable[[str], bool] | None = None) -> Suggestions:
    """The `top` experts on the challenge's topic who work elsewhere than the schools concerned (and whom the
    user may see, by `allowed`), each with the shortest chain from the nearest person at one of those schools;
    and the people on those chains (but the expert), ranked by how many of those experts they lead to, then by
    being at a school concerned. The topic is read as the expertise finder reads it, preferring the phase the
    topic, else the title or description ("Year 5"), else the schools concerned (when they share one) name."""
    concerned = set(spec.schools)
    search = find_expertise(graphs, spec.topic, schools=tuple(spec.schools),
                            phase=phase_named(f"{spec.title} {spec.description}"), extra_synonyms=extra_synonyms,
                            limit=len(graphs.soft))
    experts = [e for e in search.experts if graphs.school_of.get(e.staff_id) not in concerned
               and (allowed is None or allowed(e.staff_id))][:top]
    leads_to: dict[str, list[str]] = defaultdict(list)
    for expert in experts:
        for person in expert.chain[:-1]:
            leads_to[person].append(expert.staff_id)
    connectors = sorted((Connector(p, tuple(e), graphs.school_of.get(p) in concerned) for p, e in leads_to.items()),
                        key=lambda c: (-len(c.experts), not c.at_school, c.staff_id))
    return Suggestions(experts, connectors[:top], search)


@dataclass(frozen=True)
class Seed:
    """One of a challenge's seeds: who, why they may be chosen (evidence of the topic, works at a school
    concerned, or both) and how many colleagues they reach within two steps on their own."""

    staff_id: str
    expert: bool
    at_school: bool
    reaches: int


@dataclass(frozen=True)
class Seeds:
    """The people to seed a challenge with (KPP-Pos among those relevant to it): together they reach `reach` of
    the trust's `people` within two steps, `concerned` of them at the schools concerned; `exact` says whether
    every set was searched or the set was chosen greedily."""

    seeds: list[Seed]
    reach: int
    concerned: int
    people: int
    exact: bool


def seed_players(graphs: TrustGraphs, spec: ChallengeSpec, search: ExpertSearch, *, k: int = SEEDS,
                 allowed: Callable[[str], bool] | None = None) -> Seeds:
    """The k people relevant to the challenge who between them reach most colleagues within two steps of the
    soft wiring (KPP-Pos, netmap.analysis.key_players): chosen among everyone with evidence of its topic and the
    staff of the schools concerned (whom the user may see, by `allowed`), since a seed is asked to pass the
    challenge on and should know the topic or need the help; whom they reach is counted over the whole trust."""
    network = graphs.undirected
    concerned = set(spec.schools)
    experts = {e.staff_id for e in search.experts}
    pool = [p for p in network if (p in experts or graphs.school_of.get(p) in concerned)
            and (allowed is None or allowed(p))]
    if not pool:
        return Seeds([], 0, 0, len(network), True)
    chosen = reaching_players(network, min(k, len(pool)), among=pool)
    reached = within_two_steps(network, chosen.people)
    seeds = [Seed(str(p), p in experts, graphs.school_of.get(p) in concerned, two_step_reach(network, [p]))
             for p in sorted(chosen.people, key=lambda p: (-two_step_reach(network, [p]), str(p)))]
    return Seeds(seeds, int(chosen.score), sum(graphs.school_of.get(p) in concerned for p in reached),
                 len(network), chosen.exact)


@dataclass(frozen=True)
class RecordedTie:
    """A collaboration a challenge brought about: who (source) works with whom (target), the kind, the day."""

    challenge_id: int
    source: str
    target: str
    kind: str
    recorded_on: str
    topic: str


def with_recorded_ties(base: Dataset, ties: list[RecordedTie]) -> Dataset:
    """`base` with the recorded ties added as collaborations (weight 1, observed on the day recorded, the
    challenge's topic and id beside), for a new snapshot; ChallengeError for a person or kind it does not know."""
    staff, kinds = set(base.staff["staff_id"]), set(known_tie_kinds(base))
    for tie in ties:
        missing = [p for p in (tie.source, tie.target) if p not in staff]
        if missing:
            raise ChallengeError(f"Challenge {tie.challenge_id}: {', '.join(missing)} is not in the latest "
                                 "snapshot's staff; remove the tie or load a snapshot that has them.")
        if tie.kind not in kinds:
            raise ChallengeError(f"Challenge {tie.challenge_id}: the kind {tie.kind!r} is not declared in the latest "
                                 "snapshot; declare it in tie_kinds.csv or record the tie as another kind.")
    added = pd.DataFrame({"source_staff_id": [t.source for t in ties], "target_staff_id": [t.target for t in ties],
                          "kind": [t.kind for t in ties], "weight": 1.0,
                          "observed_on": [t.recorded_on for t in ties], "topic": [t.topic for t in ties],
                          "challenge": [str(t.challenge_id) for t in ties]})
    tables = dict(base.tables())
    tables["collaborations"] = pd.concat([base.collaborations, added], ignore_index=True)
    return Dataset.from_tables(tables)
