// Parameters: $group_id
// Members of a community or network who collaborate with nobody else in it (latest snapshot).
MATCH (snap:Snapshot {status: 'complete'})
WITH snap ORDER BY snap.as_of DESC LIMIT 1
MATCH (g:Group {snapshot_id: snap.snapshot_id, group_id: $group_id})<-[:MEMBER_OF]-(member:Staff)
WHERE NOT EXISTS { (member)-[:COLLABORATES_WITH]-(:Staff)-[:MEMBER_OF]->(g) }
MATCH (member)-[:WORKS_AT]->(school:School)
RETURN member.staff_id AS member, school.name AS school
ORDER BY school, member
