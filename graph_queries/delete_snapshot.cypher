// Parameters: $snapshot_id
MATCH (s:Snapshot {snapshot_id: $snapshot_id})
DELETE s
