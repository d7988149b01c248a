"""Crypto-shredding without a server (netmap.store.shredding, netmap.store.keyfile): what the Neo4j store writes of
a person is a token and ciphertext only, reads back exactly, opens only with that person's key in this key file,
and a forgotten person's key leaves the key file's bytes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from netmap.errors import StorageError
from netmap.store.keyfile import KeyFile
from netmap.store.shredding import GRAPH_RULES, TABLE_RULES, Shredder

STAFF = {"row_no": 0, "staff_id": "S0042", "school_id": "OAK", "role": "headteacher", "name": "Ada Lovelace",
         "subjects": "maths;computing", "started_on": "2019-09-01", "left_on": None,
         "attributes": '{"email": "ada.lovelace@oak.example"}'}
TIE = {"row_no": 3, "source_staff_id": "S0042", "target_staff_id": "S0007", "kind": "advice", "weight": 2.5,
       "observed_on": "2026-03-01", "attributes": None}


@pytest.fixture
def shredder(tmp_path: Path) -> Shredder:
    return Shredder(KeyFile.create(tmp_path / "keys" / "neo4j-keys.db"))


def test_the_key_file_is_private_and_keeps_its_keyring(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "neo4j-keys.db"
    assert KeyFile.open(path) is None  # never made by a look
    made = KeyFile.create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = KeyFile.open(path)
    assert again is not None and again.keyring_id == made.keyring_id and len(made.keyring_id) == 32
    assert KeyFile.create(tmp_path / "other.db").keyring_id != made.keyring_id
    path.chmod(0o644)  # as a careless restore from a backup leaves it
    KeyFile.open(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_person_is_written_as_a_token_and_ciphertext_and_read_back_exactly(shredder: Shredder) -> None:
    (sealed,) = shredder.seal_rows(TABLE_RULES["staff"], [STAFF])
    token = shredder.known_token("S0042")
    assert token is not None and sealed["staff_id"] == token and len(token) == 32
    assert (sealed["row_no"], sealed["school_id"], sealed["left_on"]) == (0, "OAK", None)  # in clear: not theirs
    assert all(sealed[c].startswith("nm-sealed-1:") for c in ("role", "name", "subjects", "started_on",
                                                             "attributes"))
    assert not [v for v in sealed.values() if isinstance(v, str) and ("Ada" in v or "S0042" in v or "@" in v)]
    assert shredder.open_rows(TABLE_RULES["staff"], [sealed]) == [STAFF]
    (again,) = shredder.seal_rows(TABLE_RULES["staff"], [STAFF])
    assert again["staff_id"] == token and again["name"] != sealed["name"]  # one token; a fresh nonce each time


def test_a_tie_keeps_its_kind_and_weight_in_clear_and_is_sealed_under_its_source(shredder: Shredder) -> None:
    (sealed,) = shredder.seal_rows(TABLE_RULES["collaborations"], [TIE])
    assert (sealed["kind"], sealed["weight"], sealed["attributes"]) == ("advice", 2.5, None)
    assert sealed["target_staff_id"] == shredder.known_token("S0007") and sealed["observed_on"] != "2026-03-01"
    assert shredder.open_rows(TABLE_RULES["collaborations"], [sealed]) == [TIE]
    # bound to its owner and property: moved onto another person, or another property, it does not open
    (other,) = shredder.seal_rows(TABLE_RULES["staff"], [{**STAFF, "staff_id": "S0007"}])
    with pytest.raises(StorageError, match="does not open the name of a person the Neo4j database holds: it is "
                                           "not this database's key file"):
        shredder.open_rows(TABLE_RULES["staff"], [{**other, "name": shredder.seal_rows(
            TABLE_RULES["staff"], [STAFF])[0]["name"]}])


def test_another_key_file_cannot_open_them_and_says_so(shredder: Shredder, tmp_path: Path) -> None:
    (sealed,) = shredder.seal_rows(TABLE_RULES["staff"], [STAFF])
    stranger = Shredder(KeyFile.create(tmp_path / "other.db"))
    with pytest.raises(StorageError) as caught:
        stranger.open_rows(TABLE_RULES["staff"], [sealed])
    assert str(caught.value) == (
        f"The key file {tmp_path / 'other.db'} has no key for a person the Neo4j database holds (token "
        f"{sealed['staff_id']}): it is not the key file of this database, or an older copy of it. Restore the key "
        "file backed up with the database (NETMAP_NEO4J_KEY_FILE).")


def test_a_value_in_clear_where_a_sealed_one_belongs_is_refused(shredder: Shredder) -> None:
    (sealed,) = shredder.seal_rows(GRAPH_RULES["Exclusion"], [{"staff_id": "S0042", "reason": "objection"}])
    assert shredder.open_rows(GRAPH_RULES["Exclusion"], [sealed]) == [{"staff_id": "S0042", "reason": "objection"}]
    with pytest.raises(StorageError, match="Neo4j holds reason of a person in clear"):
        shredder.open_rows(GRAPH_RULES["Exclusion"], [{**sealed, "reason": "objection"}])


def test_forgetting_a_person_leaves_no_byte_of_their_key_in_the_key_file(shredder: Shredder) -> None:
    shredder.seal_rows(TABLE_RULES["collaborations"], [TIE])
    token, key = shredder.known_token("S0042"), shredder.keys.key_of("S0042")
    assert token is not None
    files = shredder.keys.path.parent

    def held() -> bytes:
        return b"".join(p.read_bytes() for p in files.iterdir())

    assert token.encode() in held() and key in held() and b"S0042" in held()  # the search finds them before
    assert shredder.keys.forget_person("S0042") and not shredder.keys.forget_person("S0042")
    assert shredder.known_token("S0042") is None and shredder.known_token("S0007") is not None
    assert token.encode() not in held() and key not in held() and b"S0042" not in held()
    reopened = KeyFile.open(shredder.keys.path)
    assert reopened is not None and reopened.token_of("S0042") is None and not reopened.is_token(token)


def test_a_kept_analysis_opens_until_its_key_is_forgotten(shredder: Shredder) -> None:
    sealed = shredder.seal_payload("2026-07-01|hash|opts", "staff/1", b'["Ada Lovelace"]')
    assert b"Ada" not in sealed
    assert shredder.open_payload("2026-07-01|hash|opts", "staff/1", sealed) == b'["Ada Lovelace"]'
    assert shredder.open_payload("2026-07-01|hash|opts", "staff/2", sealed) is None  # bound to its part
    shredder.keys.forget_analyses(["2026-07-01-2|", "2026-07-01|"])
    assert shredder.open_payload("2026-07-01|hash|opts", "staff/1", sealed) is None


def test_a_person_erased_by_another_process_gets_a_new_key_not_the_one_it_remembers(shredder: Shredder) -> None:
    old = shredder.token("S0042")
    other = KeyFile.open(shredder.keys.path)  # the command line, while the web app runs
    assert other is not None and other.forget_person("S0042")
    new = shredder.token("S0042")  # the web app writes them again (a later load holds them)
    assert new != old and other.token_of("S0042") == new
