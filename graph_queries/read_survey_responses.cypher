// Parameters: $round_id, $respondent
// $respondent null: everyone who submitted.
MATCH (s:SurveySheet {round_id: $round_id})
WHERE s.submitted_on IS NOT NULL AND ($respondent IS NULL OR s.respondent = $respondent)
RETURN s.respondent AS staff_id, s.submitted_on AS submitted_on
ORDER BY staff_id
