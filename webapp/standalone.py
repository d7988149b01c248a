"""A map as one standalone HTML file: pyvis renders the nodes, edges and options the page draws into a template
with vis-network inlined, so that the file opens offline, years later, with nothing fetched from anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from webapp.security import VIS

__all__ = ["standalone_html"]

TEMPLATES = Path(__file__).parent / "templates" / "standalone"


def standalone_html(drawn: dict[str, Any], heading: str, note: str) -> str:
    """`drawn` (a map's JSON, as webapp.graphview builds it) as an HTML page that draws it with no server: the
    same places, colours, key and tooltips; every label escaped as the app escapes it."""
    net = Network(directed=False, cdn_resources="in_line", heading=heading)
    net.nodes, net.edges = drawn["nodes"], drawn["edges"]
    net.options = drawn["options"]
    # pyvis's own template links Bootstrap from a CDN; ours has nothing outside the file, and escapes every label
    net.templateEnv = Environment(loader=ChoiceLoader([FileSystemLoader(TEMPLATES),
                                                       FileSystemLoader(VIS.parent.parent)]),
                                  autoescape=select_autoescape(default=True, default_for_string=True))
    net.path = "map.html"
    net.templateEnv.globals.update(legend=drawn.get("legend", []), note=note, message=drawn.get("message", ""))
    return str(net.generate_html())
