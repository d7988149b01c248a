"""Communities are shown only when Louvain runs over 10 seeds agree (docs/metrics.md, "Stable communities only"):
two cliques joined by one tie are stable, with their exact membership; a random graph is not, and shows none."""

from __future__ import annotations

import itertools
from math import comb
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from netmap.analysis import analyse
from netmap.analysis.communities import (
    COMMUNITY_SEEDS,
    community_stability,
    louvain_communities,
    partition_agreement,
    stability_of,
    stability_sentence,
)
from netmap.analysis.compare import Snapshot as Side
from netmap.analysis.compare import compare
from netmap.analysis.engine import with_community_stability
from netmap.analysis.stored import analysis_from_parts, analysis_to_parts
from netmap.cli import main
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.trusts import random_trust, two_cliques
from tests.web_helpers import login, make_app

AS_OF = "2026-07-01"
UNSTABLE = ("This trust has no stable informal clusters: 10 runs of community detection with different seeds agree "
            "0.41 (mean adjusted Rand index; 0.8 needed), so none is shown. Informal collaboration does not form "
            "lasting sub-groups; do not plan around clusters.")


def _analysis(folder: Path):  # type: ignore[no-untyped-def]
    return analyse(build_graphs(read_trust(folder)[0], AS_OF))


def test_two_cliques_joined_by_one_tie_are_stable_and_shown(tmp_path: Path) -> None:
    result = _analysis(two_cliques(tmp_path / "cliques"))
    assert result.summary["communities"] == {"seeds": 10, "agreement": 1.0, "threshold": 0.8, "stable": True}
    members: dict[int, set[str]] = {}
    for person, number in zip(result.staff["staff_id"], result.staff["community"], strict=True):
        members.setdefault(int(number), set()).add(person)
    assert members == {1: {f"a{i}" for i in range(6)}, 2: {f"b{i}" for i in range(6)}}
    assert stability_sentence(result.summary) == (
        "Informal clusters are stable: 10 runs of community detection with different seeds agree 1.00 (mean "
        "adjusted Rand index; 0.8 needed).")


def test_a_random_graph_has_no_stable_clusters_and_shows_none(tmp_path: Path) -> None:
    result = _analysis(random_trust(tmp_path / "random"))
    found = result.summary["communities"]
    assert found["stable"] is False and found["agreement"] == pytest.approx(0.4075, abs=1e-4)
    assert result.staff["community"].isna().all()
    assert result.summary["wiring"]["informal_clusters_without_formal_home"] == []
    assert stability_sentence(result.summary) == UNSTABLE


def test_a_stored_analysis_keeps_its_stability_and_an_old_one_is_measured_on_load(tmp_path: Path) -> None:
    """The stability is kept with the analysis; one kept before it existed loads, and is measured from the graph."""
    folder = random_trust(tmp_path / "random")
    result = _analysis(folder)
    kept = analysis_from_parts(analysis_to_parts(result))
    assert kept.summary["communities"] == result.summary["communities"] and kept.staff["community"].isna().all()
    # an old analysis: its communities (one seed's split) and clusters, no "communities" in its summary
    graphs = build_graphs(read_trust(folder)[0], AS_OF)
    old = analysis_from_parts(analysis_to_parts(result))
    del old.summary["communities"]
    assert stability_of(old.summary)["stable"] is None
    assert stability_sentence(old.summary).startswith("Informal clusters are not shown: this analysis was kept")
    old.staff["community"] = old.staff["staff_id"].map(louvain_communities(graphs.undirected, seed=42))  # as kept
    upgraded = with_community_stability(old, graphs.undirected, seed=42)
    assert upgraded.summary["communities"] == result.summary["communities"]
    assert upgraded.staff["community"].isna().all()


def _brute_ari(a: list[int], b: list[int]) -> float:
    """Hubert and Arabie's adjusted Rand index by counting every pair of people."""
    pairs = list(itertools.combinations(range(len(a)), 2))
    both = sum(1 for i, j in pairs if a[i] == a[j] and b[i] == b[j])
    in_a = sum(1 for i, j in pairs if a[i] == a[j])
    in_b = sum(1 for i, j in pairs if b[i] == b[j])
    expected = in_a * in_b / comb(len(a), 2)
    top = (in_a + in_b) / 2
    return 1.0 if top == expected else (both - expected) / (top - expected)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ([0, 0, 1, 2], [0, 0, 1, 1], 0.5714285714285715),  # scikit-learn's adjusted_rand_score documentation
    ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
    ([0, 0, 0, 0], [0, 0, 0, 0], 1.0),  # undefined, counted as agreement (as scikit-learn does)
    ([0, 1, 2, 3], [0, 1, 2, 3], 1.0),
    ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
])
def test_agreement_of_two_runs_by_hand(a: list[int], b: list[int], expected: float) -> None:
    assert partition_agreement([a, b]) == pytest.approx(expected)


