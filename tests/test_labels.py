"""Names on maps (netmap/layout/labels.py): each node's label threshold scale on hand-built layouts, worked out
by hand, and checked at many zooms by an independent overlap test; and nodes sized by a chosen measure
(netmap/layout/sizes.py) as the web sends them, within what a role may see."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from netmap.layout.labels import (
    DISC_PAD,
    GAP,
    LINE,
    MAX_CELLS,
    PAD,
    _free_space,
    label_thresholds,
    name_places,
    screen_places,
    text_width,
    wrapped,
)
from netmap.layout.screen import fit_of, guaranteed_names, quarter_turned, turn_helps
from netmap.layout.sizes import SIZE_MEASURES, measure_of, scaled_radii

OPEN = (1e9, 1e9)  # a fit that shows everything: no name is held back for want of room on screen
H = LINE * 12  # a one-line name's height in pixels


def _boxes(labels: list, scale: float) -> list[tuple[int, float, float, float, float]]:
    """The names shown at `scale`, as (node, left, top, right, bottom) in map units."""
    return [(k, lab.x + lab.dx / scale, lab.y + lab.dy / scale, lab.x + (lab.dx + lab.width) / scale,
             lab.y + (lab.dy + lab.height) / scale)
            for k, lab in enumerate(labels) if lab.at is not None and lab.at <= scale]


def _clashes(labels: list, xy: np.ndarray, radii: np.ndarray, scale: float) -> list[str]:
    """Every overlap at `scale` between two shown names, or a shown name and a disc (as its square, DISC_PAD
    pixels wider), by brute force: what label_thresholds promises never happens."""
    found = []
    boxes = _boxes(labels, scale)
    for a, (i, l1, t1, r1, b1) in enumerate(boxes):
        for j, l2, t2, r2, b2 in boxes[a + 1:]:
            if l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1:
                found.append(f"names {i} and {j} at {scale}")
        for k, ((x, y), disc) in enumerate(zip(xy, radii, strict=True)):
            r = disc + DISC_PAD / scale
            if l1 < x + r and x - r < r1 and t1 < y + r and y - r < b1:
                found.append(f"name {i} and disc {k} at {scale}")
    return found


def test_a_name_is_measured_in_dejavu_sans_letter_by_letter() -> None:
    assert text_width("W") > text_width("i") > 0
    assert text_width("Wi") == pytest.approx(text_width("W") + text_width("i"))
    assert text_width("Wi", px=24) == pytest.approx(2 * text_width("Wi"))
    assert 120 < text_width("Oakfield Primary Academy") < 180  # about 6.6 px a letter at 12 px
    assert wrapped("Oakfield Primary Academy") == [["Oakfield Primary Academy"], ["Oakfield Primary", "Academy"]]
    assert wrapped("Oakfield") == [["Oakfield"]]
    assert wrapped("St Mary Church of England Primary", most=3)[2] == ["St Mary Church", "of England", "Primary"]


def test_two_names_side_by_side_go_on_opposite_sides_and_show_at_every_zoom() -> None:
    xy, radii = np.array([[0.0, 0.0], [100.0, 0.0]]), np.array([10.0, 10.0])
    first, second = label_thresholds(xy, radii, ["Alpha", "Beta"], [0, 1], room=OPEN)
    assert first.at == pytest.approx(0, abs=1e-6) and first.dy == GAP and first.y == 10  # below its disc
    # below its disc the second would touch the first's name from scale ((wA + wB) / 2 + 2 PAD) / 100 down: above,
    # it never does
    assert second.at == pytest.approx(0, abs=1e-6) and second.dy == -GAP - H and second.y == -10
    assert _clashes([first, second], xy, radii, 0.01) == []


@pytest.mark.parametrize(("name", "side"), [("Al", "right"), ("Northumberland", "below")])
def test_a_name_shows_from_the_scale_at_which_it_clears_the_nearest_disc(name: str, side: str) -> None:
    # discs (radius 10) 40 above and below the first node, 60 right and left, and off its corners at (+-60, +-40):
    # below (or above), its name clears the disc 40 below once 10 + (GAP + H + DISC_PAD) t <= 30, that is from
    # scale (3 + H) / 20; right (or left), once 10 + (GAP + w + DISC_PAD) t <= 50, from scale (3 + w) / 40; off a
    # corner, once either holds: never sooner. The smaller wins.
    xy = np.array([[0.0, 0.0], [0.0, 40.0], [0.0, -40.0], [60.0, 0.0], [-60.0, 0.0], [60.0, 40.0], [-60.0, 40.0],
                   [60.0, -40.0], [-60.0, -40.0]])
    radii = np.full(len(xy), 10.0)
    labels = label_thresholds(xy, radii, [name] + [""] * 8, list(range(9)), room=OPEN)
    width = text_width(name)
    expected = {"right": (3 + width) / 40, "below": (3 + H) / 20}
    assert labels[0].at == pytest.approx(min(expected.values()))
    assert labels[0].at == pytest.approx(expected[side])
    for scale in (labels[0].at * (1 + 1e-9), labels[0].at * 1.01, 1.0, 10.0):
        assert _clashes(labels[:1], xy, radii, scale) == []
    shown = dataclasses.replace(labels[0], at=0.0)
    assert _clashes([shown], xy, radii, labels[0].at * 0.99)  # any further out and it would touch a disc


def test_a_chain_of_names_never_overlaps_at_any_zoom_and_zooming_in_only_adds_names() -> None:
    xy = np.array([[60.0 * k, 7.0 * (k % 3)] for k in range(30)])
    radii = np.full(30, 6.0)
    names = [f"Person number {k}" for k in range(30)]
    labels = label_thresholds(xy, radii, names, list(range(30)), room=OPEN)
    assert labels[0].at == pytest.approx(0, abs=1e-6)  # the most important is named at every zoom
    shown = []
    for scale in np.geomspace(0.01, 20, 60):
        assert _clashes(labels, xy, radii, float(scale)) == []
        shown.append(len(_boxes(labels, float(scale))))
    assert shown == sorted(shown) and shown[0] < shown[-1] == 30  # every name shows once close enough


def test_names_at_identical_positions_take_the_places_round_the_disc_and_the_rest_only_hover() -> None:
    xy, radii = np.zeros((12, 2)), np.full(12, 10.0)
    labels = label_thresholds(xy, radii, ["Ann"] * 12, list(range(12)), room=OPEN)
    named = [lab for lab in labels if lab.at is not None]
    assert labels[0].at == pytest.approx(0, abs=1e-6)
    assert len(named) == 8  # below, above, right, left and the four corners: one name each, never two
    assert len({(lab.x, lab.y, lab.dx, lab.dy) for lab in named}) == 8
    for scale in (0.05, 0.5, 5.0):
        assert _clashes(labels, xy, radii, scale) == []


def test_a_name_stays_on_the_part_of_the_map_a_fit_shows() -> None:
    # one disc: what a fit shows is at least 350 x 300 map units round it; "Al" right of the disc fits once
    # (GAP + w) / scale <= 175 - 10, and a very wide name below it once w / 2 / scale <= 175
    wide = "W" * 60
    short, long_ = (label_thresholds(np.zeros((1, 2)), np.array([10.0]), [name], [0])[0] for name in ("Al", wide))
    assert short.at == pytest.approx((GAP + text_width("Al")) / 165) and short.dx == GAP
    assert long_.at == pytest.approx((text_width(wide) / 2) / 175) and long_.dy == GAP


def test_the_order_decides_whose_name_shows_first() -> None:
    xy, radii = np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([10.0, 10.0])
    places = name_places([{"id": "a", "x": 0.0, "y": 0.0, "size": 10.0, "label": "Anne"},
                          {"id": "b", "x": 0.0, "y": 0.0, "size": 10.0, "label": "Bea"},
                          {"id": "hub", "x": 0.0, "y": 0.0, "label": ""}],  # no name: no place
                         {"a": 1.0, "b": 5.0})
    assert set(places) == {"a", "b"} and places["b"]["dy"] == GAP  # b, the higher, takes the first place: below
    first = name_places([{"id": "a", "x": 0.0, "y": 0.0, "size": 10.0, "label": "Anne"},
                         {"id": "b", "x": 0.0, "y": 0.0, "size": 10.0, "label": "Bea"}], {"a": 1.0, "b": 5.0},
                        first=["a"])
    assert first["a"]["dy"] == GAP
    assert PAD > 0 and len(xy) == len(radii)


def _hemmed_in() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A crowded case: the top node's disc ringed by eight discs touching it and each other (no room beside it
    for its name at any zoom a page fits to), two far discs making the map wide, an opening in the ring below."""
    angles = np.arange(8) * np.pi / 4
    ring = np.column_stack([np.cos(angles), np.sin(angles)]) * 24
    xy = np.vstack([[0.0, 0.0], ring, [[600.0, 300.0], [-600.0, -300.0]]])
    return xy, np.full(11, 10.0), ["Oakfield Primary Academy", *[""] * 8, "Beacon", "Cedar"]


