"""Survey rounds on the planted trust (tests/data/planted: 11 staff in four schools), end to end without the
web: a round created, opened with a privacy notice, answered through personal links, followed, closed into a
snapshot whose analysis has the respondents' ties and marks the others "no response". A network lead should read
from the closed round's snapshot what they would from a loaded survey file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netmap.analysis import analyse
from netmap.errors import RoundClosed, StaleAnswers, SurveyError
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.store import SQLiteStore
from netmap.survey.answers import Nomination
from netmap.survey.links import CODE_ALPHABET, CODE_LENGTH, canonical, digest, new_link, printable
from netmap.survey.questions import QUESTION_BANK, custom_question
from netmap.survey.roster import MIN_TYPED, SHOWN, Roster
from netmap.survey.rounds import RoundSpec, check_can_open
from netmap.survey.service import (
    FormState,
    answer,
    change_answers,
    close_round,
    create_round,
    find_round,
    form_state,
    issue_links,
    link_of,
    open_round,
    reopen_round,
    response_rates,
)
from tests.trusts import NOTICE, PLANTED

SPEC = RoundSpec("Summer 2026", "2026-07-01", (QUESTION_BANK["planning"], QUESTION_BANK["send"]), max_names=3,
                 opens_on="2026-07-02", closes_on="2026-07-20", privacy_notice=NOTICE)
DURING = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path):  # noqa: ANN201 - an open SQLiteStore with the planted trust as of 2026-07-01
    with SQLiteStore(tmp_path / "store.db") as opened:
        opened.write_snapshot(read_trust(PLANTED)[0], "2026-07-01", source="planted")
        yield opened


def test_a_round_opens_only_with_dates_and_a_notice_that_says_what_the_law_asks() -> None:
    with pytest.raises(SurveyError, match="cannot open without a privacy notice"):
        check_can_open(RoundSpec(**{**SPEC.__dict__, "privacy_notice": " "}))
    with pytest.raises(SurveyError, match="does not say: contact"):
        check_can_open(RoundSpec(**{**SPEC.__dict__, "privacy_notice": NOTICE.split("Contact")[0]}))
    with pytest.raises(SurveyError, match="closes .* before it opens"):
        check_can_open(RoundSpec(**{**SPEC.__dict__, "closes_on": "2026-07-01"}))
    with pytest.raises(SurveyError, match="Set the round's opening and closing dates"):
        check_can_open(RoundSpec(**{**SPEC.__dict__, "opens_on": ""}))
    with pytest.raises(SurveyError, match="kind 'gossip' is not a tie kind"):
        custom_question("gossip", "Who do you chat with?", "gossip")
    assert custom_question("phonics", "Whose advice do you seek on phonics?", "advice", "phonics").kind == "advice"
    check_can_open(SPEC)


def test_links_open_only_their_own_form_until_revoked_or_the_round_closes(store: SQLiteStore) -> None:
    round_id = create_round(store, SPEC)
    with pytest.raises(SurveyError, match="cannot open without a privacy notice"):
        open_round(store, create_round(store, RoundSpec(**{**SPEC.__dict__, "privacy_notice": ""})))
    tokens = dict(open_round(store, round_id, now=DURING))
    assert len(tokens) == 11 and len(set(tokens.values())) == 11  # everyone in post, one token each
    assert all(len(t) >= 43 and t != p for p, t in tokens.items())  # 260 random bits, not the id
    answer(store, tokens["a1"], [Nomination("a1", "planning", "b1")], submit=False, version=0, now=DURING)
    with pytest.raises(SurveyError, match="only be given for yourself"):
        answer(store, tokens["a1"], [Nomination("b1", "planning", "c1")], submit=True, version=0, now=DURING)
    with pytest.raises(SurveyError, match="not valid"):
        answer(store, tokens["a1"][:-2] + "xx", [], submit=True, version=0, now=DURING)
    with pytest.raises(RoundClosed, match="closed on 2026-07-20"):  # the closing day has passed: no new link
        answer(store, tokens["a1"], [], submit=True, version=0, now=dt.datetime(2026, 7, 21, 0, 0, 1, tzinfo=dt.UTC))
    new = dict(issue_links(store, round_id, ["b1"], now=DURING))
    with pytest.raises(SurveyError, match="withdrawn"):
        answer(store, tokens["b1"], [], submit=True, version=0, now=DURING)
    answer(store, new["b1"], [Nomination("b1", "planning", "a1")], submit=True, version=0, now=DURING)
    assert store.read_answers(round_id)[1] == {"b1": "2026-07-10"}


def test_answers_the_round_does_not_allow_are_refused(store: SQLiteStore) -> None:
    tokens = dict(open_round(store, create_round(store, SPEC), now=DURING))
    refused = {"You cannot name yourself": [Nomination("a1", "planning", "a1")],
               "not on this round's list": [Nomination("a1", "planning", "nobody")],
               "no question 'coaching'": [Nomination("a1", "coaching", "b1")],
               "once per question": [Nomination("a1", "send", "b1"), Nomination("a1", "send", "b1")],
               "At most 3 names": [Nomination("a1", "send", p) for p in ("b1", "b2", "c1", "c2")],
               "does not ask how often": [Nomination("a1", "send", "b1", 4)]}
    for message, nominations in refused.items():
        with pytest.raises(SurveyError, match=message):
            answer(store, tokens["a1"], nominations, submit=True, version=0, now=DURING)
    assert store.read_answers(find_round(store, store.list_rounds()[0].round_id).round_id) == ([], {})


def test_the_roster_finds_names_by_the_start_of_any_word_in_any_case_with_or_without_accents() -> None:
    import pandas as pd

    staff = pd.DataFrame({"staff_id": ["x1", "x2", "x3"], "name": ["Zoë O'Brién", "Zoe Adams", "Adam Zoller"],
                          "school_id": ["A", "B", "A"], "role": ["teacher"] * 3})
    roster = Roster(staff, {"A": "Ash", "B": "Beech"})
    assert [e.staff_id for e in roster.search("zoe")] == ["x2", "x1"]  # name order: Zoe Adams, Zoë O'Brién
    assert [e.staff_id for e in roster.search("brien ZO")] == ["x1"]
    assert [e.staff_id for e in roster.search("o’brien zoe")] == ["x1"]  # a phone's curly apostrophe
    assert [e.staff_id for e in roster.search("zo", school_id="A")] == ["x3", "x1"]
    assert [e.staff_id for e in roster.search("zo", exclude="x2", limit=1)] == ["x3"]
    assert roster.search("   ") == [] and roster.search("zoe")[0].school == "Beech"
    assert roster.search("z") == [] and roster.search("z '-") == []  # fewer than MIN_TYPED letters: nobody


def test_namesakes_told_apart_only_by_accents_get_labels_that_name_each_one() -> None:
    import pandas as pd

    staff = pd.DataFrame({"staff_id": ["z1", "z2", "z3"], "name": ["Zoe Smith", "Zoë Smith", "Zoë Smith"],
                          "school_id": ["O", "O", "B"], "role": ["teacher"] * 3})
    roster = Roster(staff, {"O": "Oak", "B": "Birch"})
    assert roster.labels["z1"] == "Zoe Smith (Oak, teacher) [z1]"
    assert roster.labels["z3"] == "Zoë Smith (Birch, teacher)"  # another school: no namesake, no id
    assert roster.find(roster.labels["z1"]) == "z1" and roster.find(roster.labels["z2"]) == "z2"
    assert roster.find("Zoë Smith (Birch, teacher)") == "z3"


def test_a_search_offers_at_most_a_few_people() -> None:
    import pandas as pd

    people = [f"p{k:02}" for k in range(30)]
    staff = pd.DataFrame({"staff_id": people, "name": [f"Sam Smith{k:02}" for k in range(30)],
                          "school_id": ["A"] * 30, "role": ["teacher"] * 30})
    roster = Roster(staff, {"A": "Ash"})
    assert SHOWN == 8 and MIN_TYPED == 2
    assert [e.staff_id for e in roster.search("sa")] == people[:8]


def test_codes_are_grouped_unambiguous_and_read_however_typed() -> None:
    token, link = new_link("r1", "a1", DURING)
    code = token.replace("-", "")
    assert len(code) == CODE_LENGTH == 52 and len(token.split("-")) == 13 and {len(g) for g in token.split("-")} == {4}
    assert len(CODE_ALPHABET) ** CODE_LENGTH >= 2 ** 256  # at least the 256 bits of the tokens before
    assert not set(CODE_ALPHABET) & set("Il1O0") and set(code) <= set(CODE_ALPHABET)
    for typed in (token, code, code.lower(), " ".join(token.lower().split("-")), token.replace("-", "–")):
        assert digest(typed) == link.digest and printable(typed) == token
    assert digest(code[:-1] + "0") != link.digest
    old = "Ab3-_" * 8 + "xyz"  # a 43-character token of before: looked up as it is, case and all
    assert canonical(old) == old == printable(old) and digest(old) != digest(old.upper())
    drawn = [new_link("r1", "a1", DURING)[0] for _ in range(200)]
    assert len(set(drawn)) == 200 and set("".join(drawn).replace("-", "")) == set(CODE_ALPHABET)


def test_closing_writes_a_snapshot_of_the_submitted_answers_with_every_surveyed_person(store: SQLiteStore) -> None:
    """a1 and b1 submit (a1 plans with b1 and would ask c1 about SEND; b1 plans with a1), c1 leaves a draft.
    The closed round's snapshot: three ties observed on the day answered, 2 of 11 responded; c1, whose draft
    does not count, is "no response" (with the tie a1 reported), and c2, named by nobody, is not called an
    isolate but "no response"."""
    round_id = create_round(store, SPEC)
    tokens = dict(open_round(store, round_id, now=DURING))
    answer(store, tokens["a1"], [Nomination("a1", "planning", "b1"), Nomination("a1", "send", "c1")], submit=True,
           version=0, now=DURING)
    answer(store, tokens["b1"], [Nomination("b1", "planning", "a1")], submit=True, version=0, now=DURING)
    answer(store, tokens["c1"], [Nomination("c1", "planning", "c2")], submit=False, version=0, now=DURING)
    rates, waiting = response_rates(store, round_id)
    trust = rates[rates["level"] == "trust"].iloc[0]
    assert (trust["surveyed"], trust["responded"], trust["reading"]) == (11, 2, "interpret with caution")
    ash = rates[(rates["level"] == "school") & (rates["id"] == "A")].iloc[0]
    assert (ash["surveyed"], ash["responded"], ash["name"]) == (4, 1, "Ash Primary")
    assert "a1" not in set(waiting["staff_id"]) and "c1" in set(waiting["staff_id"])
    result = close_round(store, round_id)
    assert (result.status, result.snapshot.as_of) == ("created", "2026-07-20")
    dataset = store.read_dataset("2026-07-20")
    ties = dataset.collaborations[dataset.collaborations["question"].notna()]
    assert sorted(zip(ties["source_staff_id"], ties["target_staff_id"], ties["kind"], strict=True)) == [
        ("a1", "b1", "co-planning"), ("a1", "c1", "advice"), ("b1", "a1", "co-planning")]
    assert set(ties["observed_on"]) == {"2026-07-10"} and set(ties["question"]) == {"planning", "send"}
    assert dict(zip(ties["question"], ties["topic"], strict=True)) == {"planning": None, "send": "send"}
    assert len(dataset.collaborations) == 11 + 3  # the base's (undated, loaded) ties are carried over
    responded = dict(zip(dataset.respondents["staff_id"], dataset.respondents["responded_on"], strict=True))
    assert len(responded) == 11 and responded["a1"] == "2026-07-10" and responded["c1"] is None
    staff = analyse(build_graphs(dataset, "2026-07-20")).staff.set_index("staff_id")
    assert staff.loc["c1", "response"] == "no response" and staff.loc["c1", "soft_degree"] == 2  # c2, a1
    assert staff.loc["c2", "ona_role"] not in ("isolate", "peripheral")  # did not answer: own ties unknown
    assert staff.loc["a1", "soft_degree"] == 4  # a2, a3, c1 (loaded), b1 (the round's)
    assert close_round(store, round_id).status == "unchanged"  # closing again changes nothing
    assert find_round(store, round_id).status == "closed"
    with pytest.raises(SurveyError, match="This survey round has closed"):  # not "withdrawn, ask for a new one"
        answer(store, tokens["c1"], [], submit=True, version=1, now=DURING)
    reopen_round(store, round_id)
    reopen_round(store, round_id)  # reopening an open round changes nothing
    again = dict(issue_links(store, round_id, ["c1"], now=DURING))  # the links ended at closing
    answer(store, again["c1"], [Nomination("c1", "planning", "c2")], submit=True, version=1, now=DURING)
    assert close_round(store, round_id).status == "replaced"  # c1's answer is in the rewritten snapshot
    assert len(store.read_dataset("2026-07-20").collaborations) == 11 + 4


def test_dates_are_enforced_answers_from_the_opening_day_and_no_opening_after_the_closing_day(
        store: SQLiteStore) -> None:
    late = create_round(store, SPEC)
    with pytest.raises(SurveyError, match="closes on 2026-07-20, which has passed"):
        open_round(store, late, now=dt.datetime(2026, 7, 21, 9, tzinfo=dt.UTC))
    assert find_round(store, late).status == "draft" and store.round_links(late) == []  # nothing changed
    tokens = dict(open_round(store, late, now=dt.datetime(2026, 6, 20, tzinfo=dt.UTC)))  # links sent early
    with pytest.raises(RoundClosed, match="This survey opens on 2026-07-02"):
        answer(store, tokens["a1"], [], submit=True, version=0, now=dt.datetime(2026, 7, 1, 23, tzinfo=dt.UTC))
    assert answer(store, tokens["a1"], [], submit=True, version=0, now=dt.datetime(2026, 7, 2, tzinfo=dt.UTC)) == 1
    with pytest.raises(SurveyError, match="closes on 2026-07-20, which has passed"):  # nor reissued then
        issue_links(store, late, ["a1"], now=dt.datetime(2026, 7, 21, tzinfo=dt.UTC))
    with pytest.raises(RoundClosed, match="This survey closed on 2026-07-20: answers can no longer"):  # so no
        answer(store, tokens["b1"], [], submit=True, version=0,  # "expired, ask for a new one"
               now=dt.datetime(2026, 7, 21, 0, 0, 1, tzinfo=dt.UTC))
    assert len(store.round_links(late)) == 11  # nothing revoked, nothing issued


def test_a_submission_stays_until_replaced_and_a_stale_page_changes_nothing(store: SQLiteStore) -> None:
    """a1 submits; a draft saved after (autosave, "Save as a draft", Enter in a field) leaves the submission
    counting; a page still at an older version is refused whatever it sends; "change my answers" starts a draft
    from the submission, which counts until the new one is submitted."""
    round_id = create_round(store, SPEC)
    token = dict(open_round(store, round_id, now=DURING))["a1"]
    first = [Nomination("a1", "planning", "b1")]
    assert answer(store, token, first, submit=True, version=0, now=DURING) == 1
    assert answer(store, token, [], submit=False, version=1, now=DURING) == 2
    assert store.read_answers(round_id) == ([(first[0], "2026-07-10")], {"a1": "2026-07-10"})
    for submit in (False, True):  # the tab opened before the draft above
        with pytest.raises(StaleAnswers, match="Reload the page"):
            answer(store, token, [Nomination("a1", "planning", "c1")], submit=submit, version=1, now=DURING)
    assert store.read_answers(round_id) == ([(first[0], "2026-07-10")], {"a1": "2026-07-10"})
    link = store.round_links(round_id)[0]
    assert form_state(store, link) == FormState(2, tuple(first), "2026-07-10", (), False)
    assert change_answers(store, token, version=2, now=DURING) == 3
    assert form_state(store, link).draft == tuple(first)  # the draft starts from the submission
    later = dt.datetime(2026, 7, 12, tzinfo=dt.UTC)
    answer(store, token, [Nomination("a1", "send", "c1")], submit=True, version=3, now=later)
    assert store.read_answers(round_id) == ([(Nomination("a1", "send", "c1"), "2026-07-12")], {"a1": "2026-07-12"})
    assert form_state(store, link).draft is None


def test_a_reminder_link_cannot_replace_answers_submitted_through_the_first_link(store: SQLiteStore) -> None:
    """Issue 25 review: a reminder keeps the first link working, so whoever holds the reminder file must not
    overwrite, unseen, what the person then submitted through the first link; a reissue (revoking it) may."""
    round_id = create_round(store, SPEC)
    first = dict(open_round(store, round_id, now=DURING))["a1"]
    reminder = dict(issue_links(store, round_id, ["a1"], now=DURING, keep_old=True))["a1"]  # as remind() does
    answer(store, first, [Nomination("a1", "planning", "b1")], submit=True, version=0, now=DURING)
    shown = form_state(store, link_of(store, reminder, DURING)[0])
    assert shown == FormState(1, None, None, None, True, locked_elsewhere=True)
    for submit in (True, False):
        with pytest.raises(SurveyError, match="already submitted through the link sent to you earlier; use that"):
            answer(store, reminder, [Nomination("a1", "planning", "c1")], submit=submit, version=1, now=DURING)
    assert store.read_answers(round_id)[0] == [(Nomination("a1", "planning", "b1"), "2026-07-10")]
    assert not form_state(store, link_of(store, first, DURING)[0]).locked_elsewhere
    new = dict(issue_links(store, round_id, ["a1"], now=DURING))["a1"]  # a reissue revokes both
    assert not form_state(store, link_of(store, new, DURING)[0]).locked_elsewhere
    answer(store, new, [Nomination("a1", "planning", "c1")], submit=True, version=1, now=DURING)
    assert store.read_answers(round_id)[0] == [(Nomination("a1", "planning", "c1"), "2026-07-10")]


def test_a_reissued_link_never_shows_the_answers_saved_through_another(store: SQLiteStore) -> None:
    """Whoever holds a reissued link (or the file of links) must not read what the person answered before:
    the new link's form shows nothing of it, says it is kept and counted, and cannot copy it into a draft;
    submitting through the new link replaces it. Last round's answers are not offered either."""
    round_id = create_round(store, SPEC)
    old = dict(open_round(store, round_id, now=DURING))["a1"]
    answer(store, old, [Nomination("a1", "planning", "b1")], submit=True, version=0, now=DURING)
    answer(store, old, [Nomination("a1", "planning", "c1")], submit=False, version=1, now=DURING)
    new = dict(issue_links(store, round_id, ["a1"], now=DURING))["a1"]
    link = link_of(store, new, DURING)[0]
    assert form_state(store, link) == FormState(2, None, None, None, True)
    with pytest.raises(SurveyError, match="no answers submitted through this link"):
        change_answers(store, new, version=2, now=DURING)
    assert store.read_answers(round_id)[1] == {"a1": "2026-07-10"}  # kept and counted meanwhile
    answer(store, new, [Nomination("a1", "send", "c2")], submit=True, version=2, now=DURING)
    assert form_state(store, link) == FormState(3, (Nomination("a1", "send", "c2"),), "2026-07-10", None, False)
    close_round(store, round_id)
    later = create_round(store, SPEC)
    next_link = link_of(store, dict(open_round(store, later, now=DURING))["a1"], DURING)[0]
    assert form_state(store, next_link) == FormState(0, None, None, None, False)


