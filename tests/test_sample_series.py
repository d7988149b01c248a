"""The sample trust's school year (netmap sample --series): each termly folder is exactly the whole dated data
as of its date, and the changes planted through the year are what the analysis, Compare and the new joiners'
page find. A CEO reading the demo should see: the oracy network took hold, the geography community went dormant
when the people who made it work moved on (they still collaborate, outside it), and SCH22, which joined in
February, was in networks at once but collaborated with another school only from the summer term."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netmap.analysis import Analysis, analyse
from netmap.analysis.compare import Snapshot, compare
from netmap.analysis.joiners import integration
from netmap.dataset import Dataset
from netmap.graphs import build_graphs, ties_with_status
from netmap.ingest.validate import read_trust
from netmap.sample.generator import (
    MOVED_ON,
    SAMPLE_TRUST,
    SCHOOL_JOINS_ON,
    TERM_ENDS,
    SampleTrust,
    generate_sample,
)
from netmap.sample.rounds import round_name
from netmap.sample.series import term_tables, write_series

AUTUMN, SPRING, SUMMER = TERM_ENDS
# The tests of the 2,000-staff sample written and analysed through a year (tens of seconds of CPU) are slow; the
# fast set writes a smaller series through the command (test_the_cli_writes_the_series).
YEAR = pytest.mark.slow


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleTrust, dict[str, Dataset], dict[str, Analysis]]:
    root = tmp_path_factory.mktemp("year")
    trust = generate_sample(root / "whole", **SAMPLE_TRUST)
    datasets = {f.name: read_trust(f)[0] for f in write_series(root / "whole", root / "series", TERM_ENDS)}
    return trust, datasets, {as_of: analyse(build_graphs(d, as_of)) for as_of, d in datasets.items()}


@YEAR
def test_each_term_folder_is_the_whole_data_as_of_its_date(year) -> None:  # noqa: ANN001
    """Every table but the soft wiring is the whole data as known on the term's date, every column kept (the
    schools' inspection_grade the README mentions too); each tie reported is one the whole data observed by
    then, dated its round's answering day."""
    trust, datasets, _analyses = year
    whole = read_trust(trust.out)[0]
    raw = {name: pd.read_csv(trust.out / f"{name}.csv", dtype=str, keep_default_na=False).replace("", None)
           for name in ("schools", "staff", "groups", "memberships", "collaborations", "secondments")}
    for as_of, dataset in datasets.items():
        expected = term_tables(raw, as_of)
        assert list(dataset.schools.columns) == list(whole.schools.columns)
        assert "inspection_grade" in dataset.schools.columns
        assert list(dataset.schools["school_id"]) == list(expected["schools"]["school_id"])
        assert list(dataset.staff["staff_id"]) == list(expected["staff"]["staff_id"])
        ties = dataset.collaborations
        assert not (ties["observed_on"] > as_of).any()  # nothing from the future
        observed = whole.collaborations[whole.collaborations["observed_on"] <= as_of]
        known = set(zip(observed["source_staff_id"], observed["target_staff_id"], observed["kind"], strict=True))
        assert set(zip(ties["source_staff_id"], ties["target_staff_id"], ties["kind"], strict=True)) <= known
        days = {(pd.Timestamp(t) - pd.Timedelta(days=7)).date().isoformat() for t in TERM_ENDS if t <= as_of}
        assert set(ties["observed_on"]) == days
        assert set(dataset.respondents["round"]) == {round_name(t) for t in TERM_ENDS if t <= as_of}


@YEAR
def test_ties_end_a_school_loses_its_links_and_the_summer_is_worse(year) -> None:  # noqa: ANN001
    """Termly rounds: ties end when their reporters answer without them, a non-respondent's are kept unconfirmed,
    SCH03's links to other schools all end in the summer round (those reported by non-respondents are kept,
    unconfirmed), and the summer has fewer collaborations than the spring: the trends read worse."""
    _trust, datasets, analyses = year
    sides = [Snapshot(build_graphs(datasets[t], t), analyses[t]) for t in TERM_ENDS]
    spring, summer = compare(sides[0], sides[1]), compare(sides[1], sides[2])
    assert spring.summary["lost_ties"]["ended"] > 100 and summer.summary["lost_ties"]["ended"] > 1000
    assert summer.summary["unconfirmed_ties"] > 500
    counts = [analyses[t].summary["counts"]["soft_ties_undirected"] for t in TERM_ENDS]
    assert counts[0] < counts[1] > counts[2]
    lost = summer.schools.set_index("school_id").loc["SCH03"]
    assert lost["cross_school_lost"] > 10 and lost["ties_ended"] >= lost["cross_school_lost"]
    statuses = ties_with_status(datasets[SUMMER], SUMMER)
    cross = statuses[statuses["source_staff_id"].map(build_graphs(datasets[SUMMER], SUMMER).school_of)
                     .eq("SCH03") & (statuses["status"] == "confirmed")]
    schools = sides[2].graphs.school_of
    assert not any(schools[t] != "SCH03" for t in cross["target_staff_id"])  # none confirmed across schools
    rates = [analyses[t].summary["response"]["rate"] for t in TERM_ENDS]
    assert all(0.75 < rate < 0.85 for rate in rates)