def _box_at(label, scale: float) -> tuple[float, float, float, float]:  # noqa: ANN001 - a Label
    """A name's box at `scale`, in map units: left, top, right, bottom."""
    left, top = label.x + label.dx / scale, label.y + label.dy / scale
    return left, top, left + label.width / scale, top + label.height / scale


def test_a_name_with_no_room_beside_its_disc_is_set_apart_clear_of_everything_at_fit_and_beyond() -> None:
    xy, radii, names = _hemmed_in()
    fit = fit_of(xy, radii, 800, 500)
    beside = label_thresholds(xy, radii, names, list(range(11)), fit=fit)
    assert beside[0].at > fit.scale and beside[0].leader is None  # without the guarantee: not named at fit
    labels = label_thresholds(xy, radii, names, list(range(11)), fit=fit, guaranteed=[0])
    top = labels[0]
    assert top.leader == (0.0, 0.0, 10.0) and top.at is not None and top.at < fit.scale  # shown at fit
    for scale in (fit.scale, 1.5 * fit.scale, 4 * fit.scale, 20 * fit.scale):
        assert _clashes(labels, xy, radii, scale) == []  # no name on a name or any disc, its own included
    left, top_edge, right, bottom = _box_at(top, fit.scale)
    assert fit.x0 <= left and right <= fit.x1 and fit.y0 <= top_edge and bottom <= fit.y1  # on the map at fit
    # nearest free place: within a name's width of the ring, not in a corner of the map
    assert math.dist((top.x, top.y), (0.0, 0.0)) < 34 + (top.width + top.height) / fit.scale
    assert label_thresholds(xy, radii, names, list(range(11)), fit=fit, guaranteed=[0]) == labels  # deterministic


