// Parameters: $snapshot_id
MATCH (p:Staff {snapshot_id: $snapshot_id})-[s:SECONDED_TO]->(to:School)
RETURN s.row_no AS row_no, p.staff_id AS staff_id, s.from_school_id AS from_school_id,
       to.school_id AS to_school_id, s.starts_on AS starts_on, s.ends_on AS ends_on, s.purpose AS purpose,
       s.attributes AS attributes
ORDER BY row_no
