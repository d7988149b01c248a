"""A respondent's answers: the colleagues they name for each question (and, when the round asks, how often),
checked against the round and its roster before anything is kept."""

from __future__ import annotations

from collections import Counter

from netmap.errors import SurveyError
from netmap.store.survey_records import Nomination  # kept by the stores, defined with them
from netmap.survey.questions import FREQUENCY_SCALE
from netmap.survey.rounds import RoundSpec

__all__ = ["Nomination", "check_answers"]


def check_answers(spec: RoundSpec, roster_ids: frozenset[str], respondent: str,
                  nominations: list[Nomination]) -> None:
    """Refuse answers the round does not allow: another person's, an unknown question, someone not on the roster
    or the respondent themself, the same name twice for a question, more names than the round allows, or a
    frequency not on the scale."""
    questions = {q.key for q in spec.questions}
    scale = set(FREQUENCY_SCALE.values()) if spec.ask_frequency else {1}
    for n in nominations:
        if n.respondent != respondent:
            raise SurveyError("Answers can only be given for yourself.")
        if n.question not in questions:
            raise SurveyError(f"This round has no question {n.question!r}.")
        if n.target not in roster_ids:
            raise SurveyError("One of the names is not on this round's list of staff: choose from the suggestions.")
        if n.target == respondent:
            raise SurveyError("You cannot name yourself.")
        if n.weight not in scale:
            raise SurveyError("Choose how often from the list given." if spec.ask_frequency
                              else "This round does not ask how often.")
    pairs = Counter((n.question, n.target) for n in nominations)
    if any(count > 1 for count in pairs.values()):
        raise SurveyError("Each colleague can be named once per question.")
    per_question = Counter(n.question for n in nominations)
    over = [q for q, count in per_question.items() if count > spec.max_names]
    if over:
        raise SurveyError(f"At most {spec.max_names} names per question; remove some from: {', '.join(sorted(over))}.")
