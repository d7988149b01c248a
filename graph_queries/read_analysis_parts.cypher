// Parameters: $as_of, $content_hash, $options_key
MATCH (snap:Snapshot {as_of: $as_of, content_hash: $content_hash, status: 'complete'})
MATCH (p:AnalysisPart {snapshot_id: snap.snapshot_id, options_key: $options_key})
RETURN p.name AS name, p.payload AS payload
ORDER BY name
