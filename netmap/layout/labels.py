"""Which names a map shows at each zoom: every node's *label threshold scale*, the smallest zoom at which its name,
drawn at a constant screen size, touches no disc and no name of a more important node.

Discs scale with zoom while names keep their screen size, so in the map's own units a name's box at zoom scale
`s` is its anchor plus offsets times t = 1/s: every edge of every box is linear in t, and two boxes overlap for t
in an interval found in closed form. Nodes are taken most important first; each takes the place round its disc
(below, above, right, left), on one line or two, that frees it at the smallest scale. A page then shows exactly
the names whose threshold is at most its current scale: zooming in only ever adds names, and none ever overlap.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from netmap.layout.screen import Fit, fit_of, guaranteed_names

__all__ = ["FIT_ROOM", "LABEL_FONT", "LABEL_PX", "LINE", "Label", "label_thresholds", "name_order", "name_places",
           "screen_places", "text_width", "wrapped"]

LABEL_PX = 12  # names are drawn this many CSS pixels high at every zoom
LABEL_FONT = '"DejaVu Sans", Verdana, sans-serif'  # the canvas font; widths are DejaVu Sans's (wider than most)
LINE = 1.25  # a name's box height, in font sizes
PAD = 2.0  # clear space round every name's box, in screen pixels
DISC_PAD = 1.0  # clear space round every disc, in screen pixels
FIT_ROOM = (350.0, 300.0)  # map units a fit shows round the middle at least: pages never fit closer than life size
EXACT_FIRST = 150  # names placed exactly (the rest: see label_thresholds)
FIRST_FEW = 30  # names that may also go off a disc's corners and on three lines
CALLOUT_SLACK = 0.98  # a name set apart is placed for a fit this much smaller than the page's: shown at fit
# whatever the page's last bit of rounding
CALLOUT_STEP = 6.0  # screen pixels between the places tried for a name set apart
CALLOUT_BATCH = 64  # places checked exactly at once, nearest first
CALLOUT_TRIES = 4096  # places checked exactly at most, for each way of setting a name ...
CLEAR_LEADER_TRIES = 512  # ... and while looking for a leader that crosses no disc (on a dense map: none near)
RASTER = 2.0  # screen pixels a side of the cells that find free places fast (then checked exactly)
MAX_CELLS = 1_000_000  # cells of that raster at most: a larger frame gets coarser cells, never more memory or time
GAP = 2.0  # between a disc and its name, in screen pixels: more than DISC_PAD, so a disc drawn on top of another
# leaves the upper one's name clear


_FONT_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _font() -> object:
    """DejaVu Sans as matplotlib ships it (the same file on every machine), at 1 pixel per unit."""
    import matplotlib
    from matplotlib import ft2font

    font = ft2font.FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
    font.set_size(100, 72)  # 100 px: advances read to a hundredth of a pixel
    return font


@lru_cache(maxsize=4096)
def _advance(char: str) -> float:
    """One character's advance width in font sizes (a character the font lacks: as wide as "W")."""
    with _FONT_LOCK:  # FreeType's face is not thread-safe: two requests measuring at once corrupted the heap
        font = _font()
        glyph = font.get_char_index(ord(char))  # type: ignore[attr-defined]
        return float(font.load_char(ord(char if glyph else "W")).linearHoriAdvance) / 65536 / 100  # type: ignore[attr-defined]


def text_width(text: str, px: float = LABEL_PX) -> float:
    """The width in pixels of `text` drawn in DejaVu Sans `px` high (kerning ignored: it only ever narrows)."""
    return px * sum(_advance(c) for c in text)


def wrapped(text: str, px: float = LABEL_PX, most: int = 2) -> list[list[str]]:
    """The ways a name may be set: on one line, and (with the words for it) on two, and up to `most`, lines, each
    broken where the widest line is narrowest."""
    words = text.split()
    ways = [[text]]
    for count in range(2, min(most, len(words)) + 1):
        splits = [[" ".join(words[a:b]) for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)]
                  for cuts in itertools.combinations(range(1, len(words)), count - 1)]
        ways.append(min(splits, key=lambda lines: max(text_width(line, px) for line in lines)))
    return ways


