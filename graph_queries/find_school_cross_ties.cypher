// Parameters: $school_id
// A school's cross-school ties in the latest snapshot: who in it works with whom elsewhere.
MATCH (snap:Snapshot {status: 'complete'})
WITH snap ORDER BY snap.as_of DESC LIMIT 1
MATCH (home:School {snapshot_id: snap.snapshot_id, school_id: $school_id})<-[:WORKS_AT]-(colleague:Staff)
MATCH (colleague)-[tie:COLLABORATES_WITH]-(contact:Staff)-[:WORKS_AT]->(other:School)
WHERE other <> home
RETURN colleague.staff_id AS colleague, contact.staff_id AS contact, other.name AS school, tie.kind AS kind
ORDER BY school, colleague, contact
