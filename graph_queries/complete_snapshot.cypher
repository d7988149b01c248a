// Parameters: $snapshot_id
// The last step of a load: only now can readers see it.
MATCH (s:Snapshot {snapshot_id: $snapshot_id})
SET s.status = 'complete'
RETURN s.as_of AS as_of