@dataclass(frozen=True)
class Label:
    """Where a node's name goes: shown from zoom scale `at` on (None: never, hover only), set in `lines`, its
    box's top left at (x + dx / scale, y + dy / scale) in map units, `width` by `height` screen pixels."""

    at: float | None
    x: float
    y: float
    dx: float
    dy: float
    width: float
    height: float
    lines: tuple[str, ...]
    leader: tuple[float, float, float] | None = None  # a name set apart: the disc (x, y, radius) it leads to

    def as_dict(self) -> dict[str, Any]:
        """The page's form: the threshold and the box, rounded (to a hundredth of a map unit: well under a
        pixel at any zoom a page allows); the lines only when the name is broken."""
        at = None if self.at is None else math.ceil(self.at * 1e5) / 1e5  # rounded up: never shown too soon
        found: dict[str, Any] = {"at": at, "x": round(self.x, 2), "y": round(self.y, 2), "dx": round(self.dx, 2),
                                 "dy": round(self.dy, 2), "w": round(self.width, 2), "h": round(self.height, 2)}
        if len(self.lines) > 1:
            found["lines"] = list(self.lines)
        if self.leader is not None:
            found["leader"] = [round(v, 2) for v in self.leader]
        return found


def _candidates(x: float, y: float, r: float, w: float, h: float, corners: bool = False) -> np.ndarray:
    """Rows (anchor x, anchor y, dx, dy, w, h) of a `w` by `h` pixel box below, above, right and left of a
    disc (dx, dy in pixels), and with `corners` off its four corners too."""
    rows = [(x, y + r, -w / 2, GAP, w, h), (x, y - r, -w / 2, -GAP - h, w, h), (x + r, y, GAP, -h / 2, w, h),
            (x - r, y, -GAP - w, -h / 2, w, h)]
    if corners:
        rows += [(x + r, y + r, GAP, GAP, w, h), (x - r, y + r, -GAP - w, GAP, w, h),
                 (x + r, y - r, GAP, -GAP - h, w, h), (x - r, y - r, -GAP - w, -GAP - h, w, h)]
    return np.array(rows)


