// Parameters: none
// One School per school_id within a snapshot; also the index every lookup by id uses.
CREATE CONSTRAINT school_key IF NOT EXISTS
FOR (s:School) REQUIRE (s.snapshot_id, s.school_id) IS UNIQUE
