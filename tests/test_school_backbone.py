"""The school map's backbone as the web sends it (webapp.graphview.with_backbone): on a connected trust of 150
schools the map draws the disparity filter's links by default, says how many are hidden and how to show them,
cuts no school off, and draws every link on request; a small trust's map draws every link and says nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from tests.trusts import TINY
from tests.web_helpers import login, make_app

pytestmark = pytest.mark.xdist_group("school-backbone")


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    from netmap.sample.generator import generate_sample

    folder = tmp_path_factory.mktemp("trust-150") / "trust"
    generate_sample(folder, schools=150, staff=3000, seed=150)
    client = make_app(tmp_path_factory.mktemp("web-150"), read_trust(folder)[0]).test_client()
    login(client, "admin")
    yield client


def _linked(edges: list[dict]) -> set[str]:
    return {e["from"] for e in edges} | {e["to"] for e in edges}


@pytest.mark.slow
def test_a_large_school_map_draws_its_backbone_by_default_and_says_how_to_see_every_link(admin: FlaskClient) -> None:
    every = admin.get("/map/data?view=schools&links=all").get_json()
    drawn = admin.get("/map/data?view=schools").get_json()
    assert drawn["links"] == "backbone" and every["links"] == "all"
    shown, total = len(drawn["edges"]), len(every["edges"])
    assert 0 < shown < total / 2
    assert drawn["note"] == (
        f"Backbone: {shown:,} of {total:,} links between schools are drawn, those that carry an unusually large "
        "share of either school’s collaborations (the disparity filter); every school keeps at least one "
        f"link, so none is cut off by the filter. {total - shown:,} weaker links are hidden: choose “all links” "
        "on the School map page to draw them.")  # asked without a choice: the dashboard's map, which has none
    chosen = admin.get("/map/data?view=schools&links=backbone").get_json()
    assert chosen["edges"] == drawn["edges"] and chosen["note"].endswith("choose “all links” above the map to "
                                                                          "draw them.")
    assert _linked(drawn["edges"]) == _linked(every["edges"])  # no school cut off by the filter
    assert {(e["from"], e["to"]) for e in drawn["edges"]} <= {(e["from"], e["to"]) for e in every["edges"]}
    assert every["note"].startswith(f"All {total:,} links between schools are drawn. Choose “backbone”")
    page = admin.get("/map/").get_data(as_text=True)
    assert '<strong aria-current="page">backbone</strong>' in page and "links=all" in page
    assert "links=backbone" in page  # the map's data asks for what the control shows
    page = admin.get("/map/?links=all").get_data(as_text=True)
    assert '<strong aria-current="page">all links</strong>' in page


def test_a_small_school_map_draws_every_link_and_offers_no_control(tmp_path: Path) -> None:
    client = make_app(tmp_path, read_trust(TINY)[0]).test_client()
    login(client, "admin")
    drawn = client.get("/map/data?view=schools").get_json()
    assert drawn["links"] == "all" and not drawn.get("note") and drawn["edges"]
    assert "links-toggle" not in client.get("/map/").get_data(as_text=True)