def test_a_leader_goes_through_an_opening_and_misses_every_other_disc_and_name() -> None:
    xy, radii, names = _hemmed_in()
    xy = np.delete(xy, 3, axis=0)  # the disc at the ring's bottom (angle pi / 2, y down) left out: an opening
    radii, names = radii[:-1], names[:-1]
    fit = fit_of(xy, radii, 800, 500)
    labels = label_thresholds(xy, radii, names, list(range(10)), fit=fit, guaranteed=[0, 8, 9])
    top = labels[0]
    assert top.leader is not None and top.at is not None and top.at < fit.scale
    left, upper, right, lower = _box_at(top, fit.scale)
    end = np.array([min(max(0.0, left), right), min(max(0.0, upper), lower)])  # the box's point nearest the disc
    for k in range(1, len(xy)):  # the leader from the disc's middle to `end` keeps off every other disc
        t = float(np.clip(np.dot(xy[k], end) / np.dot(end, end), 0.0, 1.0))
        assert math.dist(t * end, xy[k]) > radii[k] + DISC_PAD / fit.scale, k
    for k in (8, 9):  # the far schools are named beside their discs, and the leader passes none of their names
        assert labels[k].leader is None and labels[k].at is not None and labels[k].at <= fit.scale
        b = _box_at(labels[k], fit.scale)
        assert not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for x, y in np.linspace((0.0, 0.0), end, 200))


