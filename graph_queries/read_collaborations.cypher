// Parameters: $snapshot_id
MATCH (source:Staff {snapshot_id: $snapshot_id})-[c:COLLABORATES_WITH]->(target:Staff)
RETURN c.row_no AS row_no, source.staff_id AS source_staff_id, target.staff_id AS target_staff_id,
       c.kind AS kind, c.weight AS weight, c.observed_on AS observed_on, c.attributes AS attributes
ORDER BY row_no
