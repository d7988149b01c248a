// Parameters: $snapshot_id
MATCH (p:Staff {snapshot_id: $snapshot_id})-[m:MEMBER_OF]->(g:Group)
RETURN m.row_no AS row_no, p.staff_id AS staff_id, g.group_id AS group_id, m.role AS role,
       m.joined_on AS joined_on, m.left_on AS left_on, m.attributes AS attributes
ORDER BY row_no
