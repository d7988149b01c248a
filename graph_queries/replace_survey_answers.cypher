// Parameters: $round_id, $respondent, $answers, $submitted_on
// One transaction: the respondent's earlier answers and submission go, the new ones are written.
CALL () {
  MATCH (old:SurveyAnswer {round_id: $round_id, respondent: $respondent})
  DELETE old
}
CALL () {
  MATCH (done:SurveyResponse {round_id: $round_id, staff_id: $respondent})
  DELETE done
}
FOREACH (day IN CASE WHEN $submitted_on IS NULL THEN [] ELSE [$submitted_on] END |
  CREATE (:SurveyResponse {round_id: $round_id, staff_id: $respondent, submitted_on: day}))
WITH 1 AS ignored
UNWIND $answers AS answer
CREATE (:SurveyAnswer {round_id: $round_id, respondent: $respondent, question: answer.question,
                       target: answer.target, weight: answer.weight, saved_on: answer.saved_on})
