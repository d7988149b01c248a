"""People and schools named on the command line by id or by name (netmap.naming)."""

from __future__ import annotations

import pytest

from netmap.errors import AnalysisError
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.naming import NameIndex, folded, matching_names, narrowed, school_id_of, staff_id_of, typed_words
from tests.trusts import PLANTED


@pytest.fixture(scope="module")
def graphs():  # noqa: ANN201 - TrustGraphs
    return build_graphs(read_trust(PLANTED)[0], "2026-07-01")


def test_an_id_a_whole_name_or_enough_of_one(graphs) -> None:  # noqa: ANN001
    assert staff_id_of(graphs, "a2") == "a2"
    assert staff_id_of(graphs, "maths teacher a") == "a2"   # any case
    assert staff_id_of(graphs, "Head of C") == "c1"         # whole name, though "Head of C" is in no other name
    assert staff_id_of(graphs, "isolate") == "a4"           # one person's name contains it
    assert school_id_of(graphs, "damson") == "D" and school_id_of(graphs, "B") == "B"


def test_several_or_none_say_who_matched(graphs) -> None:  # noqa: ANN001
    with pytest.raises(AnalysisError, match=r"5 people in post match 'head': Head of A \(a1\), Head of B \(b1\)"):
        staff_id_of(graphs, "head")
    with pytest.raises(AnalysisError, match="No member of staff in post in the snapshot of 2026-07-01 has the id or "
                                            "name 'nobody'"):
        staff_id_of(graphs, "nobody")
    with pytest.raises(AnalysisError, match="3 schools match 'primary'"):
        school_id_of(graphs, "primary")


NAMES = {"p1": "Łukasz Nowak", "p2": "Liam Williams", "p3": "William Liamson", "p4": "Siobhán O'Brien",
         "p5": "Anne-Marie Groß", "p6": "Søren Ærø", "p7": "Đorđe Li", "p8": "Mary Ann Smith"}


@pytest.mark.parametrize(("typed", "found"), [
    ("lukasz", ["p1"]), ("ŁUKASZ now", ["p1"]), ("nowak łuk", ["p1"]),          # transliterated, any order
    ("Liam Williams", ["p2"]), ("williams liam", ["p2"]), ("liam will", ["p2", "p3"]),
    ("liam", ["p2", "p3"]), ("liams", ["p3"]),  # whole words first (Liam), then starts of words (Liamson)
    ("o’brien", ["p4"]), ("o‘brien", ["p4"]), ("o`brien", ["p4"]), ("obrien", ["p4"]), ("o brien", ["p4"]),
    ("siobhan", ["p4"]), ("brien", ["p4"]),
    ("anne marie gross", ["p5"]), ("anne-marie", ["p5"]), ("annemarie", ["p5"]), ("marie", ["p5"]),
    ("soren aero", ["p6"]), ("dorde", ["p7"]), ("li", ["p7", "p2", "p3"]), ("maryann", ["p8"]),
    ("iam", []), ("illiams", []), ("   ", []), ("'-", []),  # a word must begin a word of the name
])
def test_one_rule_finds_names_whatever_the_spelling(typed: str, found: list[str]) -> None:
    """The rule the command line, the web's person search and the survey's roster share: the scan and the
    index give the same people in the same order."""
    assert [i for i, _n in matching_names(NAMES, typed)] == found
    ids = sorted(NAMES, key=lambda i: NAMES[i])  # the index's own order: by name
    index = NameIndex([NAMES[i] for i in ids])
    assert [ids[k] for k in index.search(typed, 8)] == found


def test_the_index_offers_a_few_but_every_namesake_of_a_whole_name() -> None:
    names = [f"Lily Cooper{'' if k % 2 else 's'}" for k in range(20)] + ["Lily Coopers-Hart"]
    index = NameIndex(names)
    assert len(index.search("lily coo", 8)) == 8            # a few of the 21
    namesakes = index.search("cooper lily", 8)               # the whole name of ten people: all ten
    assert sorted(namesakes) == [k for k in range(20) if k % 2]
    assert index.search("lily cooper", 8, keep=lambda k: k > 15) == [17, 19, 16, 18, 20]  # whole name first


def test_folding_and_typed_words() -> None:
    assert folded("Zoë Łukasz Straße Æsa Đorđe") == "zoe lukasz strasse aesa dorde"
    assert typed_words(" O’Brien-Smith,  liam ") == ("obrien", "smith", "liam")
    assert narrowed([("a", "Siobhán O'Brien"), ("b", "Siobhan O'Briena")], "obrien siobhan") == [
        ("a", "Siobhán O'Brien")]
