// Parameters: none
// One TieKind node per declared kind within a snapshot.
CREATE CONSTRAINT tie_kind_key IF NOT EXISTS
FOR (k:TieKind) REQUIRE (k.snapshot_id, k.kind) IS UNIQUE