def _clash_scales(conditions: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """The smallest scale from which two boxes never overlap, where they overlap for exactly the t = 1/scale > 0
    meeting every condition k t < m (an edge of one box beyond an edge of the other; every edge is linear in t):
    1 / (the lowest such t), infinite when that is 0 (they overlap however far one zooms in), 0 when none.

    Each condition's parts broadcast together (a candidate's k against every other box's m): the bounds are
    updated in place where a k's sign asks, never broadcasting a k to the whole table first (the first
    placement of a 1,500-person map makes 3,000 of these tables)."""
    shape = np.broadcast_shapes(*(np.shape(part) for condition in conditions for part in condition))
    lo = np.zeros(shape)
    hi = np.full(shape, np.inf)
    dead = np.zeros(shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, m in conditions:
            ratio = m / k  # where k is 0 the bound is not touched: the inf or nan there is never read
            np.minimum(hi, ratio, out=hi, where=k > 0)  # k t < m with k > 0: t < m / k
            np.maximum(lo, ratio, out=lo, where=k < 0)  # with k < 0: t > m / k
            zero = k == 0
            if zero.any():
                dead |= zero & (m <= 0)  # 0 < m fails for every t
    clash = (lo < hi) & ~dead
    with np.errstate(divide="ignore"):
        return np.where(clash, np.where(lo > 0, 1.0 / np.where(lo > 0, lo, 1.0), np.inf), 0.0)


Linear = np.ndarray | float  # an edge's place, or how it moves with t


def _overlap_conditions(a0: Linear, a: Linear, b: Linear, q0: Linear, c: Linear, q1: Linear,
                        d: Linear) -> list[tuple[np.ndarray, np.ndarray]]:
    """On one axis, intervals [a0 + a t, a0 + b t] and [q0 + c t, q1 + d t] overlap iff (a - d) t < q1 - a0 and
    (c - b) t < a0 - q0."""
    return [(np.asarray(a - d), np.asarray(q1 - a0)), (np.asarray(c - b), np.asarray(a0 - q0))]


def _within(cands: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Per candidate, the scale from which its box lies inside `bounds` (x0, y0, x1, y1): what a fit shows."""
    need = np.zeros(len(cands))
    for axis, low_edge, high_edge in ((0, bounds[0], bounds[2]), (1, bounds[1], bounds[3])):
        anchor, low = cands[:, axis], cands[:, 2 + axis]
        high = low + cands[:, 4 + axis]
        for room, reach in ((anchor - low_edge, -low), (high_edge - anchor, high)):  # reach / scale <= room
            with np.errstate(divide="ignore", invalid="ignore"):
                need = np.maximum(need, np.where(reach > 0, np.where(room > 0, reach / room, np.inf), 0.0))
    return need


def _threshold_of(cands: np.ndarray, own: int, xy: np.ndarray, radii: np.ndarray, placed: np.ndarray,
                  near_disc: np.ndarray, near_box: np.ndarray) -> np.ndarray:
    """Per candidate, the scale from which its box clears the discs `near_disc` selects (but its own) and the
    names `placed` (anchor x, anchor y, dx, dy, w, h, threshold) that `near_box` selects, from their thresholds."""
    at = np.zeros(len(cands))
    ax, ay, dx, dy, w, h = (cands[:, k][:, None] for k in range(6))
    discs = np.flatnonzero(near_disc)
    discs = discs[discs != own]
    if len(discs):
        x, y, r = xy[discs, 0][None, :], xy[discs, 1][None, :], radii[discs][None, :]
        found = _clash_scales(_overlap_conditions(ax, dx, dx + w, x - r, -DISC_PAD, x + r, DISC_PAD)
                              + _overlap_conditions(ay, dy, dy + h, y - r, -DISC_PAD, y + r, DISC_PAD))
        at = np.maximum(at, found.max(axis=1))
    boxes = placed[near_box]
    if len(boxes):
        bx, by, bdx, bdy, bw, bh, bat = (boxes[:, k][None, :] for k in range(7))
        found = _clash_scales(_overlap_conditions(ax, dx - PAD, dx + w + PAD, bx, bdx - PAD, bx, bdx + bw + PAD)
                              + _overlap_conditions(ay, dy - PAD, dy + h + PAD, by, bdy - PAD, by, bdy + bh + PAD))
        # a clash only below the other name's own threshold never shows: that name is hidden there
        at = np.maximum(at, np.where(found > bat, found, 0.0).max(axis=1))
    return at


def _segments_miss(starts: np.ndarray, ends: np.ndarray, centres: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Per segment from each of `starts` to the matching one of `ends`, whether it keeps further than `reach`
    from every one of `centres` (exact: the distance to the segment's nearest point)."""
    if not len(centres):
        return np.ones(len(ends), dtype=bool)
    start = starts[:, None, :]  # (c, 1, 2)
    d = ends - starts  # (c, 2)
    to = centres[None, :, :] - start  # (c, n, 2)
    length = np.maximum((d * d).sum(axis=1), 1e-18)[:, None]
    t = np.clip((to * d[:, None, :]).sum(axis=2) / length, 0.0, 1.0)  # (c, n)
    nearest = start + t[:, :, None] * d[:, None, :]
    return np.asarray((np.hypot(*(nearest - centres[None, :, :]).transpose(2, 0, 1)) > reach[None, :]).all(axis=1))


def _segments_miss_boxes(starts: np.ndarray, ends: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Per segment from each of `starts` to the matching one of `ends`, whether it misses every box (x0, y0, x1,
    y1) (slab test)."""
    if not len(boxes):
        return np.ones(len(ends), dtype=bool)
    start = starts[:, None, :]  # (c, 1, 2)
    d = (ends - starts)[:, None, :]  # (c, 1, 2)
    low, high = boxes[None, :, :2] - start, boxes[None, :, 2:] - start  # (c, m, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(d != 0, d, 1.0)
        t1, t2 = low / safe, high / safe
        enter = np.where(d != 0, np.minimum(t1, t2), np.where((low <= 0) & (high >= 0), -np.inf, np.inf))
        leave = np.where(d != 0, np.maximum(t1, t2), np.where((low <= 0) & (high >= 0), np.inf, -np.inf))
    first, last = enter.max(axis=2), leave.min(axis=2)  # (c, m)
    return ~((first <= last) & (last >= 0) & (first <= 1)).any(axis=1)


def _callout(i: int, sizes: Sequence[tuple[float, float]], xy: np.ndarray, radii: np.ndarray, placed: np.ndarray,
             fit: Fit) -> tuple[np.ndarray, int, float] | None:
    """Node `i`'s name set apart (_set_apart), its leader missing every other disc and name if it can, else (a
    disc hemmed in by others) crossing discs but no name, else (names shown at fit all round) passing under
    names too (a name's white outline hides it there)."""
    table = _free_space(xy, radii, placed, fit, fit.scale * CALLOUT_SLACK)
    for miss_discs, miss_names in ((True, True), (False, True), (False, False)):
        found = _set_apart(i, sizes, xy, radii, placed, fit, table, miss_discs, miss_names)
        if found is not None:
            return found
    return None


def _cell(fit: Fit, scale: float) -> float:
    """The side of the raster's cells in map units: RASTER screen pixels at `scale`, or coarser where the frame
    would hold more than MAX_CELLS of them (a coarser cell is only more cautious: see _free_space)."""
    unit = RASTER / scale
    cells = ((fit.x1 - fit.x0) / unit + 1) * ((fit.y1 - fit.y0) / unit + 1)
    return unit * max(1.0, math.sqrt(cells / MAX_CELLS))


def _free_space(xy: np.ndarray, radii: np.ndarray, placed: np.ndarray, fit: Fit, scale: float) -> np.ndarray:
    """A summed-area table of the fit's frame cut into cells (_cell: RASTER pixels a side at `scale`), counting the
    cells a disc (its square, DISC_PAD wider) or a placed name covers: a name from the scale it shows on, so the hull of
    its anchor and its box at `scale` (a box only shrinks towards its anchor on zooming in), 2 PAD wider. A cell
    counted may still be free (cells are whole): it only spares exact checks of places sure to fail."""
    unit = _cell(fit, scale)
    size = np.array([math.ceil((fit.x1 - fit.x0) / unit) + 1, math.ceil((fit.y1 - fit.y0) / unit) + 1])
    pad = (radii + DISC_PAD / scale)[:, None]
    lows, highs = [xy - pad], [xy + pad]
    names = placed[np.isfinite(placed[:, 6])]
    if len(names):
        box_lo = names[:, :2] + names[:, 2:4] / scale
        box_hi = box_lo + names[:, 4:6] / scale
        lows.append(np.minimum(names[:, :2], box_lo) - 2 * PAD / scale)
        highs.append(np.maximum(names[:, :2], box_hi) + 2 * PAD / scale)
    origin = np.array([fit.x0, fit.y0])
    low, high = np.floor((np.vstack(lows) - origin) / unit), np.floor((np.vstack(highs) - origin) / unit)
    inside = np.all((high >= 0) & (low < size), axis=1)
    low, high = (np.clip(v[inside], 0, size - 1).astype(int) for v in (low, high))
    edges = np.zeros((size[1] + 1, size[0] + 1))
    for dy, dx, sign in ((0, 0, 1), (0, 1, -1), (1, 0, -1), (1, 1, 1)):
        np.add.at(edges, (np.where(dy, high[:, 1] + 1, low[:, 1]), np.where(dx, high[:, 0] + 1, low[:, 0])), sign)
    covered = (edges.cumsum(axis=0).cumsum(axis=1)[:size[1], :size[0]] > 0).astype(np.int64)
    table = np.zeros((size[1] + 1, size[0] + 1), dtype=np.int64)
    table[1:, 1:] = covered.cumsum(axis=0).cumsum(axis=1)
    return table


def _is_free(table: np.ndarray, fit: Fit, scale: float, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """Per box (its low and high corners in map units, inside the frame), whether no cell it touches in `table`
    (_free_space) is covered."""
    unit = _cell(fit, scale)
    limit = np.array(table.shape[::-1]) - 2
    origin = np.array([fit.x0, fit.y0])
    i0 = np.clip(np.floor((lows - origin) / unit).astype(int), 0, limit)
    i1 = np.clip(np.floor((highs - origin) / unit).astype(int), 0, limit)
    count = (table[i1[:, 1] + 1, i1[:, 0] + 1] - table[i0[:, 1], i1[:, 0] + 1] - table[i1[:, 1] + 1, i0[:, 0]]
             + table[i0[:, 1], i0[:, 0]])
    return np.asarray(count == 0)


def _touching(xy: np.ndarray, reach: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Which squares (middles `xy`, half sides `reach`) touch the box from `low` to `high`."""
    return np.asarray(np.all((xy + reach[:, None] >= low) & (xy - reach[:, None] <= high), axis=1))


def _set_apart(i: int, sizes: Sequence[tuple[float, float]], xy: np.ndarray, radii: np.ndarray, placed: np.ndarray,
               fit: Fit, table: np.ndarray, miss_discs: bool, miss_names: bool) -> tuple[np.ndarray, int, float] | None:
    """Node `i`'s name set apart: (its box's row, which way of setting it, the scale it shows from), the box in
    the free place nearest its disc inside the fit's frame, or None if the frame has none. The box, centred on
    its anchor, only shrinks round it on zooming in, so clear of every disc and of the names `placed` at the
    fit (CALLOUT_SLACK smaller, as the page may round) it stays clear at every zoom beyond; its leader, from the
    disc's rim to the box's nearest point at fit, misses, with `miss_names`, every name shown at fit and,
    with `miss_discs`, every other disc. Places are tried nearest first, those `table` shows free only (the
    first CALLOUT_TRIES of them, CLEAR_LEADER_TRIES with `miss_discs`), each checked exactly."""
    scale = fit.scale * CALLOUT_SLACK
    start = xy[i]
    others = np.flatnonzero(np.arange(len(xy)) != i)
    shown = placed[placed[:, 6] <= fit.scale]
    clear = DISC_PAD / 2  # pixels round a name a leader keeps off: less than a name keeps off a disc's rim
    boxes = np.column_stack([shown[:, :2] + (shown[:, 2:4] - clear) / fit.scale,
                             shown[:, :2] + (shown[:, 2:4] + shown[:, 4:6] + clear) / fit.scale])
    disc_reach = radii + DISC_PAD / scale
    found: tuple[float, int, np.ndarray] | None = None
    for way, (w, h) in enumerate(sizes):
        half = np.array([w, h]) / 2 / scale
        step = CALLOUT_STEP / scale
        xs = np.arange(fit.x0 + half[0] + PAD / scale, fit.x1 - half[0] - PAD / scale, step)
        ys = np.arange(fit.y0 + half[1] + PAD / scale, fit.y1 - half[1] - PAD / scale, step)
        if not len(xs) or not len(ys):
            continue
        centres = np.column_stack([np.repeat(xs, len(ys)), np.tile(ys, len(xs))])
        centres = centres[_is_free(table, fit, scale, centres - half, centres + half)]
        # the leader's far end: the point of the box at fit nearest the disc's middle
        reach = np.array([w, h]) / 2 / fit.scale
        ends = np.clip(start, centres - reach, centres + reach)
        length = np.hypot(*(ends - start).T)
        # the leader's near end: on the disc's rim (a name shown at fit may come within DISC_PAD of the disc)
        rims = start + (ends - start) * np.minimum(1.0, radii[i] / np.maximum(length, 1e-12))[:, None]
        tried = np.argsort(length, kind="stable")[:CLEAR_LEADER_TRIES if miss_discs else CALLOUT_TRIES]
        if found is not None:
            tried = tried[length[tried] < found[0]]
        for batch in np.array_split(tried, max(1, math.ceil(len(tried) / CALLOUT_BATCH))):
            if not len(batch):
                continue
            rows = np.column_stack([centres[batch], np.full(len(batch), -w / 2), np.full(len(batch), -h / 2),
                                    np.full(len(batch), w), np.full(len(batch), h)])
            # only discs touching one of these boxes at `scale` can touch it at a larger scale
            near = _touching(xy, disc_reach, centres[batch].min(axis=0) - half, centres[batch].max(axis=0) + half)
            at = _threshold_of(rows, -1, xy, radii, placed, near, np.ones(len(placed), dtype=bool))
            ok = at <= scale
            if ok.any() and miss_discs:
                lo = np.minimum(rims[batch][ok], ends[batch][ok]).min(axis=0)
                hi = np.maximum(rims[batch][ok], ends[batch][ok]).max(axis=0)
                close = others[_touching(xy[others], disc_reach[others], lo, hi)]
                ok[ok] = _segments_miss(rims[batch][ok], ends[batch][ok], xy[close],
                                        radii[close] + DISC_PAD / fit.scale)
            if ok.any() and miss_names:
                ok[ok] = _segments_miss_boxes(rims[batch][ok], ends[batch][ok], boxes)
            if ok.any():
                k = int(np.argmax(ok))
                found = (float(length[batch[k]]), way, rows[k])
                break
    if found is None:
        return None
    return found[2], found[1], scale


def label_thresholds(xy: np.ndarray, radii: np.ndarray, names: Sequence[str], order: Sequence[int],
                     px: float = LABEL_PX, room: tuple[float, float] = FIT_ROOM, fit: Fit | None = None,
                     guaranteed: Collection[int] = ()) -> list[Label]:
    """Each node's Label: from which zoom scale its name (drawn `px` high) shows, where, on how many lines.
    `xy` (n x 2) and `radii` are the discs in map units; `order` lists every node once, most important first.
    A name clears every disc, the names of more important nodes from the scale they show on, and what a fit
    shows: the discs' extent, widened to `room` round its middle. The most important node takes its best place
    round its disc.

    With `fit` (what a page shows at fit: netmap.layout.screen), names stay inside its frame, and each node in
    `guaranteed` whose name would not show at fit beside its disc is set apart instead (a callout): in the free
    space nearest its disc, clear of every disc and every name placed before it at every zoom from the fit on,
    joined to its disc by a leader (Label.leader) that crosses no other disc or name shown at fit. Put the
    guaranteed nodes first in `order`: a name placed later keeps clear of theirs.

    Notes: each node is checked against the discs and names near it, the neighbourhood widened until it holds
    every disc and name that could clash at the threshold found (so the result is exact) for the first
    EXACT_FIRST nodes; later ones widen it no further than an eighth of the map (their threshold at least the scale
    that makes a name that wide: never too low, so never an overlap). A name that clashes at every zoom (its
    own disc drawn under another's) has no threshold (None)."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    radii = np.asarray(radii, dtype=float)
    n = len(xy)
    if sorted(order) != list(range(n)):
        raise ValueError(f"label_thresholds: `order` must list each of the {n} nodes once")
    if n == 0:
        return []
    low, high = (xy - radii[:, None]).min(axis=0), (xy + radii[:, None]).max(axis=0)
    middle, half = (low + high) / 2, np.maximum((high - low) / 2, np.asarray(room) / 2)
    bounds = (float(middle[0] - half[0]), float(middle[1] - half[1]), float(middle[0] + half[0]),
              float(middle[1] + half[1])) if fit is None else (fit.x0, fit.y0, fit.x1, fit.y1)
    apart = set(guaranteed) if fit is not None else set()
    height = LINE * px
    rank = {node: k for k, node in enumerate(order)}
    # the names that come first (those a map's key speaks of) may also go off a disc's corners and on three lines
    ways = [wrapped(name, px, 3 if rank[k] < FIRST_FEW else 2) if name else [[""]] for k, name in enumerate(names)]
    sizes = [[(max(text_width(line, px) for line in lines), height * len(lines)) for lines in way] for way in ways]
    # no box reaches further than this from its anchor
    reach = max((w + h for size in sizes for w, h in size), default=0.0) + GAP + PAD
    r_max = float(radii.max())
    # the first `exact` names are placed exactly; the rest only from `coarse` on, a scale at which a name spans
    # an eighth of the map: checking each against the whole map would cost seconds on a map of thousands
    exact = EXACT_FIRST
    coarse = 2 * reach / max(float((high - low).max()) / 8, 1.0)
    placed = np.zeros((n, 7))  # anchor x, anchor y, dx, dy, w, h, threshold of the names placed so far
    labels: dict[int, Label] = {}
    for count, i in enumerate(order):
        cands = np.vstack([_candidates(float(xy[i, 0]), float(xy[i, 1]), float(radii[i]), w, h, count < FIRST_FEW)
                           for w, h in sizes[i]])
        bound = _within(cands, bounds)
        floor = 0.0 if count < exact else coarse
        scale = max(float(bound.min()), 1.0, floor)
        while True:  # boxes and discs further than `far` cannot clash at scales of `scale` or more
            far = r_max + 2 * reach / scale
            near_disc = np.all(np.abs(xy - xy[i]) <= far, axis=1)
            near_box = np.zeros(n, dtype=bool)
            near_box[:count] = np.all(np.abs(placed[:count, :2] - xy[i]) <= far + r_max, axis=1)
            at = np.maximum(bound, _threshold_of(cands, i, xy, radii, placed, near_disc, near_box))
            best = int(np.argmin(at))
            if at[best] >= scale or (near_disc.all() and near_box[:count].all()):
                break  # exact: what lies further clashes only below at[best], and more clashes only raise it
            if scale <= floor:  # what lies further clashes only below the floor: shown from there on, safely
                at = np.maximum(at, floor)
                best = int(np.argmin(at))
                break
            scale = max(float(at[best]), floor, 1e-9)  # widen the neighbourhood to what could clash there
        if i in apart and fit is not None and at[best] > fit.scale:
            callout = _callout(i, sizes[i], xy, radii, placed[:count], fit)
            if callout is not None:
                row, way, shown_from = callout
                ax, ay, dx, dy, w, h = (float(v) for v in row)
                labels[i] = Label(shown_from, ax, ay, dx, dy, w, h, tuple(ways[i][way]),
                                  (float(xy[i, 0]), float(xy[i, 1]), float(radii[i])))
                placed[count] = (ax, ay, dx, dy, w, h, shown_from)
                continue
        ax, ay, dx, dy, w, h = (float(v) for v in cands[best])
        labels[i] = Label(None if math.isinf(at[best]) else float(at[best]), ax, ay, dx, dy, w, h,
                          tuple(ways[i][best // (len(cands) // len(ways[i]))]))
        placed[count] = (ax, ay, dx, dy, w, h, at[best])
    return [labels[k] for k in range(n)]


def _rounded_discs(drawn: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """The nodes' places and radii, rounded to a hundredth: layouts sum in an order that varies with Python's
    string hashing, and the last bits of a place must not change which side a name takes."""
    xy = np.array([(round(float(n["x"]), 2), round(float(n["y"]), 2)) for n in drawn]).reshape(-1, 2)
    return xy, np.array([round(float(n.get("size", 0.0)), 2) for n in drawn])


def name_order(nodes: Sequence[Mapping[str, Any]], values: Mapping[str, float],
               first: Collection[str] = ()) -> dict[str, dict[str, int]]:
    """Each named map node's `order` (0 first: `first` first, then by `values`, highest first, a node without one
    last, then by id) and, for a node with a value, its `rank` by value (0 the highest), by id: all that
    screen_places needs of name_places, without placing a name (a page that sends its box gets its names placed
    once, for that box). Nodes as name_places takes them; a node without a place or a label gets none."""
    drawn = [n for n in nodes if "x" in n and "y" in n and n.get("label")]
    return {str(drawn[k]["id"]): ranks for k, ranks in enumerate(_ordered(drawn, values, first))}


def _ordered(drawn: Sequence[Mapping[str, Any]], values: Mapping[str, float],
             first: Collection[str]) -> list[dict[str, int]]:
    """Per node of `drawn` (each placed and labelled), its `order` and, with a value, its `rank` (name_order)."""
    rank = {key: k for k, key in enumerate(first)}
    order = sorted(range(len(drawn)), key=lambda k: (rank.get(str(drawn[k]["id"]), len(rank)),
                                                     -values.get(str(drawn[k]["id"]), -math.inf),
                                                     str(drawn[k]["id"])))
    by_value = sorted((k for k in range(len(drawn)) if str(drawn[k]["id"]) in values),
                      key=lambda k: (-values[str(drawn[k]["id"])], str(drawn[k]["id"])))
    found: list[dict[str, int]] = [{"order": 0} for _ in drawn]
    for position, k in enumerate(order):
        found[k]["order"] = position
    for position, k in enumerate(by_value):
        found[k]["rank"] = position
    return found


def name_places(nodes: Sequence[Mapping[str, Any]], values: Mapping[str, float],
                first: Collection[str] = ()) -> dict[str, dict[str, Any]]:
    """Each map node's name place (Label.as_dict), by id: nodes as a map holds them (id, x, y, size, label),
    ordered `first` first, then by `values` (highest first; a node without one last), then by id. A node
    without a place or a label gets none; a name with no disc (size absent) is a point. Each place also says
    its node's `order` (0 first) and, for a node with a value, its `rank` by value (0 the highest): what
    screen_places needs to place the names again for a page's screen (name_order gives those alone)."""
    drawn = [n for n in nodes if "x" in n and "y" in n and n.get("label")]
    ranks = _ordered(drawn, values, first)
    order = sorted(range(len(drawn)), key=lambda k: ranks[k]["order"])
    xy, radii = _rounded_discs(drawn)
    found = label_thresholds(xy, radii, [str(n["label"]) for n in drawn], order)
    return {str(n["id"]): {**label.as_dict(), **ranked}
            for n, label, ranked in zip(drawn, found, ranks, strict=True)}


def screen_places(nodes: Sequence[Mapping[str, Any]], width: float,
                  height: float) -> tuple[dict[str, dict[str, Any]], Fit]:
    """The names of a map whose nodes carry name places (name_places: their `order` and `rank`) placed again for
    a page `width` by `height` CSS pixels, and what that page shows at fit (netmap.layout.screen.fit_of): names
    inside the fit's frame, and the nodes of the guaranteed_names(width) best ranks named at fit, beside their
    discs or set apart (label_thresholds). Order and rank are kept."""
    drawn = [n for n in nodes if "x" in n and "y" in n and n.get("label") and isinstance(n.get("name_at"), dict)]
    every = [n for n in nodes if "x" in n and "y" in n]
    fit = fit_of(*_rounded_discs(every), width, height) if every else Fit(1.0, 0.0, 0.0, width, height)
    if not drawn:
        return {}, fit
    order = sorted(range(len(drawn)), key=lambda k: drawn[k]["name_at"].get("order", 0))
    ranked = sorted((k for k in range(len(drawn)) if "rank" in drawn[k]["name_at"]),
                    key=lambda k: drawn[k]["name_at"]["rank"])
    xy, radii = _rounded_discs(drawn)
    found = label_thresholds(xy, radii, [str(n["label"]) for n in drawn], order, fit=fit,
                             guaranteed=ranked[:guaranteed_names(width)])
    places = {}
    for n, label in zip(drawn, found, strict=True):
        kept = {key: n["name_at"][key] for key in ("order", "rank") if key in n["name_at"]}
        places[str(n["id"])] = {**label.as_dict(), **kept}
    return places, fit
