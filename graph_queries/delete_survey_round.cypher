// Parameters: $round_id
// The round and everything kept of it: links, answer sheets and answers.
MATCH (n)
WHERE (n:SurveyRound OR n:SurveyLink OR n:SurveyAnswer OR n:SurveySheet OR n:SurveyResponse) AND n.round_id = $round_id
DETACH DELETE n
