"""netmap.imports: staff from MIS and HR exports through column mappings, group lists, term-over-term changes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from netmap.contract import table_spec
from netmap.dataset import Dataset
from netmap.errors import ConfigError, IngestError
from netmap.imports.groups import apply_group_lists, find_group, match_group_list, read_group_list
from netmap.imports.mapping import (
    StaffMapping,
    builtin_names,
    find_mapping,
    is_sensitive,
    load_mapping,
    save_mapping,
    suggest_columns,
)
from netmap.imports.staff import next_dataset, read_staff_export
from netmap.imports.term import staff_changes
from netmap.ingest.report import ValidationReport
from netmap.ingest.validate import read_trust
from tests.mis_exports import census_mapping, write_export
from tests.trusts import SAMPLE, TINY

CONTRACT = list(table_spec("staff").column_names)
AS_OF = "2026-09-10"


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return read_trust(SAMPLE)[0]


@pytest.fixture(scope="module")
def tiny_trust() -> Dataset:
    return read_trust(TINY)[0]


def _import(path: Path, mapping: StaffMapping, base: Dataset, *, school: str | None = None
            ) -> tuple[Dataset | None, ValidationReport, object]:
    report = ValidationReport(str(path))
    exported = read_staff_export(path, mapping, base.schools, report, school=school)
    new = None if exported is None else next_dataset(base, "snapshot 2026-07-20", exported, AS_OF, report)
    return new, report, exported


def _sorted(staff: pd.DataFrame) -> pd.DataFrame:
    return staff[CONTRACT].sort_values("staff_id").reset_index(drop=True)


@pytest.mark.parametrize("layout", ["sims", "itrent", "workforce-census"])
def test_each_layout_gives_back_the_trusts_staff(layout: str, sample: Dataset, tmp_path: Path) -> None:
    """The sample trust's 2,000 staff exported in each layout (codes, date formats, school names or LAESTAB,
    shuffled, NI numbers and dates of birth beside them) come back exactly as netmap holds them, with emails."""
    export = write_export(layout, sample.staff, sample.schools, tmp_path / f"{layout}.csv",
                          repeats=3 if layout == "workforce-census" else 0)
    mapping = census_mapping(sample.schools, tmp_path) if layout == "workforce-census" else find_mapping(layout)
    school = "SCH01" if layout == "sims" else None
    if layout == "sims":  # SIMS is one school's MIS: one school's export
        export = write_export(layout, sample.staff[sample.staff["school_id"] == "SCH01"], sample.schools, export)
    new, report, exported = _import(export, mapping, sample, school=school)
    assert report.errors == [], [p.describe() for p in report.errors]
    assert new is not None
    pd.testing.assert_frame_equal(_sorted(new.staff), _sorted(sample.staff))
    assert new.staff["email"].str.endswith("@trust.example").sum() == (
        (sample.staff["school_id"] == "SCH01").sum() if layout == "sims" else len(sample.staff))
    assert not any(is_sensitive(c) for c in new.staff.columns)
    assert all(new.table(n).equals(sample.table(n)) for n in ("schools", "groups", "memberships", "collaborations"))
    note = exported.dropped_note()  # type: ignore[attr-defined]
    assert note.startswith("Dropped ") and "NI Number" in note and "Date of Birth" in note
    if layout == "workforce-census":
        assert [p.rule for p in report.warnings if p.rule == "repeated-row"] == ["repeated-row"] * 3


def test_no_sensitive_value_reaches_the_dataset(sample: Dataset, tmp_path: Path) -> None:
    export = write_export("itrent", sample.staff.head(50), sample.schools, tmp_path / "itrent.csv")
    ni_numbers = set(pd.read_csv(export, dtype=str, encoding="cp1252")["NI Number"])
    new, _, _ = _import(export, find_mapping("itrent"), sample)
    assert new is not None
    held = set(new.staff.astype(str).to_numpy().ravel())
    assert not ni_numbers & held


ITRENT_HEADER = ("Person Number,Forenames,Surname,NI Number,Date of Birth,Work Email Address,Location,Post Category,"
                 "Assignment Start Date,Assignment End Date,Ethnic Origin\n")


def _itrent(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "itrent.csv"
    path.write_text(ITRENT_HEADER + body, encoding="cp1252")
    return path


def test_term_over_term_says_who_joined_moved_changed_role_and_left(tiny_trust: Dataset, tmp_path: Path) -> None:
    export = _itrent(tmp_path, "S1,Ada,Lovelace,QQ123456C,01/01/1970,ada@oak.example,Oakfield Primary,HDT,"
                               "01-Sep-2010,,WBRI\n"
                               "S2,Alan,Turing,QQ123457C,01/01/1980,alan@oak.example,ELM,TCH,01-Sep-2018,,WBRI\n"
                               "S3,Grace,Hopper,QQ1,01/01/1970,grace@elm.example,Elm Park Academy,AHT,01/09/2012,,\n"
                               "S6,Zoë,O’Neill,QQ1,01/01/1970,zoe@elm.example,ELM,TAS,01/09/2026,,WBRI\n")
    new, report, _ = _import(export, find_mapping("itrent"), tiny_trust)
    assert new is not None and report.errors == []
    changes = staff_changes(tiny_trust.staff, new.staff, AS_OF)
    assert changes.lines() == [
        "Joined: 1 (Zoë O’Neill [S6])",
        "Moved school: 1 (Alan Turing [S2] OAK -> ELM)",
        "Changed role: 1 (Grace Hopper [S3] middle-leader -> senior-leader)",
        "Left: 2 (Edsger Dijkstra [S4]; Barbara Liskov [S5])",
        "Leavers stay in the map's history, and their netmap accounts close from their leaving day: an account "
        "linked to their staff id or email is disabled at its next request."]
    leavers = new.staff.set_index("staff_id").loc[["S4", "S5"]]
    assert list(leavers["left_on"]) == [AS_OF, AS_OF] and list(leavers["school_id"]) == ["ELM", "ASH"]
    assert new.staff.set_index("staff_id").at["S6", "name"] == "Zoë O’Neill"
    assert new.staff.set_index("staff_id").at["S2", "contract"] == "full-time"  # the trust's own column carried


def test_a_school_name_two_schools_share_is_refused_never_guessed(tiny_trust: Dataset, tmp_path: Path) -> None:
    """GIAS's names are not unique (two St John's Primary Schools): a name that is two schools' is an error naming
    both, and the mapping's [schools] entry settles it; an id still matches its school alone."""
    tables = dict(tiny_trust.tables())
    tables["schools"] = tiny_trust.schools.assign(name=["Oakfield Primary", "Oakfield Primary", "Ash Grove Primary"])
    trust = Dataset.from_tables(tables)
    export = _itrent(tmp_path, "S1,Ada,Lovelace,QQ1,01/01/1970,ada@oak.example,oakfield  primary,HDT,01-Sep-2010,,\n"
                               "S2,Alan,Turing,QQ1,01/01/1980,alan@oak.example,ELM,TCH,01-Sep-2018,,\n")
    new, report, _ = _import(export, find_mapping("itrent"), trust)
    assert new is None and [(p.rule, p.row, p.column, p.message, p.fix) for p in report.errors] == [
        ("ambiguous-school", 2, "Location", "'oakfield  primary' is the name of 2 schools (OAK, ELM).",
         "Add 'oakfield  primary' = \"SCHOOL_ID\" under [schools] in mapping itrent (or choose it on the mapping "
         "page), or export the school's code instead of its name.")]
    base = find_mapping("itrent")
    settled = StaffMapping(base.name, base.title, base.columns, base.roles, base.subjects,
                           {"Oakfield Primary": "OAK"}, base.subject_separators)
    new, report, _ = _import(export, settled, trust)
    assert new is not None and new.staff.set_index("staff_id").loc[["S1", "S2"], "school_id"].tolist() == [
        "OAK", "ELM"]


