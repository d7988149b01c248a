"""One contract every GraphStore keeps: the embedded store, and a live Neo4j (tests/neo4j_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from netmap.errors import StorageError
from netmap.graphs import read_graphs
from netmap.ingest.validate import read_trust
from netmap.store import GraphStore, SQLiteStore
from tests.conftest import REPO, edit, neo4j_store
from tests.trusts import PARTNERSHIP, SAMPLE


@pytest.fixture(params=["sqlite", "neo4j"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    s = SQLiteStore(tmp_path / "store.db") if request.param == "sqlite" else neo4j_store(
        request.getfixturevalue("neo4j_uri"))
    with s:
        if request.param == "neo4j" and s.list_snapshots():
            pytest.skip("the Neo4j test database must start empty (netmap forget DATE clears a snapshot)")
        yield s
        for info in s.list_snapshots():
            s.delete_snapshot(info.snapshot_id)
        for kept in s.list_rounds():
            s.delete_round(kept.round_id)


def test_deleting_a_snapshot_removes_it_and_only_it(store: GraphStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2025-12-01", source="autumn")
    store.write_snapshot(dataset, "2026-04-01", source="spring")
    store.delete_snapshot("2025-12-01")
    assert [s.as_of for s in store.list_snapshots()] == ["2026-04-01"]
    assert store.read_dataset().equals(dataset)
    with pytest.raises(StorageError, match="No snapshot 2025-12-01"):
        store.delete_snapshot("2025-12-01")


def test_round_trip_of_the_sample_trust(store: GraphStore) -> None:
    dataset, _ = read_trust(SAMPLE)
    result = store.write_snapshot(dataset, "2026-07-01", source="sample")
    assert result.status == "created"
    assert store.read_dataset("2026-07-01").equals(dataset)
    graphs = read_graphs(store)
    assert graphs.soft.number_of_nodes() == 1964 and graphs.as_of == "2026-07-01"


def test_round_trip_of_a_partnership_of_trusts(store: GraphStore) -> None:
    """Each school's trust (trust_id, trust_name: docs/partnerships.md) is kept and read back, and so is its
    content hash."""
    dataset, _ = read_trust(PARTNERSHIP)
    store.write_snapshot(dataset, "2026-07-01", source="partnership")
    back = store.read_dataset("2026-07-01")
    assert back.equals(dataset) and back.content_hash() == dataset.content_hash()
    assert list(store.read_table("2026-07-01", "schools")["trust_id"]) == ["NORTH", "NORTH", "SOUTH", "WEST"]


def test_reload_is_idempotent(store: GraphStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2026-01-01", source="tiny")
    before = store.list_snapshots()
    assert store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny").status == "unchanged"
    assert store.list_snapshots() == before
    assert store.read_dataset().equals(dataset)


def test_failed_load_leaves_the_previous_snapshot_intact(store: GraphStore, tiny: Path) -> None:
    original, _ = read_trust(tiny)
    store.write_snapshot(original, "2026-01-01", source="tiny")
    before = store.list_snapshots()
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    changed, _ = read_trust(tiny)

    def fail_part_way(rows: int) -> None:
        raise RuntimeError("power cut")

    for as_of, replace in (("2026-01-01", "2026-01-01"), ("2026-01-01", None), ("2026-02-01", None)):
        with pytest.raises((RuntimeError, StorageError)):  # replacing a snapshot, adding one on its date, another
            store.write_snapshot(changed, as_of, source="tiny", replace=replace, progress=fail_part_way)
        assert store.list_snapshots() == before
        assert store.read_dataset("2026-01-01").equals(original)


def test_snapshots_are_listed_oldest_first_and_kept_apart(store: GraphStore, tiny: Path) -> None:
    autumn, _ = read_trust(tiny)
    store.write_snapshot(autumn, "2025-12-01", source="autumn")
    edit(tiny, "staff", "S5,ASH,teacher", "S5,ASH,middle-leader")
    spring, _ = read_trust(tiny)
    store.write_snapshot(spring, "2026-04-01", source="spring")
    assert [(s.as_of, s.source, s.counts["staff"]) for s in store.list_snapshots()] == [
        ("2025-12-01", "autumn", 5), ("2026-04-01", "spring", 5)]
    assert store.read_dataset("2025-12-01").equals(autumn)
    assert store.read_dataset().equals(spring)


def test_an_analysis_write_cut_short_reads_as_absent(store: GraphStore, tiny: Path) -> None:
    """Whatever order the parts come in and however many transactions a store takes, a write that fails part-way
    leaves nothing a read takes for an analysis: none, or the complete set kept before, never a mixture."""
    info = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").snapshot
    old = [("meta", b"old meta"), *((f"staff/{n}", b"old %d" % n) for n in range(20))]

    def cut_short() -> Iterator[tuple[str, bytes]]:
        yield "meta", b"new meta"
        yield from ((f"staff/{n}", b"new %d" % n) for n in range(20))  # more than a Neo4j transaction takes
        raise RuntimeError("building a part failed")

    with pytest.raises(RuntimeError, match="building a part failed"):
        store.write_analysis(info, "k", cut_short())
    assert store.read_analysis(info, "k") is None
    store.write_analysis(info, "k", old)
    with pytest.raises(RuntimeError, match="building a part failed"):
        store.write_analysis(info, "k", cut_short())
    assert store.read_analysis(info, "k") in (None, sorted(old))


def test_a_missing_snapshot_names_the_stored_ones(store: GraphStore, tiny: Path) -> None:
    with pytest.raises(StorageError, match="holds no snapshot yet"):
        store.read_dataset()
    store.write_snapshot(read_trust(tiny)[0], "2026-01-01", source="tiny")
    with pytest.raises(StorageError, match="No snapshot 2025-01-01. Stored snapshots: 2026-01-01."):
        store.read_dataset("2025-01-01")


def test_an_analysis_is_kept_with_its_snapshot_and_goes_with_it(store: GraphStore, tiny: Path) -> None:
    first = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny").snapshot
    assert store.read_analysis(first, "k1") is None
    parts = [("meta", b'{"as_of": "2026-01-05"}'), ("staff/0", bytes(range(256)) * 40)]
    store.write_analysis(first, "k1", parts)
    assert store.read_analysis(first, "k1") == parts
    assert store.read_analysis(first, "k2") is None  # other options
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    second = store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny", replace="2026-01-05").snapshot
    assert store.read_analysis(second, "k1") is None and store.read_analysis(first, "k1") is None
    store.write_analysis(first, "k1", parts)  # an analysis of contents no longer stored is not kept
    assert store.read_analysis(first, "k1") is None
    store.write_analysis(second, "k1", parts)
    store.delete_snapshot("2026-01-05")
    store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny")
    assert store.read_analysis(store.snapshot(), "k1") is None  # deleted with its snapshot


def test_one_table_is_read_alone_as_it_was_written(store: GraphStore) -> None:
    dataset, _ = read_trust(SAMPLE)
    store.write_snapshot(dataset, "2026-07-01", source="sample")
    for name in ("schools", "groups", "tie_kinds"):
        assert store.read_table("2026-07-01", name).equals(dataset.table(name)), name


def test_survey_rounds_links_and_answers_are_kept_and_replaced_whole(store: GraphStore) -> None:
    """A round, its links (digests only), a draft replaced by submitted answers, revocation and deletion."""
    import datetime as dt

    from netmap.store.survey_records import AnswerSheet, RoundRecord, SheetSave
    from netmap.survey.answers import Nomination
    from netmap.survey.links import digest, new_link

    store.save_round(RoundRecord("r1", '{"title": "Summer"}', "draft", "2026-05-01T09:00:00+00:00"))
    store.save_round(RoundRecord("r1", '{"title": "Summer 2026"}', "open", "2026-06-01T09:00:00+00:00"))
    assert store.list_rounds() == [RoundRecord("r1", '{"title": "Summer 2026"}', "open",
                                               "2026-05-01T09:00:00+00:00")]  # created_at kept from the first
    until = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    (token_a, link_a), (_token_b, link_b) = new_link("r1", "a1", until), new_link("r1", "b1", until)
    store.add_links([link_a, link_b])
    assert store.find_link(digest(token_a)) == link_a and store.find_link(digest("a guess")) is None
    assert token_a not in repr(store.round_links("r1"))  # only digests are kept
    draft = (Nomination("a1", "planning", "b1"), Nomination("a1", "planning", "c1"))
    assert store.save_sheet(SheetSave("r1", "a1", 0, link_a.digest, draft, "2026-06-02", submit=False)) == 1
    assert store.read_answers("r1") == ([], {})  # a draft is not an answer
    assert store.read_sheet("r1", "a1") == AnswerSheet(1, None, None, None, draft, link_a.digest)
    sent = (Nomination("a1", "send", "c1", 3),)
    assert store.save_sheet(SheetSave("r1", "a1", 1, link_a.digest, sent, "2026-06-03", submit=True)) == 2
    assert store.read_answers("r1") == ([(sent[0], "2026-06-03")], {"a1": "2026-06-03"})
    assert store.read_sheet("r1", "a1") == AnswerSheet(2, sent, "2026-06-03", link_a.digest, None, None)
    store.save_sheet(SheetSave("r1", "a1", 2, link_a.digest, (), "2026-06-04", submit=False))  # an empty draft
    assert store.read_answers("r1") == ([(sent[0], "2026-06-03")], {"a1": "2026-06-03"})  # still submitted
    assert store.read_sheet("r1", "a1").draft == ()
    assert store.revoke_links("r1", ["b1"], "2026-06-05T10:00:00+00:00") == 1
    assert store.find_link(link_b.digest).revoked_at == "2026-06-05T10:00:00+00:00"
    assert store.revoke_links("r1", None, "2026-06-06T10:00:00+00:00") == 1  # a1's; b1's already revoked
    store.delete_round("r1")
    assert store.list_rounds() == [] and store.find_link(link_a.digest) is None and store.round_links("r1") == []


def test_a_survey_round_runs_and_closes_into_a_snapshot_on_every_store(store: GraphStore, tiny: Path) -> None:
    """The service end to end on the store: open over the tiny trust's staff, one answer, close (a snapshot of the
    answers, all-or-nothing like a load), close again (unchanged)."""
    import datetime as dt

    from netmap.survey.answers import Nomination
    from netmap.survey.questions import QUESTION_BANK
    from netmap.survey.rounds import RoundSpec
    from netmap.survey.service import answer, close_round, create_round, open_round
    from tests.trusts import NOTICE

    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2026-01-01", source="tiny")
    spec = RoundSpec("Spring", "2026-01-01", (QUESTION_BANK["planning"],), opens_on="2026-01-02",
                     closes_on="2026-01-20", privacy_notice=NOTICE)
    round_id = create_round(store, spec)
    tokens = dict(open_round(store, round_id, now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC)))
    people = sorted(tokens)
    answer(store, tokens[people[0]], [Nomination(people[0], "planning", people[1])], submit=True, version=0,
           now=dt.datetime(2026, 1, 10, tzinfo=dt.UTC))
    assert close_round(store, round_id).status == "created"
    written = store.read_dataset("2026-01-20")
    answered = written.collaborations[written.collaborations["question"].notna()]  # the base's ties carried over
    assert list(zip(answered["source_staff_id"], answered["target_staff_id"], strict=True)) == [(people[0], people[1])]
    assert len(written.collaborations) == len(dataset.collaborations) + 1
    assert close_round(store, round_id).status == "unchanged"


def test_an_answer_sheet_is_saved_only_from_its_current_version_while_open(store: GraphStore) -> None:
    """Compare-and-set: a save quoting an older version is refused and changes nothing; a draft never replaces
    the submission; a revoked link saves nothing; after the fence (close_to_answers) every save is refused, and
    the fence is idempotent."""
    import datetime as dt

    from netmap.errors import RoundClosed, StaleAnswers
    from netmap.store.survey_records import RoundRecord, SheetSave
    from netmap.survey.answers import Nomination
    from netmap.survey.links import new_link

    store.save_round(RoundRecord("r2", '{"title": "Autumn"}', "open", "2026-09-01T09:00:00+00:00"))
    until = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    (_t, link), (_u, other) = new_link("r2", "a1", until), new_link("r2", "b1", until)
    store.add_links([link, other])
    sent = (Nomination("a1", "planning", "b1"),)
    assert store.save_sheet(SheetSave("r2", "a1", 0, link.digest, sent, "2026-09-02", submit=True)) == 1
    before = store.read_sheet("r2", "a1")
    with pytest.raises(StaleAnswers, match="changed in another tab"):  # an older tab, still at version 0
        store.save_sheet(SheetSave("r2", "a1", 0, link.digest, (), "2026-09-03", submit=False))
    with pytest.raises(StaleAnswers):
        store.save_sheet(SheetSave("r2", "a1", 0, link.digest, (), "2026-09-03", submit=True))
    assert store.read_sheet("r2", "a1") == before
    with pytest.raises(RoundClosed, match="withdrawn"):  # b1's link saves nothing for a1
        store.save_sheet(SheetSave("r2", "a1", 1, other.digest, (), "2026-09-03", submit=True))
    store.revoke_links("r2", ["a1"], "2026-09-04T10:00:00+00:00")
    with pytest.raises(RoundClosed, match="withdrawn"):
        store.save_sheet(SheetSave("r2", "a1", 1, link.digest, (), "2026-09-04", submit=True))
    assert store.read_sheet("r2", "a1") == before
    assert store.close_to_answers("r2") == "open"
    assert store.list_rounds()[0].status == "closed"
    with pytest.raises(RoundClosed, match="This survey round has closed"):
        store.save_sheet(SheetSave("r2", "b1", 0, other.digest, (), "2026-09-05", submit=True))
    assert store.close_to_answers("r2") == "closed"
    assert store.read_answers("r2") == ([(sent[0], "2026-09-02")], {"a1": "2026-09-02"})


def test_a_submission_is_replaced_only_through_its_own_link_while_that_link_works(store: GraphStore) -> None:
    """Issue 25 review: a1 holds two live links (a reminder keeps the first working). Before any submission
    either saves; once one submits, the other saves nothing (draft or submission) and changes nothing, until a
    reissue revokes them and the new link may replace the submission."""
    import datetime as dt

    from netmap.errors import SurveyError
    from netmap.store.survey_records import RoundRecord, SheetSave
    from netmap.survey.answers import Nomination
    from netmap.survey.links import new_link

    store.save_round(RoundRecord("r3", '{"title": "Spring"}', "open", "2026-03-01T09:00:00+00:00"))
    until = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    (_t, first), (_u, reminder) = new_link("r3", "a1", until), new_link("r3", "a1", until)
    store.add_links([first, reminder])
    real = (Nomination("a1", "planning", "b1"),)
    assert store.save_sheet(SheetSave("r3", "a1", 0, reminder.digest, (), "2026-03-02", submit=False)) == 1
    assert store.save_sheet(SheetSave("r3", "a1", 1, first.digest, real, "2026-03-03", submit=True)) == 2
    kept = store.read_sheet("r3", "a1")
    forged = (Nomination("a1", "planning", "c1"),)
    for submit in (True, False):
        with pytest.raises(SurveyError, match="already submitted through the link sent to you earlier; use that"):
            store.save_sheet(SheetSave("r3", "a1", 2, reminder.digest, forged, "2026-03-04", submit=submit))
    assert store.read_sheet("r3", "a1") == kept
    assert store.read_answers("r3") == ([(real[0], "2026-03-03")], {"a1": "2026-03-03"})
    assert store.save_sheet(SheetSave("r3", "a1", 2, first.digest, forged, "2026-03-04", submit=True)) == 3
    store.revoke_links("r3", ["a1"], "2026-03-05T10:00:00+00:00")  # a reissue: the old links go, a new one comes
    (_v, reissued) = new_link("r3", "a1", until)
    store.add_links([reissued])
    assert store.save_sheet(SheetSave("r3", "a1", 3, reissued.digest, real, "2026-03-05", submit=True)) == 4
    assert store.read_answers("r3") == ([(real[0], "2026-03-05")], {"a1": "2026-03-05"})


def test_closing_is_a_fence_for_concurrent_submissions(store: GraphStore) -> None:
    """40 respondents submit from their own threads while the round closes: every save acknowledged is in the
    answers read after the fence, and every other one was refused as closed (none lost, none half-kept)."""
    import datetime as dt
    import threading

    from netmap.errors import RoundClosed
    from netmap.store.survey_records import RoundRecord, SheetSave
    from netmap.survey.answers import Nomination
    from netmap.survey.links import new_link

    people = [f"p{k:02d}" for k in range(40)]
    store.save_round(RoundRecord("r3", '{"title": "Race"}', "open", "2026-09-01T09:00:00+00:00"))
    links = {p: new_link("r3", p, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))[1] for p in people}
    store.add_links(list(links.values()))
    acknowledged, refused, failed = set(), set(), []
    start = threading.Barrier(len(people) + 1)
    opened = _opened_like(store)

    def submit(person: str) -> None:
        with opened() as mine:
            start.wait()
            try:
                mine.save_sheet(SheetSave("r3", person, 0, links[person].digest,
                                          (Nomination(person, "planning", "p00" if person != "p00" else "p01"),),
                                          "2026-09-02", submit=True))
                acknowledged.add(person)
            except RoundClosed:
                refused.add(person)
            except Exception as exc:  # noqa: BLE001 - reported below
                failed.append(repr(exc))

    threads = [threading.Thread(target=submit, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    start.wait()
    store.close_to_answers("r3")
    answers, submitted = store.read_answers("r3")
    for thread in threads:
        thread.join(timeout=60)
    assert failed == [] and acknowledged | refused == set(people)
    assert set(submitted) == acknowledged == {n.respondent for n, _day in answers}
    assert store.read_answers("r3") == (answers, submitted)  # nothing landed after the fence


def _opened_like(store: GraphStore):  # noqa: ANN202 - a context manager factory
    """Another connection to the same store, as another web thread has (a SQLite connection stays in its thread;
    Neo4j's driver is shared)."""
    from contextlib import nullcontext

    if isinstance(store, SQLiteStore):
        return lambda: SQLiteStore(store.path)
    return lambda: nullcontext(store)


def test_two_snapshots_on_one_date_are_both_kept(store: GraphStore, tiny: Path) -> None:
    """A load, then other contents on its date (another source): a second snapshot with its own id, the first
    untouched; the date's latest is the one written last; each is read, analysed and forgotten by its id."""
    first_data, _ = read_trust(tiny)
    first = store.write_snapshot(first_data, "2026-07-01", source="july files").snapshot
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    second_data, _ = read_trust(tiny)
    second = store.write_snapshot(second_data, "2026-07-01", source="another export")
    assert (first.snapshot_id, second.status, second.snapshot.snapshot_id) == ("2026-07-01", "created",
                                                                                "2026-07-01-2")
    listed = store.list_snapshots()
    assert [(s.snapshot_id, s.as_of, s.source) for s in listed] == [
        ("2026-07-01", "2026-07-01", "july files"), ("2026-07-01-2", "2026-07-01", "another export")]
    assert store.snapshot().snapshot_id == "2026-07-01-2"
    assert store.read_dataset("2026-07-01").equals(first_data)
    assert store.read_dataset("2026-07-01-2").equals(second_data)
    assert store.read_table("2026-07-01", "staff").equals(first_data.staff)
    store.write_analysis(listed[0], "k", [("meta", b"first")])
    store.write_analysis(listed[1], "k", [("meta", b"second")])
    assert store.read_analysis(listed[0], "k") == [("meta", b"first")]
    third = store.write_snapshot(first_data, "2026-07-01", source="a third source")
    assert third.snapshot.snapshot_id == "2026-07-01-3"
    store.delete_snapshot("2026-07-01")
    assert [s.snapshot_id for s in store.list_snapshots()] == ["2026-07-01-2", "2026-07-01-3"]
    assert store.read_analysis(listed[1], "k") == [("meta", b"second")]
    fourth = store.write_snapshot(second_data, "2026-07-01", source="a fourth source")
    assert fourth.snapshot.snapshot_id == "2026-07-01"  # the date's own id is free again


def test_a_snapshot_is_replaced_only_when_asked_by_its_id(store: GraphStore, tiny: Path) -> None:
    original, _ = read_trust(tiny)
    store.write_snapshot(original, "2026-07-01", source="july files")
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    changed, _ = read_trust(tiny)
    other = store.write_snapshot(changed, "2026-07-01", source="july files")  # same source, other contents
    assert (other.status, other.snapshot.snapshot_id) == ("created", "2026-07-01-2")
    before = store.list_snapshots()
    with pytest.raises(StorageError, match="There is no snapshot 2026-07-09 to replace"):
        store.write_snapshot(changed, "2026-07-01", source="july files", replace="2026-07-09")
    assert store.list_snapshots() == before
    replaced = store.write_snapshot(changed, "2026-07-01", source="corrected july files", replace="2026-07-01")
    assert (replaced.status, replaced.snapshot.snapshot_id) == ("replaced", "2026-07-01")
    assert store.read_dataset("2026-07-01").equals(changed)
    assert {(s.snapshot_id, s.source) for s in store.list_snapshots()} == {
        ("2026-07-01", "corrected july files"), ("2026-07-01-2", "july files")}
    again = store.write_snapshot(changed, "2026-07-01", source="corrected july files", replace="2026-07-01")
    assert again.status == "unchanged"


def test_reloading_the_same_files_finds_their_snapshot_among_others_on_its_date(store: GraphStore,
                                                                                tiny: Path) -> None:
    original, _ = read_trust(tiny)
    edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
    store.write_snapshot(read_trust(tiny)[0], "2026-07-01", source="survey round r1: Summer")
    store.write_snapshot(original, "2026-07-01", source="july files")
    before = store.list_snapshots()
    again = store.write_snapshot(original, "2026-07-01", source="july files")
    assert (again.status, again.snapshot.snapshot_id) == ("unchanged", "2026-07-01-2")
    assert store.list_snapshots() == before


def _closed_round(store: GraphStore, base: str, title: str, closes_on: str, answers: int) -> str:
    """A round over snapshot `base`, opened, `answers` respondents each naming the next person, closed."""
    import datetime as dt

    from netmap.survey.answers import Nomination
    from netmap.survey.questions import QUESTION_BANK
    from netmap.survey.rounds import RoundSpec
    from netmap.survey.service import answer, close_round, create_round, open_round
    from tests.trusts import NOTICE

    spec = RoundSpec(title, base, (QUESTION_BANK["planning"],), opens_on="2026-01-02", closes_on=closes_on,
                     privacy_notice=NOTICE)
    round_id = create_round(store, spec)
    tokens = dict(open_round(store, round_id, now=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)))
    people = sorted(tokens)
    for who, named in list(zip(people, people[1:], strict=False))[:answers]:
        answer(store, tokens[who], [Nomination(who, "planning", named)], submit=True, version=0,
               now=dt.datetime(2026, 1, 10, tzinfo=dt.UTC))
    close_round(store, round_id)
    return round_id


