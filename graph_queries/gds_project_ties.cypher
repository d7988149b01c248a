// Parameters: $graph_name, $public_id, $staff_rows, $tie_rows, $distance_scale
// Project U into Graph Data Science's catalog as $graph_name: the snapshot's staff in post ($staff_rows: their
// row_no; the isolated ones too) and one undirected relationship per pair with a counted tie either way
// ($tie_rows: the row_no of each tie that counts, chosen by netmap's rules: dates are sealed in the store), whose
// `distance` is $distance_scale / the summed weight of both directions (strong ties are short, as netmap's
// weighted measures; a scale that makes every distance a whole number keeps equal paths exactly equal).
MATCH (snap:Snapshot {public_id: $public_id, status: 'complete'})
MATCH (p:Staff {snapshot_id: snap.snapshot_id})
WHERE p.row_no IN $staff_rows
WITH p ORDER BY p.row_no  // GDS numbers nodes as it meets them: the same order each time, so a seed repeats
OPTIONAL MATCH (p)-[c:COLLABORATES_WITH]-(q:Staff)
WHERE c.row_no IN $tie_rows AND p.row_no < q.row_no
WITH p, q, sum(c.weight) AS strength
WITH gds.graph.project($graph_name, p, q,
       {relationshipProperties: CASE WHEN q IS NULL THEN {} ELSE {distance: $distance_scale / strength} END},
       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
