"""webapp.map_wire: the compact form of a map's JSON holds the same map (every recorded map of
tests/data/map_payloads.json, unpacked as map.js `unpacked` does, equals the map with places to 0.01), in fewer
bytes; the web sends it only to a page that asks for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.trusts import planted_dataset
from tests.web_helpers import login, make_app
from webapp.map_wire import ROUNDED, columns, packed

RECORD = Path(__file__).resolve().parent / "data" / "map_payloads.json"


def _rows(table: dict) -> list[dict]:
    """map.js `rows`, in Python."""
    found: list[dict] = [{} for _ in range(table["n"])]
    for key, column in table["columns"].items():
        if "p" in column:
            for row, value in zip(found, column["p"], strict=True):
                if value is not None:
                    row[key] = value
        else:
            for row, code in zip(found, column["c"], strict=True):
                if code >= 0:
                    row[key] = column["v"][code]
    return found


def _unpacked(data: dict) -> dict:
    """map.js `unpacked`, in Python."""
    nodes = _rows(data["nodes"])
    edges = [{**e, "from": nodes[e["from"]]["id"] if isinstance(e["from"], int) else e["from"],
              "to": nodes[e["to"]]["id"] if isinstance(e["to"], int) else e["to"]} for e in _rows(data["edges"])]
    info = dict(zip(data["info"]["ids"], _rows(data["info"]["rows"]), strict=True))
    return {**{k: v for k, v in data.items() if k != "packed"}, "nodes": nodes, "edges": edges, "info": info}


def _to_hundredths(drawn: dict) -> dict:
    return {**drawn, "nodes": [{k: round(v, 2) if k in ROUNDED and isinstance(v, float) else v
                                for k, v in n.items()} for n in drawn["nodes"]]}


RECORDED = {name: drawn for name, drawn in json.loads(RECORD.read_text(encoding="utf-8")).items()
            if "nodes" in drawn}  # not the one kept as a digest


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_every_recorded_map_unpacks_to_itself(name: str) -> None:
    drawn = RECORDED[name]
    wire = json.loads(json.dumps(packed(drawn)))
    assert wire["packed"] == 1
    assert _unpacked(wire) == _to_hundredths(drawn)
    if len(drawn["nodes"]) > 50:
        assert len(json.dumps(wire)) < 0.6 * len(json.dumps(drawn))


@pytest.mark.parametrize(("rows", "form"), [
    ([{"a": 1}, {"a": 1}, {"a": 1}, {}], "v"),  # repeated: coded, the missing row -1
    ([{"a": 1}, {"a": 2}, {"a": 3}, {}], "p"),  # distinct: plain, the missing row null
    ([{"a": None}, {"a": 2}, {"a": 3}, {}], "v"),  # an explicit null is kept apart from a missing key
    ([{"a": True}, {"a": 1}, {"a": 1.0}, {"a": True}, {"a": 1}, {"a": 1.0}], "v"),  # True, 1, 1.0: three values
])
def test_columns_keep_every_value_and_every_missing_key(rows: list[dict], form: str) -> None:
    table = columns(rows)
    assert form in table["columns"]["a"]
    unpacked = _rows(json.loads(json.dumps(table)))
    assert unpacked == rows
    assert [type(r.get("a")) for r in unpacked] == [type(r.get("a")) for r in rows]


def test_the_web_sends_the_packed_form_only_when_asked(tmp_path: Path) -> None:
    client = make_app(tmp_path, planted_dataset()).test_client()
    login(client, "admin")
    for path in ("/map/data", "/map/data?view=staff&school=A&hard=1"):
        plain = client.get(path)
        wire = client.get(path, headers={"X-Map-Form": "packed"})
        assert "packed" not in plain.get_json() and wire.get_json()["packed"] == 1
        assert "X-Map-Form" in wire.headers["Vary"]
        assert _unpacked(wire.get_json()) == _to_hundredths(plain.get_json())
