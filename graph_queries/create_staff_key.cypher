// Parameters: none
// One Staff node per staff_id within a snapshot.
CREATE CONSTRAINT staff_key IF NOT EXISTS
FOR (p:Staff) REQUIRE (p.snapshot_id, p.staff_id) IS UNIQUE
