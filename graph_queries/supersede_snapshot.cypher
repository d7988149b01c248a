// Parameters: $as_of, $snapshot_id
// Run with complete_snapshot in one transaction: the date's previous snapshot stops being visible.
MATCH (old:Snapshot {as_of: $as_of, status: 'complete'})
WHERE old.snapshot_id <> $snapshot_id
SET old.status = 'superseded'
