"""Challenges as the web app keeps them (netmap.challenges): each challenge, its invitations (a token's digest,
never the token), the offers and refusals invited people send, and the collaborations recorded from them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from netmap import clock
from netmap.challenges import ChallengeSpec, RecordedTie
from netmap.store.transactions import immediate
from netmap.survey.links import digest, new_link

__all__ = ["Challenge", "ChallengeStore", "Invite", "Offer"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS challenges (id INTEGER PRIMARY KEY, spec TEXT NOT NULL, owner TEXT NOT NULL, "
    "created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS challenge_invites (digest TEXT PRIMARY KEY, challenge_id INTEGER NOT NULL "
    "REFERENCES challenges(id), staff_id TEXT NOT NULL, invited_at TEXT NOT NULL, expires_at TEXT NOT NULL, "
    "revoked_at TEXT)",
    "CREATE TABLE IF NOT EXISTS challenge_offers (challenge_id INTEGER NOT NULL REFERENCES challenges(id), "
    "staff_id TEXT NOT NULL, answer TEXT NOT NULL, message TEXT NOT NULL, answered_at TEXT NOT NULL, "
    "PRIMARY KEY (challenge_id, staff_id))",
    "CREATE TABLE IF NOT EXISTS challenge_ties (id INTEGER PRIMARY KEY, challenge_id INTEGER NOT NULL "
    "REFERENCES challenges(id), source TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL, "
    "recorded_on TEXT NOT NULL, recorded_by TEXT NOT NULL, published_as_of TEXT)",
)
_DELETE = ("DELETE FROM challenge_ties WHERE challenge_id = ?", "DELETE FROM challenge_offers WHERE challenge_id = ?",
           "DELETE FROM challenge_invites WHERE challenge_id = ?", "DELETE FROM challenges WHERE id = ?")


@dataclass(frozen=True)
class Challenge:
    """A challenge as kept: its id, what was posted, who posted it and when."""

    challenge_id: int
    spec: ChallengeSpec
    owner: str
    created_at: str

    def is_open(self, today: dt.date) -> bool:
        """Offers are taken up to and including the closing date."""
        return today <= dt.date.fromisoformat(self.spec.closes_on)


@dataclass(frozen=True)
class Invite:
    """An invitation: whom, to which challenge, when it stops working, and whether it was withdrawn."""

    challenge_id: int
    staff_id: str
    invited_at: str
    expires_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class Offer:
    """An invited person's answer: "offer" (with what they can bring) or "decline"."""

    staff_id: str
    answer: str
    message: str
    answered_at: str


def _stamp() -> str:
    """Now, as challenges record it (to the second, UTC)."""
    return clock.now().isoformat(timespec="seconds")