def test_rounds_closing_on_a_loads_date_keep_the_load_and_each_other(store: GraphStore, tiny: Path) -> None:
    """The issue's two losses: a round closing on the day a load is dated replaced the load's ties; two rounds
    closing the same day kept only the second. Now each close writes its own snapshot, named in its record, and
    closing a round again rewrites that one alone."""
    from netmap.survey.service import close_round, find_round, reopen_round

    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2026-01-01", source="tiny")
    store.write_snapshot(dataset, "2026-01-20", source="january files")  # the load the rounds must not touch
    first = _closed_round(store, "2026-01-01", "Planning", "2026-01-20", answers=1)
    second = _closed_round(store, "2026-01-01", "Wellbeing", "2026-01-20", answers=2)
    assert [(s.snapshot_id, s.source.split(":")[0]) for s in store.list_snapshots()] == [
        ("2026-01-01", "tiny"), ("2026-01-20", "january files"), ("2026-01-20-2", f"survey round {first}"),
        ("2026-01-20-3", f"survey round {second}")]
    assert store.read_dataset("2026-01-20").equals(dataset)  # the load's ties kept
    carried = len(dataset.collaborations)  # a round carries its base's ties over
    assert len(store.read_dataset("2026-01-20-2").collaborations) == carried + 1
    assert len(store.read_dataset("2026-01-20-3").collaborations) == carried + 2
    assert [find_round(store, r).snapshot_as_of for r in (first, second)] == ["2026-01-20-2", "2026-01-20-3"]
    reopen_round(store, first)
    again = close_round(store, first)
    assert (again.status, again.snapshot.snapshot_id) == ("unchanged", "2026-01-20-2")
    assert len(store.list_snapshots()) == 4


