"""A big school's staff grouped by role (netmap.layout.staff.grouped_places and grouped_staff) on hand-built
layouts: the groups' discs never overlap, everyone lies inside their own group's disc, leaders come first, and
those with contacts at other schools sit on their group's rim."""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import networkx as nx
import pandas as pd
import pytest

from netmap.layout import around_school
from netmap.layout.staff import GROUP_FROM, grouped_places, grouped_staff
from tests.trusts import LayoutSnapshot as Snap

SIZES = {"headteacher": 1, "senior-leader": 6, "middle-leader": 24, "teacher": 120, "support": 48, "central": 3}


def groups_of(sizes: dict[str, int]) -> dict[str, list[str]]:
    return {role: [f"{role}-{i}" for i in range(n)] for role, n in sizes.items()}


@pytest.mark.parametrize("sizes", [SIZES, {"teacher": 200}, {"a": 1, "b": 1}, {"a": 300, "b": 2, "c": 90, "d": 7}])
def test_groups_do_not_overlap_and_everyone_is_inside_their_group(sizes: dict[str, int]) -> None:
    groups = groups_of(sizes)
    positions, discs = grouped_places(groups, centre=(500.0, -200.0))
    assert set(discs) == set(groups)
    for (g, ((ax, ay), ar)), (h, ((bx, by), br)) in itertools.combinations(discs.items(), 2):
        assert math.hypot(ax - bx, ay - by) >= ar + br, (g, h)
    for group, people in groups.items():
        (cx, cy), r = discs[group]
        for person in people:
            x, y = positions[person]
            assert math.hypot(x - cx, y - cy) < r, (group, person)
    assert len(positions) == sum(sizes.values())
    assert len(set(positions.values())) == len(positions)  # nobody drawn on top of anyone


def test_the_groups_are_laid_out_wide_and_centred_in_the_order_given() -> None:
    positions, discs = grouped_places(groups_of(SIZES), centre=(0.0, 0.0))
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    assert max(xs) - min(xs) > max(ys) - min(ys)  # wider than tall, as a map box is
    left = [(x - r, y) for (x, y), r in discs.values()]
    assert min(x for x, _ in left) == pytest.approx(-max(x + r for (x, _), r in discs.values()), abs=1.0)
    first_row = [g for g, ((_, y), _) in discs.items() if y == discs["headteacher"][0][1]]
    assert first_row[:3] == ["headteacher", "senior-leader", "middle-leader"]


def test_a_big_schools_map_groups_its_staff_by_role_with_bridges_on_the_rim() -> None:
    roles = {f"t{i}": "teacher" for i in range(50)} | {f"s{i}": "support" for i in range(20)} | {"h": "headteacher"}
    people = dict.fromkeys(roles, "A") | {"x": "B"}
    soft = nx.Graph()
    soft.add_nodes_from((p, {"role": roles.get(p, "teacher")}) for p in people)
    soft.add_edges_from([("t0", "x"), ("t1", "x"), ("h", "t5"), ("s3", "t7")])
    schools = pd.DataFrame({"school_id": ["A", "B"], "name": ["A", "B"], "phase": [None, None]})
    wiring = pd.DataFrame([("A", "B", 2)], columns=["school_a", "school_b", "soft_ties"])
    analysis = SimpleNamespace(wiring=wiring, summary={"isolated_schools": []},
                               schools=pd.DataFrame({"school_id": ["A", "B"], "staff": [71, 1]}))
    view = Snap(schools, analysis, SimpleNamespace(school_of=people, soft=soft), soft, {"A": "A", "B": "B"})
    assert len(roles) > GROUP_FROM
    placed = grouped_staff(view, "A", roles)
    teachers = [p for p, r in roles.items() if r == "teacher"]
    cx = sum(placed[p][0] for p in teachers) / len(teachers)
    cy = sum(placed[p][1] for p in teachers) / len(teachers)
    distance = {p: math.hypot(placed[p][0] - cx, placed[p][1] - cy) for p in teachers}
    assert min(distance["t0"], distance["t1"]) > sorted(distance.values())[-5]  # the two bridges: on the rim
    assert placed["h"][0] < cx  # the headteacher's group first: left of the teachers
    whole = around_school(view, "A", set(people))
    assert {p: whole[p] for p in roles} == placed and "x" in whole  # the contact elsewhere on the ring round them
