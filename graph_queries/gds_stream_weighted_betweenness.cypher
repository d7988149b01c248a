// Parameters: $graph_name
// Exact betweenness with a path's length the sum of its ties' `distance` (1 / tie strength), by staff row_no.
CALL gds.betweenness.stream($graph_name, {relationshipWeightProperty: 'distance'})
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).row_no AS row_no, score
