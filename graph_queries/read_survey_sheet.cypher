// Parameters: $round_id, $respondent
MATCH (s:SurveySheet {round_id: $round_id, respondent: $respondent})
OPTIONAL MATCH (a:SurveyAnswer {round_id: $round_id, respondent: $respondent})
RETURN s.version AS version, s.submitted_on AS submitted_on, s.submitted_via AS submitted_via,
       s.has_draft AS has_draft, s.draft_via AS draft_via,
       [x IN collect(a) | {sheet: x.sheet, question: x.question, target: x.target, weight: x.weight}] AS answers
