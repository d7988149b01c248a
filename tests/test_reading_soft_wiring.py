"""Soft wiring read as it was collected: which way each kind flows, who answered, how old a tie may be, where a
secondee works, and the small-number guards. Each test is a small hand-built trust whose answer a network
scientist would give by hand."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from netmap.analysis import Analysis, AnalysisOptions, analyse
from netmap.dataset import Dataset
from netmap.errors import AnalysisError
from netmap.graphs import build_graphs, survey_round
from tests.conftest import QUICK

AS_OF = "2026-07-01"


def trust(staff: dict[str, str], ties: list[tuple[str, str, str]], *, respondents: list[tuple] | None = None,
          secondments: list[tuple] | None = None, tie_kinds: list[tuple] | None = None,
          observed: dict[tuple[str, str], str] | None = None, schools: list[str] | None = None) -> Dataset:
    """staff: person -> school; ties: (source names target, kind); respondents: (staff_id, responded_on or None);
    secondments: (staff_id, from, to, starts_on, ends_on); tie_kinds: (kind, flow)."""
    observed = observed or {}
    school_ids = schools or sorted(set(staff.values()))
    tables = {
        "schools": pd.DataFrame({"school_id": school_ids, "name": [f"School {s}" for s in school_ids],
                                 "phase": "primary"}),
        "staff": pd.DataFrame({"staff_id": list(staff), "school_id": list(staff.values()), "role": "teacher"}),
        "collaborations": pd.DataFrame({"source_staff_id": [s for s, _, _ in ties],
                                        "target_staff_id": [t for _, t, _ in ties],
                                        "kind": [k for _, _, k in ties], "weight": 1.0,
                                        "observed_on": [observed.get((s, t)) for s, t, _ in ties]}),
    }
    if respondents is not None:
        tables["respondents"] = pd.DataFrame(respondents, columns=["staff_id", "responded_on"]).assign(round="R1")
    if secondments is not None:
        tables["secondments"] = pd.DataFrame(secondments, columns=["staff_id", "from_school_id", "to_school_id",
                                                                   "starts_on", "ends_on"])
    if tie_kinds is not None:
        tables["tie_kinds"] = pd.DataFrame(tie_kinds, columns=["kind", "flow"])
    return Dataset.from_tables(tables)


def run(dataset: Dataset, **options: object) -> Analysis:
    return analyse(build_graphs(dataset, AS_OF), AnalysisOptions(**options))  # type: ignore[arg-type]


def person(analysis: Analysis, staff_id: str) -> dict:
    return analysis.staff.set_index("staff_id").loc[staff_id].to_dict()


def school(analysis: Analysis, school_id: str) -> dict:
    return analysis.schools.set_index("school_id").loc[school_id].to_dict()


def roles(analysis: Analysis, staff_id: str) -> dict[str, int]:
    row = person(analysis, staff_id)
    return {r: row[f"broker_{r}"] for r in ("coordinator", "consultant", "representative", "gatekeeper", "liaison")
            if row[f"broker_{r}"]}


# ---- direction -------------------------------------------------------------------------------------------
# Phonics know-how starts with c1 (school C). c2 asks c1, b1 asks c2, b2 asks b1, a1 asks b2: "whom do you go
# to for advice". The advice flows c1 -> c2 -> b1 -> b2 -> a1, against every arrow of the survey rows.
ADVICE_CHAIN = {"c1": "C", "c2": "C", "b1": "B", "b2": "B", "a1": "A"}
ADVICE_ROWS = [("c2", "c1", "advice"), ("b1", "c2", "advice"), ("b2", "b1", "advice"), ("a1", "b2", "advice")]


def test_an_advice_chain_across_three_schools_gets_the_labels_a_network_scientist_gives() -> None:
    result = run(trust(ADVICE_CHAIN, ADVICE_ROWS))
    assert roles(result, "c2") == {"representative": 1}   # carries C's know-how out, to b1
    assert roles(result, "b1") == {"gatekeeper": 1}       # brings C's know-how into B
    assert roles(result, "b2") == {"representative": 1}   # carries B's know-how out, to a1
    assert roles(result, "c1") == roles(result, "a1") == {}
    # c1 is named once and advises one colleague; a1 names one and is advised by one
    assert (person(result, "c1")["times_named"], person(result, "c1")["soft_out_degree"],
            person(result, "c1")["soft_in_degree"]) == (1, 1, 0)
    assert (person(result, "a1")["times_named"], person(result, "a1")["soft_in_degree"]) == (0, 1)


def test_a_kind_the_trust_declares_flows_the_way_it_says() -> None:
    """The same rows read as "whom do you advise" (source-to-target): know-how flows along the arrows, from a1
    to c1, and every label swaps: b2 now brings A's know-how into B."""
    rows = [(s, t, "i-advise") for s, t, _ in ADVICE_ROWS]
    result = run(trust(ADVICE_CHAIN, rows, tie_kinds=[("i-advise", "source-to-target")]))
    assert roles(result, "b2") == {"gatekeeper": 1}
    assert roles(result, "b1") == {"representative": 1}
    assert roles(result, "c2") == {"gatekeeper": 1}


