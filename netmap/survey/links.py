"""Personal survey links: one unguessable token per person and round (not their id), kept only as a digest, so
a copy of the store does not hold working links; each expires and can be revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from netmap.errors import SurveyError, UnknownLink

__all__ = ["TOKEN_BYTES", "Link", "digest", "new_link", "check_usable"]

TOKEN_BYTES = 32  # 256 bits: not guessable, whatever the rate of guessing


@dataclass(frozen=True)
class Link:
    """A person's link to a round, as kept: the token's digest, when it stops working, and when it was revoked."""

    round_id: str
    staff_id: str
    digest: str
    expires_at: str  # ISO date-time, UTC
    revoked_at: str | None = None


def digest(token: str) -> str:
    """What the store keeps of a token (SHA-256: tokens are random, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_link(round_id: str, staff_id: str, expires_at: dt.datetime) -> tuple[str, Link]:
    """A fresh token (to send, never stored) and the link kept for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, Link(round_id, staff_id, digest(token), expires_at.astimezone(dt.UTC).isoformat(timespec="seconds"))


def check_usable(link: Link | None, now: dt.datetime) -> Link:
    """The link, or SurveyError saying why it does not open a form (unknown, revoked, expired: one message for
    the first, so a guess learns nothing)."""
    if link is None:
        raise UnknownLink("This survey link is not valid. Use the link you were sent, or ask for a new one.")
    if link.revoked_at is not None:
        raise SurveyError("This survey link has been withdrawn. Ask whoever runs the survey for a new one.")
    if dt.datetime.fromisoformat(link.expires_at) <= now:
        raise SurveyError("This survey link has expired. Ask whoever runs the survey for a new one.")
    return link
