"""Network maps for the browser, built on the server: the school map and filtered staff maps.

pyvis builds the network and its vis-network options; node and edge lists are assigned in bulk (pyvis's
add_node/add_edge are quadratic). Positions come from igraph's Fruchterman-Reingold layout, computed once per
snapshot and kept: schools first, then each school's staff around its school, so a filtered map keeps every
person where the full map has them. Physics and curved edges are off: a trust-sized graph stays responsive.
Every label and tooltip is plain text; the page puts them into the DOM as text, never as HTML.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
from pyvis.network import Network

from netmap.analysis.igraph_bridge import seeded
from netmap.contract import PHASES
from webapp.data import TrustView
from webapp.overlap import FONT_SIZE, footprint, separate

__all__ = ["MAX_SCHOOL_NODES", "MAX_STAFF_NODES", "ROLE_SHAPES", "MapFilters", "TooLarge", "changes_map", "school_map",
           "schools_around", "staff_map", "wiring_map"]

MAX_STAFF_NODES = 2500  # above this the browser gets a filtered view only, never the whole trust
MAX_SCHOOL_NODES = 500  # above this the school map shows one school's neighbourhood, never every school
ROLE_SHAPES = {"headteacher": "star", "senior-leader": "diamond", "middle-leader": "triangle", "teacher": "dot",
               "support": "square", "central": "hexagon"}
# Colour-blind-safe palettes: Paul Tol's "muted" tells up to nine schools apart; beyond nine, schools are coloured
# by phase with Okabe and Ito's eight colours (no qualitative palette keeps more categories apart for everyone).
SCHOOL_PALETTE = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
PHASE_PALETTE = dict(zip(PHASES, ("#E69F00", "#56B4E9", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#F0E442",
                                  "#000000"), strict=True))
SOFT_COLOUR, HARD_COLOUR = "#4a6fa5", "#e08a1e"
INSIDE_COLOUR = "#c3cddb"  # ties inside one school, drawn light so that ties between schools stand out
FOCUS_COLOUR = "#111111"  # the outline of the person a map is focused on
ROW_STEP = 45  # spacing of the rows of people with no tie in their school
ROW_X_STEP = 110  # spacing of the people along such a row: their names, under them, do not run into each other
SCALE = 1000.0
STAFF_SPREAD = 2.5  # staff maps set schools this much further apart than the school layout: room for their people
LAYOUT_SEED = 7  # igraph's layouts are randomised: seeded, a snapshot's map repeats from one start to the next
WIDE = 2.6  # the school map's width to height, about a map box's on a laptop screen
COMPACT_UP_TO = 80  # schools: the largest map whose labels can be legible when it fits a screen


class TooLarge(Exception):  # noqa: N818 - a condition the view turns into advice, not an error
    """The staff map asked for would be too large to send whole."""


@dataclass(frozen=True)
class MapFilters:
    school: str = ""
    group: str = ""
    subject: str = ""
    phase: str = ""
    role: str = ""
    kind: str = ""
    person: str = ""
    depth: int = 1
    hard: bool = False
    soft: bool = True

    @property
    def any_node_filter(self) -> bool:
        return any((self.school, self.group, self.subject, self.phase, self.role, self.person))


def _network() -> Network:
    net = Network(directed=False, cdn_resources="local")
    net.toggle_physics(False)
    net.options.edges.smooth.enabled = False
    return net


def _options(net: Network, large: bool) -> dict:
    options = json.loads(net.get_network_data()[5])
    options["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                              "hideEdgesOnZoom": large, "navigationButtons": False,
                              "keyboard": {"enabled": True, "bindToWindow": False}}  # when the map has the focus
    options["nodes"] = {"font": {"size": 12}}
    return options


@dataclass(frozen=True)
class Colours:
    """One colour per school on every map and page: by school up to len(SCHOOL_PALETTE) schools, else by phase."""

    of_school: dict[str, str]
    by_phase: bool
    phase_of: dict[str, str]

    def legend(self, view: TrustView, schools: list[str]) -> list[dict[str, str]]:
        """Legend entries for exactly the `schools` drawn: their names, or their phases."""
        if self.by_phase:
            phases = sorted({self.phase_of.get(s, "") for s in schools}, key=lambda p: (p not in PHASE_PALETTE, p))
            return [{"label": phase or "phase not given", "colour": PHASE_PALETTE.get(phase, "#999999")}
                    for phase in phases]
        return [{"label": view.school_names.get(s, s), "colour": self.of_school[s]} for s in sorted(schools)]


def colours_of(view: TrustView) -> Colours:
    """The snapshot's school colours (cached with the view)."""
    if "colours" not in view.layout_cache:
        schools = view.schools
        phase_of = dict(zip(schools["school_id"], schools["phase"].fillna(""), strict=True))
        ids = sorted(phase_of)
        if len(ids) <= len(SCHOOL_PALETTE):
            view.layout_cache["colours"] = Colours({s: SCHOOL_PALETTE[i] for i, s in enumerate(ids)}, False, phase_of)
        else:
            view.layout_cache["colours"] = Colours({s: PHASE_PALETTE.get(phase_of[s], "#999999") for s in ids}, True,
                                                   phase_of)
    colours: Colours = view.layout_cache["colours"]
    return colours


