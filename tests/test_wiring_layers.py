"""How each pair of schools is linked, on the planted trust (tests/data/planted), worked by hand:

    A-B: a2-b2 collaborate and share MATHS; a3-b1 collaborate and share nothing  -> both (1 in a group, 1 outside)
    A-C: a1-c1 collaborate and share HEADS                                      -> both
    B-C: b3 and c2 share DORM, nobody collaborates                              -> hard only (formal only)
Without the a2-b2 ties, A and B are linked by a3-b1 alone, which no group supports: soft only. A leader should
conclude that A-B then hangs on two people the formal structure does not know, and B-C is a structure doing nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from netmap.analysis import analyse
from netmap.analysis.wiring import school_pair_layers
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK
from tests.trusts import PLANTED, planted_dataset
from tests.web_helpers import login, make_app


def _layers(folder: Path) -> list[list]:
    analysis = analyse(build_graphs(read_trust(folder)[0], "2026-07-01"), QUICK)
    return school_pair_layers(analysis.wiring, analysis.bridges).values.tolist()


def test_each_pair_of_schools_is_linked_by_both_soft_only_or_hard_only(tmp_path: Path) -> None:
    assert _layers(PLANTED) == [["A", "B", 3, 2, 1, 1, "both"], ["A", "C", 2, 1, 1, 0, "both"],
                                ["B", "C", 2, 0, 0, 0, "hard only"]]
    shutil.copytree(PLANTED, tmp_path / "t")
    ties = tmp_path / "t" / "collaborations.csv"
    ties.write_text("".join(line for line in ties.read_text().splitlines(keepends=True)
                            if not line.startswith(("a2,b2", "b2,a2"))))
    assert _layers(tmp_path / "t")[0] == ["A", "B", 3, 1, 0, 1, "soft only"]


def _map(tmp_path: Path, role: str) -> tuple[dict, FlaskClient]:
    client = make_app(tmp_path, planted_dataset()).test_client()
    login(client, role)
    return client.get("/map/data?view=wiring").get_json(), client


def test_the_hard_vs_soft_map_draws_each_pair_as_its_kind_with_a_key_that_counts_them(tmp_path: Path) -> None:
    drawn, client = _map(tmp_path, "admin")
    lines = {(e["from"], e["to"]): (e["layer"], e.get("dashes")) for e in drawn["edges"]}
    assert lines == {("A", "B"): ("both", False), ("A", "C"): ("both", False), ("B", "C"): ("hard only", True)}
    key = [(e["layer"], e["label"].rsplit(": ", 1)[1]) for e in drawn["legend"] if "layer" in e]
    assert key == [("both", "2 pairs"), ("hard only", "1 pair")]
    page = client.get("/wiring/").get_data(as_text=True)
    assert "pairs of schools linked formally only" in page and "Jaccard" in page  # the term explained in words
    rows = client.get("/wiring/?format=csv").get_data(as_text=True).splitlines()
    assert rows[0] == "school_a,school_b,hard_links,soft_ties,soft_ties_in_groups,soft_ties_outside_groups,linked_by"
    assert rows[3] == "B,C,2,0,0,0,hard only"


def test_pairs_with_a_small_school_are_not_drawn_for_aggregate_roles(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The planted schools have 2 to 4 staff: with a minimum group of 3, C and D are hidden from the CEO. Their
    lines would count their hidden "schools reached", and their places would show whom they are near: one grey
    node stands for both, with no line (tests/test_suppression_attacks.py attacks every map). A and B's
    collaboration inside a group (a2 and b2, in MATHS of 2 members) is left out with that hidden group's
    members: for the CEO, the pair collaborates outside groups only."""
    monkeypatch.setenv("NETMAP_MIN_GROUP_SIZE", "3")
    client = make_app(tmp_path, planted_dataset()).test_client()
    login(client, "ceo")
    drawn = client.get("/map/data?view=wiring").get_json()
    assert {n["id"] for n in drawn["nodes"]} == {"A", "B", "other-small-schools"}
    assert {(e["from"], e["to"]): e["layer"] for e in drawn["edges"]} == {("A", "B"): "soft only"}
    assert "2 schools whose figures are hidden" in drawn["nodes"][-1]["title"]


def test_what_each_kind_of_link_means_is_said_once_for_the_docs_and_the_definitions_page(tmp_path: Path) -> None:
    from netmap.analysis.wiring import LINKED_BY_MEANING
    from tests.conftest import REPO

    docs = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    client = make_app(tmp_path, planted_dataset()).test_client()
    login(client, "ceo", purpose=None)
    definitions = client.get("/metrics").get_data(as_text=True)
    for kind, meaning in LINKED_BY_MEANING.items():
        assert f"| {kind} |" in docs and meaning in docs
        assert meaning in definitions.replace("&#39;", "'")
