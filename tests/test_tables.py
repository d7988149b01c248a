"""Every table's columns declared once (netmap/analysis/tables.py, and the web's own in webapp/table_columns.py):
the tables built have exactly the declared columns, the declaration is complete, pages draw their headings from it
through one macro (no template writes a heading cell of its own), and docs/tables.md is generated from it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import netmap.analysis.tables as tables_module
from netmap.analysis import Analysis, analyse
from netmap.analysis.compare import Snapshot, compare
from netmap.analysis.evaluation import Intervention, evaluate
from netmap.analysis.joiners import MILESTONES, SCHOOL_MILESTONES, integration
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.priorities import schools_to_help
from netmap.analysis.sensitivity import with_stability
from netmap.analysis.tables import (
    FORMATS,
    PERSON_MILESTONES,
    TABLES,
    HeadingCell,
    TableColumn,
    columns_of,
    table,
    tables_markdown,
)
from netmap.analysis.tables import SCHOOL_MILESTONES as DECLARED_SCHOOL_MILESTONES
from netmap.dataset import Dataset
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.trusts import EVALUATION_DATES, intervention_series
from webapp.table_columns import WEB_TABLES, csv_columns, table_spec

ROOT = Path(__file__).resolve().parent.parent
EARLIER, LATER = "2024-06-01", "2026-07-01"  # Ash Grove joins in between


@cache
def _tiny() -> tuple[Dataset, dict[str, Analysis], dict[str, Snapshot]]:
    dataset = read_trust(ROOT / "tests" / "data" / "tiny")[0]
    graphs = {as_of: build_graphs(dataset, as_of) for as_of in (EARLIER, LATER)}
    analyses = {as_of: analyse(g) for as_of, g in graphs.items()}
    return dataset, analyses, {as_of: Snapshot(graphs[as_of], analyses[as_of]) for as_of in graphs}


def built() -> dict[str, pd.DataFrame]:
    """Each declared table as the library builds it, on the tiny trust."""
    dataset, analyses, snapshots = _tiny()
    result = compare(snapshots[EARLIER], snapshots[LATER])
    sides = [(analyses[d], dataset.staff, dataset.schools) for d in (EARLIER, LATER)]
    joiners = integration(sides, since="2000-01-01")
    series = intervention_series(planted=True)
    evaluated = evaluate(*(build_graphs(series, day) for day in EVALUATION_DATES), Intervention("group", "MATHS"),
                         permutations=10)
    stable = with_stability(analyses[LATER], build_graphs(dataset, LATER), AnalysisOptions(stability_draws=3))
    return {"evaluation": evaluated.table(), "evaluation people": evaluated.people, "stability": stable.stability,
            "compare ties": result.ties, "compare people": result.people, "compare schools": result.schools,
            "compare groups": result.groups, "compare roles": result.roles,
            "compare communities": result.communities, "joiners people": joiners.people,
            "joiners schools": joiners.schools, "joiners cohorts": joiners.cohorts,
            "schools to help": schools_to_help(analyses[LATER].schools, dataset.schools)}


@pytest.mark.parametrize("key", [s.key for s in TABLES if s.key != "compare ties named"])
def test_each_table_is_built_with_exactly_its_declared_columns(key: str) -> None:
    frame = built()[key]
    assert list(frame.columns) == columns_of(key)


def test_the_tables_built_are_not_empty() -> None:
    """So that the column check above looks at real tables: the tiny trust changes between the two dates."""
    tables = built()
    assert {k for k, frame in tables.items() if frame.empty} <= {"compare roles", "schools to help"}
    assert set(tables["compare people"]["status"]) >= {"joined", "stayed"}


def test_the_web_download_of_compared_ties_holds_the_same_pairs_with_names() -> None:
    assert set(columns_of("compare ties named")) == set(columns_of("compare ties")) | {"name_a", "name_b"}


def test_the_declared_milestones_are_the_joiners_milestones() -> None:
    assert PERSON_MILESTONES == {m: words for m, (_column, words) in MILESTONES.items()}
    assert DECLARED_SCHOOL_MILESTONES == {m: words for m, (_test, words) in SCHOOL_MILESTONES.items()}


def test_every_column_has_a_heading_a_description_and_a_known_format() -> None:
    for spec in TABLES:
        assert len(set(spec.names)) == len(spec.names), spec.key
        for column in spec.columns:
            assert column.heading and column.description.endswith("."), (spec.key, column.name)
            assert column.format in FORMATS, (spec.key, column.name)


def test_an_unknown_table_is_named_with_the_ones_there_are() -> None:
    with pytest.raises(KeyError, match="no table 'nope': the tables are compare ties, "):
        table("nope")


def test_docs_tables_md_is_generated_from_the_declaration() -> None:
    """Regenerate with the command the page's first lines give."""
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == tables_markdown(WEB_TABLES)


