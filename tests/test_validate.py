"""Every validation rule, each with the exact file, row and column the user is told about."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmap.errors import IngestError, ValidationFailed
from netmap.ingest.validate import read_trust, validate_source
from tests.conftest import append, edit


def _errors(folder: Path) -> list[tuple[str, str, int | None, str | None]]:
    _, report = validate_source(folder)
    return [(p.rule, p.file, p.row, p.column) for p in report.errors]


def test_tiny_trust_is_valid(tiny: Path) -> None:
    dataset, report = validate_source(tiny)
    assert report.ok and dataset is not None
    assert dataset.counts() == {"schools": 3, "staff": 5, "groups": 2, "memberships": 3, "collaborations": 4,
                                "secondments": 0}


@pytest.mark.parametrize(("change", "expected"), [
    # (table, old text, new text) -> (rule, file, row, column)
    (("staff", "S4,ELM,teacher", "S4,ELM,teachr"), ("not-allowed", "staff.csv", 5, "role")),
    (("schools", "ELM,Elm Park Academy,secondary", "ELM,Elm Park Academy,secondry"),
     ("not-allowed", "schools.csv", 3, "phase")),
    (("groups", "HEADS,Headteachers,expert-network", "HEADS,Headteachers,expert"),
     ("not-allowed", "groups.csv", 3, "kind")),
    (("memberships", "S3,MATHS,lead", "S3,MATHS,leader"), ("not-allowed", "memberships.csv", 3, "role")),
    (("collaborations", "S4,S3,advice", "S4,S3,advise"), ("not-allowed", "collaborations.csv", 5, "kind")),
    (("staff", "S5,ASH,teacher", ",ASH,teacher"), ("missing-id", "staff.csv", 6, "staff_id")),
    (("staff", "S5,ASH,teacher", "S1,ASH,teacher"), ("duplicate-id", "staff.csv", 6, "staff_id")),
    (("schools", "ASH,Ash Grove Primary", "ASH,"), ("missing-value", "schools.csv", 4, "name")),
    (("staff", "S5,ASH,teacher", "S5,PINE,teacher"), ("unknown-reference", "staff.csv", 6, "school_id")),
    (("memberships", "S2,MATHS", "S9,MATHS"), ("unknown-reference", "memberships.csv", 2, "staff_id")),
    (("memberships", "S1,HEADS", "S1,HEAD"), ("unknown-reference", "memberships.csv", 4, "group_id")),
    (("collaborations", "S4,S3", "S4,S99"), ("unknown-reference", "collaborations.csv", 5, "target_staff_id")),
    (("collaborations", "S4,S3", "S3,S3"), ("self-tie", "collaborations.csv", 5, "target_staff_id")),
    (("collaborations", "co-planning,2", "co-planning,lots"), ("bad-weight", "collaborations.csv", 2, "weight")),
    (("collaborations", "co-planning,2", "co-planning,0"), ("bad-weight", "collaborations.csv", 2, "weight")),
    (("collaborations", "co-planning,2", "co-planning,-3"), ("bad-weight", "collaborations.csv", 2, "weight")),
    (("collaborations", "co-planning,2", "co-planning,inf"), ("bad-weight", "collaborations.csv", 2, "weight")),
    (("staff", "2018-09-01", "01/09/2018"), ("bad-date", "staff.csv", 3, "started_on")),
    (("staff", "2018-09-01", "2018-02-30"), ("bad-date", "staff.csv", 3, "started_on")),
    (("memberships", "2019-01-01", "soon"), ("bad-date", "memberships.csv", 2, "joined_on")),
    (("staff", "2020-01-06,,", "2020-01-06,2019-07-31,"), ("date-order", "staff.csv", 5, "left_on")),
    (("memberships", "2015-01-01,", "2015-01-01,2014-12-31"), ("date-order", "memberships.csv", 4, "left_on")),
    (("staff", "staff_id,school_id,role", "staff_id,school_id,job"), ("missing-column", "staff.csv", 1, "role")),
])
def test_each_rule_names_file_row_and_column(tiny: Path, change: tuple[str, str, str],
                                              expected: tuple[str, str, int, str]) -> None:
    edit(tiny, *change)
    assert _errors(tiny) == [expected]


def test_missing_file(tiny: Path) -> None:
    (tiny / "groups.csv").unlink()
    errors = _errors(tiny)
    assert ("missing-file", "groups.csv", None, None) in errors


@pytest.mark.parametrize("content", ["", "   \n", "staff_id,group_id,role,joined_on,left_on\n"])
def test_empty_file(tiny: Path, content: str) -> None:
    (tiny / "memberships.csv").write_text(content, encoding="utf-8")
    assert _errors(tiny) == [("empty-file", "memberships.csv", None, None)]


def test_secondments_file_is_optional_but_checked(tiny: Path) -> None:
    (tiny / "secondments.csv").write_text(
        "staff_id,from_school_id,to_school_id,starts_on,ends_on\n"
        "S2,OAK,ELM,2025-01-01,2025-07-31\n"
        "S3,ELM,ELM,2025-01-01,\n"
        "S4,OAK,ASH,2025-01-01,2024-01-01\n", encoding="utf-8")
    dataset, report = validate_source(tiny)
    assert [(p.rule, p.row, p.column) for p in report.errors] == [
        ("date-order", 4, "ends_on"), ("same-school", 3, "to_school_id")]
    assert [(p.rule, p.row) for p in report.warnings if p.rule == "secondment-school"] == [("secondment-school", 4)]


def test_value_outside_list_suggests_closest(tiny: Path) -> None:
    edit(tiny, "staff", "S4,ELM,teacher", "S4,ELM,midle leader")
    _, report = validate_source(tiny)
    (problem,) = report.errors
    assert problem.value == "midle leader"
    assert "Did you mean 'middle-leader'?" in problem.fix


def test_uk_date_gets_its_iso_spelling_as_the_fix(tiny: Path) -> None:
    edit(tiny, "staff", "2018-09-01", "01/09/2018")
    _, report = validate_source(tiny)
    assert report.errors[0].fix == "Write dates as YYYY-MM-DD: 2018-09-01."


def test_duplicate_id_names_the_first_row(tiny: Path) -> None:
    edit(tiny, "staff", "S5,ASH,teacher", "S1,ASH,teacher")
    _, report = validate_source(tiny)
    assert report.errors[0].message == "staff_id 'S1' is used again (first on row 2)."


def test_ten_planted_mistakes_are_all_reported(tiny: Path) -> None:
    edit(tiny, "schools", "ELM,Elm Park Academy,secondary", "ELM,Elm Park Academy,secondry")  # 1
    edit(tiny, "staff", "S2,OAK,teacher", "S2,OAK,teacher-ish")                              # 2
    append(tiny, "staff", "S1,ELM,teacher,Copy of Ada,,2019-09-01,,")                          # 3
    edit(tiny, "staff", "S5,ASH,teacher", "S5,PINE,teacher")                                   # 4
    edit(tiny, "staff", "2020-01-06", "6th Jan 2020")                                          # 5
    edit(tiny, "memberships", "S1,HEADS", "S1,HEAD")                                          # 6
    edit(tiny, "collaborations", "S4,S3", "S4,S4")                                             # 7
    edit(tiny, "collaborations", "co-planning,2", "co-planning,-1")                            # 8
    edit(tiny, "memberships", "2015-01-01,", "2015-01-01,2014-01-01")                          # 9
    edit(tiny, "groups", "group_id,name,kind", "group_id,title,kind")                          # 10
    errors = _errors(tiny)
    assert sorted(errors, key=str) == sorted([
        ("not-allowed", "schools.csv", 3, "phase"),
        ("not-allowed", "staff.csv", 3, "role"),
        ("duplicate-id", "staff.csv", 7, "staff_id"),
        ("unknown-reference", "staff.csv", 6, "school_id"),
        ("bad-date", "staff.csv", 5, "started_on"),
        ("unknown-reference", "memberships.csv", 4, "group_id"),
        ("self-tie", "collaborations.csv", 5, "target_staff_id"),
        ("bad-weight", "collaborations.csv", 2, "weight"),
        ("date-order", "memberships.csv", 4, "left_on"),
        ("missing-column", "groups.csv", 1, "name"),
    ], key=str)


def test_read_trust_raises_with_the_whole_report(tiny: Path) -> None:
    edit(tiny, "staff", "S2,OAK,teacher", "S2,OAK,teachr")
    edit(tiny, "staff", "S4,ELM,teacher", "S4,ELM,techer")
    with pytest.raises(ValidationFailed) as caught:
        read_trust(tiny)
    assert len(caught.value.report.errors) == 2
    assert str(caught.value).startswith("2 error(s) in the input; first: staff.csv, row 3, column role:")


def test_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        validate_source(tmp_path / "nowhere")


def test_a_repeated_observation_is_merged_with_a_warning(tiny: Path) -> None:
    append(tiny, "collaborations", "S2,S3,co-planning,3,2025-10-01")
    dataset, report = validate_source(tiny)
    assert dataset is not None
    (warning,) = [p for p in report.warnings if p.rule == "duplicate-tie"]
    assert (warning.row, warning.value) == (6, "row 2")
    assert warning.message == ("This tie repeats the one on row 2 (same source, target, kind and observed_on); "
                               "the two are merged and their weights added.")
    merged = dataset.collaborations
    row = merged[(merged.source_staff_id == "S2") & (merged.kind == "co-planning")]
    assert row["weight"].tolist() == [5.0]
    assert row["observed_on"].tolist() == ["2025-10-01"]
    assert len(merged) == 4


def test_the_same_tie_observed_on_another_date_is_kept_as_its_own_observation(tiny: Path) -> None:
    """A collaborations file kept across rounds: each round's observation stays, for the tie window to choose."""
    append(tiny, "collaborations", "S2,S3,co-planning,3,2025-11-01")
    dataset, report = validate_source(tiny)
    assert dataset is not None and not [p for p in report.warnings if p.rule == "duplicate-tie"]
    ties = dataset.collaborations
    row = ties[(ties.source_staff_id == "S2") & (ties.kind == "co-planning")]
    assert row[["weight", "observed_on"]].values.tolist() == [[2.0, "2025-10-01"], [3.0, "2025-11-01"]]