def test_a_mutual_kind_flows_both_ways_whoever_answered() -> None:
    result = run(trust({"x": "A", "v": "B", "y": "C"}, [("v", "x", "co-planning"), ("y", "v", "co-planning")]))
    assert roles(result, "v") == {"liaison": 2}  # x -> v -> y and y -> v -> x
    assert person(result, "x")["soft_in_degree"] == person(result, "x")["soft_out_degree"] == 1


# ---- who answered ----------------------------------------------------------------------------------------
def test_a_non_respondent_named_by_many_keeps_their_ties_and_is_never_an_isolate() -> None:
    staff = {"hub": "A", **{f"p{i}": "A" for i in range(5)}, "quiet": "B", "alone": "A", "asked": "B"}
    ties = [(f"p{i}", "hub", "advice") for i in range(5)]
    respondents = [(f"p{i}", "2026-06-01") for i in range(5)] + [("hub", None), ("alone", "2026-06-01"),
                                                                 ("quiet", None)]
    result = run(trust(staff, ties, respondents=respondents))
    hub = person(result, "hub")
    assert (hub["response"], hub["times_named"], hub["soft_out_degree"]) == ("no response", 5, 5)
    assert not hub["is_isolate"]
    quiet = person(result, "quiet")  # surveyed, did not answer, nobody named them: unknown, not isolated
    assert (quiet["response"], quiet["is_isolate"], quiet["is_disconnected"], quiet["ona_role"]) == (
        "no response", False, False, "no response")
    alone = person(result, "alone")  # answered and named nobody: a real isolate
    assert (alone["response"], alone["is_isolate"], alone["ona_role"]) == ("responded", True, "isolate")
    assert person(result, "asked")["response"] == "not surveyed"
    assert (school(result, "A")["surveyed"], school(result, "A")["responded"]) == (7, 6)
    assert school(result, "A")["response_rate"] == pytest.approx(6 / 7)
    summary = result.summary["response"]
    assert (summary["coverage"], summary["surveyed"], summary["responded"], summary["not_surveyed"]) == (
        "known", 8, 6, 1)
    assert summary["by_role"]["teacher"] == {"surveyed": 8, "responded": 6, "rate": 6 / 8}


def test_only_the_snapshots_survey_round_counts() -> None:
    """A respondents file kept across rounds: in the autumn b, c and d did not answer; in the summer a and b did
    and c did not, and d was not asked. On 2026-07-01 the summer round counts: d is "not surveyed" (not a
    non-respondent from an old row) and A's rate is 2 of 3. A year later no round is inside the tie window, so
    nobody counts as surveyed rather than old blank rows making everyone a non-respondent."""
    rows = [("a", "2025-10-01", "2025 autumn"), ("b", None, "2025 autumn"), ("c", None, "2025 autumn"),
            ("d", None, "2025 autumn"), ("a", "2026-06-01", "2026 summer"), ("b", "2026-06-02", "2026 summer"),
            ("c", None, "2026 summer")]
    dataset = replace(trust({p: "A" for p in "abcd"}, [("a", "b", "co-planning")]),
                      respondents=pd.DataFrame(rows, columns=["staff_id", "responded_on", "round"]))
    result = run(dataset)
    assert dict(zip(result.staff["staff_id"], result.staff["response"], strict=True)) == {
        "a": "responded", "b": "responded", "c": "no response", "d": "not surveyed"}
    assert (school(result, "A")["surveyed"], school(result, "A")["responded"]) == (3, 2)
    later = analyse(build_graphs(dataset, "2027-09-01"), QUICK)
    assert set(later.staff["response"]) == {"not surveyed"}
    assert survey_round(dataset.respondents, "2026-01-01") == "2025 autumn"
    assert survey_round(dataset.respondents, "2027-09-01") is None


