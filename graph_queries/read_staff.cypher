// Parameters: $snapshot_id
MATCH (p:Staff {snapshot_id: $snapshot_id})-[:WORKS_AT]->(school:School)
RETURN p.row_no AS row_no, p.staff_id AS staff_id, school.school_id AS school_id, p.role AS role,
       p.name AS name, p.subjects AS subjects, p.started_on AS started_on, p.left_on AS left_on,
       p.attributes AS attributes
ORDER BY row_no
