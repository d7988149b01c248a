"""When a tie ends (netmap.tie_status): only a later answer to a round that asked about the tie's kind ends it."""

from __future__ import annotations

import pandas as pd

from netmap.survey.answers import Nomination
from netmap.tie_status import tie_statuses


def _ties(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Ada's (A's) ties: (target, kind, observed_on)."""
    return pd.DataFrame([("A", t, k, on) for t, k, on in rows],
                        columns=["source_staff_id", "target_staff_id", "kind", "observed_on"])


def _answers(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """Ada's answers: (round, day, kinds asked; None: not known)."""
    return pd.DataFrame([("A", r, on, kinds) for r, on, kinds in rows],
                        columns=["staff_id", "round", "responded_on", "kinds"])


def test_answers_on_the_same_day_in_two_rounds_are_one_answer() -> None:
    """Ada answered the trust round and her maths network round on 1 March, naming Ben in one and Cat in the
    other: neither tie ends."""
    ties = _ties(("B", "collaboration", "2026-03-01"), ("C", "collaboration", "2026-03-01"))
    answers = _answers(("Trust round", "2026-03-01", "collaboration"),
                       ("Maths network round", "2026-03-01", "collaboration"))
    assert tie_statuses(ties, answers, "2026-04-01", "Trust round").tolist() == ["confirmed", "confirmed"]


def test_a_later_round_ends_only_ties_of_the_kinds_it_asked() -> None:
    """Autumn asked advice and collaboration; spring only collaboration, and Ada named Cat but not Ben or Dan:
    her advice tie to Ben is kept unconfirmed, her collaboration with Dan ends."""
    ties = _ties(("B", "advice", "2025-10-01"), ("D", "collaboration", "2025-10-01"),
                 ("C", "collaboration", "2026-03-01"))
    answers = _answers(("autumn", "2025-10-01", "advice collaboration"), ("spring", "2026-03-01", "collaboration"))
    assert tie_statuses(ties, answers, "2026-04-01", "spring").tolist() == ["unconfirmed", "ended", "confirmed"]


def test_a_later_round_whose_kinds_are_not_known_ends_nothing() -> None:
    """A respondents file without the kinds each round asked: Ada's autumn tie to Ben is kept unconfirmed."""
    ties = _ties(("B", "collaboration", "2025-10-01"), ("C", "collaboration", "2026-03-01"))
    answers = _answers(("autumn", "2025-10-01", None), ("spring", "2026-03-01", None)).drop(columns="kinds")
    assert tie_statuses(ties, answers, "2026-04-01", "spring").tolist() == ["unconfirmed", "confirmed"]


def test_two_rounds_with_the_same_title_keep_each_others_answers(tiny) -> None:  # noqa: ANN001
    """Two closed rounds both called "Staff survey": the second keeps the first's answer dates (rounds are told
    apart by id), and each row says the kinds its round asked."""
    from netmap.ingest.validate import read_trust
    from netmap.survey.closing import round_snapshot
    from netmap.survey.questions import Question
    from netmap.survey.rounds import RoundSpec

    base = read_trust(tiny)[0]
    spec = RoundSpec("Staff survey", "2026-01-05", (Question("q", "Who helps you?", "advice"),))
    first = round_snapshot(base, spec, [(Nomination("S1", "q", "S2"), "2026-01-10")], {"S1": "2026-01-10"}, "r1")
    second = round_snapshot(first, spec, [], {"S2": "2026-03-10"}, "r2")
    answered = second.respondents.dropna(subset=["responded_on"])
    assert sorted(zip(answered["staff_id"], answered["round_id"], answered["responded_on"], answered["kinds"],
                      strict=True)) == [("S1", "r1", "2026-01-10", "advice"), ("S2", "r2", "2026-03-10", "advice")]
    again = round_snapshot(first, spec, [], {"S2": "2026-01-11"}, "r1")  # closing r1 again replaces its rows
    assert again.respondents.dropna(subset=["responded_on"])["staff_id"].tolist() == ["S2"]
