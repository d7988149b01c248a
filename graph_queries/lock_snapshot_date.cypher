// Parameters: $as_of, $snapshot_id
// First statement of a publish: two loads of one date publish one after the other, never interleaved (the
// uniqueness constraint on the lock's date makes concurrent MERGEs wait for each other), so a new snapshot's id
// is chosen among its date's ids with no other publish of that date in between.
MERGE (lock:SnapshotDateLock {as_of: $as_of})
SET lock.last_publisher = $snapshot_id
