"""A survey round's definition and the checks it must pass: over which snapshot's staff, which questions, how
many names per question, whether "how often?" is asked, when it opens and closes, and the privacy notice every
respondent reads first, the wording of the email that carries each link, and who runs it (its owner, and the
schools whose staff it asks). A round cannot open without a notice that says what UK GDPR asks a notice to say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netmap.errors import SurveyError
from netmap.survey.questions import Question
from netmap.survey.wording import DEFAULT_BODY, DEFAULT_SUBJECT, check_wording

__all__ = ["MAX_NAMES_LIMIT", "NOTICE_PARTS", "RoundSpec", "check_can_open", "check_spec"]

MAX_NAMES_LIMIT = 30  # names per question a round may ask for at most: longer lists are not answered carefully
# What the notice must cover (Article 13): each with words a notice covering it would use
NOTICE_PARTS = {"purpose": ("purpose", "why", "used to", "use "), "who sees what": ("see", "access", "shared"),
                "retention": ("kept", "retain", "retention", "delete"), "contact": ("contact", "@", "email")}


@dataclass(frozen=True)
class RoundSpec:
    """What a round asks, of whom and when."""

    title: str
    base_as_of: str  # the snapshot whose staff in post are the roster and receive links
    questions: tuple[Question, ...]
    max_names: int = 10
    ask_frequency: bool = False
    opens_on: str = ""
    closes_on: str = ""
    privacy_notice: str = ""
    # Who runs it: the web user who created it ("" for a round made on the command line or before owners were
    # kept: admins only), and the schools whose staff it asks (empty: the whole trust).
    owner: str = ""
    schools: tuple[str, ...] = ()
    mail_subject: str = DEFAULT_SUBJECT  # netmap.survey.wording: placeholders filled in for each person
    mail_body: str = DEFAULT_BODY


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SurveyError(f"The round's {what} {value!r} is not a date: write it as YYYY-MM-DD.") from None


def check_spec(spec: RoundSpec) -> None:
    """Refuse a definition that cannot work, naming what to change."""
    if not spec.title.strip():
        raise SurveyError("A round needs a title, e.g. \"Summer 2026 collaboration survey\".")
    if not spec.questions:
        raise SurveyError("A round needs at least one question: pick from the question bank or write your own.")
    keys = [q.key for q in spec.questions]
    if len(set(keys)) != len(keys):
        raise SurveyError(f"Each question appears once in a round; repeated: "
                          f"{', '.join(sorted({k for k in keys if keys.count(k) > 1}))}.")
    if not 1 <= spec.max_names <= MAX_NAMES_LIMIT:
        raise SurveyError(f"Names per question must be between 1 and {MAX_NAMES_LIMIT}, not {spec.max_names}.")
    _date(spec.base_as_of, "base snapshot date")
    if spec.opens_on and spec.closes_on and _date(spec.closes_on, "closing date") <= _date(spec.opens_on,
                                                                                           "opening date"):
        raise SurveyError(f"The round closes ({spec.closes_on}) before it opens ({spec.opens_on}): close it after.")
    check_wording(spec.mail_subject, spec.mail_body)


def check_can_open(spec: RoundSpec) -> None:
    """A round opens only with dates and a privacy notice covering purpose, who sees what, retention and whom to
    contact (each named when missing)."""
    check_spec(spec)
    if not (spec.opens_on and spec.closes_on):
        raise SurveyError("Set the round's opening and closing dates before opening it.")
    notice = spec.privacy_notice.lower()
    if not notice.strip():
        raise SurveyError("A round cannot open without a privacy notice: write what the answers are for, who sees "
                          "what, how long they are kept and whom to contact.")
    missing = [part for part, words in NOTICE_PARTS.items() if not any(w in notice for w in words)]
    if missing:
        raise SurveyError(f"The privacy notice does not say: {', '.join(missing)}. Add it before opening.")
