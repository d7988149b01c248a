"""Where the school map draws each school: laid out by their soft ties, the isolated in a column beside the rest,
drawn together as far as discs and labels allow without overlapping (netmap.layout.overlap), and a later snapshot
keeping the earlier one's places so that two maps compare side by side. Positions are cached with the snapshot."""

from __future__ import annotations

import math

import igraph as ig
import numpy as np

from netmap.layout.force import SCALE, placed, scaled
from netmap.layout.overlap import footprint, separate
from netmap.layout.source import MapSource
from netmap.layout.style import school_radius

__all__ = ["COMPACT_UP_TO", "MAX_SCHOOL_NODES", "WIDE", "school_layout", "school_partners", "school_positions",
           "schools_around"]

Place = tuple[float, float]

MAX_SCHOOL_NODES = 500  # above this the school map shows one school's neighbourhood, never every school
WIDE = 2.6  # the school map's width to height, about a map box's on a laptop screen
COMPACT_UP_TO = 80  # schools: the largest map whose labels can be legible when it fits a screen


def school_layout(view: MapSource) -> dict[str, Place]:
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
            coords = placed(graph, 1000, weights)
            view.layout_cache["school layout"] = _beside_isolated(scaled(schools, coords, SCALE),
                                                                  set(soft["school_a"]) | set(soft["school_b"]))
    layout: dict[str, Place] = view.layout_cache["school layout"]
    return layout


def school_positions(view: MapSource) -> dict[str, Place]:
    """Where the school map draws each school: the layout drawn together as far as the discs and labels allow
    without overlapping (a snapshot of more than MAX_SCHOOL_NODES schools is only drawn in parts). A snapshot
    after another keeps the earlier map's places (_kept_places), so that two maps compare side by side."""
    if "schools" not in view.layout_cache:
        layout = school_layout(view)
        if len(layout) > MAX_SCHOOL_NODES:
            view.layout_cache["schools"] = layout
        else:
            earlier = view.load_previous()
            kept = _kept_places(view, earlier) if earlier is not None else None
            view.layout_cache["schools"] = kept or _without_overlaps(view, dict(layout))
    positions: dict[str, Place] = view.layout_cache["schools"]
    return positions


def _kept_places(view: MapSource, earlier: MapSource) -> dict[str, Place] | None:
    """The earlier snapshot's places for the schools in both; a new school beside the schools it collaborates
    with (or below the rest); a school whose isolation changed moves to where its kind go (the isolated column
    on the right, or beside its new partners). Then overlaps are pushed apart, without drawing the map together
    again: the schools that kept their places stay put, the others move clear of them. None when the two share
    no school."""
    if len(earlier.schools) > MAX_SCHOOL_NODES:
        return None
    before = school_positions(earlier)
    schools = list(view.schools["school_id"])
    was_isolated = set(earlier.analysis.summary["isolated_schools"])
    isolated = set(view.analysis.summary["isolated_schools"])
    kept = {s: before[s] for s in schools if s in before and (s in isolated) == (s in was_isolated)}
    if not kept:
        return None
    partners_of = school_partners(view)
    xs, ys = [x for x, _ in kept.values()], [y for _, y in kept.values()]
    right, bottom = max(xs), max(ys)
    places = dict(kept)
    for k, school in enumerate(sorted(set(schools) - set(kept))):
        partners = [kept[n] for n in sorted(partners_of.get(school, ())) if n in kept]
        if school in isolated:
            places[school] = (right + 0.15 * SCALE, bottom - 60.0 * k)
        elif partners:
            places[school] = (sum(x for x, _ in partners) / len(partners) + 30.0,
                              sum(y for _, y in partners) / len(partners) + 30.0)
        else:
            places[school] = (min(xs) + 80.0 * k, bottom + 120.0)
    return _without_overlaps(view, places, kept=set(kept))


def _without_overlaps(view: MapSource, positions: dict[str, Place], kept: set[str] | None = None) -> dict[str, Place]:
    """The layout drawn together, then moved just enough that no two schools' discs and labels overlap
    (netmap.layout.overlap). Overlaps are removed with widths divided by WIDE and the result widened by WIDE: the
    same boxes kept apart, but pushed sideways as often as up and down, so that the map comes out as wide as the
    box it is drawn in, and its labels as large as they can be when it fits."""
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


def _islands_on_a_grid(schools: list[str], graph: ig.Graph, weights: list[float] | None) -> dict[str, Place]:
    """Positions for a snapshot of many trusts: each group of schools joined by ties laid out on its own, the
    groups then set side by side on a grid, largest first. One layout of ten thousand schools would take
    minutes and tangle unrelated trusts together."""
    if weights is not None:
        graph.es["weight"] = weights
    parts = sorted(graph.connected_components(), key=lambda c: (-len(c), min(schools[i] for i in c)))
    columns = math.ceil(math.sqrt(len(parts)))
    cell = SCALE
    positions: dict[str, Place] = {}
    for k, members in enumerate(parts):
        coords = placed(graph.subgraph(members), 300, "weight" if weights else None)
        part = scaled([schools[i] for i in members], coords, 0.4 * cell)
        ox, oy = (k % columns) * cell, (k // columns) * cell
        positions.update({s: (ox + x, oy + y) for s, (x, y) in part.items()})
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


def school_partners(view: MapSource) -> dict[str, set[str]]:
    """Each school's partners by soft ties (kept with the view)."""
    if "school_neighbours" not in view.layout_cache:
        partners: dict[str, set[str]] = {}
        soft = view.analysis.wiring[view.analysis.wiring["soft_ties"] > 0]
        for a, b in zip(soft["school_a"], soft["school_b"], strict=True):
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        view.layout_cache["school_neighbours"] = partners
    found: dict[str, set[str]] = view.layout_cache["school_neighbours"]
    return found


def schools_around(view: MapSource, focus: str, limit: int | None = None) -> list[str]:
    """`focus` and the schools up to two soft-tie steps from it, nearest first, at most `limit` (by default
    MAX_SCHOOL_NODES)."""
    partners = school_partners(view)
    found, frontier = [focus], [focus]
    for _step in range(2):
        frontier = sorted({n for s in frontier for n in partners.get(s, ())} - set(found))
        found.extend(frontier)
    return found[:limit or MAX_SCHOOL_NODES]
