"""Key-player sets (Borgatti 2006): the k people whose leaving would most fragment the soft wiring (KPP-Neg), and
the k people who reach most colleagues within two steps (KPP-Pos).

Both search every set of k people when there are at most `exact_sets` of them (every k up to 3 on 25 people)
and otherwise choose greedily, then improve by swaps. Each result says which it is.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

__all__ = ["EXACT_SETS", "KeyPlayers", "fragmentation", "fragmenting_players", "pairs_cut_apart",
           "reaching_players", "two_step_reach", "within_two_steps"]

EXACT_SETS = 3_000  # sets of k people searched exhaustively: C(25, 3) = 2,300 takes about a second


@dataclass(frozen=True)
class KeyPlayers:
    """A key-player set: the people (by id), the score with them (fragmentation, or colleagues reached), the
    score with nobody chosen, and whether the set is the best possible (exhaustive search) or greedy."""

    people: tuple[Hashable, ...]
    score: float
    baseline: float
    exact: bool


def fragmentation(G: nx.Graph, removed: Collection[Hashable] = ()) -> float:
    """Borgatti's fragmentation of undirected G once `removed` have left: the share of pairs of the people left
    who can no longer reach each other.

    Parameters
    ----------
    G : nx.Graph
        Undirected.
    removed : collection
        People taken out.

    Returns
    -------
    float
        1 - sum over components of s (s - 1) / (n (n - 1)), n the people left: 0 when everyone can reach
        everyone, 1 when nobody can reach anyone (and with fewer than two people left).

    References
    ----------
    Borgatti, S. P. (2006). Identifying sets of key players in a social network. Computational and Mathematical
    Organization Theory 12, 21-34.
    """
    gone = set(removed)
    left = nx.restricted_view(G, gone, []) if gone else G
    n: int = left.number_of_nodes()
    if n < 2:
        return 1.0
    joined: int = sum(len(c) * (len(c) - 1) for c in nx.connected_components(left))
    return 1 - joined / (n * (n - 1))


def pairs_cut_apart(G: nx.Graph, removed: Collection[Hashable]) -> int:
    """Pairs of the people left who can reach each other in undirected G today but not once `removed` leave."""
    gone = set(removed)
    before = sum(math.comb(len(c - gone), 2) for c in nx.connected_components(G))
    after = sum(math.comb(len(c), 2) for c in nx.connected_components(nx.restricted_view(G, gone, [])))
    return before - after


def two_step_reach(G: nx.Graph, chosen: Iterable[Hashable]) -> int:
    """How many people, besides `chosen`, are within two steps of one of them in undirected G (Borgatti's 2-reach)."""
    return len(within_two_steps(G, chosen))


def within_two_steps(G: nx.Graph, chosen: Iterable[Hashable]) -> set[Hashable]:
    """The people, besides `chosen`, within two steps of one of them in undirected G: whom they reach."""
    chosen = set(chosen)
    return set().union(*(_ball(G, v) for v in chosen)) - chosen if chosen else set()


def fragmenting_players(G: nx.Graph, k: int, *, exact_sets: int = EXACT_SETS) -> KeyPlayers:
    """KPP-Neg: the k people whose leaving most fragments undirected G.

    Parameters
    ----------
    G : nx.Graph
        Undirected (U: who collaborates with whom).
    k : int
        People in the set (at most the people in G).
    exact_sets : int
        Search every set when there are at most this many; otherwise greedy.

    Returns
    -------
    KeyPlayers
        ``score`` the fragmentation without them, ``baseline`` with everyone.

    Notes
    -----
    Greedy takes, k times, the person whose leaving raises fragmentation most (ties by smallest id), then swaps one
    member at a time for the best outsider while that raises it (Borgatti 2006). Each step looks only at
    articulation points and one non-cutting person per component size (every other person's leaving changes
    fragmentation as one of those does), so it costs O(a (n + m)) for a articulation points. Fragmentation is not
    submodular and greedy has no guarantee: on a path of five people the best two leave nobody able to reach
    anyone (1.0), while greedy takes the middle person first and stops at 2/3. With k = 1 it is exact.
    """
    _check(G, k)
    if math.comb(len(G), k) <= exact_sets:
        people = _exhaustive(G, k, lambda chosen: fragmentation(G, chosen))
        return KeyPlayers(people, fragmentation(G, people), fragmentation(G), True)
    left = nx.Graph(G)
    chosen: list[Hashable] = []
    for _ in range(k):
        person = _best_addition(left)
        chosen.append(person)
        left.remove_node(person)
    improved = True
    while improved:  # swap one member at a time for the best outsider, while that raises fragmentation
        improved = False
        for k_th, person in enumerate(list(chosen)):
            others = chosen[:k_th] + chosen[k_th + 1:]
            rest = nx.Graph(G)
            rest.remove_nodes_from(others)
            best = _best_addition(rest)
            if fragmentation(rest, (best,)) > fragmentation(rest, (person,)) + 1e-12:
                chosen[k_th], improved = best, True
    return KeyPlayers(tuple(sorted(chosen, key=str)), fragmentation(G, chosen), fragmentation(G), False)


def reaching_players(G: nx.Graph, k: int, *, among: Collection[Hashable] | None = None,
                     exact_sets: int = EXACT_SETS) -> KeyPlayers:
    """KPP-Pos: the k people who between them reach the most colleagues within two steps of undirected G.

    Parameters
    ----------
    G, k, exact_sets
        As for `fragmenting_players`.
    among : collection, optional
        The people the set may be chosen from (those of them in G; everyone when None); whom they reach is
        counted over all of G.

    Returns
    -------
    KeyPlayers
        ``score`` the colleagues reached (`two_step_reach`), ``baseline`` 0.

    Notes
    -----
    Greedy takes, k times, the person whose two-step circle adds the most people not yet covered (ties by
    smallest id), then swaps one member at a time for the best outsider while that covers more. Covering is
    submodular, so greedy covers at least 1 - 1/e (63 %) of the most people that any k could cover, themselves
    included (Nemhauser, Wolsey and Fisher 1978); it can fall short when the best single person overlaps the two
    who together cover most. With k = 1 it is exact. O(k n d^2) with d the typical degree.
    """
    pool = sorted((v for v in among if v in G) if among is not None else G, key=str)
    _check(G, k, len(pool))
    if math.comb(len(pool), k) <= exact_sets:
        people = _exhaustive(pool, k, lambda chosen: two_step_reach(G, chosen))
        return KeyPlayers(people, two_step_reach(G, people), 0, True)
    balls = {v: _ball(G, v) for v in pool}
    chosen: list[Hashable] = []
    for _ in range(k):
        covered = set().union(*(balls[v] for v in chosen))
        chosen.append(max((v for v in pool if v not in chosen), key=lambda v: len(balls[v] - covered)))
    improved = True
    while improved:  # swap one member at a time for the best outsider, while that reaches more people
        improved = False
        for k_th, person in enumerate(list(chosen)):
            others = chosen[:k_th] + chosen[k_th + 1:]
            covered = set().union(*(balls[v] for v in others))
            best = max((v for v in pool if v not in others), key=lambda v: len(balls[v] - covered))
            if len(balls[best] - covered) > len(balls[person] - covered):
                chosen[k_th], improved = best, True
    return KeyPlayers(tuple(sorted(chosen, key=str)), two_step_reach(G, chosen), 0, False)


def _check(G: nx.Graph, k: int, pool: int | None = None) -> None:
    if not 1 <= k <= (len(G) if pool is None else pool):
        among = "" if pool is None else f" ({pool} of them to choose from)"
        raise ValueError(f"k must be between 1 and the {len(G)} people in the network{among}, not {k}.")


def _exhaustive(G: Iterable[Hashable], k: int,
                score: Callable[[tuple[Hashable, ...]], float]) -> tuple[Hashable, ...]:
    """The set of k of G's people (or of a list of people) with the highest score; among equals, the first in
    order of sorted ids."""
    people = sorted(G, key=str)
    best: tuple[Hashable, ...] = tuple(people[:k])
    top = score(best)
    for chosen in itertools.combinations(people, k):
        value = score(chosen)
        if value > top + 1e-12:
            best, top = chosen, value
    return best


def _best_addition(G: nx.Graph) -> Hashable:
    """The person whose leaving raises G's fragmentation most (ties by smallest id).

    Only articulation points and the smallest-id other person of each component size can differ: any other
    person's leaving shrinks their component by one, as those do. A cut point's leaving is measured on its own
    component only."""
    n: int = len(G)
    components = list(nx.connected_components(G))
    joined = sum(len(c) * (len(c) - 1) for c in components)
    cut = set(nx.articulation_points(G))
    joined_without: dict[Hashable, int] = {}
    for component in components:
        s = len(component)
        others = sorted((v for v in component if v not in cut), key=str)
        if others:
            joined_without[others[0]] = joined - s * (s - 1) + (s - 1) * (s - 2)
        for v in cut & component:
            parts = nx.connected_components(G.subgraph(component - {v}))
            joined_without[v] = joined - s * (s - 1) + sum(len(p) * (len(p) - 1) for p in parts)
    left = max(n - 1, 1) * max(n - 2, 0)
    return min(joined_without, key=lambda v: (joined_without[v] / left if left else 0.0, str(v)))


def _ball(G: nx.Graph, v: Hashable) -> set[Hashable]:
    """`v` and everyone within two steps of them."""
    near = set(G[v])
    ball = {v} | near
    for u in near:
        ball.update(G[u])
    return ball
