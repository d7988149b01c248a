"""The web's tables declared as data (webapp/table_columns.py): each CSV download has exactly its declaration's
columns, in order, and the pages draw the declared headings (grouped ones included) through the shared macro."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from netmap.survey.service import create_round, open_round, response_rates
from tests.trusts import SUMMER_ROUND, later_trust, planted_dataset
from tests.web_helpers import NO_STABILITY, login, make_app
from webapp.table_columns import csv_columns


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("columns")
    created = make_app(folder, planted_dataset())
    with SQLiteStore(created.config["NETMAP_DB"]) as store:
        earlier = read_trust(later_trust(tmp_path_factory.mktemp("earlier") / "trust"))[0]
        analysis_of(store, store.write_snapshot(earlier, "2026-01-01", source="test").snapshot, NO_STABILITY)
        round_id = create_round(store, SUMMER_ROUND)
        open_round(store, round_id)
    created.config["TEST_ROUND"] = round_id
    return created


@pytest.fixture(scope="module")
def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "admin")
    return client


def _header(client: FlaskClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv", (url, response.status_code)
    return next(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize(("key", "url"), [
    ("survey response rates", "/surveys/{round}?table=rates&format=csv"),
    ("survey not answered", "/surveys/{round}?table=waiting&format=csv"),
    ("expertise", "/expertise/?topic=maths&format=csv"),
    ("school links", "/schools/A?format=csv"),
    ("secondments under way", "/secondments/?table=secondments&format=csv"),
    ("joiners people named", "/joiners/?since=2025-01-01&table=people&format=csv"),
    ("joiners schools named", "/joiners/?since=2025-01-01&table=schools&format=csv"),
])
def test_each_download_has_its_declared_columns(app: Flask, admin: FlaskClient, key: str, url: str) -> None:
    assert _header(admin, url.format(round=app.config["TEST_ROUND"])) == csv_columns(key)


def test_the_survey_rates_are_computed_with_the_declared_columns(app: Flask) -> None:
    """The rates CSV reindexes the frame by its declaration, so the frame itself must hold exactly those."""
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        rates, waiting = response_rates(store, app.config["TEST_ROUND"])
    assert list(rates.columns) == csv_columns("survey response rates")
    assert list(waiting.columns) == csv_columns("survey not answered")


def test_the_compare_page_draws_its_grouped_headings_from_the_declaration(admin: FlaskClient) -> None:
    page = admin.get("/compare/?before=2026-01-01&after=2026-07-01").get_data(as_text=True)
    assert ('<th scope="col" rowspan="2">Group <details class="help"><summary aria-label="What is Group?" '
            'title="The group&#39;s id.">?</summary>') in page
    assert ('<th scope="colgroup" colspan="2">Members</th><th scope="colgroup" colspan="2">Conductivity <details '
            'class="help"><summary aria-label="What is Conductivity?" title="Share of member pairs who collaborate">'
            '?</summary>') in page
    assert ('<th scope="col">2026-01-01 <details class="help"><summary aria-label="What is 2026-01-01?" '
            'title="Its members in post in the earlier snapshot.">?</summary>') in page
    assert "Dormant before" not in page  # a column of the CSV the page does not show
