"""The maps the web sends, pinned: on the sample trust as of two dates, every map payload (node ids, positions,
sizes, colours, labels, tooltips, edges, legends) must equal the one recorded in tests/data/map_payloads.json.

The record was made from the code before map layout moved out of webapp/graphview.py into netmap/layout/, so this
test says the move changed nothing a user sees. When a change to the maps is meant, regenerate the record (and
review its diff) with:

    PYTHONPATH=. python -m tests.test_map_payloads

Floats are rounded to 3 decimals: a layout is deterministic (seeded, and independent of Python's string hashing:
the test passes under any PYTHONHASHSEED), and rounding keeps the record readable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from netmap.analysis import analyse
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.store import SnapshotInfo
from webapp.data import TrustView
from webapp.graphview import MapFilters, changes_map, people_changes_map, school_map, staff_map, wiring_map

pytestmark = pytest.mark.slow  # two analyses of the 2,000-staff sample and fifteen maps: about 30 s

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tests" / "data" / "map_payloads.json"
EARLIER, LATER = "2025-12-19", "2026-07-01"  # SCH22 joins in between: a new school on the later maps


@cache
def _views() -> tuple[TrustView, TrustView]:
    """The sample trust as of EARLIER and LATER, the later keeping the earlier one's places, as the web has them."""
    dataset = read_trust(ROOT / "data" / "samples" / "trust")[0]

    def view(as_of: str, previous: TrustView | None) -> TrustView:
        info = SnapshotInfo(as_of, as_of, "2026-07-01T00:00:00", "sample", "")
        made = TrustView.in_memory(info, dataset, analyse(build_graphs(dataset, as_of)))
        made.load_previous = lambda: previous
        return made

    earlier = view(EARLIER, None)
    return earlier, view(LATER, earlier)


def _rounded(value: Any) -> Any:
    """`value` as JSON would hold it, floats rounded to 3 decimals."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if hasattr(value, "item"):  # a numpy scalar
        return _rounded(value.item())
    return value


MAPS: dict[str, Callable[[TrustView, TrustView], dict]] = {
    "school map, earlier": lambda earlier, later: school_map(earlier),
    "school map, later (places kept)": lambda earlier, later: school_map(later),
    "school map, around SCH03": lambda earlier, later: school_map(later, "SCH03"),
    "wiring map": lambda earlier, later: wiring_map(later),
    "changes map": lambda earlier, later: changes_map(later, earlier),
    "staff map, earlier, whole trust": lambda earlier, later: staff_map(earlier, MapFilters()),
    "staff map, a school": lambda earlier, later: staff_map(later, MapFilters(school="SCH01")),
    "staff map, a school, hard wiring": lambda earlier, later: staff_map(later, MapFilters(school="SCH22", hard=True)),
    "staff map, a person": lambda earlier, later: staff_map(later, MapFilters(person="ST0002")),
    "staff map, a person, two steps": lambda earlier, later: staff_map(later, MapFilters(person="ST0100", depth=2)),
    "staff map, a group, hard wiring": lambda earlier, later: staff_map(later, MapFilters(group="ORACY", hard=True)),
    "staff map, headteachers, hard wiring":
        lambda earlier, later: staff_map(later, MapFilters(role="headteacher", hard=True)),
    "people changes, a school": lambda earlier, later: people_changes_map(later, earlier, MapFilters(school="SCH03")),
    "people changes, a group":
        lambda earlier, later: people_changes_map(later, earlier, MapFilters(group="GEOGRAPHY")),
}  # every kind of map the web draws, by a name saying which; in this order (later maps reuse earlier places)


SUMMARISED = {"staff map, earlier, whole trust"}  # 1.5 MB in full: its places and a digest of the rest


def _summary(drawn: dict[str, Any]) -> dict[str, Any]:
    """A large map's node places (what a layout change moves), and a SHA-256 of the whole payload."""
    whole = json.dumps(drawn, sort_keys=True).encode()
    return {"places": {n["id"]: [n["x"], n["y"]] for n in drawn["nodes"]}, "sha256": hashlib.sha256(whole).hexdigest()}


def _in_order(drawn: dict[str, Any]) -> dict[str, Any]:
    """`drawn` with its edges sorted: a staff map lists a subgraph's edges, whose order varies with Python's
    string hashing from one process to the next (the lines drawn are the same)."""
    return {**drawn, "edges": sorted(drawn["edges"], key=lambda edge: json.dumps(edge, sort_keys=True))}


def payloads() -> dict[str, Any]:
    """Every map of MAPS, as JSON would hold it (those in SUMMARISED summarised)."""
    earlier, later = _views()
    drawn = {name: _in_order(_rounded(draw(earlier, later))) for name, draw in MAPS.items()}
    return {name: _summary(d) if name in SUMMARISED else d for name, d in drawn.items()}


@cache
def _recorded() -> dict[str, Any]:
    recorded: dict[str, Any] = json.loads(RECORD.read_text(encoding="utf-8"))
    return recorded


@cache
def _drawn() -> dict[str, Any]:
    return payloads()


def test_the_record_covers_every_map() -> None:
    assert sorted(_drawn()) == sorted(_recorded())


@pytest.mark.parametrize("name", list(MAPS))
def test_each_map_is_drawn_as_recorded(name: str) -> None:
    drawn, recorded = _drawn()[name], _recorded()[name]
    if name in SUMMARISED:
        assert drawn["places"] == recorded["places"]
        assert drawn["sha256"] == recorded["sha256"]
        return
    assert [n["id"] for n in drawn["nodes"]] == [n["id"] for n in recorded["nodes"]]
    for node, kept in zip(drawn["nodes"], recorded["nodes"], strict=True):
        assert node == kept, node["id"]
    assert drawn["edges"] == recorded["edges"]
    assert drawn == recorded


if __name__ == "__main__":
    RECORD.write_text(json.dumps(payloads(), indent=0, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {RECORD}")