def _school_layout(view: TrustView) -> dict[str, tuple[float, float]]:
    """Where the schools are, by their soft ties, before labels are considered: staff maps place each school's
    people around it (spread wide enough for a school's staff, which a school's disc is not)."""
    if "school layout" not in view.layout_cache:
        schools = list(view.schools["school_id"])
        index = {s: i for i, s in enumerate(schools)}
        wiring = view.analysis.wiring
        soft = wiring[wiring["soft_ties"] > 0]
        graph = ig.Graph(n=len(schools), edges=[(index[a], index[b]) for a, b in zip(soft["school_a"],
                                                                                       soft["school_b"], strict=True)])
        weights = [math.log1p(w) for w in soft["soft_ties"]] or None
        if len(schools) > MAX_SCHOOL_NODES:
            view.layout_cache["school layout"] = _islands_on_a_grid(schools, graph, weights)
        else:
            with seeded(LAYOUT_SEED):
                layout = graph.layout_fruchterman_reingold(weights=weights, niter=1000, seed=_circle(len(schools)))
            view.layout_cache["school layout"] = _beside_isolated(_scaled(schools, layout.coords, SCALE),
                                                                  set(soft["school_a"]) | set(soft["school_b"]))
    placed: dict[str, tuple[float, float]] = view.layout_cache["school layout"]
    return placed


def _school_positions(view: TrustView) -> dict[str, tuple[float, float]]:
    """Where the school map draws each school: the layout drawn together as far as the discs and labels allow
    without overlapping (a snapshot of more than MAX_SCHOOL_NODES schools is only drawn in parts). A snapshot
    after another keeps the earlier map's places (_kept_places), so that two maps compare side by side."""
    if "schools" not in view.layout_cache:
        layout = _school_layout(view)
        if len(layout) > MAX_SCHOOL_NODES:
            view.layout_cache["schools"] = layout
        else:
            earlier = view.load_previous()
            kept = _kept_places(view, earlier) if earlier is not None else None
            view.layout_cache["schools"] = kept or _without_overlaps(view, dict(layout))
    positions: dict[str, tuple[float, float]] = view.layout_cache["schools"]
    return positions


def _kept_places(view: TrustView, earlier: TrustView) -> dict[str, tuple[float, float]] | None:
    """The earlier snapshot's places for the schools in both; a new school beside the schools it collaborates
    with (or below the rest); a school whose isolation changed moves to where its kind go (the isolated column
    on the right, or beside its new partners). Then overlaps are pushed apart, without drawing the map together
    again: the schools that kept their places stay put, the others move clear of them. None when the two share
    no school."""
    if len(earlier.schools) > MAX_SCHOOL_NODES:
        return None
    before = _school_positions(earlier)
    schools = list(view.schools["school_id"])
    was_isolated = set(earlier.analysis.summary["isolated_schools"])
    isolated = set(view.analysis.summary["isolated_schools"])
    kept = {s: before[s] for s in schools if s in before and (s in isolated) == (s in was_isolated)}
    if not kept:
        return None
    neighbours = _neighbours(view)
    xs, ys = [x for x, _ in kept.values()], [y for _, y in kept.values()]
    right, bottom = max(xs), max(ys)
    placed = dict(kept)
    for k, school in enumerate(sorted(set(schools) - set(kept))):
        partners = [kept[n] for n in sorted(neighbours.get(school, ())) if n in kept]
        if school in isolated:
            placed[school] = (right + 0.15 * SCALE, bottom - 60.0 * k)
        elif partners:
            placed[school] = (sum(x for x, _ in partners) / len(partners) + 30.0,
                              sum(y for _, y in partners) / len(partners) + 30.0)
        else:
            placed[school] = (min(xs) + 80.0 * k, bottom + 120.0)
    return _without_overlaps(view, placed, kept=set(kept))


def school_radius(staff: float) -> float:
    """A school's disc: its area grows with its staff."""
    return max(8.0, 3.0 * math.sqrt(max(staff, 0)))


def _without_overlaps(view: TrustView, positions: dict[str, tuple[float, float]],
                      kept: set[str] | None = None) -> dict[str, tuple[float, float]]:
    """The layout drawn together, then moved just enough that no two schools' discs and labels overlap
    (webapp/overlap.py). Overlaps are removed with widths divided by WIDE and the result widened by WIDE: the same
    boxes kept apart, but pushed sideways as often as up and down, so that the map comes out as wide as the box it
    is drawn in, and its labels as large as they can be when it fits."""
    staff = view.analysis.schools.set_index("school_id")["staff"]
    schools = list(positions)
    boxes = [footprint(school_radius(float(staff.get(s, 0))), view.school_names.get(s, s)) for s in schools]
    narrow = WIDE if kept else 1.0  # kept places were widened: back to the space overlaps are removed in
    centres = np.array([(positions[s][0] / narrow, positions[s][1] + b[2]) for s, b in zip(schools, boxes,
                                                                                           strict=True)])
    # drawn together only where labels can then be read with the whole map in view: beyond COMPACT_UP_TO schools
    # they cannot on any screen, and pushing a packed layout of hundreds apart takes seconds
    small = len(schools) <= COMPACT_UP_TO  # small: patient pushing is cheap, and drawing together keeps it tight
    moved = separate(centres, np.array([(b[0] / WIDE, b[1]) for b in boxes]), compact=small and not kept,
                     rounds=400 if small else 60, rescale=not kept,
                     pinned=np.array([s in kept for s in schools]) if kept else None)
    return {s: (WIDE * float(x), float(y) - b[2]) for s, (x, y), b in zip(schools, moved, boxes, strict=True)}


