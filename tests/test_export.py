"""Exports other tools open: GraphML and GEXF read back by NetworkX with every attribute, the hard wiring as one
edge per membership, the analysis as one workbook; from the CLI and the web."""

from __future__ import annotations

import io
import re
from pathlib import Path

import networkx as nx
import openpyxl
import pytest
from click.testing import CliRunner
from flask import Flask

from netmap.analysis.engine import analyse
from netmap.analysis.staff_metrics import STAFF_COLUMNS
from netmap.cli import main
from netmap.export import export_network, network_for_export, write_analysis_workbook
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import PLANTED
from tests.web_helpers import login


@pytest.fixture(scope="module")
def planted() -> tuple:
    graphs = build_graphs(read_trust(PLANTED)[0], "2026-07-01")
    return graphs, analyse(graphs)


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


def test_the_hard_wiring_is_one_edge_per_membership_not_a_clique(planted: tuple) -> None:
    graphs, analysis = planted
    network = network_for_export(graphs, analysis)
    memberships = [(u, v) for u, v, d in network.edges(data=True) if d["layer"] == "hard"]
    assert len(memberships) == len(graphs.dataset.memberships) == 8
    assert network.nodes["group:MATHS"]["name"] == "Maths community"
    assert {u for u, v in memberships if v == "group:MATHS"} == {"a2", "b2"}


def test_the_analysis_is_one_workbook(planted: tuple, tmp_path: Path) -> None:
    _graphs, analysis = planted
    book = openpyxl.load_workbook(write_analysis_workbook(analysis, tmp_path / "analysis.xlsx"), read_only=True)
    assert book.sheetnames == ["Summary", "Staff", "Schools", "Groups", "Wiring", "Bridges"]
    staff = list(book["Staff"].values)
    assert list(staff[0]) == list(analysis.staff.columns) and len(staff) == len(analysis.staff) + 1
    figures = {row[0]: row[1] for row in list(book["Summary"].values)[1:]}
    assert figures["isolates"] == analysis.summary["isolates"]


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
