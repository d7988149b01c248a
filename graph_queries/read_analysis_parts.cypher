// Parameters: $public_id, $content_hash, $options_key
MATCH (snap:Snapshot {content_hash: $content_hash, status: 'complete'})
WHERE coalesce(snap.public_id, snap.as_of) = $public_id
MATCH (p:AnalysisPart {snapshot_id: snap.snapshot_id, options_key: $options_key})
RETURN p.name AS name, p.payload AS payload
ORDER BY name
