"""Crypto-shredding for the Neo4j store: what is written of a person is a token or ciphertext under their own key.

Every staff id netmap writes to Neo4j (a person's node, both ends of a tie, survey links, answer sheets, answers
and their targets, exclusions) becomes the person's random token; every other value about them (name, role,
subjects, dates, extra columns such as an email, membership, secondment and survey-response details, a tie's
date and extra columns, the reason of an exclusion) becomes AES-GCM ciphertext under the key of the person it
belongs to (a tie's under its source's), bound to the token and the property name. Kept analyses (which list
names) are encrypted whole under a key of their own. Tokens and keys live in the key file
(netmap.store.keyfile); deleting a person's row there leaves whatever Neo4j still holds of them (transaction logs,
freed records) unreadable. What stays in clear, and why, is in docs/graph-model.md ("What Neo4j holds in clear").
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from netmap.errors import StorageError
from netmap.store.keyfile import KeyFile

__all__ = ["GRAPH_RULES", "SEALED", "TABLE_RULES", "Rule", "Shredder"]

SEALED = "nm-sealed-1:"  # the prefix of a sealed value: base64 of nonce and ciphertext
_NONCE_BYTES = 12


@dataclass(frozen=True)
class Rule:
    """Of a row, node or relationship: the properties that hold staff ids (written as tokens), the one naming the
    person whose key seals the rest (None: nothing sealed), and the properties sealed."""

    ids: tuple[str, ...]
    owner: str | None
    sealed: tuple[str, ...]


_STAFF = ("role", "name", "subjects", "started_on", "left_on", "attributes")
_MEMBERSHIP = ("role", "joined_on", "left_on", "attributes")
_TIE = ("observed_on", "attributes")  # kind and weight in clear: Cypher explores the network by them
_SECONDMENT = ("from_school_id", "starts_on", "ends_on", "purpose", "attributes")
_RESPONSE = ("round", "responded_on", "round_id", "kinds", "attributes")

# A snapshot's tables as loads write them and reads return them (schools, groups and tie kinds are not about a
# person: in clear).
TABLE_RULES: dict[str, Rule] = {
    "staff": Rule(("staff_id",), "staff_id", _STAFF),
    "memberships": Rule(("staff_id",), "staff_id", _MEMBERSHIP),
    "collaborations": Rule(("source_staff_id", "target_staff_id"), "source_staff_id", _TIE),
    "secondments": Rule(("staff_id",), "staff_id", _SECONDMENT),
    "respondents": Rule(("staff_id",), "staff_id", _RESPONSE),
}
# Nodes (by label) and relationships (by type) as they are stored: what converting a database written in clear
# seals (read_clear_people.cypher).
GRAPH_RULES: dict[str, Rule] = {
    "Staff": TABLE_RULES["staff"],
    "MEMBER_OF": Rule((), "owner", _MEMBERSHIP),  # owner: the staff id of the relationship's start node
    "COLLABORATES_WITH": Rule((), "owner", _TIE),
    "SECONDED_TO": Rule((), "owner", _SECONDMENT),
    "SURVEYED_IN": Rule((), "owner", _RESPONSE),
    "SurveyLink": Rule(("staff_id",), None, ()),
    "SurveySheet": Rule(("respondent",), None, ()),
    "SurveyAnswer": Rule(("respondent", "target"), None, ()),
    "Exclusion": Rule(("staff_id",), "staff_id", ("reason",)),
}


class Shredder:
    """Seals what the Neo4j store writes of people and opens what it reads, with the keys of one key file."""

    def __init__(self, keys: KeyFile) -> None:
        self.keys = keys
        self._ciphers: dict[bytes, AESGCM] = {}

    # ---- staff ids -------------------------------------------------------------------------------------
    def tokens(self, staff_ids: Iterable[str]) -> dict[str, str]:
        """The token of each staff id, made for those who have none yet."""
        wanted = set(staff_ids)
        self.keys.tokens_for(wanted)
        return {s: self.keys.token_of(s) or "" for s in wanted}

    def token(self, staff_id: str) -> str:
        """`staff_id`'s token, made when they have none."""
        return self.tokens([staff_id])[staff_id]

    def known_token(self, staff_id: str) -> str | None:
        """`staff_id`'s token, or None when nothing of theirs was ever written (no token made)."""
        return self.keys.token_of(staff_id)

    def staff_id(self, token: str) -> str:
        """The staff id behind `token`."""
        return self.keys.person_of(token)[0]

    # ---- rows ------------------------------------------------------------------------------------------
    def seal_rows(self, rule: Rule, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`rows` as written: staff ids as tokens, the sealed properties encrypted under their owner's key."""
        named = (*rule.ids, rule.owner) if rule.owner else rule.ids
        tokens = self.tokens({row[c] for row in rows for c in named if row.get(c) is not None})
        sealed = []
        for row in rows:
            done = {**row, **{c: tokens[row[c]] for c in rule.ids if row.get(c) is not None}}
            owner = row.get(rule.owner) if rule.owner else None
            if owner is not None:
                key, token = self.keys.key_of(owner), tokens[owner]
                done.update({c: self._seal(key, token, c, row[c]) for c in rule.sealed if row.get(c) is not None})
            sealed.append(done)
        return sealed

    def open_rows(self, rule: Rule, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows as read back: tokens turned into staff ids and sealed values decrypted (the inverse of seal_rows)."""
        opened = []
        for row in rows:
            done = dict(row)
            if rule.owner is not None and row.get(rule.owner) is not None:
                owner_token = row[rule.owner]
                _staff, key = self.keys.person_of(owner_token)
                done.update({c: self._open(key, owner_token, c, row[c]) for c in rule.sealed
                             if row.get(c) is not None})
            done.update({c: self.staff_id(row[c]) for c in rule.ids if row.get(c) is not None})
            opened.append(done)
        return opened

    def _seal(self, key: bytes, token: str, name: str, value: Any) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        data = self._cipher(key).encrypt(nonce, json.dumps(value).encode(), f"{token}/{name}".encode())
        return SEALED + base64.b64encode(nonce + data).decode("ascii")

    def _open(self, key: bytes, token: str, name: str, value: Any) -> Any:
        if not (isinstance(value, str) and value.startswith(SEALED)):
            raise StorageError(f"Neo4j holds {name} of a person in clear: the database was changed outside netmap "
                               "since it was converted. Load its snapshots again from the trust's files.")
        raw = base64.b64decode(value[len(SEALED):])
        try:
            plain = self._cipher(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], f"{token}/{name}".encode())
        except InvalidTag as exc:
            raise StorageError(f"The key file {self.keys.path} does not open the {name} of a person the Neo4j "
                               "database holds: it is not this database's key file. Restore the key file backed "
                               "up with the database (NETMAP_NEO4J_KEY_FILE).") from exc
        return json.loads(plain)

    # ---- kept analyses -----------------------------------------------------------------------------------
    def seal_payload(self, name: str, part: str, payload: bytes) -> bytes:
        """A kept analysis's part encrypted under the key of the analysis `name` (made when missing)."""
        key = self.keys.analysis_key(name, create=True)
        assert key is not None  # made above
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._cipher(key).encrypt(nonce, payload, part.encode())

    def open_payload(self, name: str, part: str, payload: bytes) -> bytes | None:
        """The part decrypted; None when its key is gone or does not open it (the analysis is computed again)."""
        key = self.keys.analysis_key(name, create=False)
        if key is None:
            return None
        try:
            return self._cipher(key).decrypt(payload[:_NONCE_BYTES], payload[_NONCE_BYTES:], part.encode())
        except InvalidTag:
            return None

    def _cipher(self, key: bytes) -> AESGCM:
        cipher = self._ciphers.get(key)
        if cipher is None:
            cipher = self._ciphers[key] = AESGCM(key)
        return cipher
