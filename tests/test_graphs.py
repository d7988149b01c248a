"""Soft and hard graphs built from a dataset, worked by hand on the tiny trust."""

from __future__ import annotations

from pathlib import Path

from netmap.analysis import analyse
from netmap.graphs import TrustGraphs, build_graphs, number_of_undirected_ties, ties_with_status
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK, append, edit


def test_soft_graph_by_hand(tiny: Path) -> None:
    append(tiny, "collaborations", "S2,S3,advice,0.5,2025-10-02")
    graphs = build_graphs(read_trust(tiny)[0], "2026-01-01")
    soft = graphs.soft
    assert sorted(soft.nodes) == ["S1", "S2", "S3", "S4", "S5"]
    assert soft.nodes["S3"]["subjects"] == ("maths", "computing")
    assert sorted(soft.edges) == [("S1", "S2"), ("S2", "S3"), ("S3", "S2"), ("S4", "S3")]
    assert soft.edges["S2", "S3"] == {"weight": 2.5, "kinds": {"advice": 0.5, "co-planning": 2.0},
                                       "unconfirmed": False}


def test_the_tie_window_chooses_among_observations_before_they_merge(tiny: Path) -> None:
    """Ada (Oakfield) coached Grace (Elm Park) in January 2024 (weight 4) and again in March 2026 (weight 1). In
    June 2024 the tie counts with its 2024 weight; in June 2026 the 2024 observation is outside the 400-day window,
    so the tie weighs 1, not 5; two observations within one window count once, as last seen."""
    append(tiny, "collaborations", "S1,S3,coaching,4,2024-01-15")
    append(tiny, "collaborations", "S1,S3,coaching,1,2026-03-01")
    dataset = read_trust(tiny)[0]
    assert build_graphs(dataset, "2024-06-01").soft.edges["S1", "S3"] == {"weight": 4.0, "kinds": {"coaching": 4.0},
                                                                      "unconfirmed": False}
    assert build_graphs(dataset, "2026-06-01").soft.edges["S1", "S3"] == {"weight": 1.0, "kinds": {"coaching": 1.0},
                                                                      "unconfirmed": False}
    assert build_graphs(dataset, "2026-06-01", window_days=1000).soft.edges["S1", "S3"]["weight"] == 1.0
    assert ("S1", "S3") not in build_graphs(dataset, "2025-06-01").soft.edges  # 503 days on, before the second
    schools = analyse(build_graphs(dataset, "2024-06-01"), QUICK).schools.set_index("school_id")
    assert schools.loc[["OAK", "ELM"], "external_ties"].tolist() == [1, 1]


def test_hard_graph_counts_shared_active_groups(tiny: Path) -> None:
    append(tiny, "groups", "SEC,Secondary leaders,expert-network,,secondary")
    append(tiny, "memberships", "S2,SEC,member,,")
    append(tiny, "memberships", "S3,SEC,member,,")
    append(tiny, "memberships", "S4,SEC,member,,2025-12-31")  # left before the snapshot date
    hard = build_graphs(read_trust(tiny)[0], "2026-01-01").hard
    assert list(hard.links()) == [("S2", "S3", 2)]
    assert hard.number_of_links() == 1 and hard.degree("S2") == 1 and hard.degree("S4") == 0


def test_only_staff_in_post_on_the_date_are_nodes(tiny: Path) -> None:
    edit(tiny, "staff", "2020-01-06,,", "2020-01-06,2025-12-31,")  # S4 left
    graphs = build_graphs(read_trust(tiny)[0], "2026-01-01")
    assert "S4" not in graphs.soft and "S4" not in graphs.hard
    assert ("S4", "S3") not in graphs.soft.edges
    earlier = build_graphs(read_trust(tiny)[0], "2024-08-31")
    assert "S5" not in earlier.soft  # starts 2024-09-01
    assert "S4" in earlier.soft


def test_ties_observed_after_the_date_are_left_out(tiny: Path) -> None:
    graphs = build_graphs(read_trust(tiny)[0], "2025-09-15")
    assert sorted(graphs.soft.edges) == [("S1", "S2"), ("S4", "S3")]


def test_a_school_is_in_the_trust_from_the_day_it_joined() -> None:
    """Damson (planted) joined on 2026-04-01: before that, neither it nor its staff are in a snapshot; its staff's
    ties and secondments to it do not count. A leader should read: the trust had three schools in March."""
    from netmap.analysis import analyse
    from netmap.graphs import in_trust

    dataset = read_trust(Path(__file__).parent / "data" / "planted")[0]
    before, after = (analyse(build_graphs(dataset, day), QUICK) for day in ("2026-03-31", "2026-04-01"))
    assert list(before.schools["school_id"]) == ["A", "B", "C"]
    assert not {"d1", "d2"} & set(before.staff["staff_id"])
    assert list(after.schools["school_id"]) == ["A", "B", "C", "D"] and {"d1", "d2"} <= set(after.staff["staff_id"])
    assert in_trust(dataset, "2026-04-01") is dataset  # nothing to leave out: the very same dataset
    assert analyse_snapshot_schools(dataset, "2026-03-31") == ["A", "B", "C"]


def analyse_snapshot_schools(dataset, as_of: str) -> list[str]:  # noqa: ANN001
    from netmap.analysis import analyse_snapshot

    return list(analyse_snapshot(dataset, as_of, batch_staff=1, options=QUICK).schools["school_id"])


