// Parameters: $round_id, $respondent
// $respondent null: everyone who submitted.
MATCH (r:SurveyResponse {round_id: $round_id})
WHERE $respondent IS NULL OR r.staff_id = $respondent
RETURN r.staff_id AS staff_id, r.submitted_on AS submitted_on
ORDER BY staff_id
