"""Exports other tools open: GraphML and GEXF read back by NetworkX with every attribute, the hard wiring as one
edge per membership, the analysis as one workbook; from the CLI and the web."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import networkx as nx
import openpyxl
import pytest
from click.testing import CliRunner
from flask import Flask

from netmap.analysis.engine import analyse
from netmap.analysis.staff_metrics import STAFF_COLUMNS
from netmap.cli import main
from netmap.export import export_network, names_of, network_for_export
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.workbook import write_analysis_workbook
from tests.conftest import QUICK
from tests.trusts import PLANTED
from tests.web_helpers import login


@pytest.fixture(scope="module")
def planted() -> tuple:
    graphs = build_graphs(read_trust(PLANTED)[0], "2026-07-01")
    return graphs, analyse(graphs, QUICK)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_network_reads_back_with_every_attribute(planted: tuple, tmp_path: Path, fmt: str) -> None:
    graphs, analysis = planted
    path = export_network(graphs, analysis, tmp_path / f"trust.{fmt}", fmt)
    read = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    people = [n for n, d in read.nodes(data=True) if d.get("type") == "person"]
    assert sorted(people) == sorted(graphs.soft.nodes)
    a2 = read.nodes["a2"]
    assert a2["name"] == "Maths teacher A" and a2["school_id"] == "A" and a2["role"] == "teacher"
    every_metric = set(STAFF_COLUMNS) - {"staff_id", "seconded_to"}  # seconded_to is blank here: left out
    assert every_metric <= set(a2), every_metric - set(a2)
    assert float(a2["betweenness"]) == pytest.approx(float(analysis.staff.set_index("staff_id").at["a2",
                                                                                                "betweenness"]))
    soft = {(u, v): d for u, v, d in read.edges(data=True) if d.get("layer") == "soft"}
    assert len(soft) == graphs.soft.number_of_edges()
    assert soft[("a2", "b2")]["kind"] == "resource-sharing" and float(soft[("a2", "b2")]["weight"]) == 1.0
    assert read.nodes["a2"]["label"] == "Maths teacher A" and read.nodes["group:MATHS"]["label"] == "Maths community"


def test_the_hard_wiring_is_one_edge_per_membership_not_a_clique(planted: tuple) -> None:
    graphs, analysis = planted
    network = network_for_export(graphs, analysis)
    memberships = [(u, v) for u, v, d in network.edges(data=True) if d["layer"] == "hard"]
    assert len(memberships) == len(graphs.dataset.memberships) == 8
    assert network.nodes["group:MATHS"]["name"] == "Maths community"
    assert {u for u, v in memberships if v == "group:MATHS"} == {"a2", "b2"}


def test_the_analysis_is_one_workbook_people_can_read(planted: tuple, tmp_path: Path) -> None:
    """Names beside ids, readable headings, number formats by kind, and a sheet describing every column."""
    graphs, analysis = planted
    path = write_analysis_workbook(analysis, tmp_path / "analysis.xlsx", names_of(graphs))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Staff", "Schools", "Groups", "Wiring", "Bridges", "About the columns"]
    staff = book["Staff"]
    headings = [c.value for c in staff[1]]
    assert headings[:4] == ["Id", "Name", "School", "School (name)"]
    assert "Betweenness" in headings and "Cross-school ties" in headings
    assert not [h for h in headings if "_" in str(h)]  # no snake_case
    assert staff.max_row == len(analysis.staff) + 1 and staff.freeze_panes == "A2"
    rows = {r[0].value: r for r in staff.iter_rows(min_row=2)}
    a2 = {h: c for h, c in zip(headings, rows["a2"], strict=True)}
    assert a2["Name"].value == "Maths teacher A" and a2["School (name)"].value == "Ash Primary"
    assert a2["Betweenness"].number_format == "0.0%" and isinstance(a2["Betweenness"].value, float)
    assert a2["Collaborators"].number_format == "#,##0" and a2["Collaborators"].value == 3
    assert a2["Groups (name)"].value == "Maths community"
    schools = book["Schools"]
    school_headings = [c.value for c in schools[1]]
    damson = {h: c for h, c in zip(school_headings, next(r for r in schools.iter_rows(min_row=2)
                                                         if r[0].value == "D"), strict=True)}
    assert damson["E-I index"].value == -1 and damson["E-I index"].number_format == "0.00"  # a number, not text
    about = {(r[0], r[1]): r for r in book["About the columns"].iter_rows(min_row=2, values_only=True)}
    assert about[("Staff", "Betweenness")][2:] == (
        "betweenness", "Share of shortest routes between two colleagues that pass through them (0 to 1).")
    assert about[("Staff", "Name")][3] == "The name of the person in the column to its left, from the trust's files."
    described = {(sheet, heading) for sheet, heading, *_ in about.values()}
    for name in ("Staff", "Schools", "Groups", "Wiring", "Bridges"):
        assert {(name, c.value) for c in book[name][1]} <= described
    figures = {row[0]: row[1] for row in list(book["Summary"].values)[1:]}
    assert figures["Isolates"] == analysis.summary["isolates"]


def test_formula_like_names_are_text_in_the_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "trust"
    shutil.copytree(PLANTED, folder)
    staff = folder / "staff.csv"
    staff.write_text(staff.read_text().replace("Head of A", "=cmd|' /C calc'!A0"))
    graphs = build_graphs(read_trust(folder)[0], "2026-07-01")
    book = openpyxl.load_workbook(write_analysis_workbook(analyse(graphs, QUICK), tmp_path / "a.xlsx",
                                                          names_of(graphs)))
    a1 = next(r for r in book["Staff"].iter_rows(min_row=2) if r[0].value == "a1")
    assert a1[1].value == "'=cmd|' /C calc'!A0" and a1[1].data_type == "s"


def test_export_from_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETMAP_DB", str(tmp_path / "store.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(PLANTED), "--as-of", "2026-07-01"]).exit_code == 0
    for fmt in ("graphml", "gexf", "xlsx"):
        result = runner.invoke(main, ["export", "--format", fmt, "--out", str(tmp_path / f"out.{fmt}")])
        assert result.exit_code == 0 and result.output == f"Wrote {tmp_path / f'out.{fmt}'} (snapshot 2026-07-01).\n"
    assert nx.read_graphml(tmp_path / "out.graphml").number_of_nodes() == 11 + 3


def test_export_from_the_web(app: Flask) -> None:
    client = app.test_client()
    login(client, "hr")
    response = client.get("/export/gexf")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert nx.read_gexf(io.BytesIO(response.data)).number_of_nodes() == 14
    assert openpyxl.load_workbook(io.BytesIO(client.get("/export/xlsx").data)).sheetnames[0] == "Summary"


def test_a_map_downloads_as_one_html_file_with_nothing_outside_it(tmp_path: Path) -> None:
    """The standalone map: vis-network inlined, no address outside the file, a hostile school name kept as text."""
    import shutil

    from netmap.ingest.validate import read_trust
    from tests.web_helpers import login, make_app

    folder = tmp_path / "trust"
    shutil.copytree(Path(__file__).parent / "data" / "planted", folder)
    schools = folder / "schools.csv"
    schools.write_text(schools.read_text().replace("Ash Primary", '"</script><script>alert(1)</script>"'))
    client = make_app(tmp_path / "web", read_trust(folder)[0]).test_client()
    login(client, "admin")
    for path in ("/map/data?format=html", "/map/data?view=wiring&format=html",
                 "/map/data?view=staff&school=A&hard=1&format=html"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert response.headers["Content-Disposition"].startswith('attachment; filename="netmap-')
        html = response.get_data(as_text=True)
        assert "new vis.Network" in html and len(html) > 400_000  # vis-network itself is in the file
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing to fetch
        assert "<script>alert(1)" not in html and "\\u003c/script\\u003e" in html  # the name stays text