def test_unconnected_records_are_warnings_not_errors(tiny: Path) -> None:
    append(tiny, "schools", "PINE,Pine Nursery,nursery,,")
    append(tiny, "groups", "SEND,SEND network,expert-network,,")
    _, report = validate_source(tiny)
    assert report.ok
    assert {(p.rule, p.file, p.row) for p in report.warnings} == {
        ("no-ties", "staff.csv", 6), ("no-staff", "schools.csv", 5), ("no-members", "groups.csv", 4)}


def test_header_matching_ignores_case_spaces_and_separators(tiny: Path) -> None:
    edit(tiny, "staff", "staff_id,school_id,role,name,subjects,started_on,left_on",
         " Staff ID ,School-Id,ROLE,Name,Subjects,Started On,left-on")
    dataset, report = validate_source(tiny)
    assert report.ok and dataset is not None
    assert list(dataset.staff.columns[:3]) == ["staff_id", "school_id", "role"]


def test_values_are_normalised(tiny: Path) -> None:
    edit(tiny, "staff", "S3,ELM,middle-leader,Grace Hopper,maths;computing",
         "S3,ELM,Middle Leader,Grace Hopper, maths ; computing;maths;")
    dataset, _ = validate_source(tiny)
    assert dataset is not None
    row = dataset.staff.set_index("staff_id").loc["S3"]
    assert (row["role"], row["subjects"]) == ("middle-leader", "maths;computing")


