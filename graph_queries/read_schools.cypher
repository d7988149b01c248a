// Parameters: $snapshot_id
MATCH (s:School {snapshot_id: $snapshot_id})
RETURN s.row_no AS row_no, s.school_id AS school_id, s.name AS name, s.phase AS phase,
       s.joined_on AS joined_on, s.region AS region, s.priority AS priority, s.latitude AS latitude,
       s.longitude AS longitude, s.trust_id AS trust_id, s.trust_name AS trust_name,
       s.attributes AS attributes
ORDER BY row_no
