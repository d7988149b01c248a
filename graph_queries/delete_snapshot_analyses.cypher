// Parameters: $snapshot_ids
// The kept analyses of these loads (internal snapshot ids), which a change of their contents makes stale.
MATCH (p:AnalysisPart)
WHERE p.snapshot_id IN $snapshot_ids
DETACH DELETE p