@settings(deadline=None, derandomize=True)  # no timing in tests; the same examples every run
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=12))
def test_agreement_equals_pair_counting(labels: list[tuple[int, int]]) -> None:
    a, b = [x for x, _ in labels], [y for _, y in labels]
    assert partition_agreement([a, b]) == pytest.approx(_brute_ari(a, b))


def test_agreement_is_the_mean_over_every_pair_of_runs() -> None:
    runs = [[0, 0, 1, 1], [0, 0, 1, 1], [0, 1, 0, 1]]
    assert partition_agreement(runs) == pytest.approx((1.0 - 0.5 - 0.5) / 3)
    assert community_stability(runs)["stable"] is False and COMMUNITY_SEEDS == 10
    assert community_stability([[0], [0]]) == {"seeds": 10, "agreement": None, "threshold": 0.8, "stable": True}


def test_compare_follows_communities_only_when_both_snapshots_are_stable(tmp_path: Path) -> None:
    """Compare: two stable snapshots are followed; an unstable one is named in the sentence and nothing is listed."""
    stable, unstable = (build_graphs(read_trust(make(tmp_path / name))[0], AS_OF)
                        for name, make in (("cliques", two_cliques), ("random", random_trust)))
    sides = {name: Side(g, analyse(g)) for name, g in (("stable", stable), ("unstable", unstable))}
    same = compare(sides["stable"], sides["stable"])
    assert same.summary["communities"] == {"compared": True, "note": None, "events": {
        "continued": 2, "merged": 0, "split": 0, "regrouped": 0, "born": 0, "dissolved": 0}}
    lost = compare(sides["unstable"], sides["unstable"])
    assert lost.communities.empty and lost.summary["communities"]["compared"] is False
    assert lost.summary["communities"]["note"] == (
        "Informal communities are not compared: the trust has no stable informal clusters on 2026-07-01 and "
        "2026-07-01, so there is nothing lasting to follow.")


def test_pages_say_plainly_that_there_are_no_stable_clusters(tmp_path: Path) -> None:
    """The dashboard and the hard and soft wiring page, for a role that sees names and one that sees aggregates."""
    app = make_app(tmp_path, read_trust(random_trust(tmp_path / "random"))[0])
    sentence = escape(UNSTABLE)
    for role in ("admin", "ceo"):
        client = app.test_client()
        login(client, role)
        dashboard, wiring = (client.get(path).get_data(as_text=True) for path in ("/", "/wiring/"))
        assert sentence in dashboard and sentence in wiring
        assert "Cluster 1" not in wiring and "People who collaborate mostly with each other" not in wiring
    client = app.test_client()
    login(client, "admin")
    staff = client.get("/staff/?figures=structure").get_data(as_text=True)
    assert sentence in staff


def test_pages_show_stable_clusters(tmp_path: Path) -> None:
    app = make_app(tmp_path, read_trust(two_cliques(tmp_path / "cliques"))[0])
    client = app.test_client()
    login(client, "admin")
    wiring = client.get("/wiring/").get_data(as_text=True)
    assert "Informal clusters are stable: 10 runs of community detection" in wiring
    assert "People who collaborate mostly with each other" in wiring


def test_commands_say_whether_the_clusters_are_stable(tmp_path: Path) -> None:
    """netmap analyse and netmap compare: the sentence, the counts, and an empty community column in staff.csv."""
    runner = CliRunner()
    for name, make in (("cliques", two_cliques), ("random", random_trust)):
        db = tmp_path / f"{name}.db"
        folder = make(tmp_path / name)
        assert runner.invoke(main, ["load", str(folder), "--as-of", AS_OF, "--db", str(db)]).exit_code == 0
        analysed = runner.invoke(main, ["analyse", "--db", str(db), "--out", str(tmp_path / f"{name}-out")])
        compared = runner.invoke(main, ["compare", AS_OF, AS_OF, "--db", str(db)])
        assert analysed.exit_code == 0 and compared.exit_code == 0, analysed.output + compared.output
        staff = (tmp_path / f"{name}-out" / "staff.csv").read_text().splitlines()
        community = [row.split(",")[staff[0].split(",").index("community")] for row in staff[1:]]
        if name == "random":
            assert UNSTABLE in analysed.output and set(community) == {""}
            assert ("Informal communities are not compared: the trust has no stable informal clusters on "
                    "2026-07-01 and 2026-07-01, so there is nothing lasting to follow.") in compared.output
        else:
            assert "Informal clusters are stable: 10 runs" in analysed.output and set(community) == {"1", "2"}
            assert "Communities: 2 continued, 0 merged, 0 split, 0 regrouped, 0 born, 0 dissolved" in compared.output
