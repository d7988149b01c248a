// Parameters: $snapshot_id, $batch_size
// Removes up to $batch_size nodes of one snapshot with their relationships; call until it deletes 0.
MATCH (n:School|Staff|Group|TieKind|AnalysisPart {snapshot_id: $snapshot_id})
WITH n LIMIT $batch_size
DETACH DELETE n
RETURN count(*) AS deleted
