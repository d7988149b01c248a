"""The Neo4j store's key file: each person's pseudonymous token and AES key, kept outside Neo4j (crypto-shredding).

Neo4j holds a person only as a random token and AES-GCM ciphertext under their own key (netmap.store.shredding);
this local SQLite file (created 0600) holds the keys. Erasing a person deletes their row here, overwritten
(secure_delete) and vacuumed, with the write-ahead log emptied, so whatever Neo4j's transaction logs and freed
records still hold of them can no longer be read. The file names the keyring it belongs to (`keyring_id`),
which the Neo4j database records too, so a wrong or missing file is told apart from an empty one.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from netmap.errors import StorageError
from netmap.store.files import create_private_file

__all__ = ["KEY_BYTES", "KeyFile"]

log = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256
_SCHEMA = ("CREATE TABLE IF NOT EXISTS keyring (keyring_id TEXT NOT NULL)",
           "CREATE TABLE IF NOT EXISTS people (staff_id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, "
           "key BLOB NOT NULL)",
           "CREATE TABLE IF NOT EXISTS analyses (name TEXT PRIMARY KEY, key BLOB NOT NULL)")


class KeyFile:
    """The key file at `path`; open with `KeyFile.open` (existing) or `KeyFile.create` (made when missing)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path, self._conn = path, conn
        self._lock = threading.Lock()  # one connection shared by the web app's threads
        self._by_id: dict[str, tuple[str, bytes]] = {}
        self._by_token: dict[str, str] = {}

    @classmethod
    def open(cls, path: Path) -> KeyFile | None:
        """The key file at `path`, or None when there is none."""
        return cls._connect(path) if path.exists() else None

    @classmethod
    def create(cls, path: Path) -> KeyFile:
        """The key file at `path`, created (0600, with a new keyring id) when missing."""
        create_private_file(path)
        return cls._connect(path)

    @classmethod
    def _connect(cls, path: Path) -> KeyFile:
        path.chmod(0o600)  # a copy restored from a backup may come back readable by others; its -wal follows
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA secure_delete=ON")  # a deleted key is overwritten, not left in a free page
            conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                conn.execute(statement)
            if conn.execute("SELECT count(*) FROM keyring").fetchone()[0] == 0:
                conn.execute("INSERT INTO keyring VALUES (?)", (secrets.token_hex(16),))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"Cannot open the Neo4j store's key file {path} ({exc}). Check the path is a "
                               "readable and writable netmap key file (NETMAP_NEO4J_KEY_FILE).") from exc
        return cls(path, conn)

    @contextmanager
    def _using(self, action: str) -> Iterator[sqlite3.Connection]:
        """The connection, one thread at a time; SQLite's errors become a StorageError naming the file."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StorageError(f"The Neo4j store's key file {self.path} failed while {action} ({exc}). Check "
                                   "the disk has space and the file is writable, and retry.") from exc

    @property
    def keyring_id(self) -> str:
        """The id of this file's keyring, which the Neo4j database it serves records too."""
        with self._using("reading its keyring") as conn:
            return str(conn.execute("SELECT keyring_id FROM keyring").fetchone()[0])

    # ---- people ----------------------------------------------------------------------------------------
    def tokens_for(self, staff_ids: set[str]) -> None:
        """Make a token and key for each of `staff_ids` that has none yet in the file (one transaction): the file,
        not this process's copy, decides, so a person another process erased meanwhile gets a new key."""
        if not staff_ids:
            return
        with self._using("making keys") as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR IGNORE INTO people VALUES (?, ?, ?)",
                                 [(s, secrets.token_hex(16), secrets.token_bytes(KEY_BYTES)) for s in staff_ids])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        self._reload()

    def token_of(self, staff_id: str) -> str | None:
        """`staff_id`'s token, or None when they have none (nothing of theirs was ever written)."""
        if staff_id not in self._by_id:
            self._reload()  # another process (the web app, a load) may have added them
        held = self._by_id.get(staff_id)
        return held[0] if held else None

    def person_of(self, token: str) -> tuple[str, bytes]:
        """The staff id and key behind `token`; StorageError when this file has none (a wrong or stale file)."""
        if token not in self._by_token:
            self._reload()
        staff_id = self._by_token.get(token)
        if staff_id is None:
            raise StorageError(f"The key file {self.path} has no key for a person the Neo4j database holds "
                               f"(token {token}): it is not the key file of this database, or an older copy of "
                               "it. Restore the key file backed up with the database (NETMAP_NEO4J_KEY_FILE).")
        return staff_id, self._by_id[staff_id][1]

    def is_token(self, value: str) -> bool:
        """Whether `value` is a token of this file (a person already sealed)."""
        if value not in self._by_token:
            self._reload()
        return value in self._by_token

    def key_of(self, staff_id: str) -> bytes:
        """`staff_id`'s key (after tokens_for)."""
        return self._by_id[staff_id][1]

    def forget_person(self, staff_id: str) -> bool:
        """Delete `staff_id`'s token and key for good (secure_delete, VACUUM, log emptied); True if there was one."""
        with self._using("deleting a key") as conn:
            gone = conn.execute("DELETE FROM people WHERE staff_id = ?", (staff_id,)).rowcount
            self._scrub()
        self._by_id.pop(staff_id, None)
        self._by_token = {token: s for s, (token, _key) in self._by_id.items()}
        return bool(gone)

    def _reload(self) -> None:
        with self._using("reading keys") as conn:
            rows = conn.execute("SELECT staff_id, token, key FROM people").fetchall()
        self._by_id = {s: (t, bytes(k)) for s, t, k in rows}
        self._by_token = {t: s for s, t, _k in rows}

    # ---- kept analyses -----------------------------------------------------------------------------------
    def analysis_key(self, name: str, *, create: bool) -> bytes | None:
        """The key of the kept analysis `name` (made when missing and `create`), or None."""
        with self._using("reading an analysis's key") as conn:
            if create:
                conn.execute("INSERT OR IGNORE INTO analyses VALUES (?, ?)", (name, secrets.token_bytes(KEY_BYTES)))
            row = conn.execute("SELECT key FROM analyses WHERE name = ?", (name,)).fetchone()
        return bytes(row[0]) if row else None

    def forget_analyses(self, prefixes: list[str]) -> None:
        """Delete the keys of every kept analysis whose name starts with one of `prefixes`, for good."""
        with self._using("deleting analyses' keys") as conn:
            for prefix in prefixes:
                conn.execute("DELETE FROM analyses WHERE substr(name, 1, ?) = ?", (len(prefix), prefix))
            self._scrub()

    def _scrub(self) -> None:
        """VACUUM and empty the write-ahead log, so no free page or log frame keeps a deleted key; a reader in
        another process can hold the log a moment, so retry for up to five seconds."""
        self._conn.execute("VACUUM")
        for _attempt in range(50):
            if not self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
                return
            time.sleep(0.1)
        log.warning("%s: another process kept the write-ahead log open; deleted keys leave it at the next checkpoint",
                    self.path)

    def close(self) -> None:
        self._conn.close()
