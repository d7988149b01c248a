// Parameters: none
MATCH (e:Exclusion)
RETURN e.staff_id AS staff_id, e.reason AS reason, e.since AS since
ORDER BY staff_id