@YEAR
def test_a_network_launched_takes_hold(year) -> None:  # noqa: ANN001
    trust, _datasets, analyses = year
    assert "ORACY" not in set(analyses[AUTUMN].groups["group_id"])
    before = analyse(build_graphs(read_trust(trust.out)[0], AUTUMN)).groups.set_index("group_id").loc["ORACY"]
    assert before["members"] == 0 and not before["is_dormant"]  # the whole file as of December: not begun
    spring, summer = (analyses[t].groups.set_index("group_id").loc["ORACY"] for t in (SPRING, SUMMER))
    assert spring["members"] == summer["members"] == 24  # two from each of twelve schools
    assert 0 < spring["conductivity"] < summer["conductivity"] and not summer["is_dormant"]


@YEAR
def test_a_network_goes_dormant_when_its_active_members_move_on(year) -> None:  # noqa: ANN001
    _trust, datasets, analyses = year
    before = analyses[AUTUMN].groups.set_index("group_id").loc["GEOGRAPHY"]
    after = analyses[SUMMER].groups.set_index("group_id").loc["GEOGRAPHY"]
    assert not before["is_dormant"] and before["active_members"] >= 5
    # fell by four fifths (0.026 to 0.005: the autumn figure is from a round 80 % answered)
    assert after["is_dormant"] and after["conductivity"] < before["conductivity"] / 4
    members = datasets[SUMMER].memberships
    moved = set(members.loc[(members["group_id"] == "GEOGRAPHY") & (members["left_on"] == MOVED_ON.isoformat()),
                            "staff_id"])
    assert len(moved) >= before["active_members"]  # all who collaborated with another member by the end of January
    soft = build_graphs(datasets[SUMMER], SUMMER).undirected.subgraph(moved)
    assert soft.number_of_edges() > 0  # they still collaborate: now a bridge no formal structure supports


@YEAR
def test_a_school_that_joins_mid_year_is_in_networks_at_once_and_collaborates_by_summer(year) -> None:  # noqa: ANN001
    trust, datasets, analyses = year
    joining = trust.mid_year_schools[0]
    assert joining not in set(analyses[AUTUMN].schools["school_id"])
    spring, summer = (analyses[t].schools.set_index("school_id").loc[joining] for t in (SPRING, SUMMER))
    assert spring["is_isolated"] and not spring["is_hard_isolated"]
    assert not summer["is_isolated"] and summer["external_ties"] > 10
    sides = [(analyses[t], datasets[t].staff, datasets[t].schools) for t in TERM_ENDS]
    school = integration(sides, since="2025-09-01").schools.set_index("school_id").loc[joining]
    days = (pd.Timestamp(SPRING) - pd.Timestamp(SCHOOL_JOINS_ON)).days
    assert (school["first_snapshot"], school["first_shared_group"], school["days_to_shared_group"]) == (
        SPRING, SPRING, days)
    assert school["first_cross_school_tie"] == SUMMER
    result = compare(Snapshot(build_graphs(datasets[SPRING], SPRING), analyses[SPRING]),
                     Snapshot(build_graphs(datasets[SUMMER], SUMMER), analyses[SUMMER]))
    assert joining in result.summary["schools_became_connected"]


def test_the_cli_writes_the_series(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from netmap.cli import main

    result = CliRunner().invoke(main, ["sample", "--series", "--schools", "12", "--staff", "400", "--seed", "5",
                                       "--out", str(tmp_path / "series")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "series").iterdir()) == sorted(TERM_ENDS)
    assert "Through the year: ORACY launched on 2026-01-12" in result.output


def test_the_profile_uplift_raises_only_the_next_rounds_response_rate() -> None:
    """400 staff asked in two rounds: the first round's rate is the same with and without the profile; in the
    second, those who answered the first answer with 0.8 + 0.15 chance, so the rate rises; all simulated."""
    from netmap.sample.rounds import RoundModel, response_rates, simulate_rounds

    staff = pd.DataFrame({"staff_id": [f"S{k:03d}" for k in range(400)], "school_id": "A", "started_on": None,
                          "left_on": None})
    ties = pd.DataFrame(columns=["source_staff_id", "target_staff_id", "kind", "weight", "observed_on"])
    terms = {"2025-12-19": staff, "2026-03-27": staff}
    without = response_rates(simulate_rounds(ties, terms, RoundModel()))
    with_profile = response_rates(simulate_rounds(ties, terms, RoundModel(profile_uplift=0.15)))
    assert without["2025-12-19"] == with_profile["2025-12-19"]
    assert 0.75 < without["2026-03-27"] < 0.85
    assert with_profile["2026-03-27"] - without["2026-03-27"] > 0.08  # about 0.8 x 0.15 = 0.12 more