def test_a_round_closed_before_snapshot_ids_never_takes_over_a_load(store: GraphStore, tiny: Path) -> None:
    """A round closed by an earlier netmap recorded its closing date; if a load has since taken that date's
    snapshot, closing the round again writes a new snapshot of its own."""
    import dataclasses

    from netmap.survey.service import close_round, find_round, reopen_round

    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2026-01-01", source="tiny")
    round_id = _closed_round(store, "2026-01-01", "Planning", "2026-01-20", answers=1)
    store.delete_snapshot(find_round(store, round_id).snapshot_as_of)
    store.write_snapshot(dataset, "2026-01-20", source="january files")
    store.save_round(dataclasses.replace(find_round(store, round_id), snapshot_as_of="2026-01-20"))
    reopen_round(store, round_id)
    result = close_round(store, round_id)
    assert (result.status, result.snapshot.snapshot_id) == ("created", "2026-01-20-2")
    assert store.read_dataset("2026-01-20").equals(dataset)


def test_a_store_written_before_snapshot_ids_keeps_each_date_as_its_id(store: GraphStore, tiny: Path,
                                                                       request: pytest.FixtureRequest) -> None:
    """tests/data/stores/tiny-before-tie-kinds.db (SQLite schema 3), and on Neo4j Snapshot nodes stripped of their
    id: each snapshot's date becomes its id, its contents and analyses stay, and a new load of its date is a
    second snapshot beside it."""
    import shutil
    from contextlib import nullcontext

    if isinstance(store, SQLiteStore):
        path = Path(request.getfixturevalue("tmp_path")) / "old.db"
        shutil.copy(REPO / "tests" / "data" / "stores" / "tiny-before-tie-kinds.db", path)
        old: GraphStore = SQLiteStore(path)
        opened: AbstractContextManager[GraphStore] = old
    else:
        store.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny")
        store._driver.execute_query("MATCH (s:Snapshot) REMOVE s.public_id", database_=store.database)  # type: ignore[attr-defined]
        assert [s.snapshot_id for s in store.list_snapshots()] == ["2026-01-05"]  # readable before converting
        store.init_schema()
        store.init_schema()  # idempotent
        old, opened = store, nullcontext(store)  # the fixture closes it
    with opened:
        (info,) = old.list_snapshots()
        assert (info.snapshot_id, info.as_of) == ("2026-01-05", "2026-01-05")
        assert old.read_dataset("2026-01-05").equals(read_trust(tiny)[0])
        edit(tiny, "staff", "Alan Turing", "Alan M. Turing")
        added = old.write_snapshot(read_trust(tiny)[0], "2026-01-05", source="tiny")
        assert (added.status, added.snapshot.snapshot_id) == ("created", "2026-01-05-2")
        assert old.read_dataset("2026-01-05").staff["name"].tolist() != old.read_dataset("2026-01-05-2").staff[
            "name"].tolist()


