// Parameters: $staff_id
MATCH (e:Exclusion {staff_id: $staff_id})
DELETE e
RETURN count(*) AS withdrawn
