"""Personal survey links: one unguessable code per person and round (not their id), kept only as a digest, so
a copy of the store does not hold working links; each expires and can be revoked.

A code is 52 characters of a 32-letter alphabet with no I, l, 1, O or 0 (260 bits, more than the 256
of the 43-character tokens issued before), printed in groups of four: ABCD-EFGH-.... It is read in any case,
with or without the dashes and spaces, as a link's last part or typed on the code page. Tokens issued before
(43 characters, base64url) keep working until their round closes: anything that is not a code is looked up as
it is."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from netmap.errors import SurveyError, UnknownLink
from netmap.store.survey_records import Link  # kept by the stores, defined with them

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "Link", "canonical", "check_usable", "digest", "grouped", "new_link",
           "printable"]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32: no I, O, 0 or 1 (and L only as a capital)
CODE_LENGTH = 52  # 52 x 5 bits = 260 bits: not guessable, whatever the rate of guessing
GROUP = 4
_SPACING = re.compile(r"[\s\-‐‑‒–—]+")  # spaces and any dash a phone or word processor may put in


def grouped(code: str) -> str:
    """A code as printed: groups of four joined by dashes."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def _code_of(token: str) -> str | None:
    """The code `token` is, in capitals without dashes or spaces (however it was typed), or None."""
    code = _SPACING.sub("", token).upper()
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def canonical(token: str) -> str:
    """The form a token's digest is taken of: a code in capitals without dashes or spaces; anything else (a token
    issued before codes) as it is."""
    return _code_of(token) or token


def printable(token: str) -> str:
    """A code however typed, grouped as printed; anything else as it is."""
    code = _code_of(token)
    return grouped(code) if code else token


def digest(token: str) -> str:
    """What the store keeps of a token (SHA-256 of its canonical form: tokens are random, so no salt or slow
    hash is needed)."""
    return hashlib.sha256(canonical(token).encode("utf-8")).hexdigest()


def new_link(round_id: str, staff_id: str, expires_at: dt.datetime) -> tuple[str, Link]:
    """A fresh code, grouped for printing (to send, never stored), and the link kept for it."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return grouped(code), Link(round_id, staff_id, digest(code),
                               expires_at.astimezone(dt.UTC).isoformat(timespec="seconds"))


def check_usable(link: Link | None, now: dt.datetime) -> Link:
    """The link, or SurveyError saying why it does not open a form (unknown, revoked, expired: one message for
    the first, so a guess learns nothing)."""
    if link is None:
        raise UnknownLink("This survey link is not valid. Use the link you were sent, or type the code printed "
                          "on your letter, or ask for a new one.")
    if link.revoked_at is not None:
        raise SurveyError("This survey link has been withdrawn. Ask whoever runs the survey for a new one.")
    if dt.datetime.fromisoformat(link.expires_at) <= now:
        raise SurveyError("This survey link has expired. Ask whoever runs the survey for a new one.")
    return link
