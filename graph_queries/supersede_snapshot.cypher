// Parameters: $public_id, $snapshot_id
// Run with complete_snapshot in one transaction when a load replaces the snapshot $public_id (asked for by name):
// that snapshot's previous load stops being visible. Loads that name no snapshot to replace never run it.
MATCH (old:Snapshot {status: 'complete'})
WHERE coalesce(old.public_id, old.as_of) = $public_id AND old.snapshot_id <> $snapshot_id
SET old.status = 'superseded'
