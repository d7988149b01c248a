// Parameters: $staff_id
// A person erased from every survey round: their links and answer sheets, the answers they gave and those naming
// them, and their exclusion from analysis.
MATCH (n)
WHERE ((n:SurveyLink OR n:SurveyResponse OR n:Exclusion) AND n.staff_id = $staff_id)
   OR ((n:SurveySheet OR n:SurveyAnswer) AND n.respondent = $staff_id)
   OR (n:SurveyAnswer AND n.target = $staff_id)
DETACH DELETE n
