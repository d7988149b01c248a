"""Who in the trust knows about a topic, and who can introduce you: everyone in post ranked by the evidence of
their expertise, each with that evidence and the shortest chain of colleagues (by collaboration) from the person
asking, or from a school, to them.

Evidence, and its weight in the score (a lead of a network on the topic is stronger evidence than a subject on
the staff list):
- leads a group (expert network or subject community) on the topic: 4; member of one: 2;
- the topic is among their subjects: 2;
- named by colleagues for the topic in the snapshot's survey answers (an expertise or advice tie whose topic,
  or question, is the topic): 1 for each distinct colleague who named them.
A topic matches case- and accent-insensitively, through synonyms ("mathematics" finds maths), which a trust can
extend with its own (term, means) pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from netmap.graphs import TrustGraphs, active_memberships
from netmap.naming import folded

__all__ = ["SYNONYMS", "EVIDENCE_WEIGHTS", "Expert", "find_expertise", "topic_terms"]

EVIDENCE_WEIGHTS = {"leads": 4, "member": 2, "subject": 2, "named": 1}
# means: the words that mean it (netmap's own subjects and group topics on the left)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "maths": ("mathematics", "math", "numeracy"),
    "english": ("literacy", "english language", "english literature"),
    "early-years": ("eyfs", "early years", "nursery", "reception"),
    "send": ("sen", "special educational needs", "inclusion", "senco"),
    "safeguarding": ("child protection", "dsl", "designated safeguarding lead"),
    "data": ("assessment data", "data and assessment", "tracking"),
    "science": ("biology", "chemistry", "physics"),
    "languages": ("mfl", "modern foreign languages", "french", "spanish", "german"),
    "computing": ("ict", "computer science"),
    "it": ("ict", "technology support"),
    "pe": ("physical education", "sport", "sports"),
    "re": ("religious education", "rs", "religious studies"),
    "design-technology": ("dt", "design and technology", "design technology"),
    "pastoral": ("behaviour", "wellbeing"),
    "phonics": ("early reading", "synthetic phonics"),
    "curriculum": ("curriculum design",),
    "school-improvement": ("school improvement", "improvement"),
}


@dataclass(frozen=True)
class Expert:
    staff_id: str
    score: int
    evidence: tuple[str, ...]
    times_named: int
    chain: tuple[str, ...]  # staff ids from the start (the person asking, or someone at the school) to them


def _norm(text: str) -> str:
    return " ".join(folded(text).replace("-", " ").replace("_", " ").split())


def topic_terms(topic: str, extra: Iterable[tuple[str, str]] = ()) -> set[str]:
    """Every normalised term that means `topic`: itself, what it is a synonym of, and that one's synonyms
    (netmap's and the trust's own `extra` (term, means) pairs)."""
    groups: dict[str, set[str]] = {_norm(k): {_norm(k), *(_norm(v) for v in vs)} for k, vs in SYNONYMS.items()}
    for term, means in extra:
        groups.setdefault(_norm(means), {_norm(means)}).add(_norm(term))
    wanted = _norm(topic)
    terms = {wanted}
    for members in groups.values():
        if wanted in members:
            terms |= members
    return terms


def _matches(value: object, terms: set[str]) -> bool:
    return isinstance(value, str) and _norm(value) in terms


def _mentions(text: str, terms: set[str]) -> bool:
    """Whether `text` holds one of `terms` as whole words ("RE community" mentions re; "careers" does not)."""
    padded = f" {_norm(text)} "
    return any(f" {t} " in padded for t in terms)


def find_expertise(graphs: TrustGraphs, topic: str, *, start: str | None = None, school: str | None = None,
                   schools: tuple[str, ...] = (), extra_synonyms: Iterable[tuple[str, str]] = (),
                   limit: int = 20) -> list[Expert]:
    """The `limit` people in post with the most evidence of expertise in `topic` (none without evidence), the
    person asking (`start`) left out; each with the chain from `start`, or from the nearest person at `school`
    (or at any of `schools`)."""
    terms = topic_terms(topic, extra_synonyms)
    dataset = graphs.dataset
    people = set(graphs.soft)
    evidence: dict[str, list[str]] = {p: [] for p in people}
    score: dict[str, int] = dict.fromkeys(people, 0)
    groups = dataset.groups.set_index("group_id")
    on_topic = {g for g, row in groups.iterrows()
                if _matches(row.get("subject"), terms) or _mentions(str(row["name"]), terms)}
    members = active_memberships(dataset, graphs.as_of)
    for person, group, role in zip(members["staff_id"], members["group_id"], members["role"], strict=True):
        if group in on_topic and person in people:
            lead = role == "lead"
            score[person] += EVIDENCE_WEIGHTS["leads" if lead else "member"]
            evidence[person].append(f"{'leads' if lead else 'member of'} {groups.at[group, 'name']}")
    for person, data in graphs.soft.nodes(data=True):
        for subject in data.get("subjects", ()):
            if _matches(subject, terms):
                score[person] += EVIDENCE_WEIGHTS["subject"]
                evidence[person].append(f"subject: {subject}")
    named = _named_for(graphs, terms)
    for person, sources in named.items():
        if person in people:
            score[person] += EVIDENCE_WEIGHTS["named"] * len(sources)
            evidence[person].append(f"named by {len(sources)} colleague{'s' if len(sources) != 1 else ''} for it")
    ranked = sorted((p for p in people if score[p] > 0 and p != start),
                    key=lambda p: (-score[p], -len(named.get(p, ())), str(graphs.soft.nodes[p].get("name", p)), p))
    origins = {school} if school else set(schools)
    starts = [start] if start else sorted(p for p in people if graphs.school_of.get(p) in origins)
    paths = _paths_from(graphs.undirected, starts)
    return [Expert(p, score[p], tuple(evidence[p]), len(named.get(p, ())), tuple(paths.get(p, ())))
            for p in ranked[:limit]]


def _named_for(graphs: TrustGraphs, terms: set[str]) -> dict[str, set[str]]:
    """Who was named by whom for the topic: expertise or advice ties (source asked, target answers) whose topic
    or question column names it, counted within the snapshot's tie window like every tie."""
    ties = graphs.dataset.collaborations
    if not len(ties) or not {"topic", "question"} & set(ties.columns):
        return {}
    about = pd.Series(False, index=ties.index)
    for column in ("topic", "question"):
        if column in ties.columns:
            about |= ties[column].map(lambda v: _matches(v, terms))
    chosen = ties[about & ties["kind"].isin(["expertise", "advice"])]
    named: dict[str, set[str]] = {}
    for source, target in zip(chosen["source_staff_id"], chosen["target_staff_id"], strict=True):
        if graphs.soft.has_edge(source, target):
            named.setdefault(target, set()).add(source)
    return named


def _paths_from(graph: nx.Graph, starts: list[str]) -> Mapping[str, list[str]]:
    """The shortest chain from any of `starts` to everyone reachable (one breadth-first search)."""
    present = [s for s in starts if s in graph]
    if not present:
        return {}
    paths: Mapping[str, list[str]] = nx.multi_source_dijkstra_path(graph, set(present), weight=None)
    return paths
