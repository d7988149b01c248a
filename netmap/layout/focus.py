"""Maps around one focus: a school's staff with their contacts elsewhere round them, a group's members school by
school round its hub, a person with their contacts on rings; and where the names of schools and the hubs of
groups go among the people drawn."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

from netmap.layout.schools import WIDE, school_layout
from netmap.layout.source import MapSource
from netmap.layout.staff import GROUP_FROM, ROW_STEP, grouped_staff, staff_positions

__all__ = ["around_group", "around_person", "around_school", "middle_of", "school_label_places"]

Place = tuple[float, float]


def around_school(view: MapSource, school: str, people: set[str]) -> dict[str, Place]:
    """A school's staff laid out as on every staff map (a big school's in groups by role), and their contacts
    elsewhere in small groups on a ring around them, one group per school, in the direction of that school on the
    school map."""
    school_of = view.graphs.school_of
    mine = {p for p in people if school_of[p] == school}
    # a big school's staff are a clump: in groups by role instead, leaders first (netmap.layout.staff)
    laid = grouped_staff(view, school, mine) if len(mine) > GROUP_FROM else staff_positions(view, mine)
    positions = {p: laid[p] for p in mine}
    if not positions:
        return positions
    cx = sum(x for x, _ in positions.values()) / len(positions)
    cy = sum(y for _, y in positions.values()) / len(positions)
    ring = max(math.hypot(x - cx, y - cy) for x, y in positions.values()) + 220
    groups: dict[str, list[str]] = {}
    for person in sorted(people - mine, key=str):
        groups.setdefault(school_of[person], []).append(person)
    places = school_layout(view)
    sx, sy = places.get(school, (0.0, 0.0))

    def bearing(other: str) -> tuple[float, str]:
        ox, oy = places.get(other, (sx, sy))
        return math.atan2(oy - sy, ox - sx), other

    positions.update(_clusters_on_a_ring(groups, sorted(groups, key=bearing), cx, cy, ring))
    return positions


def _clusters_on_a_ring(groups: dict[str, list[str]], order: list[str], cx: float, cy: float,
                        ring: float) -> dict[str, Place]:
    """Each school's people in a small cluster, the clusters evenly round an ellipse (maps are wide) centred on
    (cx, cy), in `order`."""
    positions = {}
    for k, other in enumerate(order):
        angle = 2 * math.pi * k / len(order) - math.pi / 2
        gx, gy = cx + WIDE * ring * math.cos(angle), cy + ring * math.sin(angle)
        members = groups[other]
        spread = 22 * math.sqrt(len(members))
        for i, person in enumerate(members):
            a = 2 * math.pi * i / len(members)
            positions[person] = ((gx + spread * math.cos(a), gy + spread * math.sin(a)) if len(members) > 1
                                 else (gx, gy))
    return positions


def around_group(view: MapSource, people: set[str]) -> dict[str, Place]:
    """A group's members, school by school, round the group's hub in the middle: which schools it reaches, and
    who in each. Schools go round in the order the school map has them round its centre."""
    school_of = view.graphs.school_of
    groups: dict[str, list[str]] = {}
    for person in sorted(people, key=str):
        groups.setdefault(school_of[person], []).append(person)
    places = school_layout(view)
    mx = sum(x for x, _ in places.values()) / max(len(places), 1)
    my = sum(y for _, y in places.values()) / max(len(places), 1)
    order = sorted(groups, key=lambda s: (math.atan2(places.get(s, (mx, my))[1] - my,
                                                     places.get(s, (mx, my))[0] - mx), s))
    biggest = max((len(m) for m in groups.values()), default=1)
    ring = max(260.0, 70.0 * len(groups) / math.pi, 3 * 22 * math.sqrt(biggest))
    return _clusters_on_a_ring(groups, order, 0.0, 0.0, ring)


def around_person(view: MapSource, person: str, people: set[str]) -> tuple[dict[str, Place], dict[str, int]]:
    """The person in the middle, their direct contacts on a ring round them and people two steps away on a
    wider ring, each ring ordered by school; returns positions and each person's steps from the focus."""
    undirected = view.undirected
    steps = {person: 0}
    for n in undirected[person]:
        if n in people:
            steps[n] = 1
    for p in people:
        steps.setdefault(p, 2)
    school_of = view.graphs.school_of
    positions = {person: (0.0, 0.0)}
    inner = 0.0
    for step, radius, wide in ((1, 260.0, 1.0), (2, 560.0, 2.0)):  # the outer ring an ellipse: maps are wide
        ring = sorted((p for p, s in steps.items() if s == step), key=lambda p: (school_of[p], str(p)))
        radius = max(radius, inner + 200, ROW_STEP * len(ring) / (math.pi * (1 + wide)))  # people ROW_STEP apart
        for k, p in enumerate(ring):
            angle = 2 * math.pi * k / len(ring) - math.pi / 2
            positions[p] = (wide * radius * math.cos(angle), radius * math.sin(angle))
        inner = radius
    return positions, steps


def school_label_places(school_of: Mapping[Hashable, str], positions: Mapping[str, Place]) -> list[tuple[str, Place]]:
    """Where each school's name goes on a map of people: centred over its people drawn, just above the highest
    of them; by school id."""
    members: dict[str, list[Place]] = {}
    for person, place in positions.items():
        members.setdefault(school_of[person], []).append(place)
    return [(school, (sum(p[0] for p in places) / len(places), min(p[1] for p in places) - 45))
            for school, places in sorted(members.items())]


def middle_of(people: Iterable[str], positions: Mapping[str, Place]) -> Place:
    """The mean place of `people` (where a group's hub goes among its members)."""
    places = [positions[p] for p in people]
    return sum(x for x, _ in places) / len(places), sum(y for _, y in places) / len(places)
