// Parameters: $snapshot_id
// A load's heartbeat, renewed after every batch; 0 rows touched means another process removed this load.
MATCH (s:Snapshot {snapshot_id: $snapshot_id, status: 'loading'})
SET s.heartbeat = timestamp()
RETURN count(s) AS touched
