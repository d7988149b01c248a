"""The school map's geographic layout: each school at its place (latitude and longitude, schools.csv), north up,
on a plain background, then moved just enough that no two discs and labels overlap (netmap.layout.overlap);
schools with no place known stand in a row under the map. The same discs, sizes, links and marks as the usual
layout: only where the schools stand differs. Nothing is fetched: there are no map tiles.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from netmap.layout.overlap import footprint, separate
from netmap.layout.schools import COMPACT_UP_TO
from netmap.layout.source import MapSource
from netmap.layout.style import school_radius

__all__ = ["EARTH_RADIUS_KM", "MIN_PLACED", "geographic_positions", "has_places", "school_places"]

Place = tuple[float, float]

EARTH_RADIUS_KM = 6371.0
MIN_PLACED = 2  # schools with a place, at least, for the geographic layout to be offered


def school_places(view: MapSource) -> dict[str, Place]:
    """(latitude, longitude) of each school with both, as numbers within range; kept with the view."""
    if "places" not in view.layout_cache:
        schools = view.schools
        places: dict[str, Place] = {}
        if "latitude" in schools.columns and "longitude" in schools.columns:
            lat = pd.to_numeric(schools["latitude"], errors="coerce")
            lon = pd.to_numeric(schools["longitude"], errors="coerce")
            known = lat.between(-90, 90) & lon.between(-180, 180)
            places = {str(s): (float(a), float(o)) for s, a, o in zip(schools["school_id"][known], lat[known],
                                                                     lon[known], strict=True)}
        view.layout_cache["places"] = places
    found: dict[str, Place] = view.layout_cache["places"]
    return found


def has_places(view: MapSource) -> bool:
    """Whether the geographic layout can be offered: at least MIN_PLACED schools have a place."""
    return len(school_places(view)) >= MIN_PLACED


def geographic_positions(view: MapSource) -> dict[str, Place]:
    """Where the geographic school map draws each school, in the map's units (x east, y south, as the screen):
    places projected onto a plane (equirectangular about the trust's middle latitude: true to within a fraction
    of a percent across a region), scaled as one so that neighbours stand about a footprint apart, and overlaps
    pushed apart; schools without a place in a row under the rest, in order of name. Kept with the view."""
    if "geographic" not in view.layout_cache:
        places = school_places(view)
        staff = view.analysis.schools.set_index("school_id")["staff"]
        ids = [str(s) for s in view.schools["school_id"]]
        boxes = {s: footprint(school_radius(float(staff.get(s, 0))), view.school_names.get(s, s)) for s in ids}
        placed = [s for s in ids if s in places]
        positions = _separated(placed, _projected([places[s] for s in placed]), boxes)
        unplaced = sorted((s for s in ids if s not in places), key=lambda s: (view.school_names.get(s, s), s))
        positions.update(_row_under(positions, unplaced, boxes))
        view.layout_cache["geographic"] = positions
    found: dict[str, Place] = view.layout_cache["geographic"]
    return found


def _projected(places: list[Place]) -> np.ndarray:
    """Kilometres east and south of the places' middle (equirectangular about their middle latitude)."""
    if not places:
        return np.zeros((0, 2))
    lat = np.radians([p[0] for p in places])
    lon = np.radians([p[1] for p in places])
    middle = (lat.max() + lat.min()) / 2
    return EARTH_RADIUS_KM * np.column_stack([(lon - lon.mean()) * math.cos(middle), -(lat - middle)])


def _separated(schools: list[str], km: np.ndarray, boxes: dict[str, tuple[float, float, float]]) -> dict[str, Place]:
    """The projected places scaled as one to the labels' size, then pushed apart where they overlap."""
    if not schools:
        return {}
    halves = np.array([boxes[s][:2] for s in schools])
    centres = km + np.array([(0.0, boxes[s][2]) for s in schools])  # a footprint's box hangs below its disc
    small = len(schools) <= COMPACT_UP_TO
    moved = separate(centres, halves, compact=small, rounds=400 if small else 60)
    return {s: (float(x), float(y) - boxes[s][2]) for s, (x, y) in zip(schools, moved, strict=True)}


def _row_under(positions: dict[str, Place], schools: list[str],
               boxes: dict[str, tuple[float, float, float]]) -> dict[str, Place]:
    """`schools` side by side in rows under `positions` (from its left edge), each as wide as its footprint."""
    if not schools:
        return {}
    lefts = [x - boxes[s][0] for s, (x, _) in positions.items()] or [0.0]
    bottoms = [y + boxes[s][2] + boxes[s][1] for s, (_, y) in positions.items()] or [0.0]
    rights = [x + boxes[s][0] for s, (x, _) in positions.items()] or [0.0]
    left, width = min(lefts), max(max(rights) - min(lefts), 1200.0)
    tallest = max(2 * boxes[s][1] for s in schools)
    x, y = left, max(bottoms) + tallest
    row: dict[str, Place] = {}
    for school in schools:
        half_width, _, down = boxes[school]
        if x > left and x + 2 * half_width > left + width:
            x, y = left, y + tallest + 12
        row[school] = (x + half_width, y - down)
        x += 2 * half_width + 12
    return row