def test_without_respondents_data_coverage_is_unknown_and_nothing_changes() -> None:
    result = run(trust({"a": "A", "b": "A", "c": "B"}, [("a", "b", "advice")]))
    assert set(result.staff["response"]) == {"unknown"}
    assert result.summary["response"] == {"coverage": "unknown"}
    assert person(result, "c")["is_isolate"] and school(result, "A")["response_rate"] != school(
        result, "A")["response_rate"]  # NaN: no rate without data
    assert school(result, "B")["is_isolated"]


def test_brokers_and_key_connectors_of_a_school_with_too_few_responses_are_not_findings() -> None:
    """One person in A carries all of A's ties to six schools, but only 2 of A's 4 surveyed staff answered."""
    staff = {"k": "A", "a2": "A", "a3": "A", "a4": "A", **{f"o{i}": f"S{i}" for i in range(6)}}
    ties = [("k", f"o{i}", "co-planning") for i in range(6)] + [("a2", "k", "co-planning")]
    respondents = [("k", "2026-06-01"), ("a2", "2026-06-01"), ("a3", None), ("a4", None)] + [
        (f"o{i}", "2026-06-01") for i in range(6)]
    thin = run(trust(staff, ties, respondents=respondents))
    assert school(thin, "A")["caveat"] == "not enough responses"
    assert not school(thin, "A")["is_key_person_risk"] and school(thin, "A")["key_connectors"] == "k"
    assert person(thin, "k")["ona_role"] == "not enough responses"
    assert thin.summary["schools_with_too_few_responses"] == ["A"]
    enough = run(trust(staff, ties, respondents=respondents), min_response_rate=0.5, pattern_response_rate=0.5)
    assert school(enough, "A")["caveat"] == "" and school(enough, "A")["is_key_person_risk"]
    assert person(enough, "k")["ona_role"] == "broker"


def test_response_bands_per_school_and_person() -> None:
    """The trust's adviser (CEN, the central team, where nobody was surveyed) is asked for advice by three people
    in each of A (4 of 5 answered: 80 %), B (6 of 8: 75 %) and C (3 of 6: 50 %). A network scientist says: the
    adviser is a broker, seen through others' eyes; A's people can be named; B shows patterns but names nobody;
    C needs caution; CEN is "not surveyed", not short of responses; a4, a non-respondent named once, has
    unknown ties of their own rather than being peripheral; b3 answered and named nobody, but at 75 % nobody
    at B is called disconnected."""
    staff = {"adv": "CEN", **{f"a{i}": "A" for i in range(5)}, **{f"b{i}": "B" for i in range(8)},
             **{f"c{i}": "C" for i in range(6)}}
    ties = [(f"{s}{i}", "adv", "advice") for s in "abc" for i in range(3)] + [("a0", "a4", "advice")]
    answered = [*(f"a{i}" for i in range(4)), *(f"b{i}" for i in range(6)), *(f"c{i}" for i in range(3))]
    respondents = [(p, "2026-06-01") for p in answered] + [(p, None) for p in ("a4", "b6", "b7", "c3", "c4", "c5")]
    result = run(trust(staff, ties, respondents=respondents))
    bands = {s: (school(result, s)["response_band"], school(result, s)["caveat"]) for s in ("A", "B", "C", "CEN")}
    assert bands == {"A": ("names people", "few ties"), "B": ("patterns only", "few ties"),
                     "C": ("caution", "not enough responses"), "CEN": ("not surveyed", "not surveyed")}
    assert not school(result, "CEN")["is_isolated"] and result.summary["schools_with_too_few_responses"] == ["C"]
    labels = {p: person(result, p)["ona_role"] for p in ("adv", "a1", "a4", "b0", "b3", "b6", "c0")}
    assert labels == {"adv": "broker", "a1": "peripheral", "a4": "unknown", "b0": "not enough responses",
                      "b3": "not enough responses", "b6": "no response", "c0": "not enough responses"}
    assert person(result, "b3")["is_isolate"] and not person(result, "b3")["is_disconnected"]
    assert person(result, "a3")["is_disconnected"]  # answered, named nobody, at a school that names people


