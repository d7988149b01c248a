"""The email a round sends with each personal link: its subject and body, editable per round, with placeholders
filled in for each person. Only the named placeholders are allowed (no attribute look-ups, indexes or format
specifications, so wording cannot reach into the values it is given), and the body must carry the link."""

from __future__ import annotations

import string
from collections.abc import Mapping

from netmap.errors import SurveyError

__all__ = ["DEFAULT_BODY", "DEFAULT_SUBJECT", "MAX_BODY", "MAX_SUBJECT", "PLACEHOLDERS", "check_wording",
           "fill_wording"]

PLACEHOLDERS = {"name": "the person's name", "link": "their personal link", "closes_on": "the closing date",
                "title": "the round's title"}
DEFAULT_SUBJECT = "{title}"
DEFAULT_BODY = ("Dear {name},\n\nPlease answer the trust's short survey about whom you work with, by {closes_on}:"
                "\n\n{link}\n\nThe link is yours alone: it opens your own form, and nobody else's answers. How your "
                "answers are used is explained at the top of the form.\n")
MAX_SUBJECT, MAX_BODY = 200, 5000


def _fields(text: str, what: str) -> set[str]:
    """The placeholders `text` uses; SurveyError naming the first one that is not allowed."""
    allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise SurveyError(f"The email's {what} has an unmatched {{ or }}: placeholders are written {allowed}; "
                          "write {{ or }} for a brace itself.") from None
    found = set()
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            shown = "{" + field + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            raise SurveyError(f"The email's {what} uses {shown}, which is not a placeholder. Use only {allowed}.")
        found.add(field)
    return found


def check_wording(subject: str, body: str) -> None:
    """SurveyError, naming what to change, unless `subject` is one line of at most MAX_SUBJECT characters without
    the link, and `body` at most MAX_BODY characters with {link} in it; both only with PLACEHOLDERS."""
    if not subject.strip() or "\n" in subject or "\r" in subject or len(subject) > MAX_SUBJECT:
        raise SurveyError(f"The email's subject must be one line of 1 to {MAX_SUBJECT} characters.")
    if "link" in _fields(subject, "subject"):
        raise SurveyError("The email's subject must not carry {link}: a subject is shown in inbox lists and "
                          "notifications. Put {link} in the body.")
    if len(body) > MAX_BODY:
        raise SurveyError(f"The email's body is {len(body):,} characters; keep it to {MAX_BODY:,}.")
    if "link" not in _fields(body, "body"):
        raise SurveyError("The email's body must contain {link}: without it nobody can answer.")


def fill_wording(subject: str, body: str, values: Mapping[str, str]) -> tuple[str, str]:
    """The subject and body with each placeholder replaced by its value (checked wording only)."""
    return subject.format_map(values), body.format_map(values)
