"""Understudies for a key connector, on a hand-built trust:

    Sefton (S): k, the maths lead, holds every tie to Tarn (T): k-t1, k-t2, k-t3 (all maths teachers at T).
                u3 (maths) already collaborates with t2; u2 (English) asks t1 for advice; u1 (maths) knows nobody
                at T; v is in the SEND network with t3.
A network lead should conclude: if k leaves, S keeps only two thin links to Tarn; u3 already holds one of k's links
and shares maths with the other two, u2 holds one; u1 and v are an introduction away (u1 by subject with all
three, v by group with t3). Someone already working with k's contacts comes before an introduction.
"""

from __future__ import annotations

from pathlib import Path

from netmap.analysis import analyse
from netmap.analysis.planner import Planner
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import QUICK

FILES = {
    "schools.csv": "school_id,name,phase,joined_on\nS,Sefton High,secondary,2015-09-01\nT,Tarn High,secondary,"
                   "2015-09-01\n",
    "staff.csv": "staff_id,school_id,role,name,subjects\nk,S,middle-leader,Kim Key,maths\nu1,S,teacher,Uma One,"
                 "maths\nu2,S,teacher,Una Two,english\nu3,S,teacher,Ugo Three,maths\nv,S,teacher,Val Send,english\n"
                 "t1,T,teacher,Tom One,maths\nt2,T,teacher,Tia Two,maths\nt3,T,teacher,Ted Three,maths\n",
    "groups.csv": "group_id,name,kind,subject,phase\nSEND,SEND network,expert-network,,\n",
    "memberships.csv": "staff_id,group_id,role\nv,SEND,member\nt3,SEND,lead\n",
    "collaborations.csv": "source_staff_id,target_staff_id,kind\nk,t1,advice\nk,t2,co-planning\nt3,k,advice\n"
                          "u3,t2,co-planning\nu1,u2,advice\nu2,u3,advice\nk,u1,advice\nv,u1,advice\nu2,t1,advice\n",
}


def _planner(tmp_path: Path) -> Planner:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    graphs = build_graphs(read_trust(tmp_path)[0], "2026-07-01")
    return Planner(graphs, analyse(graphs, QUICK))


def test_understudies_are_the_colleagues_closest_to_the_key_connectors_contacts(tmp_path: Path) -> None:
    planner = _planner(tmp_path)
    school = planner.analysis.schools.set_index("school_id").loc["S"]
    # k holds 3 of S's 5 outside ties: a key-person risk
    assert (school["key_connectors"], school["dependency"], school["is_key_person_risk"]) == ("k", 0.6, True)
    found = [(u.staff_id, u.knows, u.could_meet, u.contacts) for u in planner.understudies("S", "k")]
    assert found == [("u3", 1, 2, 3), ("u2", 1, 0, 3), ("u1", 0, 3, 3), ("v", 0, 1, 3)]
    assert planner.understudies("S", "k")[0].reason == (
        "Already collaborates with 1 of Kim Key's 3 contacts that link the school; shares a subject or group with "
        "2 more.")


def test_a_key_connector_elsewhere_is_understudied_by_their_own_colleagues(tmp_path: Path) -> None:
    """For Tarn, k is the key connector from outside: Tarn's links hang on k, so k's understudies are still S's
    people who know or could meet k's contacts at Tarn."""
    planner = _planner(tmp_path)
    assert [u.staff_id for u in planner.understudies("T", "k")] == ["u3", "u2", "u1", "v"]


def test_the_school_page_names_understudies_to_those_who_may_see_names(tmp_path: Path) -> None:
    from tests.web_helpers import login, make_app

    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "web", read_trust(tmp_path)[0], NETMAP_MIN_GROUP_SIZE=3)
    admin, ceo = app.test_client(), app.test_client()
    login(admin, "admin")
    login(ceo, "ceo", purpose=None)
    page = admin.get("/schools/S").get_data(as_text=True)
    assert "Understudies, who could carry Kim Key" in page
    assert page.index("Ugo Three") < page.index("Una Two") < page.index("Uma One") < page.index("Val Send")
    assert "Ugo Three" not in ceo.get("/schools/S").get_data(as_text=True)
