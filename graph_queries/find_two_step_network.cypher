// Parameters: $staff_id
// A person's 2-step network in the latest snapshot, with how far each contact is ($staff_id: their token, in
// the key file; people are returned as tokens).
MATCH (snap:Snapshot {status: 'complete'})
WITH snap ORDER BY snap.as_of DESC LIMIT 1
MATCH (me:Staff {snapshot_id: snap.snapshot_id, staff_id: $staff_id})
MATCH path = (me)-[:COLLABORATES_WITH*1..2]-(contact:Staff)
WHERE contact <> me
WITH contact, min(length(path)) AS steps
MATCH (contact)-[:WORKS_AT]->(school:School)
RETURN contact.staff_id AS contact, school.name AS school, steps
ORDER BY steps, school, contact