def test_extra_columns_are_kept_as_attributes(tiny: Path) -> None:
    dataset, _ = validate_source(tiny)
    assert dataset is not None
    assert dataset.extra_columns("staff") == ["contract"]
    assert dataset.staff["contract"].tolist() == ["full-time", "full-time", "part-time", "full-time", "full-time"]


def test_defaults_fill_blank_optional_values(tiny: Path) -> None:
    edit(tiny, "collaborations", "S4,S3,advice,1,", "S4,S3,,,")
    dataset, _ = validate_source(tiny)
    assert dataset is not None
    last = dataset.collaborations.iloc[-1]
    assert (last["kind"], last["weight"]) == ("other", 1.0)


def test_blank_spreadsheet_rows_keep_row_numbers_true(tiny: Path) -> None:
    edit(tiny, "staff", "S4,ELM,teacher", ",,,,,,,\nS4,ELM,techer")
    _, report = validate_source(tiny)
    assert [(p.row, p.column) for p in report.errors] == [(6, "role")]


def test_blank_header_with_values_is_an_error(tiny: Path) -> None:
    edit(tiny, "groups", "group_id,name,kind,subject,phase", "group_id,name,kind,subject,phase,")
    edit(tiny, "groups", "MATHS,Maths community,subject-community,maths,",
         "MATHS,Maths community,subject-community,maths,,x")
    assert _errors(tiny) == [("blank-header", "groups.csv", 1, "F")]


