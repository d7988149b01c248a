"""Force-directed placement: igraph's Fruchterman-Reingold layout from a fixed start under a fixed seed, so that
the same graph is placed the same way every time, scaled to a given size."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TypeVar

import igraph as ig

from netmap.analysis.igraph_bridge import seeded

__all__ = ["LAYOUT_SEED", "SCALE", "circle", "placed", "scaled"]

Name = TypeVar("Name", bound=Hashable)

LAYOUT_SEED = 7  # igraph's layouts are randomised: seeded, a snapshot's map repeats from one start to the next
SCALE = 1000.0  # the school layout's size, in the map's own units


def circle(n: int) -> list[list[float]]:
    """A fixed starting layout of `n` points on the unit circle (with igraph's generator seeded: LAYOUT_SEED), so
    positions repeat for the same snapshot."""
    return [[math.cos(2 * math.pi * i / max(n, 1)), math.sin(2 * math.pi * i / max(n, 1))] for i in range(n)]


def placed(graph: ig.Graph, niter: int, weights: list[float] | str | None = None) -> list[list[float]]:
    """The Fruchterman-Reingold coordinates of `graph`'s vertices after `niter` iterations, from circle() under
    LAYOUT_SEED. `graph` must have at least one vertex (igraph aborts the process on a layout of none)."""
    with seeded(LAYOUT_SEED):
        coords: list[list[float]] = graph.layout_fruchterman_reingold(weights=weights, niter=niter,
                                                                      seed=circle(graph.vcount())).coords
    return coords


def scaled(names: Sequence[Name], coords: Sequence[Sequence[float]], size: float) -> dict[Name, tuple[float, float]]:
    """`coords` (one per name) centred on the origin and scaled so that the wider of their two spans is `size`."""
    if not coords:
        return {}
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((x - cx) / span * size, (y - cy) / span * size) for n, (x, y) in zip(names, coords, strict=True)}
