// Parameters: none
// Answers kept before answer sheets (one set per respondent, submitted when a SurveyResponse said so) become
// sheets of version 1, bound to the respondent's link when they were only ever issued one. Idempotent.
CALL () {
  MATCH (a:SurveyAnswer)
  WHERE a.sheet IS NULL
  OPTIONAL MATCH (done:SurveyResponse {round_id: a.round_id, staff_id: a.respondent})
  SET a.sheet = CASE WHEN done IS NULL THEN 'draft' ELSE 'submitted' END
}
CALL () {
  MATCH (a:SurveyAnswer {sheet: 'draft'})
  WITH DISTINCT a.round_id AS round_id, a.respondent AS respondent
  OPTIONAL MATCH (l:SurveyLink {round_id: round_id, staff_id: respondent})
  WITH round_id, respondent, collect(l.digest) AS links
  MERGE (s:SurveySheet {round_id: round_id, respondent: respondent})
  ON CREATE SET s.version = 1, s.has_draft = true, s.draft_via = CASE WHEN size(links) = 1 THEN links[0] END
}
CALL () {
  MATCH (done:SurveyResponse)
  OPTIONAL MATCH (l:SurveyLink {round_id: done.round_id, staff_id: done.staff_id})
  WITH done, collect(l.digest) AS links
  MERGE (s:SurveySheet {round_id: done.round_id, respondent: done.staff_id})
  ON CREATE SET s.version = 1, s.has_draft = false
  SET s.submitted_on = done.submitted_on, s.submitted_via = CASE WHEN size(links) = 1 THEN links[0] END
  DELETE done
}
