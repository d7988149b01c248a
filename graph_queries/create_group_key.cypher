// Parameters: none
// One Group node per group_id within a snapshot.
CREATE CONSTRAINT group_key IF NOT EXISTS
FOR (g:Group) REQUIRE (g.snapshot_id, g.group_id) IS UNIQUE
