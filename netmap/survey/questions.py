"""The built-in education question bank: each question collects one kind of tie (netmap.contract's tie kinds,
so the analysis knows which way it flows), optionally about a topic; a round may also ask its own."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from netmap.contract import TIE_KINDS
from netmap.errors import SurveyError

__all__ = ["FREQUENCY_SCALE", "QUESTION_BANK", "Question", "custom_question"]


@dataclass(frozen=True)
class Question:
    """A question of a round: its key (unique in the round), the words the respondent reads, the tie kind each
    nomination records and the topic it is about ("" for none)."""

    key: str
    text: str
    kind: str
    topic: str = ""


QUESTION_BANK: dict[str, Question] = {q.key: q for q in (
    Question("teaching-advice", "Whose advice do you seek on teaching your subject or phase?", "advice",
             "teaching"),
    Question("planning", "Who do you plan lessons, units or projects with?", "co-planning"),
    Question("sharing", "Who do you share teaching resources or materials with?", "resource-sharing"),
    Question("expertise", "Whose expertise do you rely on in your work?", "expertise"),
    Question("send", "Who would you ask for advice about SEND?", "advice", "send"),
    Question("safeguarding", "Who would you ask for advice about safeguarding?", "advice", "safeguarding"),
    Question("data", "Who would you ask about data and assessment?", "advice", "data"),
    Question("coaching", "Who are you in a coaching or mentoring pair with?", "coaching"),
    Question("peer-review", "Who do you review work or practice with (peer review)?", "peer-review"),
)}

# "How often?" asked per nomination, stored as the tie's weight (strength, docs/metrics.md)
FREQUENCY_SCALE: dict[str, int] = {"once or twice a year": 1, "termly": 2, "monthly": 3, "weekly": 4,
                                   "daily": 5}


def custom_question(key: str, text: str, kind: str, topic: str = "", known_kinds: Collection[str] = TIE_KINDS
                    ) -> Question:
    """A round's own question, checked: a key of letters, digits and dashes not taken by the bank, some words to
    read, and a known tie kind (`known_kinds`: the built-in ones and those the trust declares in tie_kinds)."""
    if not key or not all(c.isalnum() or c == "-" for c in key) or key in QUESTION_BANK:
        raise SurveyError(f"Question key {key!r}: use letters, digits and dashes, not one of the question bank's "
                          f"({', '.join(QUESTION_BANK)}).")
    if not text.strip():
        raise SurveyError(f"Question {key!r} has no words: write what the respondent is asked.")
    if kind not in known_kinds:
        raise SurveyError(f"Question {key!r}: kind {kind!r} is not a tie kind; use one of "
                          f"{', '.join(sorted(known_kinds))}.")
    return Question(key, text.strip(), kind, topic.strip())
