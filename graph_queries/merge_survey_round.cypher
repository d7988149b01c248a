// Parameters: $round_id, $spec, $status, $created_at, $snapshot_as_of
MERGE (r:SurveyRound {round_id: $round_id})
ON CREATE SET r.created_at = $created_at
SET r.spec = $spec, r.status = $status, r.snapshot_as_of = $snapshot_as_of
