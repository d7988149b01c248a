// Parameters: $round_id
MATCH (r:SurveyResponse {round_id: $round_id})
RETURN r.staff_id AS staff_id, r.submitted_on AS submitted_on
ORDER BY staff_id
