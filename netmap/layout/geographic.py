"""The school map's geographic layout: each school at its place (latitude and longitude, schools.csv), north up,
on a plain background, then moved just enough that no two discs and labels overlap (netmap.layout.overlap);
schools with no place known stand in a row under the map. The same discs, sizes, links and marks as the usual
layout: only where the schools stand differs. Nothing is fetched: there are no map tiles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj

from netmap.layout.overlap import footprint, separate
from netmap.layout.schools import COMPACT_UP_TO, WIDE
from netmap.layout.source import MapSource
from netmap.layout.style import school_radius

__all__ = ["MIN_PLACED", "geographic_positions", "has_places", "school_places"]

Place = tuple[float, float]

MIN_PLACED = 2  # schools with a place, at least, for the geographic layout to be offered
SPARED = 0.75  # the share of schools drawn exactly at their places, clear of every other (see _scale)
ROOM = 2.0  # the map's area over its schools' footprints' (see _legible_scale)
GAP = 6.0  # map units kept between two footprints, as the usual layout keeps


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
    places projected onto a plane (_projected), scaled as one so that most schools stand clear of each other
    (_scale), and the overlaps left pushed apart; schools without a place in a row under the rest, in order of
    name. Kept with the view."""
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
    """Kilometres east and south of the places' middle, on a transverse Mercator projection centred there (by
    PROJ): distances true to within 0.1 % across 300 km, so a trust across several counties keeps its shape."""
    if not places:
        return np.zeros((0, 2))
    lat = np.array([p[0] for p in places])
    lon = np.array([p[1] for p in places])
    middle = f"+proj=tmerc +lat_0={(lat.max() + lat.min()) / 2} +lon_0={(lon.max() + lon.min()) / 2} +units=km"
    east, north = pyproj.Transformer.from_crs("EPSG:4326", middle, always_xy=True).transform(lon, lat)
    return np.column_stack([east, -np.asarray(north)])


def _separated(schools: list[str], km: np.ndarray, boxes: dict[str, tuple[float, float, float]]) -> dict[str, Place]:
    """The projected places scaled as one (_scale), then, where labels still overlap, pushed apart locally."""
    if not schools:
        return {}
    halves = np.array([boxes[s][:2] for s in schools])
    hang = np.array([(0.0, boxes[s][2]) for s in schools])  # a footprint's box hangs below its disc
    centres = min(_scale(km, halves), _legible_scale(km, halves)) * km + hang
    small = len(schools) <= COMPACT_UP_TO
    # pushed apart with widths divided by WIDE, as the usual layout is: sideways as often as up and down, so that
    # a crowded town spreads across the map's wide box rather than down it
    wide = np.array([WIDE, 1.0])
    moved = wide * separate(centres / wide, halves / wide, GAP, rounds=400 if small else 60, rescale=False)
    return {s: (float(x), float(y) - boxes[s][2]) for s, (x, y) in zip(schools, moved, strict=True)}


def _legible_scale(km: np.ndarray, halves: np.ndarray) -> float:
    """Map units per kilometre at which the places span about ROOM times the footprints' total area: the most a
    map can spread and keep its labels legible when it fits a screen (a town's schools a few hundred metres apart
    are then pushed apart, keeping their bearings, rather than the whole map spread thin)."""
    span = km.max(axis=0) - km.min(axis=0) if len(km) else np.zeros(2)
    area = float(np.prod(np.maximum(span, 1e-3 * max(float(span.max()), 1e-3))))  # a line of schools: still 2-D
    return float(np.sqrt(ROOM * float((4 * halves[:, 0] * halves[:, 1]).sum()) / area))


def _scale(km: np.ndarray, halves: np.ndarray) -> float:
    """Map units per kilometre: the least at which SPARED of the schools overlap no other school's footprint, so
    that most stay exactly where they are (distances in proportion) and only those in the closest clusters are
    pushed; schools far apart are drawn no further apart than that needs."""
    delta = np.abs(km[:, None, :] - km[None, :, :])
    reach = halves[:, None, :] + halves[None, :, :] + GAP
    with np.errstate(divide="ignore"):
        needed = np.where(delta > 0, reach / delta, np.inf).min(axis=2)  # apart on either axis is enough
    np.fill_diagonal(needed, 0.0)
    each = needed.max(axis=1)
    finite = each[np.isfinite(each) & (each > 0)]  # two schools at one place: pushing splits them
    return float(np.quantile(finite, SPARED)) if len(finite) else 1.0


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
