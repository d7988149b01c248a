"""The E-I index of each school against random mixing: its expected value for the school's size and a
permutation p-value (Krackhardt and Stern's test, as UCINET runs it)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt

__all__ = ["EITest", "ei_index_tests", "ei_index_tests_indexed", "ei_index_tests_of", "expected_ei_index"]


@dataclass(frozen=True)
class EITest:
    """One school's E-I index, its value expected under random mixing, and the two-sided permutation p-value."""

    observed: float | None
    expected: float
    p_value: float | None


def expected_ei_index(size: int, people: int) -> float:
    """E-I index a school of `size` people would have if its ties fell at random among `people` in all.

    Parameters
    ----------
    size : int
        Staff of the school (at least 1).
    people : int
        Staff of the trust (at least `size`).

    Returns
    -------
    float
        (P_E - P_I) / (P_E + P_I), with P_E = size (people - size) the possible outside pairs and
        P_I = size (size - 1) / 2 the possible inside ones: ties counted as netmap counts them (an inside tie
        once), so a small school is expected to look outward (near +1) and one holding most of the trust inward.
        -1 when the school is the whole trust.
    """
    outside, inside = size * (people - size), size * (size - 1) / 2
    return (outside - inside) / (outside + inside) if outside + inside else -1.0


def ei_index_tests(G: nx.Graph, school_of: Mapping[Hashable, str], permutations: int = 999,
                   seed: int = 7) -> dict[str, EITest]:
    """The E-I index of each school with its expected value and a permutation p-value.

    Parameters
    ----------
    G : nx.Graph
        U: every person in post, tied where they collaborate.
    school_of : mapping
        Where each person works.
    permutations : int
        Random relabellings: the staff's schools are shuffled (each school keeps its size) and each school's
        E-I index recomputed on the same ties.
    seed : int
        Seed of NumPy's generator, so the p-values repeat.

    Returns
    -------
    dict
        school -> EITest. ``p_value``: (1 + relabellings whose E-I index lies at least as far from the expected
        value as the observed one) / (1 + permutations), two-sided; None when the school has no tie.

    Notes
    -----
    UCINET's E-I permutation test (Krackhardt and Stern 1988; Borgatti, Everett and Johnson 2013). A relabelling
    that leaves a school with no tie has no E-I index and never counts as extreme. O(permutations (n + m)).
    """
    return ei_index_tests_of(dict(school_of), G.edges(), permutations, seed)


def ei_index_tests_of(school_of: Mapping[Hashable, str], ties: Iterable[tuple[Hashable, Hashable]],
                      permutations: int = 999, seed: int = 7) -> dict[str, EITest]:
    """`ei_index_tests` from each person's school (every person in post) and the ties of U: the form the engine
    gathers from its batches. People are taken in order of id, so the relabellings repeat however the trust was
    split into batches."""
    nodes = sorted(school_of, key=str)
    index = {v: k for k, v in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b in ties], dtype=np.int64).reshape(-1, 2)
    return ei_index_tests_indexed([school_of[v] for v in nodes], edges, permutations, seed)


def ei_index_tests_indexed(schools_of: Sequence[str], edges: npt.NDArray[np.integer], permutations: int = 999,
                           seed: int = 7) -> dict[str, EITest]:
    """`ei_index_tests_of` with people as positions: `schools_of[k]` where person k works (people in order of id,
    as the relabellings draw them) and `edges` the ties of U as m x 2 positions, in any order.

    Notes
    -----
    A relabelling keeps each school's size and moves whole people, so a school's ties E + 2 I are the sum of its
    people's degrees, and only the ties whose ends share a school (I) need the m edges compared: one comparison
    of the ends' schools a relabelling and a count over the people, in integers, as the edge-by-edge count gives.
    """
    schools = sorted(set(schools_of))
    code = {s: k for k, s in enumerate(schools)}
    small = np.int16 if len(schools) < 2**15 else np.int32
    labels = np.array([code[s] for s in schools_of], dtype=small)
    n = len(labels)
    ends = np.asarray(edges, dtype=np.int64).reshape(-1, 2).astype(np.int32 if n < 2**31 else np.int64)
    heads, tails = ends[:, 0].copy(), ends[:, 1].copy()
    degree = np.bincount(ends.ravel(), minlength=n)
    observed = _ei_of(labels, heads, tails, degree, len(schools))
    sizes = np.bincount(labels, minlength=len(schools))
    expected = np.array([expected_ei_index(int(s), n) for s in sizes])
    extreme = np.zeros(len(schools), dtype=np.int64)
    distance = np.abs(observed - expected) - 1e-12  # equal values count as extreme whatever the rounding
    rng = np.random.default_rng(seed)
    for _ in range(permutations):
        shuffled = _ei_of(rng.permutation(labels), heads, tails, degree, len(schools))
        extreme += np.abs(shuffled - expected) >= distance  # NaN (no tie) compares False
    return {s: EITest(None if np.isnan(observed[k]) else float(observed[k]), float(expected[k]),
                      None if np.isnan(observed[k]) else float((1 + extreme[k]) / (1 + permutations)))
            for k, s in enumerate(schools)}


def _ei_of(labels: np.ndarray, heads: np.ndarray, tails: np.ndarray, degree: np.ndarray,
           groups: int) -> npt.NDArray[np.float64]:
    """(E - I) / (E + I) of every group for one labelling; NaN where a group has no tie. E + 2 I is the group's
    degree sum; I counts the edges whose two ends' labels are equal."""
    a = labels[heads]
    internal = np.bincount(a[a == labels[tails]], minlength=groups)
    ends = np.bincount(labels, weights=degree, minlength=groups).astype(np.int64)  # exact: sums below 2^53
    external = ends - 2 * internal
    total = internal + external
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (external - internal) / total, np.nan)
