// Parameters: $graph_name
// Exact (unsampled) Brandes betweenness of the undirected projection, every tie one step, by staff row_no.
CALL gds.betweenness.stream($graph_name)
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).row_no AS row_no, score
