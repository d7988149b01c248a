// Parameters: none
// A survey round is kept once, by its id.
CREATE CONSTRAINT survey_round_key IF NOT EXISTS
FOR (r:SurveyRound) REQUIRE r.round_id IS UNIQUE
