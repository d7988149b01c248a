// Parameters: $snapshot_id, $rows
UNWIND $rows AS row
MERGE (k:TieKind {snapshot_id: $snapshot_id, kind: row.kind})
SET k.row_no = row.row_no, k.flow = row.flow, k.label = row.label, k.question = row.question,
    k.attributes = row.attributes