def test_response_thresholds_must_be_in_order() -> None:
    with pytest.raises(AnalysisError, match=r"^pattern_response_rate \(0.9\) must not be above min_response_rate "
                                            r"\(0.8\)\.$"):
        AnalysisOptions(pattern_response_rate=0.9)


# ---- how old a tie may be --------------------------------------------------------------------------------
def test_a_two_year_old_tie_no_longer_connects_a_school() -> None:
    staff = {"a": "A", "b": "B"}
    old = trust(staff, [("a", "b", "co-planning")], observed={("a", "b"): "2024-06-15"})
    assert school(run(old), "A")["is_isolated"] and school(run(old), "B")["is_isolated"]
    assert not school(run(old, tie_window_days=800), "A")["is_isolated"]  # a longer window keeps it
    recent = trust(staff, [("a", "b", "co-planning")], observed={("a", "b"): "2025-09-15"})
    assert not school(run(recent), "A")["is_isolated"]
    undated = trust(staff, [("a", "b", "co-planning")])
    assert not school(run(undated), "A")["is_isolated"]


# ---- where a secondee works ------------------------------------------------------------------------------
def test_a_current_secondee_connects_an_isolated_school() -> None:
    staff = {"s": "A", "a2": "A", "i1": "I", "i2": "I"}
    ties = [("s", "a2", "co-planning"), ("i1", "i2", "co-planning")]
    before = run(trust(staff, ties))
    assert school(before, "I")["is_isolated"]
    seconded = [("s", "A", "I", "2025-09-01", "2026-08-31")]
    during = run(trust(staff, ties, secondments=seconded))
    assert not school(during, "I")["is_isolated"] and school(during, "I")["staff"] == 3
    assert (person(during, "s")["school_id"], person(during, "s")["seconded_to"]) == ("A", "I")
    assert school(during, "A")["staff"] == 1 and school(during, "I")["external_ties"] == 1
    ended = [("s", "A", "I", "2025-09-01", "2026-03-31")]
    assert school(run(trust(staff, ties, secondments=ended)), "I")["is_isolated"]


# ---- the smaller fixes -----------------------------------------------------------------------------------
def test_a_school_with_nobody_in_post_is_not_isolated() -> None:
    result = run(trust({"a": "A", "b": "B"}, [("a", "b", "advice")], schools=["A", "B", "EMPTY"]))
    row = school(result, "EMPTY")
    assert (row["staff"], row["is_isolated"], row["is_hard_isolated"], row["caveat"]) == (
        0, False, False, "no staff in post")
    assert "EMPTY" not in result.summary["isolated_schools"]


def test_a_school_with_few_outside_ties_is_flagged_not_called_a_key_person_risk() -> None:
    staff = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    result = run(trust(staff, [("a1", "b1", "advice"), ("a2", "b2", "advice")]))
    row = school(result, "A")
    assert row["key_connectors"] == "a1;a2;b1;b2" and row["dependency"] == 0.5
    assert (row["caveat"], row["is_key_person_risk"]) == ("few ties", False)
    assert result.summary["key_person_risk_schools"] == []
    assert school(run(trust(staff, [("a1", "b1", "advice"), ("a2", "b2", "advice")]), min_external_ties=2),
                  "A")["is_key_person_risk"]


def test_docs_describe_every_kind_column_status_and_caveat() -> None:
    from netmap.analysis.roles import ONA_ROLES
    from netmap.analysis.school_metrics import CAVEATS, SCHOOL_COLUMNS
    from netmap.analysis.staff_metrics import STAFF_COLUMNS
    from netmap.contract import BUILTIN_TIE_KINDS, RESPONSE_STATUSES, table_spec
    from tests.conftest import REPO

    data_format = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    metrics = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    for kind in BUILTIN_TIE_KINDS:
        assert f"| {kind.kind} | {kind.flow} | {kind.question} |" in data_format, kind.kind
    for name in ("tie_kinds", "respondents"):
        for column in table_spec(name).columns:
            assert f"| {'**' + column.name + '**' if column.required else column.name} |" in data_format, column
    for column in (*STAFF_COLUMNS, *SCHOOL_COLUMNS):
        assert f"| {column} |" in metrics or f" {column} |" in metrics or f"| {column}," in metrics, column
    for label in (*RESPONSE_STATUSES, *CAVEATS, *ONA_ROLES):
        assert label in metrics, label