def _islands_on_a_grid(schools: list[str], graph: ig.Graph, weights: list[float] | None) -> dict:
    """Positions for a snapshot of many trusts: each group of schools joined by ties laid out on its own, the
    groups then set side by side on a grid, largest first. One layout of ten thousand schools would take
    minutes and tangle unrelated trusts together."""
    if weights is not None:
        graph.es["weight"] = weights
    parts = sorted(graph.connected_components(), key=lambda c: (-len(c), min(schools[i] for i in c)))
    columns = math.ceil(math.sqrt(len(parts)))
    cell = SCALE
    positions: dict[str, tuple[float, float]] = {}
    for k, members in enumerate(parts):
        sub = graph.subgraph(members)
        with seeded(LAYOUT_SEED):
            coords = sub.layout_fruchterman_reingold(weights="weight" if weights else None, niter=300,
                                                     seed=_circle(len(members))).coords
        scaled = _scaled([schools[i] for i in members], coords, 0.4 * cell)
        ox, oy = (k % columns) * cell, (k // columns) * cell
        positions.update({s: (ox + x, oy + y) for s, (x, y) in scaled.items()})
    return positions


def _beside_isolated(positions: dict, linked: set) -> dict:
    """Schools with no soft tie go in a column just right of the others: the layout would fling them far away,
    squashing the connected schools, and a column apart shows at a glance who is outside the network (maps are
    wider than tall, so the column costs no zoom)."""
    alone = sorted(s for s in positions if s not in linked)
    inner = [positions[s] for s in positions if s in linked]
    if not alone or not inner:
        return positions
    right = max(x for x, _ in inner) + 0.15 * SCALE
    top, bottom = min(y for _, y in inner), max(y for _, y in inner)
    step = (bottom - top) / max(len(alone) - 1, 1)
    middle = (top + bottom) / 2
    for i, school in enumerate(alone):
        positions[school] = (right, middle + (i - (len(alone) - 1) / 2) * min(step, 0.2 * SCALE))
    return positions


def _circle(n: int) -> list[list[float]]:
    """A fixed starting layout (with igraph's generator seeded: LAYOUT_SEED), so positions repeat for the same
    snapshot."""
    return [[math.cos(2 * math.pi * i / max(n, 1)), math.sin(2 * math.pi * i / max(n, 1))] for i in range(n)]


def _scaled(names: list, coords: list[list[float]], size: float) -> dict:
    if not coords:
        return {}
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((x - cx) / span * size, (y - cy) / span * size) for n, (x, y) in zip(names, coords, strict=True)}


def _staff_centres(view: TrustView) -> dict[str, tuple[float, float]]:
    """Where each school's staff are drawn around on staff maps: the school layout spread wide enough for a
    school's people. A snapshot after another keeps the earlier one's centres; a new school goes beside the
    schools it collaborates with, or right of the rest."""
    if "staff centres" not in view.layout_cache:
        earlier = view.load_previous()
        before = _staff_centres(earlier) if earlier is not None else {}
        schools = list(view.schools["school_id"])
        kept = {s: before[s] for s in schools if s in before}
        if not kept:
            centres = {s: (x * STAFF_SPREAD, y * STAFF_SPREAD) for s, (x, y) in _school_layout(view).items()}
        else:
            centres = dict(kept)
            neighbours = _neighbours(view)
            right = max(x for x, _ in kept.values()) + SCALE
            for k, school in enumerate(sorted(set(schools) - set(kept))):
                partners = [kept[n] for n in sorted(neighbours.get(school, ())) if n in kept]
                centres[school] = ((sum(x for x, _ in partners) / len(partners) + 0.4 * SCALE,
                                    sum(y for _, y in partners) / len(partners) + 0.4 * SCALE) if partners
                                   else (right, SCALE * k))
        view.layout_cache["staff centres"] = centres
    placed: dict[str, tuple[float, float]] = view.layout_cache["staff centres"]
    return placed


def _staff_positions(view: TrustView, people: set[str]) -> dict[str, tuple[float, float]]:
    """Where to draw `people`: each school's staff laid out around their school's centre (_staff_centres).
    A school is laid out the first time someone of it is drawn, then cached, so a request costs what its
    schools cost, not the whole trust. A snapshot after another keeps the earlier one's places (_kept_staff)."""
    if "staff" not in view.layout_cache:
        by_school: dict[str, list[Hashable]] = {}
        for person, sid in view.graphs.school_of.items():
            by_school.setdefault(sid, []).append(person)
        view.layout_cache["staff"] = {"by_school": by_school, "positions": {}, "done": set()}
    cache = view.layout_cache["staff"]
    positions: dict[str, tuple[float, float]] = cache["positions"]
    school_of = view.graphs.school_of
    for sid in {school_of[p] for p in people} - cache["done"]:
        everyone = sorted(cache["by_school"][sid], key=str)
        earlier = view.load_previous()
        kept = _kept_staff(view, earlier, sid, everyone) if earlier is not None else {}
        positions.update(kept or _laid_out(view, sid, everyone))
        cache["done"].add(sid)
    return positions


