"""The research measures on the pages where they are acted on: key players (HR, by name), QAP on the hard vs soft
page, and the schools table's new columns, over the planted trust (tests/data/planted)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.web_helpers import login


@pytest.mark.parametrize(("role", "status"), [("hr", 200), ("admin", 200), ("ceo", 403), ("network-lead", 403)])
def test_key_players_only_for_roles_that_see_everyone_by_name(app: Flask, role: str, status: int) -> None:
    client = app.test_client()
    login(client, role)
    assert client.get("/secondments/key-players").status_code == status


def test_key_players_name_the_set_and_what_it_holds_together(app: Flask) -> None:
    """Without a1, a3 and b2, only c1-c2 and d1-d2 stay joined: 9 of the 11 pairs that are joined today among the
    8 people left are cut apart; a1, a2 and d1 reach 7 of the 8 others within two steps (every set compared)."""
    client = app.test_client()
    login(client, "hr")
    html = client.get("/secondments/key-players?k=3").get_data(as_text=True)
    assert "<h2>If these 3 people leave</h2>" in html
    for name in ("Head of A", "Teacher A", "Head of maths B", "Maths teacher A", "Head of D"):
        assert name in html
    assert "<strong>9</strong> pairs of colleagues who can reach each other today" in html
    assert "47.3 % today, 92.9 % without them" in html
    assert "within two collaborations of <strong>7</strong> of 8 colleagues (88 %)" in html
    assert html.count("Every possible set was compared: this is the best.") == 2
    one = client.get("/secondments/key-players?k=99").get_data(as_text=True)  # more than the page allows
    assert 'value="10"' in one and "If these 10 people leave" in one


def test_wiring_page_says_whether_the_groups_shape_collaboration(app: Flask) -> None:
    client = app.test_client()
    login(client, "admin")  # the whole trust: a ceo's figures leave out its small schools (docs/suppression.md)
    html = client.get("/wiring/").get_data(as_text=True)
    assert "Do the groups shape who collaborates?" in html
    assert "correlate at <strong>0.81</strong>" in html
    assert "random relabellings of the schools give one this high 9 % of the time" in html
    assert "correlate at 0.103 (not beyond chance: p = 0.40)" in html
    assert "QAP test (Krackhardt 1987): 999 random relabellings" in html


def test_schools_table_shows_the_new_columns(app: Flask) -> None:
    client = app.test_client()
    login(client, "ceo")
    html = client.get("/schools/").get_data(as_text=True)
    for heading in ("E-I index expected by chance", "E-I p-value", "Density", "Centralisation", "Reciprocity"):
        assert heading in html, heading


def test_school_page_reads_mixing_and_cohesion(app: Flask) -> None:
    """Ash (A): a1 a2 a3 in a triangle named one way round (a1->a2, a2->a3, a3->a1), a4 alone; 3 ties in, 3 out.
    Expected E-I for 4 of 11 people: (28 - 6) / (28 + 6) = 0.65."""
    client = app.test_client()
    login(client, "hr")  # a ceo sees Ash's figures hidden: 4 staff, under the smallest group shown
    html = client.get("/schools/A").get_data(as_text=True)
    assert "<dd>0.00, against 0.65 if ties fell at random (more inward than chance explains: p = 0.045)</dd>" in html
    assert "<dd>50 %</dd>" in html  # density: 3 of 6 pairs
    assert "<dd>33 %</dd>" in html  # centralisation: (0 + 0 + 0 + 2) / (3 x 2)
    assert "<dd>0 % (Advice 0 %, Co-planning 0 %)</dd>" in html  # nobody named back