def test_thresholds_are_kept_per_snapshot_and_go_with_it(store: GraphStore, tiny: Path) -> None:
    dataset, _ = read_trust(tiny)
    store.write_snapshot(dataset, "2025-12-01", source="autumn")
    store.write_snapshot(dataset, "2026-04-01", source="spring")
    assert store.read_thresholds("2026-04-01") == {}
    store.write_thresholds("2026-04-01", {"tie_window_days": "800", "min_response_rate": "0.75"})
    store.write_thresholds("2026-04-01", {"tie_window_days": "900"})
    assert store.read_thresholds("2026-04-01") == {"tie_window_days": "900"}
    assert store.read_thresholds("2025-12-01") == {}
    with pytest.raises(StorageError, match="No snapshot 2027-01-01"):
        store.write_thresholds("2027-01-01", {"tie_window_days": "900"})
    edit(tiny, "staff", "Ada Lovelace", "Ada King")
    store.write_snapshot(read_trust(tiny)[0], "2026-04-01", source="spring", replace="2026-04-01")
    assert store.read_thresholds("2026-04-01") == {}  # new contents start from the defaults
    store.write_thresholds("2025-12-01", {"tie_window_days": "900"})
    store.delete_snapshot("2025-12-01")
    store.write_snapshot(dataset, "2025-12-01", source="autumn")
    assert store.read_thresholds("2025-12-01") == {}
