"""Inside each school: how dense its collaboration is, how centralised on a few people, how often ties are returned.

Each measure is computed on the school's own subgraph (both ends working at the school), as UCINET and R's sna
compute them for one network, so a school's figure does not depend on the rest of the trust.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Mapping

import networkx as nx

__all__ = ["degree_centralization", "density", "reciprocity", "reciprocity_by_kind", "respondents", "school_cohesion"]


def density(G: nx.Graph) -> float | None:
    """Share of possible pairs of undirected G that are tied.

    Parameters
    ----------
    G : nx.Graph
        Undirected, without self-loops.

    Returns
    -------
    float or None
        2m / (n (n - 1)); None with fewer than two people (no pair to tie).

    Notes
    -----
    Same as ``nx.density`` and sna's ``gden(mode="graph")``.
    """
    n: int = G.number_of_nodes()
    return 2 * G.number_of_edges() / (n * (n - 1)) if n > 1 else None


def degree_centralization(G: nx.Graph) -> float | None:
    """Freeman's degree centralisation of undirected G (as for `density`): how far the ties gather on one person.

    Returns
    -------
    float or None
        From 0 to 1: sum over people of (max degree - degree) / ((n - 1)(n - 2)): 1 for a star, 0 when everyone
        has the same degree; None with fewer than three people (the maximum is 0).

    Notes
    -----
    Same as sna's ``centralization(g, degree, mode="graph")`` (normalised by the star's value). O(n + m).

    References
    ----------
    Freeman, L. C. (1979). Centrality in social networks: conceptual clarification. Social Networks 1, 215-239.
    """
    n: int = G.number_of_nodes()
    if n < 3:
        return None
    degrees: list[int] = [d for _, d in G.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def reciprocity(S: nx.DiGraph, kind: str | None = None) -> float | None:
    """Edgewise reciprocity of the reported ties of directed S: the share of ties whose other person named back.

    Parameters
    ----------
    S : nx.DiGraph
        Ties as reported (source named target); each edge's ``kinds`` maps tie kind to weight.
    kind : str or None
        Only ties of this kind (a tie is returned when the other person named back with the same kind);
        None: any kind.

    Returns
    -------
    float or None
        2 x mutual pairs / ties; None without ties.

    Notes
    -----
    Same as sna's ``grecip(g, measure="edgewise")`` and ``nx.overall_reciprocity``. Only meaningful among
    people who all answered: a non-respondent cannot name back, so callers pass the respondents' subgraph.
    """
    if kind is None:
        edges = set(S.edges())
    else:
        edges = {(a, b) for a, b, kinds in S.edges(data="kinds") if kind in kinds}
    if not edges:
        return None
    return sum(1 for a, b in edges if (b, a) in edges) / len(edges)


def respondents(S: nx.Graph) -> set[Hashable] | None:
    """The people whose `response` is "responded"; None when no one's survey status is known (no respondents
    data), so that reciprocity is then measured over everyone."""
    status = dict(S.nodes(data="response", default="unknown"))
    if all(s == "unknown" for s in status.values()):
        return None
    return {person for person, s in status.items() if s == "responded"}


def school_cohesion(S: nx.DiGraph, undirected: nx.Graph, school_of: Mapping[Hashable, str],
                    respondents: Collection[Hashable] | None = None) -> dict[str, dict[str, float | None]]:
    """Density, degree centralisation and reciprocity of each school's own subgraph.

    Parameters
    ----------
    S : nx.DiGraph
        Ties as reported.
    undirected : nx.Graph
        U: S without direction, over every person in post.
    school_of : mapping
        Where each person works.
    respondents : collection or None
        The people who answered the survey: reciprocity is measured among them only. None: everyone (no
        respondents data).

    Returns
    -------
    dict
        school -> {"density", "degree_centralization", "reciprocity"}, for every school someone works at.
    """
    size: Counter[str] = Counter(school_of[p] for p in undirected)
    inside: Counter[str] = Counter()  # edges with both ends at the school (a self-loop too, as a subgraph keeps it)
    degree: Counter[Hashable] = Counter()  # ties to colleagues at one's own school (a self-loop counts 2)
    for a, b in undirected.edges():
        if school_of[a] == school_of[b]:
            inside[school_of[a]] += 1
            degree[a] += 1
            degree[b] += 1
    answered = set(undirected) if respondents is None else set(respondents)
    named: dict[str, set[tuple[Hashable, Hashable]]] = defaultdict(set)  # each school's answered people's ties
    for a, b in S.edges():
        if a in answered and b in answered and a in undirected and b in undirected and school_of[a] == school_of[b]:
            named[school_of[a]].add((a, b))
    degrees: dict[str, list[int]] = defaultdict(list)
    for person in undirected:
        degrees[school_of[person]].append(degree[person])
    result = {}
    for school, n in size.items():  # the figures of `density`, `degree_centralization`, `reciprocity` on the
        top = max(degrees[school])   # school's own subgraph, from the counts (no subgraph built per school)
        ties = named[school]
        result[school] = {
            "density": 2 * inside[school] / (n * (n - 1)) if n > 1 else None,
            "degree_centralization": sum(top - d for d in degrees[school]) / ((n - 1) * (n - 2)) if n >= 3 else None,
            "reciprocity": sum(1 for a, b in ties if (b, a) in ties) / len(ties) if ties else None}
    return result


def reciprocity_by_kind(S: nx.DiGraph, school_of: Mapping[Hashable, str],
                        respondents: Collection[Hashable] | None = None) -> dict[tuple[str, str], float]:
    """Reciprocity of each school's own ties of each kind (among respondents): (school, kind) -> share.

    Pairs with no tie of the kind are left out. See `reciprocity`."""
    answered = set(S) if respondents is None else set(respondents)
    ties: Counter[tuple[str, str]] = Counter()
    returned: Counter[tuple[str, str]] = Counter()
    for a, b, kinds in S.edges(data="kinds"):
        if school_of[a] != school_of[b] or a not in answered or b not in answered:
            continue
        back = S.get_edge_data(b, a, default={}).get("kinds", {})
        for kind in kinds:
            ties[school_of[a], kind] += 1
            returned[school_of[a], kind] += kind in back
    return {key: returned[key] / n for key, n in sorted(ties.items())}
