// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MATCH (source:Staff {snapshot_id: $snapshot_id, staff_id: row.source_staff_id})
MATCH (target:Staff {snapshot_id: $snapshot_id, staff_id: row.target_staff_id})
MERGE (source)-[c:COLLABORATES_WITH {snapshot_id: $snapshot_id, row_no: row.row_no}]->(target)
SET c.kind = row.kind, c.weight = row.weight, c.observed_on = row.observed_on, c.attributes = row.attributes
