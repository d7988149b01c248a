// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MERGE (g:Group {snapshot_id: $snapshot_id, group_id: row.group_id})
SET g.row_no = row.row_no, g.name = row.name, g.kind = row.kind, g.subject = row.subject,
    g.phase = row.phase, g.attributes = row.attributes
