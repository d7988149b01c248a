// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MATCH (p:Staff {snapshot_id: $snapshot_id, staff_id: row.staff_id})
MATCH (g:Group {snapshot_id: $snapshot_id, group_id: row.group_id})
MERGE (p)-[m:MEMBER_OF {snapshot_id: $snapshot_id, row_no: row.row_no}]->(g)
SET m.role = row.role, m.joined_on = row.joined_on, m.left_on = row.left_on, m.attributes = row.attributes
