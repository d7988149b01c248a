"""Challenges (netmap.challenges): checked as posted, experts and connectors suggested on the planted trust where
the answer is known, and recorded collaborations written into a dataset."""

from __future__ import annotations

import datetime as dt

import pytest

from netmap.challenges import ChallengeSpec, RecordedTie, check_challenge, suggest, with_recorded_ties
from netmap.errors import ChallengeError
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import PLANTED

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
