"""Compare's maps draw change as change, on a hand-built pair of snapshots: a pair of schools that fell from 16 ties
to 1 is a wide dashed loss, a pair that began collaborating a gain as wide as its change, a pair unchanged thin
and grey; a school's people fill its map rather than a sliver of the whole trust's width."""

from __future__ import annotations

import itertools
from pathlib import Path

from netmap.analysis import analyse
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.layout import CHANGE_STYLES, tie_width
from netmap.store import SnapshotInfo
from tests.trusts import _hand_trust
from webapp.data import TrustView
from webapp.graphview import MapFilters, changes_map, people_changes_map

A, B, C = ([f"{s.lower()}{i}" for i in range(4)] for s in "ABC")
PEOPLE = {**dict.fromkeys(A, "A"), **dict.fromkeys(B, "B"), **dict.fromkeys(C, "C")}
INSIDE = [*itertools.combinations(A, 2), *itertools.combinations(B, 2), *itertools.combinations(C, 2)]
EARLIER = [*INSIDE, *itertools.product(A, B), ("a0", "c0"), ("a1", "c1")]  # A-B 16 ties, A-C 2, B-C none
LATER = [*INSIDE, ("a0", "b0"), ("a0", "c0"), ("a1", "c1"), ("b0", "c0"), ("b1", "c1"), ("b2", "c2")]


def _views(tmp_path: Path) -> tuple[TrustView, TrustView]:
    """The earlier and later snapshots as the web holds them, the later keeping the earlier one's places."""
    def view(as_of: str, ties: list[tuple[str, str]], previous: TrustView | None) -> TrustView:
        dataset = read_trust(_hand_trust(tmp_path / as_of, PEOPLE, ties))[0]
        made = TrustView.in_memory(SnapshotInfo(as_of, as_of, f"{as_of}T00:00:00", "test", ""), dataset,
                                   analyse(build_graphs(dataset, as_of)))
        made.load_previous = lambda: previous
        return made

    earlier = view("2026-01-01", EARLIER, None)
    return earlier, view("2026-07-01", LATER, earlier)


def test_each_pair_of_schools_is_drawn_by_its_change_and_weighted_by_its_size(tmp_path: Path) -> None:
    earlier, later = _views(tmp_path)
    drawn = changes_map(later, earlier)
    edges = {(e["from"], e["to"]): e for e in drawn["edges"]}
    lost, gained, kept = edges[("A", "B")], edges[("B", "C")], edges[("A", "C")]
    assert (lost["layer"], lost["dashes"], lost["color"]) == ("lost", True, CHANGE_STYLES["lost"]["colour"])
    assert lost["width"] == tie_width(15, 15) == 8  # 16 ties fell to 1: the widest line on the map
    assert lost["title"] == "School A - School B: 16 collaborations on 2026-01-01, 1 on 2026-07-01 (-15)"
    assert (gained["layer"], gained["dashes"], gained["width"]) == ("gained", False, tie_width(3, 15))
    assert gained["title"] == "School B - School C: 0 collaborations on 2026-01-01, 3 on 2026-07-01 (+3)"
    assert (kept["layer"], kept["width"], kept["color"]) == ("persisting", 1, CHANGE_STYLES["persisting"]["colour"])
    assert kept["title"].endswith("2 on 2026-07-01 (unchanged)")
    lines = [(e["label"], e["line"]) for e in drawn["legend"] if "line" in e]
    assert lines == [("pairs of schools collaborating more (wider: more ties gained): 1", "solid"),
                     ("pairs of schools collaborating less (dashed; wider: more ties lost): 1", "dashed"),
                     ("pairs with as many ties in both (thin grey): 1", "solid")]


def test_a_schools_people_fill_its_compare_map_with_their_contacts_grouped_round_them(tmp_path: Path) -> None:
    earlier, later = _views(tmp_path)
    drawn = people_changes_map(later, earlier, MapFilters(school="A"))
    xs = {n["id"]: n["x"] for n in drawn["nodes"]}
    own = [xs[p] for p in A]
    width = max(xs.values()) - min(xs.values())
    assert set(xs) == {*A, *B, "c0", "c1"}  # A's people and everyone they worked with in either snapshot
    assert (max(own) - min(own)) / width > 0.2  # not a sliver: the school's own people span a fifth of the map
    lost = {(e["from"], e["to"]) for e in drawn["edges"] if e["layer"] == "lost"}
    assert len(lost) == 15 and ("a0", "b0") not in lost
