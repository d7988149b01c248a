"""Where staff maps draw each person: each school's staff laid out by their ties inside it, around their school's
place (the school layout spread wider), those with no tie there in rows below; a later snapshot keeps the earlier
one's places, so that a filtered map, or the next term's, has everyone where the full map has them. A school is
laid out the first time someone of it is drawn, then cached with the snapshot."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence

import igraph as ig

from netmap.layout.force import SCALE, placed, scaled
from netmap.layout.schools import school_layout, school_partners
from netmap.layout.source import MapSource

__all__ = ["GROUP_FROM", "ROW_STEP", "ROW_X_STEP", "STAFF_SPREAD", "grouped_places", "grouped_staff", "staff_centres",
           "staff_positions"]

Place = tuple[float, float]

ROW_STEP = 45  # spacing of the rows of people with no tie in their school
ROW_X_STEP = 110  # spacing of the people along such a row: their names, under them, do not run into each other
STAFF_SPREAD = 2.5  # staff maps set schools this much further apart than the school layout: room for their people
GROUP_FROM = 60  # a school of more staff than this is drawn on its own map in groups by role, not as one clump
GROUP_STEP = 24.0  # the sunflower's scale inside a group: neighbours about 1.8 times this apart
GROUP_GAP = 90.0  # the space between two groups' discs: room for a group's name under it
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
ROLE_ORDER = ("headteacher", "senior-leader", "middle-leader", "teacher", "support", "central")  # leaders first


def staff_centres(view: MapSource) -> dict[str, Place]:
    """Where each school's staff are drawn around on staff maps: the school layout spread wide enough for a
    school's people. A snapshot after another keeps the earlier one's centres; a new school goes beside the
    schools it collaborates with, or right of the rest."""
    if "staff centres" not in view.layout_cache:
        earlier = view.load_previous()
        before = staff_centres(earlier) if earlier is not None else {}
        schools = list(view.schools["school_id"])
        kept = {s: before[s] for s in schools if s in before}
        if not kept:
            centres = {s: (x * STAFF_SPREAD, y * STAFF_SPREAD) for s, (x, y) in school_layout(view).items()}
        else:
            centres = dict(kept)
            partners_of = school_partners(view)
            right = max(x for x, _ in kept.values()) + SCALE
            for k, school in enumerate(sorted(set(schools) - set(kept))):
                partners = [kept[n] for n in sorted(partners_of.get(school, ())) if n in kept]
                centres[school] = ((sum(x for x, _ in partners) / len(partners) + 0.4 * SCALE,
                                    sum(y for _, y in partners) / len(partners) + 0.4 * SCALE) if partners
                                   else (right, SCALE * k))
        view.layout_cache["staff centres"] = centres
    found: dict[str, Place] = view.layout_cache["staff centres"]
    return found


def staff_positions(view: MapSource, people: Iterable[Hashable]) -> dict[str, Place]:
    """Where to draw `people` (and everyone already placed: the dict is the snapshot's cache, read it only): each
    school's staff around their school's centre (staff_centres). A school is laid out the first time someone of
    it is drawn, then cached, so a request costs what its schools cost, not the whole trust. A snapshot after
    another keeps the earlier one's places (_kept_staff)."""
    cache = view.layout_cache.get("staff") or {"positions": {}, "done": frozenset()}
    school_of = view.graphs.school_of  # the whole snapshot's, or an island's holding every school of `people`
    new = {school_of[p] for p in people} - cache["done"]
    if not new:
        return cache["positions"]
    # copied, extended, then published whole: a request reading the cache while another lays out a school never
    # sees a dict change under it (two requests laying out the same school at once reach the same places)
    positions: dict[str, Place] = dict(cache["positions"])
    by_school: dict[str, list[Hashable]] = {sid: [] for sid in new}
    for person, sid in school_of.items():
        if sid in by_school:
            by_school[sid].append(person)
    for sid in new:
        everyone = sorted(by_school[sid], key=str)
        earlier = view.load_previous()
        kept = _kept_staff(view, earlier, sid, everyone) if earlier is not None else {}
        positions.update(kept or _laid_out(view, sid, everyone))
    view.layout_cache["staff"] = {"positions": positions, "done": cache["done"] | new}
    return positions


def _laid_out(view: MapSource, sid: str, everyone: list) -> dict[str, Place]:
    """A school's staff laid out afresh by their ties inside it, those with none in a row below."""
    sub = view.undirected.subgraph(everyone)
    staff = [p for p in everyone if sub.degree(p) > 0]
    alone = [p for p in everyone if sub.degree(p) == 0]  # no tie inside the school: a row below, not flung off
    index = {p: i for i, p in enumerate(staff)}
    # edges sorted: a subgraph's edges come in an order that varies with Python's string hashing, and the layout
    # with the order its edges are given in, so that the same snapshot would otherwise be drawn differently after
    # a restart
    graph = ig.Graph(n=len(staff), edges=sorted(tuple(sorted((index[a], index[b]))) for a, b in sub.edges()))
    # igraph aborts the process on a layout of no vertices: a school whose people share no tie has none
    coords = placed(graph, 300) if staff else []
    radius = 40 * math.sqrt(max(len(staff), 1))
    ox, oy = staff_centres(view).get(sid, (0.0, 0.0))
    positions = {person: (ox + x, oy + y) for person, (x, y) in scaled(staff, coords, 2 * radius).items()}
    per_row = max(1, int(2 * radius // ROW_X_STEP))
    for k, person in enumerate(alone):
        positions[person] = (ox - radius + (k % per_row) * ROW_X_STEP, oy + radius + ROW_STEP * (1 + k // per_row))
    return positions


def _kept_staff(view: MapSource, earlier: MapSource, sid: str, everyone: list) -> dict[str, Place]:
    """A school's staff where the earlier snapshot drew them, when some of them were there (empty otherwise).
    Someone new (joined, or moved from another school) goes beside their colleagues there they collaborate
    with, or, with none, in a row below the school's people."""
    before_school = earlier.graphs.school_of
    stayed = {p for p in everyone if before_school.get(p) == sid}
    if not stayed:
        return {}
    before = staff_positions(earlier, stayed)
    positions = {p: before[p] for p in stayed}
    new = [p for p in everyone if p not in stayed]
    bottom = max(y for _, y in positions.values())
    left = min(x for x, _ in positions.values())
    per_row = max(1, int((max(x for x, _ in positions.values()) - left) // ROW_X_STEP) + 1)
    row = 0
    for k, person in enumerate(new):
        near = [positions[n] for n in sorted(view.undirected[person], key=str) if n in stayed]
        if near:
            angle = 2.399963 * k  # the golden angle: newcomers beside the same colleagues do not land on each other
            positions[person] = (sum(x for x, _ in near) / len(near) + 30 * math.cos(angle),
                                 sum(y for _, y in near) / len(near) + 30 * math.sin(angle))
        else:
            positions[person] = (left + (row % per_row) * ROW_X_STEP, bottom + ROW_STEP * (1 + row // per_row))
            row += 1
    return positions


def grouped_places(groups: Mapping[str, Sequence[Hashable]], centre: Place = (0.0, 0.0), wide: float = 2.6,
                   step: float = GROUP_STEP) -> tuple[dict[Hashable, Place], dict[str, tuple[Place, float]]]:
    """Each group's people on a disc of its own (a sunflower: the first in the middle, the last on the rim), the
    discs in `groups`' order in rows about `wide` times as wide as tall, GROUP_GAP apart, centred on `centre`.
    Returns each person's place and each group's disc (centre, radius): discs never overlap and everyone lies
    inside their group's disc."""
    radius = {g: step * math.sqrt(max(len(people), 1)) + step for g, people in groups.items()}
    area = sum((2 * r + GROUP_GAP) ** 2 for r in radius.values())
    width = max(math.sqrt(area * wide), *(2 * r + GROUP_GAP for r in radius.values())) if radius else 0.0
    rows: list[list[str]] = [[]]
    used = 0.0
    for group, r in radius.items():
        if rows[-1] and used + 2 * r + GROUP_GAP > width:
            rows.append([])
            used = 0.0
        rows[-1].append(group)
        used += 2 * r + GROUP_GAP
    discs: dict[str, tuple[Place, float]] = {}
    top = 0.0
    for row in rows:
        tall = max(2 * radius[g] for g in row)
        x = -sum(2 * radius[g] + GROUP_GAP for g in row) / 2 + GROUP_GAP / 2
        for group in row:
            discs[group] = ((x + radius[group], top + tall / 2), radius[group])
            x += 2 * radius[group] + GROUP_GAP
        top += tall + GROUP_GAP
    shift = (centre[0], centre[1] - (top - GROUP_GAP) / 2)
    discs = {g: ((cx + shift[0], cy + shift[1]), r) for g, ((cx, cy), r) in discs.items()}
    positions: dict[Hashable, Place] = {}
    for group, people in groups.items():
        (cx, cy), _ = discs[group]
        for i, person in enumerate(people):
            r, a = step * math.sqrt(i), i * GOLDEN_ANGLE
            positions[person] = (cx + r * math.cos(a), cy + r * math.sin(a))
    return positions, discs


def grouped_staff(view: MapSource, school: str, people: Iterable[Hashable],
                  order: Sequence[str] = ROLE_ORDER) -> dict[Hashable, Place]:
    """`people` of `school` in groups by role (roles in `order`, any other after them), around the school's
    place on staff maps (staff_centres); in each group those with more contacts at other schools further out,
    on the rim nearest the contacts drawn round the school."""
    nodes, school_of, undirected = view.graphs.soft.nodes, view.graphs.school_of, view.undirected
    by_role: dict[str, list[Hashable]] = {}
    for person in sorted(people, key=lambda p: (sum(school_of.get(n) != school for n in undirected[p]), str(p))):
        by_role.setdefault(str(nodes[person].get("role", "")), []).append(person)
    rank = {role: k for k, role in enumerate(order)}
    groups = {role: by_role[role] for role in sorted(by_role, key=lambda r: (rank.get(r, len(rank)), r))}
    positions, _ = grouped_places(groups, staff_centres(view).get(school, (0.0, 0.0)))
    return positions
