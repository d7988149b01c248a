"""The audit log: who viewed or downloaded person-level data, and when; each entry chained to the one before by
a hash, so that an entry changed, removed or slipped in afterwards shows (`netmap audit verify`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from dataclasses import dataclass

from netmap import clock
from netmap.store.transactions import immediate

__all__ = ["AuditLog", "ChainCheck", "chained_hash", "people_entries"]

SUBJECT_LENGTH = 500  # characters an entry's subject keeps

GENESIS = ""  # what the first entry of a log never pruned is chained to


def chained_hash(previous: str, at: str, user: str, action: str, subject: str, purpose: str) -> str:
    """An entry's link in the chain: SHA-256 of the previous entry's hash and this entry's fields, each field
    kept apart by JSON so that moving text between fields changes the hash."""
    fields = json.dumps([previous, at, user, action, subject, purpose], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(fields.encode("utf-8")).hexdigest()


def people_entries(subject: str, people: list[str]) -> list[str]:
    """Subjects naming whose data an action touched: "subject: N staff: id, id, ...", continued over further
    entries when the ids do not fit one, so that the trail keeps every id."""
    head = f"{subject}: {len(people):,} staff"
    parts, line = [], ""
    for person in people:
        if line and len(head) + len(line) + len(person) + 40 > SUBJECT_LENGTH:
            parts.append(line)
            line = ""
        line = f"{line}, {person}" if line else person
    parts.append(line)
    if not people:
        return [head]
    return [f"{head}: {part}" if len(parts) == 1 else f"{head} (part {i} of {len(parts)}): {part}"
            for i, part in enumerate(parts, 1)]


@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found: how many entries it checked, the newest hash (the head, worth writing down elsewhere:
    whoever can rewrite the file could rebuild a chain, but not one that still holds a head recorded earlier),
    and the first entry that breaks the chain (its time, user and action), if any."""

    entries: int
    head: str
    broken_at: tuple[str, str, str] | None = None
    head_seen: bool = True

# One fixed statement: an empty filter value matches every row, so no query text is ever built from arguments.
_SELECT_RECORDS = ("SELECT at, user, action, subject, purpose FROM audit_log "
                   "WHERE (? = '' OR user = ?) AND (? = '' OR action = ?) AND (? = '' OR at >= ?) "
                   "AND (? = '' OR at < ?) ORDER BY at DESC LIMIT ?")


