"""The disparity filter (netmap.layout.backbone) on a hand-worked five-school example, checked against the
integral the closed form comes from (no maintained implementation is on PyPI: netbone is not served there)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from netmap.layout.backbone import backbone, disparity_pvalues


def five() -> nx.Graph:
    """a-b 8, a-c 1, a-d 1, b-c 2, d-e 1: strengths a 10, b 10, c 3, d 2, e 1; degrees 3, 2, 2, 2, 1."""
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 8), ("a", "c", 1), ("a", "d", 1), ("b", "c", 2), ("d", "e", 1)])
    return G


# by hand, alpha_ij = (1 - w_ij / s_i) ** (k_i - 1), the smaller of the two ends:
#   a-b: from a (1 - 8/10)^2 = 0.04,   from b (1 - 8/10)^1 = 0.2        -> 0.04
#   a-c: from a (1 - 1/10)^2 = 0.81,   from c (1 - 1/3)^1  = 0.6667     -> 0.6667
#   a-d: from a 0.81,                  from d (1 - 1/2)^1  = 0.5        -> 0.5
#   b-c: from b (1 - 2/10)^1 = 0.8,    from c (1 - 2/3)^1  = 0.3333     -> 0.3333
#   d-e: from d 0.5,                   from e: one link    = 1          -> 0.5
HAND = {("a", "b"): 0.04, ("a", "c"): 2 / 3, ("a", "d"): 0.5, ("b", "c"): 1 / 3, ("d", "e"): 0.5}


def test_pvalues_match_the_hand_calculation() -> None:
    assert disparity_pvalues(five()) == pytest.approx(HAND, abs=1e-12)


def test_pvalues_match_the_integral_of_the_null_model() -> None:
    """Serrano et al.'s eq. 2: alpha_ij = 1 - (k - 1) * integral from 0 to w/s of (1 - x)^(k - 2) dx, integrated
    numerically, on a graph of varied degrees."""
    G = nx.gnm_random_graph(30, 120, seed=3)
    rng = np.random.default_rng(5)
    for u, v in G.edges():
        G[u][v]["weight"] = int(rng.integers(1, 40))
    strength = dict(G.degree(weight="weight"))

    def integral(node: int, w: float) -> float:
        k = G.degree(node)
        if k == 1:
            return 1.0
        x = np.linspace(0.0, w / strength[node], 20001)
        return float(1 - (k - 1) * np.trapezoid((1 - x) ** (k - 2), x))

    found = disparity_pvalues(G)
    for u, v, w in G.edges(data="weight"):
        assert found[(u, v) if str(u) <= str(v) else (v, u)] == pytest.approx(min(integral(u, w), integral(v, w)),
                                                                               abs=1e-7)


def test_backbone_keeps_the_significant_and_each_nodes_strongest_link() -> None:
    # at 0.05 only a-b is significant; d-e stays as e's only link, b-c as c's strongest (c would be left alone)
    assert backbone(five(), alpha=0.05) == {("a", "b"), ("d", "e"), ("b", "c")}
    # at 0.4 b-c is significant too (0.3333), a-c, a-d (0.5, 0.6667) are not; d-e stays as e's only link,
    # which keeps d linked too
    assert backbone(five(), alpha=0.4) == {("a", "b"), ("b", "c"), ("d", "e")}
    # without e, d has one link left: a-d stays, though a-d's p-value is now 0.81 (from a) and 1 (from d)
    G = five()
    G.remove_node("e")
    assert backbone(G, alpha=0.05) == {("a", "b"), ("b", "c"), ("a", "d")}
    assert backbone(five(), alpha=1.0) == set(HAND)  # every p-value below 1 but e's: all kept, d-e as e's only


def test_no_node_is_left_alone_by_the_filter() -> None:
    G = nx.barabasi_albert_graph(150, 4, seed=7)
    rng = np.random.default_rng(7)
    for u, v in G.edges():
        G[u][v]["weight"] = int(rng.pareto(1.5) * 3) + 1
    kept = backbone(G)
    assert len(kept) < G.number_of_edges() / 2  # it thins the hairball
    assert {n for pair in kept for n in pair} == set(G)  # nobody isolated by filtering


def test_isolated_nodes_stay_isolated_and_the_graph_is_not_changed() -> None:
    G = five()
    G.add_node("f")
    before = nx.to_dict_of_dicts(G)
    assert "f" not in {n for pair in backbone(G) for n in pair}
    assert nx.to_dict_of_dicts(G) == before


@pytest.mark.parametrize(("alpha", "message"), [(0, "alpha must be in (0, 1], not 0"),
                                                (1.5, "alpha must be in (0, 1], not 1.5")])
def test_alpha_outside_its_range_is_refused(alpha: float, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        backbone(five(), alpha=alpha)


def test_a_link_without_a_positive_weight_is_refused() -> None:
    G = five()
    G["a"]["b"]["weight"] = 0
    with pytest.raises(ValueError, match="link 'a' - 'b' has weight 0: every link needs a positive 'weight'"):
        disparity_pvalues(G)
