"""Challenges (netmap.challenges): checked as posted, experts and connectors suggested on the planted trust where
the answer is known, and recorded collaborations written into a dataset."""

from __future__ import annotations

import datetime as dt

import pytest

from netmap.challenges import (
    ChallengeSpec,
    RecordedTie,
    check_challenge,
    seed_players,
    suggest,
    with_recorded_ties,
)
from netmap.errors import ChallengeError
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.trusts import PLANTED

AS_OF = "2026-07-01"
TODAY = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def planted():  # noqa: ANN201 - a Dataset
    return read_trust(PLANTED)[0]


def test_experts_elsewhere_come_first_with_who_brings_them_in(planted) -> None:  # noqa: ANN001
    graphs = build_graphs(planted, AS_OF)
    found = suggest(graphs, ChallengeSpec("Maths mastery", "Mathematics", ("C",), "2026-08-01"))
    # a2 leads the maths community (6), b2 belongs to it (4, half for a secondary school's evidence to a primary
    # school); c2 teaches maths but works at C, a school concerned
    assert [(e.staff_id, e.score) for e in found.experts] == [("a2", 6), ("b2", 2)]
    assert found.search.phase == "primary" and found.search.topics == ("maths",)
    assert found.experts[0].chain == ("c1", "a1", "a2")  # Head of C knows Head of A, who works with a2
    # c1 (at C) and a1 lead to both experts; a2 leads on to b2
    assert [(c.staff_id, c.experts, c.at_school) for c in found.connectors] == [
        ("c1", ("a2", "b2"), True), ("a1", ("a2", "b2"), False), ("a2", ("b2",), False)]


def test_the_phase_a_challenge_names_comes_before_its_schools_phase(planted) -> None:  # noqa: ANN001
    spec = ChallengeSpec("Year 9 algebra at Cedar", "maths", ("C",), "2026-08-01")
    found = suggest(build_graphs(planted, AS_OF), spec)
    assert found.search.phase == "secondary" and [(e.staff_id, e.score) for e in found.experts] == [
        ("b2", 4), ("a2", 3)]


def test_an_isolated_school_gets_experts_but_no_chain(planted) -> None:  # noqa: ANN001
    found = suggest(build_graphs(planted, AS_OF), ChallengeSpec("Maths", "maths", ("D",), "2026-08-01"))
    assert [e.staff_id for e in found.experts] == ["a2", "b2", "c2"]
    assert all(e.chain == () for e in found.experts) and found.connectors == []


@pytest.mark.parametrize(("change", "message"), [
    ({"title": " "}, "Title: give the challenge a title"),
    ({"topic": ""}, "Topic: name what help is needed"),
    ({"schools": ()}, "Schools: choose at least one school concerned."),
    ({"schools": ("A", "ZZ")}, "ZZ is not a school of the trust"),
    ({"closes_on": "next week"}, "Closing date: 'next week' is not a date; write it as YYYY-MM-DD."),
    ({"closes_on": "2026-06-30"}, "Closing date: 2026-06-30 has passed"),
    ({"tie_kind": "gossip"}, "Kind of tie: 'gossip' is neither built in nor declared"),
])
def test_a_bad_challenge_is_refused_naming_the_field(planted, change: dict, message: str) -> None:  # noqa: ANN001
    fields = {"title": "Maths", "topic": "maths", "schools": ("A",), "closes_on": "2026-07-01"} | change
    with pytest.raises(ChallengeError, match=message):
        check_challenge(ChallengeSpec(**fields), planted, TODAY)


def test_a_good_challenge_is_trimmed(planted) -> None:  # noqa: ANN001
    spec = check_challenge(ChallengeSpec("  Maths  ", " maths ", ("A", "A", "C"), "2026-07-01"), planted, TODAY)
    assert (spec.title, spec.topic, spec.schools) == ("Maths", "maths", ("A", "C"))


