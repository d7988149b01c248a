// Parameters: $snapshot_id
MATCH (p:Staff {snapshot_id: $snapshot_id})-[r:SURVEYED_IN]->(:Snapshot {snapshot_id: $snapshot_id})
RETURN r.row_no AS row_no, p.staff_id AS staff_id, r.round AS round, r.responded_on AS responded_on,
       r.round_id AS round_id, r.kinds AS kinds,
       r.attributes AS attributes
ORDER BY row_no
