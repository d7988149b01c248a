"""The school map's geographic layout (netmap.layout.geographic) on hand-built trusts: schools stand where they are
(north up, east right, distances in proportion), no two discs and labels overlap at 5 to 150 schools, schools
without a place stand in a row under the map, and the layout is offered only where schools have places."""

from __future__ import annotations

import math
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netmap.layout import footprint, geographic_positions, has_places, overlapping_pairs, school_radius
from tests.trusts import LayoutSnapshot as Snap


def trust(places: dict[str, tuple[str, str]], staff: int = 60) -> Snap:
    """Schools at `places` (latitude, longitude as schools.csv holds them: text, blank when unknown)."""
    ids = list(places)
    schools = pd.DataFrame({"school_id": ids, "name": [f"{s} Academy" for s in ids],
                            "latitude": [places[s][0] for s in ids], "longitude": [places[s][1] for s in ids]})
    analysis = SimpleNamespace(schools=pd.DataFrame({"school_id": ids, "staff": [staff] * len(ids)}))
    return Snap(schools, analysis, SimpleNamespace(school_of={}), nx.Graph(), {s: f"{s} Academy" for s in ids})


# Four cities hundreds of kilometres apart: far enough that no label comes near another.
CITIES = {"LEEDS": ("53.7997", "-1.5492"), "BRISTOL": ("51.4545", "-2.5879"), "NORWICH": ("52.6309", "1.2974"),
          "EXETER": ("50.7184", "-3.5339")}


def _boxes(view: Snap, positions: dict[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    centres, halves = [], []
    for school, (x, y) in positions.items():
        half_width, half_height, down = footprint(school_radius(60), view.school_names[school])
        centres.append((x, y + down))
        halves.append((half_width, half_height))
    return np.array(centres), np.array(halves)


def _km(a: tuple[str, str], b: tuple[str, str]) -> float:
    """Great-circle distance (haversine), kilometres."""
    (lat1, lon1), (lat2, lon2) = ((math.radians(float(x)) for x in p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_north_is_up_east_is_right_and_distances_keep_their_proportions() -> None:
    view = trust(CITIES)
    at = geographic_positions(view)
    assert at["LEEDS"][1] < at["NORWICH"][1] < at["BRISTOL"][1] < at["EXETER"][1]  # y grows southward, as on screen
    assert at["EXETER"][0] < at["BRISTOL"][0] < at["LEEDS"][0] < at["NORWICH"][0]
    drawn = {(a, b): math.dist(at[a], at[b]) for a in CITIES for b in CITIES if a < b}
    scale = drawn[("BRISTOL", "LEEDS")] / _km(CITIES["BRISTOL"], CITIES["LEEDS"])
    for (a, b), length in drawn.items():  # one scale for the whole map: within 1 % of the true distances
        assert length / scale == pytest.approx(_km(CITIES[a], CITIES[b]), rel=0.01), (a, b)


def _town(n: int, seed: int) -> dict[str, tuple[str, str]]:
    """`n` schools scattered over a town about 20 km across, some a few hundred metres apart."""
    rng = np.random.default_rng(seed)
    lat = 53.8 + rng.normal(0, 0.06, n)
    lon = -1.55 + rng.normal(0, 0.1, n)
    return {f"S{k:03d}": (f"{a:.5f}", f"{o:.5f}") for k, (a, o) in enumerate(zip(lat, lon, strict=True))}


@pytest.mark.parametrize("n", [5, 25, 150])
def test_no_two_schools_discs_or_labels_overlap(n: int) -> None:
    view = trust(_town(n, seed=n))
    positions = geographic_positions(view)
    assert sorted(positions) == sorted(view.school_names)
    assert overlapping_pairs(*_boxes(view, positions)) == []


def test_pushing_labels_apart_keeps_the_compass_order_of_schools_far_apart() -> None:
    """A crowded town and two villages far to its east and north: the villages stay east and north of the town."""
    places = _town(40, seed=4) | {"EASTVILLE": ("53.80", "-0.60"), "NORTHBY": ("54.60", "-1.55")}
    at = geographic_positions(trust(places))
    town = [at[s] for s in places if s.startswith("S")]
    assert at["EASTVILLE"][0] > max(x for x, _ in town)
    assert at["NORTHBY"][1] < min(y for _, y in town)


def test_schools_without_a_place_stand_in_a_row_under_the_map_in_order_of_name() -> None:
    places = dict(CITIES) | {"ZED": ("", ""), "ABLE": ("51.0", ""), "MID": ("north", "west")}
    view = trust(places)
    at = geographic_positions(view)
    lowest = max(at[s][1] for s in CITIES)
    assert all(at[s][1] > lowest for s in ("ZED", "ABLE", "MID"))
    assert at["ABLE"][0] < at["MID"][0] < at["ZED"][0]
    assert overlapping_pairs(*_boxes(view, at)) == []


@pytest.mark.parametrize(("places", "offered"), [
    (CITIES, True),
    ({"LEEDS": CITIES["LEEDS"], "ELSEWHERE": ("", "")}, False),  # one school with a place is not a map
    ({"A": ("", ""), "B": ("", "")}, False),
    ({"A": ("95", "1"), "B": ("51", "1")}, False),  # a latitude out of range is no place
])
def test_the_layout_is_offered_only_where_two_schools_have_places(places: dict, offered: bool) -> None:
    assert has_places(trust(places)) is offered


def test_a_trust_without_coordinate_columns_has_no_places() -> None:
    view = trust(CITIES)
    view.schools = view.schools.drop(columns=["latitude", "longitude"])
    assert not has_places(view)


def test_the_same_trust_is_placed_the_same_way_every_time() -> None:
    assert geographic_positions(trust(_town(60, seed=1))) == geographic_positions(trust(_town(60, seed=1)))
