// Parameters: $round_id, $respondent
// Submitted answers only ($respondent null: everyone's); drafts are not answers.
MATCH (a:SurveyAnswer {round_id: $round_id, sheet: 'submitted'})
WHERE $respondent IS NULL OR a.respondent = $respondent
RETURN a.respondent AS respondent, a.question AS question, a.target AS target, a.weight AS weight,
       a.saved_on AS saved_on
ORDER BY respondent, question, target