def test_recorded_ties_join_the_soft_wiring(planted) -> None:  # noqa: ANN001
    before = build_graphs(planted, AS_OF)
    assert not before.undirected.has_edge("a2", "d1")
    tie = RecordedTie(3, "a2", "d1", "joint-project", "2026-06-20", "maths")
    after = with_recorded_ties(planted, [tie])
    assert len(after.collaborations) == len(planted.collaborations) + 1
    row = after.collaborations.iloc[-1]
    assert (row["kind"], row["observed_on"], row["topic"], row["challenge"]) == ("joint-project", "2026-06-20",
                                                                                 "maths", "3")
    graphs = build_graphs(after, AS_OF)
    assert graphs.undirected.has_edge("a2", "d1")  # Damson is no longer cut off
    with pytest.raises(ChallengeError, match="zz is not in the latest snapshot's staff"):
        with_recorded_ties(planted, [RecordedTie(3, "a2", "zz", "joint-project", "2026-06-20", "maths")])


def test_a_challenge_is_seeded_with_the_relevant_people_who_reach_most(tmp_path) -> None:  # noqa: ANN001
    """Ash (A) needs maths. h teaches maths at Birch and works with six colleagues there; a1 at Ash works with
    a2, a3 and a4, and a2 and a3 each with one more at Ash (a1 reaches 5 within two steps, a2 only 4); e2 teaches
    maths at Cedar and works only with c1, whose colleague z works with eight people. KPP-Pos over everyone picks
    b1 and c1, who neither know maths nor work at Ash: the seeds are h and a1 (6 + 5 colleagues, 5 of them at
    Ash); with k = 1, h alone; within a scope without h, a1 and e2 (5 + c1 and z)."""
    from netmap.analysis.key_players import reaching_players

    folder = tmp_path / "seeds"
    folder.mkdir()
    people = (["h,B,teacher,H,maths", "a1,A,teacher,A1,", "e2,C,teacher,E2,maths", "z,C,teacher,Z,"]
              + [f"b{i},B,teacher,B{i}," for i in range(1, 7)] + [f"a{i},A,teacher,A{i}," for i in range(2, 7)]
              + [f"c{i},C,teacher,C{i}," for i in range(1, 9)])
    ties = ([f"h,b{i},co-planning" for i in range(1, 7)] + [f"a1,a{i},co-planning" for i in range(2, 5)]
            + ["a2,a5,co-planning", "a3,a6,co-planning"]
            + ["e2,c1,co-planning"] + [f"z,c{i},co-planning" for i in range(1, 9)])
    files = {"schools": "school_id,name,phase,joined_on\nA,Ash,primary,2015-09-01\nB,Birch,primary,2015-09-01\n"
                        "C,Cedar,primary,2015-09-01\n",
             "staff": "staff_id,school_id,role,name,subjects\n" + "\n".join(people) + "\n",
             "groups": "group_id,name,kind,subject,phase\nHEADS,Heads,expert-network,,\n",
             "memberships": "staff_id,group_id,role\nz,HEADS,member\n",
             "collaborations": "source_staff_id,target_staff_id,kind\n" + "\n".join(ties) + "\n"}
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    graphs = build_graphs(read_trust(folder)[0], AS_OF)
    spec = ChallengeSpec("Fractions at Ash", "maths", ("A",), "2026-08-01")
    search = suggest(graphs, spec).search
    assert reaching_players(graphs.undirected, 2).people == ("b1", "c1")
    seeds = seed_players(graphs, spec, search, k=2)
    assert [(s.staff_id, s.expert, s.at_school, s.reaches) for s in seeds.seeds] == [
        ("h", True, False, 6), ("a1", False, True, 5)]
    assert (seeds.reach, seeds.concerned, seeds.people, seeds.exact) == (11, 5, 23, True)
    assert [s.staff_id for s in seed_players(graphs, spec, search, k=1).seeds] == ["h"]
    scoped = seed_players(graphs, spec, search, k=2, allowed=lambda p: p != "h")
    assert [s.staff_id for s in scoped.seeds] == ["a1", "e2"]
    nobody = seed_players(graphs, spec, search, allowed=lambda p: False)
    assert nobody.seeds == [] and nobody.reach == 0