def test_every_web_column_has_a_description_and_a_heading_unless_it_is_a_control() -> None:
    keys = [spec.key for spec in (*TABLES, *WEB_TABLES)]
    assert len(set(keys)) == len(keys), "two tables of one key"
    for spec in WEB_TABLES:
        assert len(set(spec.names)) == len(spec.names), spec.key
        for column in spec.columns:
            assert column.description.endswith(".") and column.format in FORMATS, (spec.key, column.name)
            assert column.heading or column.format == "page", (spec.key, column.name)


def test_no_template_writes_a_heading_cell_outside_the_shared_macros() -> None:
    """Every table's headings come from its declaration through _macros.html (headings, row_heading,
    crosstab_headings, and the sortable table's own), so that a page cannot drift from what docs/tables.md says."""
    templates = ROOT / "webapp" / "templates"
    found = {str(path.relative_to(templates)): text.count("<th")
             for path in templates.rglob("*.htm*") if path.name != "_macros.html"
             for text in [path.read_text(encoding="utf-8").lower()] if "<th" in text.replace("<thead", "")}
    assert not found, f"templates writing <th> themselves (use the headings macro of _macros.html): {found}"


def test_grouped_headings_span_their_columns_with_the_dates_filled_in() -> None:
    rows = table("compare groups").heading_rows(["group_id", "members_before", "members_after", "change",
                                                 "ties_gained", "ties_lost", "ties_persisting"],
                                                {"before": "2026-01-01", "after": "2026-07-01"})
    assert [(c.text, c.scope, c.colspan, c.rowspan) for c in rows[0]] == [
        ("Group", "col", 1, 2), ("Members", "colgroup", 2, 1), ("Change", "col", 1, 2),
        ("Collaborations between members", "colgroup", 3, 1)]
    assert [c.text for c in rows[1]] == ["2026-01-01", "2026-07-01", "gained", "lost", "kept"]
    assert [c.name for c in rows[1]] == ["members_before", "members_after", "ties_gained", "ties_lost",
                                         "ties_persisting"]


def test_ungrouped_headings_are_one_row_of_the_columns_asked_in_that_order() -> None:
    rows = table_spec("survey response rates").heading_rows(["name", "level"])
    assert rows == [[HeadingCell("Who", "The school's name, the role, or whole trust.", "name"),
                     HeadingCell("By", "school, role or trust.", "level")]]
    with pytest.raises(KeyError):
        table_spec("survey response rates").heading_rows(["nope"])


def test_a_download_leaves_out_the_page_s_own_columns() -> None:
    assert csv_columns("challenge experts") == ["staff_id", "name", "school", "score", "evidence", "introduced_by"]
    assert csv_columns("secondments to help") == columns_of("schools to help")
    with pytest.raises(KeyError, match="no table 'nope': the tables are compare ties, "):
        table_spec("nope")


@pytest.mark.parametrize("row", ["status | Status | labels | gained or lost.", "status | Status | gained or lost."])
def test_a_compact_column_row_that_is_not_four_parts_with_a_known_format_is_refused(row: str) -> None:
    """A typo in a declaration stops the import with the row and the form it should take (mypy no longer sees
    the format, so this is its check)."""
    with pytest.raises(ValueError, match=r"'status \| Status .*': write it as 'name \| heading \| format \| "
                                         r"description', the format one of id, text, date, "):
        tables_module._columns(row)


def test_a_compact_column_row_is_the_column_it_describes() -> None:
    assert tables_module._columns("cohort | Started | label | A term | or not.") == (
        TableColumn("cohort", "Started", "A term | or not.", "label"),)
