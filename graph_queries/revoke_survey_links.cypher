// Parameters: $round_id, $staff_ids, $when
// $staff_ids null: every link of the round.
MATCH (l:SurveyLink {round_id: $round_id})
WHERE l.revoked_at IS NULL AND ($staff_ids IS NULL OR l.staff_id IN $staff_ids)
SET l.revoked_at = $when
RETURN count(l) AS revoked
