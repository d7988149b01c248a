"""Sensitivity of named lists (netmap.analysis.sensitivity): a broker whose position rests on one respondent's
answers is named only in the draws that keep those answers; a structural broker named by many is named in all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netmap.analysis import analyse, analyse_snapshot
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.sensitivity import (
    NOT_COMPUTED,
    list_stability,
    list_stability_in_batches,
    named_lists,
    stability_line,
    with_stability,
    with_stability_of,
)
from netmap.dataset import Dataset
from netmap.graphs import TrustGraphs, build_graphs
from netmap.snapshot import Snapshot
from netmap.store import SQLiteStore
from tests.web_helpers import login, make_app

AS_OF = "2026-07-01"


def _trust() -> TrustGraphs:
    """The graphs of _dataset() on AS_OF."""
    return build_graphs(_dataset(), AS_OF)


def _dataset() -> Dataset:
    """Cliques A (a1-a5), B, E and F, each member naming the others; x (school C) is named by everyone in A and B
    and names nobody: a broker because many say so. y (school G) names e1 and f1 and nobody names y: a broker
    only by y's own answers."""
    groups = {s: [f"{s.lower()}{i}" for i in range(1, 6)] for s in "ABEF"}
    people = [p for members in groups.values() for p in members] + ["x", "y"]
    school = {p: p[0].upper() for p in people} | {"x": "C", "y": "G"}
    ties = [(a, b) for members in groups.values() for a in members for b in members if a != b]
    ties += [(p, "x") for p in groups["A"] + groups["B"]] + [("y", "e1"), ("y", "f1")]
    return Dataset.from_tables({
        "schools": pd.DataFrame({"school_id": sorted(set(school.values())), "name": sorted(set(school.values())),
                                 "phase": "primary"}),
        "staff": pd.DataFrame({"staff_id": people, "name": [f"Person {p.upper()}" for p in people],
                               "school_id": [school[p] for p in people], "role": "teacher"}),
        "collaborations": pd.DataFrame(ties, columns=["source_staff_id", "target_staff_id"]).assign(
            kind="co-planning", observed_on="2026-06-01")})


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


def _kept_y(draws: int = 20) -> int:
    """In how many of the default seed's draws y's own answers stay (so y is still named a broker)."""
    return sum("y" not in d for d in list_stability(_trust(), draws=draws).dropped)


def test_the_kept_analysis_stores_its_stability_and_reloads_it(store: SQLiteStore) -> None:
    info = store.write_snapshot(_dataset(), AS_OF, source="test").snapshot
    told: list[str] = []
    computed = Snapshot(info, store).analyse(progress=lambda step, done, total: told.append(step))
    assert told[-1] == "stability draw 20 of 20"
    kept = Snapshot(info, store).kept_analysis()
    assert kept is not None and kept.stability is not None and computed.stability is not None
    assert kept.stability.equals(computed.stability)
    assert kept.summary["stability"] == computed.summary["stability"]
    rows = kept.stability.set_index(["list", "staff_id"])["stable_in"]
    assert rows["broker", "x"] == 20 and rows["broker", "y"] == _kept_y()
    share = kept.summary["stability"]["lists"]["broker"]
    assert stability_line(kept, "broker") == (f"{round(100 * share)} % of this list survives when 10 % of "
                                              "respondents are dropped at random (20 draws). A name seen in fewer "
                                              "than half the draws rests on a few answers: check it before acting.")


def test_no_draws_is_not_computed_and_an_island_above_the_limit_is_skipped_with_a_message(
        store: SQLiteStore) -> None:
    info = store.write_snapshot(_dataset(), AS_OF, source="test").snapshot
    off = Snapshot(info, store, AnalysisOptions(stability_draws=0)).analyse()
    assert off.stability is None and "stability" not in off.summary
    assert stability_line(Snapshot(info, store).kept_analysis(), "broker") == NOT_COMPUTED  # kept without it
    skipped = with_stability(analyse(_trust()), _trust(), AnalysisOptions(stability_staff_limit=10))  # A, B, x: 11
    assert skipped.stability is None
    assert stability_line(skipped, "broker") == (
        "Stability of named lists not computed: the largest island has 11 staff, above stability_staff_limit (10); "
        "raise it with --set stability_staff_limit=N to compute it (20 betweenness computations).")


