"""Do hard and soft wiring overlap beyond chance? QAP: the correlation of two networks on the same people (or
schools) and its p-value against relabelling one of them at random (Krackhardt 1987; R sna's gcor and qaptest)."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from netmap.hard_wiring import HardWiring

__all__ = ["QAPResult", "graph_correlation", "membership_qap", "person_qap", "qap_test", "school_qap",
           "weighted_qap"]

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class QAPResult:
    """The correlation of two networks, its one-sided p-value (at least this high by chance) and the relabellings
    it was measured against."""

    correlation: float | None
    p_value: float | None
    permutations: int


def graph_correlation(X: Matrix, Y: Matrix) -> float | None:
    """Pearson correlation of two symmetric square matrices over their pairs (the diagonal left out).

    Parameters
    ----------
    X, Y : ndarray
        n x n, symmetric (undirected networks: tie counts or 0/1).

    Returns
    -------
    float or None
        The correlation over the n (n - 1) / 2 cells above the diagonal; None when either is constant (or n < 2).

    Notes
    -----
    Same as sna's ``gcor(X, Y, mode="graph")`` (and its default "digraph" mode on symmetric matrices).
    """
    upper = np.triu_indices(len(X), k=1)
    return _pearson(X[upper], Y[upper])


def qap_test(X: Matrix, Y: Matrix, permutations: int = 999, seed: int = 7) -> QAPResult:
    """QAP test of the correlation of two symmetric matrices: rows and columns of Y relabelled at random.

    Parameters
    ----------
    X, Y : ndarray
        n x n, symmetric.
    permutations : int
        Random relabellings of Y.
    seed : int
        Seed of NumPy's generator, so the p-value repeats.

    Returns
    -------
    QAPResult
        ``p_value``: (1 + relabellings whose correlation is at least the observed) / (1 + permutations); None
        with the correlation.

    Notes
    -----
    sna's ``qaptest(list(X, Y), gcor, g1=1, g2=2)`` reports the same tail as ``pgreq`` (without the +1, which
    keeps the estimate a valid p-value). O(permutations n^2).
    """
    observed = graph_correlation(X, Y)
    if observed is None:
        return QAPResult(None, None, permutations)
    upper = np.triu_indices(len(X), k=1)
    x = X[upper]
    rng = np.random.default_rng(seed)
    above = 0
    for _ in range(permutations):
        order = rng.permutation(len(Y))
        value = _pearson(x, Y[np.ix_(order, order)][upper])
        above += value is not None and value >= observed - 1e-12
    return QAPResult(observed, (1 + above) / (1 + permutations), permutations)


def person_qap(G: nx.Graph, hard: HardWiring, permutations: int = 999, seed: int = 7) -> QAPResult:
    """QAP test of soft wiring U against hard wiring H person by person (tied or not; sharing a group or not).

    Parameters
    ----------
    G : nx.Graph
        U over the people in post.
    hard : HardWiring
        Their groups; two people sharing one are linked.
    permutations, seed
        As for `qap_test`; the people of H are relabelled.

    Returns
    -------
    QAPResult

    Notes
    -----
    With 0/1 networks on N people (P = N (N - 1) / 2 pairs), u soft ties, h hard links and o pairs with both,
    the correlation is (P o - u h) / sqrt(u (P - u) h (P - h)): a relabelling keeps u and h and changes only o,
    so the test counts the soft ties whose relabelled ends share a group (`membership_qap`), without building
    the N x N matrices. Equals `qap_test` on the dense matrices.
    """
    nodes: list[Hashable] = sorted(G, key=str)  # in order of id, so the relabellings repeat however G was built
    index = {v: k for k, v in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b in G.edges()], dtype=np.int64).reshape(-1, 2)
    present = set(nodes)
    links = sum(len(hard.co_members(v) & present) for v in nodes if v in hard) // 2
    return membership_qap(edges, [hard.groups_of(v) for v in nodes], links, permutations, seed)


def membership_qap(edges: npt.NDArray[np.int64], groups: Sequence[Collection[Hashable]], links: int,
                   permutations: int = 999, seed: int = 7) -> QAPResult:
    """`person_qap` from plain arrays: what a national snapshot's engine passes without building one graph of
    every person in post.

    Parameters
    ----------
    edges : ndarray
        m x 2, the soft ties (U's edges, each pair once) as positions of people in `groups`.
    groups : sequence
        Each person's groups, in the order the relabellings draw them (person_qap: by id).
    links : int
        Pairs of people sharing at least one group (H's links).
    permutations, seed
        As for `qap_test`.

    Notes
    -----
    Each relabelling counts the ties whose relabelled ends share a group. People hold few groups, so each
    person's group numbers sit in one row of a small padded array and a tie compares the rows of its two ends:
    O(permutations m k^2) for k the most groups one person holds, however many groups the trust has (a bit set
    per person grows with them: 160 words a person for every group of England's academies).
    """
    n = len(groups)
    number: dict[Hashable, int] = {}
    width = max((len(g) for g in groups), default=0)
    left = np.full((n, max(width, 1)), -1, dtype=np.int32)  # padding never equals a group number, nor the right's
    for row, held in enumerate(groups):
        left[row, :len(held)] = [number.setdefault(g, len(number)) for g in sorted(held, key=str)]
    members = _Held(left)
    pairs, soft = n * (n - 1) // 2, len(edges)
    heads, tails = np.ascontiguousarray(edges[:, 0]), np.ascontiguousarray(edges[:, 1])
    observed = _binary_correlation(pairs, soft, links, members.overlap(heads, tails))
    if observed is None:
        return QAPResult(None, None, permutations)
    rng = np.random.default_rng(seed)
    above = 0
    for _ in range(permutations):
        value = _binary_correlation(pairs, soft, links, members.overlap(heads, tails, rng.permutation(n)))
        above += value is not None and value >= observed - 1e-12
    return QAPResult(observed, (1 + above) / (1 + permutations), permutations)


def school_qap(wiring: pd.DataFrame, schools: list[str], permutations: int = 999, seed: int = 7) -> QAPResult:
    """QAP test of soft against hard wiring school by school: soft ties against hard links between each pair.

    Parameters
    ----------
    wiring : DataFrame
        The wiring table (school_a, school_b, hard_links, soft_ties); pairs missing from it have neither.
    schools : list of str
        The schools to compare (staffed ones: a school nobody works at would add only zeros).
    permutations, seed
        As for `qap_test`.

    Notes
    -----
    Equals `qap_test` on the dense school x school matrices (soft X, hard Y relabelled; the same relabellings
    with the same seed), computed from the pairs that have either (`weighted_qap`), never an n x n matrix: at
    every academy in England a dense matrix is 0.9 GB.
    """
    where = {s: k for k, s in enumerate(schools)}
    a = wiring["school_a"].map(where)
    b = wiring["school_b"].map(where)
    keep = (a.notna() & b.notna()).to_numpy()
    a, b = a.to_numpy()[keep].astype(np.int64), b.to_numpy()[keep].astype(np.int64)
    off = a != b  # the diagonal lies outside the pairs compared, and relabelling keeps it there
    low, high = np.minimum(a, b)[off], np.maximum(a, b)[off]
    pairs = pd.DataFrame({"key": low * len(schools) + high,
                          "soft": wiring["soft_ties"].to_numpy()[keep][off].astype(np.int64),
                          "hard": wiring["hard_links"].to_numpy()[keep][off].astype(np.int64)})
    pairs = pairs.drop_duplicates("key", keep="last")  # a pair listed twice: its last row, as a matrix keeps
    return weighted_qap(len(schools), pairs["key"].to_numpy(), pairs["soft"].to_numpy(), pairs["hard"].to_numpy(),
                        permutations, seed)


def weighted_qap(n: int, keys: npt.NDArray[np.int64], x: npt.NDArray[np.int64], y: npt.NDArray[np.int64],
                 permutations: int = 999, seed: int = 7) -> QAPResult:
    """`qap_test` of two symmetric integer networks on `n` nodes given by their nonzero pairs.

    Parameters
    ----------
    n : int
        Nodes (matrix rows).
    keys : ndarray
        Each listed pair (i < j) as i n + j, each once.
    x, y : ndarray
        The two networks' values on those pairs (integers; every pair not listed is 0 in both).
    permutations, seed
        As for `qap_test`: Y's nodes relabelled by ``rng.permutation(n)``, the same draws.

    Notes
    -----
    A relabelling keeps the pairs' count P and the sums and sums of squares of each network over them, so only
    the cross sum changes: the correlation is (P Sxy - Sx Sy) / sqrt((P Sxx - Sx^2) (P Syy - Sy^2)), taken in
    exact integers, with Sxy summed over X's nonzero pairs looked up (relabelled) among Y's.
    O(permutations m log m) for m pairs listed.
    """
    pairs = n * (n - 1) // 2
    with_x, with_y = x != 0, y != 0
    x_keys, x_values = keys[with_x], x[with_x]
    order = np.argsort(keys[with_y])
    y_keys, y_values = keys[with_y][order], y[with_y][order]
    i, j = np.divmod(x_keys, max(n, 1))
    sx, sy = int(x.sum()), int(y.sum())
    spread = (pairs * int((x * x).sum()) - sx * sx) * (pairs * int((y * y).sum()) - sy * sy)
    if pairs < 2 or spread == 0:
        return QAPResult(None, None, permutations)
    scale = float(np.sqrt(float(spread)))

    def correlation(cross: int) -> float:
        return (pairs * cross - sx * sy) / scale

    observed = correlation(int((x * y).sum()))
    rng = np.random.default_rng(seed)
    above = 0
    for _ in range(permutations):
        relabel = rng.permutation(n)
        a, b = relabel[i], relabel[j]
        found = np.minimum(a, b) * n + np.maximum(a, b)
        at = np.minimum(np.searchsorted(y_keys, found), max(len(y_keys) - 1, 0))
        hit = y_keys[at] == found if len(y_keys) else np.zeros(len(found), dtype=bool)
        cross = int((x_values[hit] * y_values[at[hit]]).sum())
        above += correlation(cross) >= observed - 1e-12
    return QAPResult(observed, (1 + above) / (1 + permutations), permutations)


class _Held:
    """Each person's group numbers (a padded row each, -1 after the last) for counting ties whose two ends share
    a group: most people hold one group or none, so a tie first compares its ends' first groups, and only ties
    with an end holding several (and different first groups) compare every group of one end with the other's."""

    def __init__(self, left: npt.NDArray[np.int32]) -> None:
        self.left, self.right = left, np.where(left < 0, -2, left)  # padding never equals a number nor the other's
        self.first = left[:, 0].astype(np.int16 if len(left) and left.max() < 2**15 else np.int32)
        self.several = left[:, 1] >= 0 if left.shape[1] > 1 else np.zeros(len(left), dtype=bool)

    def overlap(self, heads: npt.NDArray[np.integer], tails: npt.NDArray[np.integer],
                relabel: npt.NDArray[np.int64] | None = None) -> int:
        """Ties (heads[k], tails[k]) whose two ends share a group, each person p taken as relabel[p] when given."""
        first, several = (self.first, self.several) if relabel is None else (self.first[relabel],
                                                                             self.several[relabel])
        first_a, first_b = first[heads], first[tails]
        same = first_a == first_b
        grouped = first_a >= 0
        found = int(np.count_nonzero(same & grouped))
        rest = np.flatnonzero(~same & grouped & (first_b >= 0))  # both in some group, first groups differ
        rest = rest[several[heads[rest]] | several[tails[rest]]]
        if not len(rest):
            return found
        people = np.arange(len(first)) if relabel is None else relabel
        ends_a, ends_b = self.left[people[heads[rest]]], self.right[people[tails[rest]]]
        return found + int((ends_a[:, :, None] == ends_b[:, None, :]).any(axis=(1, 2)).sum())


def _binary_correlation(pairs: int, u: int, h: int, both: int) -> float | None:
    spread = u * (pairs - u) * h * (pairs - h)
    return (pairs * both - u * h) / float(np.sqrt(float(spread))) if spread > 0 else None


def _pearson(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float | None:
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])