def test_duplicate_column_is_an_error(tiny: Path) -> None:
    edit(tiny, "groups", "group_id,name,kind,subject,phase", "group_id,name,kind,subject,Kind")
    assert _errors(tiny) == [("duplicate-column", "groups.csv", 1, "Kind")]


def test_problems_past_the_cap_are_summed_up(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("netmap.ingest.validate.MAX_PROBLEMS_PER_RULE", 2)
    for i in range(5):
        append(tiny, "collaborations", f"S1,S3,advice,zero{i},")
    _, report = validate_source(tiny)
    assert [p.row for p in report.errors] == [6, 7, None]
    assert report.errors[-1].message == "3 more rows fail this check in this column."


def test_a_kind_declared_in_tie_kinds_is_allowed_and_an_undeclared_one_is_not(tiny: Path) -> None:
    edit(tiny, "collaborations", "S4,S3,advice", "S4,S3,phonics-advice")
    assert _errors(tiny) == [("not-allowed", "collaborations.csv", 5, "kind")]
    (tiny / "tie_kinds.csv").write_text("kind,flow\nphonics-advice,target-to-source\n", encoding="utf-8")
    assert _errors(tiny) == []


def test_someone_listed_as_not_answering_who_named_colleagues_is_warned_about(tiny: Path) -> None:
    """S2 named S3 on 2025-10-01, inside the autumn round's answers (S1 on 2025-09-20, S4 on 2025-10-05), but is
    listed as not answering it; S3 named S2 on the same day but answered nothing in a spring round whose answers
    came later, so only S2's row is suspicious."""
    (tiny / "respondents.csv").write_text(
        "staff_id,round,responded_on\nS1,2025 autumn,2025-09-20\nS2,2025 autumn,\nS4,2025 autumn,2025-10-05\n"
        "S3,2026 spring,\nS1,2026 spring,2026-03-01\n", encoding="utf-8")
    dataset, report = validate_source(tiny)
    assert dataset is not None
    (warning,) = [p for p in report.warnings if p.rule == "named-without-response"]
    assert (warning.file, warning.row, warning.column) == ("respondents.csv", 3, "responded_on")
    assert warning.message == ("Listed as not answering the round, yet S2 named S3 in collaborations.csv "
                               "(co-planning, 2025-10-01).")
    assert warning.fix == "Fill in responded_on with the day they answered, or correct the tie's source_staff_id."


def test_tie_kinds_and_respondents_are_checked_like_any_file(tiny: Path) -> None:
    (tiny / "tie_kinds.csv").write_text("kind,flow\nphonics-advice,backwards\n", encoding="utf-8")
    (tiny / "respondents.csv").write_text("staff_id,responded_on\nS9,2026-01-01\nS1,12/06/2026\n",
                                          encoding="utf-8")
    assert _errors(tiny) == [("not-allowed", "tie_kinds.csv", 2, "flow"),
                             ("bad-date", "respondents.csv", 3, "responded_on"),
                             ("unknown-reference", "respondents.csv", 2, "staff_id")]


@pytest.mark.parametrize(("char", "named"), [
    ("\u200b", "U+200B ZERO WIDTH SPACE"), ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\u200f", "U+200F RIGHT-TO-LEFT MARK"), ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\x00", "U+0000 NUL"), ("\x85", "U+0085"), ("\xa0", "U+00A0 NO-BREAK SPACE"),
    ("\u2028", "U+2028 LINE SEPARATOR"), ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
])
def test_an_invisible_character_inside_an_id_is_named_with_where_it_is(tiny: Path, char: str, named: str) -> None:
    edit(tiny, "staff", "S4,ELM,teacher", f"S{char}4,ELM,teacher")
    _, report = validate_source(tiny)
    hidden = [p for p in report.errors if p.rule == "control-character"]
    assert [(p.file, p.row, p.column) for p in hidden] == [("staff.csv", 5, "staff_id")]
    assert f", {named}" in hidden[0].message and "at character 2." in hidden[0].message


