// Parameters: $as_of, $content_hash, $options_key, $rows
// Keeps one analysis of a complete snapshot, a part per node; nothing when that snapshot is no longer stored.
MATCH (snap:Snapshot {as_of: $as_of, content_hash: $content_hash, status: 'complete'})
UNWIND $rows AS row
MERGE (p:AnalysisPart {snapshot_id: snap.snapshot_id, options_key: $options_key, name: row.name})
SET p.payload = row.payload
