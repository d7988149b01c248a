"""Map layout (netmap.layout) on small hand-built snapshots: no two schools' discs and labels overlap, the isolated
stand apart, a later snapshot keeps the earlier one's places, the same snapshot is placed the same way every time,
and the styling rules give the sizes and colours docs/graph-model.md describes. The maps of the sample trust as
the web sends them are pinned by tests/test_map_payloads.py."""

from __future__ import annotations

import math
import os
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netmap.layout import (
    around_group,
    around_person,
    colours_of,
    footprint,
    middle_of,
    overlapping_pairs,
    person_size,
    school_label_places,
    school_positions,
    school_radius,
    schools_around,
    staff_positions,
    tie_width,
)
from netmap.layout.style import PHASE_PALETTE, SCHOOL_PALETTE
from tests.trusts import LayoutSnapshot as Snap

ROOT = Path(__file__).resolve().parent.parent


def snapshot(ties: dict[tuple[str, str], int], staff: dict[str, int], people: dict[str, str] | None = None,
             collaborations: list[tuple[str, str]] | None = None, phases: dict[str, str] | None = None,
             previous: Snap | None = None) -> Snap:
    """Schools with `staff` each and `ties` between pairs; `people` (person: school) with `collaborations`."""
    ids = list(staff)
    phases = phases or {}
    schools = pd.DataFrame({"school_id": ids, "name": [f"{s} Academy" for s in ids],
                            "phase": [phases.get(s) for s in ids]})
    wiring = pd.DataFrame([(a, b, n) for (a, b), n in ties.items()], columns=["school_a", "school_b", "soft_ties"])
    linked = {s for pair in ties for s in pair}
    analysis = SimpleNamespace(wiring=wiring, summary={"isolated_schools": sorted(set(ids) - linked)},
                               schools=pd.DataFrame({"school_id": ids, "staff": [staff[s] for s in ids]}))
    graph = nx.Graph()
    graph.add_nodes_from(people or {})
    graph.add_edges_from(collaborations or [])
    return Snap(schools, analysis, SimpleNamespace(school_of=dict(people or {})), graph,
                {s: f"{s} Academy" for s in ids}, load_previous=lambda: previous)


CHAIN = {("A", "B"): 5, ("B", "C"): 3, ("C", "D"): 1, ("A", "C"): 2}  # E has no tie: isolated
SIZES = {"A": 400, "B": 100, "C": 900, "D": 25, "E": 60}
PEOPLE = {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "b2": "B", "c1": "C"}
WORK = [("a1", "a2"), ("a2", "a3"), ("a1", "b1"), ("b1", "b2")]  # a4 works with nobody at A