@pytest.mark.parametrize("name", ["Zo\u00eb Br\u00f6nte", "\u05d3\u05e0\u05d4 \u200f(Dana)",
                                  "\u0645\u06cc\u200c\u0631\u0648\u0645"])
def test_names_in_any_script_with_their_direction_marks_and_joiners_still_load(tiny: Path, name: str) -> None:
    edit(tiny, "staff", "Grace Hopper", name)
    dataset, report = validate_source(tiny)
    assert report.ok and dataset is not None and name in dataset.staff["name"].tolist()


def test_a_c1_control_character_in_a_name_is_refused(tiny: Path) -> None:
    edit(tiny, "staff", "Grace Hopper", "Grace\x85Hopper")
    assert ("control-character", "staff.csv", 4, "name") in _errors(tiny)


def test_every_invisible_character_is_caught_in_ids() -> None:
    """Checked against Unicode's own categories, over the whole of Unicode."""
    import sys
    import unicodedata

    from netmap.ingest.characters import first_hidden

    invisible = {"Cc", "Cf", "Zl", "Zp", "Zs"}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        expected = unicodedata.category(char) in invisible and char != " "
        assert (first_hidden(f"S{char}1", in_id=True) is not None) is expected, hex(code)


def test_a_40_megabyte_name_is_one_short_error(tiny: Path) -> None:
    edit(tiny, "staff", "Grace Hopper", "A" * (40 << 20))
    _, report = validate_source(tiny)
    assert [(p.rule, p.file, p.row, p.column) for p in report.errors] == [("too-long", "staff.csv", 4, "name")]
    problem = report.errors[0]
    assert problem.message == (f"name '{'A' * 40}... (41,943,040 characters)' is longer than netmap keeps "
                               "(200 characters).")
    assert problem.fix == "Shorten it to at most 200 characters; check it is the right column."


@pytest.mark.parametrize(("table", "old", "new", "column", "longest"), [
    ("staff", "S4,ELM,teacher", "S" * 65 + ",ELM,teacher", "staff_id", 64),
    ("staff", "S4,ELM,teacher", "S4,ELM," + "t" * 65, "role", 64),
    ("staff", "full-time", "x" * 1001, "contract", 1000),  # the trust's own column
])
def test_each_column_has_a_longest_value(tiny: Path, table: str, old: str, new: str, column: str,
                                         longest: int) -> None:
    edit(tiny, table, old, new)
    problems = [p for p in validate_source(tiny)[1].errors if p.rule == "too-long"]
    assert [(p.file, p.column) for p in problems] == [(f"{table}.csv", column)]
    assert f"({longest:,} characters)" in problems[0].message
    edit(tiny, table, new, new[:longest] if column != "role" else old)
    assert [p.rule for p in validate_source(tiny)[1].errors if p.rule == "too-long"] == []


def test_a_page_lists_every_error_and_a_few_warnings_of_each_kind_with_how_many_more() -> None:
    from netmap.ingest.report import Problem, ValidationReport

    def problem(severity: str, rule: str, row: int) -> Problem:
        return Problem(severity, rule, "staff.csv", row, "staff_id", f"S{row}", "m", "f")  # type: ignore[arg-type]

    report = ValidationReport("x", [problem("warning", "isolated", r) for r in range(2, 8)]
                              + [problem("error", "missing-id", r) for r in range(8, 13)]
                              + [problem("warning", "no-place", 13)])
    shown = [(p.severity, p.row, more) for p, more in report.shown(per_rule=3)]
    assert shown == [("warning", 2, 0), ("warning", 3, 0), ("warning", 4, 3), *(("error", r, 0) for r in range(8, 13)),
                     ("warning", 13, 0)]
