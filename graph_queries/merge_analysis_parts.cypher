// Parameters: $public_id, $content_hash, $options_key, $rows
// Keeps one analysis of a complete snapshot, a part per node; nothing when that snapshot is no longer stored.
MATCH (snap:Snapshot {content_hash: $content_hash, status: 'complete'})
WHERE coalesce(snap.public_id, snap.as_of) = $public_id
UNWIND $rows AS row
MERGE (p:AnalysisPart {snapshot_id: snap.snapshot_id, options_key: $options_key, name: row.name})
SET p.payload = row.payload
