"""Density, centralisation, reciprocity, the E-I test and QAP against hand calculations, exhaustive enumeration
and R's sna (Butts), an independent implementation; the R tests are skipped, with the reason, without R."""

from __future__ import annotations

import itertools
import math
import subprocess
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netmap.analysis import AnalysisOptions, analyse
from netmap.analysis.cohesion import degree_centralization, density, reciprocity, reciprocity_by_kind
from netmap.analysis.mixing import ei_index_tests, ei_index_tests_of, expected_ei_index
from netmap.analysis.qap import graph_correlation, person_qap, qap_test, school_qap
from netmap.graphs import build_graphs
from netmap.hard_wiring import HardWiring
from netmap.ingest.validate import read_trust
from tests.test_brokerage_sna import _have_sna
from tests.trusts import PLANTED

NO_SNA = _have_sna()


def _directed(n: int, p: float, seed: int) -> nx.DiGraph:
    graph = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    nx.set_edge_attributes(graph, {e: {"advice": 1.0} for e in graph.edges()}, "kinds")
    return graph


def _matrix(graph: nx.Graph, order: list[int]) -> np.ndarray:
    return nx.to_numpy_array(graph, nodelist=order, weight=None)


@pytest.mark.parametrize(("graph", "expected"), [
    (nx.star_graph(4), 1.0), (nx.cycle_graph(6), 0.0), (nx.path_graph(3), 1.0), (nx.complete_graph(5), 0.0),
    (nx.path_graph(4), (1 + 0 + 0 + 1) / (3 * 2)), (nx.path_graph(2), None), (nx.empty_graph(5), 0.0)])
def test_degree_centralization_by_hand(graph: nx.Graph, expected: float | None) -> None:
    assert degree_centralization(graph) == (None if expected is None else pytest.approx(expected))


def test_reciprocity_by_hand_and_by_kind() -> None:
    S = nx.DiGraph()
    S.add_edge("a", "b", kinds={"advice": 1.0})
    S.add_edge("b", "a", kinds={"co-planning": 1.0})
    S.add_edge("a", "c", kinds={"advice": 1.0, "co-planning": 1.0})
    S.add_edge("c", "a", kinds={"advice": 1.0})
    S.add_edge("x", "y", kinds={"advice": 1.0})
    assert reciprocity(S) == pytest.approx(4 / 5)  # a<->b, a<->c returned; x->y not
    assert reciprocity(S, "advice") == pytest.approx(2 / 4)  # a->c and c->a; a->b, x->y unanswered
    assert reciprocity(S, "co-planning") == 0.0
    assert reciprocity(S, "coaching") is None
    school = {"a": "S", "b": "S", "c": "S", "x": "T", "y": "T"}
    assert reciprocity_by_kind(S, school) == {("S", "advice"): 2 / 3, ("S", "co-planning"): 0.0,
                                              ("T", "advice"): 0.0}
    # a non-respondent (c) could not name back: their pairs are left out
    assert reciprocity_by_kind(S, school, respondents={"a", "b", "x", "y"})[("S", "advice")] == 0.0


def test_expected_ei_index_is_the_e_i_index_of_the_complete_graph() -> None:
    """Random mixing at any density has the ties' mix of the complete graph: every possible pair equally likely."""
    school_of = {v: "A" if v < 3 else "B" if v < 8 else "C" for v in range(10)}
    complete = ei_index_tests(nx.complete_graph(10), school_of, permutations=0)
    for school, size in (("A", 3), ("B", 5), ("C", 2)):
        assert complete[school].observed == pytest.approx(expected_ei_index(size, 10))
    assert expected_ei_index(3, 10) == pytest.approx((21 - 3) / (21 + 3))
    assert expected_ei_index(10, 10) == -1.0 and expected_ei_index(1, 10) == 1.0


