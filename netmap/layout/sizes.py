"""What maps size nodes by, declared once: staff (collaborators for a person), betweenness, brokerage and
cross-school ties, each read from the analysis a snapshot already holds (a school's betweenness and brokerage are
its staff's, summed), and the disc each value draws. The same measure orders which names a map shows first."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from netmap.analysis.brokerage import ROLES
from netmap.layout.source import MapSource
from netmap.layout.style import person_size, school_radius

__all__ = ["DEFAULT_SIZE", "SIZE_MEASURES", "SizeMeasure", "measure_of", "person_radius", "person_values",
           "scaled_radii", "school_radii", "school_values"]


@dataclass(frozen=True)
class SizeMeasure:
    """A measure nodes are sized by: `key` as a page asks for it, its words for schools and for people (the
    map's key says "size: <words>"; "names of the 12 schools with <most> <words> shown"), the schools table's
    column (None: the sum of its staff's) and the staff table's columns (summed)."""

    key: str
    school_words: str
    person_words: str
    most: str
    school_column: str | None
    person_columns: tuple[str, ...]


SIZE_MEASURES: dict[str, SizeMeasure] = {m.key: m for m in (
    SizeMeasure("staff", "staff", "collaborators", "most", "staff", ("soft_degree",)),
    SizeMeasure("betweenness", "betweenness", "betweenness", "the highest", None, ("betweenness",)),
    SizeMeasure("brokerage", "brokerage", "brokerage", "most", None, tuple(f"broker_{role}" for role in ROLES)),
    SizeMeasure("external", "cross-school ties", "cross-school ties", "most", "external_ties",
                ("cross_school_ties",)),
)}
DEFAULT_SIZE = "staff"


def measure_of(key: str | None) -> SizeMeasure:
    """The measure `key` names; the default (staff) for none or one not declared."""
    return SIZE_MEASURES.get(key or "", SIZE_MEASURES[DEFAULT_SIZE])


def person_values(view: MapSource, measure: SizeMeasure) -> dict[str, float]:
    """Each person's value of `measure` (kept with the view: never recomputed per request)."""
    cache = f"size people {measure.key}"
    if cache not in view.layout_cache:
        staff = view.analysis.staff
        values = staff[list(measure.person_columns)].fillna(0).astype(float).sum(axis=1)
        view.layout_cache[cache] = dict(zip(staff["staff_id"].astype(str), values.tolist(), strict=True))
    found: dict[str, float] = view.layout_cache[cache]
    return found


def school_values(view: MapSource, measure: SizeMeasure) -> dict[str, float]:
    """Each school's value of `measure`: its column in the schools table, or its staff's values summed (kept
    with the view)."""
    cache = f"size schools {measure.key}"
    if cache not in view.layout_cache:
        schools = view.analysis.schools
        if measure.school_column is not None:
            values = dict(zip(schools["school_id"].astype(str), schools[measure.school_column].astype(float),
                              strict=True))
        else:
            staff = view.analysis.staff
            summed = staff[list(measure.person_columns)].fillna(0).astype(float).sum(axis=1)
            totals = summed.groupby(staff["school_id"].astype(str)).sum()
            values = {str(s): float(totals.get(str(s), 0.0)) for s in schools["school_id"]}
        view.layout_cache[cache] = values
    found: dict[str, float] = view.layout_cache[cache]
    return found


def scaled_radii(values: Mapping[str, float], smallest: float, largest: float) -> dict[str, float]:
    """Radii whose areas grow with `values` (at least `smallest`; the largest value `largest`)."""
    top = max([v for v in values.values() if v > 0], default=0.0)
    if top <= 0:
        return {k: smallest for k in values}
    return {k: smallest + (largest - smallest) * math.sqrt(max(v, 0.0) / top) for k, v in values.items()}


def school_radii(view: MapSource, measure: SizeMeasure, schools: list[str],
                 places: Mapping[str, tuple[float, float]]) -> dict[str, float]:
    """Each school's disc on the school map: by staff as always; by another measure, as large as the biggest
    school by staff at most, and never more than half way to its nearest neighbour (so discs never overlap:
    places were made for discs by staff)."""
    staff = school_values(view, SIZE_MEASURES["staff"])
    if measure.key == "staff":
        return {s: school_radius(staff.get(s, 0.0)) for s in schools}
    values = school_values(view, measure)
    largest = max([school_radius(staff.get(s, 0.0)) for s in schools] + [24.0])  # small trusts: still told apart
    radii = scaled_radii({s: values.get(s, 0.0) for s in schools}, 8.0, largest)
    xy = np.array([places[s] for s in schools], dtype=float).reshape(-1, 2)
    if len(xy) > 1:
        distance = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(distance, np.inf)
        room = distance.min(axis=1) / 2
        radii = {s: max(8.0, min(radii[s], float(room[k]))) for k, s in enumerate(schools)}
    return radii


def person_radius(value: float, top: float, measure: SizeMeasure) -> float:
    """A person's node: by collaborators as always (netmap.layout.style.person_size), else by the measure, the
    highest on the map as large as 20."""
    if measure.key == "staff":
        return person_size(value)
    return 8.0 + 12.0 * math.sqrt(max(value, 0.0) / top) if top > 0 else 8.0
