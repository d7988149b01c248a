"""No two school discs and no two labels overlap on the school map: the overlap removal on hand-built and random
layouts, and on the school maps of trusts of 5, 25, 60 and 150 schools (the browser measures the same on the
sample trust from vis-network's own bounding boxes, tests/test_browser.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netmap.layout.overlap import footprint, overlapping_pairs, separate


def test_two_boxes_on_top_of_each_other_are_pushed_apart_side_by_side() -> None:
    centres = np.array([[0.0, 0.0], [0.0, 0.0]])
    halves = np.array([[10.0, 5.0], [10.0, 5.0]])
    moved = separate(centres, halves, gap=2.0)
    assert overlapping_pairs(moved, halves, gap=2.0) == []
    assert abs(moved[0, 1] - moved[1, 1]) >= 12.0 - 1e-9  # apart along y, where the boxes are thinner


def test_boxes_that_do_not_overlap_do_not_move() -> None:
    centres = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]])
    halves = np.full((3, 2), 10.0)
    assert np.array_equal(separate(centres, halves), centres)


@pytest.mark.parametrize("n", [5, 25, 60, 150])
def test_random_crowded_layouts_end_with_no_overlap(n: int) -> None:
    rng = np.random.default_rng(n)
    centres = rng.normal(size=(n, 2)) * 100
    halves = np.array([footprint(4 * np.sqrt(rng.integers(5, 200)), "Academy " + "x" * int(rng.integers(0, 25)))[:2]
                       for _ in range(n)])
    assert overlapping_pairs(centres, halves)  # crowded to start with
    moved = separate(centres, halves)
    assert overlapping_pairs(moved, halves) == []
    assert np.array_equal(moved, separate(centres, halves))  # the same every time


@pytest.mark.slow
@pytest.mark.parametrize(("schools", "staff"), [(5, 150), (60, 3000), (150, 6000)])
def test_school_maps_of_generated_trusts_have_no_overlap(tmp_path: Path, schools: int, staff: int) -> None:
    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample
    from tests.web_helpers import login, make_app

    generate_sample(tmp_path / "trust", schools=schools, staff=staff, seed=3)
    app = make_app(tmp_path / "web", read_trust(tmp_path / "trust")[0])
    client = app.test_client()
    login(client, "admin")
    nodes = client.get("/map/data").get_json()["nodes"]
    assert len(nodes) >= schools
    centres, halves = [], []
    for node in nodes:
        half_width, half_height, down = footprint(node["size"], node["label"])
        centres.append((node["x"], node["y"] + down))
        halves.append((half_width, half_height))
    assert overlapping_pairs(np.array(centres), np.array(halves)) == []


def test_pinned_boxes_stay_put_and_the_others_move_clear_of_them() -> None:
    centres = np.array([[0.0, 0.0], [5.0, 0.0], [200.0, 0.0]])  # the second overlaps the first
    halves = np.array([[20.0, 10.0]] * 3)
    moved = separate(centres, halves, rescale=False, pinned=np.array([True, False, True]))
    assert (moved[0] == centres[0]).all() and (moved[2] == centres[2]).all()
    assert overlapping_pairs(moved, halves) == []
