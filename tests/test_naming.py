"""People and schools named on the command line by id or by name (netmap.naming)."""

from __future__ import annotations

import pytest

from netmap.errors import AnalysisError
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from netmap.naming import school_id_of, staff_id_of
from tests.conftest import PLANTED


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
