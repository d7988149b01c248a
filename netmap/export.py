"""The network and its analysis in the formats other tools open: GraphML and GEXF for Gephi, Cytoscape or NetworkX
(people with their metrics, labelled by name; soft ties with their kind and weight, hard wiring as a node per group
joined to its members). The analysis as a workbook is netmap.workbook."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from netmap.analysis.engine import Analysis
from netmap.graphs import TrustGraphs

__all__ = ["FORMATS", "export_network", "names_of", "network_for_export"]

FORMATS = ("graphml", "gexf", "xlsx")
Format = Literal["graphml", "gexf"]


def network_for_export(graphs: TrustGraphs, analysis: Analysis, names: dict[str, str] | None = None) -> nx.DiGraph:
    """People as nodes (`type` "person": label and name, school, role, subjects, and every staff metric: Gephi
    shows the label), soft ties as
    directed edges in the direction reported (`layer` "soft", kind: the kinds joined by ";", weight), and each group
    as a node (`type` "group") with an edge from each member (`layer` "hard", kind "member_of"): the hard wiring as
    hubs, not cliques. Values are str, int, float or bool,
    which GraphML and GEXF both keep; missing values are left out of a node."""
    network = nx.DiGraph(name=f"netmap snapshot {graphs.as_of}")
    metrics = analysis.staff.set_index("staff_id")
    for person, data in graphs.soft.nodes(data=True):
        name = data.get("name") or person
        attributes: dict[str, Any] = {"type": "person", "label": name, "name": name,
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
        name = (names or {}).get(group) or groups.at[group, "name"]
        network.add_node(node, **_plain({"type": "group", "label": name, "name": name,
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


def names_of(graphs: TrustGraphs) -> dict[str, dict[str, str]]:
    """Each staff, school and group id's name in the snapshot's files (a missing name: the id)."""
    data = graphs.dataset
    return {what: {str(i): str(n) if isinstance(n, str) and n else str(i)
                   for i, n in zip(frame[key], frame["name"], strict=True)}
            for what, frame, key in (("staff", data.staff, "staff_id"), ("schools", data.schools, "school_id"),
                                     ("groups", data.groups, "group_id"))}


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
