"""A page's map is about the page: a school's, group's or person's map picks it out and its key names it; a map
with nothing to show says why and what to do, naming only what the viewer's role may open. On the planted trust
(tests/data/planted) with a third teacher at Damson Primary (D), isolated; the network lead leads the maths
community (a2, b2); figures of fewer than 3 people hidden from the CEO and the lead (Cedar Primary's)."""

from __future__ import annotations

import shutil

import pytest
from flask import Flask
from flask.testing import FlaskClient

from netmap.ingest.validate import read_trust
from netmap.layout import FOCUS_COLOUR, INSIDE_COLOUR, ROLE_SHAPES, SOFT_COLOUR, faded
from tests.trusts import PLANTED
from tests.web_helpers import login, make_app
from webapp.accounts import Accounts
from webapp.trends import GROUP_TRENDS, SCHOOL_TRENDS

ROLES = ("admin", "hr", "ceo", "network-lead")
ISOLATED = ("Damson Primary has no collaboration with any school shown here on 2026-07-01, so no line joins it to one. "
            "Its page lists the groups it is missing from: a way in for its staff.")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    trust = tmp_path_factory.mktemp("trust") / "planted"
    shutil.copytree(PLANTED, trust)
    with (trust / "staff.csv").open("a") as staff:  # a third at Damson: its figures shown to every role
        staff.write("d3,D,teacher,Teacher D2,\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETMAP_MIN_GROUP_SIZE", "3")  # Cedar's (2 staff) hidden from the CEO and the lead
        made = make_app(tmp_path_factory.mktemp("focus"), read_trust(trust)[0])
    with Accounts(made.config["NETMAP_USERS_DB"]) as accounts:
        accounts.users.set_groups("network-lead", ["MATHS"])
    return made


@pytest.fixture(scope="module")
def clients(app: Flask) -> dict[str, FlaskClient]:
    signed_in = {}
    for role in ROLES:
        signed_in[role] = app.test_client()
        login(signed_in[role], role)
    return signed_in


def test_a_ceos_school_page_shows_the_trust_map_with_that_school_picked_out(clients: dict[str, FlaskClient]) -> None:
    ceo = clients["ceo"]
    assert "/map/data?view=schools&amp;school=A" in ceo.get("/schools/A").get_data(as_text=True)
    drawn = ceo.get("/map/data?view=schools&school=A").get_json()
    nodes = {n["id"]: n for n in drawn["nodes"]}
    assert nodes["A"]["borderWidth"] == 6 and nodes["A"]["color"]["border"] == FOCUS_COLOUR
    others = [n for s, n in nodes.items() if s != "A"]
    assert others and all(n["color"]["background"] == faded(n["color"]["border"]) for n in others)
    assert all(n["font"]["color"] == "#4d4d4d" for n in others)  # lighter names, still readable
    for edge in drawn["edges"]:
        assert edge["color"] == (SOFT_COLOUR if "A" in (edge["from"], edge["to"]) else INSIDE_COLOUR)
    assert drawn["legend"][0]["label"] == ("Ash Primary: this page's school (dark outline; its own lines in full "
                                           "colour, the rest lighter)")


def test_a_schools_staff_map_fades_contacts_elsewhere_and_its_key_shows_shapes_and_lines(
        clients: dict[str, FlaskClient]) -> None:
    drawn = clients["admin"].get("/map/data?view=staff&school=A").get_json()
    nodes = {n["id"]: n for n in drawn["nodes"]}
    assert all(isinstance(nodes[p]["color"], str) for p in ("a1", "a2", "a3", "a4"))  # A's own: full colour
    assert nodes["b1"]["color"]["background"] == faded(nodes["b1"]["color"]["border"])  # a contact at Beech
    key = {entry["label"]: entry for entry in drawn["legend"]}
    assert "Ash Primary's staff (full colour); their contacts at other schools lighter, grouped by school" in key
    shapes = [(e["label"], e["shape"]) for e in drawn["legend"] if "shape" in e]
    assert shapes == [(role, shape) for role, shape in ROLE_SHAPES.items() if role in
                      {"headteacher", "teacher", "support", "middle-leader"}]
    assert key["collaboration between schools"]["line"] == "solid"
    assert key["collaboration inside a school"]["colour"] == INSIDE_COLOUR


def test_a_groups_and_a_persons_map_name_their_focus_in_the_key(clients: dict[str, FlaskClient]) -> None:
    group = clients["hr"].get("/map/data?view=staff&group=HEADS&hard=1").get_json()
    labels = [e["label"] for e in group["legend"]]
    assert ("Headteachers: the group this map is about (the box in the middle, joined to each member by a dashed "
            "line)") in labels
    assert "member of a group (hard wiring)" in labels and ("headteacher", "star") in [
        (e["label"], e.get("shape")) for e in group["legend"]]
    person = clients["hr"].get("/map/data?view=staff&person=a1&depth=2").get_json()
    assert ("Head of A: the person this map is about (large, dark outline); their direct contacts in full colour, "
            "people two steps away lighter") in [e["label"] for e in person["legend"]]