def test_ei_p_value_equals_exhaustive_enumeration_of_relabellings() -> None:
    """Every way to give 8 people to schools of 4, 2 and 2 is equally likely under random mixing: the exact
    p-value is the share of them at least as far from the expected value; 20,000 shuffles come within 4 SE."""
    graph = nx.Graph([(0, 1), (1, 2), (2, 3), (0, 3), (0, 2), (4, 5), (3, 4), (6, 7), (5, 6)])
    school_of = {0: "A", 1: "A", 2: "A", 3: "A", 4: "B", 5: "B", 6: "C", 7: "C"}
    found = ei_index_tests(graph, school_of, permutations=20_000, seed=3)
    people = list(range(8))
    for school in ("A", "B", "C"):
        size = sum(1 for s in school_of.values() if s == school)
        expected = expected_ei_index(size, 8)
        observed = found[school].observed
        assert observed is not None
        extreme = total = 0
        for members in itertools.combinations(people, size):
            inside = sum(1 for a, b in graph.edges() if a in members and b in members)
            outside = sum(1 for a, b in graph.edges() if (a in members) != (b in members))
            total += 1
            if inside + outside and abs((outside - inside) / (inside + outside) - expected) >= abs(
                    observed - expected) - 1e-12:
                extreme += 1
        exact = extreme / total
        p = found[school].p_value
        assert p is not None
        assert found[school].expected == pytest.approx(expected)
        assert abs(p - exact) <= 4 * math.sqrt(exact * (1 - exact) / 20_000) + 1e-4, school
    assert found["A"].observed == pytest.approx((1 - 5) / 6)  # five ties inside, 3-4 outside


def test_person_qap_equals_the_dense_qap_test() -> None:
    """The count-based person x person test gives the dense matrices' correlation and, with the same seed and
    relabellings, the same p-value."""
    graph = nx.gnp_random_graph(30, 0.15, seed=5)
    members = [(v, f"G{v % 4}") for v in range(0, 30, 2)] + [(v, "G9") for v in range(1, 12, 3)]
    hard = HardWiring(range(30), members)
    order = sorted(graph, key=str)  # person_qap relabels people in order of id
    at = {v: k for k, v in enumerate(order)}
    H = np.zeros((30, 30))
    for a, b, _ in hard.links(order):
        H[at[a], at[b]] = H[at[b], at[a]] = 1
    dense = qap_test(_matrix(graph, order), H, permutations=499, seed=11)
    counted = person_qap(graph, hard, permutations=499, seed=11)
    assert counted.correlation == pytest.approx(dense.correlation, abs=1e-12)
    assert counted.p_value == dense.p_value and counted.permutations == 499


def test_qap_without_variation_has_no_correlation() -> None:
    assert graph_correlation(np.zeros((4, 4)), np.ones((4, 4)) - np.eye(4)) is None
    assert qap_test(np.zeros((4, 4)), np.zeros((4, 4))).p_value is None


def test_planted_trust_schools_table() -> None:
    """A: triangle a1 a2 a3 plus a4 (4 staff, 3 inside ties); B: path b1-b2-b3; C: c1-c2. N = 11 in post."""
    dataset, _ = read_trust(PLANTED)
    schools = analyse(build_graphs(dataset, "2026-07-01")).schools.set_index("school_id")
    assert schools.at["A", "density"] == pytest.approx(3 / 6)
    assert schools.at["A", "degree_centralization"] == pytest.approx((0 + 0 + 0 + 2) / (3 * 2))
    assert schools.at["B", "density"] == pytest.approx(2 / 3)
    assert schools.at["B", "degree_centralization"] == pytest.approx(1.0)
    assert math.isnan(schools.at["C", "degree_centralization"])
    assert schools.at["A", "reciprocity"] == 0.0  # a1->a2, a2->a3, a3->a1: nobody named back
    assert schools.at["A", "ei_expected"] == pytest.approx((4 * 7 - 6) / (4 * 7 + 6))
    assert 0 < schools.at["A", "ei_p_value"] <= 1
    again = analyse(build_graphs(dataset, "2026-07-01"), AnalysisOptions(permutations=99))
    assert again.schools.set_index("school_id").at["A", "ei_p_value"] * 100 == pytest.approx(
        round(again.schools.set_index("school_id").at["A", "ei_p_value"] * 100))  # (1 + count) / 100
    qap = again.summary["wiring"]["qap"]
    assert qap["people"]["permutations"] == qap["schools"]["permutations"] == 99
    # 11 people, 55 pairs: 10 tied, 7 share a group (HEADS 3, MATHS 1, DORM 3), 2 both (a2-b2, a1-c1)
    assert qap["people"]["correlation"] == pytest.approx((55 * 2 - 10 * 7) / math.sqrt(10 * 45 * 7 * 48))


