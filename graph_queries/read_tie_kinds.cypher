// Parameters: $snapshot_id
MATCH (k:TieKind {snapshot_id: $snapshot_id})
RETURN k.row_no AS row_no, k.kind AS kind, k.flow AS flow, k.label AS label, k.question AS question,
       k.attributes AS attributes
ORDER BY row_no