def test_one_school_export_leaves_other_schools_alone(tiny_trust: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "sims.csv"
    path.write_text("Employee Number,Legal Surname,Preferred Forename,Role,Subjects,Employment Start Date,"
                    "Employment End Date,Work Email\nS4,Dijkstra,Edsger,TCH,SC,06/01/2020,,e@elm.example\n",
                    encoding="utf-8")
    new, report, _ = _import(path, find_mapping("sims"), tiny_trust, school="ELM")
    assert new is not None, [p.describe() for p in report.errors]
    changes = staff_changes(tiny_trust.staff, new.staff, AS_OF)
    assert (changes.joined, changes.moved, changes.left) == ((), (), ("S3",))  # S3 was at ELM; OAK and ASH untouched
    assert new.staff.set_index("staff_id").at["S4", "subjects"] == "science"


def test_bad_export_reports_every_problem_with_file_row_column_and_fix(tiny_trust: Dataset, tmp_path: Path) -> None:
    export = _itrent(tmp_path, "S1,Ada,Lovelace,,,ada@x.example,Oakfield Primary,HDT,01/09/2010,,\n"
                               "S2,Alan,Turing,,,alan@x.example,Birch Lane,TCH,01/09/2018,,\n"
                               "S1,Ada,Byron,,,ada@x.example,OAK,HDT,01/09/2010,,\n"
                               "S7,Kit,Marlowe,,,kit@x.example,OAK,XYZ,31/02/2020,,\n")
    new, report, _ = _import(export, find_mapping("itrent"), tiny_trust)
    assert new is None
    assert [p.describe() for p in report.errors] == [
        "itrent.csv, row 3, column Location: 'Birch Lane' is not a school netmap knows (schools: ASH, ELM, OAK). "
        "Fix: Add 'Birch Lane' = \"SCHOOL_ID\" under [schools] in mapping itrent, or load the school first "
        "(netmap import gias, or schools.csv).",
        "itrent.csv, row 5, column Post Category: 'XYZ' is not in mapping itrent's role vocabulary. Fix: Add 'XYZ' "
        "under [roles] in the mapping with one of teacher, middle-leader, senior-leader, headteacher, support, "
        "central (or choose it on the mapping page), or correct the cell.",
        "itrent.csv, row 5, column Assignment Start Date: '31/02/2020' is not a date. Fix: Write dates as "
        "YYYY-MM-DD, e.g. 2024-09-01, and check the day exists.",
        "itrent.csv, row 4, column Person Number: Person Number 'S1' is used again (first on row 2). Fix: Give "
        "each member of staff its own Person Number, or delete the repeated row."]


def test_missing_mapped_column_is_named_with_the_exports_headers(tiny_trust: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "itrent.csv"
    path.write_text("Person Number,Forenames,Surname,Location,Assignment Start Date\nS1,Ada,Lovelace,OAK,\n",
                    encoding="utf-8")
    new, report, _ = _import(path, find_mapping("itrent"), tiny_trust)
    assert new is None
    assert [(p.row, p.column) for p in report.errors] == [(1, "Work Email Address"), (1, "Post Category"),
                                                          (1, "Assignment End Date")]
    assert report.errors[1].describe() == (
        "itrent.csv, row 1, column Post Category: The export has no column 'Post Category', which mapping itrent "
        "reads for role. Fix: Export it with that column, or change the mapping to the header your export uses "
        "(its headers: Person Number, Forenames, Surname, Location, Assignment Start Date).")


def test_sims_without_school_says_to_give_one(tiny_trust: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "sims.csv"
    path.write_text("Employee Number,Legal Surname,Preferred Forename,Role,Subjects,Employment Start Date,"
                    "Employment End Date,Work Email\nS4,Dijkstra,Edsger,TCH,SC,06/01/2020,,e@elm.example\n")
    _, report, _ = _import(path, find_mapping("sims"), tiny_trust)
    assert [p.describe() for p in report.errors] == [
        "sims.csv: Mapping sims has no school column, and no school was given. Fix: Say which school this export is "
        "from (--school ID on the command line), or map the export's school column."]


def test_builtin_mappings_are_documented_as_unverified() -> None:
    assert builtin_names() == ["itrent", "sims", "workforce-census"]
    for name in builtin_names():
        mapping = find_mapping(name)
        assert mapping.verified is False and "not verified" in mapping.source
        assert mapping.role_of("TCH") == "teacher" and mapping.role_of("adm") == "support"


@pytest.mark.parametrize(("columns", "message"), [
    ({"staff_id": "ID", "role": "Post", "name": "Date of Birth"},
     "name is mapped to 'Date of Birth', a column netmap never reads"),
    ({"staff_id": "ID", "role": "Post", "school_id": "NI Number"}, "school_id is mapped to 'NI Number'"),
    ({"staff_id": "ID", "role": "Post", "ethnicity": "Ethnic Origin"}, "names 'ethnicity', which is not a netmap"),
    ({"staff_id": "ID"}, "role must be mapped to a column of the export."),
])
def test_a_mapping_never_reads_sensitive_or_unknown_fields(columns: dict[str, str], message: str,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"name": "mine", "columns": columns}), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_mapping(path)


def test_saved_mapping_reads_back_and_shadows_nothing_builtin_by_accident(tmp_path: Path) -> None:
    mapping = StaffMapping("oak-sims", "Oak's SIMS", {"staff_id": ("Staff ID",), "name": ("First", "Last"),
                                                      "role": ("Post",)}, roles={"HoY": "middle-leader"})
    path = save_mapping(mapping, tmp_path)
    assert path == tmp_path / "oak-sims.json"
    assert find_mapping("oak-sims", tmp_path) == mapping
    with pytest.raises(ConfigError, match=r"No mapping called 'nope'. Built in: itrent, sims, workforce-census; "
                                          r"saved in .*: oak-sims\."):
        find_mapping("nope", tmp_path)


def test_suggestions_match_headers_and_never_suggest_sensitive_ones() -> None:
    headers = ["Person Number", "NI Number", "Forenames", "Work Email Address", "Location", "Post Category",
               "Assignment Start Date", "Assignment End Date", "Date of Birth"]
    assert suggest_columns(headers) == {"staff_id": "Person Number", "name": "Forenames",
                                        "email": "Work Email Address", "school_id": "Location", "role": "Post Category",
                                        "subjects": None, "started_on": "Assignment Start Date",
                                        "left_on": "Assignment End Date"}


def _with_emails(dataset: Dataset) -> Dataset:
    tables = dict(dataset.tables())
    staff = dataset.staff.copy()
    staff["email"] = ["ada@oak.example", "alan.turing@oak.example", "Grace@Elm.example", None, "bl@ash.example"]
    tables["staff"] = staff
    return Dataset.from_tables(tables)


def test_group_list_matches_by_email_ignoring_case_and_reports_the_rest(tiny_trust: Dataset,
                                                                        tmp_path: Path) -> None:
    trust = _with_emails(tiny_trust)
    path = tmp_path / "Maths community.txt"
    path.write_text("ALAN.TURING@oak.example\n\ngrace@elm.example\nalan.turnig@oak.example\nnobody@else.example\n")
    group = match_group_list(find_group(path.stem, trust.groups) or "", path, trust.staff)
    assert (group.group_id, group.matched) == ("MATHS", ["S2", "S3"])
    assert group.unmatched_lines() == [
        "Maths community.txt, line 4: 'alan.turnig@oak.example' matches no staff email (never stored). Closest: "
        "Alan Turing.",
        "Maths community.txt, line 5: 'nobody@else.example' matches no staff email (never stored). No staff name is "
        "close."]
    updated = apply_group_lists(trust, [group], AS_OF)
    maths = updated.memberships[updated.memberships["group_id"] == "MATHS"]
    assert maths[["staff_id", "role", "joined_on", "left_on"]].to_dict("records") == [
        {"staff_id": "S2", "role": "member", "joined_on": "2019-01-01", "left_on": None},
        {"staff_id": "S3", "role": "lead", "joined_on": "2018-01-01", "left_on": None}]
    assert "nobody@else.example" not in updated.memberships.to_string()


def test_group_list_csv_with_an_email_column_ends_memberships_no_longer_listed(tiny_trust: Dataset,
                                                                                tmp_path: Path) -> None:
    trust = _with_emails(tiny_trust)
    path = tmp_path / "maths.csv"
    path.write_text("DisplayName,UserPrincipalName,Role\nAda Lovelace,ada@oak.example,Owner\n", encoding="utf-8")
    assert read_group_list(path) == [(2, "ada@oak.example")]
    updated = apply_group_lists(trust, [match_group_list("MATHS", path, trust.staff)], AS_OF)
    maths = updated.memberships[updated.memberships["group_id"] == "MATHS"].set_index("staff_id")
    assert maths["left_on"].to_dict() == {"S2": AS_OF, "S3": AS_OF, "S1": None}
    assert maths.at["S1", "joined_on"] == AS_OF


def test_group_list_needs_staff_emails_and_a_known_group(tiny_trust: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "science.txt"
    path.write_text("ada@oak.example\n")
    with pytest.raises(IngestError, match="The latest snapshot's staff have no email column"):
        match_group_list("SCIENCE", path, tiny_trust.staff)
    trust = _with_emails(tiny_trust)
    group = match_group_list("science", path, trust.staff, new_group=True)
    with pytest.raises(IngestError, match=r"science.txt: no group is called 'science'. Fix: rename the file"):
        apply_group_lists(trust, [group], AS_OF)
    made = apply_group_lists(trust, [group], AS_OF, kind="expert-network")
    assert made.groups.iloc[-1][["group_id", "name", "kind"]].tolist() == ["science", "science", "expert-network"]


def test_an_xlsx_export_reads_as_its_csv_does(tiny_trust: Dataset, tmp_path: Path) -> None:
    """Exports often come as workbooks: the first sheet is read, dates typed as dates included."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Person Number", "Forenames", "Surname", "Date of Birth", "Work Email Address", "Location",
                  "Post Category", "Assignment Start Date", "Assignment End Date"])
    for person in tiny_trust.staff.itertuples():
        first, _, last = person.name.partition(" ")
        sheet.append([person.staff_id, first, last, dt.datetime(1980, 1, 1), f"{first}@x.example",
                      person.school_id, person.role, dt.datetime.fromisoformat(person.started_on), None])
    book.save(tmp_path / "itrent.xlsx")
    new, report, _ = _import(tmp_path / "itrent.xlsx", find_mapping("itrent"), tiny_trust)
    assert new is not None, [p.describe() for p in report.errors]
    pd.testing.assert_frame_equal(_sorted(new.staff), _sorted(tiny_trust.staff))


@pytest.mark.parametrize("header", ["Legal Sex", "Staff NI", "D.O.B.", "National Ins. No.", "NI Number", "Nino",
                                    "Date of Birth", "Ethnicity", "Gender Identity", "Religion", "Salary"])
def test_sensitive_headers_are_recognised_however_an_export_spells_them(header: str) -> None:
    assert is_sensitive(header)


@pytest.mark.parametrize("header", ["Surname", "Forename", "Initials", "Staff Id", "Email", "Post", "Main Subject",
                                    "Start Date", "Leaving Date", "Contract Type", "Unit", "Nickname"])
def test_ordinary_headers_stay_mappable(header: str) -> None:
    assert not is_sensitive(header)


def test_group_list_reads_utf16_and_bom_marked_utf8_as_teams_and_excel_save_them(tmp_path: Path) -> None:
    for name, encoding in (("teams.csv", "utf-16"), ("excel.csv", "utf-8-sig")):
        path = tmp_path / name
        path.write_bytes("Email\r\nada@oak.example\r\n".encode(encoding))
        assert read_group_list(path) == [(2, "ada@oak.example")]


def test_group_list_that_nothing_decodes_or_csv_refuses_is_an_ingest_error_naming_file_and_fix(
        tmp_path: Path) -> None:
    undecodable = tmp_path / "MATHS.txt"
    undecodable.write_bytes(b"ada@oak.example\n\x81\x8d\x90@x\n")
    with pytest.raises(IngestError) as caught:
        read_group_list(undecodable)
    assert str(caught.value).endswith(
        "MATHS.txt is not text netmap can read (neither UTF-8, UTF-16 nor Windows-1252). Fix: save the list as CSV "
        "UTF-8 (or as plain text, one email per line) and upload it again.")
    no_bom = tmp_path / "maths.csv"  # UTF-16 without its mark: a carriage return then a NUL inside a field
    no_bom.write_bytes("Email\r\nada@oak.example\r\n".encode("utf-16-le"))
    with pytest.raises(IngestError) as caught:
        read_group_list(no_bom)
    assert "maths.csv, row 1: cannot be read as CSV (new-line character seen in unquoted field" in str(caught.value)
    assert str(caught.value).endswith("Fix: save the list as CSV UTF-8 (or as plain text, one email per line) and "
                                      "upload it again.")
    assert (caught.value.file, caught.value.row) == ("maths.csv", 1)
