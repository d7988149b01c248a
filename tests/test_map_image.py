"""Maps as images to print (webapp.map_image): PNG and PDF with a title, the snapshot's date, a key and names,
for the roles and views that may have them; the PDF read back with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from tests.trusts import PLANTED, planted_dataset
from tests.web_helpers import login, make_app

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FlaskClient]:
    app = make_app(tmp_path_factory.mktemp("web"), read_trust(PLANTED)[0])
    out = {}
    for role in ("hr", "ceo"):
        out[role] = app.test_client()
        login(out[role], role, **({"purpose": None} if role == "ceo" else {}))
    return out


def pdf_text(data: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1
    return " ".join(pages[0].extract_text().split())


@pytest.mark.parametrize(("path", "title", "names", "key"), [
    ("/map/data", "School map", ["Ash Primary", "Beech Academy", "Cedar Primary", "Damson Primary"],
     ["Key", "collaboration between two schools", "isolated school"]),
    ("/map/data?view=wiring", "Hard vs soft wiring by school", ["Ash Primary", "Damson Primary"],
     ["a shared group, but nobody collaborates"]),
    ("/map/data?view=staff&school=A&hard=1", "Staff map: Ash Primary", ["Head of A", "Maths teacher A"],
     ["headteacher", "teacher", "member of a group (hard wiring)", "collaboration between schools"]),
])
def test_a_map_prints_with_its_title_date_key_and_names(clients: dict[str, FlaskClient], path: str, title: str,
                                                         names: list[str], key: list[str]) -> None:
    hr = clients["hr"]
    response = hr.get(path + ("&" if "?" in path else "?") + "format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="netmap-')
    text = pdf_text(response.data)
    assert title in text and "Snapshot of 2026-07-01" in text
    for word in [*names, *key]:
        assert word in text, word
    png = hr.get(path + ("&" if "?" in path else "?") + "format=png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"map-{title.split(':')[0].replace(' ', '-').lower()}.png").write_bytes(png.data)


def test_the_same_map_gives_the_same_file(clients: dict[str, FlaskClient]) -> None:
    assert clients["hr"].get("/map/data?format=pdf").data == clients["hr"].get("/map/data?format=pdf").data


def test_aggregate_roles_print_the_suppressed_map_and_never_a_staff_map(clients: dict[str, FlaskClient]) -> None:
    """The CEO's school map hides the figures of schools below the minimum size, as their page does; a staff map
    as an image is refused like its JSON."""
    ceo = clients["ceo"]
    text = pdf_text(ceo.get("/map/data?format=pdf").data)
    assert "School map" in text and "Head of A" not in text
    assert ceo.get("/map/data?view=staff&school=A&format=pdf").status_code == 403
    assert ceo.get("/map/data?view=staff&school=A&format=png").status_code == 403


def test_the_board_summary_is_one_page_with_figures_schools_to_help_and_the_map(
        clients: dict[str, FlaskClient]) -> None:
    response = clients["hr"].get("/board.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="netmap-board-summary-2026-07-01.pdf"'
    text = pdf_text(response.data)
    assert "How our staff connect across the trust" in text and "Snapshot of 2026-07-01" in text
    for figure in ("Staff in post 11", "Isolated schools 1", "Schools to help first", "1. Damson Primary:",
                   "Trends appear from the second snapshot on.", "School map", "Cedar Primary"):
        assert figure in text, figure
    assert "Head of A" not in text  # nobody named, whoever prints it
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "board-summary.pdf").write_bytes(response.data)


def test_the_ceos_board_summary_leaves_out_small_schools_as_their_dashboard_does(
        clients: dict[str, FlaskClient]) -> None:
    """Every planted school has fewer than 5 staff: the CEO's summary counts and names none of them."""
    text = pdf_text(clients["ceo"].get("/board.pdf").data)
    assert "Snapshot of 2026-07-01" in text and "(small schools not counted)" in text
    assert "Damson Primary:" not in text and "Head of A" not in text
    assert "Schools and groups of fewer than 5 staff are left out." in text


def test_a_later_board_summary_shows_the_change_and_the_trends(tmp_path: Path) -> None:
    from netmap.kept_analysis import analysis_of
    from netmap.store import SQLiteStore
    from tests.trusts import later_trust

    app = make_app(tmp_path / "web", planted_dataset())
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        later = read_trust(later_trust(tmp_path / "later"))[0]
        analysis_of(store, store.write_snapshot(later, "2026-12-01", source="test").snapshot)
    hr = app.test_client()
    login(hr, "hr")
    text = pdf_text(hr.get("/board.pdf").data)
    assert "Snapshot of 2026-12-01, compared with 2026-07-01." in text and "Change" in text
    assert "Trends appear from the second snapshot on." not in text
    assert text.count("Cross-school share of collaborations") == 2  # a headline figure, and its trend chart
    assert "Became" not in text and "Head of A" not in text


def test_names_with_dollar_signs_print_as_written(tmp_path: Path) -> None:
    """matplotlib reads "$...$" as mathematics unless told not to: "Ca$h Academy $5" lost its dollars and
    "Bad $\\frac{$ name" failed the whole download."""
    import shutil

    folder = shutil.copytree(PLANTED, tmp_path / "trust")
    schools = folder / "schools.csv"
    schools.write_text(schools.read_text(encoding="utf-8").replace("Ash Primary", "Ca$h Academy $5").replace(
        "Beech Academy", "Bad $\\frac{$ name"), encoding="utf-8")
    hr = make_app(tmp_path / "web", read_trust(folder)[0]).test_client()
    login(hr, "hr")
    response = hr.get("/map/data?format=pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Ca$h Academy $5" in text and "Bad $\\frac{$ name" in text
