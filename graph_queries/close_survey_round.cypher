// Parameters: $round_id
// The fence: an open round becomes closed under its write lock, which every answer save takes first
// (lock_survey_sheet); returns the status it had.
MATCH (r:SurveyRound {round_id: $round_id})
SET r.answer_lock = true
REMOVE r.answer_lock
WITH r, r.status AS was
SET r.status = CASE WHEN was = 'open' THEN 'closed' ELSE was END
RETURN was
