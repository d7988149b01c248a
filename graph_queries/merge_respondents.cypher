// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MATCH (p:Staff {snapshot_id: $snapshot_id, staff_id: row.staff_id})
MATCH (snap:Snapshot {snapshot_id: $snapshot_id})
MERGE (p)-[r:SURVEYED_IN {snapshot_id: $snapshot_id, row_no: row.row_no}]->(snap)
SET r.round = row.round, r.responded_on = row.responded_on, r.round_id = row.round_id, r.kinds = row.kinds,
    r.attributes = row.attributes
