// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MERGE (s:School {snapshot_id: $snapshot_id, school_id: row.school_id})
SET s.row_no = row.row_no, s.name = row.name, s.phase = row.phase, s.joined_on = row.joined_on,
    s.region = row.region, s.priority = row.priority, s.latitude = row.latitude, s.longitude = row.longitude,
    s.trust_id = row.trust_id, s.trust_name = row.trust_name, s.attributes = row.attributes
