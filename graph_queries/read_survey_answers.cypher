// Parameters: $round_id, $respondent
// $respondent null: everyone's answers.
MATCH (a:SurveyAnswer {round_id: $round_id})
WHERE $respondent IS NULL OR a.respondent = $respondent
RETURN a.respondent AS respondent, a.question AS question, a.target AS target, a.weight AS weight,
       a.saved_on AS saved_on
ORDER BY respondent, question, target
