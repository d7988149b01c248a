// Parameters: $digest
MATCH (l:SurveyLink {digest: $digest})
RETURN l.round_id AS round_id, l.staff_id AS staff_id, l.digest AS digest, l.expires_at AS expires_at,
       l.revoked_at AS revoked_at