@pytest.mark.parametrize("role, endpoint, message", [
    ("admin", "view=staff&school=D", ""),  # its two staff, drawn
    ("hr", "view=staff&school=D", ""),
    ("ceo", "view=schools&school=D", ISOLATED),
    ("network-lead", "view=schools&school=D", ISOLATED),
])
def test_an_isolated_schools_page_map_says_why_within_each_role(clients: dict[str, FlaskClient], role: str,
                                                                 endpoint: str, message: str) -> None:
    page = clients[role].get("/schools/D").get_data(as_text=True)
    assert f"/map/data?{endpoint.replace('&', '&amp;')}" in page
    drawn = clients[role].get(f"/map/data?{endpoint}").get_json()
    assert drawn["nodes"] and drawn["message"] == message
    if role == "network-lead":  # nobody they lead works there: no staff map, and no link to a staff list of it
        assert "None of the people in the networks you lead work here" in page
        assert "/staff/?school_id=D" not in page and "Nobody matches" not in page


def test_a_hidden_schools_page_map_says_why_it_is_not_drawn(clients: dict[str, FlaskClient]) -> None:
    drawn = clients["ceo"].get("/map/data?view=schools&school=C").get_json()
    assert "C" not in {n["id"] for n in drawn["nodes"]} and drawn["message"] == (
        "Cedar Primary has fewer than 3 staff, or is hidden with one, so it is among the small schools drawn apart, "
        "without its links; the map shows the rest of the trust.")


def test_an_isolated_schools_map_points_hr_to_the_secondments_it_may_open(clients: dict[str, FlaskClient]) -> None:
    drawn = clients["hr"].get("/map/data?view=schools&school=D").get_json()
    assert drawn["message"].endswith("The secondments page suggests who could link it to other schools.")


@pytest.mark.parametrize("role, query, status, message", [
    ("admin", "school=D&role=support", 200, "Nobody in post on 2026-07-01 matches Damson Primary, role support. "
                                            "Remove a filter, or choose another school, group or person."),
    ("hr", "subject=latin", 200, "Nobody in post on 2026-07-01 matches subject latin. Remove a filter, or choose "
                                 "another school, group or person."),
    ("network-lead", "school=D", 200, "None of the members of the networks you lead (Maths community) work at "
                                      "Damson Primary: you map their members only. Remove a filter, or choose one "
                                      "of your groups; the school map shows how every school is linked."),
    ("network-lead", "role=support", 200, "Nobody in the networks you lead (Maths community) matches role support: "
                                          "you map their members only. Remove a filter, or choose one of your "
                                          "groups; the school map shows how every school is linked."),
    ("ceo", "school=D&role=support", 403, None),  # no staff map at all: aggregates only
])
def test_an_empty_staff_map_says_why_and_what_to_do_within_each_role(clients: dict[str, FlaskClient], role: str,
                                                                     query: str, status: int,
                                                                     message: str | None) -> None:
    response = clients[role].get(f"/map/data?view=staff&{query}")
    assert response.status_code == status
    if message is not None:
        assert response.get_json()["nodes"] == [] and response.get_json()["message"] == message



@pytest.mark.parametrize("title", [t for t, _share in (*GROUP_TRENDS.values(), *SCHOOL_TRENDS.values())])
def test_a_charts_title_is_never_cut(monkeypatch: pytest.MonkeyPatch, title: str) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from webapp import charts

    drawn: list[Figure] = []
    close = plt.close
    monkeypatch.setattr(charts.plt, "close", lambda figure: (drawn.append(figure), close(figure)))
    charts.line_chart(["2025-07-01", "2026-07-01"], [0.25, 0.039], title, share=True)
    figure = drawn[0]
    texts = [t for t in figure.findobj(Text) if t.get_text().replace("\n", " ") == title]
    box = texts[0].get_window_extent(FigureCanvasAgg(figure).get_renderer())  # closed: drawn afresh
    assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= figure.bbox.x1 and box.y1 <= figure.bbox.y1


def test_conductivity_reads_as_a_percentage_beside_its_chart(clients: dict[str, FlaskClient]) -> None:
    page = clients["admin"].get("/groups/HEADS").get_data(as_text=True)
    assert "<dd>33.3 %</dd>" in page and "0.333" not in page  # 1 of 3 pairs of heads collaborate