def test_current_and_planned_secondments() -> None:
    """Under way on the date (current) or starting after it (planned); ended ones and leavers' left out."""
    import pandas as pd

    from netmap.graphs import current_and_planned_secondments

    staff = pd.DataFrame({"staff_id": ["a", "b", "c", "d"], "started_on": [None] * 4,
                          "left_on": [None, None, None, "2026-05-01"]})
    seconded = pd.DataFrame({"staff_id": ["a", "b", "c", "d", "a"],
                             "starts_on": ["2026-09-01", "2026-01-05", "2025-09-01", "2026-01-05", "2026-07-01"],
                             "ends_on": [None, "2026-07-02", "2026-07-01", None, None]})
    table = current_and_planned_secondments(seconded, staff, "2026-07-01")
    assert list(zip(table["staff_id"], table["status"], strict=True)) == [("b", "current"), ("a", "current"),
                                                                          ("a", "planned")]


ALL_KINDS = "advice co-planning coaching"


def _rounds(tiny: Path, respondents: str, ties: str, kinds: str = ALL_KINDS) -> TrustGraphs:
    """The tiny trust with its own ties replaced by `ties` and a respondents file, as of 2026-04-01; every round
    asked about `kinds` (blank: not known)."""
    (tiny / "collaborations.csv").write_text("source_staff_id,target_staff_id,kind,weight,observed_on\n" + ties,
                                             encoding="utf-8")
    rows = "".join(f"{line},{kinds}\n" for line in respondents.splitlines())
    (tiny / "respondents.csv").write_text("staff_id,round,responded_on,kinds\n" + rows, encoding="utf-8")
    return build_graphs(read_trust(tiny)[0], "2026-04-01")


def test_a_tie_ends_when_its_reporter_answers_a_later_round_without_it(tiny: Path) -> None:
    """Autumn: Ada named Alan and Grace. Spring: Ada answered again naming only Alan: her tie to Grace ended;
    the one to Alan holds (confirmed)."""
    graphs = _rounds(tiny, "S1,autumn,2025-11-10\nS1,spring,2026-03-10\n",
                     "S1,S2,coaching,1,2025-11-10\nS1,S3,coaching,1,2025-11-10\nS1,S2,coaching,1,2026-03-10\n")
    assert sorted(graphs.soft.edges) == [("S1", "S2")]
    assert graphs.soft.edges["S1", "S2"]["unconfirmed"] is False
    statuses = ties_with_status(graphs.dataset, "2026-04-01").set_index("target_staff_id")["status"]
    assert statuses.to_dict() == {"S2": "confirmed", "S3": "ended"}


def test_a_tie_is_kept_unconfirmed_when_its_reporter_did_not_answer_the_later_round(tiny: Path) -> None:
    """Ada named Grace in the autumn and was asked again in the spring but did not answer (Alan did): the tie is
    kept, marked unconfirmed, and still joins Oakfield to Elm Park."""
    graphs = _rounds(tiny, "S1,autumn,2025-11-10\nS1,spring,\nS2,spring,2026-03-12\n",
                     "S1,S3,coaching,1,2025-11-10\nS2,S3,co-planning,1,2026-03-12\n")
    assert sorted(graphs.soft.edges) == [("S1", "S3"), ("S2", "S3")]
    assert graphs.soft.edges["S1", "S3"]["unconfirmed"] is True
    assert graphs.soft.edges["S2", "S3"]["unconfirmed"] is False
    assert graphs.soft.nodes["S1"]["response"] == "no response"


def test_a_loaded_tie_lasts_the_tie_window(tiny: Path) -> None:
    """Ties nobody reported in a survey answer end only with the window: Grace never answered, and Ada's tie to
    Edsger was loaded from a file dated before the spring round began (2026-03-09, Alan's answer), so Ada's
    answering the round without him does not end it. Both count on 2026-04-01 (335 days on) and not with a
    300-day window."""
    ties = "S3,S4,advice,1,2025-05-01\nS1,S4,coaching,1,2025-05-01\nS1,S2,coaching,1,2026-03-10\n"
    graphs = _rounds(tiny, "S2,spring,2026-03-09\nS1,spring,2026-03-10\n", ties)
    assert ("S3", "S4") in graphs.soft.edges and graphs.soft.edges["S3", "S4"]["unconfirmed"] is False
    assert ("S1", "S4") in graphs.soft.edges
    dataset = graphs.dataset
    assert ties_with_status(dataset, "2026-04-01")["status"].tolist() == ["loaded", "loaded", "confirmed"]
    shorter = build_graphs(dataset, "2026-04-01", window_days=300).soft.edges
    assert ("S3", "S4") not in shorter and ("S1", "S4") not in shorter
    assert number_of_undirected_ties(dataset, "2026-04-01") == 3


def test_an_ended_tie_is_not_counted_anywhere(tiny: Path) -> None:
    """Ada's only cross-school tie ends when she answers the spring round without it: Oakfield's external ties go
    from 1 to 0, and the undirected count drops with it."""
    ties = "S1,S3,coaching,1,2025-11-10\nS2,S1,co-planning,1,2026-03-10\n"
    autumn = _rounds(tiny, "S1,autumn,2025-11-10\n", ties)
    assert analyse(autumn, QUICK).schools.set_index("school_id").at["OAK", "external_ties"] == 1
    spring = _rounds(tiny, "S1,autumn,2025-11-10\nS1,spring,2026-03-10\nS2,spring,2026-03-10\n", ties)
    assert analyse(spring, QUICK).schools.set_index("school_id").at["OAK", "external_ties"] == 0
    assert number_of_undirected_ties(spring.dataset, "2026-04-01") == 1
