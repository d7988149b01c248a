"""Which trust each account belongs to, and each trust's consent to the partnership view (docs/partnerships.md).

An account belongs to one trust of the store, to the partnership (PARTNERSHIP), or to none (no row: the store's
operator, or any account of a store of one trust). A trust with no consent row has not consented.
"""

from __future__ import annotations

import sqlite3

from netmap import clock
from netmap.errors import AccountError

__all__ = ["PARTNERSHIP", "SCHEMA", "PartnershipStore"]

PARTNERSHIP = "*partnership*"  # the trust of an account that sees the consenting trusts as one network
MAX_TRUST_ID = 64  # the contract's longest id

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS user_trusts (name TEXT PRIMARY KEY, trust_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS partnership_consents (trust_id TEXT PRIMARY KEY, consented INTEGER NOT NULL, "
    "set_by TEXT NOT NULL, set_at TEXT NOT NULL)",
)


class PartnershipStore:
    """Accounts' trusts and trusts' consents on an open accounts connection (see Accounts)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def set_trust(self, name: str, trust_id: str | None) -> None:
        """Make `name` an account of trust `trust_id` (PARTNERSHIP: of the partnership; None: of no trust). Its
        sessions go on: the next request is already scoped to the new trust."""
        if self._conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is None:
            raise AccountError(f"No user called {name!r}. List users with `netmap users list`.")
        if trust_id is None:
            self._conn.execute("DELETE FROM user_trusts WHERE name = ?", (name,))
            return
        self._conn.execute("INSERT OR REPLACE INTO user_trusts VALUES (?, ?)", (name, _checked(trust_id)))

    def trust_of(self, name: str) -> str | None:
        """The trust `name` belongs to (PARTNERSHIP for the partnership), or None."""
        row = self._conn.execute("SELECT trust_id FROM user_trusts WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_consent(self, trust_id: str, consented: bool, by: str) -> None:
        """Record trust `trust_id`'s consent to the partnership view (on or off), and who set it when."""
        self._conn.execute("INSERT OR REPLACE INTO partnership_consents VALUES (?, ?, ?, ?)",
                           (_checked(trust_id), int(consented), by, clock.now().isoformat()))

    def consenting(self) -> frozenset[str]:
        """The trusts whose consent is on."""
        return frozenset(t for (t,) in self._conn.execute(
            "SELECT trust_id FROM partnership_consents WHERE consented = 1"))

    def consents(self) -> dict[str, tuple[bool, str, str]]:
        """Every trust's recorded consent: (on, set by, set at), by trust id."""
        return {t: (bool(on), by, at) for t, on, by, at in self._conn.execute(
            "SELECT trust_id, consented, set_by, set_at FROM partnership_consents ORDER BY trust_id")}


def _checked(trust_id: str) -> str:
    trust_id = trust_id.strip()
    if trust_id == PARTNERSHIP:
        return trust_id
    if not trust_id or len(trust_id) > MAX_TRUST_ID or any(not c.isprintable() for c in trust_id):
        raise AccountError(f"A trust is the trust_id of schools.csv: 1 to {MAX_TRUST_ID} printable characters.")
    return trust_id