R_SCRIPT = """
suppressPackageStartupMessages(library(sna))
args <- commandArgs(trailingOnly = TRUE)
rows <- list()
for (name in args[-1]) {
  x <- as.matrix(read.csv(file.path(args[1], paste0(name, "-x.csv")), header = FALSE))
  y <- as.matrix(read.csv(file.path(args[1], paste0(name, "-y.csv")), header = FALSE))
  d <- as.matrix(read.csv(file.path(args[1], paste0(name, "-d.csv")), header = FALSE))
  dimnames(x) <- dimnames(y) <- dimnames(d) <- NULL
  set.seed(1)
  q <- qaptest(list(x, y), gcor, g1 = 1, g2 = 2, reps = 4000, mode = "graph")
  rows[[name]] <- data.frame(name = name, gden = gden(x, mode = "graph"),
                             centralization = centralization(x, degree, mode = "graph"),
                             grecip = unname(grecip(d, measure = "edgewise")),
                             gcor = gcor(x, y, mode = "graph"), pgreq = q$pgreq)
}
write.csv(do.call(rbind, rows), file.path(args[1], "sna.csv"), row.names = FALSE)
"""


@pytest.mark.slow
@pytest.mark.skipif(NO_SNA is not None, reason=NO_SNA or "")
def test_measures_equal_r_sna_on_random_graphs(tmp_path: Path) -> None:
    """gden, centralization, grecip and gcor equal ours to 1e-9; qaptest's pgreq (4,000 reps) equals our p-value
    (4,000 relabellings) within 4 standard errors."""
    cases = {}
    for k, (n, p) in enumerate([(8, 0.3), (12, 0.2), (15, 0.4), (20, 0.15), (25, 0.1)]):
        x = nx.gnp_random_graph(n, p, seed=k)
        y = nx.gnp_random_graph(n, p, seed=100 + k)
        y.add_edges_from(list(x.edges())[::2])  # some overlap, so the correlation is not near 0
        d = _directed(n, p, seed=200 + k)
        order = list(range(n))
        for suffix, matrix in (("x", _matrix(x, order)), ("y", _matrix(y, order)),
                               ("d", nx.to_numpy_array(d, nodelist=order, weight=None))):
            np.savetxt(tmp_path / f"g{k}-{suffix}.csv", matrix, delimiter=",", fmt="%d")
        cases[f"g{k}"] = (x, y, d)
    (tmp_path / "measures.R").write_text(R_SCRIPT, encoding="utf-8")
    subprocess.run(["Rscript", str(tmp_path / "measures.R"), str(tmp_path), *cases], check=True, timeout=600,
                   capture_output=True)
    sna = pd.read_csv(tmp_path / "sna.csv").set_index("name")
    for name, (x, y, d) in cases.items():
        order = list(x)
        assert density(x) == pytest.approx(sna.at[name, "gden"], abs=1e-9)
        assert degree_centralization(x) == pytest.approx(sna.at[name, "centralization"], abs=1e-9)
        assert reciprocity(d) == pytest.approx(sna.at[name, "grecip"], abs=1e-9)
        ours = qap_test(_matrix(x, order), _matrix(y, order), permutations=4000, seed=1)
        assert ours.correlation == pytest.approx(sna.at[name, "gcor"], abs=1e-9)
        assert ours.p_value is not None
        r = float(sna.at[name, "pgreq"])
        assert abs(ours.p_value - r) <= 4 * math.sqrt(max(r * (1 - r), 1e-3) / 4000) * math.sqrt(2) + 1e-3, name


def test_school_qap_reads_the_wiring_table() -> None:
    """Soft ties follow hard links exactly across four schools: correlation 1; pairs missing from wiring are 0."""
    wiring = pd.DataFrame({"school_a": ["A", "A", "B"], "school_b": ["B", "C", "C"], "hard_links": [4, 2, 0],
                           "soft_ties": [8, 4, 0]})
    result = school_qap(wiring, ["A", "B", "C", "D"], permutations=99, seed=1)
    assert result.correlation == pytest.approx(1.0)
    # 4 schools: 24 relabellings, of which only the identity keeps the pattern (B-A-C weighted 4 and 2)
    assert result.p_value is not None and 0.01 <= result.p_value <= 0.12  # exactly 1/24 of relabellings


