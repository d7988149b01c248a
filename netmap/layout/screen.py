"""A map on a given screen: the part of the map a page shows when it fits the map into its box (the *frame*), and
whether a map drawn wide is better turned a quarter turn for a tall box (a phone held upright).

The page fits the map to the frame the library computed, so the names placed for that frame (netmap/layout/labels.py)
are exactly the names the page shows at fit. A quarter turn keeps every distance between discs; it is taken only
on a box taller than wide, when it lets the map be drawn larger, so the same map on the same box is always drawn
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["FIT_MARGIN", "PHONE_WIDTH", "Fit", "fit_of", "guaranteed_names", "quarter_turned", "turn_helps"]

FIT_MARGIN = 16.0  # screen pixels of blank round the map at fit
MAX_FIT_SCALE = 1.0  # a fit never draws closer than life size (webapp/static/map.js says the same)
PHONE_WIDTH = 600.0  # a map box narrower than this many CSS pixels is a phone's
NAMES_ON_DESKTOP = 10  # the most important nodes whose names a fit always shows, on a wider box ...
NAMES_ON_PHONE = 5  # ... and on a phone's


@dataclass(frozen=True)
class Fit:
    """What a page of `width` by `height` CSS pixels shows at fit: map units (x0, y0) to (x1, y1), at `scale`
    pixels a map unit, the map's middle at the box's middle."""

    scale: float
    x0: float
    y0: float
    x1: float
    y1: float

    def as_dict(self) -> dict[str, float]:
        """The page's form: the middle, the frame's size in map units, and the scale (for the record)."""
        return {"x": round((self.x0 + self.x1) / 2, 3), "y": round((self.y0 + self.y1) / 2, 3),
                "w": round(self.x1 - self.x0, 3), "h": round(self.y1 - self.y0, 3), "scale": round(self.scale, 6)}


def _extent(xy: np.ndarray, radii: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The discs' bounding box: its low and high corners, in map units."""
    return (xy - radii[:, None]).min(axis=0), (xy + radii[:, None]).max(axis=0)


def fit_of(xy: np.ndarray, radii: np.ndarray, width: float, height: float) -> Fit:
    """The frame a `width` by `height` pixel box shows when it fits the discs (`xy`, n x 2, and `radii`, map
    units) with FIT_MARGIN pixels round them, no closer than life size.

    Examples
    --------
    >>> fit_of(np.array([[0.0, 0.0], [1000.0, 0.0]]), np.array([10.0, 10.0]), 542, 300).scale
    0.5
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    radii = np.asarray(radii, dtype=float)
    low, high = _extent(xy, radii)
    span = np.maximum(high - low, 1e-9)
    room = np.maximum(np.array([width, height], dtype=float) - 2 * FIT_MARGIN, 1.0)
    scale = float(min(MAX_FIT_SCALE, *(room / span)))
    middle = (low + high) / 2
    half = np.array([width, height], dtype=float) / 2 / scale
    return Fit(scale, float(middle[0] - half[0]), float(middle[1] - half[1]), float(middle[0] + half[0]),
               float(middle[1] + half[1]))


def turn_helps(xy: np.ndarray, radii: np.ndarray, width: float, height: float) -> bool:
    """Whether a `width` by `height` box is taller than wide (a phone held upright: a wider box always shows the
    map as laid out) and a quarter turn lets it draw the map larger (by more than a twentieth: a nearly square map
    is left as it is)."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if not len(xy) or height <= width:
        return False
    radii = np.asarray(radii, dtype=float)
    return fit_of(xy[:, ::-1], radii, width, height).scale > 1.05 * fit_of(xy, radii, width, height).scale


def quarter_turned(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Map nodes (dicts with x and y) turned a quarter turn clockwise on screen: (x, y) to (-y, x). Nodes
    without a place are kept as they are; the input is not changed."""
    return [{**n, "x": -float(n["y"]), "y": float(n["x"])} if "x" in n and "y" in n else n for n in nodes]


def guaranteed_names(width: float) -> int:
    """How many of the most important nodes a fit on a box `width` pixels wide always names: NAMES_ON_PHONE on a
    phone (narrower than PHONE_WIDTH), NAMES_ON_DESKTOP otherwise (fewer if the map has fewer)."""
    return NAMES_ON_PHONE if width < PHONE_WIDTH else NAMES_ON_DESKTOP
