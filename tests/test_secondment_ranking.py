"""Secondments ranked the way HR decides (docs/secondments.md), one rule a test, on hand-built schools where the
right order is known: who is not proposed and why, the central team apart, the home school's priority and sole
teachers lowering the rank, the home school's loss read as a loss, and the one-line reason."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from netmap.analysis import analyse
from netmap.analysis.planner import PER_HOME_SCHOOL, Planner
from netmap.analysis.whatif import Second, apply_to_dataset, what_if
from netmap.dataset import Dataset
from netmap.errors import AnalysisError
from netmap.graphs import build_graphs
from tests.conftest import QUICK, REPO
from tests.trusts import ranking_trust

AS_OF = "2026-07-01"
@pytest.fixture(scope="module")
def planner() -> Planner:
    graphs = build_graphs(ranking_trust(), AS_OF)
    return Planner(graphs, analyse(graphs, QUICK))


@pytest.fixture(scope="module")
def ranked(planner: Planner) -> list[str]:
    return [c.staff_id for c in planner.recommend("T", top=50)]


def test_someone_due_to_start_a_secondment_is_not_proposed_and_what_if_refuses_them(planner: Planner,
                                                                                     ranked: list[str]) -> None:
    assert "l1" not in ranked
    message = ("Change 1 (second l1 from L to T) is refused: l1 is due to start a secondment to School Y on "
               "2026-07-15. Choose someone else, or change that secondment in secondments.csv.")
    with pytest.raises(AnalysisError) as refused:
        what_if(planner.graphs, [Second("l1", "L", "T")])
    assert str(refused.value) == message
    with pytest.raises(AnalysisError, match="due to start a secondment to School Y on 2026-07-15"):
        apply_to_dataset(planner.graphs.dataset, AS_OF, [Second("l1", "L", "T")])  # the full recompute agrees


def test_a_leaver_is_not_proposed_and_what_if_refuses_them(planner: Planner, ranked: list[str]) -> None:
    assert "l2" not in ranked
    with pytest.raises(AnalysisError) as refused:
        what_if(planner.graphs, [Second("l2", "L", "T")])
    assert str(refused.value) == ("Change 1 (second l2 from L to T) is refused: l2 leaves the trust on 2026-08-31. "
                                  "Choose someone else, or clear their left_on in staff.csv if they stay.")


def test_a_notice_period_is_flagged_not_hidden(planner: Planner, ranked: list[str]) -> None:
    l3 = next(c for c in planner.recommend("T", top=50) if c.staff_id == "l3")
    assert l3.dependency_flags.endswith("l3 leaves the trust on 2026-12-31 (notice given): the secondment would end "
                                        "then")
    changes = [Second("l3", "L", "T")]
    assert ("l3 leaves the trust on 2026-12-31 (notice given): the secondment would end then." in
            planner.scenario_flags(what_if(planner.graphs, changes), changes))


def test_the_central_team_is_ranked_apart_and_is_no_subject_fit_for_a_schools_need(planner: Planner,
                                                                                   ranked: list[str]) -> None:
    assert not {"c1", "c2"} & set(ranked)
    central = planner.recommend("T", central=True)
    assert [c.staff_id for c in central] == ["c1", "c2"]  # equal: by id
    assert {(c.category, c.phase_fit, c.subject_fit, c.fit) for c in central} == {("central", "central", "", "partial")}
    # T's support officer does finance: that is no subject fit for T's own need, so c1's reason does not say so
    assert central[0].reason == ("Central team, works across schools (data, finance), sole data and finance "
                                 "specialist in the central team; connects School T to 3 schools it has no ties with.")
    # when the need is theirs (asked for), it is
    asked = planner.recommend("T", subject="finance", central=True)
    assert [(c.staff_id, c.subject_fit) for c in asked] == [("c1", "finance")]
    assert planner.recommend("T", subject="finance") == []  # no school's staff does finance but T's own


def test_a_sole_maths_teacher_ranks_below_an_equivalent_colleague_from_a_school_with_two(planner: Planner,
                                                                                       ranked: list[str]) -> None:
    by_id = {c.staff_id: c for c in planner.recommend("T", top=50)}
    assert (by_id["a1"].new_schools, by_id["a1"].fit) == (by_id["b1"].new_schools, by_id["b1"].fit) == (3, "good")
    assert ranked[0] == "a1" and ranked.index("b1") > ranked.index("a1")
    assert (by_id["a1"].score, by_id["b1"].score) == (4, 2)


def test_a_high_priority_home_school_ranks_its_teacher_below_an_equivalent_one(planner: Planner,
                                                                               ranked: list[str]) -> None:
    by_id = {c.staff_id: c for c in planner.recommend("T", top=50)}
    assert (by_id["h1"].new_schools, by_id["h1"].fit) == (3, "good")
    assert ranked.index("h1") > ranked.index("a1") and by_id["h1"].score == 2
    # the full order: score 4 (a1 bringing 3 schools, the notice-period l3 and l4 2, a2 1), then score 2 (the sole
    # maths teacher b1 and the high-priority school's h1 bringing 3, then B's sole English teacher and h2), each
    # score by the schools they bring, then by id
    assert ranked == ["a1", "l3", "l4", "a2", "b1", "h1", "b2", "h2"]


def test_no_school_fills_the_list(planner: Planner, ranked: list[str]) -> None:
    # a3 (same phase, no subject: score 2, bringing A) would come after h2, but A already offers a1 and a2
    assert "a3" not in ranked
    assert max(Counter(c.from_school_id for c in planner.recommend("T", top=50)).values()) == PER_HOME_SCHOOL == 2


def test_the_home_schools_loss_reads_as_a_loss(planner: Planner) -> None:
    a1 = planner.recommend("T", top=1)[0]
    # A's three ties out: a1's two leave with them (A keeps a2's to Z); a3's tie to a1 bridges A to T meanwhile
    assert (a1.home_ties_before, a1.home_ties_lost, a1.home_schools_lost) == (3, 2, 2)
    assert a1.home_cost == ("School A loses them day to day (1 colleague there works with them); loses 2 of its 3 "
                            "ties to other schools, and its only links to 2 schools; while they are away, colleagues' "
                            "ties to them link it to School T.")
    b1 = next(c for c in planner.recommend("T", top=50) if c.staff_id == "b1")
    assert b1.home_cost == ("School B loses them day to day (1 colleague there works with them); loses 2 of its 3 "
                            "ties to other schools, and its only links to 2 schools; nobody else there teaches maths; "
                            "while they are away, colleagues' ties to them link it to School T.")
    # the numbers of the what-if engine (the bridge counted) are kept beside them: 3 -> 2 here, never shown as a loss
    assert (b1.home_ties_before, b1.home_ties_after) == (3, 2)


def test_each_rank_has_a_reason_an_hr_lead_can_defend(planner: Planner) -> None:
    by_id = {c.staff_id: c for c in planner.recommend("T", top=50)}
    assert by_id["a1"].reason == ("Same phase, teaches maths, home school low priority, no sole-subject or sole-role "
                                  "risk; connects School T to 3 schools it has no ties with.")
    assert by_id["b1"].reason == ("Same phase, teaches maths, home school low priority, sole maths teacher at home; "
                                  "connects School T to 3 schools it has no ties with.")
    assert by_id["h1"].reason == ("Same phase, teaches maths, home school high priority, no sole-subject or sole-role "
                                  "risk; connects School T to 3 schools it has no ties with.")


def test_the_worked_example_of_docs_secondments_is_these_results(planner: Planner, ranked: list[str]) -> None:
    """docs/secondments.md walks through these schools: its order, quotes and refusal are these results."""
    text = (REPO / "docs" / "secondments.md").read_text(encoding="utf-8")
    example = text[text.index("### A worked example"):]
    order = re.findall(r"^\| \d+ \| (\w+) \|", example, flags=re.MULTILINE)
    assert order == ranked[:6] == ["a1", "l3", "l4", "a2", "b1", "h1"]
    docs = " ".join(example.split())
    by_id = {c.staff_id: c for c in planner.recommend("T", top=50)}
    for person in ("a1", "b1", "h1"):
        assert f'"{by_id[person].reason}"' in docs, person
    assert by_id["a1"].home_cost in docs
    with pytest.raises(AnalysisError) as refused:
        what_if(planner.graphs, [Second("l1", "L", "T")])
    assert str(refused.value) in " ".join(text.split())  # quoted where the page's refusals are described


def test_what_if_refuses_someone_seconded_now_with_the_fix_not_a_crash() -> None:
    """S2 is on a current secondment from ELM to OAK (staff.csv already places them at OAK); seconding them from OAK
    to ELM in a what-if used to fail with an IndexError (the current secondment had no fix to quote)."""
    from netmap.analysis.whatif import apply_to_graphs
    from netmap.ingest.validate import read_trust
    from tests.trusts import TINY

    tiny = read_trust(TINY)[0]
    tables = {**dict(tiny.tables()), "secondments": pd.DataFrame([{
        "staff_id": "S2", "from_school_id": "ELM", "to_school_id": "OAK", "starts_on": "2026-01-01",
        "ends_on": "2026-12-31"}])}
    graphs = build_graphs(Dataset.from_tables(tables), "2026-07-01")
    with pytest.raises(AnalysisError, match=re.escape(
            "Change 1 (second S2 from OAK to ELM) is refused: S2 is already seconded to Oakfield Primary until "
            "2026-12-31. Choose someone else, or end that secondment in secondments.csv.")):
        apply_to_graphs(graphs, [Second("S2", "OAK", "ELM")])
