// Parameters: none
// Every load writes under its own snapshot_id.
CREATE CONSTRAINT snapshot_key IF NOT EXISTS
FOR (s:Snapshot) REQUIRE s.snapshot_id IS UNIQUE
