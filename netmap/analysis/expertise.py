"""Who in the trust knows about a topic, and who can introduce you: everyone in post ranked by the evidence of
their expertise, each with that evidence and the shortest chain of colleagues (by collaboration) from the person
asking, or from a school, to them.

A request is read as topics (netmap.analysis.topics: synonyms and acronyms a trust can extend, stemming, typing
slips) and, if it says one, a phase ("Year 5 fractions" is maths, primary). Evidence, and its weight (a lead of a
network on the topic is stronger evidence than a subject on the staff list):
- leads a group (expert network or subject community) on the topic: 4; member of one: 2; a former member's
  weight halves every HALF_LIFE_DAYS since they left;
- the topic is among their subjects: 2;
- named by colleagues for the topic in the survey (an expertise or advice tie whose topic, or question, is the
  topic): 1 for each distinct colleague, halving every HALF_LIFE_DAYS since that colleague last named them.
With a phase wanted (from the request, the schools concerned or the asker's school), evidence from the other
phase counts PHASE_FIT["other"] and evidence of no phase (a central team, an all-through school, a group of
every phase) PHASE_FIT["unknown"]. Equal scores are ordered by reach: fewest steps from the asker (or from the
school) first, then most colleagues; never by name. docs/metrics.md ("Finding expertise") says how to read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from netmap.analysis.topics import Reading, Vocabulary, nearest, read_topic, vocabulary
from netmap.graphs import TrustGraphs

__all__ = ["EVIDENCE_WEIGHTS", "HALF_LIFE_DAYS", "PHASE_FIT", "Expert", "ExpertSearch", "evidence_topics",
           "find_expertise"]

EVIDENCE_WEIGHTS = {"leads": 4, "member": 2, "subject": 2, "named": 1}
HALF_LIFE_DAYS = 365  # evidence of a year ago counts half, of two years a quarter
PHASE_FIT = {"same": 1.0, "unknown": 0.75, "other": 0.5}
_NAMED_KINDS = ("expertise", "advice")


@dataclass(frozen=True)
class Expert:
    """Someone with evidence: their score, the evidence in words, how many colleagues named them for it, the chain
    of staff ids from the start (the asker, or someone at the school) to them, and its steps (None: no chain)."""

    staff_id: str
    score: float
    evidence: tuple[str, ...]
    times_named: int
    chain: tuple[str, ...]
    steps: int | None = None


@dataclass(frozen=True)
class ExpertSearch:
    """A search and its answer: what was typed, the topics it was read as (with the terms that mean them), the
    phase preferred, words read as another, the experts best first, and (when nobody was found) the nearest topics
    that have evidence, each with the number of people who have it."""

    query: str
    topics: tuple[str, ...]
    terms: tuple[str, ...]
    phase: str | None
    corrected: tuple[tuple[str, str], ...]
    experts: list[Expert]
    suggestions: list[tuple[str, int]] = field(default_factory=list)

    def searched(self) -> str:
        """What was searched, in words, for a page or a command: "maths (also: mathematics, math, numeracy)"."""
        said = ", ".join(self.topics) or "nothing recognisable"
        others = [t for t in self.terms if t not in self.topics][:8]
        also = f" (also: {', '.join(others)})" if others else ""
        slips = "".join(f"; {typed!r} read as {meant}" for typed, meant in self.corrected)
        phase = f"; {self.phase} evidence preferred" if self.phase else ""
        return f"{said}{also}{slips}{phase}"


def _decay(since: object, as_of: str) -> float:
    """0.5 ** (days since `since` / HALF_LIFE_DAYS); 1 for undated or future evidence."""
    if not isinstance(since, str) or not since:
        return 1.0
    days = (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(since[:10])).days
    return float(0.5 ** (max(days, 0) / HALF_LIFE_DAYS))


def _fit(phase: object, wanted: str | None) -> float:
    if wanted is None:
        return 1.0
    if phase not in ("primary", "secondary"):
        return PHASE_FIT["unknown"]
    return PHASE_FIT["same"] if phase == wanted else PHASE_FIT["other"]


def evidence_topics(graphs: TrustGraphs, vocab: Vocabulary | None = None) -> dict[str, int]:
    """Every topic someone in post has evidence of (a group they are in, a subject, a survey tie's topic), as a
    page shows it, with how many people have it: what a "did you mean" may suggest."""
    vocab = vocab or vocabulary()
    people: dict[str, set[str]] = {}
    read: dict[str, tuple[str, ...]] = {}
    for person, labels in _labels(graphs).items():
        for label in labels:
            if label not in read:
                read[label] = read_topic(label, vocab, label=True).names()
            for concept in read[label]:
                people.setdefault(concept, set()).add(person)
    return {c: len(p) for c, p in people.items()}


def _labels(graphs: TrustGraphs) -> dict[str, set[str]]:
    """Each person in post's evidence labels: their subjects, their groups' subjects and names, their ties' topics."""
    dataset, people = graphs.dataset, set(graphs.soft)
    out: dict[str, set[str]] = {p: set() for p in people}
    for person, data in graphs.soft.nodes(data=True):
        out[person].update(str(s) for s in data.get("subjects", ()))
    about = {g: {v for v in (name, subject) if isinstance(v, str)} for g, name, subject in
             zip(dataset.groups["group_id"], dataset.groups["name"], dataset.groups["subject"], strict=True)}
    for person, group in zip(dataset.memberships["staff_id"], dataset.memberships["group_id"], strict=True):
        if person in out:
            out[person].update(about.get(group, ()))
    ties = dataset.collaborations
    for column in ("topic", "question"):
        if column in ties.columns:
            for target, value in zip(ties["target_staff_id"], ties[column], strict=True):
                if target in out and isinstance(value, str):
                    out[target].add(value)
    return out


def find_expertise(graphs: TrustGraphs, topic: str, *, start: str | None = None, school: str | None = None,
                   schools: tuple[str, ...] = (), phase: str | None = None,
                   extra_synonyms: Iterable[tuple[str, str]] = (), limit: int = 20) -> ExpertSearch:
    """The `limit` people in post with the most evidence of `topic` (none without evidence), the person asking
    (`start`) left out; each with the chain from `start`, or from the nearest person at `school` (or at any of
    `schools`). The phase preferred is the request's own, else `phase`, else that of the asker's school or of
    the schools (when they share one)."""
    vocab = vocabulary().with_terms(extra_synonyms)
    have = evidence_topics(graphs, vocab)
    reading = read_topic(topic, vocab, known=have)
    wanted = reading.phase or phase or _phase_of(graphs, start, school, schools)
    score, evidence, named = _evidence(graphs, reading, wanted, vocab)
    origins = {school} if school else set(schools)
    starts = [start] if start else sorted(p for p in graphs.soft if graphs.school_of.get(p) in origins)
    paths = _paths_from(graphs.undirected, starts)
    degree = dict(graphs.undirected.degree())
    ranked = sorted((p for p in score if score[p] > 0 and p != start),
                    key=lambda p: (-round(score[p], 9), len(paths.get(p, ())) or len(graphs.soft) + 1,
                                   -degree.get(p, 0), str(p)))
    experts = [Expert(p, round(score[p], 2), tuple(evidence[p]), len(named.get(p, ())), tuple(paths.get(p, ())),
                      len(paths[p]) - 1 if p in paths else None) for p in ranked[:limit]]
    terms = tuple(dict.fromkeys(t for c in sorted(reading.concepts)
                                for t in (reading.shown.get(c, c), *vocab.terms.get(c, ()))))
    suggestions = [] if experts else nearest(topic, have, vocab)
    return ExpertSearch(topic, reading.names(), terms, wanted, reading.corrected, experts,
                        suggestions)


def _phase_of(graphs: TrustGraphs, start: str | None, school: str | None, schools: tuple[str, ...]) -> str | None:
    """The phase of the asker's school, or of the schools concerned when they all share one."""
    phases = graphs.dataset.schools.set_index("school_id")["phase"]
    where = {graphs.school_of.get(start)} if start else ({school} if school else set(schools))
    found = {phases.get(s) for s in where if s in phases.index}
    return found.pop() if len(found) == 1 and found <= {"primary", "secondary"} else None


def _evidence(graphs: TrustGraphs, reading: Reading, wanted: str | None,
              vocab: Vocabulary) -> tuple[dict[str, float], dict[str, list[str]], dict[str, set[str]]]:
    """Each person's score, their evidence in words, and who named them for the topic."""
    dataset, as_of = graphs.dataset, graphs.as_of
    people = set(graphs.soft)
    score: dict[str, float] = dict.fromkeys(people, 0.0)
    evidence: dict[str, list[str]] = {p: [] for p in people}
    school_phase = graphs.dataset.schools.set_index("school_id")["phase"].to_dict()

    def phase_of(person: str) -> object:
        return school_phase.get(graphs.school_of.get(person))

    read: dict[str, bool] = {}

    def about(label: object) -> bool:
        if not isinstance(label, str):
            return False
        if label not in read:
            read[label] = bool(read_topic(label, vocab, label=True).concepts & reading.concepts)
        return read[label]

    groups = dataset.groups.set_index("group_id")
    on_topic = {g for g, row in groups.iterrows() if about(row.get("subject")) or about(row["name"])}
    members = dataset.memberships
    left = members["left_on"] if "left_on" in members.columns else pd.Series(None, index=members.index)
    joined = members["joined_on"] if "joined_on" in members.columns else pd.Series(None, index=members.index)
    for person, group, role, start, end in zip(members["staff_id"], members["group_id"], members["role"], joined,
                                               left, strict=True):
        if group not in on_topic or person not in people or (isinstance(start, str) and start > as_of):
            continue
        former = isinstance(end, str) and end <= as_of
        group_phase = groups.at[group, "phase"] if "phase" in groups.columns else None
        weight = EVIDENCE_WEIGHTS["leads" if role == "lead" else "member"] * (_decay(end, as_of) if former else 1)
        score[person] += weight * _fit(group_phase if isinstance(group_phase, str) else phase_of(person), wanted)
        did = ("led" if role == "lead" else "was a member of") if former else \
            ("leads" if role == "lead" else "member of")
        evidence[person].append(f"{did} {groups.at[group, 'name']}" + (f" (left {end})" if former else ""))
    for person, data in graphs.soft.nodes(data=True):
        for subject in data.get("subjects", ()):
            if about(subject):
                score[person] += EVIDENCE_WEIGHTS["subject"] * _fit(phase_of(person), wanted)
                evidence[person].append(f"subject: {subject}")
    named = _named_for(graphs, about)
    for person, sources in named.items():
        if person in people:
            weight = sum(_decay(day, as_of) for day in sources.values())
            score[person] += EVIDENCE_WEIGHTS["named"] * weight * _fit(phase_of(person), wanted)
            latest = max((d for d in sources.values() if d), default="")
            evidence[person].append(f"named by {len(sources)} colleague{'s' if len(sources) != 1 else ''} for it"
                                    + (f" (latest {latest})" if latest else ""))
    return score, evidence, {p: set(s) for p, s in named.items()}


def _named_for(graphs: TrustGraphs, about: Callable[[object], bool]) -> dict[str, dict[str, str]]:
    """Who was named by whom for the topic, with the day they last were: expertise or advice ties (source asked,
    target answers) whose topic or question column names it, counted within the snapshot's tie window."""
    ties = graphs.dataset.collaborations
    if not len(ties) or not {"topic", "question"} & set(ties.columns):
        return {}
    hit = pd.Series(False, index=ties.index)
    for column in ("topic", "question"):
        if column in ties.columns:
            hit |= ties[column].map(about).astype(bool)
    chosen = ties[hit & ties["kind"].isin(_NAMED_KINDS)]
    days = chosen["observed_on"] if "observed_on" in chosen.columns else pd.Series("", index=chosen.index)
    named: dict[str, dict[str, str]] = {}
    for source, target, day in zip(chosen["source_staff_id"], chosen["target_staff_id"], days, strict=True):
        if graphs.soft.has_edge(source, target):
            day = day if isinstance(day, str) else ""
            sources = named.setdefault(target, {})
            sources[source] = max(sources.get(source, ""), day)
    return named


def _paths_from(graph: nx.Graph, starts: list[str]) -> Mapping[str, list[str]]:
    """The shortest chain from any of `starts` to everyone reachable (one breadth-first search)."""
    present = [s for s in starts if s in graph]
    if not present:
        return {}
    paths: Mapping[str, list[str]] = nx.multi_source_dijkstra_path(graph, set(present), weight=None)
    return paths
