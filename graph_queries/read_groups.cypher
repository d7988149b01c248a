// Parameters: $snapshot_id
MATCH (g:Group {snapshot_id: $snapshot_id})
RETURN g.row_no AS row_no, g.group_id AS group_id, g.name AS name, g.kind AS kind, g.subject AS subject,
       g.phase AS phase, g.attributes AS attributes
ORDER BY row_no