def _laid_out(view: TrustView, sid: str, everyone: list) -> dict[str, tuple[float, float]]:
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
    with seeded(LAYOUT_SEED):
        coords = graph.layout_fruchterman_reingold(niter=300, seed=_circle(len(staff))).coords if staff else []
    radius = 40 * math.sqrt(max(len(staff), 1))
    ox, oy = _staff_centres(view).get(sid, (0.0, 0.0))
    positions = {person: (ox + x, oy + y) for person, (x, y) in _scaled(staff, coords, 2 * radius).items()}
    per_row = max(1, int(2 * radius // ROW_X_STEP))
    for k, person in enumerate(alone):
        positions[person] = (ox - radius + (k % per_row) * ROW_X_STEP, oy + radius + ROW_STEP * (1 + k // per_row))
    return positions


def _kept_staff(view: TrustView, earlier: TrustView, sid: str, everyone: list) -> dict[str, tuple[float, float]]:
    """A school's staff where the earlier snapshot drew them, when some of them were there (empty otherwise).
    Someone new (joined, or moved from another school) goes beside their colleagues there they collaborate
    with, or, with none, in a row below the school's people."""
    before_school = earlier.graphs.school_of
    stayed = {p for p in everyone if before_school.get(p) == sid}
    if not stayed:
        return {}
    before = _staff_positions(earlier, stayed)
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


def _around_school(view: TrustView, school: str, people: set[str]) -> dict[str, tuple[float, float]]:
    """A school's staff laid out as on every staff map, and their contacts elsewhere in small groups on a ring
    around them, one group per school, in the direction of that school on the school map."""
    school_of = view.graphs.school_of
    mine = {p for p in people if school_of[p] == school}
    laid = _staff_positions(view, mine)
    positions = {p: laid[p] for p in mine}
    if not positions:
        return positions
    cx = sum(x for x, _ in positions.values()) / len(positions)
    cy = sum(y for _, y in positions.values()) / len(positions)
    ring = max(math.hypot(x - cx, y - cy) for x, y in positions.values()) + 220
    groups: dict[str, list[str]] = {}
    for person in sorted(people - mine, key=str):
        groups.setdefault(school_of[person], []).append(person)
    places = _school_layout(view)
    sx, sy = places.get(school, (0.0, 0.0))
    def bearing(other: str) -> tuple[float, str]:
        ox, oy = places.get(other, (sx, sy))
        return math.atan2(oy - sy, ox - sx), other

    positions.update(_clusters_on_a_ring(groups, sorted(groups, key=bearing), cx, cy, ring))
    return positions


def _clusters_on_a_ring(groups: dict[str, list[str]], order: list[str], cx: float, cy: float,
                        ring: float) -> dict[str, tuple[float, float]]:
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


def _around_group(view: TrustView, people: set[str]) -> dict[str, tuple[float, float]]:
    """A group's members, school by school, round the group's hub in the middle: which schools it reaches, and
    who in each. Schools go round in the order the school map has them round its centre."""
    school_of = view.graphs.school_of
    groups: dict[str, list[str]] = {}
    for person in sorted(people, key=str):
        groups.setdefault(school_of[person], []).append(person)
    places = _school_layout(view)
    mx = sum(x for x, _ in places.values()) / max(len(places), 1)
    my = sum(y for _, y in places.values()) / max(len(places), 1)
    order = sorted(groups, key=lambda s: (math.atan2(places.get(s, (mx, my))[1] - my,
                                                     places.get(s, (mx, my))[0] - mx), s))
    biggest = max((len(m) for m in groups.values()), default=1)
    ring = max(260.0, 70.0 * len(groups) / math.pi, 3 * 22 * math.sqrt(biggest))
    return _clusters_on_a_ring(groups, order, 0.0, 0.0, ring)


def _school_labels(view: TrustView, positions: dict[str, tuple[float, float]]) -> list[dict]:
    """Each school's name above its people on a school's staff map, so that a reader sees which schools its staff
    reach without hovering (colours go by phase in larger trusts)."""
    school_of = view.graphs.school_of
    members: dict[str, list[tuple[float, float]]] = {}
    for person, place in positions.items():
        members.setdefault(school_of[person], []).append(place)
    labels = []
    for school, places in sorted(members.items()):
        x = sum(p[0] for p in places) / len(places)
        top = min(p[1] for p in places)
        labels.append({"id": SCHOOL_LABEL + school, "label": view.school_names.get(school, school), "x": x,
                       "y": top - 45, "shape": "text", "font": {"size": 36, "strokeWidth": 6,
                                                                "strokeColor": "#ffffff", "color": "#1d2733"},
                       "title": view.school_names.get(school, school), "chosen": False})
    return labels


def _around_person(view: TrustView, person: str,
                   people: set[str]) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
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


def _neighbours(view: TrustView) -> dict[str, set[str]]:
    """Each school's partners by soft ties (kept with the view)."""
    if "school_neighbours" not in view.layout_cache:
        neighbours: dict[str, set[str]] = {}
        soft = view.analysis.wiring[view.analysis.wiring["soft_ties"] > 0]
        for a, b in zip(soft["school_a"], soft["school_b"], strict=True):
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)
        view.layout_cache["school_neighbours"] = neighbours
    found: dict[str, set[str]] = view.layout_cache["school_neighbours"]
    return found


def schools_around(view: TrustView, focus: str, limit: int | None = None) -> list[str]:
    """`focus` and the schools up to two soft-tie steps from it, nearest first, at most `limit` (by default
    MAX_SCHOOL_NODES)."""
    neighbours = _neighbours(view)
    found, frontier = [focus], [focus]
    for _step in range(2):
        frontier = sorted({n for s in frontier for n in neighbours.get(s, ())} - set(found))
        found.extend(frontier)
    return found[:limit or MAX_SCHOOL_NODES]


def _school_nodes(view: TrustView, schools: pd.DataFrame, hidden: set[str], min_group_size: int) -> list[dict]:
    """One disc per school, where the school map has it, sized by staff and coloured as on every map."""
    positions = _school_positions(view)
    colours = colours_of(view).of_school
    nodes = []
    for sid, row in schools.iterrows():
        x, y = positions[sid]
        name = view.school_names.get(sid, sid)
        if sid in hidden:
            nodes.append({"id": sid, "label": name, "x": x, "y": y, "shape": "dot", "color": colours[sid],
                          "size": school_radius(min_group_size),  # the same for every hidden school
                          "title": f"{name}\nFigures hidden: fewer than {min_group_size} staff"})
            continue
        nodes.append({"id": sid, "label": name, "x": x, "y": y, "shape": "dot", "color": colours[sid],
                      "size": school_radius(row["staff"]),
                      "title": f"{name}\n{row['staff']:,} staff, {row['external_ties']:,} ties to "
                               f"{row['schools_reached']:,} other schools"
                               + ("\nIsolated: no tie to another school" if row["is_isolated"] else "")})
        if row["is_isolated"]:
            nodes[-1].update(isolated=True, borderWidth=3, color={"background": colours[sid], "border": FOCUS_COLOUR})
        if row["is_hard_isolated"]:  # in no group with anyone elsewhere: a diamond, whatever its collaboration
            nodes[-1].update(hard_isolated=True, shape="diamond",
                             title=nodes[-1]["title"] + "\nIn no group with anyone at another school")
    return nodes


def school_map(view: TrustView, focus: str = "", suppressed: set[str] | None = None,
               min_group_size: int = 5) -> dict:
    """Schools sized by staff, joined by their cross-school soft ties (width by count); with `focus`, only that
    school and the schools up to two steps from it. A snapshot of more than MAX_SCHOOL_NODES schools is only
    ever drawn around a chosen school. Schools in `suppressed` show no figures (see netmap.suppression): their
    tooltips say "fewer than N staff" and their ties are drawn without counts."""
    hidden = suppressed or set()
    schools = view.analysis.schools.set_index("school_id")
    if focus and focus not in schools.index:
        focus = ""
    if not focus and len(schools) > MAX_SCHOOL_NODES:
        return {"view": "schools", "nodes": [], "edges": [], "options": _options(_network(), False), "legend": [],
                "info": {}, "message": f"This snapshot has {len(schools):,} schools: choose a school to map it "
                                       "with the schools its staff reach, up to two steps away (at most "
                                       f"{MAX_SCHOOL_NODES:,} schools are drawn at once)."}
    if focus:
        schools = schools.loc[schools_around(view, focus)]
    nodes = _school_nodes(view, schools, hidden, min_group_size)
    wiring = view.analysis.wiring
    soft = wiring[(wiring["soft_ties"] > 0) & wiring["school_a"].isin(schools.index) &
                  wiring["school_b"].isin(schools.index)]
    top = max(soft["soft_ties"].max(), 1) if len(soft) else 1
    edges = [{"from": a, "to": b, "value": int(n), "width": 1 + 7 * n / top, "color": SOFT_COLOUR,
              "title": f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}: {int(n)} ties"}
             if a not in hidden and b not in hidden else
             {"from": a, "to": b, "value": 1, "width": 1, "color": SOFT_COLOUR,
              "title": f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}: ties (count hidden)"}
             for a, b, n in zip(soft["school_a"], soft["school_b"], soft["soft_ties"], strict=True)]
    net = _network()
    net.nodes, net.edges = nodes, edges
    options = _options(net, False)
    # the size overlap removal kept labels apart at, outlined in white so that lines passing behind stay behind
    options["nodes"]["font"] = {"size": FONT_SIZE, "strokeWidth": 4, "strokeColor": "#ffffff"}
    return {"view": "schools", "nodes": net.nodes, "edges": net.edges, "options": options,
            "legend": colours_of(view).legend(view, list(schools.index)) + _marks_legend(nodes, edges),
            "info": {}, "message": ""}


# How each pair of schools is linked (netmap.analysis.wiring.school_pair_layers), as the hard vs soft map draws it
PAIR_STYLES = {
    "both": {"colour": "#9db3d1", "dashes": False,  # the usual case, drawn light: the exceptions stand out
             "label": "collaboration, some of it within a shared group (line width: collaborations)"},
    "soft only": {"colour": "#A5243D", "dashes": False,
                  "label": "collaboration, none of it within a shared group: informal only"},
    "hard only": {"colour": HARD_COLOUR, "dashes": True,
                  "label": "a shared group, but nobody collaborates: formal only"},
}
HIDDEN_PAIR_COLOUR = "#8a8a8a"


def wiring_map(view: TrustView, focus: str = "", suppressed: set[str] | None = None,
               min_group_size: int = 5) -> dict:
    """The school map's schools, in the same places, joined by how each pair is linked: by both wirings, by
    collaboration only, or by a shared group only; each kind a layer the page can hide. Pairs with a school in
    `suppressed` are drawn grey, without counts or kind."""
    drawn = school_map(view, focus, suppressed, min_group_size)
    if not drawn["nodes"]:
        return {**drawn, "view": "wiring"}
    hidden = suppressed or set()
    shown = {n["id"] for n in drawn["nodes"]}
    pairs = view.school_pairs
    pairs = pairs[pairs["school_a"].isin(shown) & pairs["school_b"].isin(shown)]
    top = max(int(pairs["soft_ties"].max()), 1) if len(pairs) else 1
    edges = []
    for a, b, hard, soft, inside, linked in pairs[["school_a", "school_b", "hard_links", "soft_ties",
                                                   "soft_ties_in_groups", "linked_by"]].itertuples(index=False):
        names = f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}"
        if a in hidden or b in hidden:
            edges.append({"from": a, "to": b, "width": 1, "color": HIDDEN_PAIR_COLOUR, "layer": "hidden",
                          "title": f"{names}: linked (details hidden: fewer than {min_group_size} staff)"})
            continue
        style = PAIR_STYLES[linked]
        edges.append({"from": a, "to": b, "color": style["colour"], "dashes": style["dashes"],
                      "width": 1.5 if linked == "hard only" else 1 + 7 * soft / top, "layer": linked,
                      "title": f"{names}: {soft:,} collaborations, {inside:,} of them between people who share a "
                               f"group; {hard:,} pairs of staff share a group"})
    return _relined(drawn, "wiring", edges, PAIR_STYLES, min_group_size,
                    lambda n: f"{n:,} pair{'' if n == 1 else 's'}")


CHANGE_STYLES = {
    "gained": {"colour": "#1b7837", "dashes": False, "label": "pairs of schools newly collaborating"},
    "lost": {"colour": "#A5243D", "dashes": True, "label": "pairs of schools no longer collaborating"},
    "persisting": {"colour": "#9db3d1", "dashes": False, "label": "pairs collaborating in both (width: now)"},
}


def changes_map(view: TrustView, earlier: TrustView, suppressed: set[str] | None = None,
                min_group_size: int = 5) -> dict:
    """The later snapshot's school map (places kept from the earlier one) with each pair of schools' collaboration
    told apart: newly begun, ended, or in both; each a layer the page can hide. Pairs with a school in
    `suppressed` are drawn grey without counts."""
    drawn = school_map(view, "", suppressed, min_group_size)
    if not drawn["nodes"]:
        return {**drawn, "view": "changes"}
    hidden = suppressed or set()

    def ties(v: TrustView) -> dict[tuple[str, str], int]:
        w = v.analysis.wiring
        w = w[w["soft_ties"] > 0]
        return {(a, b): int(n) for a, b, n in zip(w["school_a"], w["school_b"], w["soft_ties"], strict=True)}

    then, now = ties(earlier), ties(view)
    shown = {n["id"] for n in drawn["nodes"]}
    top = max(list(now.values()) + list(then.values()) + [1])
    edges = []
    for a, b in sorted(set(then) | set(now)):
        if a not in shown or b not in shown:
            continue  # a school that left the trust: not on the later map
        names = f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}"
        if a in hidden or b in hidden:
            edges.append({"from": a, "to": b, "width": 1, "color": HIDDEN_PAIR_COLOUR, "layer": "hidden",
                          "title": f"{names}: changed or not (details hidden: fewer than {min_group_size} staff)"})
            continue
        before, after = then.get((a, b), 0), now.get((a, b), 0)
        kind = "gained" if not before else "lost" if not after else "persisting"
        style = CHANGE_STYLES[kind]
        edges.append({"from": a, "to": b, "color": style["colour"], "dashes": style["dashes"], "layer": kind,
                      "width": 1 + 7 * max(before, after) / top if kind != "persisting" else 1 + 7 * after / top,
                      "title": f"{names}: {before:,} collaborations on {earlier.as_of}, {after:,} on {view.as_of}"})
    return _relined(drawn, "changes", edges, CHANGE_STYLES, min_group_size, lambda n: f"{n:,}")


def _relined(drawn: dict, kind: str, edges: list[dict], styles: dict[str, dict[str, Any]], min_group_size: int,
             counted: Callable[[int], str]) -> dict:
    """A school map (`drawn`) with `edges` in place of its ties, each edge's layer one of `styles`; its key lists
    the schools, each kind of line drawn with how many (`counted`), its checkbox, and the school map's marks."""
    counts = Counter(e["layer"] for e in edges)
    legend = [entry for entry in drawn["legend"] if "line" not in entry and "mark" not in entry]
    legend += [{"label": f"{style['label']}: {counted(counts[layer])}", "colour": style["colour"],
                "line": "dashed" if style["dashes"] else "solid", "layer": layer}
               for layer, style in styles.items() if counts[layer]]
    if counts["hidden"]:
        legend.append({"label": f"linked, details hidden (a school with fewer than {min_group_size} staff): "
                                f"{counts['hidden']:,} pairs", "colour": HIDDEN_PAIR_COLOUR, "line": "solid"})
    legend += _marks_legend(drawn["nodes"], [])
    return {**drawn, "view": kind, "edges": edges, "legend": legend}


def _marks_legend(nodes: list[dict], edges: list[dict]) -> list[dict]:
    """Legend entries for the school map's lines and marks, only those drawn."""
    entries = []
    if edges:
        entries.append({"label": "collaboration between two schools (wider: more)", "colour": SOFT_COLOUR,
                        "line": "solid"})
    if any(n.get("isolated") for n in nodes):
        entries.append({"label": "isolated school: nobody there collaborates with another school (dark outline)",
                        "colour": "#ffffff", "mark": "isolated"})
    if any(n.get("hard_isolated") for n in nodes):
        entries.append({"label": "diamond: nobody there shares a group with anyone at another school",
                        "colour": "#ffffff", "mark": "hard-isolated"})
    return entries


def _select(view: TrustView, f: MapFilters) -> set[str]:
    staff = view.staff
    chosen = staff
    if f.school:
        chosen = chosen[chosen["school_id"] == f.school]
    if f.role:
        chosen = chosen[chosen["role"] == f.role]
    if f.subject:
        chosen = chosen[chosen["subjects"].fillna("").map(lambda s: f.subject in s.split(";"))]
    if f.group:
        chosen = chosen[chosen["groups"].map(lambda s: f.group in s.split(";"))]
    if f.phase:
        phases = view.schools.set_index("school_id")["phase"]
        chosen = chosen[chosen["school_id"].map(phases) == f.phase]
    selected = set(chosen["staff_id"])
    if f.person:
        if f.person not in view.undirected:
            return set()
        ego = nx.ego_graph(view.undirected, f.person, radius=max(1, min(f.depth, 2)))
        selected = set(ego) if not (f.school or f.role or f.subject or f.group or f.phase) else (
            set(ego) & selected) | {f.person}
    return selected


SCHOOL_LABEL = "\x1eschool:"  # a school's name over its people on a school's staff map (not a person)
HUB = "\x1egroup:"  # a group hub's node id: ids from the data never hold control characters (validation refuses them)


def _group_hubs(view: TrustView, selected: set[str], positions: dict[str, tuple[float, float]],
                only: str = "") -> tuple[list[dict], list[dict]]:
    """The hard wiring of `selected` as a node per group joined to each of its members drawn (one line per
    membership, never a clique), for groups with at least two of them (with `only`, that group alone: a group's
    own map); each hub sits among its members."""
    members: dict[str, list[str]] = {}
    for person in sorted(selected):
        for group in view.graphs.hard.groups_of(person):
            if not only or group == only:
                members.setdefault(group, []).append(person)
    hubs: list[dict] = []
    spokes: list[dict] = []
    for group, people in sorted(members.items()):
        if len(people) < 2:
            continue
        x = sum(positions[p][0] for p in people) / len(people)
        y = sum(positions[p][1] for p in people) / len(people)
        name = view.group_names.get(group, group)
        hubs.append({"id": HUB + group, "label": name, "x": x, "y": y, "shape": "box", "layer": "hard",
                     "color": {"background": "#ffffff", "border": HARD_COLOUR}, "font": {"size": 30 if only else 14},
                     "title": f"{name}: {len(people)} of its members on this map"})
        spokes.extend({"from": p, "to": HUB + group, "color": HARD_COLOUR, "width": 1, "dashes": True,
                       "layer": "hard", "title": f"member of {name}"} for p in people)
    return hubs, spokes


def staff_map(view: TrustView, f: MapFilters, allowed: frozenset[str] | None = None) -> dict:
    """People as nodes (colour by school, shape by role); soft ties and, on request, hard links. With `allowed`,
    only those people are drawn (a network lead's scope)."""
    total = view.graphs.soft.number_of_nodes()
    if not f.any_node_filter and total > MAX_STAFF_NODES:
        raise TooLarge(f"This trust has {total:,} staff: choose a school, group, subject, role or person to map "
                       f"(at most {MAX_STAFF_NODES:,} people are drawn at once).")
    selected = _select(view, f) if f.any_node_filter else set(view.graphs.soft)
    if allowed is not None:
        selected &= allowed
    if len(selected) > MAX_STAFF_NODES:
        raise TooLarge(f"{len(selected):,} people match: narrow the filters (at most {MAX_STAFF_NODES:,} are "
                       "drawn at once).")
    steps: dict[str, int] = {}
    labels: list[dict] = []
    if f.school and f.soft and not (f.person or f.group or f.subject or f.phase or f.role):
        # a school's map: its people and, the point of the page, their contacts in other schools
        contacts = {n for p in selected for n in view.undirected[p]} - selected
        if allowed is not None:
            contacts &= allowed
        selected |= set(sorted(contacts, key=str)[:max(0, MAX_STAFF_NODES - len(selected))])
        positions = _around_school(view, f.school, selected)
        labels = _school_labels(view, positions)
    elif f.person in selected:
        positions, steps = _around_person(view, f.person, selected)
    elif f.group and not (f.school or f.subject or f.phase or f.role):
        positions = _around_group(view, selected)
        labels = _school_labels(view, positions)
    else:
        positions = _staff_positions(view, selected)
    staff = view.staff.set_index("staff_id")
    colours = colours_of(view).of_school
    nodes, info = [], {}
    for person in sorted(selected):
        row = staff.loc[person]
        x, y = positions[person]
        name = view.staff_names.get(person, person)
        school = view.school_names.get(row["school_id"], row["school_id"])
        step = steps.get(person)
        size = 8 + 2 * math.sqrt(row["soft_degree"])
        title = f"{name}\n{row['role']}, {school}"
        node: dict[str, Any] = {"id": person, "label": name, "x": x, "y": y,
                                "shape": ROLE_SHAPES.get(row["role"], "dot"), "color": colours[row["school_id"]],
                                "size": size, "borderWidth": 1, "title": title}
        if step == 0:  # the person in focus: in the middle, large, outlined, named in letters that read at fit
            node.update(size=size + 12, borderWidth=5, font={"size": 48, "strokeWidth": 6, "strokeColor": "#ffffff"},
                        color={"background": colours[row["school_id"]], "border": FOCUS_COLOUR})
        elif step == 2:  # two steps away: fainter than direct contacts
            node.update(opacity=0.45, title=f"{title}\n2 steps away")
        nodes.append(node)
        info[person] = {"name": name, "school": school, "role": row["role"], "subjects": row["subjects"] or "",
                        "soft_degree": int(row["soft_degree"]), "schools_reached": int(row["schools_reached"]),
                        "betweenness": round(float(row["betweenness"]), 4), "ona_role": row["ona_role"],
                        "groups": row["groups"]}
    edges = []
    soft = view.graphs.soft
    seen = set()
    # in order: a pair reported both ways is drawn once, titled by the way met first (the subgraph's own order
    # varies with Python's string hashing from one process to the next)
    for a, b, data in (sorted(soft.subgraph(selected).edges(data=True), key=lambda e: (e[0], e[1])) if f.soft
                       else ()):
        kinds = data["kinds"]
        if f.kind and f.kind not in kinds:
            continue
        pair = (a, b) if a < b else (b, a)
        if pair in seen or (steps.get(a) == 2 and steps.get(b) == 2):
            continue  # around a person, ties between two people two steps away say nothing about them
        seen.add(pair)
        across = view.graphs.school_of[a] != view.graphs.school_of[b]
        edges.append({"from": pair[0], "to": pair[1], "color": SOFT_COLOUR if across else INSIDE_COLOUR,
                      "width": 2.5 if across else 1, "layer": "soft",
                      "title": ", ".join(sorted(kinds)) + (" (between schools)" if across else "")})
    nodes.extend(labels)
    if f.hard:
        hubs, spokes = _group_hubs(view, selected, positions, only=f.group)
        nodes.extend(hubs)
        edges.extend(spokes)
    net = _network()
    net.nodes, net.edges = nodes, edges
    present = Counter(staff.loc[p, "school_id"] for p in selected)
    return {"view": "staff", "nodes": net.nodes, "edges": net.edges, "options": _options(net, len(nodes) > 500),
            "legend": colours_of(view).legend(view, sorted(present)),
            "info": info, "message": "" if nodes else "Nobody matches these filters."}


PEOPLE_CHANGES = {
    "joined": {"colour": "#1b7837", "label": "joined (green outline) since"},
    "left": {"colour": "#d9d9d9", "label": "left (grey, where they were) since"},
}


def people_changes_map(view: TrustView, earlier: TrustView, f: MapFilters, allowed: frozenset[str] | None = None,
                       allowed_before: frozenset[str] | None = None) -> dict:
    """The people a filter chooses (a school's staff, a group's members) in either snapshot and, for a school, their
    contacts at other schools (smaller, fainter), where the staff maps draw them (places kept from one snapshot to
    the next): those who joined outlined green, those who left grey at their earlier place; the chosen people's
    collaborations begun, ended and kept as layers. With `allowed` (and `allowed_before` for the earlier
    snapshot), only those people (a network lead's scope)."""
    chosen_now = _select(view, f) if f.any_node_filter else set()
    now = set(chosen_now)
    then = _select(earlier, f) if f.any_node_filter else set()
    if allowed is not None:
        now &= allowed
        chosen_now &= allowed
    if allowed_before is not None:
        then &= allowed_before
    chosen = now | then
    if f.school:  # a school's people reach other schools: the point of watching a school change
        now |= {n for p in now for n in view.undirected[p]} & (allowed if allowed is not None else set(view.undirected))
        then |= {n for p in then for n in earlier.undirected[p]} & (
            allowed_before if allowed_before is not None else set(earlier.undirected))
    if len(now | then) > MAX_STAFF_NODES:
        raise TooLarge(f"{len(now | then):,} people match: choose a smaller school or group (at most "
                       f"{MAX_STAFF_NODES:,} are drawn at once).")
    in_view, in_earlier = view.graphs.school_of, earlier.graphs.school_of
    left = {p for p in then - now if p not in in_view or p in chosen - chosen_now}
    joined = {p for p in now - left if p not in in_earlier or (p in chosen and p not in then)}
    positions = {**_staff_positions(earlier, left), **_staff_positions(view, (now | then) - left)}
    colours, colours_before = colours_of(view).of_school, colours_of(earlier).of_school
    names = {**earlier.staff_names, **view.staff_names}
    school_names = {**earlier.school_names, **view.school_names}
    nodes = []
    for person in sorted(now | then):
        side = earlier if person in left else view
        school = side.graphs.school_of[person]
        name = names.get(person, person)
        x, y = positions[person]
        node: dict[str, Any] = {"id": person, "label": name, "x": x, "y": y, "size": 10, "borderWidth": 1,
                                "shape": ROLE_SHAPES.get(side.graphs.soft.nodes[person].get("role", ""), "dot"),
                                "title": f"{name}\n{school_names.get(school, school)}"}
        if person in left:
            gone = "the trust" if person not in in_view else "the school" if f.school else "the group"
            node.update(color={"background": PEOPLE_CHANGES["left"]["colour"],
                               "border": CHANGE_STYLES["lost"]["colour"]},
                        shapeProperties={"borderDashes": [4, 4]}, borderWidth=2, layer="left",
                        title=f"{node['title']}\nleft {gone} after {earlier.as_of}")
        elif person in joined:
            node.update(color={"background": colours[school], "border": PEOPLE_CHANGES["joined"]["colour"]},
                        borderWidth=4, layer="joined", title=f"{node['title']}\njoined after {earlier.as_of}")
        else:
            node["color"] = colours.get(school, colours_before.get(school, "#999999"))
        if person not in chosen:  # a contact at another school
            node.update(size=6, opacity=0.6, font={"size": 10}, title=f"{node['title']}\n(a contact elsewhere)")
        nodes.append(node)

    def ties(v: TrustView, people: set[str]) -> set[tuple[str, str]]:
        return {(a, b) if a < b else (b, a) for a, b in v.undirected.subgraph(people).edges()}

    # judged on the whole trust: two people who left a group but still work together kept their collaboration
    drawn = now | then
    before = {t for t in ties(earlier, drawn & set(in_earlier)) if chosen & set(t)}  # not contacts' own ties
    after = {t for t in ties(view, drawn & set(in_view)) if chosen & set(t)}
    words = {"gained": "collaboration begun", "lost": "collaboration ended", "persisting": "collaboration kept"}
    edges = []
    for a, b in sorted(before | after):
        kind = "gained" if (a, b) not in before else "lost" if (a, b) not in after else "persisting"
        style = CHANGE_STYLES[kind]
        edges.append({"from": a, "to": b, "color": style["colour"], "dashes": style["dashes"], "layer": kind,
                      "width": 1 if kind == "persisting" else 2.5,
                      "title": f"{names.get(a, a)} - {names.get(b, b)}: {words[kind]}"})
    counts = Counter(e["layer"] for e in edges) + Counter(n.get("layer") for n in nodes)
    legend = colours_of(view).legend(view, sorted({view.graphs.school_of[p] for p in now}))
    legend += [{"label": f"{words[k].replace('tion', 'tions', 1)}: {counts[k]:,}", "colour": str(style["colour"]),
                "line": "dashed" if style["dashes"] else "solid", "layer": k}
               for k, style in CHANGE_STYLES.items() if counts[k]]
    legend += [{"label": f"{style['label']} {earlier.as_of}: {counts[k]:,}", "colour": style["colour"], "mark": k,
                "layer": k} for k, style in PEOPLE_CHANGES.items() if counts[k]]
    net = _network()
    net.nodes, net.edges = nodes, edges
    return {"view": "people changes", "nodes": net.nodes, "edges": net.edges,
            "options": _options(net, len(nodes) > 500), "legend": legend, "info": {},
            "message": "" if nodes else "Nobody matches: choose a school or group."}
