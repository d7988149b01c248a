"""Sensitivity of named lists (netmap.analysis.sensitivity): a broker whose position rests on one respondent's
answers is named only in the draws that keep those answers; a structural broker named by many is named in all."""

from __future__ import annotations

import pandas as pd

from netmap.analysis.options import AnalysisOptions
from netmap.analysis.sensitivity import list_stability, named_lists
from netmap.dataset import Dataset
from netmap.graphs import TrustGraphs, build_graphs

AS_OF = "2026-07-01"


def _trust() -> TrustGraphs:
    """Cliques A (a1-a5), B, E and F, each member naming the others; x (school C) is named by everyone in A and B
    and names nobody: a broker because many say so. y (school G) names e1 and f1 and nobody names y: a broker
    only by y's own answers."""
    groups = {s: [f"{s.lower()}{i}" for i in range(1, 6)] for s in "ABEF"}
    people = [p for members in groups.values() for p in members] + ["x", "y"]
    school = {p: p[0].upper() for p in people} | {"x": "C", "y": "G"}
    ties = [(a, b) for members in groups.values() for a in members for b in members if a != b]
    ties += [(p, "x") for p in groups["A"] + groups["B"]] + [("y", "e1"), ("y", "f1")]
    dataset = Dataset.from_tables({
        "schools": pd.DataFrame({"school_id": sorted(set(school.values())), "name": sorted(set(school.values())),
                                 "phase": "primary"}),
        "staff": pd.DataFrame({"staff_id": people, "school_id": [school[p] for p in people], "role": "teacher"}),
        "collaborations": pd.DataFrame(ties, columns=["source_staff_id", "target_staff_id"]).assign(
            kind="co-planning", observed_on="2026-06-01")})
    return build_graphs(dataset, AS_OF)


def test_a_broker_on_one_respondents_answers_is_unstable_and_a_structural_one_is_stable() -> None:
    graphs = _trust()
    result = list_stability(graphs, draws=20, seed=1)
    assert {"x", "y"} <= set(result.named["broker"])
    assert all(len(d) == 2 for d in result.dropped)  # 10 % of the 21 who named someone, rounded
    kept_y = sum("y" not in d for d in result.dropped)
    assert 0 < kept_y < 20, "the seed drops y's answers in some draws"
    assert result.survived["broker"]["y"] == kept_y
    assert result.survived["broker"]["x"] == 20
    assert result.sentence("broker", "x") == "in 20 of 20 draws"
    assert result.sentence("broker", "y") == f"in {kept_y} of 20 draws"


def test_lists_match_the_analysis_and_survive_in_full_without_drops() -> None:
    from netmap.analysis import analyse

    graphs = _trust()
    analysis = analyse(graphs)
    lists = named_lists(graphs, AnalysisOptions())
    staff = analysis.staff
    assert lists["broker"] == set(staff.loc[staff["ona_role"] == "broker", "staff_id"])
    assert lists["isolate"] == set(staff.loc[staff["ona_role"] == "isolate", "staff_id"])
    assert lists["disconnected"] == set(staff.loc[staff["is_disconnected"], "staff_id"])
    assert lists["key connector"] == {f"{p}@{s}" for s, held in zip(analysis.schools["school_id"],
                                                                   analysis.schools["key_connectors"], strict=True)
                                      for p in (held or "").split(";") if p}
    whole = list_stability(graphs, draws=5, share=0.0)  # at least one is dropped: never an empty draw
    assert all(len(d) == 1 for d in whole.dropped)
    assert list_stability(graphs, draws=3, seed=4).list_share("broker") is not None
