"""Every table's columns declared once (netmap/analysis/tables.py): the tables built have exactly the declared
columns, the declaration is complete, and docs/tables.md is generated from it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

import netmap.analysis.tables as tables_module
from netmap.analysis import Analysis, analyse
from netmap.analysis.compare import Snapshot, compare
from netmap.analysis.joiners import MILESTONES, SCHOOL_MILESTONES, integration
from netmap.analysis.priorities import schools_to_help
from netmap.analysis.tables import FORMATS, PERSON_MILESTONES, TABLES, TableColumn, columns_of, table, tables_markdown
from netmap.analysis.tables import SCHOOL_MILESTONES as DECLARED_SCHOOL_MILESTONES
from netmap.dataset import Dataset
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust

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
    return {"compare ties": result.ties, "compare people": result.people, "compare schools": result.schools,
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
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == tables_markdown()


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
