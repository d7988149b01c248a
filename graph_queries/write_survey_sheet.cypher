// Parameters: $round_id, $respondent, $submit, $version, $day, $via, $answers
// After lock_survey_sheet, in the same transaction: a submission replaces the submitted answers and ends the
// draft; a draft replaces the draft only (the submission stays and counts).
CALL () {
  MATCH (old:SurveyAnswer {round_id: $round_id, respondent: $respondent})
  WHERE old.sheet = 'draft' OR $submit
  DELETE old
}
MERGE (s:SurveySheet {round_id: $round_id, respondent: $respondent})
SET s.version = $version,
    s.submitted_on = CASE WHEN $submit THEN $day ELSE s.submitted_on END,
    s.submitted_via = CASE WHEN $submit THEN $via ELSE s.submitted_via END,
    s.has_draft = NOT $submit,
    s.draft_via = CASE WHEN $submit THEN null ELSE $via END
WITH s
UNWIND $answers AS answer
CREATE (:SurveyAnswer {round_id: $round_id, respondent: $respondent,
                       sheet: CASE WHEN $submit THEN 'submitted' ELSE 'draft' END, question: answer.question,
                       target: answer.target, weight: answer.weight, saved_on: $day})
