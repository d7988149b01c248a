// Parameters: none
MATCH (r:SurveyRound)
RETURN r.round_id AS round_id, r.spec AS spec, r.status AS status, r.created_at AS created_at,
       r.snapshot_as_of AS snapshot_as_of
ORDER BY created_at, round_id