def test_the_staff_page_and_its_csv_show_how_stable_each_broker_is(tmp_path: Path) -> None:
    client = make_app(tmp_path, _dataset(), stability=True).test_client()
    login(client, "hr")
    page = client.get("/staff/?ona_role=broker").get_data(as_text=True)
    assert "Stable in" in page
    assert "20 of 20 draws" in page and f"{_kept_y()} of 20 draws" in page
    assert "of this list survives when 10 % of respondents are dropped at random (20 draws)." in page
    csv = client.get("/staff/?ona_role=broker&format=csv").get_data(as_text=True).splitlines()
    header = csv[0].split(",")
    assert "stable_in" in header
    by_id = {line.split(",")[header.index("staff_id")]: line.split(",")[header.index("stable_in")]
             for line in csv[1:]}
    assert by_id["x"] == "20 of 20 draws" and by_id["y"] == f"{_kept_y()} of 20 draws"
    assert "Stable in" not in client.get("/staff/").get_data(as_text=True)  # not a named list: no column
    disconnected = client.get("/staff/?is_disconnected=True").get_data(as_text=True)
    assert "Stable in" in disconnected and "of this list survives when 10 % of respondents" in disconnected
    school = client.get("/schools/A").get_data(as_text=True)  # x holds all of A's outside ties
    assert "Person X</a> <span class=\"muted\">(stable in 20 of 20 draws)</span>" in school
    assert "Across the trust's key connectors: " in school


def test_a_page_over_an_analysis_without_stability_says_so(tmp_path: Path) -> None:
    app = make_app(tmp_path, None)
    with SQLiteStore(tmp_path / "store.db") as store:
        info = store.write_snapshot(_dataset(), AS_OF, source="test").snapshot
        store.write_thresholds(info.snapshot_id, {"stability_draws": "0"})
        Snapshot(info, store).analyse()
    client = app.test_client()
    login(client, "hr")
    page = client.get("/staff/?ona_role=broker").get_data(as_text=True)
    assert "Stability not computed for this analysis" in page


def test_a_view_that_leaves_units_out_spends_no_draws_and_says_so(store: SQLiteStore) -> None:
    """Roles that see aggregates get a narrowed view per hidden set: the draws run once, for the whole trust."""
    from netmap.snapshot import NARROWED, Hidden

    info = store.write_snapshot(_dataset(), AS_OF, source="test").snapshot
    told: list[str] = []
    narrowed = Snapshot(info, store).without(Hidden(schools=frozenset({"B"}))).analyse(
        progress=lambda step, done, total: told.append(step))
    assert narrowed.stability is None and not any(step.startswith("stability draw") for step in told)
    assert stability_line(narrowed, "broker") == NARROWED
    assert Snapshot(info, store).analyse().stability is not None  # the whole trust's analysis still has it


@pytest.mark.parametrize("batch_staff", [1, 12, 1000])
def test_stability_a_batch_of_islands_at_a_time_is_the_whole_graphs_stability(batch_staff: int) -> None:
    """A-B-x and E-F-y are two islands: drawn a batch at a time (each island alone, or both in one batch), the
    draws, the lists and every person's count are those of the whole snapshot's graphs, and the kept table too."""
    dataset = _dataset()
    analysis = analyse_snapshot(dataset, AS_OF)
    whole = list_stability(_trust(), draws=20, seed=1)
    batched = list_stability_in_batches(dataset, AS_OF, analysis.staff, draws=20, seed=1, batch_staff=batch_staff)
    assert batched.dropped == whole.dropped
    assert (batched.named, batched.survived) == (whole.named, whole.survived)
    options = AnalysisOptions(stability_draws=20)
    told: list[int] = []
    kept = with_stability_of(analysis, dataset, AS_OF, options, lambda done, _: told.append(done))
    reference = with_stability(analysis, _trust(), options)
    assert kept.stability is not None and kept.stability.equals(reference.stability)
    assert kept.summary["stability"] == reference.summary["stability"] and told[-1] == 20
