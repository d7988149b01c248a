"""Something back for respondents (netmap.survey.profile): once a round over the planted trust has closed, the
link a respondent submitted through shows whom they named, how many colleagues named them (a count, never who;
"fewer than 5" below the trust's smallest group shown) and three colleagues in their subject or phase at other
schools. A link that submitted nothing, or a round still open, shows no profile."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask

from netmap.errors import RoundClosed
from netmap.store import SQLiteStore
from netmap.survey.answers import Nomination
from netmap.survey.profile import PROFILE_DAYS, closed_link_of, network_profile
from netmap.survey.service import answer, close_round, create_round, find_round, open_round
from tests.trusts import SUMMER_ROUND, planted_dataset
from tests.web_helpers import make_app

NAMING_A2 = ("a1", "a3", "b1", "b3", "c1", "d1")  # six colleagues name Maths teacher A (a2) for planning


@pytest.fixture
def closed(tmp_path: Path) -> tuple[Flask, dict[str, str], str]:
    """The app over PLANTED with SUMMER_ROUND closed: a2 named b2 (planning) and c1 (SEND); six named a2; b2
    submitted naming nobody; d2 never submitted."""
    app = make_app(tmp_path / "web", planted_dataset())
    during = dt.datetime(2026, 7, 10, tzinfo=dt.UTC)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        round_id = create_round(store, SUMMER_ROUND)
        tokens = dict(open_round(store, round_id, now=during))
        answer(store, tokens["a2"], [Nomination("a2", "planning", "b2"), Nomination("a2", "send", "c1")],
               submit=True, version=0, now=during)
        for person in NAMING_A2:
            answer(store, tokens[person], [Nomination(person, "planning", "a2")], submit=True, version=0,
                   now=during)
        answer(store, tokens["b2"], [], submit=True, version=0, now=during)
        answer(store, tokens["d2"], [Nomination("d2", "planning", "a2")], submit=False, version=0, now=during)
        close_round(store, round_id)
    return app, tokens, round_id


def test_a_profile_names_whom_they_named_counts_who_named_them_and_suggests_colleagues(closed) -> None:  # noqa: ANN001
    app, _tokens, round_id = closed
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        record = find_round(store, round_id)
        mine = network_profile(store, record, "a2", threshold=5)
        assert [(c.name, c.school, c.why) for c in mine.named] == [
            ("Head of maths B", "Beech Academy", "Who do you plan lessons, units or projects with?"),
            ("Head of C", "Cedar Primary", "Who would you ask for advice about SEND?")]
        assert mine.named_by == 6  # a count: d2's draft does not count
        # a maths teacher in a primary school: Cedar's maths teacher first (b2, named already, is not suggested),
        # then two of the other primary schools' staff; never someone of Ash Primary
        assert [c.name for c in mine.suggestions][0] == "Teacher C" and mine.suggestions[0].why == "teaches maths too"
        assert len(mine.suggestions) == 3 and {c.school for c in mine.suggestions} <= {"Cedar Primary",
                                                                                        "Damson Primary"}
        assert all(c.why == "works in a primary school too" for c in mine.suggestions[1:])
        assert network_profile(store, record, "b2", threshold=5).named_by is None  # named by a2 alone: hidden
        assert network_profile(store, record, "a2", threshold=7).named_by is None  # 6 < 7


def test_only_the_submitting_link_of_a_closed_round_shows_a_profile(closed) -> None:  # noqa: ANN001
    app, tokens, _round_id = closed
    client = app.test_client()  # no account: the link is the key
    page = client.get(f"/survey/{tokens['a2']}").get_data(as_text=True)
    assert "<h1>Your network</h1>" in page and "For <strong>Maths teacher A</strong> (Ash Primary)" in page
    assert "<strong>6</strong>colleagues named you" in page and "Teacher C</strong>, teacher at Cedar Primary" in page
    assert not any(f"Head of {school}" in page.split("Whom you named")[0] for school in "BD")  # not who named
    assert "Head of B" not in page and "Teacher A" not in page  # two who named a2, named nowhere on the page
    quiet = client.get(f"/survey/{tokens['b2']}").get_data(as_text=True)
    assert "<strong>fewer than 5</strong>colleagues named you" in quiet and "You named nobody" in quiet
    unanswered = client.get(f"/survey/{tokens['d2']}")  # saved a draft only
    assert unanswered.status_code == 410 and "Your network" not in unanswered.get_data(as_text=True)
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        later = dt.datetime.fromisoformat(SUMMER_ROUND.closes_on).replace(tzinfo=dt.UTC) + dt.timedelta(
            days=PROFILE_DAYS + 1)
        with pytest.raises(RoundClosed, match="the network profile it showed ended on"):
            closed_link_of(store, tokens["a2"], now=later)


def test_an_open_round_shows_the_form_not_a_profile(tmp_path: Path) -> None:
    app = make_app(tmp_path / "web", planted_dataset())
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        tokens = dict(open_round(store, create_round(store, SUMMER_ROUND)))
        with pytest.raises(RoundClosed, match="has not closed yet"):
            closed_link_of(store, tokens["a1"])
    assert "Your network" not in app.test_client().get(f"/survey/{tokens['a1']}").get_data(as_text=True)


def test_names_from_someone_since_excluded_do_not_count_and_an_excluded_respondent_sees_the_closed_page(
        closed) -> None:  # noqa: ANN001
    """a1, one of the six who named a2, objects after the round closed: a2 is named by 5 (the answers the analysis
    uses). a2 objects too: their link shows the closed form's page (410), not a profile and not an error."""
    from netmap.store.base import Exclusion

    app, tokens, round_id = closed
    with SQLiteStore(app.config["NETMAP_DB"]) as store:
        store.exclude_person(Exclusion("a1", "objected", "2026-07-25T09:00:00+00:00"))
        record = find_round(store, round_id)
        assert network_profile(store, record, "a2", threshold=5).named_by == 5
        store.exclude_person(Exclusion("a2", "objected", "2026-07-25T09:00:00+00:00"))
        with pytest.raises(RoundClosed, match=r"^This survey closed on 2099-07-20\.$"):
            network_profile(store, record, "a2", threshold=5)
    page = app.test_client().get(f"/survey/{tokens['a2']}")
    assert page.status_code == 410 and "Your network" not in page.get_data(as_text=True)