def test_weighted_true_uses_tie_strength_in_betweenness_and_constraint() -> None:
    """b reaches c through s (two ties of weight 4) or through w (weight 1): weighted, the route through s is
    the shorter (1/4 + 1/4 steps), so s alone brokers b and c; unweighted, s and w share it."""
    staff = {"b": "A", "s": "A", "w": "A", "c": "A"}
    dataset = trust(staff, [("b", "s", "co-planning"), ("s", "c", "co-planning"), ("b", "w", "co-planning"),
                            ("w", "c", "co-planning")])
    dataset.collaborations.loc[dataset.collaborations["source_staff_id"].isin(["b", "s"]) &
                               dataset.collaborations["target_staff_id"].isin(["s", "c"]), "weight"] = 4.0
    plain, weighted = run(dataset), run(dataset, weighted=True)
    assert person(plain, "s")["betweenness"] == person(plain, "w")["betweenness"] == pytest.approx(0.5 / 3)
    assert person(weighted, "s")["betweenness"] == pytest.approx(1 / 3)
    assert person(weighted, "w")["betweenness"] == 0
    assert person(weighted, "b")["constraint"] != person(plain, "b")["constraint"]
    assert AnalysisOptions.from_strings(["weighted=true"]).weighted
    assert not AnalysisOptions.from_strings(["weighted=no"]).weighted


def test_a_subject_community_finds_its_schools_whatever_the_case() -> None:
    from netmap.analysis.group_metrics import GroupScope

    schools = pd.DataFrame({"school_id": ["A", "B"], "phase": ["primary", "primary"]})
    staff = pd.DataFrame({"school_id": ["A", "B"], "subjects": ["maths;art", "Maths"]})
    assert GroupScope(schools, staff).of({"subject": "MATHS", "phase": None}) == {"A", "B"}


def test_help_texts_quote_the_thresholds_the_analysis_uses() -> None:
    from netmap.analysis.school_metrics import SCHOOL_COLUMNS
    from netmap.analysis.staff_metrics import STAFF_COLUMNS
    from webapp.metric_help import HELP, help_texts

    assert "Fewer than 20% of members" in HELP["is_dormant"]
    changed = help_texts(AnalysisOptions(dormant_share=0.3, key_connector_share=0.6, min_external_ties=8))
    assert "Fewer than 30% of members" in changed["is_dormant"]
    assert "at least 60%" in changed["key_connectors"] and "under 8 outside ties" in changed["caveat"]
    assert all(HELP.get(column) for column in (*STAFF_COLUMNS, *SCHOOL_COLUMNS))


def test_every_output_column_is_declared_once_and_documented_in_its_table() -> None:
    """netmap/analysis/columns.py against docs/metrics.md: each table's section documents exactly its columns,
    and every threshold a column reads is named in the docs."""
    import re

    from netmap.analysis.columns import COLUMNS, columns_of
    from tests.conftest import REPO

    metrics = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    sections = {"staff": "## staff.csv", "schools": "## schools.csv", "groups": "## groups.csv",
                "wiring": "## wiring.csv", "bridges": "## bridges.csv"}
    for table, heading in sections.items():
        start = metrics.index(heading)
        section = metrics[start:metrics.index("\n## ", start + 1)]
        documented = set()
        for line in section.splitlines():
            cell = line.split("|")[1] if line.startswith("| ") else ""
            documented |= {name.strip().strip("*") for name in cell.split(",")} - {"column", "---", ""}
        if table in ("wiring", "bridges"):  # described in prose: school_a < school_b, **hard_links**, ...
            documented |= set(re.findall(r"\b(school_[ab]|person_[ab]|hard_links|soft_ties)\b", section))
        assert documented == set(columns_of(table)), (table, documented ^ set(columns_of(table)))
    names = [(c.table, c.name) for c in COLUMNS]
    assert len(names) == len(set(names))
    for column in COLUMNS:
        for threshold in column.thresholds:
            assert f"`{threshold}`" in metrics, (column.name, threshold)
