"""The pages that show informal communities, in Chromium, on a trust with no stable informal clusters: the
dashboard, the hard and soft wiring page and Compare say so plainly and show none (screenshots saved)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.browser import SHOTS, _log_in, _serve, _shot
from tests.trusts import random_trust
from tests.web_helpers import make_app

try:
    from playwright.sync_api import Browser
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    pass

pytestmark = pytest.mark.slow  # a real browser: seconds a test


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The random trust, with an earlier snapshot of itself so that Compare has two."""
    folder = random_trust(tmp_path_factory.mktemp("random") / "trust")
    web = tmp_path_factory.mktemp("random-web")
    app = make_app(web, read_trust(folder)[0])
    with SQLiteStore(web / "store.db") as store:
        analysis_of(store, store.write_snapshot(read_trust(folder)[0], "2026-03-01", source="test").snapshot)
    yield from _serve(app)


def test_no_stable_clusters_is_said_on_every_page_that_shows_communities(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _log_in(page, server, "admin")
    for name, path in (("dashboard", "/"), ("wiring", "/wiring/#clusters"),
                       ("compare", "/compare/?before=2026-03-01&after=2026-07-01")):
        page.goto(f"{server}{path}")
        assert page.get_by_text("This trust has no stable informal clusters").count() + page.get_by_text(
            "Informal communities are not compared: the trust has no stable informal clusters").count() >= 1, name
        assert page.get_by_text("Cluster 1", exact=True).count() == 0
        _shot(page, f"communities-unstable-{name}")
    assert Path(SHOTS / "communities-unstable-wiring.png").exists()
    page.close()