def boxes(view: Snap, positions: dict[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Each school's footprint (disc and label) on the map, as centres and half sizes."""
    staff = dict(zip(view.analysis.schools["school_id"], view.analysis.schools["staff"], strict=True))
    centres, halves = [], []
    for school, (x, y) in positions.items():
        half_width, half_height, down = footprint(school_radius(staff[school]), view.school_names[school])
        centres.append((x, y + down))
        halves.append((half_width, half_height))
    return np.array(centres), np.array(halves)


def test_no_two_schools_discs_or_labels_overlap() -> None:
    view = snapshot(CHAIN, SIZES)
    positions = school_positions(view)
    assert sorted(positions) == sorted(SIZES)
    assert overlapping_pairs(*boxes(view, positions)) == []


def test_an_isolated_school_stands_in_a_column_right_of_the_others() -> None:
    positions = school_positions(snapshot(CHAIN, SIZES))
    assert positions["E"][0] > max(x for s, (x, _) in positions.items() if s != "E")


def test_the_same_snapshot_is_placed_the_same_way_every_time() -> None:
    one, two = snapshot(CHAIN, SIZES, PEOPLE, WORK), snapshot(CHAIN, SIZES, PEOPLE, WORK)
    assert school_positions(one) == school_positions(two)
    assert staff_positions(one, set(PEOPLE)) == staff_positions(two, set(PEOPLE))


def test_a_later_snapshot_keeps_the_earlier_places_and_adds_a_new_school_beside_its_partner() -> None:
    earlier = snapshot(CHAIN, SIZES, PEOPLE, WORK)
    before_schools = dict(school_positions(earlier))
    before_staff = dict(staff_positions(earlier, set(PEOPLE)))
    later = snapshot({**CHAIN, ("B", "F"): 4}, {**SIZES, "F": 100}, {**PEOPLE, "a5": "A"}, [*WORK, ("a5", "a1")],
                     previous=earlier)
    after_schools = school_positions(later)
    assert {s: after_schools[s] for s in before_schools} == before_schools  # nobody moved
    assert overlapping_pairs(*boxes(later, after_schools)) == []  # and the newcomer overlaps nobody
    after_staff = staff_positions(later, {*PEOPLE, "a5"})
    assert {p: after_staff[p] for p in PEOPLE} == before_staff
    # a5 joins beside a1, the colleague they collaborate with (30 units off, the first newcomer at angle 0)
    assert after_staff["a5"] == pytest.approx((before_staff["a1"][0] + 30, before_staff["a1"][1]))


def test_a_person_with_no_tie_at_their_school_goes_in_a_row_below_its_people() -> None:
    positions = staff_positions(snapshot(CHAIN, SIZES, PEOPLE, WORK), {"a1"})  # laid out school by school
    assert {p for p, s in PEOPLE.items() if s == "A"} <= set(positions)
    assert positions["a4"][1] > max(positions[p][1] for p in ("a1", "a2", "a3"))


def test_around_a_person_contacts_on_a_ring_and_two_steps_further_out() -> None:
    view = snapshot(CHAIN, SIZES, PEOPLE, WORK)
    positions, steps = around_person(view, "a1", {"a1", "a2", "b1", "a3", "b2"})
    assert steps == {"a1": 0, "a2": 1, "b1": 1, "a3": 2, "b2": 2}
    assert positions["a1"] == (0.0, 0.0)
    # two contacts on a circle of radius 260 (the least), ordered by school: a2 at the top, b1 at the bottom
    assert positions["a2"] == pytest.approx((0.0, -260.0))
    assert positions["b1"] == pytest.approx((0.0, 260.0))
    assert positions["a3"] == pytest.approx((0.0, -560.0))  # the outer ring: radius 560, twice as wide


def test_around_a_group_each_school_in_its_own_cluster() -> None:
    positions = around_group(snapshot(CHAIN, SIZES, PEOPLE, WORK), {"a1", "a2", "b1"})
    a_middle, b_middle = middle_of(["a1", "a2"], positions), positions["b1"]
    assert math.dist(positions["a1"], a_middle) == pytest.approx(22 * math.sqrt(2))
    assert math.dist(a_middle, b_middle) > 260  # clusters round a ring of at least 260


def test_schools_around_are_those_within_two_steps_nearest_first() -> None:
    view = snapshot(CHAIN, SIZES)
    assert schools_around(view, "D") == ["D", "C", "A", "B"]
    assert schools_around(view, "E") == ["E"]
    assert schools_around(view, "D", limit=2) == ["D", "C"]


def test_school_names_go_over_their_people() -> None:
    places = {"a1": (0.0, 10.0), "a2": (100.0, 50.0), "b1": (7.0, 7.0)}
    assert school_label_places(PEOPLE, places) == [("A", (50.0, -35.0)), ("B", (7.0, -38.0))]


@pytest.mark.parametrize(("staff", "radius"), [(0, 8.0), (4, 8.0), (100, 30.0), (900, 90.0), (-3, 8.0)])
def test_a_schools_disc_grows_in_area_with_its_staff(staff: int, radius: float) -> None:
    assert school_radius(staff) == radius


def test_sizes_and_widths() -> None:
    assert person_size(0) == 8 and person_size(16) == 16
    assert tie_width(10, 10) == 8 and tie_width(0, 10) == 1 and tie_width(5, 10) == 4.5


def test_up_to_nine_schools_each_have_a_colour_of_their_own() -> None:
    view = snapshot({}, {s: 10 for s in "DCBA"}, phases={"A": "primary"})
    colours = colours_of(view)
    assert not colours.by_phase
    assert colours.of_school == {"A": SCHOOL_PALETTE[0], "B": SCHOOL_PALETTE[1], "C": SCHOOL_PALETTE[2],
                                 "D": SCHOOL_PALETTE[3]}
    assert colours.legend(view, ["B", "A"]) == [{"label": "A Academy", "colour": SCHOOL_PALETTE[0]},
                                                {"label": "B Academy", "colour": SCHOOL_PALETTE[1]}]


def test_more_than_nine_schools_are_coloured_by_phase() -> None:
    ids = [f"S{i:02d}" for i in range(10)]
    view = snapshot({}, {s: 10 for s in ids}, phases={s: "primary" if i % 2 else "secondary" for i, s in
                                                      enumerate(ids[:-1])})
    colours = colours_of(view)
    assert colours.by_phase
    assert colours.of_school["S01"] == PHASE_PALETTE["primary"] and colours.of_school["S00"] == PHASE_PALETTE[
        "secondary"]
    assert colours.of_school["S09"] == "#999999"  # no phase given
    assert [e["label"] for e in colours.legend(view, ids)] == ["primary", "secondary", "phase not given"]


HASHED = """
import json, random, sys
sys.path.insert(0, {root!r})
from tests.test_layout import snapshot
from netmap.layout import staff_positions
rng = random.Random(3)
people = {{f"p{{i}}": "A" if i < 20 else "B" for i in range(100)}}  # A under half: nx iterates a set for it
work = sorted({{tuple(sorted(rng.sample(sorted(people), 2))) for _ in range(400)}})
print(json.dumps(staff_positions(snapshot({{("A", "B"): 1}}, {{"A": 20, "B": 80}}, people, work), set(people)),
                 sort_keys=True))
"""


@pytest.mark.slow
def test_a_schools_staff_are_placed_the_same_way_whatever_pythons_string_hashing() -> None:
    """A web server restarted (a new PYTHONHASHSEED) draws the same staff map: a subgraph's edges come in an order
    that follows string hashing, and the layout must not."""
    import subprocess
    import sys

    def placed(seed: str) -> str:
        return subprocess.run([sys.executable, "-c", HASHED.format(root=str(ROOT))], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout

    assert placed("1") == placed("2") == placed("3")