class ChallengeStore:
    """Challenges on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def post(self, spec: ChallengeSpec, owner: str) -> int:
        cursor = self._conn.execute("INSERT INTO challenges (spec, owner, created_at) VALUES (?, ?, ?)",
                                    (json.dumps(dataclasses.asdict(spec)), owner, _stamp()))
        return int(cursor.lastrowid or 0)

    def get(self, challenge_id: int) -> Challenge | None:
        row = self._conn.execute("SELECT id, spec, owner, created_at FROM challenges WHERE id = ?",
                                 (challenge_id,)).fetchone()
        return _challenge(row) if row else None

    def all(self) -> list[Challenge]:
        """Every challenge, newest first."""
        return [_challenge(r) for r in self._conn.execute(
            "SELECT id, spec, owner, created_at FROM challenges ORDER BY id DESC")]

    def invite(self, challenge: Challenge, staff_id: str) -> str:
        """A fresh link token for `staff_id` (shown once, never stored), working until the end of the closing
        day; an earlier invitation of theirs to this challenge is withdrawn."""
        ends = dt.datetime.combine(dt.date.fromisoformat(challenge.spec.closes_on) + dt.timedelta(days=1),
                                   dt.time(), dt.UTC)
        token, link = new_link(str(challenge.challenge_id), staff_id, ends)  # the survey's tokens and digests
        now = _stamp()
        with immediate(self._conn):
            self._conn.execute("UPDATE challenge_invites SET revoked_at = ? WHERE challenge_id = ? AND staff_id = ? "
                               "AND revoked_at IS NULL", (now, challenge.challenge_id, staff_id))
            self._conn.execute("INSERT INTO challenge_invites VALUES (?, ?, ?, ?, ?, NULL)",
                               (link.digest, challenge.challenge_id, staff_id, now, link.expires_at))
        return token

    def find_invite(self, token: str) -> Invite | None:
        row = self._conn.execute("SELECT challenge_id, staff_id, invited_at, expires_at, revoked_at FROM "
                                 "challenge_invites WHERE digest = ?", (digest(token),)).fetchone()
        return Invite(*row) if row else None

    def invites(self, challenge_id: int) -> list[Invite]:
        """The challenge's invitations still standing (the latest per person), oldest first."""
        return [Invite(*r) for r in self._conn.execute(
            "SELECT challenge_id, staff_id, invited_at, expires_at, revoked_at FROM challenge_invites "
            "WHERE challenge_id = ? AND revoked_at IS NULL ORDER BY invited_at, staff_id", (challenge_id,))]

    def answer(self, challenge_id: int, staff_id: str, answer: str, message: str) -> None:
        """Keep an invited person's answer, replacing their earlier one."""
        self._conn.execute("INSERT OR REPLACE INTO challenge_offers VALUES (?, ?, ?, ?, ?)",
                           (challenge_id, staff_id, answer, message, _stamp()))

    def offers(self, challenge_id: int) -> list[Offer]:
        """Answers received, offers first, then by when."""
        return [Offer(*r) for r in self._conn.execute(
            "SELECT staff_id, answer, message, answered_at FROM challenge_offers WHERE challenge_id = ? "
            "ORDER BY answer DESC, answered_at, staff_id", (challenge_id,))]

    def record_tie(self, challenge_id: int, source: str, target: str, kind: str, recorded_on: str,
                   recorded_by: str) -> None:
        self._conn.execute("INSERT INTO challenge_ties (challenge_id, source, target, kind, recorded_on, "
                           "recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
                           (challenge_id, source, target, kind, recorded_on, recorded_by))

    def ties(self, challenge_id: int | None = None, *,
             unpublished: bool = False) -> list[tuple[RecordedTie, str | None]]:
        """Recorded collaborations (of one challenge, or all; only those not yet in a snapshot when asked), each
        with the snapshot date they were written into."""
        rows = self._conn.execute(
            "SELECT t.challenge_id, t.source, t.target, t.kind, t.recorded_on, c.spec, t.published_as_of "
            "FROM challenge_ties t JOIN challenges c ON c.id = t.challenge_id "
            "WHERE (? IS NULL OR t.challenge_id = ?) AND (? = 0 OR t.published_as_of IS NULL) ORDER BY t.id",
            (challenge_id, challenge_id, int(unpublished))).fetchall()
        return [(RecordedTie(c, s, t, k, d, json.loads(spec)["topic"]), published)
                for c, s, t, k, d, spec, published in rows]

    def mark_published(self, snapshot_id: str) -> int:
        """Say that every unpublished tie is now in the snapshot `snapshot_id` (kept in published_as_of, named
        when snapshots were known by their date; a date is the id of the snapshots written then); returns how
        many."""
        return int(self._conn.execute("UPDATE challenge_ties SET published_as_of = ? WHERE published_as_of IS NULL",
                                      (snapshot_id,)).rowcount)

    def delete_closed_before(self, day: dt.date) -> int:
        """Delete challenges that closed before `day`, with their invitations, answers and ties (retention);
        returns how many challenges went."""
        closed = [c.challenge_id for c in self.all() if dt.date.fromisoformat(c.spec.closes_on) < day]
        with immediate(self._conn):
            for challenge_id in closed:
                for statement in _DELETE:
                    self._conn.execute(statement, (challenge_id,))
        return len(closed)


def _challenge(row: tuple[int, str, str, str]) -> Challenge:
    spec = json.loads(row[1])
    return Challenge(row[0], ChallengeSpec(**{**spec, "schools": tuple(spec["schools"])}), row[2], row[3])
