// Parameters: $round_id, $respondent, $digest
// The first statement of every answer save: takes the round's write lock (the SET), so a save and the round's
// closing (close_survey_round) never interleave, then reads what the save must check, after the lock.
MATCH (r:SurveyRound {round_id: $round_id})
SET r.answer_lock = true
REMOVE r.answer_lock
WITH r
OPTIONAL MATCH (s:SurveySheet {round_id: $round_id, respondent: $respondent})
OPTIONAL MATCH (l:SurveyLink {digest: $digest, round_id: $round_id, staff_id: $respondent})
// submitted_elsewhere: the submission was made through another of the respondent's links, still not revoked
RETURN r.status AS status, coalesce(s.version, 0) AS version, l IS NOT NULL AND l.revoked_at IS NULL AS usable,
       coalesce(s.submitted_on IS NOT NULL AND s.submitted_via <> $digest
                AND EXISTS { MATCH (e:SurveyLink {digest: s.submitted_via, round_id: $round_id, staff_id: $respondent})
                             WHERE e.revoked_at IS NULL }, false) AS submitted_elsewhere
