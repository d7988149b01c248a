"""Maps where no two school discs and no two labels overlap: each school's footprint (its disc and the label
under it) is a box, and boxes that overlap are pushed apart along the axis where they overlap least, a little at a
time, until none do (the idea of Dwyer, Marriott and Stuckey's "fast node overlap removal", in its simplest
form). The layout's shape is kept: only overlapping neighbours move, and each only as far as needed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FONT_SIZE", "footprint", "overlapping_pairs", "separate"]

FONT_SIZE = 22   # the school map's label size, in the map's own units (webapp/graphview.py draws it so)
CHAR_WIDTH = 0.7  # widest average character width of the sans-serif fonts browsers use, in font sizes (upper bound)
LABEL_GAP = 4     # vis-network draws a label this far below its disc, roughly
SPREADS = 3       # spreads of the free boxes before any still overlapping is moved to the nearest clear place


def footprint(radius: float, label: str) -> tuple[float, float, float]:
    """(half width, half height, downward offset of the box centre) of a disc of `radius` with `label` under it."""
    label_width = CHAR_WIDTH * FONT_SIZE * len(label) + 4
    label_height = 1.3 * FONT_SIZE + LABEL_GAP
    half_width = max(radius, label_width / 2)
    half_height = radius + label_height / 2
    return half_width, half_height, label_height / 2


def overlapping_pairs(centres: np.ndarray, halves: np.ndarray, gap: float = 0.0) -> list[tuple[int, int]]:
    """Every pair (i < j) of boxes (centres n x 2, half sizes n x 2) closer than `gap` on both axes."""
    delta = np.abs(centres[:, None, :] - centres[None, :, :])
    reach = halves[:, None, :] + halves[None, :, :] + gap
    hit = np.all(delta < reach, axis=2)
    i, j = np.nonzero(np.triu(hit, k=1))
    return list(zip(i.tolist(), j.tolist(), strict=True))


def separate(centres: np.ndarray, halves: np.ndarray, gap: float = 6.0, rounds: int = 60,
             compact: bool = False, rescale: bool = True, pinned: np.ndarray | None = None) -> np.ndarray:
    """Centres moved so that no two boxes come within `gap`; deterministic; with `compact`, a sparse layout is
    first drawn together; without `rescale`, only overlapping boxes move (places kept from an earlier map), and
    boxes `pinned` (a boolean per box) stay put while those overlapping them move the whole way (a pinned box
    that overlaps another pinned one is not pinned: it must move). If pushing does not settle within `rounds`,
    the boxes that may move are spread from the middle by 10 % and pushed again, up to SPREADS times; a box
    still overlapping then moves to the nearest clear place (_nearest_clear)."""
    centres = centres.astype(float).copy()
    n = len(centres)
    if n < 2:
        return centres
    order = np.arange(n)
    fixed = np.zeros(n, dtype=bool) if pinned is None else np.asarray(pinned, dtype=bool).copy()
    for i, j in overlapping_pairs(centres, halves, gap):
        if fixed[i] and fixed[j]:
            fixed[i] = fixed[j] = False
    # each side of an overlap moves half of it; a box beside a pinned one all of it; a pinned one none
    share = np.where(fixed[:, None], 0.0, np.where(fixed[None, :], 1.0, 0.5))
    # First scale the whole layout until neighbours are, typically, half a footprint apart: pushing then does the
    # rest locally and the picture keeps its shape. Shrinking a sparse layout too keeps the map as compact as its
    # labels allow, so that they are legible when the whole map fits the screen.
    distance = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(distance, np.inf)
    nearest = np.median(distance.min(axis=1))
    # a third of a footprint when drawing together (a footprint is mostly label width: neighbours above and below
    # may stand closer), else half of one
    needed = (0.3 if compact else 0.5) * (np.median(2 * halves.max(axis=1)) + gap)
    if rescale and 0 < nearest and (nearest < needed or compact):  # not for kept places: only push locally
        middle = centres.mean(axis=0)
        centres = middle + (needed / nearest) * (centres - middle)
    for _spread in range(SPREADS):
        for _ in range(rounds):
            delta = centres[:, None, :] - centres[None, :, :]
            reach = halves[:, None, :] + halves[None, :, :] + gap
            overlap = reach - np.abs(delta)
            hit = np.all(overlap > 0, axis=2) & ~np.eye(n, dtype=bool)
            if not hit.any():
                return centres
            axis = np.argmin(overlap, axis=2)  # push along the axis that needs the smaller move
            # which way: apart along the difference; coincident centres split by index
            sign = np.sign(np.take_along_axis(delta, axis[:, :, None], axis=2)[:, :, 0])
            sign = np.where(sign == 0, np.sign(order[:, None] - order[None, :]), sign)
            push = np.where(hit, share * np.take_along_axis(overlap, axis[:, :, None], axis=2)[:, :, 0] * sign, 0.0)
            move = np.zeros_like(centres)
            for k in (0, 1):
                move[:, k] = np.where(axis == k, push, 0.0).sum(axis=1)
            counts = np.maximum(hit.sum(axis=1), 1)[:, None]
            centres += move / np.sqrt(counts)  # damped where many push at once, so it settles
        middle = centres.mean(axis=0)
        centres = middle + np.where(fixed[:, None], 1.0, 1.1) * (centres - middle)
    # a free box caught between pinned ones near the middle: spreading barely moves it, so each box still
    # overlapping moves to the nearest clear place on a spiral around it (always found: the plane is open)
    for i in range(n):
        if not fixed[i] and _overlaps(centres, halves, gap, i):
            centres[i] = _nearest_clear(centres, halves, gap, i)
    return centres


def _overlaps(centres: np.ndarray, halves: np.ndarray, gap: float, i: int, at: np.ndarray | None = None) -> bool:
    """Whether box `i` (at `at`, default where it is) comes within `gap` of any other box."""
    place = centres[i] if at is None else at
    hit = np.all(np.abs(centres - place) < halves + halves[i] + gap, axis=1)
    hit[i] = False
    return bool(hit.any())


def _nearest_clear(centres: np.ndarray, halves: np.ndarray, gap: float, i: int) -> np.ndarray:
    """The first place on a spiral out from box `i` (steps of a quarter of its smaller side, turning by the golden
    angle) where it overlaps no other box."""
    step = max(float(halves[i].min()) / 2, 1.0)
    k = 1
    while True:
        place = centres[i] + step * np.sqrt(k) * np.array([np.cos(2.399963 * k), np.sin(2.399963 * k)])
        if not _overlaps(centres, halves, gap, i, place):
            return place
        k += 1
