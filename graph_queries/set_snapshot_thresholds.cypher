// Parameters: $public_id, $thresholds
// An admin's thresholds for one snapshot (a JSON object of NAME: VALUE strings), kept on its Snapshot node.
MATCH (s:Snapshot {public_id: $public_id, status: 'complete'})
SET s.thresholds = $thresholds
RETURN count(s) AS changed