@pytest.mark.parametrize(("n", "density", "seed"), [(2, 1.0, 0), (9, 0.4, 1), (30, 0.1, 2), (60, 0.05, 3)])
def test_school_qap_equals_the_dense_qap_test(n: int, density: float, seed: int) -> None:
    """The pairs-only school test gives the dense matrices' correlation and, with the same seed and relabellings,
    the same p-value (weighted ties, pairs with one wiring only, schools with neither)."""
    rng = np.random.default_rng(seed)
    schools = [f"S{k:02d}" for k in range(n)]
    rows = [(schools[a], schools[b], int(rng.integers(0, 5)), int(rng.integers(0, 7)))
            for a in range(n) for b in range(a + 1, n) if rng.random() < density]
    wiring = pd.DataFrame(rows, columns=["school_a", "school_b", "hard_links", "soft_ties"])
    soft, hard = np.zeros((n, n)), np.zeros((n, n))
    for a, b, h, s in rows:
        i, j = schools.index(a), schools.index(b)
        hard[i, j] = hard[j, i] = h
        soft[i, j] = soft[j, i] = s
    for order in (schools, schools[::-1]):  # the school order given decides the relabellings, as a matrix's does
        at = [schools.index(s) for s in order]
        dense = qap_test(soft[np.ix_(at, at)], hard[np.ix_(at, at)], permutations=299, seed=seed)
        sparse = school_qap(wiring, order, permutations=299, seed=seed)
        if dense.correlation is None:
            assert sparse.correlation is None and sparse.p_value is None
        else:
            assert sparse.correlation == pytest.approx(dense.correlation, abs=1e-12)
            assert sparse.p_value == dense.p_value and sparse.permutations == 299


def _ei_tests_edge_by_edge(school_of: dict, ties: list, permutations: int, seed: int) -> dict:
    """The E-I permutation test counted tie by tie for every relabelling (netmap's form before it counted only the
    ties inside a school): (observed, p-value) per school, the reference for exact equality."""
    nodes = sorted(school_of, key=str)
    at = {v: k for k, v in enumerate(nodes)}
    edges = np.array([(at[a], at[b]) for a, b in ties], dtype=np.int64).reshape(-1, 2)
    schools = sorted(set(school_of.values()))
    labels = np.array([schools.index(school_of[v]) for v in nodes], dtype=np.int64)

    def ei(lab: np.ndarray) -> np.ndarray:
        a, b = lab[edges[:, 0]], lab[edges[:, 1]]
        inside = np.bincount(a[a == b], minlength=len(schools))
        outside = np.bincount(a[a != b], minlength=len(schools)) + np.bincount(b[a != b], minlength=len(schools))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(inside + outside > 0, (outside - inside) / (inside + outside), np.nan)

    observed = ei(labels)
    sizes = np.bincount(labels, minlength=len(schools))
    expected = np.array([expected_ei_index(int(s), len(nodes)) for s in sizes])
    extreme = np.zeros(len(schools), dtype=np.int64)
    rng = np.random.default_rng(seed)
    for _ in range(permutations):
        extreme += np.abs(ei(rng.permutation(labels)) - expected) >= np.abs(observed - expected) - 1e-12
    return {s: (None if np.isnan(observed[k]) else float(observed[k]),
                None if np.isnan(observed[k]) else float((1 + extreme[k]) / (1 + permutations)))
            for k, s in enumerate(schools)}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ei_index_tests_equal_the_tie_by_tie_count(seed: int) -> None:
    """Counting only the ties inside a school (the rest from degrees) gives exactly the tie-by-tie values and
    p-values, with a self-tie, a repeated tie, a school without ties and people without any."""
    graph = nx.gnp_random_graph(40, 0.08, seed=seed)
    school_of = {v: f"S{v % 7}" if v < 35 else "EMPTY" for v in graph}
    ties = [*graph.edges(), (3, 3), (4, 11), (4, 11)]
    ties = [(a, b) for a, b in ties if school_of[a] != "EMPTY" and school_of[b] != "EMPTY"]
    found = ei_index_tests_of(school_of, ties, permutations=199, seed=seed)
    reference = _ei_tests_edge_by_edge(school_of, ties, 199, seed)
    assert {s: (t.observed, t.p_value) for s, t in found.items()} == reference
    assert found["EMPTY"].observed is None

