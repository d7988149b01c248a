// Parameters: none
// One publish lock per snapshot date.
CREATE CONSTRAINT snapshot_date_lock_key IF NOT EXISTS
FOR (lock:SnapshotDateLock) REQUIRE lock.as_of IS UNIQUE