def test_a_store_with_answers_from_before_sheets_converts_without_loss(tmp_path: Path) -> None:
    """tests/data/stores/survey-before-versions.db (schema 4): S1 submitted two names through a link since
    reissued, S2 left a draft through their only link. Converted: the same answers count; S2's draft shows on
    S2's form; S1's submission counts but, which of S1's two links saved it being unknown, no form shows it."""
    import shutil

    from tests.conftest import REPO

    path = tmp_path / "old.db"
    shutil.copy(REPO / "tests" / "data" / "stores" / "survey-before-versions.db", path)
    with SQLiteStore(path) as old:
        (kept,) = old.list_rounds()
        answers, submitted = old.read_answers(kept.round_id)
        assert [(n.respondent, n.target) for n, _day in answers] == [("S1", "S2"), ("S1", "S3")]
        assert submitted == {"S1": "2026-01-10"}
        s1 = old.read_sheet(kept.round_id, "S1")
        assert (s1.version, len(s1.submitted or ()), s1.submitted_via, s1.draft) == (1, 2, None, None)
        (s2_link,) = [k for k in old.round_links(kept.round_id) if k.staff_id == "S2"]
        assert form_state(old, s2_link) == FormState(1, None, None, (Nomination("S2", "planning", "S1"),), False)
        assert [r[0] for r in old._conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'survey%' "
                                                 "AND type = 'table' ORDER BY name")] == [
            "survey_answers", "survey_links", "survey_rounds", "survey_sheets"]


