// Parameters: $snapshot_id, $public_id
// The last step of a load: only now can readers see it, under its id. No row when the load is no longer
// 'loading' (removed by another process): the publish is then refused and rolled back.
MATCH (s:Snapshot {snapshot_id: $snapshot_id, status: 'loading'})
SET s.status = 'complete', s.public_id = $public_id
RETURN s.as_of AS as_of
