"""The network and its analysis in the formats other tools open: GraphML and GEXF for Gephi, Cytoscape or NetworkX
(people with their metrics; soft ties with their kind and weight, hard wiring as a node per group joined to its
members), and the analysis as one XLSX workbook (a sheet per table, the summary on the first)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import pandas as pd

from netmap.analysis.engine import Analysis
from netmap.graphs import TrustGraphs
from netmap.spreadsheet import neutralised_frame

__all__ = ["FORMATS", "export_network", "network_for_export", "write_analysis_workbook"]

FORMATS = ("graphml", "gexf", "xlsx")
Format = Literal["graphml", "gexf"]


def network_for_export(graphs: TrustGraphs, analysis: Analysis, names: dict[str, str] | None = None) -> nx.DiGraph:
    """People as nodes (`type` "person": name, school, role, subjects, and every staff metric), soft ties as
    directed edges in the direction reported (`layer` "soft", kind: the kinds joined by ";", weight), and each group
    as a node (`type` "group") with an edge from each member (`layer` "hard", kind "member_of"): the hard wiring as
    hubs, not cliques. Values are str, int, float or bool,
    which GraphML and GEXF both keep; missing values are left out of a node."""
    network = nx.DiGraph(name=f"netmap snapshot {graphs.as_of}")
    metrics = analysis.staff.set_index("staff_id")
    for person, data in graphs.soft.nodes(data=True):
        attributes: dict[str, Any] = {"type": "person", "name": data.get("name") or person,
                                      "school_id": data.get("school_id"), "role": data.get("role"),
                                      "subjects": ";".join(data.get("subjects") or ())}
        if person in metrics.index:
            attributes.update(metrics.loc[person].to_dict())
        network.add_node(person, **_plain(attributes))
    for source, target, data in graphs.soft.edges(data=True):
        network.add_edge(source, target, layer="soft", kind=";".join(sorted(data["kinds"])),
                         weight=float(data["weight"]))
    groups = graphs.dataset.groups.set_index("group_id")
    for group in groups.index:
        node = f"group:{group}"
        network.add_node(node, **_plain({"type": "group", "name": (names or {}).get(group) or groups.at[group, "name"],
                                         "kind": groups.at[group, "kind"]}))
        for member in sorted(graphs.hard.members(group), key=str):
            if member in network:
                network.add_edge(member, node, layer="hard", kind="member_of", weight=1.0)
    return network


def export_network(graphs: TrustGraphs, analysis: Analysis, path: Path, fmt: Format) -> Path:
    """Write the network (network_for_export) to `path` as GraphML or GEXF; returns the path."""
    network = network_for_export(graphs, analysis)
    if fmt == "graphml":
        nx.write_graphml(network, path)
    else:
        nx.write_gexf(network, path)
    return path


def write_analysis_workbook(analysis: Analysis, path: Path) -> Path:
    """The analysis as one .xlsx: a Summary sheet (each figure of summary.json on a row), then staff, schools,
    groups, wiring and bridges; text that a spreadsheet would run as a formula is neutralised."""
    summary = pd.DataFrame([(key, json.dumps(value, default=str) if isinstance(value, (dict, list)) else value)
                            for key, value in analysis.summary.items()], columns=["figure", "value"])
    with pd.ExcelWriter(path, engine="openpyxl") as workbook:
        neutralised_frame(summary).to_excel(workbook, sheet_name="Summary", index=False)
        for name in ("staff", "schools", "groups", "wiring", "bridges"):
            neutralised_frame(getattr(analysis, name)).to_excel(workbook, sheet_name=name.capitalize(), index=False)
    return path


def _plain(attributes: dict[str, Any]) -> dict[str, Any]:
    """Only values GraphML and GEXF write: numpy scalars as Python ones; None and NaN left out."""
    out = {}
    for key, value in attributes.items():
        if hasattr(value, "item"):
            value = value.item()
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        out[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
    return out