def test_neo4j_answers_from_before_sheets_convert_without_loss(neo4j_uri: str) -> None:
    """Nodes as netmap kept them before answer sheets (SurveyAnswer without a sheet, SurveyResponse for who
    submitted) become sheets when the schema is set up, twice changing nothing more: S1's submission bound to
    S1's only link, S2's draft to none (two links were issued: which one saved it is unknown)."""
    from netmap.store.survey_records import RoundRecord
    from netmap.survey.links import new_link
    from tests.conftest import neo4j_store
    from tests.neo4j_double import InClear

    old = neo4j_store(neo4j_uri)  # a database of an earlier netmap: before answer sheets, so in clear
    try:
        if old.list_rounds():
            pytest.skip("the Neo4j test database must hold no survey round")
        old._driver.execute_query("MATCH (k:Keyring) DELETE k", database_=old.database)
        old._shredder = InClear(old._shred().keys)
        with old:
            old.save_round(RoundRecord("old", "{}", "open", "2026-01-01T00:00:00+00:00"))
            until = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
            links = [new_link("old", p, until)[1] for p in ("S1", "S2", "S2")]
            old.add_links(links)
            old._driver.execute_query(
                "UNWIND $answers AS a CREATE (:SurveyAnswer {round_id: 'old', respondent: a[0], question: "
                "'planning', target: a[1], weight: 1, saved_on: '2026-01-10'}) WITH count(*) AS made "
                "CREATE (:SurveyResponse {round_id: 'old', staff_id: 'S1', submitted_on: '2026-01-10'})",
                answers=[["S1", "S2"], ["S1", "S3"], ["S2", "S1"]], database_=old.database)
        with neo4j_store(neo4j_uri) as store:  # opened by this netmap: answer sheets made, everyone sealed
            store.init_schema()  # idempotent
            assert not store._driver.execute_query("MATCH (n) WHERE n.staff_id = 'S1' OR n.respondent = 'S1' "
                                                   "RETURN n", database_=store.database).records
            answers, submitted = store.read_answers("old")
            assert [(n.respondent, n.target) for n, _day in answers] == [("S1", "S2"), ("S1", "S3")]
            assert submitted == {"S1": "2026-01-10"}
            s1, s2 = store.read_sheet("old", "S1"), store.read_sheet("old", "S2")
            assert (s1.version, len(s1.submitted or ()), s1.submitted_via, s1.draft) == (1, 2, links[0].digest, None)
            assert (s2.version, s2.submitted, s2.draft, s2.draft_via) == (
                1, None, (Nomination("S2", "planning", "S1"),), None)
            left = store._driver.execute_query("MATCH (r:SurveyResponse) RETURN count(r) AS n",
                                               database_=store.database).records[0]["n"]
            assert left == 0
    finally:
        old.close()
        with neo4j_store(neo4j_uri) as store:
            store.delete_round("old")
