// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MATCH (p:Staff {snapshot_id: $snapshot_id, staff_id: row.staff_id})
MATCH (to:School {snapshot_id: $snapshot_id, school_id: row.to_school_id})
MERGE (p)-[s:SECONDED_TO {snapshot_id: $snapshot_id, row_no: row.row_no}]->(to)
SET s.from_school_id = row.from_school_id, s.starts_on = row.starts_on, s.ends_on = row.ends_on,
    s.purpose = row.purpose, s.attributes = row.attributes
