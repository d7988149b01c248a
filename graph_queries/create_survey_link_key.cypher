// Parameters: none
// A link is found by its token's digest, which is unique.
CREATE CONSTRAINT survey_link_key IF NOT EXISTS
FOR (l:SurveyLink) REQUIRE l.digest IS UNIQUE
