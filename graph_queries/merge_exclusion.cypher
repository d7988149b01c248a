// Parameters: $staff_id, $reason, $since
// A person excluded from analysis (an objection); a second objection keeps the first date and the new reason.
MERGE (e:Exclusion {staff_id: $staff_id})
ON CREATE SET e.since = $since
SET e.reason = $reason