def test_a_huge_box_gets_coarser_cells_not_more_memory_and_still_names_the_best_ranked() -> None:
    xy, radii, names = _hemmed_in()
    nodes = [{"id": f"n{k}", "x": float(x), "y": float(y), "size": float(r), "label": name or f"Ring {k}"}
             for k, ((x, y), r, name) in enumerate(zip(xy, radii, names, strict=True))]
    placed = name_places(nodes, {f"n{k}": float(20 - k) for k in range(11)}, first=[])
    named = [{**n, "name_at": placed[n["id"]]} for n in nodes]
    places, fit = screen_places(named, 3840, 3840)
    assert places["n0"]["at"] <= fit.scale  # the best ranked still named at fit
    table = _free_space(xy, radii, np.full((0, 7), np.nan), fit, fit.scale)
    assert MAX_CELLS <= 1_000_000 and (table.shape[0] - 1) * (table.shape[1] - 1) <= 1_010_000  # not 3.7 million


def test_a_screen_places_the_best_ranked_names_for_its_fit_and_turns_a_wide_map_for_a_phone() -> None:
    xy, radii, names = _hemmed_in()
    nodes = [{"id": f"n{k}", "x": float(x), "y": float(y), "size": float(r), "label": name or f"Ring {k}"}
             for k, ((x, y), r, name) in enumerate(zip(xy, radii, names, strict=True))]
    nodes.append({"id": "hub", "x": 0.0, "y": 0.0, "label": ""})  # no name: no place
    values = {f"n{k}": float(20 - k) for k in range(11)}
    placed = name_places(nodes, values, first=["n10"])
    assert [placed[f"n{k}"]["order"] for k in (10, 0, 1)] == [0, 1, 2] and "hub" not in placed
    assert placed["n0"]["rank"] == 0 and placed["n10"]["rank"] == 10  # first in order, last by value
    named = [{**n, "name_at": placed[n["id"]]} if n["id"] in placed else n for n in nodes]
    places, fit = screen_places(named, 1280, 800)
    assert places["n0"]["at"] <= fit.scale and "leader" in places["n0"] and places["n0"]["rank"] == 0
    assert screen_places(named, 1280, 800) == (places, fit)  # the same map on the same screen: the same places
    assert guaranteed_names(1280) == 10 and guaranteed_names(358) == 5
    wide = np.array([[0.0, 0.0], [2600.0, 0.0], [1300.0, 1000.0]])
    assert turn_helps(wide, np.full(3, 10.0), 358, 598) and not turn_helps(wide, np.full(3, 10.0), 1278, 598)
    assert not turn_helps(wide[:, ::-1], np.full(3, 10.0), 1278, 598)  # a tall map on a wide box: never turned
    turned = quarter_turned([{"id": "a", "x": 3.0, "y": 4.0}, {"id": "b", "x": 0.0, "y": 0.0}, {"id": "t"}])
    assert turned == [{"id": "a", "x": -4.0, "y": 3.0}, {"id": "b", "x": -0.0, "y": 0.0}, {"id": "t"}]


