"""Open the store the settings ask for: Neo4j when a URI is given, the embedded SQLite file otherwise."""

from __future__ import annotations

from pathlib import Path

from netmap.config import Settings, check_neo4j_uri
from netmap.store.base import GraphStore

__all__ = ["open_store"]


def open_store(settings: Settings, *, db: Path | None = None, store_uri: str | None = None,
               create: bool = True) -> GraphStore:
    """`store_uri` (the --store option) beats NETMAP_NEO4J_URI; with neither, the SQLite file at `db` or
    NETMAP_DB or the default path, made when missing only with `create` (commands that only read refuse a path
    that does not exist, so a typo is not taken for an empty store)."""
    uri = store_uri or settings.neo4j_uri
    if uri:
        check_neo4j_uri(uri, "--store")
        from netmap.store.neo4j import Neo4jStore  # the driver loads only for Neo4j users

        return Neo4jStore(uri, user=settings.neo4j_user, password=settings.neo4j_password,
                          database=settings.neo4j_database, batch_size=settings.neo4j_batch_size,
                          key_file=settings.neo4j_key_file, analysis=settings.neo4j_analysis)
    from netmap.store.sqlite import SQLiteStore

    return SQLiteStore(db or settings.db_path, create=create)
