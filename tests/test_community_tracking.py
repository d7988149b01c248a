"""Informal communities followed between two snapshots (docs/metrics.md, communities.csv): Jaccard matching at
0.3 over people in post at both dates, events read the same both ways (a merger backwards is a split), every part
listed."""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from netmap.analysis.compare import MIRROR, community_events, track_communities

Changes = set[tuple[frozenset[int], frozenset[int], str]]


def _labels(*communities: str, first: int = 1) -> dict[Hashable, int]:
    """Person -> community number, each community a string of one-letter people, numbered from `first`."""
    return {person: number for number, people in enumerate(communities, start=first) for person in people}


def _changes(events: pd.DataFrame) -> Changes:
    """Each change as (earlier communities, later communities, event)."""
    found = set()
    for _, rows in events.groupby("change"):
        found.add((frozenset(int(c) for c in rows["community_before"].dropna()),
                   frozenset(int(d) for d in rows["community_after"].dropna()), rows["event"].iloc[0]))
    return found


def _mirrored(changes: Changes) -> Changes:
    return {(after, before, MIRROR[event]) for before, after, event in changes}


MERGE_BEFORE = _labels("abcde", "fgh")  # 5 + 3
MERGE_AFTER = _labels("abcdefgh")


def test_a_merger_of_five_and_three_is_a_split_into_five_and_three_backwards() -> None:
    forwards = track_communities(MERGE_BEFORE, MERGE_AFTER)
    assert _changes(forwards) == {(frozenset({1, 2}), frozenset({1}), "merged")}
    assert list(forwards[["community_before", "community_after", "size_before", "size_after", "shared"]]
                .itertuples(index=False, name=None)) == [(1, 1, 5, 8, 5), (2, 1, 3, 8, 3)]
    assert list(forwards["overlap"]) == [5 / 8, 3 / 8]
    backwards = track_communities(MERGE_AFTER, MERGE_BEFORE)
    assert _changes(backwards) == {(frozenset({1}), frozenset({1, 2}), "split")}
    assert community_events(backwards) == ["Community 1 (8 people) split into 1 (5 people) and 2 (3 people)."]
    assert community_events(forwards) == ["Communities 1 (5 people) and 2 (3 people) merged into 1 (8 people)."]


def test_a_three_way_split_lists_every_part() -> None:
    before, after = _labels("abcdefghij"), _labels("abcd", "efg", "hij")
    events = track_communities(before, after)
    assert _changes(events) == {(frozenset({1}), frozenset({1, 2, 3}), "split")}
    assert sorted(events["community_after"]) == [1, 2, 3]
    assert community_events(events) == [
        "Community 1 (10 people) split into 1 (4 people), 2 (3 people) and 3 (3 people)."]
    assert _changes(track_communities(after, before)) == {(frozenset({1, 2, 3}), frozenset({1}), "merged")}


def test_continued_with_churn_born_and_dissolved() -> None:
    """1 keeps a-g, loses h (left), gains x (joined): continued. 2 = {m, n} left the trust: dissolved. 3 = {y, z}
    joined: born. A person moving out of a large community does not make it split."""
    before = _labels("abcdefgh", "mn", "pqrstu")
    after = {**_labels("abcdefgx", "yz", "pqrst", first=1), "u": 4}
    events = track_communities(before, after)
    assert _changes(events) == {(frozenset({1}), frozenset({1}), "continued"),
                                (frozenset({2}), frozenset(), "dissolved"),
                                (frozenset({3}), frozenset({3}), "continued"),
                                (frozenset(), frozenset({2}), "born"),
                                (frozenset(), frozenset({4}), "born")}
    first = events[(events["community_before"] == 1)].iloc[0]
    assert (first["size_before"], first["size_after"], first["shared"], first["overlap"]) == (8, 8, 7, 1.0)
    assert community_events(events) == ["Community 2 (2 people) dissolved.", "Community 2 (2 people) is new.",
                                        "Community 4 (1 person) is new."]
    assert _changes(track_communities(after, before)) == _mirrored(_changes(events))


def test_regrouped_when_several_meet_several() -> None:
    """Half of each of two communities swap: every pair overlaps 3 / 9 (at least 0.3), so all four match."""
    before, after = _labels("abcdef", "ghijkl"), _labels("abcghi", "defjkl")
    events = track_communities(before, after)
    assert _changes(events) == {(frozenset({1, 2}), frozenset({1, 2}), "regrouped")} and len(events) == 4
    assert community_events(events) == [
        "Communities 1 (6 people) and 2 (6 people) regrouped into 1 (6 people) and 2 (6 people)."]


def test_a_snapshot_against_itself_continues_every_community() -> None:
    events = track_communities(MERGE_BEFORE, MERGE_BEFORE)
    assert set(events["event"]) == {"continued"} and list(events["community_before"]) == list(
        events["community_after"])


@settings(deadline=None, derandomize=True)  # no timing in tests; the same examples every run
@given(st.dictionaries(st.sampled_from("abcdefghijklmnop"), st.integers(1, 4), max_size=16),
       st.dictionaries(st.sampled_from("abcdefghijklmnop"), st.integers(1, 4), max_size=16))
def test_reversing_the_pair_mirrors_every_event(before: dict[Hashable, int], after: dict[Hashable, int]) -> None:
    forwards, backwards = track_communities(before, after), track_communities(after, before)
    assert _changes(backwards) == _mirrored(_changes(forwards))
    assert len(forwards) == len(backwards)