def test_sizes_grow_by_area_and_the_measures_are_declared_once() -> None:
    radii = scaled_radii({"a": 0.0, "b": 25.0, "c": 100.0}, 8.0, 28.0)
    assert radii == {"a": 8.0, "b": 18.0, "c": 28.0}
    assert scaled_radii({"a": 0.0}, 8.0, 28.0) == {"a": 8.0}
    assert list(SIZE_MEASURES) == ["staff", "betweenness", "brokerage", "external"]
    assert measure_of("nonsense").key == measure_of(None).key == "staff"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - Flask's test client
    from netmap.ingest.validate import read_trust
    from tests.trusts import PLANTED
    from tests.web_helpers import make_app

    app = make_app(tmp_path_factory.mktemp("labels-web"), read_trust(Path(PLANTED))[0])
    return app.test_client()


def test_the_school_map_sizes_by_the_measure_asked_and_names_the_biggest_first(client) -> None:  # noqa: ANN001
    from tests.web_helpers import login

    login(client, "admin")
    by_staff = client.get("/map/data?view=schools").get_json()
    by_external = client.get("/map/data?view=schools&size=external").get_json()
    assert by_staff["sizing"]["measure"] == "staff" and by_external["sizing"]["words"] == "cross-school ties"
    assert [m for m, _ in by_staff["sizing"]["offered"]] == list(SIZE_MEASURES)
    assert client.get("/map/data?view=schools&size=__proto__").get_json()["sizing"]["measure"] == "staff"
    sizes = {n["id"]: n["size"] for n in by_external["nodes"]}
    places = {n["id"]: n["x"] for n in by_external["nodes"]}
    assert places == {n["id"]: n["x"] for n in by_staff["nodes"]}  # the same places, other sizes
    assert sizes != {n["id"]: n["size"] for n in by_staff["nodes"]}
    assert all("name_at" in n for n in by_external["nodes"])
    people = client.get("/map/data?view=staff&size=betweenness").get_json()
    assert people["sizing"]["noun"] == "people" and people["sizing"]["measure"] == "betweenness"


def test_names_measured_on_many_threads_at_once_measure_as_on_one() -> None:
    """The server measures names on several threads; FreeType's face is shared, so measuring must be serialised:
    unserialised, two threads loading glyphs at once corrupted the heap and brought the server down."""
    import threading

    from netmap.layout import labels

    names = ["".join(chr(0x41 + (i * 7 + j) % 900) for j in range(12)) for i in range(400)]
    labels._advance.cache_clear()
    alone = [labels.text_width(n) for n in names]
    labels._advance.cache_clear()
    start, got = threading.Barrier(8), {}

    def measure(k: int) -> None:
        start.wait()
        got[k] = [labels.text_width(n) for n in names[k::8]]

    threads = [threading.Thread(target=measure, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(got[k] == alone[k::8] for k in range(8))


def test_the_map_data_places_names_for_the_page_box_it_is_asked_for(client) -> None:  # noqa: ANN001
    from tests.web_helpers import login

    login(client, "admin")
    plain = client.get("/map/data?view=schools").get_json()
    assert "fit" not in plain  # no box asked: names placed for the map's own extent, as before
    for width, k in ((1233, 10), (343, 5)):
        drawn = client.get(f"/map/data?view=schools&width={width}&height=598").get_json()
        scale = drawn["fit"]["scale"]
        best = [n for n in drawn["nodes"] if n.get("name_at", {}).get("rank", k) < k]
        assert len(best) == min(k, sum(1 for n in plain["nodes"] if "rank" in n.get("name_at", {})))
        assert all(n["name_at"]["at"] is not None and n["name_at"]["at"] <= scale for n in best)
        where = {n["id"]: (n["x"], n["y"]) for n in plain["nodes"]}
        turned = {n["id"]: (-n["y"], n["x"]) for n in plain["nodes"]}
        assert {n["id"]: (n["x"], n["y"]) for n in drawn["nodes"]} == (turned if drawn["turned"] else where)
    assert not client.get("/map/data?view=schools&width=343&height=598&layout=geographic").get_json()["turned"]
    assert "fit" not in client.get("/map/data?view=schools&width=99999&height=598").get_json()  # no such box
    assert "fit" not in client.get("/map/data?view=schools&width=3841&height=598").get_json()  # wider than 4K
