// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MATCH (school:School {snapshot_id: $snapshot_id, school_id: row.school_id})
MERGE (p:Staff {snapshot_id: $snapshot_id, staff_id: row.staff_id})
SET p.row_no = row.row_no, p.role = row.role, p.name = row.name, p.subjects = row.subjects,
    p.started_on = row.started_on, p.left_on = row.left_on, p.attributes = row.attributes
MERGE (p)-[:WORKS_AT]->(school)