class AuditLog:
    """Audit records on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def record(self, user: str, action: str, subject: str, purpose: str = "") -> None:
        """Record that `user` did `action` (a view, a download, a login, a change) on `subject`, for `purpose`,
        chained to the newest entry in the same transaction (so that two writers never chain to the same one)."""
        row = (clock.now().isoformat(), user, action, subject[:SUBJECT_LENGTH], purpose[:200])
        with immediate(self._conn):
            self._conn.execute("INSERT INTO audit_log (at, user, action, subject, purpose, hash) "
                               "VALUES (?, ?, ?, ?, ?, ?)", (*row, chained_hash(self._head(), *row)))

    def record_refusal(self, user: str, action: str, subject: str, *, per_subject: int, overall: int,
                       window: dt.timedelta) -> bool:
        """Record a refusal of someone not logged in (a failed or locked-out login, a refused sign-in through the
        identity provider), unless more than `per_subject` such entries with this subject (the address) or
        `overall` in all were written within `window`: then one
        entry says that refusals from there are no longer recorded one by one, and the rest are dropped, so that
        nobody can fill the log (or hide in it) by sending wrong logins. Returns whether it wrote anything."""
        since = (clock.now() - window).isoformat()
        with immediate(self._conn):
            mine, everyone = self._conn.execute(
                "SELECT coalesce(sum(subject = ?), 0), count(*) FROM audit_log WHERE at >= ? AND action IN "
                "('failed login', 'login refused (locked)', 'sign-in refused', 'refusals not recorded')",
                (subject, since)).fetchone()
            wrote = True
            if mine >= per_subject or everyone >= overall:
                noted = self._conn.execute("SELECT 1 FROM audit_log WHERE at >= ? AND action = 'refusals not "
                                           "recorded' AND subject = ?", (since, subject)).fetchone()
                wrote = noted is None and everyone < overall + per_subject
                if wrote:
                    self.record("(not logged in)", "refusals not recorded", subject,
                                f"more than {per_subject} from here or {overall} in all within "
                                f"{int(window.total_seconds())} s")
            else:
                self.record(user, action, subject)
        return wrote

    def _head(self) -> str:
        """The newest entry's hash, or the anchor left by pruning, or the genesis."""
        newest = self._conn.execute("SELECT hash FROM audit_log ORDER BY rowid DESC LIMIT 1").fetchone()
        return str(newest[0]) if newest else self._anchor()

    def _anchor(self) -> str:
        kept = self._conn.execute("SELECT hash FROM audit_anchor").fetchone()
        return str(kept[0]) if kept else GENESIS

    def seal_unchained(self) -> int:
        """Chain the entries written before the log had hashes (an older users file), oldest first; returns how
        many. Called once, inside the conversion's transaction."""
        previous = GENESIS
        rows = self._conn.execute("SELECT rowid, at, user, action, subject, purpose, hash FROM audit_log "
                                  "ORDER BY rowid").fetchall()
        sealed = 0
        for rowid, at, user, action, subject, purpose, kept in rows:
            if not kept:
                kept = chained_hash(previous, at, user, action, subject, purpose)
                self._conn.execute("UPDATE audit_log SET hash = ? WHERE rowid = ?", (kept, rowid))
                sealed += 1
            previous = kept
        return sealed

    def verify(self, head: str = "") -> ChainCheck:
        """Walk the chain from the pruning anchor to the newest entry, recomputing every hash; `head`: a head
        recorded earlier, which must still be in the chain. An entry redacted by a person's erasure
        (webapp.accounts.rights) keeps its link hash, which is taken as it is: only when that hash is listed under
        an erasure whose id, a digest of all its hashes, a chained "person erased" entry names."""
        previous = self._anchor()
        seen = not head or head == previous
        count = 0
        redacted = self._redacted()
        for at, user, action, subject, purpose, kept in self._conn.execute(
                "SELECT at, user, action, subject, purpose, hash FROM audit_log ORDER BY rowid"):
            count += 1
            expected = chained_hash(previous, at, user, action, subject, purpose)
            if kept != expected and kept not in redacted:
                return ChainCheck(count, previous, (at, user, action), seen)
            previous = kept
            seen = seen or kept == head
        return ChainCheck(count, previous, None, seen)

    def _redacted(self) -> frozenset[str]:
        """The link hashes of entries redacted by erasures that a chained entry vouches for: each erasure's id
        must be the digest of exactly its listed hashes and be named by a "person erased" entry."""
        from webapp.accounts.rights import ERASED_ACTION, erasure_id

        listed: dict[str, list[str]] = {}
        for kept, erasure in self._conn.execute("SELECT hash, erasure FROM audit_erasures"):
            listed.setdefault(erasure, []).append(kept)
        named = {subject for (subject,) in self._conn.execute("SELECT subject FROM audit_log WHERE action = ?",
                                                               (ERASED_ACTION,))}
        return frozenset(kept for erasure, hashes in listed.items()
                         if erasure_id(hashes) == erasure and any(f"(erasure {erasure})" in s for s in named)
                         for kept in hashes)

    def entries(self, limit: int = 1000) -> list[tuple[str, str, str, str]]:
        """(at, user, action, subject), newest first."""
        return self._conn.execute("SELECT at, user, action, subject FROM audit_log ORDER BY at DESC LIMIT ?",
                                  (limit,)).fetchall()

    def records(self, *, user: str = "", action: str = "", since: str = "", until: str = "",
                limit: int = 100_000) -> list[tuple[str, str, str, str, str]]:
        """(at, user, action, subject, purpose), newest first, filtered by user, action and dates (YYYY-MM-DD,
        both ends included)."""
        until_next = (dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat() if until else ""
        return self._conn.execute(_SELECT_RECORDS, (user, user, action, action, since, since, until_next, until_next,
                                                    limit)).fetchall()

    def delete_before(self, moment: dt.datetime) -> int:
        """Delete the entries older than `moment` (retention) from the start of the chain, and keep the hash of
        the last one deleted as the anchor the rest is chained to; returns how many. Only a prefix goes: an entry
        after a newer one (a clock set back) waits until everything before it is old too."""
        with immediate(self._conn):
            cut = self._conn.execute(
                "SELECT coalesce((SELECT min(rowid) FROM audit_log WHERE at >= ?), "
                "(SELECT max(rowid) + 1 FROM audit_log), 0)", (moment.isoformat(),)).fetchone()[0]
            last = self._conn.execute("SELECT hash FROM audit_log WHERE rowid < ? ORDER BY rowid DESC LIMIT 1",
                                      (cut,)).fetchone()
            removed = int(self._conn.execute("DELETE FROM audit_log WHERE rowid < ?", (cut,)).rowcount)
            if last:
                self._conn.execute("DELETE FROM audit_anchor")
                self._conn.execute("INSERT INTO audit_anchor VALUES (?)", (last[0],))
        return removed
